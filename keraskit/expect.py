"""Assertions for exercise tests, with failure messages a student can act on.

They compare by value and never trust the graded object: the type is checked exactly
(``type(x) is np.ndarray``) before anything else, so an object with a lying ``__eq__`` or an
ndarray subclass cannot pass, and no method of the graded object is ever called.
"""

from __future__ import annotations

import contextlib
import numbers
import re
import warnings

import numpy as np

from keraskit.i18n import t

__all__ = ["close", "equal", "scalar", "raises_value_error", "no_warnings", "ExpectationFailed"]

_SCALAR_TYPES = (int, float, np.integer, np.floating)


class ExpectationFailed(AssertionError):
    """A graded answer differs from the expected one; the message says how."""


def _fmt(value) -> str:
    if isinstance(value, np.ndarray):
        return np.array2string(value, threshold=24, edgeitems=3, precision=8, separator=", ")
    return repr(value)


def _type_name(value) -> str:
    cls = type(value)
    return cls.__name__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"


def _require_ndarray(got, expected: np.ndarray) -> np.ndarray:
    if type(got) is not np.ndarray:
        raise ExpectationFailed("\n".join([
            t("expect.type", expected="numpy.ndarray", got=_type_name(got)),
            t("expect.expected", value=_fmt(expected)),
        ]))
    if got.shape != expected.shape:
        raise ExpectationFailed("\n".join([
            t("expect.shape", expected=expected.shape, got=got.shape),
            t("expect.expected", value=_fmt(expected)),
            t("expect.got", value=_fmt(got)),
        ]))
    return got


def close(got, expected, *, rtol: float = 1e-7, atol: float = 1e-9, dtype=np.float64) -> None:
    """``got`` is an ndarray of ``expected``'s shape, of ``dtype`` (None: any), equal within tolerance.

    NaN matches NaN and infinities must match exactly.
    """
    expected = np.asarray(expected, dtype=np.float64 if dtype is None else dtype)
    got = _require_ndarray(got, expected)
    if dtype is not None and got.dtype != np.dtype(dtype):
        raise ExpectationFailed("\n".join([
            t("expect.dtype", expected=np.dtype(dtype).name, got=got.dtype.name),
            t("expect.expected", value=_fmt(expected)),
            t("expect.got", value=_fmt(got)),
        ]))
    if got.dtype.kind not in "biuf":
        raise ExpectationFailed(t("expect.dtype", expected="a numeric dtype", got=got.dtype.name))
    got_f = got.astype(np.float64)
    exp_f = expected.astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        ok = np.isclose(got_f, exp_f, rtol=rtol, atol=atol, equal_nan=True)
    if not ok.all():
        bad = np.argwhere(~ok)
        first = tuple(int(i) for i in bad[0])
        with np.errstate(invalid="ignore", over="ignore"):
            diff = np.abs(got_f - exp_f)
        finite = diff[np.isfinite(diff)]
        lines = [t("expect.values", count=len(bad), size=ok.size, index=first if first else "()")]
        lines += [t("expect.expected", value=_fmt(expected)), t("expect.got", value=_fmt(got))]
        if finite.size:
            lines.append(t("expect.max_error", error=float(finite.max()), rtol=rtol, atol=atol))
        raise ExpectationFailed("\n".join(lines))


def equal(got, expected) -> None:
    """Exact equality for ints, bools, strings, tuples, lists, dicts and integer arrays.

    Containers are compared element by element with the expected type at every level.
    """
    if isinstance(expected, np.ndarray):
        got_arr = _require_ndarray(got, expected)
        if got_arr.dtype.kind != expected.dtype.kind or not np.array_equal(got_arr, expected):
            raise ExpectationFailed("\n".join([
                t("expect.dtype", expected=expected.dtype.name, got=got_arr.dtype.name)
                if got_arr.dtype.kind != expected.dtype.kind else
                t("expect.values", count=int(np.sum(got_arr != expected)), size=expected.size,
                  index=tuple(int(i) for i in np.argwhere(got_arr != expected)[0])),
                t("expect.expected", value=_fmt(expected)),
                t("expect.got", value=_fmt(got_arr)),
            ]))
        return
    if not _plain_equal(got, expected):
        raise ExpectationFailed("\n".join([
            t("expect.expected", value=_fmt(expected)),
            t("expect.got", value=_fmt(got) if _is_plain(got) else f"<{_type_name(got)}>"),
        ]))


def _is_plain(value) -> bool:
    return type(value) in (int, float, bool, str, tuple, list, dict, type(None)) or isinstance(
        value, (np.integer, np.floating, np.bool_))


def _plain_equal(got, expected) -> bool:
    if isinstance(expected, bool):
        return type(got) in (bool, np.bool_) and bool(got) == expected
    if isinstance(expected, numbers.Integral):
        return (type(got) is int or isinstance(got, np.integer)) and int(got) == expected
    if isinstance(expected, str):
        return type(got) is str and got == expected
    if isinstance(expected, (tuple, list)):
        return type(got) is type(expected) and len(got) == len(expected) and all(
            _plain_equal(g, e) for g, e in zip(got, expected))
    if isinstance(expected, dict):
        return type(got) is dict and set(got) == set(expected) and all(
            _plain_equal(got[k], expected[k]) for k in expected)
    if isinstance(expected, float):
        return type(got) in (float, np.float64, np.float32) and float(got) == expected
    raise TypeError(f"expect.equal cannot compare against {type(expected).__name__}")


def scalar(got, expected: float, *, rtol: float = 1e-7, atol: float = 1e-9) -> None:
    """A Python or numpy real scalar (not an array, not a bool) close to ``expected``."""
    if not isinstance(got, _SCALAR_TYPES) or isinstance(got, (bool, np.bool_)) or type(got).__module__ not in (
            "builtins", "numpy"):
        raise ExpectationFailed("\n".join([
            t("expect.type", expected="a float", got=_type_name(got)),
            t("expect.expected", value=repr(expected)),
        ]))
    value = float(got)
    if not (np.isclose(value, expected, rtol=rtol, atol=atol, equal_nan=True)):
        raise ExpectationFailed("\n".join([
            t("expect.expected", value=repr(float(expected))),
            t("expect.got", value=repr(value)),
            t("expect.max_error", error=abs(value - expected), rtol=rtol, atol=atol),
        ]))


@contextlib.contextmanager
def raises_value_error(argument: str):
    """The block raises ValueError whose message names ``argument`` as a word (case-insensitive).

    "t must be >= 1" names ``t``; "at least 1" does not: single-letter names are common here.
    """
    try:
        yield
    except ValueError as exc:
        message = str(exc)
        if not re.search(rf"(?<![A-Za-z0-9_]){re.escape(argument)}(?![A-Za-z0-9_])", message, re.IGNORECASE):
            raise ExpectationFailed(t("expect.message_lacks", argument=argument, message=message)) from None
    except (NotImplementedError, ExpectationFailed):
        raise
    except Exception as exc:  # noqa: BLE001 - any other error is the wrong answer, reported plainly
        raise ExpectationFailed(t("expect.wrong_exception", argument=argument,
                                  error=f"{type(exc).__name__}: {exc}")) from None
    else:
        raise ExpectationFailed(t("expect.no_raise", argument=argument))


@contextlib.contextmanager
def no_warnings():
    """The block emits no warning at all (numpy overflow, divide by zero, ...)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    if caught:
        first = caught[0]
        raise ExpectationFailed(t("expect.warning_leaked", warning=f"{first.category.__name__}: {first.message}"))
