"""Every student-facing message exists in every language, with the same placeholders."""

import ast
import re
import string
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
