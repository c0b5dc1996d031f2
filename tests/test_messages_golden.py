"""The exact failure messages of representative wrong answers, in both languages, are reviewed.

Each case is a wrong variant of ``grading/mutants/``; its message is the first failing hidden
test's, as the strength test sees it. The files ``tests/golden/messages.<lang>.txt`` hold them;
any change to a message shows up as a difference here and in review. After an intended change:

    KERASKIT_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_messages_golden.py -n 0
"""

import os
import re
import sys
from pathlib import Path

import pytest

from keraskit import i18n
from kitdev import mutation

ROOT = Path(__file__).resolve().parents[1]
MUTANTS = ROOT / "grading" / "mutants"
HIDDEN = ROOT / "grading" / "hidden"
GOLDEN = ROOT / "tests" / "golden"
UPDATE_ENV = "KERASKIT_UPDATE_GOLDEN"

# (exercise, the start of the variant's description): one or two of every kind of failure.
CASES = [
    ("tensors.image_batch_shape", "returns a list"),  # type
    ("tensors.normalize", "a constant column divides 0 by 0"),  # NaN
    ("tensors.normalize", "1-d input comes back"),  # shape
    ("tensors.standardize", "sample std (ddof=1)"),  # values
    ("tensors.split_train_val_test", "test part before the validation part"),  # pointer into a result
    ("tensors.split_train_val_test", "no check for negative fractions"),  # no error raised
    ("tensors.split_validation_tail", "off by one"),  # pointer, long call summarized
    ("encoding.one_hot", "(n, 1) labels give"),  # shape
    ("encoding.one_hot_categories", "an unknown value gets a row of zeros"),  # no error raised
    ("activations.sigmoid", "naive 1 / (1 + exp(-z))"),  # warning
    ("activations.softmax", "normalizes over the whole array"),  # values, the kind's hint
    ("activations.collapse_linear", "no validation"),  # wrong error
    ("losses.binary_crossentropy", "the book's missing minus sign"),  # a scalar
    ("losses.categorical_crossentropy", "no clipping"),  # NaN
    ("optimizers.sgd_step", "the velocity is updated even when momentum is 0"),  # pointer
    ("optimizers.batch_slices", "returns lists instead of"),  # type
    ("metrics.categorical_accuracy", "compares every element"),  # values
    ("metrics.confusion_counts", "numpy integers instead of Python ints"),  # type
    ("models.build_dropout_classifier", "the seed is not passed to Dropout"),  # structure
    ("models.build_deep_classifier", "not compiled"),  # structure
    ("training.overfitting_gap", "a missing key raises KeyError"),  # wrong error
]
# The variant's temporary folder changes from run to run.
_TEMPORARY = re.compile(r"\S*keraskit-variant-[^/\s]+/")


def variant_of(exercise: str, description: str) -> mutation.Variant:
    matches = [v for v in mutation.load_variants(MUTANTS / f"{exercise.partition('.')[0]}.py")
               if v.exercise == exercise and v.kind == mutation.WRONG and v.description.startswith(description)]
    assert len(matches) == 1, f"{exercise}: {len(matches)} wrong variants start with {description!r}"
    return matches[0]


def message_of(variant: mutation.Variant) -> str:
    """The first failing hidden test's message for ``variant``, in the current language."""
    if "keras" in sys.modules:  # layer names ('dropout', 'dropout_1') count the layers made before
        # (without the full garbage collection that clear_session does by default: seconds a case
        # in a process holding TensorFlow, and no message depends on it)
        sys.modules["keras"].backend.clear_session(free_memory=False)
    result = mutation.grade_variant(variant, ROOT / "solutions", HIDDEN / f"test_{variant.module}.py", rootdir=ROOT)
    failed = result.failed_tests()
    assert failed, f"{variant.label()} failed no test"
    return _TEMPORARY.sub("<submission>/", f"{failed[0].nodeid}\n{failed[0].message}")


def render(lang: str) -> str:
    """Every case's message in ``lang``, headed by its variant."""
    blocks = []
    previous = os.environ.get("KERASKIT_LANG")
    os.environ["KERASKIT_LANG"] = lang
    try:
        for exercise, description in CASES:
            variant = variant_of(exercise, description)
            blocks.append(f"### {variant.label()}\n{message_of(variant)}\n")
    finally:
        if previous is None:
            os.environ.pop("KERASKIT_LANG", None)
        else:
            os.environ["KERASKIT_LANG"] = previous
    return "\n".join(blocks)


def test_cases_name_existing_wrong_variants():
    assert len(CASES) >= 20
    for exercise, description in CASES:
        variant_of(exercise, description)


@pytest.mark.timeout(900)
@pytest.mark.parametrize("lang", i18n.supported_languages())
def test_messages_equal_the_golden_file(lang):
    path = GOLDEN / f"messages.{lang}.txt"
    live = render(lang)
    if os.environ.get(UPDATE_ENV) == "1":
        path.write_text(live, encoding="utf-8")
    assert path.exists(), f"no {path.name}: run with {UPDATE_ENV}=1 to write it"
    golden = path.read_text(encoding="utf-8")
    assert live == golden, f"messages differ from {path.name} (after an intended change: {UPDATE_ENV}=1)"


def test_no_golden_line_is_longer_than_300_characters():
    for lang in i18n.supported_languages():
        path = GOLDEN / f"messages.{lang}.txt"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            assert len(line) <= 300, f"{path.name}:{number} has {len(line)} characters"
