"""The judge checks its own files (``keraskit.autograde.integrity``), and a grade made without
isolation says so wherever it is read (``keraskit.autograde.isolation``).

The digest is tried on small trees in a temporary folder (cheap); the whole story, a submission
that writes into the venv's site-packages and changes a file of ``keraskit/`` in a scratch copy
of the kit installed in a scratch venv, is the slow test at the end, run in every mode this
machine offers.
"""

import json
import marshal
import os
import py_compile
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from keraskit import catalogue
from keraskit.autograde import integrity, isolation, results, sandbox
from keraskit.autograde.record import GradeRecord
from tests.support.kitdev.environ import grading_environ

ROOT = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------- the digest, on small trees

@pytest.fixture
def tree(tmp_path):
    """A package, a hidden-test folder and a site-packages folder, with a digest taken."""
    package, hidden, site_dir = tmp_path / "pkg", tmp_path / "hidden", tmp_path / "site-packages"
    for folder in (package, hidden, site_dir):
        folder.mkdir()
    (package / "mod.py").write_text("X = 1\n")
    (package / "catalogue.toml").write_text("[topic]\n")
    (hidden / "test_t.py").write_text("def test_a():\n    assert 1 + 1 == 2\n")
    (site_dir / "other.pth").write_text("/somewhere\n")
    files = integrity.JudgeFiles(package, hidden, [site_dir])
    return files, package, hidden, site_dir


def test_unchanged_files_pass(tree):
    files, *_ = tree
    assert files.changes() == []
    files.verify()


@pytest.mark.parametrize("tamper, expected", [
    (lambda p, h, s: (p / "catalogue.toml").write_text("[topic]\n# changed\n"), "changed: keraskit/catalogue.toml"),
    (lambda p, h, s: (h / "test_t.py").write_text("def test_a():\n    pass\n"), "changed: hidden/test_t.py"),
    (lambda p, h, s: (h / "conftest.py").write_text("x = 1\n"), "added: hidden/conftest.py"),
    (lambda p, h, s: (p / "mod.py").unlink(), "removed: keraskit/mod.py"),
    (lambda p, h, s: (p / "evil").symlink_to("/tmp"), "added: keraskit/evil/"),
    (lambda p, h, s: (s / "zz_marker.pth").write_text("import os\n"), "zz_marker.pth"),
    (lambda p, h, s: (s / "other.pth").write_text("import os\n"), "changed: site:"),
])
def test_every_change_is_named(tree, tamper, expected):
    files, package, hidden, site_dir = tree
    tamper(package, hidden, site_dir)
    found = files.changes()
    assert any(expected in change for change in found), found
    with pytest.raises(integrity.JudgeFilesChanged) as raised:
        files.verify()
    assert expected in str(raised.value)


def test_a_pycache_written_by_python_is_accepted_and_a_forged_one_is_not(tree):
    files, package, *_ = tree
    pyc = package / "__pycache__" / f"mod.{sys.implementation.cache_tag}.pyc"
    py_compile.compile(str(package / "mod.py"), cfile=str(pyc))  # what a first import writes
    assert files.changes() == []
    data = pyc.read_bytes()
    # the same header (Python would load it without reading mod.py), other code
    pyc.write_bytes(data[:16] + marshal.dumps(compile("X = 2\n", str(package / "mod.py"), "exec")))
    assert files.changes() == [f"forged bytecode: {pyc}"]
    sys.path.insert(0, str(package))
    try:
        import mod  # the forgery is real: Python loads it
        assert mod.X == 2
    finally:
        sys.path.remove(str(package))
        sys.modules.pop("mod", None)


def test_pytest_rewritten_bytecode_is_checked_against_the_rewrite(tree):
    files, _, hidden, _ = tree
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
                           "--rootdir", str(hidden), str(hidden / "test_t.py")],
                          capture_output=True, text=True, timeout=120, cwd=hidden,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""})
    assert done.returncode == 0, done.stdout + done.stderr
    (rewritten,) = (hidden / "__pycache__").glob("test_t.*-pytest-*.pyc")
    assert files.changes() == []  # pytest's own cache: honest
    data = rewritten.read_bytes()
    forged = compile("def test_a():\n    pass\n", str(hidden / "test_t.py"), "exec")
    rewritten.write_bytes(data[:16] + marshal.dumps(forged))  # the source's hash kept: pytest loads it
    assert files.changes() == [f"forged bytecode: {rewritten}"]


def test_the_check_covers_this_kit():
    files = integrity.JudgeFiles.of_this_kit()
    keys = set(files.baseline)
    assert "keraskit/catalogue.toml" in keys and "keraskit/locales/zh_CN.toml" in keys
    assert "hidden/test_tensors.py" in keys and "keraskit/autograde/judge.py" in keys
    assert any(k.startswith("site:") and k.endswith(".pth") for k in keys)


# ---------------------------------------------------------------- a grade without isolation says so

