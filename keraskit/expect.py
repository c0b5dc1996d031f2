"""Assertions for exercise tests, with failure messages a student can act on.

One comparison policy for every visible and hidden test (``docs/authoring.md``):

- an array result may be anything numpy turns into a real numeric array of the right shape:
  numpy arrays of any int/float dtype, (nested) lists and tuples of numbers, Keras/TensorFlow
  tensors and variables;
- a scalar result may be a Python or numpy number, or a 0-d array or tensor;
- floats are compared with a tolerance that float32 arithmetic meets (``FLOAT32_RTOL``, with an
  absolute floor that follows the size of the expected values); a test may loosen it, never
  tighten it, unless the exercise's docstring says it is about float64 precision
  (``float64=True``).

The graded object is never trusted: before any comparison it is converted to a plain base
``np.ndarray`` by :func:`as_array`, which walks lists and tuples itself, accepts only exact
built-in/numpy number types and ndarrays of exactly ``np.ndarray`` (no subclass), and reads a
tensor only when its type is exactly one of TensorFlow's or Keras's own classes. So a lying
``__eq__``, an ndarray subclass, or an object whose ``__array__``/``__float__`` misbehaves earns
nothing: none of their methods is ever called.
"""

from __future__ import annotations

import contextlib
import functools
import numbers
import re
import sys
import warnings

import numpy as np

from keraskit.i18n import t

__all__ = ["close", "equal", "scalar", "shape_of", "length", "as_array", "as_scalar", "raises_value_error",
           "value_or_value_error", "no_warnings", "ExpectationFailed", "that", "summarize", "KINDS", "WHATS",
           "FLOAT32_RTOL", "FLOAT32_ATOL", "misconception", "UnknownMisconception"]

# Float32 has a 6e-8 unit roundoff; a few operations (log, exp, a mean over a row) stay within 1e-5.
FLOAT32_RTOL = 1e-5
# Absolute floor: tiny values (a clipped 1e-7, an exp(-20)) and cancellation relative to the
# largest expected value, which float32 computes with an error of about its roundoff.
FLOAT32_ATOL = 1e-6
FLOAT32_SCALE_ATOL = 1e-6
# Defaults of a test that declares float64 precision (the docstring says so).
FLOAT64_RTOL, FLOAT64_ATOL = 1e-9, 1e-12

# Exact types a number may have: no subclass (a subclass may override __float__ or __eq__).
_NUMBER_TYPES = frozenset({int, float, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
                           np.uint64, np.float16, np.float32, np.float64, np.longdouble})
_NUMERIC_KINDS = "iuf"


# The kinds of failure a student is taught about, each with its own text (locale key
# ``kind.<name>``); a catalogue hint may name the kinds it is for.
TYPE, DTYPE, SHAPE, NONFINITE, VALUES = "type", "dtype", "shape", "nonfinite", "values"
NO_RAISE, WRONG_ERROR, WARNING = "no_raise", "wrong_error", "warning"
STRUCTURE, HISTORY = "structure", "history"
KINDS = (TYPE, DTYPE, SHAPE, NONFINITE, VALUES, NO_RAISE, WRONG_ERROR, WARNING, STRUCTURE, HISTORY)

# The what-line of a failure, when the kind's own text (``kind.<name>``) would say more than was
# measured: locale key ``what.<name>``, chosen by the comparison that failed. The kind still picks
# the hint; the what-line only states what this comparison found.
W_NONE, W_LENGTH, W_SHAPE, W_SCALAR, W_ITEMS, W_KEYS, W_CHECK = (
    "none", "length", "shape", "scalar", "items", "keys", "check")
W_NOT_A_MODEL, W_NAMED_VALUES, W_PROGRESS = "not_a_model", "named_values", "progress"
W_HISTORY_TYPE, W_HISTORY_KEYS, W_HISTORY_EPOCHS, W_HISTORY_VALUES = (
    "history_type", "history_keys", "history_epochs", "history_values")
