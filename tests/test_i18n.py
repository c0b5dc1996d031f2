"""Every student-facing message exists in every language, with the same placeholders."""

import ast
import re
import string
from collections import defaultdict
from pathlib import Path

import pytest

from keraskit import i18n

ROOT = Path(__file__).resolve().parents[1]
LANGS = i18n.supported_languages()


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_english_and_chinese_are_supported():
    assert set(LANGS) == {"en", "zh_CN"}


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_is_translated_with_the_same_placeholders(lang):
    english, other = i18n.messages("en"), i18n.messages(lang)
    assert set(other) == set(english), f"{lang}: missing {set(english) - set(other)}, extra {set(other) - set(english)}"
    for key, text in english.items():
        assert other[key].strip(), f"{lang}: {key} is empty"
        assert _fields(other[key]) == _fields(text), f"{lang}: {key} placeholders differ"


def _message_keys_used_in_code() -> set[str]:
    keys = set()
    for path in (ROOT / "keraskit").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "t" and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                keys.add(node.args[0].value)
    return keys


def test_every_message_key_used_in_code_exists():
    used = _message_keys_used_in_code()
    assert len(used) > 20
    assert not used - set(i18n.messages("en")), f"keys used but not defined: {used - set(i18n.messages('en'))}"


@pytest.mark.parametrize("value, expected", [("zh_CN.UTF-8", "zh_CN"), ("zh-cn", "zh_CN"), ("zh", "zh_CN"),
                                             ("en_US.UTF-8", "en"), ("C", "en"), ("fr_FR", "en")])
def test_language_from_locale_names(value, expected):
    assert i18n.normalize_language(value) == expected


