"""The instructor's class report (keraskit/autograde/classreport.py) and its similarity (similarity.py).

Built from generated records and submission folders (tests/support/report_class.py): nothing is
graded here. The browser test opens the page in headless Chromium when it is installed.
"""

from __future__ import annotations

import ast
import itertools
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from keraskit.autograde import batch, similarity, submissions
from keraskit.autograde import classreport as report
from keraskit.autograde.record import GradeRecord
from keraskit.cli import main

sys.path.insert(0, str(Path(__file__).parent / "support"))
import report_class

ROOT = Path(__file__).resolve().parents[1]
TOPICS = ("tensors", "encoding", "activations", "losses", "optimizers", "metrics", "models", "training")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    base = tmp_path_factory.mktemp("class")
    out, subs = base / "out", base / "subs"
    made = report_class.write_class(out, subs)
    facts = report.rebuild(out, subs, lang="en")
    return out, subs, made, facts


def _stubs(topics=TOPICS) -> dict[str, str]:
    return {t: (ROOT / "exercises" / f"{t}.py").read_text() for t in topics}


def _corpus(topics=TOPICS) -> dict[str, dict[str, str]]:
    return {style: {t: (report_class.CORPUS / style / f"{t}.py").read_text() for t in topics}
            for style in report_class.STYLES}


# --------------------------------------------------------------------------- the facts


def test_mistake_groups_are_the_students_first_failures(generated):
    _, _, made, facts = generated
    for exercise in facts["exercises"]:
        expected: dict[str, set] = {}
        for rec in made:
            row = next(x for x in rec["exercises"] if x["id"] == exercise["id"])
            if row["status"] != "failing":
                continue
            failing = next(x for x in row["tests"] if x["outcome"] == "failed")
            key = failing.get("misconception") or failing["what"]
            expected.setdefault(key, set()).add(rec["student"])
        found = {(g["id"] if g["kind"] == "misconception" else g["text"]): set(g["students"])
                 for g in exercise["groups"]}
        assert found == expected, exercise["id"]
        sizes = [len(g["students"]) for g in exercise["groups"]]
        assert sizes == sorted(sizes, reverse=True)


def test_class_figures(generated):
    _, _, made, facts = generated
    scores = sorted(r["score"] for r in made)
    assert facts["class"]["submissions"] == len(made)
    middle = len(scores) // 2
    median = scores[middle] if len(scores) % 2 else (scores[middle - 1] + scores[middle]) / 2
    assert facts["class"]["median"] == median
    assert facts["class"]["mean"] == round(sum(scores) / len(scores), 2)
    assert sum(count for _, count in facts["class"]["distribution"]) == len(made)
    for exercise in facts["exercises"]:
        passed = sum(next(x for x in r["exercises"] if x["id"] == exercise["id"])["status"] == "done"
                     for r in made)
        assert exercise["passed"] == passed
        assert (exercise["id"] in facts["class"]["nobody_passed"]) == (passed == 0)
        assert (exercise["id"] in facts["class"]["everybody_passed"]) == (passed == len(made))


def test_insight_json_holds_the_same_facts(generated):
    out, subs, _, facts = generated
    saved = json.loads((out / "insight.json").read_text())
    assert saved["mistakes"] == json.loads(json.dumps(facts["mistakes"]))
    assert saved["submissions_folder"] == str(subs.resolve())
    pair = saved["similarity"]["pairs"][0]
    assert {pair["a"]["student"], pair["b"]["student"]} == {"copycat", "numpy"}
    assert set(pair["a"]["topics"]) == {"tensors", "encoding"}


# --------------------------------------------------------------------------- the page


def test_student_text_cannot_inject_html(generated):
    out, *_ = generated
    page = (out / "report.html").read_text()
    assert "<script" not in page
    assert "<img" not in page and "<b>bold" not in page
    assert "&lt;script&gt;alert(&quot;problem&quot;)&lt;/script&gt;" in page  # shown, as text
    assert "&lt;/pre&gt;&lt;script&gt;" in page  # the copycat's own comment, in the side-by-side view
    assert 'mallory&lt;b&gt;&quot;&amp;' in page


def test_every_link_to_a_student_or_exercise_resolves(generated):
    out, *_ = generated
    page = (out / "report.html").read_text()
    ids = set(re.findall(r'id="([^"]+)"', page))
    targets = set(re.findall(r'href="#([^"]+)"', page))
    assert targets and targets <= ids
    assert {"class", "mistakes", "students", "similarity"} <= ids


