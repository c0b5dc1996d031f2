"""The Boston "B" column notice: a warning for plain library users, a kit message (once, in the
user's language) on the board and in the ``keraskit`` commands."""

import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from keraskit import datasets, i18n

pytest_plugins = ["pytester"]
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def fresh_notice(monkeypatch):
    monkeypatch.setattr(datasets, "_ethics_warned", False)


def test_with_a_sink_the_notice_is_a_message_not_a_warning(fresh_notice, monkeypatch):
    monkeypatch.setenv("KERASKIT_LANG", "zh_CN")
    shown = []
    with warnings.catch_warnings(record=True) as caught, i18n.notices_to(shown.append):
        warnings.simplefilter("always")
        for _ in range(3):
            datasets.load_boston_housing()
    assert not [w for w in caught if issubclass(w.category, datasets.BostonHousingEthicsWarning)]
    assert shown == [i18n.t("datasets.ethics", "zh_CN")]
    assert '"B"' in shown[0] and "伦理" in shown[0]


def test_without_a_sink_library_users_still_get_the_warning_in_their_language(fresh_notice, monkeypatch):
    monkeypatch.setenv("KERASKIT_LANG", "zh_CN")
    assert not i18n.notice_sink_active()
    with pytest.warns(datasets.BostonHousingEthicsWarning, match="伦理"):
        datasets.load_boston_housing()


def test_the_innermost_sink_wins_and_sinks_are_removed():
    outer, inner = [], []
    with i18n.notices_to(outer.append):
        with i18n.notices_to(inner.append):
            assert i18n.notify("datasets.ethics")
        assert i18n.notify("datasets.ethics")
    assert len(inner) == 1 and len(outer) == 1
    assert not i18n.notice_sink_active() and not i18n.notify("datasets.ethics")


BOARD_TESTS = '''
import pytest
from keraskit.datasets import load_boston_housing

@pytest.mark.exercise("training.boston_experiment")
def test_loads_twice():
    load_boston_housing()
    load_boston_housing()

@pytest.mark.exercise("training.boston_experiment")
def test_loads_again():
    load_boston_housing()
'''


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_the_board_shows_the_notice_once_and_no_raw_warning(pytester, lang):
    pytester.makepyfile(test_boston=BOARD_TESTS)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("KERASKIT_LANG", lang)
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    out = result.stdout.str() + result.stderr.str()
    notice = i18n.t("datasets.ethics", lang)
    assert out.count(notice) == 1, out
    assert "BostonHousingEthicsWarning" not in out and "warnings summary" not in out
    assert out.index("boston_experiment") < out.index(notice), "the notice comes under the board"


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_plot_boston_shows_the_notice_once_as_a_kit_message(tmp_path, lang):
    env = {**os.environ, "KERASKIT_LANG": lang}
    result = subprocess.run([sys.executable, "-m", "keraskit.cli", "plot", "boston", "--instructor", "--epochs", "1",
                             "--out", str(tmp_path / "curves.png")], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "curves.png").stat().st_size > 0
    assert result.stderr.count(i18n.t("datasets.ethics", lang)) == 1, result.stderr
    assert "Warning" not in result.stderr, result.stderr
