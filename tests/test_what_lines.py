"""The what-line of a failure states only what was measured for that case.

A comparison chooses it (a length, a shape, one wrong value, None returned, a test's check); the
plugin chooses it for errors (the student's call raised, the test's own code raised on the result,
the grader stopped the call, the module is missing). Each rule is shown true on a wrong answer:
the numbers the message names are the ones the wrong answer really has. The same in Chinese, and
in the autograder's feedback, where the what-line comes first and every failure has a hint or the
command that shows one.
"""

import textwrap
from pathlib import Path

import numpy as np
import pytest

from keraskit import catalogue, expect, i18n, outcome, plugin, runner, target
from keraskit.autograde import judge
from keraskit.autograde.record import FEEDBACK_BRIEF, FEEDBACK_FULL, GradeRecord
from keraskit.i18n import t

ROOT = Path(__file__).resolve().parents[1]
VISIBLE = ROOT / "exercises" / "tests"


@pytest.fixture(autouse=True)
def english(monkeypatch):
    monkeypatch.setenv("KERASKIT_LANG", "en")


def _failure(produce) -> expect.ExpectationFailed:
    with pytest.raises(expect.ExpectationFailed) as caught:
        produce()
    return caught.value


# ---------------------------------------------------------------- comparisons


def test_a_list_of_another_length_says_len_of_the_result():
    got, wanted = [(0, 2), (2, 4), (4, 5)], [(0, 2), (2, 5)]
    failure = _failure(lambda: expect.equal(got, wanted))
    assert failure.what_key() == "what.length"
    assert f"len(result): expected {len(wanted)}, got {len(got)}" in str(failure)
    counted = _failure(lambda: expect.length(list(range(7)), 8))
    assert counted.what_key() == "what.length" and "len(result): expected 8, got 7" in str(counted)
    part = _failure(lambda: expect.length([0.5], 2, where="result['loss']"))
    assert "len(result['loss']): expected 2, got 1" in str(part)
    expect.length((1, 2), 2)  # a right length passes


def test_an_array_of_another_shape_says_its_shapes():
    got = np.zeros((301, 13))
    failure = _failure(lambda: expect.shape_of(got, (300, 13), where="result[0][0]"))
    assert failure.what_key() == "what.shape" and failure.kind == expect.SHAPE
    assert f"shape: expected (300, 13), got {got.shape}" in failure.detail
    assert _failure(lambda: expect.close(got, np.zeros((300, 13)))).what_key() == "kind.shape"
    expect.shape_of([[1, 2]], (1, 2))  # a list is an array here too


@pytest.mark.parametrize("produce", [
    lambda: expect.equal(7, 8),
    lambda: expect.scalar(0.65, 1 / 3),
    lambda: expect.close(np.float64(2.0), 3.0),
    lambda: expect.equal(np.int64(3), np.array(4)),
    lambda: expect.equal("relu", "sigmoid"),
], ids=["int", "float", "0-d close", "0-d equal", "string"])
def test_one_wrong_value_has_no_positions(produce):
    failure = _failure(produce)
    assert failure.what_key() == "what.scalar"
    text = str(failure)
    assert "positions" not in text and "index" not in text and "shape" not in text
    assert text.splitlines()[0].startswith(("expected:", "got:"))


def test_a_scalar_nan_is_named_without_positions():
    failure = _failure(lambda: expect.scalar(float("nan"), 1.0))
    assert failure.kind == expect.NONFINITE and "positions" not in str(failure)


@pytest.mark.parametrize("produce", [
    lambda: expect.close(None, [1.0, 2.0]),
    lambda: expect.equal(None, [(0, 2)]),
    lambda: expect.equal(None, 3),
    lambda: expect.scalar(None, 1.0),
    lambda: expect.length(None, 2),
    lambda: expect.shape_of(None, (2,)),
], ids=["close", "equal list", "equal int", "scalar", "length", "shape_of"])
def test_none_is_a_missing_return(produce):
    assert _failure(produce).what_key() == "what.none"


def test_the_shape_is_right_line_is_only_for_arrays_of_the_same_shape():
    """Every failure whose what-line says "the shape is right" compared two arrays of one shape."""
    cases = [([1.0, 2.5], [1.0, 2.0]), (np.array([[1, 2]]), np.array([[1, 3]])), ([1.0], [1.0, 2.0]),
             (3, 4), ([(0, 1)], [(0, 2)]), ([(0, 1)], [(0, 1), (1, 2)]), ({"a": 1}, {"b": 1}), (0.5, 0.25)]
    for got, wanted in cases:
        compare = expect.close if isinstance(wanted, list) and isinstance(wanted[0], float) else expect.equal
        failure = _failure(lambda got=got, wanted=wanted, compare=compare: compare(got, wanted))
        if failure.what_key() == "kind.values":
            assert np.shape(got) == np.shape(wanted) and np.ndim(wanted) > 0, (got, wanted)


