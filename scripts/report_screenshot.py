"""docs/report.png: the class report of a generated class (tests/support/report_class.py), as
headless Chromium shows it. Nothing is graded: the records are generated, the submissions are
the fairness corpus's numpy topics plus a disguised copy.

    python scripts/report_screenshot.py [--out docs/report.png] [--height 1900]
    python scripts/report_screenshot.py --out docs/report-similarity.png --part similarity --height 1100
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "support"))

import report_class  # noqa: E402

from keraskit.autograde import classreport as report  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "report.png"))
    parser.add_argument("--height", type=int, default=1900)
    parser.add_argument("--part", default="", help="show only this section: class, mistakes, students, similarity")
    args = parser.parse_args()
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print("chromium is not installed (apt-get install -y chromium)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="keraskit-report-shot-") as tmp:
        out, subs = Path(tmp) / "out", Path(tmp) / "subs"
        report_class.write_class(out, subs)
        report.rebuild(out, subs, lang="en")
        page = out / report.REPORT_FILE
        if args.part:  # the same page, the other sections hidden
            page = out / "part.html"
            text = (out / report.REPORT_FILE).read_text(encoding="utf-8")
            page.write_text(text.replace("</style>", f"section:not(#{args.part}){{display:none}}</style>", 1),
                            encoding="utf-8")
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--no-first-run", f"--user-data-dir={Path(tmp) / 'profile'}", "--hide-scrollbars",
                        f"--window-size=1100,{args.height}", f"--screenshot={Path(args.out).resolve()}",
                        page.as_uri()], check=True, capture_output=True, timeout=120)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