WHATS = (W_NONE, W_LENGTH, W_SHAPE, W_SCALAR, W_ITEMS, W_KEYS, W_CHECK, W_NOT_A_MODEL, W_NAMED_VALUES, W_PROGRESS,
         W_HISTORY_TYPE, W_HISTORY_KEYS, W_HISTORY_EPOCHS, W_HISTORY_VALUES)

# An error that is no answer of the graded code (a module or function that is missing, a file that
# does not import, a call the isolated grader stopped): a check that wants a ValueError lets it
# through, so that the failure names it for what it is. Marked by this attribute, on the error's
# class or on the error itself.
NOT_AN_ANSWER = "keraskit_not_an_answer"


def is_not_an_answer(error: BaseException) -> bool:
    return getattr(error, NOT_AN_ANSWER, False) is True


def mark_not_an_answer(error: BaseException) -> None:
    with contextlib.suppress(Exception):  # an exception type without a __dict__ stays unmarked
        setattr(error, NOT_AN_ANSWER, True)


# No line of a message is longer than this: a long value is summarized, never dumped.
LINE_LIMIT = 300


class ExpectationFailed(AssertionError):
    """A graded answer differs from the expected one; the message says how.

    ``kind`` is one of ``KINDS``; ``where`` points into a composite result ("result[1][1]")
    and is shown on a line of its own before the detail. ``what`` (one of ``WHATS``, or None for
    the kind's own text) names the what-line shown above it. ``misconception`` is the catalogue id
    of the mistake the failing check detects (its hint is shown), or None.
    """

    def __init__(self, detail: str, kind: str = VALUES, where: str | None = None, what: str | None = None,
                 misconception: str | None = None):
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
        if what is not None and what not in WHATS:
            raise ValueError(f"what must be one of {', '.join(WHATS)} or None, got {what!r}")
        self.detail, self.kind, self.where, self.what = detail, kind, where, what
        self.misconception = misconception
        super().__init__(detail if where is None else f"{t('expect.where', where=where)}\n{detail}")

    def what_key(self) -> str:
        """The locale key of this failure's what-line."""
        return f"what.{self.what}" if self.what is not None else f"kind.{self.kind}"

    def __reduce__(self):  # kind, where, what and the misconception survive a trip to another process
        return ExpectationFailed, (self.detail, self.kind, self.where, self.what, self.misconception)


# ------------------------------------------------------------ naming the misconception a check detects

class UnknownMisconception(LookupError):
    """A test names a misconception the catalogue does not hold: a typo in the test, not the student's."""


def _known_misconception(misconception_id: str) -> str:
    from keraskit import catalogue

    try:
        catalogue.load().misconception(misconception_id)
    except KeyError as exc:
        raise UnknownMisconception(exc.args[0]) from None
    return misconception_id


@contextlib.contextmanager
def misconception(misconception_id, *, raised: tuple[type[BaseException], ...] = ()):
    """A check in this block that fails detects the catalogue's misconception ``misconception_id``:
    the failure shows its hint. A check inside that names its own misconception keeps it. An error
    raised by the graded code is no check and stays unexplained, unless it is of a type in
    ``raised``: for an input where that error can only come from this mistake (numpy's IndexError
    from a matrix with too few columns).

    ``misconception_id`` may also be a function without arguments, called only when a check
    fails: a diagnosis that looks at the answer (its layers, a second run) and returns the id of
    the mistake it shows, or None when it cannot tell."""
    if not callable(misconception_id):
        _known_misconception(misconception_id)
    raised = raised if isinstance(raised, tuple) else (raised,)
    try:
        yield
    except (AssertionError, *raised) as failure:
        if getattr(failure, "misconception", None) is None:
            named = _diagnosis(misconception_id) if callable(misconception_id) else misconception_id
            with contextlib.suppress(AttributeError):  # a built-in error may refuse new attributes
                failure.misconception = named and _known_misconception(named)
        raise


