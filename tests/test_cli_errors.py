"""Every bad option or path of every ``keraskit`` command: one line on stderr, exit status 2, in
the user's language, and never a traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from keraskit import i18n

ROOT = Path(__file__).resolve().parents[1]

# (id, arguments; "{tmp}" is a folder holding file.txt and nothing else)
BAD_CALLS = [
    ("autograde-jobs-0", "autograde {tmp} --out {tmp}/out --jobs 0"),
    ("autograde-jobs-not-a-number", "autograde {tmp} --out {tmp}/out --jobs many"),
    ("autograde-no-submissions", "autograde {tmp}/nowhere --out {tmp}/out"),
    ("autograde-out-is-a-file", "autograde {tmp} --out {tmp}/file.txt"),
    ("autograde-shard-out-of-range", "autograde {tmp} --out {tmp}/out --shard 4/3"),
    ("autograde-merge-not-a-shard", "autograde --merge {tmp} --out {tmp}/out"),
    ("autograde-nothing-to-grade", "autograde --out {tmp}/out"),
    ("grade-timeout-negative", "grade {tmp} --timeout -1"),
    ("grade-submission-timeout-0", "grade {tmp} --submission-timeout 0"),
    ("grade-memory-0", "grade {tmp} --memory 0"),
    ("grade-no-submission", "grade {tmp}/nowhere"),
    ("grade-submission-missing", "grade"),
    ("grade-json-folder-missing", "grade {tmp} --json {tmp}/nowhere/results.json"),
    ("grade-unknown-exercise", "grade {tmp} --exercise tensors.nothing"),
    ("grade-unknown-topic", "grade {tmp} --topic nothing"),
    ("autograde-unknown-topic", "autograde {tmp} --out {tmp}/out --topic tensors --topic nothing"),
    ("gradescope-bundle-unknown-topic", "gradescope-bundle {tmp}/week.zip --topic nothing"),
    ("rubric-unknown-topic", "rubric --topic nothing"),
    ("gradescope-bundle-not-zip", "gradescope-bundle x.txt"),
    ("gradescope-bundle-folder-missing", "gradescope-bundle {tmp}/nowhere/x.zip"),
    ("release-not-empty", "release {tmp}"),
    ("release-onto-a-file", "release {tmp}/file.txt"),
    ("nbgrader-no-action", "nbgrader"),
    ("nbgrader-unknown-language", "nbgrader build {tmp}/course --lang fr"),
    ("nbgrader-unknown-topic", "nbgrader build {tmp}/course --topic nothing"),
    ("nbgrader-course-is-a-file", "nbgrader build {tmp}/file.txt"),
    ("nbgrader-no-notebook", "nbgrader extract {tmp}/none.ipynb --out {tmp}/out"),
    ("nbgrader-not-a-notebook", "nbgrader extract {tmp}/file.txt --out {tmp}/out"),
    ("rubric-folder-missing", "rubric --out {tmp}/nowhere/rubric.md"),
    ("rubric-unknown-format", "rubric --format pdf"),
    ("plot-epochs-0", "plot boston --out {tmp}/p.png --epochs 0"),
    ("plot-unknown-what", "plot iris --out {tmp}/p.png"),
    ("plot-out-under-a-file", "plot boston --out {tmp}/file.txt/p.png"),
    ("plot-out-is-a-folder", "plot boston --out {tmp}"),
    ("watch-poll-0", "watch --poll 0"),
    ("check-target-missing", "check --target {tmp}/nowhere"),
    ("check-target-is-a-file", "check --target {tmp}/file.txt"),
    ("check-unknown-topic", "check nothing"),
    ("hint-unknown-exercise", "hint nothing"),
    ("solution-unknown-exercise", "solution nothing"),
    ("unknown-command", "frobnicate"),
    ("unknown-option", "rubric --colour"),
]
# Messages that quote a library's own English reason (here: the JSON parser's) as a value.
QUOTES_A_LIBRARY = {"nbgrader-not-a-notebook"}


@pytest.fixture(scope="module")
def tmp(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("bad-calls")
    (folder / "file.txt").write_text("not a notebook\n", encoding="utf-8")
    return folder


def keraskit(args: list[str], lang: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "KERASKIT_LANG": lang, "KERASKIT_NO_BWRAP": "1"}
    env.pop("KERASKIT_INSTRUCTOR", None)
    return subprocess.run([sys.executable, "-m", "keraskit.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def assert_one_line_error(result: subprocess.CompletedProcess, lang: str, english_allowed: bool = False) -> str:
    lines = result.stderr.splitlines()
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert lines[0].startswith("keraskit")
    if lang == "zh_CN" and not english_allowed:
        prog, _, message = lines[0].partition("：")  # "keraskit COMMAND" is the program's name
        assert prog.startswith("keraskit") and i18n.english_sentences(message) == [], lines[0]
    return lines[0]


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize("name, call", BAD_CALLS, ids=[name for name, _ in BAD_CALLS])
def test_a_bad_option_or_path_is_one_line_and_status_2(tmp, name, call, lang):
    args = call.format(tmp=tmp).split()
    line = assert_one_line_error(keraskit(args, lang), lang, english_allowed=name in QUOTES_A_LIBRARY)
    if lang == "zh_CN":
        assert any("\u4e00" <= c <= "\u9fff" for c in line), line


def test_the_message_names_the_option_and_the_value(tmp):
    done = keraskit(["autograde", str(tmp), "--out", str(tmp / "out"), "--jobs", "0"], "en")
    line = assert_one_line_error(done, "en")
    assert line == "keraskit autograde: --jobs must be at least 1, got 0"
    line = assert_one_line_error(keraskit(["grade", str(tmp), "--timeout", "-1"], "zh_CN"), "zh_CN")
    assert "--timeout" in line and "-1" in line


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_outside_a_working_copy(tmp, lang):
    assert_one_line_error(keraskit(["check"], lang, cwd=tmp), lang)


def test_nothing_was_written_by_the_bad_calls(tmp):
    assert sorted(p.name for p in tmp.iterdir()) == ["file.txt"]
