"""docs/errata.md stays true: its book code still fails (or warns) as quoted, its Keras 3 code works.

The page marks its code with HTML comments: `<!-- book -->` (the book's Keras 2 code),
`<!-- observed -->` (what Keras printed or raised when that code ran) and `<!-- keras3 -->` (the
form to use). These tests run every marked block, so neither the page nor this file can drift
from what the installed Keras does.
"""

from __future__ import annotations

import contextlib
import gc
import inspect
import io
import math
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from keraskit.quiet import silence_tensorflow

silence_tensorflow()

import keras

from keraskit.datasets import BostonHousingEthicsWarning

PAGE = Path(__file__).resolve().parents[1] / "docs" / "errata.md"

ANCHOR = re.compile(r'<a id="([a-z0-9-]+)"></a>')
MARKED_BLOCK = re.compile(r"<!-- (book|observed|keras3) -->\s*```[a-z]*\n(.*?)\n```", re.S)


# ---- reading the page ------------------------------------------------------------------------

@dataclass
class Section:
    anchor: str
    text: str
    book: list[str] = field(default_factory=list)
    observed: list[str] = field(default_factory=list)
    keras3: list[str] = field(default_factory=list)


def read_sections(page_text: str) -> dict[str, Section]:
    """The page cut at each `<a id>` anchor, with the marked code blocks of each part in order."""
    marks = list(ANCHOR.finditer(page_text))
    sections = {}
    for mark, following in zip(marks, marks[1:] + [None]):
        end = following.start() if following else len(page_text)
        text = page_text[mark.end():end]
        section = Section(mark.group(1), text)
        for kind, body in MARKED_BLOCK.findall(text):
            getattr(section, kind).append(body)
        sections[section.anchor] = section
    return sections