def _diagnosis(diagnose) -> str | None:
    """The id a diagnosis returns; one that fails itself (the answer crashing on its second run)
    cannot tell, and must not replace the failure the student is shown."""
    try:
        return diagnose()
    except Exception:  # noqa: BLE001 - any error of a diagnosis means: no misconception named
        return None


def _naming(check):
    """Gives a check the keyword ``misconception=`` (any failure of it is that mistake)."""
    @functools.wraps(check)
    def named(*args, misconception: str | None = None, **kwargs):
        if misconception is None:
            return check(*args, **kwargs)
        with _tagged(misconception):
            return check(*args, **kwargs)
    return named


def _diagnosing(compare):
    """Gives a comparison ``compare(got, expected, ...)`` the keywords ``misconception=`` and
    ``wrong_answers={id: value}``: when ``got`` fails against ``expected`` but passes the same
    comparison against the value a misconception gives for this input, the failure names that one.
    The result shows which mistake was made, so several mistakes one check catches each get
    their own hint; a result that matches none stays unexplained. ``wrong_answers`` may also be
    a list of ``(id, value)`` pairs, for a misconception that more than one wrong value shows."""
    named = _naming(compare)

    @functools.wraps(compare)
    def diagnosed(got, expected, *args, misconception: str | None = None, wrong_answers=None, **kwargs):
        pairs = list(wrong_answers.items() if isinstance(wrong_answers, dict) else wrong_answers or ())
        for candidate, _ in pairs:
            _known_misconception(candidate)
        try:
            return named(got, expected, *args, misconception=misconception, **kwargs)
        except ExpectationFailed as failure:
            if failure.misconception is None:
                failure.misconception = _matching(compare, got, pairs, args, kwargs)
            raise
    return diagnosed


def _matching(compare, got, pairs: list, args, kwargs) -> str | None:
    """The misconception whose wrong answer ``got`` equals (by the same comparison, or as an
    identical plain ndarray: a boolean array the comparison refuses is still that answer), or None.
    A result that two different mistakes both give names neither: the input cannot tell them apart."""
    matched = set()
    for candidate, value in pairs:
        if type(got) is np.ndarray and type(value) is np.ndarray and got.dtype == value.dtype \
                and np.array_equal(got, value):
            matched.add(candidate)
            continue
        try:
            compare(got, value, *args, **kwargs)
        except Exception:  # noqa: BLE001 - a wrong answer the comparison cannot take is not the one given
            continue
        matched.add(candidate)
    return matched.pop() if len(matched) == 1 else None


def _naming_block(check):
    """``_naming`` for a check that is a context manager: the whole ``with`` block is the check."""
    @functools.wraps(check)
    @contextlib.contextmanager
    def named(*args, misconception: str | None = None, **kwargs):
        if misconception is None:
            with check(*args, **kwargs):
                yield
            return
        with _tagged(misconception), check(*args, **kwargs):
            yield
    return named


_tagged = misconception  # the keyword ``misconception=`` shadows the function's name inside checks


@_naming
def that(condition, key: str, /, kind: str = VALUES, where: str | None = None, **values) -> None:
    """A test's own check: passes when ``condition`` holds, else fails with the locale message ``key``.

    Tests never write their failure text inline: it would stay English in every language. A
    check of kind VALUES compared no array, so its what-line says only that a check failed.
    """
    if not condition:
        raise ExpectationFailed(t(key, **values), kind, where, W_CHECK if kind == VALUES else None)


def summarize(value, limit: int = LINE_LIMIT) -> str:
    """``value`` as one or more lines of at most ``limit`` characters.

    A short value is printed in full; a long array or list as its shape, dtype and its first
    and last items, so a student still sees what it looks like.
    """
    if isinstance(value, np.ndarray):
        text = np.array2string(value, threshold=24, edgeitems=3, precision=8, separator=", ")
        if max(map(len, text.splitlines()), default=0) <= limit and len(text.splitlines()) <= 12:
            return text
        flat = value.reshape(-1)
        head = ", ".join(_item(v) for v in flat[:3])
        tail = ", ".join(_item(v) for v in flat[-3:])
        return _clip(f"array(shape={value.shape}, dtype={value.dtype.name}, first=[{head}], last=[{tail}])", limit)
    text = repr(value)
    if len(text) <= limit:
        return text
    if isinstance(value, (list, tuple)):
        with contextlib.suppress(Exception):
            return summarize(np.array(value, dtype=float), limit)
    return _clip(text, limit)


