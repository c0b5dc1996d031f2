"""How many wrong answers do the visible tests alone catch? (The hidden suite must catch them all.)

Grades every variant of ``grading/mutants/<topic>.py`` against the topic's visible tests only
(``exercises/tests/test_<topic>.py``), as a student's ``pytest exercises/`` would, and prints per
topic: wrong variants caught / total, the right variants the visible tests reject (there must be
none), and every wrong variant they miss. Goal: at least 95% caught overall; each miss is listed,
with the reason only the hidden suite catches it, in ``grading/mutants/README.md``.

The numpy topics take seconds each; the Keras topics (``slow = true`` in the catalogue: their
variants build and train models) take minutes, so they are graded only when named or with
``--all``.

    python scripts/visible_kill_rate.py                 # the numpy topics
    python scripts/visible_kill_rate.py metrics losses  # some topics
    python scripts/visible_kill_rate.py --all           # every topic, Keras ones too
    python scripts/visible_kill_rate.py --corpus        # also: every grading/class submission and
                                                        # the reference pass every visible test
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "support"))  # kitdev, the kit's development helpers

from keraskit import catalogue  # noqa: E402 - after the path above
from keraskit.quiet import silence_tensorflow  # noqa: E402
from kitdev import mutation  # noqa: E402

VISIBLE = ROOT / "exercises" / "tests"
MUTANTS = ROOT / "grading" / "mutants"
CLASS = ROOT / "grading" / "class"
GOAL = 0.95


def chosen_topics(names: list[str], everything: bool) -> list[str]:
    cat = catalogue.load()
    unknown = [name for name in names if name not in cat.topic_ids]
    if unknown:
        raise SystemExit(f"unknown topic(s) {', '.join(unknown)}; topics: {', '.join(cat.topic_ids)}")
    if names:
        picked = names
    else:
        picked = [topic.id for topic in cat.topics if everything or not topic.slow]
    return [topic for topic in cat.slowest_first(picked) if (MUTANTS / f"{topic}.py").exists()]


def judge(topics: list[str], workers: int) -> dict[str, list[mutation.Verdict]]:
    jobs = [(variant, ROOT / "solutions", VISIBLE / f"test_{topic}.py")
            for topic in topics for variant in mutation.load_variants(MUTANTS / f"{topic}.py")]
    by_topic: dict[str, list[mutation.Verdict]] = {topic: [] for topic in topics}
    for verdict in mutation.judge_all(jobs, workers=workers, rootdir=ROOT):
        by_topic[verdict.variant.module].append(verdict)
    return by_topic


def report(by_topic: dict[str, list[mutation.Verdict]]) -> int:
    """Print the table and the misses; 0 when the goal is met and no right answer is rejected."""
    caught_all = wrong_all = 0
    misses, rejected, broken = [], [], []
    print(f"{'topic':<14}{'caught':>8}{'wrong':>7}{'rate':>8}{'right ok':>10}")
    for topic, verdicts in by_topic.items():
        wrongs = [v for v in verdicts if v.variant.kind == mutation.WRONG]
        rights = [v for v in verdicts if v.variant.kind == mutation.RIGHT]
        caught = sum(v.killed for v in wrongs)
        accepted = sum(v.as_expected for v in rights)
        caught_all, wrong_all = caught_all + caught, wrong_all + len(wrongs)
        rate = caught / len(wrongs) if wrongs else 1.0
        print(f"{topic:<14}{caught:>8}{len(wrongs):>7}{rate:>8.0%}{f'{accepted}/{len(rights)}':>10}")
        broken += [v for v in verdicts if v.broken]
        misses += [v for v in wrongs if not v.killed and not v.broken]
        rejected += [v for v in rights if not v.as_expected and not v.broken]
    rate = caught_all / wrong_all if wrong_all else 1.0
    print(f"{'all':<14}{caught_all:>8}{wrong_all:>7}{rate:>8.0%}   goal >= {GOAL:.0%}")
    for title, verdicts in (("missed by the visible tests (only the hidden suite catches them)", misses),
                            ("right answers the visible tests reject", rejected),
                            ("broken variants (they cannot run: fix them)", broken)):
        if verdicts:
            print(f"\n{title}:")
            for verdict in verdicts:
                detail = f"\n      {verdict.first_failure}" if verdict.variant.kind == mutation.RIGHT else ""
                print(f"  - {verdict.variant.label()}{detail}")
    return 0 if rate >= GOAL and not rejected and not broken else 1


def corpus_failures(topics: list[str]) -> int:
    """Grade the reference and each fairness-corpus submission with the visible tests of ``topics``:
    every correct answer must pass them all. Prints each failing test; returns their count."""
    from keraskit import runner

    suites = [VISIBLE / f"test_{topic}.py" for topic in topics]
    targets = [ROOT / "solutions"] + sorted(path for path in CLASS.iterdir() if path.is_dir())
    failures = 0
    print()
    for folder in targets:
        result = runner.run(suites, target=folder, rootdir=ROOT)
        failed = result.failed_tests()
        failures += len(failed)
        print(f"{folder.relative_to(ROOT)}: {len(result.tests) - len(failed)}/{len(result.tests)} visible tests pass")
        for test in failed:
            print(f"  - {test.nodeid}: {test.message}")
    return failures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("topics", nargs="*", metavar="TOPIC", help="topics to grade (default: the numpy ones)")
    parser.add_argument("--all", action="store_true", help="every topic, the Keras ones included")
    parser.add_argument("--workers", type=int, default=1, help="processes grading variants (default 1)")
    parser.add_argument("--corpus", action="store_true",
                        help="also grade the reference and grading/class/* with the visible tests")
    args = parser.parse_args(argv)
    silence_tensorflow()  # before the pool starts: its workers inherit the setting
    topics = chosen_topics(args.topics, args.all)
    status = report(judge(topics, args.workers))
    if args.corpus and corpus_failures(topics):
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