def _floor_record() -> GradeRecord:
    graded = [e for e in catalogue.load().exercises if e.topic == "tensors"]
    tests = [{"name": "test_a", "exercise": graded[0].id, "outcome": "passed", "message": None}]
    return GradeRecord.scored("dana", tests, graded, mode="rlimits")


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_an_unisolated_grade_is_marked_in_every_form(lang):
    record = _floor_record()
    mark = record.unisolated_mark(lang)
    assert mark and "rlimits" in mark
    assert mark in record.to_feedback(lang)
    assert record.to_gradescope(lang)["output"].splitlines()[0] == mark
    assert GradeRecord.from_json(json.loads(json.dumps(record.to_json()))).isolation == isolation.UNISOLATED
    rows = results.grades_csv([record], catalogue.load().topic_ids).splitlines()
    assert rows[0].split(",")[4] == "isolation" and rows[1].split(",")[4] == "unisolated"


@pytest.mark.parametrize("mode", ["bwrap", "landlock"])
def test_an_isolated_grade_carries_no_mark(mode):
    record = _floor_record()
    record.mode = mode
    assert record.isolation == isolation.ISOLATED and record.unisolated_mark() is None
    assert "isolation" not in record.to_feedback().lower()
    assert record.to_gradescope()["output"] == ""


# ---------------------------------------------------------------- the floor refuses without the opt-in

def _keraskit(args, env, cwd=ROOT, timeout=600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "keraskit.cli", *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=cwd)


@pytest.mark.parametrize("command", ["grade", "autograde"])
def test_a_forced_floor_refuses_to_grade_without_the_opt_in(tmp_path, command):
    sub = tmp_path / "class" / "alice"
    sub.mkdir(parents=True)
    shutil.copy(ROOT / "solutions" / "tensors.py", sub / "tensors.py")
    env = {**grading_environ(), sandbox.MODE_ENV: "rlimits", "KERASKIT_LANG": "en"}
    env.pop(isolation.ALLOW_ENV, None)
    args = (["grade", str(sub), "--json", str(tmp_path / "r.json")] if command == "grade"
            else ["autograde", str(tmp_path / "class"), "--out", str(tmp_path / "out")])
    done = _keraskit(args, env, timeout=120)
    assert done.returncode == 3, done.stdout + done.stderr
    text = done.stderr
    assert text.startswith("refusing to grade: the rlimits sandbox mode")
    assert "filesystem: writes: MISSING" in text and "filesystem: reads: MISSING" in text
    # the remedies, in order, then the opt-in
    steps = [text.index(s) for s in ("apt-get install bubblewrap", "dnf install bubblewrap", "Landlock (Linux 5.13",
                                     "gradescope-bundle", "--allow-unisolated", "KERASKIT_ALLOW_UNISOLATED=1")]
    assert steps == sorted(steps)
    assert not (tmp_path / "r.json").exists() and not (tmp_path / "out" / "records").exists()
    assert done.stdout == ""


def test_the_refusal_speaks_chinese():
    text = isolation.refusal("rlimits", "forced", "zh_CN")
    assert text.startswith("拒绝评分") and "bubblewrap" in text and "--allow-unisolated" in text


def test_isolated_modes_are_not_refused():
    assert isolation.isolated("bwrap") and isolation.isolated("landlock") and not isolation.isolated("rlimits")


# ---------------------------------------------------------------- tampering, end to end

# What the attacker's module does when the worker loads it, and what the driver does on its behalf
# where the sandbox stopped it (a sandbox escape, played out): a marker in the venv's site-packages,
# then a line added to a file of keraskit/ (harmless: a TOML comment).
TAMPER = '''
def _tamper(kit):
    import os, site
    for folder in site.getsitepackages():
        with open(os.path.join(folder, "keraskit_tamper_marker.txt"), "w") as fh:
            fh.write("planted by a submission\\n")
    with open(os.path.join(kit, "catalogue.toml"), "a") as fh:
        fh.write("\\n# tampered by a submission\\n")
'''

ATTACK = TAMPER + '''

def _attack():
    import os, sys
    kit = os.path.realpath(os.path.join(sys.path[0], "keraskit"))  # the worker's own package folder
    try:
        _tamper(kit)
    except OSError:
        pass  # the sandbox holds


_attack()
'''

# The coordinator in-process, as `keraskit autograde` runs it, except that after the attacker's
# record is written it notes whether the attack got through, and where it did not, plays it out.
DRIVER = TAMPER + '''
import json, os, site, sys
from pathlib import Path

from keraskit.autograde import results
from keraskit.autograde.sandbox import keraskit_package_dir

original = results.write_submission


def write_submission(out, record, *args, **kwargs):
    original(out, record, *args, **kwargs)
    if record.student == "a_attacker":
        marker = Path(site.getsitepackages()[0]) / "keraskit_tamper_marker.txt"
        Path(os.environ["TAMPER_REPORT"]).write_text(json.dumps({"got_through": marker.exists()}))
        if not marker.exists():
            _tamper(str(keraskit_package_dir()))


results.write_submission = write_submission
from keraskit.cli import main  # noqa: E402

sys.exit(main(sys.argv[1:]))
'''

EXERCISES = ("tensors.samples_first", "tensors.image_batch_shape")