def _item(value) -> str:
    return np.array2string(np.asarray(value), precision=8)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 5] + " ...]"


def _fmt(value) -> str:
    return summarize(value)


def _type_name(value) -> str:
    cls = type(value)
    return cls.__name__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"


def _tensor_types() -> tuple[type, ...]:
    """TensorFlow's and Keras's own tensor and variable classes, if a graded module loaded them.

    Never imports TensorFlow itself: a result can only be a tensor if the graded code did.
    """
    types: list[type] = []
    tf = sys.modules.get("tensorflow")
    if tf is not None:
        with contextlib.suppress(Exception):
            from tensorflow.python.framework import ops
            types.append(ops.EagerTensor)
        with contextlib.suppress(Exception):
            from tensorflow.python.ops import resource_variable_ops
            types += [resource_variable_ops.ResourceVariable, resource_variable_ops.UninitializedVariable]
    if "keras" in sys.modules:
        with contextlib.suppress(Exception):
            import keras
            types.append(keras.Variable)  # the active backend's class
        with contextlib.suppress(Exception):
            from keras.src.backend.tensorflow.core import Variable as TFKerasVariable
            types.append(TFKerasVariable)
    return tuple(types)


class _NotNumeric(Exception):
    """The graded value is not a real numeric array; ``.found`` says what was found."""

    def __init__(self, type_name: str, dtype: str | None = None):
        super().__init__(type_name)
        self.type_name, self.dtype = type_name, dtype

    @property
    def found(self) -> str:
        return self.type_name if self.dtype is None else t("expect.of_dtype", type=self.type_name, dtype=self.dtype)


def _tensor_to_numpy(value) -> np.ndarray:
    # Only reached for exact TensorFlow/Keras classes, whose methods are the libraries' own.
    import keras

    with warnings.catch_warnings():  # Keras's own conversion may warn about numpy 2's copy keyword
        warnings.simplefilter("ignore")
        return np.array(keras.ops.convert_to_numpy(value))


def _plain(value, tensor_types: tuple[type, ...], depth: int = 0):
    """``value`` with every leaf replaced by a plain number or base ndarray; raises _NotNumeric."""
    kind = type(value)
    if kind is np.ndarray:
        if value.dtype.kind not in _NUMERIC_KINDS:
            raise _NotNumeric("numpy.ndarray", value.dtype.name)
        return value
    if kind in _NUMBER_TYPES:
        return value
    if kind in tensor_types:
        array = _tensor_to_numpy(value)
        if type(array) is not np.ndarray or array.dtype.kind not in _NUMERIC_KINDS:
            raise _NotNumeric(_type_name(value), str(getattr(array, "dtype", "?")))
        return array
    if kind in (list, tuple) and depth < 32:
        return [_plain(item, tensor_types, depth + 1) for item in value]
    raise _NotNumeric(_type_name(value))


def as_array(got, *, where: str | None = None) -> np.ndarray:
    """``got`` as a fresh plain real numeric ndarray, or ExpectationFailed saying what it was.

    Accepts numpy arrays (exact type) of int or float dtype, Python and numpy numbers (not
    bool), lists and tuples of these (nested, not ragged), TensorFlow/Keras tensors and variables.
    """
    if got is None:
        raise _none_returned(where)
    tensor_types = _tensor_types()
    try:
        plain = _plain(got, tensor_types)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            array = np.array(plain)
    except _NotNumeric as exc:
        kind = DTYPE if exc.dtype is not None else TYPE
        raise ExpectationFailed(t("expect.type", expected=t("expect.a_numeric_array"), got=exc.found),
                                kind, where) from None
    except (ValueError, TypeError, Warning):
        raise ExpectationFailed(t("expect.type", expected=t("expect.a_rectangular_array"),
                                  got=_type_name(got)), TYPE, where) from None
    if type(array) is not np.ndarray or array.dtype.kind not in _NUMERIC_KINDS:
        raise ExpectationFailed(t("expect.dtype", expected=t("expect.a_numeric_dtype"), got=array.dtype.name),
                                DTYPE, where)
    return array


