"""Exercise ids in ``@pytest.mark.exercise(...)`` are checked when the tests are collected."""

import pytest

pytest_plugins = ["pytester"]

TEST_FILE = '''
import pytest

@pytest.mark.exercise({marker_args})
def test_graded():
    assert {outcome}
'''


def _run(pytester, marker_args: str, outcome: str = "True", lang: str = "en"):
    pytester.makepyfile(test_markers=TEST_FILE.format(marker_args=marker_args, outcome=outcome))
    with pytest.MonkeyPatch.context() as env:
        env.setenv("KERASKIT_LANG", lang)
        return pytester.runpytest_subprocess("-p", "no:cacheprovider")


@pytest.mark.parametrize("outcome", ["True", "False"], ids=["passing", "failing"])
def test_a_typo_in_the_id_is_a_usage_error_naming_file_test_and_id(pytester, outcome):
    result = _run(pytester, '"tensors.normalise"', outcome)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    error = result.stderr.str()
    assert "test_markers.py" in error and "test_graded" in error and "'tensors.normalise'" in error
    assert "tensors.normalize" in error, "the close catalogue id is suggested"
    assert "KeyError" not in error + result.stdout.str()
    assert "passed" not in result.stdout.str() and "failed" not in result.stdout.str(), "nothing runs"


def test_a_marker_without_an_id_is_a_usage_error(pytester):
    result = _run(pytester, "")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "test_graded" in result.stderr.str() and "None" in result.stderr.str()


def test_the_usage_error_is_in_chinese_too(pytester):
    result = _run(pytester, '"nope.nothing"', lang="zh_CN")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "测试 test_graded" in result.stderr.str() and "'nope.nothing'" in result.stderr.str()


def test_a_known_id_is_collected_and_runs(pytester):
    result = _run(pytester, '"tensors.normalize"')
    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(passed=1)