def test_the_page_speaks_chinese(tmp_path, generated):
    out, subs, _, _ = generated
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    report.rebuild(copy, subs, lang="zh_CN")
    page = (copy / "report.html").read_text()
    assert "班级报告" in page and "相似度" in page and "Class report" not in page


def test_keraskit_report_rebuilds_where_the_submissions_were(tmp_path, generated, capsys):
    out, *_ = generated
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    (copy / "report.html").unlink()
    assert main(["report", str(copy)]) == 0
    assert "1 similar pairs" in capsys.readouterr().out
    assert "copycat" in (copy / "report.html").read_text()


def test_keraskit_report_refuses_a_folder_without_records(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    assert "records/" in capsys.readouterr().err


def test_autograde_writes_the_report_with_grades_csv(tmp_path):
    subs = tmp_path / "subs"
    report_class.write_submissions(subs)
    everyone = submissions.discover(subs)
    records = {s.student: GradeRecord.from_json(report_class.record(s.student, __import__("random").Random(1)))
               for s in everyone}
    out = tmp_path / "out"
    batch.write_summaries(out, everyone, records, folder=subs)
    assert (out / "grades.csv").is_file() and (out / "report.html").is_file()
    facts = json.loads((out / "insight.json").read_text())
    assert facts["class"]["submissions"] == len(everyone)
    assert [(p["a"]["student"], p["b"]["student"]) for p in facts["similarity"]["pairs"]] == [("copycat", "numpy")]


# --------------------------------------------------------------------------- similarity


def test_the_independent_corpus_is_not_flagged():
    """The six styles of the fairness corpus, all eight topics, written independently: no pair is
    flagged in any topic (no false accusation)."""
    found = similarity.compare(_corpus(), _stubs())
    assert [(pair.a, pair.b, pair.flagged) for pair in found.pairs if pair.flagged] == []


def test_the_numpy_topics_of_the_corpus_raise_no_flag():
    assert similarity.compare(_corpus(report_class.TOPICS), _stubs(report_class.TOPICS)).pairs == []


@pytest.mark.parametrize("style", ["numpy", "functional", "kerasops"])
def test_a_disguised_copy_is_flagged(style):
    sources = _corpus(report_class.TOPICS)
    sources["copycat"] = {t: report_class.disguise(text) for t, text in sources[style].items()}
    found = similarity.compare(sources, _stubs(report_class.TOPICS))
    assert [tuple(sorted((p.a, p.b))) for p in found.pairs] == [tuple(sorted(("copycat", style)))]
    assert set(found.pairs[0].flagged) == set(report_class.TOPICS)


def test_the_short_answers_the_docstrings_dictate_are_not_a_copy():
    """Two students who both wrote only the one-liners (``np.moveaxis(x, sample_axis, 0)`` ...),
    one with other names: short functions with a fixed answer are not compared."""
    sources = _corpus(report_class.TOPICS)
    sources["a"] = {"tensors": report_class.ONE_LINER}
    renamed = report_class.ONE_LINER
    for old, new in (("x_train", "train"), ("sample_axis", "axis"), ("x", "data"), ("mean", "mu")):
        renamed = re.sub(rf"\b{old}\b", new, renamed)
    sources["b"] = {"tensors": renamed}
    assert similarity.compare(sources, _stubs(report_class.TOPICS)).pairs == []


def test_what_everyone_was_given_is_not_shared():
    """Two students who handed in the untouched stubs (optimizers.py gives code of its own)."""
    stubs = _stubs()
    assert similarity.compare({"s0": dict(stubs), "s1": dict(stubs)}, stubs).pairs == []


def test_comments_docstrings_and_names_do_not_change_the_tokens():
    one = "def f(a, b):\n    '''Doc.'''\n    total = a + b  # sum\n    return total * 2\n"
    two = "def g(x, y):\n    # add them\n    s = x + y\n\n    return s * 2\n"
    tokens = [[t for t, _ in similarity.normalize(similarity._raw_tokens(src))] for src in (one, two)]
    assert tokens[0] == tokens[1]


def test_broken_code_is_compared_up_to_where_it_breaks():
    text = (report_class.CORPUS / "numpy" / "tensors.py").read_text()
    assert similarity.fingerprint(text + "\ndef broken(:\n    pass\n")


def test_class_threshold_stands_out_of_the_class():
    assert similarity.class_threshold([0.1, 0.12, 0.11, 0.09, 0.1]) == similarity.ABSOLUTE_THRESHOLD
    assert similarity.class_threshold([0.5, 0.55, 0.6, 0.52, 0.58]) > 0.6


# --------------------------------------------------------------------------- in a browser


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def test_the_report_renders_in_a_real_browser(generated, tmp_path):
    browser = _chromium()
    if browser is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    out, *_ = generated
    dom = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
         (out / "report.html").as_uri()], capture_output=True, text=True, timeout=120, check=True).stdout
    for part in ("class", "mistakes", "students", "similarity"):
        assert f'id="{part}"' in dom
    assert dom.count("<svg") == 3 and dom.count("<rect") > 10  # the three charts, with their bars
    assert "<script" not in dom  # nothing a submission wrote became a script
    ids = set(re.findall(r'id="([^"]+)"', dom))
    links = set(re.findall(r'href="#([^"]+)"', dom))
    assert links and links <= ids
    assert dom.count('class="student"') == len(list((out / "records").glob("*.json")))
    assert "<mark>" in dom  # the side-by-side view highlights what the pair shares