def _none_returned(where: str | None) -> ExpectationFailed:
    """The failure of a result (or part) that is None: most often a missing ``return``."""
    return ExpectationFailed(t("expect.type", expected=t("expect.a_value"), got="None"), TYPE, where, W_NONE)


def _require_shape(got: np.ndarray, expected: np.ndarray, where: str | None = None) -> np.ndarray:
    """``got`` with ``expected``'s shape, or ExpectationFailed.

    An empty list is accepted for any empty array: ``x[5:]`` of a list is ``[]``, which cannot
    carry the other axes of nothing.
    """
    if expected.size == 0 and got.shape == (0,):
        return got.reshape(expected.shape)
    if got.shape != expected.shape:
        raise ExpectationFailed("\n".join([
            t("expect.shape", expected=expected.shape, got=got.shape),
            t("expect.expected", value=_fmt(expected)),
            t("expect.got", value=_fmt(got)),
        ]), SHAPE, where)
    return got


def tolerance(expected: np.ndarray, rtol: float | None, atol: float | None, float64: bool) -> tuple[float, float]:
    """The (rtol, atol) a comparison uses: the test's, never tighter than float32 unless ``float64``."""
    if float64:
        return (FLOAT64_RTOL if rtol is None else rtol), (FLOAT64_ATOL if atol is None else atol)
    finite = np.abs(expected[np.isfinite(expected)])
    scale = float(finite.max()) if finite.size else 0.0
    return max(rtol or 0.0, FLOAT32_RTOL), max(atol or 0.0, FLOAT32_ATOL, FLOAT32_SCALE_ATOL * scale)


def _compare(got_f: np.ndarray, expected: np.ndarray, rtol, atol, float64: bool, shown, where=None) -> None:
    rtol, atol = tolerance(expected, rtol, atol, float64)
    with np.errstate(invalid="ignore", over="ignore"):
        ok = np.isclose(got_f, expected, rtol=rtol, atol=atol, equal_nan=True)
    # Infinities must match exactly, and NaN only NaN (isclose already does both).
    if ok.all():
        return
    if expected.ndim == 0:
        _scalar_differs(got_f, expected, rtol, atol, shown, where)
    bad = np.argwhere(~ok)
    first = tuple(int(i) for i in bad[0])
    # A NaN or infinity where a number was expected is its own failure: a difference cannot show it.
    nonfinite = ~ok & ~np.isfinite(got_f) & np.isfinite(expected)
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.abs(got_f - expected)
    finite = diff[np.isfinite(diff)]
    lines = []
    if nonfinite.any():
        at = tuple(int(i) for i in np.argwhere(nonfinite)[0])
        lines.append(t("expect.nonfinite", count=int(nonfinite.sum()), size=ok.size, index=at if at else "()",
                       value=_item(got_f[at])))
    lines.append(t("expect.values", count=len(bad), size=ok.size, index=first if first else "()"))
    if expected.size > 1:
        lines.append(t("expect.first_difference", index=first, expected=_item(expected[first]),
                       got=_item(got_f[first])))
    lines += [t("expect.expected", value=_fmt(expected)), t("expect.got", value=_fmt(shown))]
    if finite.size and not nonfinite.any():
        lines.append(t("expect.max_error", error=float(finite.max()), rtol=rtol, atol=atol))
    raise ExpectationFailed("\n".join(lines), NONFINITE if nonfinite.any() else VALUES, where)