@pytest.fixture(scope="module")
def scratch_venv(tmp_path_factory):
    """A venv of its own (so never the developer's site-packages) seeing this one's packages, and
    a folder for the copies of the kit it imports."""
    base = tmp_path_factory.mktemp("tamper")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(base / "venv")], check=True, timeout=120)
    python = base / "venv" / "bin" / "python"
    purelib = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                                  capture_output=True, text=True, check=True).stdout.strip())
    return base, python, purelib


def _kit_copy(base: Path, purelib: Path, name: str) -> Path:
    """A scratch copy of the kit (engine, exercises, two reference modules, the tensors suite), the
    one the scratch venv imports."""
    kit = base / name
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "keraskit", kit / "keraskit", ignore=ignore)
    shutil.copytree(ROOT / "exercises", kit / "exercises", ignore=ignore)
    (kit / "grading" / "hidden").mkdir(parents=True)
    shutil.copy(ROOT / "grading" / "hidden" / "test_tensors.py", kit / "grading" / "hidden")
    (kit / "solutions").mkdir()
    for name_ in ("__init__.py", "tensors.py"):
        shutil.copy(ROOT / "solutions" / name_, kit / "solutions")
    shutil.copy(ROOT / "pyproject.toml", kit)
    # the copy first, then this environment's packages (not its .pth files: the editable install
    # of the developer's kit stays out)
    (purelib / "kit.pth").write_text(f"{kit}\n{sysconfig.get_path('purelib')}\n")
    return kit


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.parametrize("mode", sandbox.available_modes())
def test_tampering_is_caught_before_the_next_submission(scratch_venv, mode, tmp_path):
    base, python, purelib = scratch_venv
    for leftover in purelib.glob("keraskit_tamper_marker*"):
        leftover.unlink()
    kit = _kit_copy(base, purelib, f"kit-{mode}")
    subs, out = tmp_path / "class", tmp_path / "out"
    for student in ("a_attacker", "b_honest", "c_honest"):
        (subs / student).mkdir(parents=True)
        extra = ATTACK if student == "a_attacker" else ""
        (subs / student / "tensors.py").write_text((ROOT / "solutions" / "tensors.py").read_text() + extra)
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    env = {**grading_environ(), sandbox.MODE_ENV: mode, "KERASKIT_CACHE_DIR": str(base / "cache"),
           "TAMPER_REPORT": str(tmp_path / "report.json"), "KERASKIT_LANG": "en"}
    env.pop(isolation.ALLOW_ENV, None)
    args = ["autograde", str(subs), "--out", str(out), "--jobs", "1", "--timeout", "60",
            *(a for e in EXERCISES for a in ("--exercise", e))]
    if mode == "rlimits":
        refused = subprocess.run([str(python), str(driver), *args], capture_output=True, text=True, timeout=120,
                                 env=env, cwd=tmp_path)
        assert refused.returncode == 3 and "refusing to grade" in refused.stderr, refused.stderr
        assert not (out / "records").exists()
        args.append("--allow-unisolated")
    done = subprocess.run([str(python), str(driver), *args], capture_output=True, text=True, timeout=800,
                          env=env, cwd=tmp_path)
    log = done.stdout + done.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    # the sandbox itself stops the attack wherever it isolates
    assert report["got_through"] == (mode == "rlimits" and sandbox.floor_uid() is None), (report, log)
    # the check before b_honest caught it, whoever wrote: the batch stopped, naming the attacker
    assert done.returncode == 3, log
    assert "the judge's own files changed during grading" in done.stderr, log
    assert "changed: keraskit/catalogue.toml" in done.stderr and "keraskit_tamper_marker.txt" in done.stderr, log
    assert "perhaps by a changed judge: a_attacker." in done.stderr, log
    assert not list((out / "records").glob("*.json")), "b_honest and c_honest must not be graded"
    assert (out / "set-apart" / "records" / "a_attacker.json").is_file()
    feedback = (out / "set-apart" / "feedback" / "a_attacker.md").read_text()
    assert ("Graded without isolation" in feedback) == (mode == "rlimits")
    assert (out / "grades.csv").read_text().splitlines() == [
        ",".join([*results.CSV_HEADER, *catalogue.load().topic_ids, results.PROBLEMS_COLUMN])]
    assert (kit / "keraskit" / "catalogue.toml").read_text().endswith("# tampered by a submission\n")
    if report["got_through"]:  # `keraskit grade` withholds the grade of a submission that changes the judge
        single = subprocess.run([str(python), str(driver), "grade", str(subs / "a_attacker"), "--json",
                                 str(tmp_path / "r.json"), "--allow-unisolated",
                                 *(a for e in EXERCISES for a in ("--exercise", e))],
                                capture_output=True, text=True, timeout=600, env=env, cwd=tmp_path)
        assert single.returncode == 3, single.stdout + single.stderr
        assert "changed while a_attacker was graded, so its grade is withheld" in single.stderr, single.stderr
        assert "changed: keraskit/catalogue.toml" in single.stderr and single.stdout == ""
        assert not (tmp_path / "r.json").exists()