def test_an_item_of_a_list_names_its_place():
    failure = _failure(lambda: expect.equal([(0, 2), (2, 4)], [(0, 2), (2, 5)]))
    assert failure.what_key() == "what.items"
    assert "first difference at result[1][1]: expected 5, got 4" in str(failure)
    keys = _failure(lambda: expect.equal({"tp": 1}, {"tp": 1, "fp": 0}))
    assert keys.what_key() == "what.keys" and "keys of result: expected ['fp', 'tp'], got ['tp']" in str(keys)


def test_a_tests_own_check_says_only_that_it_failed():
    assert _failure(lambda: expect.that(False, "test.sigmoid_range")).what_key() == "what.check"
    typed = _failure(lambda: expect.that(False, "test.sigmoid_range", kind=expect.TYPE))
    assert typed.what_key() == "kind.type"


def test_what_survives_a_trip_to_another_process():
    import pickle
    failure = pickle.loads(pickle.dumps(_failure(lambda: expect.equal(7, 8))))
    assert failure.what == expect.W_SCALAR
    with pytest.raises(ValueError, match="what must be one of"):
        expect.ExpectationFailed("x", expect.VALUES, what="colour")


def test_every_what_has_its_line_in_every_language():
    for lang in i18n.supported_languages():
        for what in expect.WHATS:
            assert i18n.messages(lang).get(f"what.{what}"), (lang, what)


# ---------------------------------------------------------------- the failure block of a run


def _run(topic: str, exercise: str, source: str, tmp_path: Path, lang: str = "en"):
    """The visible tests of ``exercise`` against the reference with ``source`` appended."""
    folder = tmp_path / f"{exercise}-{abs(hash(source))}"
    folder.mkdir()
    text = (ROOT / "solutions" / f"{topic}.py").read_text(encoding="utf-8")
    (folder / f"{topic}.py").write_text(text + "\n\n" + textwrap.dedent(source), encoding="utf-8")
    result = runner.run([VISIBLE / f"test_{topic}.py"], target=folder, exercises=[exercise], rootdir=ROOT)
    failed = [test for test in result.failed_tests() if test.outcome == outcome.TEST_FAILED]
    assert failed, f"{exercise}: no visible test failed"
    return failed


def _lines(message: str) -> list[str]:
    return message.splitlines()


def test_a_count_off_by_one_reads_as_a_wrong_value(tmp_path):
    failed = _run("optimizers", "optimizers.iterations_per_epoch", """
        def iterations_per_epoch(n_samples, batch_size):
            if batch_size < 1:
                raise ValueError("batch_size must be at least 1")
            return n_samples // batch_size
    """, tmp_path)
    lines = _lines(failed[0].message)
    assert lines[2] == t("what.scalar") and failed[0].what == t("what.scalar")
    assert "expected: 8" in lines and "got:      7" in lines  # 500 // 64 is 7
    assert not any("positions" in line for line in lines)


def test_slices_of_another_count_say_len_of_the_result(tmp_path):
    failed = _run("optimizers", "optimizers.batch_slices", """
        def batch_slices(n_samples, batch_size):
            if batch_size < 1:
                raise ValueError("batch_size must be at least 1")
            return [(s, min(s + batch_size, n_samples)) for s in range(0, n_samples + batch_size, batch_size)]
    """, tmp_path)
    for test in failed:
        assert t("what.length") in _lines(test.message)
    assert "len(result): expected 3, got 4" in failed[0].message  # (5, 2): 0, 2, 4 and a 4th from 6


def test_an_off_by_one_split_says_the_shape_of_the_part(tmp_path):
    failed = _run("tensors", "tensors.split_validation_tail", """
        def split_validation_tail(x, y, start):
            if not 0 < start < len(x):
                raise ValueError("start must leave both parts non-empty")
            return (x[:start + 1], y[:start + 1]), (x[start:], y[start:])
    """, tmp_path)
    lines = _lines(failed[0].message)
    assert t("kind.shape") in lines or t("what.shape") in lines
    assert "in result[0][0] (x_train):" in lines and "shape: expected (300, 13), got (301, 13)" in lines


