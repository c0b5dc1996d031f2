"""Time of the judge's JSON token scan (``wire.count_json_tokens``) on adversarial headers, as a
ratio to the scan of a plain header of the same size (printed, not asserted).

    .venv/bin/python benchmarks/bench_wire_scan.py [--megabytes 16]

The adversarial header is '"' followed by repeated '\\"' (every escaped quote a place where a
backtracking scan would restart); a linear scan keeps the ratio near 1 at any size.
"""

from __future__ import annotations

import argparse
import time

from keraskit.autograde import wire


def seconds(text: bytes) -> float:
    start = time.perf_counter()
    wire.count_json_tokens(text)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=16.0)
    size = int(parser.parse_args().megabytes * 1e6)
    plain = b'["' + b"a" * (size - 4) + b'"]'
    cases = {"escaped quotes, open": b'"' + b'\\"' * (size // 2),
             "escaped quotes, trailing backslash": b'"' + b'\\"' * (size // 2) + b"\\",
             "many short strings": b"[" + b'"a",' * (size // 4) + b"1]"}
    base = seconds(plain)
    print(f"plain header of {size / 1e6:g} MB: {base:.3f} s")
    for name, text in cases.items():
        took = seconds(text)
        print(f"{name}: {took:.3f} s, {took / base:.1f}x the plain header")


if __name__ == "__main__":
    main()