def _scalar_differs(got_f: np.ndarray, expected: np.ndarray, rtol, atol, shown, where) -> None:
    """One number against one number: the values and their difference; a scalar has no positions."""
    lines = [t("expect.expected", value=_fmt(expected)), t("expect.got", value=_fmt(shown))]
    if not np.isfinite(got_f) and np.isfinite(expected):
        raise ExpectationFailed("\n".join([t("expect.nonfinite_scalar", value=_item(got_f)), *lines]),
                                NONFINITE, where)
    with np.errstate(invalid="ignore", over="ignore"):
        error = float(np.abs(got_f - expected))
    if np.isfinite(error):
        lines.append(t("expect.scalar_error", error=error, rtol=rtol, atol=atol))
    raise ExpectationFailed("\n".join(lines), VALUES, where, W_SCALAR)


@_diagnosing
def close(got, expected, *, rtol: float | None = None, atol: float | None = None, float64: bool = False,
          where: str | None = None) -> None:
    """``got`` is a numeric array (see :func:`as_array`) of ``expected``'s shape, equal within tolerance.

    Any int or float dtype is accepted. NaN matches NaN and infinities must match exactly.
    ``where`` names the part of a composite result being compared ("result[1][1]").
    """
    expected = np.array(expected, dtype=np.float64)
    got_arr = _require_shape(as_array(got, where=where), expected, where)
    _compare(got_arr.astype(np.float64), expected, rtol, atol, float64, got_arr, where)


@_diagnosing
def equal(got, expected, *, where: str | None = None) -> None:
    """Exact equality for ints, bools, strings, tuples, lists, dicts and integer arrays.

    Containers are compared element by element with the expected type at every level. An
    expected integer array accepts any array-like of integers (any int dtype, lists, tensors).
    The message names the first differing place from ``where`` ("len(result[1])", "result[0][1]");
    without ``where`` the value is taken to be the function's result itself, so a test comparing a
    part or a value derived from it (``sorted(result)``) passes ``where``.
    """
    if isinstance(expected, np.ndarray):
        got_arr = _require_shape(as_array(got, where=where), expected, where)
        same_kind = (got_arr.dtype.kind in "iu" if expected.dtype.kind in "iu"
                     else got_arr.dtype.kind == expected.dtype.kind) or got_arr.size == 0
        if same_kind and expected.ndim == 0 and not np.array_equal(got_arr, expected):
            raise ExpectationFailed("\n".join([t("expect.expected", value=_fmt(expected)),
                                               t("expect.got", value=_fmt(got_arr))]), VALUES, where, W_SCALAR)
        if not same_kind or not np.array_equal(got_arr, expected):
            raise ExpectationFailed("\n".join([
                t("expect.dtype", expected=expected.dtype.name, got=got_arr.dtype.name)
                if not same_kind else
                t("expect.values", count=int(np.sum(got_arr != expected)), size=expected.size,
                  index=tuple(int(i) for i in np.argwhere(got_arr != expected)[0])),
                t("expect.expected", value=_fmt(expected)),
                t("expect.got", value=_fmt(got_arr)),
            ]), VALUES if same_kind else DTYPE, where)
        return
    if not _plain_equal(got, expected):
        what, first = _first_plain_difference(got, expected, where or "result")
        raise ExpectationFailed("\n".join([
            *first,
            t("expect.expected", value=_fmt(expected)),
            t("expect.got", value=_fmt(got) if _is_plain(got) else f"<{_type_name(got)}>"),
        ]), _plain_kind(got, expected), where, what)


