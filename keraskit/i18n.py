"""Student-facing text in English and Simplified Chinese.

Every message lives in ``locales/<lang>.toml`` under the same key; code only names keys.
The language comes from ``KERASKIT_LANG``, else the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``).
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import sys
import tomllib
from pathlib import Path

LOCALES_DIR = Path(__file__).with_name("locales")
DEFAULT_LANG = "en"


def supported_languages() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in LOCALES_DIR.glob("*.toml")))


def current_language() -> str:
    for var in ("KERASKIT_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "").strip()
        if value:
            return normalize_language(value)
    return DEFAULT_LANG


def normalize_language(value: str) -> str:
    """'zh_CN.UTF-8', 'zh-cn', 'zh' -> 'zh_CN'; anything unknown -> 'en'."""
    base = value.split(".")[0].split("@")[0].replace("-", "_").lower()
    if base.startswith("zh"):
        return "zh_CN"
    return DEFAULT_LANG


@functools.cache
def messages(lang: str) -> dict[str, str]:
    with open(LOCALES_DIR / f"{lang}.toml", "rb") as fh:
        return _flatten(tomllib.load(fh))


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def t(key: str, lang: str | None = None, /, **values) -> str:
    """The message ``key`` in ``lang`` (default: the current language), formatted with ``values``."""
    lang = lang or current_language()
    text = messages(lang).get(key) or messages(DEFAULT_LANG)[key]
    return text.format(**values) if values else text


# --------------------------------------------------------------------------- one-time notices

# Who shows a one-time notice (the Boston "B" column notice) as the kit's own message: a stack
# of callables taking the text; the innermost wins. Library code falls back to a warning when
# nothing is installed, so a plain `import keraskit.datasets` user still sees a Python warning.
_notice_sinks: list = []


@contextlib.contextmanager
def notices_to(sink):
    """While active, ``notify`` hands notice texts to ``sink(text)`` (innermost ``notices_to`` wins)."""
    _notice_sinks.append(sink)
    try:
        yield sink
    finally:
        _notice_sinks.remove(sink)


@contextlib.contextmanager
def notices_shown_after(stream=None):
    """Collect the notices given during the block; print each on ``stream`` (stderr) at its end.

    Printing later, not at once, keeps a notice out of pytest's capture when tests run inside.
    """
    shown: list[str] = []
    try:
        with notices_to(shown.append):
            yield
    finally:
        for text in shown:
            print(text, file=stream or sys.stderr, flush=True)


def notice_sink_active() -> bool:
    return bool(_notice_sinks)


def notify(key: str, /, **values) -> bool:
    """Give the message ``key`` (current language) to the active sink; False when there is none."""
    if not _notice_sinks:
        return False
    _notice_sinks[-1](t(key, **values))
    return True


# --------------------------------------------------------------------------- English left in Chinese

# Spans that are code or values, not prose: `code`, 'quoted' and "quoted" text, an exception or
# warning with its own message (the student's words, e.g. "ValueError: x must be positive"),
# bracketed data such as ['accuracy', 'loss'], and a title in 《》 (《Keras in Action》).
_VALUE_SPANS = re.compile(
    r"`[^`]*`"
    r"|'[^'\n]*'|\"[^\"\n]*\""
    r"|\b[A-Z]\w*(?:Error|Exception|Warning)\b:[^\n]*"
    r"|\[[^\]\n]*\]|\{[^}\n]*\}"
    r"|《[^》\n]*》")
# Chinese characters and full-width punctuation end a phrase, as a space does ("实际为None").
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")
# A prose word: letters only, possibly followed by punctuation. Tokens with digits, dots,
# underscores, '=', '/', '(' are identifiers, paths, calls or numbers: code, not prose.
_PROSE_WORD = re.compile(r"[A-Za-z]+[,;:!?]?|[A-Za-z]+\.(?=\s|$)")
ENGLISH_RUN = 2  # two prose words in a row ("got None", "at epoch") are English; one is a name


def english_sentences(text: str, run: int = ENGLISH_RUN) -> list[str]:
    """The English phrases in ``text`` (a message meant to be Chinese), outside code and values.

    A phrase is ``run`` or more consecutive space-separated words made only of Latin letters,
    after code spans, quoted text, bracketed data and exception messages are taken out. Names
    such as ``Dense``, ``keras.Input(shape=(13,))`` or ``tensors.normalize`` never count, nor
    does a list of names ("tensors, encoding, losses") or a formula's symbols ("-Σ y ln p").
    """
    found = []
    for line in text.splitlines():
        words: list[str] = []
        for token in _CJK.sub(" \0 ", _VALUE_SPANS.sub(" \0 ", line)).split() + ["\0"]:
            if _PROSE_WORD.fullmatch(token):
                words.append(token)
                continue
            if (len(words) >= run and not _is_list_of_names(words) and not _is_formula(words)
                    and not _is_printed_values(words)):
                found.append(" ".join(words))
            words = []
    return found


def _is_list_of_names(words: list[str]) -> bool:
    """"tensors, encoding, losses": names listed with commas (a value), not a phrase."""
    return all(word.endswith(",") for word in words[:-1]) and not words[-1].endswith(",")


def _is_printed_values(words: list[str]) -> bool:
    """"True, False, True", "nan, nan, inf": a printed array or list of constants."""
    return all(word.rstrip(",;") in ("True", "False", "None", "nan", "inf") for word in words)


def _is_formula(words: list[str]) -> bool:
    """"y ln p", "x y z": one- and two-letter symbols of a formula, not a phrase."""
    return all(len(word.rstrip(",;:!?.")) <= 2 for word in words)
