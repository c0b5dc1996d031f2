#!/usr/bin/env bash
# Try the Gradescope bundle the way Gradescope's container runs it, on a fresh Debian root:
#   1. build the bundle (keraskit gradescope-bundle) from this checkout;
#   2. build a minimal Debian root with mmdebstrap, from Debian's own packages;
#   3. run the bundle's setup.sh there, as root (apt, a venv, pip install of the kit);
#   4. run run_autograder on the reference and on the stubs, and check the scores.
# Gradescope's containers are Docker, where bwrap cannot create namespaces: by default the
# chroot runs with KERASKIT_NO_BWRAP=1 (the Landlock floor); pass --bwrap to let it use bwrap.
#
# Usage (root; needs mmdebstrap, network access to a Debian mirror and to PyPI, ~3 GB of disk):
#   scripts/gradescope_fresh_root.sh [--bwrap] [--keep] [--suite bookworm] [--mirror URL] [--python PY]
# PY: the Python that runs `keraskit gradescope-bundle` (default: .venv/bin/python).
# MMDEBSTRAP=/path/to/mmdebstrap overrides where mmdebstrap is found.
# pip settings of this machine (PIP_INDEX_URL, PIP_EXTRA_INDEX_URL, PIP_FIND_LINKS, PIP_CERT,
# PIP_CONSTRAINT, from the environment or pip's config) are passed to setup.sh; the local files
# and folders they name are copied or bound read-only into the root.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)

SUITE=bookworm
MIRROR=http://deb.debian.org/debian
PY=.venv/bin/python
KEEP=0
MODE_ENV=(KERASKIT_NO_BWRAP=1)
while [ $# -gt 0 ]; do
    case "$1" in
        --bwrap) MODE_ENV=() ;;
        --keep) KEEP=1 ;;
        --suite) SUITE=$2; shift ;;
        --mirror) MIRROR=$2; shift ;;
        --python) PY=$2; shift ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
[ "$(id -u)" = 0 ] || { echo "run as root (chroot, mounts)" >&2; exit 2; }
MMDEBSTRAP=${MMDEBSTRAP:-$(command -v mmdebstrap || true)}
[ -n "$MMDEBSTRAP" ] || { echo "mmdebstrap is not installed (apt-get install mmdebstrap)" >&2; exit 2; }

WORK=$(mktemp -d /tmp/keraskit-fresh-root.XXXXXX)
ROOTFS="$WORK/root"
MOUNTS=()
cleanup() {
    local i
    for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do umount -l "${MOUNTS[$i]}" 2>/dev/null || true; done
    if [ "$KEEP" = 1 ]; then echo "kept $WORK"; else rm -rf --one-file-system "$WORK"; fi
}
trap cleanup EXIT
bind() {  # bind SOURCE TARGET [ro]
    mkdir -p "$2"
    mount --bind "$1" "$2"
    MOUNTS+=("$2")
    if [ "${3:-}" = ro ]; then mount -o remount,bind,ro "$2"; fi
}
step() { printf '\n== %s (%s)\n' "$1" "$(date +%T)"; }

step "bundle"
"$PY" -m keraskit.cli gradescope-bundle "$WORK/autograder.zip"

step "fresh Debian root: $SUITE from $MIRROR"
"$MMDEBSTRAP" --variant=minbase --include=ca-certificates,unzip "$SUITE" "$ROOTFS" "$MIRROR"

step "the bundle in /autograder, as Gradescope lays it out"
mkdir -p "$ROOTFS/autograder/source" "$ROOTFS/autograder/results" "$ROOTFS/autograder/submission"
(cd "$ROOTFS/autograder/source" && python3 -m zipfile -e "$WORK/autograder.zip" .)
chmod +x "$ROOTFS/autograder/source/setup.sh" "$ROOTFS/autograder/source/run_autograder"
cp "$ROOTFS/autograder/source/run_autograder" "$ROOTFS/autograder/run_autograder"
cp /etc/resolv.conf "$ROOTFS/etc/resolv.conf"
mount -t proc proc "$ROOTFS/proc"; MOUNTS+=("$ROOTFS/proc")
bind /dev "$ROOTFS/dev"
mount -t devpts devpts "$ROOTFS/dev/pts" -o newinstance 2>/dev/null && MOUNTS+=("$ROOTFS/dev/pts") || true
bind /sys "$ROOTFS/sys" ro

PIP_ENV=()
for name in PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_FIND_LINKS PIP_CERT PIP_CONSTRAINT; do
    key=$(echo "${name#PIP_}" | tr 'A-Z_' 'a-z-')
    value=${!name:-$(pip3 config list 2>/dev/null | sed -n "s/^global\.$key='\(.*\)'\$/\1/p" | head -1 || true)}
    value=${value//$'\n'/ }
    [ -n "$value" ] || continue
    PIP_ENV+=("$name=$value")
    for url in $value; do
        path=${url#file://}
        [ "${path:0:1}" = / ] || continue
        if [ -f "$path" ]; then  # a CA bundle (a proxy's), a constraints file: copied to the same path
            mkdir -p "$ROOTFS$(dirname "$path")" && cp "$path" "$ROOTFS$path"
        elif [ -d "$path" ]; then  # a local index: its "simple" folder links to files beside it
            [ "$(basename "$path")" = simple ] && path=$(dirname "$path")
            bind "$path" "$ROOTFS$path" ro
        fi
    done
done
in_root() { chroot "$ROOTFS" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 "${PIP_ENV[@]}" "${MODE_ENV[@]}" "$@"; }

step "setup.sh as root"
in_root bash -c "cd /autograder/source && ./setup.sh" 2>&1 | tail -40

grade() {  # grade NAME FOLDER -> prints the score
    rm -rf "$ROOTFS/autograder/submission" && mkdir -p "$ROOTFS/autograder/submission"
    cp "$2"/*.py "$ROOTFS/autograder/submission/"
    rm -f "$ROOTFS/autograder/submission/__init__.py"
    in_root bash -c "cd /autograder && ./run_autograder" > "$WORK/$1.log" 2>&1 || true
    cp "$ROOTFS/autograder/results/results.json" "$WORK/$1.json"
    python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(r['score'], sum(t.get('max_score', 0) for t in r['tests']))" "$WORK/$1.json"
}

step "doctor in the fresh root"
in_root /autograder/keraskit-venv/bin/python -m keraskit.cli doctor || true

step "run_autograder on the reference"
read -r ref_score ref_max < <(grade reference "$REPO/solutions")
echo "reference: $ref_score/$ref_max"
step "run_autograder on the stubs"
read -r stub_score stub_max < <(grade stubs "$REPO/exercises")
echo "stubs: $stub_score/$stub_max"

if [ "$ref_score" = "$ref_max" ] && [ "$ref_max" != 0 ] && [ "$stub_score" = 0 ]; then
    echo "PASS: fresh $SUITE root, setup.sh as root, reference $ref_score/$ref_max, stubs $stub_score"
else
    echo "FAIL: reference $ref_score/$ref_max, stubs $stub_score/$stub_max (logs: $WORK, rerun with --keep)"
    tail -30 "$WORK/reference.log"
    exit 1
fi
