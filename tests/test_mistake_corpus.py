"""The golden corpus of student mistakes: each message's what-line, its facts and its hint.

Every case of ``tests/golden/mistakes.py`` is a realistic wrong answer, graded as ``pytest exercises/
--exercise ID`` grades it (in-process, ``keraskit.runner``). The message of its first failing
visible test (or the one the case names) must have

- the what-line the case expects (by locale key, in both languages);
- the measured facts of that wrong answer (the shapes and numbers it really gives);
- the hint of the misconception the case embodies, looked up in the catalogue by id; where no
  misconception fits, the line pointing to ``keraskit hint ID`` (or, for a failure that is not about
  the exercise's method, neither); never the hint of another of the exercise's misconceptions;
- in Chinese: the Chinese what-line and hint, and no English sentence of the kit.

Cheap: the numpy topics are graded in one run per topic and language (cases of distinct exercises
together, a case that breaks the whole module alone). The Keras topics train or build models: slow.
"""

import importlib.util
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

from keraskit import catalogue, i18n, outcome, runner
from keraskit.i18n import t

ROOT = Path(__file__).resolve().parents[1]


def _load_corpus():
    """tests/golden/mistakes.py (the tests run in importlib mode: no test folder is on sys.path)."""
    spec = importlib.util.spec_from_file_location("keraskit_mistake_corpus", ROOT / "tests" / "golden" / "mistakes.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


_CORPUS = _load_corpus()
MISTAKES, KERAS_MISTAKES, Mistake = _CORPUS.MISTAKES, _CORPUS.KERAS_MISTAKES, _CORPUS.Mistake
VISIBLE = ROOT / "exercises" / "tests"
KERAS_TOPICS = {"models", "training"}
LANGUAGES = ("en", "zh_CN")


def _rounds(cases: list[Mistake]) -> list[list[Mistake]]:
    """The cases packed into as few runs as possible: one exercise at most once per run, and a
    case that changes the whole module (an import, a call limit) in a run of its own."""
    rounds: list[list[Mistake]] = []
    for case in cases:
        if case.alone:
            rounds.append([case])
            continue
        home = next((r for r in rounds if not r[0].alone and all(c.exercise != case.exercise for c in r)), None)
        if home is None:
            rounds.append([case])
        else:
            home.append(case)
    return rounds


def _grade(cases: list[Mistake], lang: str, folder: Path) -> dict[str, runner.TestResult]:
    """The failing test each case's message is taken from, by case id."""
    topic = cases[0].topic
    source = (ROOT / "solutions" / f"{topic}.py").read_text(encoding="utf-8")
    found = {}
    for number, chosen in enumerate(_rounds(cases)):
        target = folder / f"{topic}-{lang}-{number}"
        target.mkdir()
        text = "\n\n".join([source, *(case.source for case in chosen)])
        (target / f"{topic}.py").write_text(text, encoding="utf-8")
        env = {"KERASKIT_LANG": lang, **{k: v for case in chosen for k, v in case.env.items()}}
        saved = {key: os.environ.get(key) for key in env}
        os.environ.update(env)
        try:
            result = runner.run([VISIBLE / f"test_{topic}.py"], target=target,
                                exercises=sorted({case.exercise for case in chosen}), rootdir=ROOT)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        for case in chosen:
            failed = [x for x in result.tests if x.exercise == case.exercise and x.outcome == outcome.TEST_FAILED]
            named = [x for x in failed if case.test is None or case.test in x.nodeid]
            found[case.id] = named[0] if named else None
    return found


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grades a topic in a language on first use; every case of that topic reads the same runs."""
    cache: dict[tuple[str, str], dict] = {}
    folder = tmp_path_factory.mktemp("mistakes")

    def message_of(case: Mistake, lang: str) -> runner.TestResult:
        key = (case.topic, lang)
        if key not in cache:
            cases = [c for c in MISTAKES + KERAS_MISTAKES if c.topic == case.topic]
            cache[key] = _grade(cases, lang, folder)
        test = cache[key][case.id]
        assert test is not None, f"{case.id}: no visible test of {case.exercise} failed"
        return test

    yield message_of
    shutil.rmtree(folder, ignore_errors=True)


def _what_line(case: Mistake, lang: str) -> str:
    return t(case.what, lang, **case.what_values)


def _check_hint(case: Mistake, test: runner.TestResult, lang: str) -> None:
    exercise = catalogue.load().exercise(case.exercise)
    message = test.message
    hint = None
    if case.misconception is not None:
        assert catalogue.load().misconception(case.misconception).exercise == case.exercise
        hint = catalogue.load().misconception(case.misconception).hint_in(lang)
        assert t("failure.hint", lang, hint=hint) in message.splitlines(), message
        assert test.hint == hint
    else:
        assert case.why, f"{case.id}: say why no misconception fits"
        assert test.hint is None, message
        asked = t("failure.ask_for_hint", lang, exercise=case.exercise)
        assert (asked not in message) if case.no_hint else (asked in message.splitlines()), message
    # (two misconceptions may share one of the exercise's hints: only a different text is another's)
    others = [m.id for m in exercise.misconceptions if m.hint_in(lang) != hint and m.hint_in(lang) in message]
    assert not others, f"{case.id}: the message also shows the hint of {others}"


def _params(cases: list[Mistake], slow: bool = False):
    marks = [pytest.mark.slow] if slow else []
    return [pytest.param(case, id=case.id, marks=marks + ([pytest.mark.xfail(strict=True, reason=case.xfail)]
                                                          if case.xfail else [])) for case in cases]


def _english(case: Mistake, graded) -> None:
    test = graded(case, "en")
    lines = test.message.splitlines()
    assert lines[0] == case.exercise
    assert _what_line(case, "en") in lines and test.what == _what_line(case, "en"), test.message
    for fact in case.facts:
        assert fact in test.message, f"{case.id}: {fact!r} not in\n{test.message}"
    _check_hint(case, test, "en")


# What quotes the student's code or an error Python raised is measured, never translated: the lines
# "called:", "raised:" and "at:" (调用 / 抛出 / 位置), and an error's type and text to the line's end.
QUOTED_LINE = re.compile(r"^(调用|抛出|位置)：")
QUOTED_ERROR = re.compile(r"\b[A-Za-z]*(Error|Warning)\b.*$")


def _chinese(case: Mistake, graded) -> None:
    test = graded(case, "zh_CN")
    lines = test.message.splitlines()
    assert _what_line(case, "zh_CN") in lines and test.what == _what_line(case, "zh_CN"), test.message
    _check_hint(case, test, "zh_CN")
    assert i18n.english_sentences(_kit_text(test.message)) == [], test.message


def _kit_text(message: str) -> str:
    """The message without its first line (the exercise id) and what it quotes."""
    lines = message.splitlines()[1:]
    return "\n".join(QUOTED_ERROR.sub("", line) for line in lines if not QUOTED_LINE.match(line))


@pytest.mark.parametrize("case", _params(MISTAKES))
def test_the_message_of_a_mistake_has_its_what_line_facts_and_hint(case, graded):
    _english(case, graded)


@pytest.mark.parametrize("case", _params(MISTAKES))
def test_the_message_of_a_mistake_reads_in_chinese(case, graded):
    _chinese(case, graded)


@pytest.mark.parametrize("case", _params(KERAS_MISTAKES, slow=True))
def test_the_message_of_a_keras_mistake_has_its_what_line_facts_and_hint(case, graded):
    _english(case, graded)


@pytest.mark.parametrize("case", _params(KERAS_MISTAKES, slow=True))
def test_the_message_of_a_keras_mistake_reads_in_chinese(case, graded):
    _chinese(case, graded)


def test_the_corpus_covers_every_topic_with_realistic_mistakes():
    """At least 30 mistakes, every topic, Keras ones few; ids unique; each names a misconception of
    its own exercise or says why none fits."""
    cases = MISTAKES + KERAS_MISTAKES
    assert len(cases) >= 30
    assert {case.topic for case in cases} == set(catalogue.load().topic_ids)
    assert len(KERAS_MISTAKES) <= 6 and {c.topic for c in KERAS_MISTAKES} == KERAS_TOPICS
    assert not {c.topic for c in MISTAKES} & KERAS_TOPICS
    assert len({case.id for case in cases}) == len(cases)
    for case in cases:
        assert case.misconception is not None or case.why, case.id
        if case.misconception is not None:
            assert catalogue.load().misconception(case.misconception).exercise == case.exercise, case.id


def test_a_mistake_shown_another_misconceptions_hint_fails_the_check(graded):
    """The corpus check is not blind: the same message checked against another misconception of
    its exercise, or against none, fails."""
    case = next(c for c in MISTAKES if c.id == "normalize-whole-array")
    test = graded(case, "en")
    wrong = Mistake(case.id, case.exercise, case.source, case.what, misconception="normalize-divides-by-max")
    with pytest.raises(AssertionError):
        _check_hint(wrong, test, "en")
    unexplained = Mistake(case.id, case.exercise, case.source, case.what, why="pretend none fits")
    with pytest.raises(AssertionError):
        _check_hint(unexplained, test, "en")
    assert i18n.english_sentences(_kit_text(test.message))  # the Chinese check would see English
