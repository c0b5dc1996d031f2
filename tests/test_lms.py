"""LMS bulk downloads grouped per student, grades exported for each gradebook, and shards merged.

The samples are laid out as each platform's documentation describes (docs/lms.md) from the
class corpus (grading/class/numpy) and the stubs (exercises/); grouping reads no module and
grades nothing, so these tests cost milliseconds. The three-shard run is in the slow tier."""

import csv
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from keraskit import catalogue
from keraskit.autograde import batch, exports, lms, shards, submissions
from keraskit.autograde.record import GradeRecord

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "grading" / "class" / "numpy"
STUBS = ROOT / "exercises"
MODULES = sorted(p.name for p in CORPUS.glob("*.py"))


def _topics(sub) -> dict:
    return submissions.read_sources(sub).files


def _zip_of(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w") as archive:
        for name in MODULES:
            archive.write(folder / name, f"keras/{name}")
    return target


def canvas_download(tmp_path: Path) -> Path:
    """Canvas's "Download Submissions" zip: doejane uploads the 8 modules separately, late, and
    tensors.py twice (Canvas names the second tensors-1.py); roewill uploads one zip; one file
    is named by no Canvas rule."""
    path = tmp_path / "submissions.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name in MODULES:
            archive.write(STUBS / name if name == "tensors.py" else CORPUS / name,
                          f"doejane_late_101_9001_{name}")
        archive.write(CORPUS / "tensors.py", "doejane_late_101_9001_tensors-1.py")
        archive.write(_zip_of(CORPUS, tmp_path / "keras.zip"), "roewill_202_9002_keras.zip")
        archive.writestr("README.txt", "who am I?")
    return path


def test_canvas_download_is_grouped_per_student_with_the_newest_upload(tmp_path):
    download = canvas_download(tmp_path)
    assert lms.detect(download) == "canvas"
    intake = lms.discover(download, tmp_path / "out")
    assert [s.student for s in intake.submissions] == ["doejane_101", "roewill_202"]
    jane, will = intake.submissions
    assert jane.kind == "folder" and will.kind == "zip"
    files = _topics(jane)
    assert sorted(files) == sorted(catalogue.load().topic_ids)
    assert files["tensors"] == (CORPUS / "tensors.py").read_bytes()  # tensors-1.py, not the first upload
    assert len(_topics(will)) == len(MODULES)
    assert intake.people["doejane_101"].late and not intake.people["roewill_202"].late
    assert intake.people["doejane_101"].lms_id == "101"
    ignored = dict(intake.ignored)
    assert "README.txt" in ignored and "no student" in ignored["README.txt"]
    assert "doejane_late_101_9001_tensors.py" in ignored  # the older upload, said so
    roster = lms.load_roster(tmp_path / "out")
    assert roster["roewill_202"]["platform"] == "canvas"


def test_a_newer_download_into_the_same_folder_replaces_the_older(tmp_path):
    lms.discover(canvas_download(tmp_path), tmp_path / "out")
    newer = tmp_path / "newer.zip"
    with zipfile.ZipFile(newer, "w") as archive:
        archive.write(CORPUS / "losses.py", "doejane_101_9001_losses.py")
    intake = lms.discover(newer, tmp_path / "out")
    assert [s.student for s in intake.submissions] == ["doejane_101"]
    assert sorted(_topics(intake.submissions[0])) == ["losses"]
    assert not intake.people["doejane_101"].late


def test_separate_module_files_are_graded_before_a_zip_of_the_same_student(tmp_path):
    download = tmp_path / "canvas"
    download.mkdir()
    (download / "doejane_101_9001_tensors.py").write_bytes((CORPUS / "tensors.py").read_bytes())
    _zip_of(STUBS, download / "doejane_101_9001_keras.zip")
    (download / "doejane_101_9001_notes.docx").write_bytes(b"")
    intake = lms.discover(download, tmp_path / "out", "canvas")
    assert [(s.student, s.kind) for s in intake.submissions] == [("doejane_101", "folder")]
    ignored = dict(intake.ignored)
    assert "separate module files" in ignored["doejane_101_9001_keras.zip"]
    assert "not a module file" in ignored["doejane_101_9001_notes.docx"]


def test_moodle_folders_are_grouped_by_participant(tmp_path):
    download = tmp_path / "moodle"
    jane = download / "Jane Doe_12345_assignsubmission_file_"
    jane.mkdir(parents=True)
    for name in MODULES:
        (jane / name).write_bytes((CORPUS / name).read_bytes())
    will = download / "Will Roe_67890_assignsubmission_file_"
    will.mkdir()
    _zip_of(CORPUS, will / "keras.zip")
    (download / "Will Roe_67890_assignsubmission_onlinetext_").mkdir()
    (download / "stray.py").write_text("x = 1\n")
    # "download submissions in folders" off: the files themselves carry the name
    (download / "Ann Lee_24680_assignsubmission_file_tensors.py").write_bytes((CORPUS / "tensors.py").read_bytes())
    assert lms.detect(download) == "moodle"
    intake = lms.discover(download, tmp_path / "out")
    assert [s.student for s in intake.submissions] == ["Ann_Lee_24680", "Jane_Doe_12345", "Will_Roe_67890"]
    assert intake.submissions[2].kind == "zip"
    assert list(_topics(intake.submissions[0])) == ["tensors"]
    assert len(_topics(intake.submissions[1])) == len(MODULES)
    assert intake.people["Jane_Doe_12345"].name == "Jane Doe"
    ignored = dict(intake.ignored)
    assert "stray.py" in ignored and "onlinetext" in ignored["Will Roe_67890_assignsubmission_onlinetext_"]


def _blackboard_attempt(folder: Path, user: str, name: str, when: str, source: Path) -> None:
    stem = f"Keras_{user}_attempt_{when}"
    (folder / f"{stem}.txt").write_text(f"Name: {name} ({user})\nAssignment: Keras\nDate Submitted: {when}\n")
    for module in MODULES:
        (folder / f"{stem}_{module}").write_bytes((source / module).read_bytes())


def test_blackboard_keeps_the_last_attempt_and_reads_the_receipt(tmp_path):
    download = tmp_path / "bb"
    download.mkdir()
    _blackboard_attempt(download, "jdoe", "Jane Doe", "2026-03-01-10-00-00", STUBS)
    _blackboard_attempt(download, "jdoe", "Jane Doe", "2026-03-02-09-30-00", CORPUS)
    _blackboard_attempt(download, "w_roe", "Will Roe", "2026-03-01-11-00-00", CORPUS)  # "_" in the username
    (download / "gradebook.xls").write_text("")
    assert lms.detect(download) == "blackboard"
    intake = lms.discover(download, tmp_path / "out")
    assert [s.student for s in intake.submissions] == ["jdoe", "w_roe"]
    assert _topics(intake.submissions[0])["tensors"] == (CORPUS / "tensors.py").read_bytes()
    assert intake.people["w_roe"].name == "Will Roe"
    ignored = dict(intake.ignored)
    assert "Keras_jdoe_attempt_2026-03-01-10-00-00_tensors.py" in ignored
    assert "gradebook.xls" in ignored


def test_github_classroom_repositories_are_named_by_username(tmp_path):
    download = tmp_path / "keras-submissions"
    for user in ("alice", "bob"):
        repo = download / f"keras-in-action-{user}"
        (repo / ".git").mkdir(parents=True)
        (repo / "exercises").mkdir()
        for name in MODULES:
            (repo / "exercises" / name).write_bytes((CORPUS / name).read_bytes())
    assert lms.detect(download) == "github-classroom"
    intake = lms.discover(download, tmp_path / "out")
    assert [s.student for s in intake.submissions] == ["alice", "bob"]
    assert len(_topics(intake.submissions[0])) == len(MODULES)


def test_a_plain_class_folder_is_not_taken_for_a_download(tmp_path):
    for student in ("student-a", "student-b"):
        (tmp_path / "class" / student).mkdir(parents=True)
    assert lms.detect(tmp_path / "class") is None
    intake = lms.discover(tmp_path / "class", tmp_path / "out")
    assert [s.student for s in intake.submissions] == ["student-a", "student-b"]
    assert not (tmp_path / "out" / "lms").exists()


def _records(students, cat):
    graded = [e for e in cat.exercises if e.topic == "tensors"]
    return [GradeRecord.error(s, graded, "sample") for s in students]


def test_exports_have_the_columns_each_gradebook_reads(tmp_path, cat):
    lms.discover(canvas_download(tmp_path), tmp_path / "out")
    records = _records(["doejane_101", "roewill_202"], cat)
    exports.write(tmp_path / "out", records, ["canvas", "csv"], "Keras (42)")
    rows = list(csv.reader((tmp_path / "out" / "canvas-import.csv").open()))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Keras (42)"]
    assert rows[1][0] == "Points Possible" and rows[1][5] == str(records[0].max_score)
    assert [r[1] for r in rows[2:]] == ["101", "202"]
    generic = list(csv.DictReader((tmp_path / "out" / "lms-grades.csv").open()))
    assert generic[0]["platform"] == "canvas" and generic[0]["lms_id"] == "101"
    with pytest.raises(ValueError, match="moodle"):  # a Canvas class cannot be matched in Moodle
        exports.write(tmp_path / "out", records, ["moodle"])
    grades = list(csv.DictReader(io.StringIO(exports.with_identity(
        "student,score\ndoejane_101,0\n", lms.load_roster(tmp_path / "out")))))
    assert grades == [{"student": "doejane_101", "score": "0", "platform": "canvas", "lms_id": "101",
                       "name": "doejane"}]


def test_moodle_worksheet_names_participants(tmp_path, cat):
    roster = {"Jane_Doe_12345": {"platform": "moodle", "lms_id": "12345", "name": "Jane Doe"}}
    rows = list(csv.reader(io.StringIO(exports.moodle(_records(["Jane_Doe_12345"], cat), roster))))
    assert rows[0] == ["Identifier", "Full name", "Email address", "Grade", "Feedback comments"]
    assert rows[1][:2] == ["Participant 12345", "Jane Doe"]
    assert rows[1][4].startswith("0/") and "\n" not in rows[1][4]


def test_shards_partition_the_class_and_a_late_student_moves_nobody():
    ids = [f"student{i}" for i in range(60)]
    everyone = [SimpleNamespace(student=s) for s in ids]
    shares = [{s.student for s in shards.share(everyone, {}, (k, 3))} for k in (1, 2, 3)]
    assert set().union(*shares) == set(ids) and sum(map(len, shares)) == len(ids)
    assert all(shares)  # each shard gets someone
    late = [SimpleNamespace(student="latecomer"), *everyone]
    assert [{s.student for s in shards.share(late, {}, (k, 3))} - {"latecomer"} for k in (1, 2, 3)] == shares
    # another process (another machine, another hash seed) puts everyone in the same shard
    code = "from keraskit.autograde import shards; print([shards.shard_of(f'student{i}', 3) for i in range(60)])"
    other = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": "123", "PATH": "/usr/bin:/bin"})
    assert other.stdout.strip() == str([shards.shard_of(s, 3) for s in ids])
    # an LMS download shards on the platform's id, not on the name-based key
    uid = next(str(i) for i in range(100) if shards.shard_of(f"jane_{i}", 3) != shards.shard_of(str(i), 3))
    jane = [SimpleNamespace(student=f"jane_{uid}")]
    roster = {f"jane_{uid}": {"lms_id": uid}}
    assert shards.share(jane, roster, (shards.shard_of(uid, 3), 3)) == jane
    assert shards.share(jane, roster, (shards.shard_of(f"jane_{uid}", 3), 3)) == []
    for bad in ("0/3", "4/3", "3", "a/b"):
        with pytest.raises(ValueError, match="--shard"):
            shards.parse(bad)


def test_merged_shards_give_the_grades_of_one_folder(tmp_path, cat):
    students = [f"s{i}" for i in range(7)]
    records = {r.student: r for r in _records(students, cat)}
    everyone = [SimpleNamespace(student=s) for s in students]
    batch.write_summaries(tmp_path / "one", everyone, records)
    for k in (1, 2, 3):
        out = tmp_path / f"shard{k}"
        for r in records.values():
            if shards.shard_of(r.student, 3) == k:
                (out / "records").mkdir(parents=True, exist_ok=True)
                (out / "records" / f"{r.student}.json").write_text(json.dumps(r.to_json()))
    merged = shards.merge([tmp_path / f"shard{k}" for k in (1, 2, 3)], tmp_path / "merged")
    batch.write_summaries(tmp_path / "merged", [SimpleNamespace(student=r.student) for r in merged],
                          {r.student: r for r in merged})
    assert (tmp_path / "merged" / "grades.csv").read_text() == (tmp_path / "one" / "grades.csv").read_text()
    assert len(list((tmp_path / "merged" / "records").glob("*.json"))) == len(students)
    with pytest.raises(ValueError, match="--out folder of a shard"):  # a typo is not an empty shard
        shards.merge([tmp_path / "shard1", tmp_path], tmp_path / "again")


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_three_shard_processes_merge_to_the_unsharded_grades(tmp_path):
    """A tiny class, one numpy exercise: three shards as separate processes, merged, equal one run."""
    from kitdev.environ import grading_environ
    download = canvas_download(tmp_path)
    base = [sys.executable, "-m", "keraskit.cli", "autograde", str(download), "--exercise", "tensors.normalize"]

    def run(*extra):
        result = subprocess.run([*base, *extra], cwd=ROOT, env=grading_environ(), capture_output=True, text=True,
                                timeout=1700)
        assert result.returncode == 0, result.stderr[-3000:]
        return result

    one = run("--out", str(tmp_path / "one"), "--export", "canvas")
    assert "README.txt" in one.stderr  # the file that belongs to no one is named, not dropped
    shard_runs = [subprocess.Popen([*base, "--out", str(tmp_path / f"s{k}"), "--shard", f"{k}/3"], cwd=ROOT,
                                   env=grading_environ(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                  for k in (1, 2, 3)]
    for process in shard_runs:
        _, err = process.communicate(timeout=1700)
        assert process.returncode == 0, err[-3000:]
    merge = subprocess.run([sys.executable, "-m", "keraskit.cli", "autograde", "--merge",
                            *(str(tmp_path / f"s{k}") for k in (1, 2, 3)), "--out", str(tmp_path / "merged"),
                            "--export", "canvas"], cwd=ROOT, env=grading_environ(), capture_output=True, text=True)
    assert merge.returncode == 0, merge.stderr[-3000:]
    for name in ("grades.csv", "canvas-import.csv"):
        assert (tmp_path / "merged" / name).read_text() == (tmp_path / "one" / name).read_text()
    # the same shards writing into one shared folder, merged in place
    shared = [subprocess.Popen([*base, "--out", str(tmp_path / "shared"), "--shard", f"{k}/3"], cwd=ROOT,
                               env=grading_environ(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for k in (1, 2, 3)]
    for process in shared:
        _, err = process.communicate(timeout=1700)
        assert process.returncode == 0, err[-3000:]
    merge = subprocess.run([sys.executable, "-m", "keraskit.cli", "autograde", "--merge", str(tmp_path / "shared"),
                            "--out", str(tmp_path / "shared")], cwd=ROOT, env=grading_environ(), capture_output=True,
                           text=True)
    assert merge.returncode == 0, merge.stderr[-3000:]
    assert (tmp_path / "shared" / "grades.csv").read_text() == (tmp_path / "one" / "grades.csv").read_text()
    grades = list(csv.DictReader((tmp_path / "one" / "grades.csv").open()))
    assert [g["lms_id"] for g in grades] == ["101", "202"]
