"""Is this environment's TensorFlow still the one that was installed? (CI, after installing the kit.)

Exactly one distribution may write the ``tensorflow`` import package, and every file of it must
still have the hash its RECORD gave when it was installed: a second distribution of the package
(tensorflow-cpu beside tensorflow) overwrites some of them. Prints what it found; exit status 0
when both hold, 1 otherwise.

    python scripts/check_tensorflow_install.py [--expect tensorflow]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import importlib.metadata
import sys
from pathlib import Path

from keraskit.environment import tensorflow_distributions


def changed_files(dist) -> tuple[int, list[str]]:
    """(files checked, files whose content no longer has the hash ``dist``'s RECORD gives)."""
    checked, changed = 0, []
    for entry in dist.files or ():
        if entry.hash is None:  # RECORD itself, and files written after install (.pyc)
            continue
        path = Path(dist.locate_file(entry))
        checked += 1
        try:
            digest = hashlib.new(entry.hash.mode, path.read_bytes()).digest()
        except OSError:
            changed.append(f"{entry} (missing)")
            continue
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != entry.hash.value:
            changed.append(str(entry))
    return checked, changed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--expect", default="tensorflow", help="the one distribution expected (default tensorflow)")
    args = parser.parse_args(argv)
    found = tensorflow_distributions()
    names = [f"{d.name} {d.version}" for d in found]
    if [d.name for d in found] != [args.expect]:
        print(f"expected one TensorFlow distribution, {args.expect}; found: {', '.join(names) or 'none'}")
        return 1
    checked, changed = changed_files(importlib.metadata.distribution(args.expect))
    if changed:
        print(f"{names[0]}: {len(changed)} of {checked} files differ from its RECORD: {', '.join(changed[:10])}")
        return 1
    print(f"{names[0]}: the only TensorFlow distribution; all {checked} files as installed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
