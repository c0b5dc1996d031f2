"""Student-facing text in English and Simplified Chinese.

Every message lives in ``locales/<lang>.toml`` under the same key; code only names keys.
The language comes from ``KERASKIT_LANG``, else the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``).
"""

from __future__ import annotations

import functools
import os
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


def t(key: str, lang: str | None = None, **values) -> str:
    """The message ``key`` in ``lang`` (default: the current language), formatted with ``values``."""
    lang = lang or current_language()
    text = messages(lang).get(key) or messages(DEFAULT_LANG)[key]
    return text.format(**values) if values else text