def test_keraskit_lang_beats_the_locale(monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.setenv("KERASKIT_LANG", "zh_CN")
    assert i18n.current_language() == "zh_CN"
    assert "进度板" in i18n.t("board.title", target="x")


def test_every_stub_docstring_has_a_chinese_summary():
    for stub in sorted((ROOT / "exercises").glob("*.py")):
        tree = ast.parse(stub.read_text(encoding="utf-8"))
        for fn in (n for n in tree.body if isinstance(n, ast.FunctionDef)):
            doc = ast.get_docstring(fn) or ""
            assert re.search(r"中文：\S", doc), f"{stub.name}: {fn.name} lacks a one-line Chinese summary"


# --------------------------------------------------------------------------- English left in Chinese

@pytest.mark.parametrize("text", [
    "layer 2 (Dropout 'dropout'): seed should be 100, got None",
    "history['loss'] at epoch 1: expected 0.5, got 0.6",
    "result: expected the keys ['accuracy', 'loss'], got ['compile_metrics', 'loss']",
    "结果：expected the keys ['accuracy']，实际为 ['loss']",
    "下一步：make it pass，然后再次运行",
    "  boston_experiment   4 pt  done",
])
def test_the_scan_finds_english_phrases(text):
    assert i18n.english_sentences(text)


@pytest.mark.parametrize("text", [
    "第 2 层（Dropout 'dropout'）：seed 应为 100，实际为 None",
    "抛出：    ValueError: x must be a positive number",  # the student's own words are a value
    "当前练习：exercises/tensors.py 中的 normalize()",
    "模型还没有编译：请调用 model.compile(optimizer=..., loss=..., metrics=[...])",
    "卡住了？运行 `keraskit hint tensors.normalize`",
    "层：应为 3 层：Dense(13, activation='relu'), Dense(1)",
    "期望：    [[0.5, 1.0], [2.0, 3.0]]",
    "history 的键：应为 ['loss', 'val_loss']，实际为 ['loss']",
    "有警告泄漏出来：RuntimeWarning: overflow encountered in exp",
    "损失：应为 mean_squared_error 或 mse，实际为 mean_absolute_error",
    "提示：    对类别轴（最后一个轴）求 -Σ y ln p：目标是 one-hot 时就是真实类别概率的 -ln。",
    "  True, True, False, True,",  # the second line of a printed boolean array
])
def test_the_scan_leaves_code_and_values_alone(text):
    assert i18n.english_sentences(text) == []


def test_the_students_own_error_message_is_quoted_as_a_value():
    text = i18n.t("expect.message_lacks", "zh_CN", argument="axis",
                  message="axis 5 is out of bounds for array of dimension 4")
    assert "'axis 5 is out of bounds for array of dimension 4'" in text
    assert i18n.english_sentences(text) == []


def test_a_book_title_in_chinese_quotes_is_a_name():
    assert i18n.english_sentences("《Keras in Action》的练习") == []
    assert i18n.english_sentences("Keras in Action 的练习") == ["Keras in Action"]


def test_no_chinese_message_has_english_in_its_own_words():
    for key, text in i18n.messages("zh_CN").items():
        filled = text.format_map(defaultdict(lambda: 1))
        assert i18n.english_sentences(filled) == [], f"zh_CN {key}: {filled}"


def _chinese(monkeypatch, produce) -> str:
    """The ExpectationFailed message ``produce()`` raises, with the language set to Chinese."""
    from keraskit.expect import ExpectationFailed
    monkeypatch.setenv("KERASKIT_LANG", "zh_CN")
    with pytest.raises(ExpectationFailed) as failure:
        produce()
    return str(failure.value)


def _model_check_failures():
    """(name, a call that fails one check of keraskit.modelcheck), one per message it can give."""
    import keras

    from keraskit import modelcheck as mc

    def model(*layers, compile_args=None, inputs=(13,)):
        built = keras.Sequential([keras.Input(shape=inputs), *layers])
        if compile_args is not None:
            built.compile(**compile_args)
        return built

    dense = keras.layers.Dense
    book = {"optimizer": "Adam", "loss": {"mean_squared_error"}, "metrics": [{"mean_absolute_percentage_error"}]}
    adam_mse = {"optimizer": "adam", "loss": "mse"}

    class History:
        history = {"loss": [1.0]}

    return [
        ("not a model", lambda: mc.require_model(None)),
        ("not built", lambda: mc.check_input(keras.Sequential([dense(1)]), 13)),
        ("input shape", lambda: mc.check_input(model(dense(1), inputs=(4,)), 13)),
        ("extra layer", lambda: mc.check_layers(model(dense(1), keras.layers.Dropout(0.1, seed=1)), [mc.dense(1)])),
        ("missing layer", lambda: mc.check_layers(model(dense(1)), [mc.dense(1), mc.dense(1)])),
        ("wrong kind", lambda: mc.check_layers(model(keras.layers.Dropout(0.1)), [mc.dense(1)])),
        ("seed", lambda: mc.check_layers(model(keras.layers.Dropout(0.2)), [mc.dropout(0.2, 100)])),
        ("initializer", lambda: mc.check_layers(model(dense(1)),
                                                [mc.dense(1, kernel_initializer=mc.RANDOM_NORMAL_BOOK)])),
        ("parameters", lambda: mc.check_param_count(model(dense(1)), 15)),
        ("not compiled", lambda: mc.check_compiled(model(dense(1)), **book)),
        ("optimizer", lambda: mc.check_compiled(model(dense(1), compile_args={"optimizer": "sgd", "loss": "mse"}),
                                                **book)),
        ("loss", lambda: mc.check_compiled(model(dense(1), compile_args={"optimizer": "adam", "loss": "mae"}),
                                           optimizer="Adam", loss={"mean_squared_error", "mse"}, metrics=[])),
        ("from_logits", lambda: mc.check_compiled(
            model(dense(1), compile_args={"optimizer": "adam",
                                          "loss": keras.losses.BinaryCrossentropy(from_logits=True)}),
            optimizer="Adam", loss={"binary_crossentropy"}, metrics=[])),
        ("metrics", lambda: mc.check_compiled(model(dense(1), compile_args=adam_mse), **book)),
        ("extra metric", lambda: mc.check_compiled(
            model(dense(1), compile_args={**adam_mse, "metrics": ["mape", "mae"]}), **book)),
        ("dict expected", lambda: mc.check_named_values([0.5], {"loss": 0.5})),
        ("keys", lambda: mc.check_named_values({"compile_metrics": 1.0, "loss": 0.5}, {"accuracy": 1.0, "loss": 0.5})),
        ("float", lambda: mc.check_named_values({"loss": "0.5"}, {"loss": 0.5})),
        ("value", lambda: mc.check_named_values({"loss": 0.6}, {"loss": 0.5})),
        ("History object", lambda: mc.check_history(History(), {"loss": [1.0]})),
        ("history keys", lambda: mc.check_history({"loss": [1.0]}, {"loss": [1.0], "val_loss": [1.0]})),
        ("history list", lambda: mc.check_history({"loss": (1.0,)}, {"loss": [1.0]})),
        ("history epochs", lambda: mc.check_history({"loss": [1.0]}, {"loss": [1.0, 0.5]})),
        ("history value", lambda: mc.check_history({"loss": [1.0, 0.6]}, {"loss": [1.0, 0.5]})),
        ("progress", lambda: mc.check_no_progress_output("Epoch 1/3\n1/1 ━━━━ 0s 3ms/step - loss: 0.5\n")),
    ]


def test_every_model_and_history_check_speaks_chinese(monkeypatch):
    failures = _model_check_failures()
    assert len(failures) >= 25
    for name, produce in failures:
        message = _chinese(monkeypatch, produce)
        assert re.search(r"[\u4e00-\u9fff]", message), f"{name}: no Chinese in {message!r}"
        assert i18n.english_sentences(message) == [], f"{name}: English left in {message!r}"


def test_the_chinese_board_has_no_english(monkeypatch):
    from keraskit import board, catalogue, outcome
    cat = catalogue.load()
    outcomes = {}
    for exercise, result in zip(cat.exercises, [outcome.TEST_PASSED, outcome.TEST_FAILED, outcome.TEST_NOT_STARTED]):
        outcomes[exercise.id] = [result]
    text = board.render(board.summarize(outcomes, cat), target="exercises", path_of=lambda t: f"exercises/{t}.py",
                        lang="zh_CN")
    assert " pt " not in text and "下一道练习" in text
    assert i18n.english_sentences(text) == []


def test_a_crash_in_student_code_reads_in_chinese(tmp_path, monkeypatch):
    """The failure text of a function that raises: called / raised / where / hint, no English of the kit's own."""
    from keraskit import runner
    for module in (ROOT / "solutions").glob("*.py"):
        (tmp_path / module.name).write_text(module.read_text(encoding="utf-8"), encoding="utf-8")
    stub = tmp_path / "tensors.py"
    source = stub.read_text(encoding="utf-8")
    body = source.index('"""', source.index('"""', source.index("def normalize(")) + 3) + 3
    stub.write_text(source[:body] + "\n    total = undefined_name + 1" + source[body:], encoding="utf-8")
    monkeypatch.setenv("KERASKIT_LANG", "zh_CN")
    result = runner.run([ROOT / "exercises" / "tests" / "test_tensors.py"], target=tmp_path,
                        exercises=["tensors.normalize"], rootdir=ROOT)
    messages = [test.message for test in result.failed_tests()]
    assert messages and any("位置：" in m and "`total = undefined_name + 1`" in m for m in messages)
    for message in messages:
        assert i18n.english_sentences(message) == [], message