def _first_plain_difference(got, expected, path: str) -> tuple[str | None, list[str]]:
    """(what, lines) of the first place where ``got`` differs from ``expected`` (walked together).

    The what is measured at that place: None returned, a wrong length, other keys, one wrong
    number, a wrong item of a container, or (None) a value of the wrong type, the kind's text.
    """
    if got is None:
        return W_NONE, []
    if isinstance(expected, (list, tuple)) and type(got) is type(expected):
        if len(got) != len(expected):
            return W_LENGTH, [t("expect.length", where=f"len({path})", expected=len(expected), got=len(got))]
        for index, (g, e) in enumerate(zip(got, expected)):
            if not _plain_equal(g, e):
                return _item_difference(g, e, f"{path}[{index}]")
        return None, []
    if isinstance(expected, dict) and type(got) is dict:
        if set(got) != set(expected):
            return W_KEYS, [t("expect.keys", where=path, expected=sorted(expected, key=repr),
                              got=sorted(got, key=repr))]
        for key in expected:
            if not _plain_equal(got[key], expected[key]):
                return _item_difference(got[key], expected[key], f"{path}[{key!r}]")
        return None, []
    if _plain_kind(got, expected) == TYPE:
        return None, []
    return W_SCALAR, []


def _item_difference(got, expected, path: str) -> tuple[str | None, list[str]]:
    """The difference inside a container: nested ones are walked; a leaf is shown by its path."""
    if got is not None and isinstance(expected, (list, tuple, dict)) and type(got) is type(expected):
        return _first_plain_difference(got, expected, path)
    line = t("expect.item_differs", where=path, expected=_clip(_fmt(expected), 120),
             got=_clip(_fmt(got) if _is_plain(got) else f"<{_type_name(got)}>", 120))
    return (W_ITEMS if _plain_kind(got, expected) != TYPE else None), [line]


@_diagnosing
def shape_of(got, expected: tuple, *, where: str | None = None, kind: str = SHAPE) -> None:
    """``got`` is a numeric array (see :func:`as_array`) of shape ``expected``; its values are free.

    ``kind`` picks the hint: a model's output of the wrong shape is a STRUCTURE failure."""
    array = as_array(got, where=where)
    if array.shape != tuple(expected):
        raise ExpectationFailed(t("expect.shape", expected=tuple(expected), got=array.shape), kind, where, W_SHAPE)


@_diagnosing
def length(got, expected: int, *, where: str | None = None, kind: str = VALUES) -> None:
    """``got`` is a list, tuple or array of ``expected`` items (``len(got) == expected``).

    The message says ``len(result)`` (or of the part ``where`` names): a count by itself would not
    say what was counted."""
    path = where or "result"
    if got is None:
        raise _none_returned(where)
    if type(got) not in (list, tuple, np.ndarray) or (type(got) is np.ndarray and got.ndim == 0):
        raise ExpectationFailed(t("expect.type", expected=t("expect.a_sequence"), got=_type_name(got)), TYPE, where)
    if len(got) != expected:
        raise ExpectationFailed(t("expect.length", where=f"len({path})", expected=expected, got=len(got)),
                                kind, where, W_LENGTH)


def _plain_kind(got, expected) -> str:
    """TYPE when ``got`` or a part of it is not of the expected type (a list where a tuple was
    expected, a numpy integer where a Python int was), else VALUES."""
    if isinstance(expected, bool) or isinstance(expected, (str, list, tuple, dict)):
        if type(got) is not type(expected) and not (isinstance(expected, bool) and type(got) is np.bool_):
            return TYPE
    elif isinstance(expected, numbers.Number) and type(got) not in _NUMBER_TYPES:
        return TYPE
    if isinstance(expected, (list, tuple)) and len(got) == len(expected):
        kinds = [_plain_kind(g, e) for g, e in zip(got, expected)]
        return TYPE if TYPE in kinds else VALUES
    if isinstance(expected, dict) and set(got) == set(expected):
        kinds = [_plain_kind(got[k], expected[k]) for k in expected]
        return TYPE if TYPE in kinds else VALUES
    return VALUES


def _is_plain(value) -> bool:
    return type(value) in (int, float, bool, str, tuple, list, dict, type(None)) or isinstance(
        value, (np.integer, np.floating, np.bool_))


def _plain_equal(got, expected) -> bool:
    if isinstance(expected, bool):
        return type(got) in (bool, np.bool_) and bool(got) == expected
    if isinstance(expected, numbers.Integral):
        return type(got) in _NUMBER_TYPES and np.dtype(type(got)).kind in "iu" and int(got) == expected
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


