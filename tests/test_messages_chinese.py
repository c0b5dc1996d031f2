"""Under KERASKIT_LANG=zh_CN, the failure messages of every wrong answer in grading/mutants/ are
Chinese: no English phrase outside code and values (``i18n.english_sentences``)."""

import tempfile
from pathlib import Path

import pytest

from keraskit import catalogue, i18n, runner
from kitdev import mutation

ROOT = Path(__file__).resolve().parents[1]
MUTANTS = ROOT / "grading" / "mutants"
SUITES = (ROOT / "exercises" / "tests", ROOT / "grading" / "hidden")
TOPICS = [t for t in catalogue.load().topic_ids if (MUTANTS / f"{t}.py").exists()]
# The tests of the 30-epoch Boston run: they only repeat a quick check's failure (already scanned)
# or train for 30 epochs per round; their own messages are locale keys, scanned by test_i18n.
SLOW = "not (defaults_run_30_epochs or boston_experiment_learns or loss_then_mape or is_repeatable" \
       " or equals_seeded_keras_run)"


def rounds(variants: list[mutation.Variant]) -> list[list[mutation.Variant]]:
    """The wrong variants in rounds holding at most one variant per exercise.

    A round's variants are graded together, as one module: a topic costs as many runs as its
    exercise with the most wrong answers, not one run per wrong answer.
    """
    by_exercise: dict[str, list[mutation.Variant]] = {}
    for variant in variants:
        if variant.kind == mutation.WRONG:
            by_exercise.setdefault(variant.exercise, []).append(variant)
    depth = max(map(len, by_exercise.values()), default=0)
    return [[v[k] for v in by_exercise.values() if k < len(v)] for k in range(depth)]


def write_round(topic: str, variants: list[mutation.Variant], out_dir: Path) -> Path:
    """The reference module with every variant of the round redefined at its end."""
    path = Path(out_dir) / f"{topic}.py"
    text = (ROOT / "solutions" / f"{topic}.py").read_text(encoding="utf-8")
    for variant in variants:
        text += f"\n\n# --- variant: {variant.description}\n{variant.source}"
    path.write_text(text, encoding="utf-8")
    return path


def failure_messages(topic: str, monkeypatch) -> list[tuple[str, str]]:
    """(test id, message) of every failing test of every round of ``topic``'s wrong answers, in Chinese."""
    monkeypatch.setenv("KERASKIT_LANG", "zh_CN")
    found = []
    for variants in rounds(mutation.load_variants(MUTANTS / f"{topic}.py")):
        with tempfile.TemporaryDirectory(prefix="keraskit-zh-round-") as tmp:
            write_round(topic, variants, Path(tmp))
            # only the round's exercises: the others are the reference's and fail nothing
            result = runner.run([suite / f"test_{topic}.py" for suite in SUITES], target=tmp, rootdir=ROOT,
                                exercises=[v.exercise for v in variants],
                                extra_args=("--import-mode=importlib", "-k", SLOW))  # two files named alike
        found += [(test.nodeid, test.message or "") for test in result.failed_tests()]
    return found


def test_rounds_hold_each_wrong_variant_once_and_one_per_exercise():
    for topic in TOPICS:
        variants = mutation.load_variants(MUTANTS / f"{topic}.py")
        grouped = rounds(variants)
        flat = [v for r in grouped for v in r]
        assert sorted(map(id, flat)) == sorted(id(v) for v in variants if v.kind == mutation.WRONG)
        assert all(len({v.exercise for v in r}) == len(r) for r in grouped)


@pytest.mark.timeout(1200)
# The Keras topics build and train a model in each round: their scan is in the slow tier.
@pytest.mark.parametrize("topic", [pytest.param(t, marks=pytest.mark.slow) if catalogue.load().topic(t).slow else t
                                   for t in TOPICS])
def test_wrong_answers_get_chinese_messages(topic, monkeypatch):
    messages = failure_messages(topic, monkeypatch)
    assert messages, f"no wrong answer of {topic} failed a test"
    problems = [f"{nodeid}: {phrases}\n{message}" for nodeid, message in messages
                if (phrases := i18n.english_sentences(message))]
    assert not problems, "English left in Chinese messages:\n\n" + "\n\n".join(problems)