def test_none_returned_is_a_missing_return_not_a_raise(tmp_path):
    failed = _run("tensors", "tensors.split_validation_tail", """
        def split_validation_tail(x, y, start):
            if not 0 < start < len(x):
                raise ValueError("start must leave both parts non-empty")
            parts = (x[:start], y[:start]), (x[start:], y[start:])
    """, tmp_path)
    lines = _lines(failed[0].message)
    assert t("what.none") in lines
    assert t("failure.test_raised", error="TypeError: cannot unpack non-iterable NoneType object") in lines
    assert not any(line.startswith("raised:") for line in lines)


def test_a_result_the_test_cannot_use_is_about_the_result(tmp_path):
    failed = _run("tensors", "tensors.split_validation_tail", """
        def split_validation_tail(x, y, start):
            if not 0 < start < len(x):
                raise ValueError("start must leave both parts non-empty")
            return start
    """, tmp_path)
    lines = _lines(failed[0].message)
    assert t("what.unusable") in lines and t("kind.crash") not in lines
    assert any("cannot unpack non-iterable int object" in line for line in lines)


def test_an_error_the_call_raised_is_the_students(tmp_path):
    failed = _run("tensors", "tensors.split_validation_tail", """
        def split_validation_tail(x, y, start):
            return x[:start], undefined_name
    """, tmp_path)
    lines = _lines(failed[0].message)
    assert t("kind.crash") in lines
    assert "raised:   NameError: name 'undefined_name' is not defined" in lines
    assert any(line.startswith("at:") and "undefined_name" in line for line in lines)


def test_the_what_lines_read_in_chinese(tmp_path, monkeypatch):
    monkeypatch.setenv("KERASKIT_LANG", "zh_CN")
    failed = _run("optimizers", "optimizers.batch_slices", """
        def batch_slices(n_samples, batch_size):
            if batch_size < 1:
                raise ValueError("batch_size must be at least 1")
            return [(s, min(s + batch_size, n_samples)) for s in range(0, n_samples + batch_size, batch_size)]
    """, tmp_path)
    none = _run("tensors", "tensors.split_validation_tail", """
        def split_validation_tail(x, y, start):
            if not 0 < start < len(x):
                raise ValueError("start must leave both parts non-empty")
    """, tmp_path)
    for test, what in ((failed[0], "what.length"), (none[0], "what.none")):
        assert t(what, "zh_CN") in _lines(test.message) and t(what, "zh_CN").startswith("问题：")
        assert i18n.english_sentences(test.message) == [], test.message
    assert "len(result)：应为 3，实际为 4" in failed[0].message
    for what in expect.WHATS:
        assert i18n.english_sentences(t(f"what.{what}", "zh_CN")) == [], what
    # a scalar's own lines
    monkeypatch.setenv("KERASKIT_LANG", "zh_CN")
    assert "差值" in str(_failure(lambda: expect.scalar(0.65, 1 / 3)))


# ---------------------------------------------------------------- the grader's failures, and feedback


class _GraderLoader:
    """A loader whose functions fail as the isolated grader's proxies do: a time limit, a worker
    that ended, a value it refused, the student's own error; a module that is missing."""

    root = "student"
    ERRORS = {
        "samples_first": lambda: judge.WorkerTimeout("no answer within 60 s (time limit); the worker was stopped"),
        "image_batch_shape": lambda: judge.WorkerFailed(
            "the worker process ended during the call (exit, crash or memory limit)"),
        "normalize": lambda: judge.ResultRefused("the returned value was refused: too large"),
        "standardize": lambda: NameError("name 'np' is not defined"),
    }

    def pytest_keraskit_loader(self, config):
        return self

    def describe(self, module: str) -> str:
        return f"{module}.py"

    def load(self, module: str):
        if module != "tensors":
            raise target.ModuleMissing(f"no {module}.py in student")
        module_object = type("Module", (), {})()
        for function in ("samples_first", "image_batch_shape", "normalize", "standardize", "fit_standardizer",
                         "apply_standardizer", "split_train_val_test", "split_validation_tail"):
            error = self.ERRORS.get(function, lambda: NotImplementedError())

            def call(*args, _error=error, **kwargs):
                raise _error()

            setattr(module_object, function, call)
        return module_object