def as_scalar(got, *, where: str | None = None) -> float:
    """``got`` as a float if it is a real number: Python/numpy number (not bool), 0-d array or tensor."""
    if type(got) in _NUMBER_TYPES:
        return float(got)
    if got is None:
        raise _none_returned(where)
    try:
        array = as_array(got)
    except ExpectationFailed:
        array = None
    if array is None or array.ndim != 0:
        shown = _type_name(got) if array is None else t("expect.an_array_of_shape", shape=array.shape)
        raise ExpectationFailed(t("expect.type", expected=t("expect.a_number"), got=shown),
                                TYPE if array is None else SHAPE, where)
    return float(array)


@_diagnosing
def scalar(got, expected: float, *, rtol: float | None = None, atol: float | None = None,
           float64: bool = False, where: str | None = None) -> None:
    """A real number (Python/numpy number, 0-d array or tensor; not a bool) close to ``expected``."""
    value = as_scalar(got, where=where)
    _compare(np.array(value), np.array(float(expected)), rtol, atol, float64, np.array(value), where)


def _check_names(argument: str, message: str, *alternatives: str) -> None:
    """``message`` names ``argument`` (or one of ``alternatives``) as a word, case-insensitive."""
    for name in (argument, *alternatives):
        if re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", message, re.IGNORECASE):
            return
    raise ExpectationFailed(t("expect.message_lacks", argument=" / ".join((argument, *alternatives)),
                              message=_clip(message, LINE_LIMIT)), WRONG_ERROR)


@_naming
def value_or_value_error(call, argument: str, check) -> None:
    """For an input the docstring leaves open: ``check(call())`` passes, or ``call()`` raises a
    ValueError naming ``argument``. Either answer is right; any other outcome is not."""
    try:
        got = call()
    except ValueError as exc:
        _check_names(argument, str(exc))
        return
    check(got)


@_naming_block
@contextlib.contextmanager
def raises_value_error(argument: str, *alternatives: str):
    """The block raises ValueError whose message names ``argument`` as a word (case-insensitive).

    "t must be >= 1" names ``t``; "at least 1" does not: single-letter names are common here.
    Where two arguments disagree and the docstring does not say which one the error names
    (x and y of different lengths), pass both: naming either is right.
    """
    try:
        yield
    except ValueError as exc:
        try:
            _check_names(argument, str(exc), *alternatives)
        except ExpectationFailed as failure:
            raise failure from None
    except (NotImplementedError, ExpectationFailed):
        raise
    except Exception as exc:  # any other error is the wrong answer, reported plainly
        if is_not_an_answer(exc):
            raise
        raise ExpectationFailed(t("expect.wrong_exception", argument=argument,
                                  error=quote_error(exc)), WRONG_ERROR) from None
    else:
        raise ExpectationFailed(t("expect.no_raise", argument=argument), NO_RAISE)


@_naming_block
@contextlib.contextmanager
def no_warnings():
    """The block emits no numeric warning (numpy's overflow, divide by zero, invalid value ...).

    Only RuntimeWarning counts: that is what a numerically unstable formula raises. Deprecation
    notices that TensorFlow or Keras print from their own internals are not the student's doing.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    numeric = [w for w in caught if issubclass(w.category, RuntimeWarning)]
    if numeric:
        first = numeric[0]
        warning = first.message if isinstance(first.message, Warning) else first.category(str(first.message))
        raise ExpectationFailed(t("expect.warning_leaked", warning=quote_error(warning)), WARNING)


def quote_error(exc: BaseException) -> str:
    """An exception (or warning) as a value in a message: its type, then its own text quoted.

    The text is the library's or the student's, in their language: shown as data, on one line.
    """
    lines = str(exc).strip().splitlines()
    text = lines[0] if lines else ""
    return _clip(f"{type(exc).__name__}: {text!r}" if text else type(exc).__name__, LINE_LIMIT)
