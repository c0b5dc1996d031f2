#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (Ubuntu).
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends bubblewrap python3 python3-venv python3-pip
PY=python3
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  # Ubuntu 22.04 ships Python 3.10; keraskit needs 3.11 or later
  apt-get install -y --no-install-recommends python3.11 python3.11-venv
  PY=python3.11
fi
"$PY" -m venv /autograder/keraskit-venv
/autograder/keraskit-venv/bin/python -m pip install --upgrade pip
# a venv of its own: the kit's one TensorFlow distribution (`tensorflow`) is the only one there
/autograder/keraskit-venv/bin/python -m pip install /autograder/source/keraskit-kit
# what isolation this image gives (bwrap often cannot create namespaces inside Docker: the
# floor then applies: rlimits, own session, a separate uid for student code)
/autograder/keraskit-venv/bin/python -m keraskit.cli doctor || true
