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
# What isolation this image gives. Inside Docker bwrap often cannot create namespaces; Landlock
# and seccomp then confine student code (the landlock mode), and only kernels without Landlock
# fall to the rlimits floor (docs/autograder.md). doctor exits 1 when protections are missing but
# grading works (the build goes on; its lines say which), and 2 when the worker cannot grade here:
# the build fails then, rather than give an autograder that fails every submission.
status=0
/autograder/keraskit-venv/bin/python -m keraskit.cli doctor || status=$?
if [ "$status" -ge 2 ]; then
  echo "setup.sh: keraskit doctor says the sandbox cannot grade in this image (exit status $status)" >&2
  exit 1
fi
