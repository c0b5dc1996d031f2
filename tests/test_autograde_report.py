"""What a class run tells the instructor: each submission's problems in short words (grades.csv's
``problems`` column) and the closing lines of ``keraskit autograde``: scores, who had a problem and
where the record is. Records are built as the judge and the host write them (no grading here)."""

import csv
import io
from pathlib import Path

from keraskit import catalogue
from keraskit.autograde import freshness, report, results
from keraskit.autograde.record import GradeRecord


def _graded():
    return [e for e in catalogue.load().exercises if e.topic == "tensors"]


def _passing(n: int) -> list[dict]:
    return [{"name": f"t{i}", "exercise": e.id, "outcome": "passed", "message": None}
            for i, e in enumerate(_graded()[:n])]


def _class() -> list[GradeRecord]:
    graded = _graded()
    return [
        GradeRecord.scored("alice", _passing(3), graded),
        GradeRecord.scored("erin", _passing(1), graded, events=["timeout"]),
        GradeRecord.scored("frank", _passing(2), graded, events=["exited", "exited"]),
        GradeRecord.scored("gina", [], graded, problems=["gina.zip is not a readable zip: File is not a zip file"]),
        GradeRecord.scored("hal", _passing(5), graded, problems=["no encoding.py found"]),
        GradeRecord.error("ivan", graded, "grading took longer than 1020 s"),
        GradeRecord.error("jo", graded, "the judge process failed"),
    ]


def test_each_problem_is_named_in_short_words():
    kinds = {r.student: report.problems_of(r) for r in _class()}
    assert kinds == {"alice": [], "erin": ["time-out"], "frank": ["crash"], "gina": ["unreadable archive"],
                     "hal": ["missing encoding.py"], "ivan": ["time-out"],
                     "jo": ["not graded: the judge process failed"]}


def test_grades_csv_has_a_problems_column():
    rows = list(csv.DictReader(io.StringIO(results.grades_csv(_class(), catalogue.load().topic_ids))))
    assert [row["problems"] for row in rows] == ["", "time-out", "crash", "unreadable archive",
                                                 "missing encoding.py", "time-out",
                                                 "not graded: the judge process failed"]


def test_the_closing_lines_give_the_scores_and_name_each_submission_with_a_problem():
    records = _class()
    plan = freshness.Plan(kept=["alice"], graded={r.student: freshness.NEW for r in records[1:]})
    lines = report.closing_lines(records, Path("out"), plan.summary())
    assert lines[0] == "7 submissions: 6 graded (new), 1 unchanged"
    scores = sorted(r.score for r in records)  # seven: the median is the fourth
    assert scores[0] == 0 < scores[3] < scores[-1]
    assert lines[1] == f"scores out of {records[0].max_score}: min 0, median {scores[3]}, max {scores[-1]}"
    assert lines[2] == "6 with a problem:"
    assert f"  erin: time-out (see {Path('out') / 'records' / 'erin.json'})" in lines
    assert not any(line.strip().startswith("alice") for line in lines)
    assert lines[-1] == f"grades: {Path('out') / 'grades.csv'}"


def test_the_summary_grows_with_the_exercises_so_each_label_has_its_row(tmp_path):
    """57 exercise labels in a 4.5-inch figure overlapped; each now gets EXERCISE_ROW_INCHES."""
    import struct
    graded = catalogue.load().exercises
    records = [GradeRecord.scored(s, [{"name": "t", "exercise": e.id, "outcome": "passed", "message": None}
                                      for e in graded[:i * 9]], graded) for i, s in enumerate(("a", "b", "c"))]
    results.summary_png(records, tmp_path / "summary.png")
    data = (tmp_path / "summary.png").read_bytes()
    width, height = struct.unpack(">II", data[16:24])  # the PNG's IHDR
    assert height >= len(graded) * results.EXERCISE_ROW_INCHES * 100 > 1000


def test_the_closing_lines_and_the_rerun_reason_are_in_chinese_too():
    from keraskit import i18n
    records = _class()
    plan = freshness.Plan(graded={r.student: freshness.KIT for r in records}, kit_changes=["points"])
    lines = [plan.kit_reason("zh_CN"), *report.closing_lines(records, Path("out"), plan.summary("zh_CN"), "zh_CN")]
    assert lines[0] == "目录中的分值已更改：所有提交都将重新评分"
    assert lines[1] == "7 份提交：7 份重新评分（评分套件已更改）"
    assert "  erin：超时（见 out/records/erin.json）" in lines
    # the reasons quoted from the record (a judge's own words) are the only English left
    assert [s for line in lines if "not graded" not in line and "judge" not in line
            for s in i18n.english_sentences(line)] == []
    # grades.csv is data: its problems column stays English
    assert report.problems_cell(records[1]) == "time-out"
