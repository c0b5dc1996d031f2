"""The grade record as a type: its JSON round trip, and each form it is written in, byte for byte.

``tests/golden/grade_record/`` holds what the record code wrote for three sample records before
the record became a dataclass (the record JSON, Gradescope's results.json and the feedback in two
languages, and grades.csv): the dataclass must write the same files.
"""

import dataclasses
import json
from pathlib import Path

import pytest

from keraskit import catalogue, outcome
from keraskit.autograde import results
from keraskit.autograde.record import ExerciseRecord, GradeRecord, RecordStatus, TestRecord

GOLDEN = Path(__file__).resolve().parent / "golden" / "grade_record"
LANGS = ("en", "zh_CN")


def _graded():
    """The tensors and encoding exercises, at the points the golden files were written with (read
    from them): an instructor's change of points in the catalogue is not a change of these forms."""
    golden = {row["id"]: row["points"] for row in json.loads((GOLDEN / "bob.record.json").read_text())["exercises"]}
    return [dataclasses.replace(e, points=golden[e.id]) for e in catalogue.load().exercises if e.id in golden]


def _tests(ids):
    return [
        {"name": "test_a", "exercise": ids[0], "outcome": "passed", "message": None},
        {"name": "test_b", "exercise": ids[0], "outcome": "passed", "message": None},
        {"name": "test_c", "exercise": ids[1], "outcome": "failed",
         "message": "tensors.x\ncalled: f(1)\nwrong values\n  line four\nline five"},
        {"name": "test_d", "exercise": ids[1], "outcome": "passed", "message": None},
        {"name": "test_e", "exercise": ids[2], "outcome": "not_started", "message": "not started yet"},
        {"name": "test_f", "exercise": ids[3], "outcome": "failed", "message": "x" * 4010},
        {"name": "test_g", "exercise": ids[-1], "outcome": "passed", "message": None},
    ]


def _samples() -> dict[str, GradeRecord]:
    """The same three records the golden files were written from."""
    graded = _graded()
    tests = _tests([e.id for e in graded])
    alice = GradeRecord.scored("alice", tests, graded, problems=["no losses.py found"], events=["timeout", "oom"],
                               mode="bwrap")
    alice.seconds, alice.judge_peak_mb, alice.oracle_memo_hits = 12.345, 321.5, 7
    return {"alice": alice, "bob": GradeRecord.error("bob", graded, "the judge process failed"),
            "carol": GradeRecord.scored("carol", tests[:2], graded)}


SAMPLES = ("alice", "bob", "carol")


@pytest.mark.parametrize("student", SAMPLES)
def test_the_record_json_is_unchanged_and_reads_back_equal(student):
    record = _samples()[student]
    text = json.dumps(record.to_json(), indent=2)
    assert text == (GOLDEN / f"{student}.record.json").read_text()
    assert GradeRecord.from_json(json.loads(text)) == record
    assert json.dumps(GradeRecord.from_json(json.loads(text)).to_json(), indent=2) == text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("student", SAMPLES)
def test_gradescope_json_and_feedback_are_unchanged(student, lang):
    record = _samples()[student]
    expected = (GOLDEN / f"{student}.gradescope.{lang}.json").read_text()
    assert json.dumps(record.to_gradescope(lang), indent=2) == expected
    assert record.to_feedback(lang) == (GOLDEN / f"{student}.feedback.{lang}.md").read_text()


def test_grades_csv_is_unchanged():
    samples = _samples()
    text = results.grades_csv([samples["carol"], samples["bob"], samples["alice"]], catalogue.load().topic_ids)
    assert text.encode() == (GOLDEN / "grades.csv").read_bytes()  # csv ends rows in \r\n
    assert samples["alice"].to_csv_row(["encoding", "tensors"]) == ["alice", 3, 20, "graded", "isolated", 2, 1]


def test_scoring_gives_points_only_to_exercises_whose_tests_all_passed():
    record = _samples()["alice"]
    by_id = {row.id: row for row in record.exercises}
    done = [row for row in record.exercises if row.status is outcome.Status.DONE]
    assert [row.id for row in done] == [record.exercises[0].id, record.exercises[-1].id]
    assert all(row.earned == (row.points if row in done else 0) for row in record.exercises)
    assert record.score == sum(row.earned for row in record.exercises) == 3
    assert by_id[record.exercises[2].id].status is outcome.Status.NOT_STARTED
    assert record.topics == {"tensors": 1, "encoding": 2}


def test_an_error_record_has_every_exercise_at_zero_and_the_reason():
    record = _samples()["bob"]
    assert record.status is RecordStatus.ERROR and record.problems == ["the judge process failed"]
    assert record.score == 0 and record.max_score == sum(e.points for e in _graded())
    assert all(row.earned == 0 and row.tests == [] for row in record.exercises)


def test_costs_not_measured_are_absent_from_the_json():
    data = _samples()["carol"].to_json()
    assert not set(GradeRecord.COSTS) & set(data)
    assert list(_samples()["alice"].to_json())[-3:] == list(GradeRecord.COSTS)


def test_nested_records_round_trip():
    test = TestRecord("test_x", "tensors.normalize", outcome.TEST_FAILED, "why")
    assert TestRecord.from_json(test.to_json()) == test
    row = ExerciseRecord("tensors.normalize", "tensors", 2, 0, outcome.Status.FAILING, [test])
    assert ExerciseRecord.from_json(json.loads(json.dumps(row.to_json()))) == row


def test_a_saved_record_reads_back(tmp_path):
    record = _samples()["alice"]
    results.write_submission(tmp_path, record)
    assert results.read_record(tmp_path / "records" / "alice.json") == record
    assert (tmp_path / "feedback" / "alice.md").read_text() == (GOLDEN / "alice.feedback.en.md").read_text()
    assert (tmp_path / "results" / "alice.json").read_text() == (GOLDEN / "alice.gradescope.en.json").read_text()