@pytest.fixture(scope="module")
def graded():
    """The visible tests of two topics, through the grader-like loader, as the record a host makes."""
    result = runner.run([VISIBLE / "test_tensors.py", VISIBLE / "test_encoding.py"], plugins=[_GraderLoader()],
                        rootdir=ROOT)
    tests = [{"name": x.nodeid.split("::", 1)[-1], "exercise": x.exercise, "outcome": x.outcome,
              "message": x.message, "what": x.what, "detail": x.detail, "hint": x.hint} for x in result.tests]
    chosen = [e for e in catalogue.load().exercises if e.topic in ("tensors", "encoding")]
    return GradeRecord.scored("student", tests, chosen, problems=["no encoding.py found"])


def _rows(feedback: str, exercise: str) -> list[str]:
    """The lines under an exercise's row of the feedback, up to the next row."""
    lines = feedback.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"- `{exercise}`"))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith(("- ", "#"))), len(lines))
    return lines[start + 1:end]


@pytest.mark.parametrize("exercise, what", [
    ("tensors.samples_first", "what.timeout"),
    ("tensors.image_batch_shape", "what.worker_failed"),
    ("tensors.normalize", "what.refused"),
    ("tensors.standardize", "what.raised"),
])
def test_the_grader_names_a_time_out_an_ended_worker_and_a_crash_first(graded, exercise, what):
    flat = " ".join(t(what).split())
    for detail in (FEEDBACK_BRIEF, FEEDBACK_FULL):
        rows = _rows(graded.to_feedback("en", detail), exercise)
        assert rows[0] == f"  - {flat}", rows  # the cause first, never after a "kind of object" line
        assert not any("wrong kind of object" in row for row in rows)
        assert rows[-1].startswith("  - hint:"), rows
    row = next(r for r in graded.exercises if r.id == exercise)
    failed = [x.what for x in row.tests if x.outcome == outcome.TEST_FAILED]
    if what == "what.raised":  # a test that wants a ValueError says the error is the wrong one
        failed = [x for x in failed if x != t("kind.wrong_error")]
    assert failed and all(x == t(what) for x in failed)  # a time-out inside raises_value_error too
    if what != "what.raised":  # no hint of the exercise's method answers a call the grader stopped
        assert all(x.hint is None for x in row.tests)


def test_a_missing_module_is_named_and_every_failure_has_a_hint_or_the_way_to_one(graded):
    feedback = graded.to_feedback("en", FEEDBACK_BRIEF)
    encoding = [row for row in graded.exercises if row.topic == "encoding"]
    # every exercise of the topic fails alike: said once, the cause first, then the way to a hint
    lines = feedback.splitlines()
    start = lines.index("## Categorical data (`encoding.py`)")
    assert lines[start + 2:start + 5] == [
        f"- all {len(encoding)} exercises fail alike (0/{sum(r.points for r in encoding)} points):",
        "  - " + " ".join(t("what.missing_module", module="encoding.py").split()),
        "  - " + " ".join(t("autograde.feedback_hint_command", exercise=encoding[0].id).split())]
    for row in graded.exercises:
        if row.status is outcome.Status.FAILING and row.topic != "encoding":
            assert _rows(feedback, row.id)[-1].startswith("  - hint:")
    assert f"keraskit hint {graded.exercises[0].id}" in feedback  # no hint fits a time-out: the command
    assert all(x.hint is None for row in graded.exercises if row.topic == "encoding" for x in row.tests)


def test_not_started_exercises_take_one_line_per_topic(graded):
    feedback = graded.to_feedback("en")
    untouched = [r.id for r in graded.exercises if r.status is outcome.Status.NOT_STARTED]
    assert untouched
    lines = [line for line in feedback.splitlines() if any(f"`{x}`" in line for x in untouched)]
    assert len(lines) == 1 and lines[0].startswith("- not started")