def test_pairs_of_the_generated_class(generated):
    _, _, _, facts = generated
    students = {s["student"] for s in facts["students"]}
    for a, b in itertools.combinations(sorted(students), 2):
        flagged = [p for p in facts["similarity"]["pairs"] if {p["a"]["student"], p["b"]["student"]} == {a, b}]
        assert bool(flagged) == ({a, b} == {"copycat", "numpy"})


def _as_notebook(text: str, topic: str) -> dict:
    """``text`` (a module of ``topic``) as a keraskit notebook: each exercise's function in its
    answer cell, the imports and helpers in the locked imports cell."""
    from keraskit import catalogue, layout
    tree = ast.parse(text)
    functions = {e.function: e for e in catalogue.load().topic(topic).exercises}
    cells, rest = [], []
    for node in tree.body:
        source = ast.get_source_segment(text, node)
        if isinstance(node, ast.FunctionDef) and node.name in functions:
            meta = {"solution": True, "grade_id": layout.solution_id(functions[node.name])}
            cells.append({"cell_type": "code", "metadata": {"nbgrader": meta}, "source": source})
        elif not isinstance(node, ast.Expr):  # the module's docstring stays out
            rest.append(source)
    imports = {"cell_type": "code", "source": "\n\n".join(rest),
               "metadata": {"nbgrader": {"locked": True, "grade_id": layout.imports_id(topic)}}}
    return {"cells": [imports, *cells], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def test_notebook_submissions_are_compared_on_their_extracted_modules(tmp_path):
    """A disguised copy handed in as a folder is found alike to the notebook it came from."""
    subs = tmp_path / "subs"
    report_class.write_submissions(subs)
    original = (report_class.CORPUS / "numpy" / "tensors.py").read_text()
    shutil.rmtree(subs / "numpy")
    (subs / "numpy.ipynb").write_text(json.dumps(_as_notebook(original, "tensors")))
    sources, stubs = similarity.read_class(subs, ROOT / "exercises")
    assert "# --- cell tensors-samples_first" in sources["numpy"]["tensors"]  # the extracted module
    found = similarity.compare(sources, stubs)
    assert [(p.a, p.b, p.flagged) for p in found.pairs] == [("copycat", "numpy", ["tensors"])]


def test_a_failing_test_with_a_misconception_id_names_the_group():
    """The first failing test speaks for the exercise, unless a later one names a misconception."""
    def row(*tests):
        return {"id": "tensors.normalize", "tests": [{"outcome": "failed", **x} for x in tests]}
    plain, named = {"what": "what: the values differ"}, {"what": "what: the shape", "misconception": "axis-0"}
    assert report._group_of(report._first_failure(row(plain, named)))[:2] == ("axis-0", "misconception")
    assert report._group_of(report._first_failure(row(plain, {"what": "other"})))[2] == "what: the values differ"
    assert report._first_failure(row()) is None


def test_a_solution_passed_round_is_flagged_even_when_most_have_it():
    """Four of five students hand in the same module (three of them renamed): every pair of them is
    flagged, though their likeness is the class's median; the independent student is not."""
    sources = {"lists": _corpus(report_class.TOPICS)["lists"]}
    for i in range(4):
        sources[f"leak{i}"] = {t: report_class.disguise(text) if i else text
                               for t, text in _corpus(report_class.TOPICS)["numpy"].items()}
    found = similarity.compare(sources, _stubs(report_class.TOPICS))
    assert sorted((p.a, p.b) for p in found.pairs) == sorted(itertools.combinations([f"leak{i}" for i in range(4)], 2))


def test_a_students_section_links_to_their_similar_pair(generated):
    out, *_ = generated
    page = (out / "report.html").read_text()
    section = page[page.index('id="students"'):page.index('id="similarity"')]
    assert section.count('href="#pair-0"') == 2  # copycat's and numpy's sections