@pytest.fixture(scope="module")
def sections() -> dict[str, Section]:
    return read_sections(PAGE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def book_runs(sections):
    """Each book block run once per module; both the quote test and the Keras 3 checks use it."""
    cache: dict[str, list] = {}

    def runs(anchor: str) -> list:
        if anchor not in cache:
            cache[anchor] = [run_block(source, f"{anchor}-book-{n + 1}")
                             for n, source in enumerate(sections[anchor].book)]
        return cache[anchor]

    return runs


# ---- running a block -------------------------------------------------------------------------

@dataclass
class Run:
    namespace: dict
    transcript: str  # warnings, then printed lines, then "Type: message" of the exception
    error: BaseException | None
    warnings: list[str]


def run_block(source: str, label: str) -> Run:
    """Execute one page block in a fresh namespace, recording what a reader would see."""
    namespace = {"__name__": f"errata_{label.replace('-', '_')}"}
    printed = io.StringIO()
    error = None
    # Objects left by earlier tests must not be finalised (ResourceWarning) inside the block: no
    # garbage collection runs during it (a full collection before each block would cost seconds
    # once the process holds TensorFlow and many tests' leftovers).
    collecting = gc.isenabled()
    gc.disable()
    try:
        with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(printed):
            warnings.simplefilter("always")
            try:
                exec(compile(source, f"docs/errata.md#{label}", "exec"), namespace)
            except Exception as exc:  # noqa: BLE001 - the book's blocks are expected to raise
                error = exc
    finally:
        if collecting:
            gc.enable()
    # The kit's own once-only data warning is not part of any erratum.
    # Nor is a ResourceWarning: it reports the garbage collector finalising some other object.
    seen = [f"{w.category.__name__}: {w.message}" for w in caught
            if not issubclass(w.category, (BostonHousingEthicsWarning, ResourceWarning))]
    lines = seen + printed.getvalue().splitlines()
    if error is not None:
        lines.append(f"{type(error).__name__}: {error}")
    return Run(namespace, "\n".join(lines), error, seen)


# ---- what each item must show ----------------------------------------------------------------
# For each anchor, one list of patterns per book block. Every pattern must match one line of what
# the block really produces AND one line of the page's quote; both must have the same number of
# lines (so a new warning in a later Keras shows up here). Patterns are loose on wording, strict on
# meaning: the exception type, the argument named, the advice given.

DECAY_IGNORED = r"^UserWarning: .*`?decay`? is no longer supported.*ignored"

BOOK_OUTCOMES: dict[str, list[list[str]]] = {
    "activations-import": [
        [r"^ModuleNotFoundError: No module named '?keras\.activations\.sigmoid'?"],
    ],
    "relu-alpha": [
        [r"^TypeError: .*relu\(\) got an unexpected keyword argument '?alpha'?"],
    ],
    "leakyrelu-alpha-max-value": [
        [r"^UserWarning: .*`?alpha`? is deprecated.*`?negative_slope`?",
         r"^ValueError: .*(Unrecognized|unexpected) keyword argument.*LeakyReLU.*max_value"],
    ],
    "sgd-lr-decay": [
        [DECAY_IGNORED, r"^ValueError: .*not recognized.*'lr'"],
        [DECAY_IGNORED],
    ],
    "adam-lr-epsilon": [
        [DECAY_IGNORED, r"^ValueError: .*not recognized.*'lr'"],
        [r"^ValueError: .*(None values not supported|convert a value \(None\))"],
    ],
    "dense-input-dim": [
        [r"^UserWarning: .*`?input_shape`?/`?input_dim`?.*layer.*`?Input\(shape\)`?"],
    ],
    "metrics-names": [
        [r"^Metric\s+loss :", r"^Metric\s+compile_metrics :", r"^3 results, 2 names$"],
    ],
    "formula-mae": [
        [r"^book: \[2\.0\] keras: \[0\.5\]$"],
    ],
    "formula-cross-entropy": [
        [r"^book: \[-0\.5146\] keras: \[0\.3567\]$", r"^book prefers the wrong answer: True$"],
    ],
    "formula-linear-derivative": [
        [r"^d linear\(z\)/dz: \[1\.0, 1\.0, 1\.0\]$"],
    ],
    "validation-overlap": [
        [r"^validation rows also trained on: 104 of 104$"],
    ],
}


def assert_outcome(text: str, patterns: list[str], where: str) -> None:
    lines = text.splitlines()
    for pattern in patterns:
        hits = [line for line in lines if re.search(pattern, line)]
        assert len(hits) == 1, f"{where}: expected one line matching {pattern!r}, got {hits} in:\n{text}"
    assert len(lines) == len(patterns), f"{where}: expected {len(patterns)} lines, got:\n{text}"


# ---- the page's shape ------------------------------------------------------------------------

def test_every_erratum_has_a_section(sections):
    assert list(sections) == list(BOOK_OUTCOMES), "page anchors and tested items differ"


def test_every_anchor_in_the_curriculum_order_is_linked_from_the_table():
    text = PAGE.read_text(encoding="utf-8")
    for anchor in BOOK_OUTCOMES:
        assert f"](#{anchor})" in text, f"the summary table does not link #{anchor}"


@pytest.mark.parametrize("anchor", list(BOOK_OUTCOMES))
def test_section_has_book_observed_and_keras3(sections, anchor):
    section = sections[anchor]
    assert section.book, f"#{anchor} has no <!-- book --> block"
    assert len(section.observed) == len(section.book), f"#{anchor}: each book block needs its quote"
    assert section.keras3, f"#{anchor} has no <!-- keras3 --> block"
    for label in ("**Book", "**Keras 3.15", "**Keras 3**"):
        assert label in section.text, f"#{anchor} lacks the {label} part"


def test_page_names_the_installed_keras_minor_version():
    major_minor = ".".join(keras.__version__.split(".")[:2])
    assert f"Keras {major_minor}." in PAGE.read_text(encoding="utf-8")


def documented_keras_versions() -> set[str]:
    """The releases whose words the page quotes: the one it names, and those it says agree word for word."""
    text = PAGE.read_text(encoding="utf-8")
    found = re.search(r"Keras (3\.\d+\.\d+) with the TensorFlow", text)
    assert found, "the page no longer says which Keras release it quotes"
    same = re.findall(r"Keras (3\.\d+\.\d+) with TensorFlow [\d.]+, the lower end of the supported range,"
                      r"\s+says\s+the same", text)
    return {found.group(1), *same}


# ---- the book's code still fails (or warns) as quoted ----------------------------------------

@pytest.mark.parametrize("anchor", list(BOOK_OUTCOMES))
def test_book_code_behaves_as_quoted(sections, book_runs, anchor):
    section = sections[anchor]
    expected = BOOK_OUTCOMES[anchor]
    assert len(section.book) == len(expected), f"#{anchor}: book blocks and expectations differ"
    for number, (run, quote, patterns) in enumerate(zip(book_runs(anchor), section.observed, expected)):
        where = f"#{anchor} book block {number + 1}"
        assert_outcome(run.transcript, patterns, where + " (as run)")
        assert_outcome(quote, patterns, where + " (as quoted on the page)")


# ---- the Keras 3 forms work, without a warning, and give the right numbers --------------------

def check_activations_import(modern, book):
    z = np.array([-2.0, 0.0, 2.0])
    np.testing.assert_allclose(modern["a"], 1 / (1 + np.exp(-z)), rtol=1e-6)
    np.testing.assert_array_equal(modern["a"], modern["same"])


def check_relu_alpha(modern, book):
    np.testing.assert_allclose(modern["a"], [-1.0, -0.1, 0.0, 3.0, 6.0], rtol=1e-6)


def check_leakyrelu(modern, book):
    np.testing.assert_allclose(modern["leaky_out"], [[-1.0, -0.1, 0.0, 3.0, 10.0]], rtol=1e-6)
    np.testing.assert_allclose(modern["capped_out"], [[-1.0, -0.1, 0.0, 3.0, 6.0]], rtol=1e-6)
    # The page's claim about the two defaults.
    assert keras.layers.LeakyReLU().negative_slope == pytest.approx(0.3)
    assert inspect.signature(keras.activations.leaky_relu).parameters["negative_slope"].default == 0.2


def check_sgd(modern, book):
    schedule, sgd = modern["schedule"], modern["sgd"]
    # Keras 2's decay: lr / (1 + decay * iterations).
    for step in (0, 1000, 10**6):
        assert float(schedule(step)) == pytest.approx(0.01 / (1 + 1e-6 * step), rel=1e-6)
    assert modern["rate_at_1000"] == pytest.approx(0.01 / 1.001, rel=1e-6)
    # One real step with the scheduled optimizer: Nesterov's first update is w - lr (1 + mu) g.
    weight = keras.Variable(np.array([1.0], dtype="float32"))
    sgd.apply_gradients([(keras.ops.convert_to_tensor(np.array([0.5], dtype="float32")), weight)])
    assert float(weight.numpy()[0]) == pytest.approx(1.0 - 0.01 * 1.9 * 0.5, rel=1e-6)
    # The half-fixed form really drops the decay: its rate is a plain constant.
    assert float(book[1]["sgd"].learning_rate) == pytest.approx(0.01)


def check_adam(modern, book):
    assert modern["adam"].epsilon == 1e-7 == keras.optimizers.Adam().epsilon
    assert math.isfinite(modern["history"].history["loss"][0])


def check_dense_input_dim(modern, book):
    assert modern["model"].count_params() == 160 == modern["n_params"]
    assert modern["model"].input_shape == (None, 15)
    assert book[0]["model"].count_params() == 160  # the old form still builds, as the page says


def check_metrics_names(modern, book):
    scores = modern["scores"]
    assert list(scores) == ["loss", "mean_absolute_error", "mean_absolute_percentage_error"]
    assert book[0]["model"].metrics_names == ["loss", "compile_metrics"]
    # Same seed, same model: the dict holds every value the book's list had, now with its name.
    np.testing.assert_allclose(list(scores.values()), book[0]["result"], rtol=1e-6)


def check_mae(modern, book):
    keras_mae = modern["keras_mae"]
    np.testing.assert_allclose(modern["mae"], keras_mae, rtol=1e-6)
    np.testing.assert_allclose(keras_mae, [0.5], rtol=1e-6)
    np.testing.assert_allclose(book[0]["book_mae"], 4 * keras_mae, rtol=1e-6)  # off by k = 4


def check_cross_entropy(modern, book):
    keras_ce = modern["keras_ce"]
    np.testing.assert_allclose(modern["ce"], keras_ce, rtol=1e-6)
    # The book's value is Keras's with the sign flipped and divided by ln 2.
    np.testing.assert_allclose(book[0]["book_ce"], -keras_ce / np.log(2), rtol=1e-6)


def check_linear_derivative(modern, book):
    assert modern["max_difference"] < 1e-5
    np.testing.assert_array_equal(book[0]["gradient"], [1.0, 1.0, 1.0])


def check_validation_overlap(modern, book):
    x_fit, x_val = modern["x_fit"], modern["x_val"]
    assert len(x_fit) == 300 and len(x_val) == 104
    assert not {r.tobytes() for r in x_fit} & {r.tobytes() for r in x_val}
    assert "val_loss" in modern["history"].history
    assert book[0]["overlap"] == 104


MODERN_CHECKS = {
    "activations-import": check_activations_import,
    "relu-alpha": check_relu_alpha,
    "leakyrelu-alpha-max-value": check_leakyrelu,
    "sgd-lr-decay": check_sgd,
    "adam-lr-epsilon": check_adam,
    "dense-input-dim": check_dense_input_dim,
    "metrics-names": check_metrics_names,
    "formula-mae": check_mae,
    "formula-cross-entropy": check_cross_entropy,
    "formula-linear-derivative": check_linear_derivative,
    "validation-overlap": check_validation_overlap,
}


def test_modern_checks_cover_every_item():
    assert list(MODERN_CHECKS) == list(BOOK_OUTCOMES)


@pytest.mark.parametrize("anchor", list(MODERN_CHECKS))
def test_keras3_form_works(sections, book_runs, anchor):
    modern: dict = {}
    for number, source in enumerate(sections[anchor].keras3):
        run = run_block(source, f"{anchor}-keras3-{number + 1}")
        assert run.error is None, f"#{anchor} Keras 3 block {number + 1} raised:\n{run.transcript}"
        assert not run.warnings, f"#{anchor} Keras 3 block {number + 1} warned: {run.warnings}"
        modern.update(run.namespace)
    MODERN_CHECKS[anchor](modern, [run.namespace for run in book_runs(anchor)])


def test_quotes_are_exact_on_the_documented_release(sections, book_runs):
    """On the releases the page names, every quote is word for word what Keras produced."""
    if keras.__version__ not in documented_keras_versions():
        pytest.skip(f"page quotes Keras {sorted(documented_keras_versions())}, installed {keras.__version__}: "
                    "only the loose patterns apply")
    for anchor, section in sections.items():
        for number, (run, quote) in enumerate(zip(book_runs(anchor), section.observed)):
            assert run.transcript == quote, f"#{anchor} book block {number + 1}"