def test_brief_feedback_keeps_the_hidden_inputs_and_full_shows_them(graded, tmp_path):
    folder = tmp_path / "sub"
    folder.mkdir()
    source = (ROOT / "solutions" / "optimizers.py").read_text(encoding="utf-8")
    (folder / "optimizers.py").write_text(source + "\n\ndef iterations_per_epoch(n_samples, batch_size):\n"
                                          "    return n_samples // batch_size\n", encoding="utf-8")
    result = runner.run([VISIBLE / "test_optimizers.py"], target=folder, exercises=["optimizers.iterations_per_epoch"],
                        rootdir=ROOT)
    tests = [{"name": x.nodeid.split("::", 1)[-1], "exercise": x.exercise, "outcome": x.outcome,
              "message": x.message, "what": x.what, "detail": x.detail, "hint": x.hint} for x in result.tests]
    record = GradeRecord.scored("s", tests, [catalogue.load().exercise("optimizers.iterations_per_epoch")])
    brief, full = record.to_feedback("en", FEEDBACK_BRIEF), record.to_feedback("en", FEEDBACK_FULL)
    assert "iterations_per_epoch(500, 64)" not in brief and "expected: 8" not in brief
    assert "called: optimizers.iterations_per_epoch(500, 64)" in " ".join(full.split())
    assert "expected: 8" in full
    for text in (brief, full):
        rows = _rows(text, "optimizers.iterations_per_epoch")
        assert rows[0] == "  - " + " ".join(t("what.scalar").split())
        assert rows[-1] == "  - hint: " + catalogue.load().misconception("iterations-ceiling").hint_in("en")
    with pytest.raises(ValueError, match="detail must be one of"):
        record.to_feedback("en", "everything")


def test_the_hint_of_a_failure_is_chosen_in_one_place(monkeypatch, tmp_path):
    """The failure block and the feedback show what ``plugin.hint_for_failure`` returns."""
    monkeypatch.setattr(plugin, "hint_for_failure", lambda exercise, kind, error, lang: "HINT-FOR-THIS-FAILURE")
    failed = _run("optimizers", "optimizers.iterations_per_epoch", """
        def iterations_per_epoch(n_samples, batch_size):
            return n_samples // batch_size
    """, tmp_path)
    assert failed[0].hint == "HINT-FOR-THIS-FAILURE" and failed[0].message.endswith("HINT-FOR-THIS-FAILURE")


def test_no_hint_of_the_method_answers_a_missing_module_or_a_stopped_call(monkeypatch):
    monkeypatch.setattr(plugin, "hint_for_failure", lambda exercise, kind, error, lang: "A HINT OF THE METHOD")
    result = runner.run([VISIBLE / "test_tensors.py", VISIBLE / "test_encoding.py"], plugins=[_GraderLoader()],
                        rootdir=ROOT, exercises=["tensors.samples_first", "tensors.standardize", "encoding.one_hot"])
    hints = {x.exercise: x.hint for x in result.tests if x.outcome == outcome.TEST_FAILED}
    assert hints == {"tensors.samples_first": None, "encoding.one_hot": None,
                     "tensors.standardize": "A HINT OF THE METHOD"}  # the student's own error has one


def test_a_missing_function_is_named_even_where_a_valueerror_is_wanted(tmp_path):
    failed = _run("tensors", "tensors.split_validation_tail", """
        del split_validation_tail
    """, tmp_path)
    # every visible test of the exercise: the book's split and those that want a ValueError
    assert len(failed) >= 2 and any("_rejects_" in test.nodeid for test in failed)
    for test in failed:
        assert t("what.missing_function", function="split_validation_tail") in _lines(test.message)
        assert "keep the exercise's function name and signature" in test.message and test.hint is None


def test_a_failures_parts_survive_the_record_json(graded):
    """A judge host sends the record as JSON; the coordinator writes the feedback from it."""
    import json
    back = GradeRecord.from_json(json.loads(json.dumps(graded.to_json())))
    assert back == graded and back.to_feedback("en", FEEDBACK_FULL) == graded.to_feedback("en", FEEDBACK_FULL)
    assert any(x.what and x.detail for row in back.exercises for x in row.tests)


def test_autograde_writes_finished_feedback_again_in_the_mode_asked(graded, tmp_path):
    """The instructor's choice holds for the whole class, also for submissions graded before."""
    from keraskit.autograde import batch, results, submissions
    (tmp_path / "class" / "student").mkdir(parents=True)
    out = tmp_path / "out"
    kit, current = batch.digests_now(submissions.discover(tmp_path / "class"))
    graded.digest = {"submission": current["student"], "kit": kit}  # unchanged since: not graded again
    results.write_submission(out, graded)  # brief, by an earlier run
    assert (out / "feedback" / "student.md").read_text() == graded.to_feedback(detail=FEEDBACK_BRIEF)
    batch.autograde(tmp_path / "class", out, feedback=FEEDBACK_FULL, progress=False, check=False)
    assert (out / "feedback" / "student.md").read_text() == graded.to_feedback(detail=FEEDBACK_FULL)
    with pytest.raises(ValueError, match="feedback must be one of"):
        batch.autograde(tmp_path / "class", out, feedback="all", progress=False, check=False)
