"""Plain data between the judge and a worker: a framing of our own, no pickle anywhere.

A message is ``MAGIC | header length (u32) | blob count (u32) | header JSON | blobs``, each blob
``length (u64) | bytes``. The header is a JSON tree of tagged values; arrays are a blob plus
dtype and shape, and are rebuilt with ``np.frombuffer`` (numeric, bool and fixed-width string
dtypes only, never ``object``). Keras models travel as their JSON config, their compile config
and their weights, and are rebuilt with Keras safe mode and no custom objects.

Encoding accepts only exact types (``type(x) is np.ndarray``, never a subclass), so an object
with a lying ``__eq__`` cannot even be sent: the call fails as it fails in-process. The one
conversion is on the worker's side (``tensors_as_arrays``): a TensorFlow/Keras tensor a student
returns travels as the plain array it holds.

Reading is bounded before anything is built, since the judge reads what student code wrote: the
header is size-capped, its JSON tokens are counted before ``json.loads`` (so the node count is
known before a single Python object exists), NaN/Infinity literals are refused, every blob may be
used once and is wrapped without a copy, and a model's config is checked (``modelguard``) before
any rebuild.
"""

from __future__ import annotations

import json
import math
import re
import socket
import struct
import time

import numpy as np

MAGIC = b"KKW1"
MAX_MESSAGE = 64 * 1024 * 1024  # a reply bigger than this is refused, not read (the largest
# honest reply is well under 1 MB; a comparison may turn a uint8 reply into float64, 8x bigger)
MAX_HEADER = 16 * 1024 * 1024  # the JSON part; arrays travel as blobs, outside it
MAX_NODES = 1_000_000  # values in one message (a deeply nested bomb is refused)
# Structural JSON tokens ('[', '{', ',', ':' outside strings) in a header: one encoded value costs
# at most three, so this bounds the Python objects json.loads may build (a few hundred MB at worst).
MAX_TOKENS = 3 * MAX_NODES
MAX_DEPTH = 64
MAX_TEXT_NUMBER = 5000  # characters of an integer or float sent as text
_ARRAY_KINDS = set("biufcUS")


class WireError(Exception):
    """A message could not be encoded, read or decoded; the text says why."""


class ConnectionLost(WireError):
    """The other side closed the channel (a worker that exited or was killed)."""


class Timeout(WireError):
    """The whole frame did not arrive before the reader's deadline."""


_NUMPY_SCALARS = {np.dtype(t).type: np.dtype(t).name for t in (
    np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64,
    np.float16, np.float32, np.float64, np.complex64, np.complex128)}
_SCALAR_BY_NAME = {name: np.dtype(name) for name in _NUMPY_SCALARS.values()}


def _keras():
    import keras  # only when a model crosses: numpy-only topics never pay for it
    return keras


def _is_keras_model(value) -> bool:
    cls = type(value)
    if not cls.__module__.startswith("keras."):
        return False
    keras = _keras()
    return isinstance(value, keras.Model)


def _tensor_types() -> tuple:
    """The exact classes of TensorFlow/Keras tensors and variables a student may return."""
    import tensorflow as tf
    keras = _keras()
    return (type(tf.constant(0.0)), type(tf.Variable(0.0)), keras.Variable, tf.Tensor)


def _is_tensor(value) -> bool:
    module = type(value).__module__
    if not module.startswith(("tensorflow.", "keras.")):
        return False
    return type(value) in _tensor_types()


def tensor_to_array(value) -> np.ndarray:
    """The plain numpy array a tensor holds (a fresh ``np.ndarray``, 0-d for a scalar)."""
    array = np.array(value.numpy())
    if type(array) is not np.ndarray:
        raise WireError(f"cannot turn a {type(value).__qualname__} into an array")
    return array


class _Encoder:
    def __init__(self, tensors_as_arrays: bool = False):
        self.blobs: list[bytes] = []
        self.nodes = 0
        self.tensors_as_arrays = tensors_as_arrays

    def blob(self, data: bytes) -> int:
        self.blobs.append(data)
        return len(self.blobs) - 1

    def encode(self, value, depth: int = 0):
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            raise WireError("the value is too large or too deeply nested to send")
        cls = type(value)
        if value is None or cls in (bool, str):
            return {"v": value}
        if cls is bytes:
            return {"bytes": self.blob(value)}
        if cls is int:
            return {"i": str(value)}  # any size, exactly
        if cls is float:
            return {"f": repr(value)}  # repr round-trips, and keeps nan/inf
        if cls in (list, tuple):
            return {"list" if cls is list else "tuple": [self.encode(v, depth + 1) for v in value]}
        if cls is dict:
            return {"dict": [[self.encode(k, depth + 1), self.encode(v, depth + 1)] for k, v in value.items()]}
        if cls is np.str_:
            return {"npstr": str(value)}
        if cls is np.bytes_:
            return {"npbytes": self.blob(bytes(value))}
        if cls in _NUMPY_SCALARS:
            return {"npscalar": _NUMPY_SCALARS[cls], "b": self.blob(np.asarray(value).tobytes())}
        if cls is np.ndarray:
            if value.dtype.kind not in _ARRAY_KINDS or value.dtype.hasobject:
                raise WireError(f"cannot send an array of dtype {value.dtype}")
            contiguous = np.ascontiguousarray(value)
            return {"array": contiguous.dtype.str, "shape": list(value.shape), "b": self.blob(contiguous.tobytes())}
        if _is_keras_model(value):
            return self.encode_model(value)
        if self.tensors_as_arrays and _is_tensor(value):
            return self.encode(tensor_to_array(value), depth)
        raise WireError(f"cannot send a value of type {cls.__module__}.{cls.__qualname__}")

    def encode_model(self, model):
        compile_config = model.get_compile_config() if getattr(model, "compiled", False) else None
        weights = [np.ascontiguousarray(w) for w in model.get_weights()]
        return {
            "model": model.to_json(),
            "compile": json.dumps(compile_config) if compile_config else None,
            "weights": [self.encode(w) for w in weights],
        }


class _Decoder:
    def __init__(self, blobs: list, model_guard=None):
        self.blobs = blobs
        self.used: set[int] = set()
        self.nodes = 0
        self.model_guard = model_guard

    def blob(self, index) -> bytes:
        if type(index) is not int or not 0 <= index < len(self.blobs):
            raise WireError("a value names a data block that is not there")
        if index in self.used:  # one owner per block: arrays are wrapped, not copied
            raise WireError("a data block is used twice")
        self.used.add(index)
        return self.blobs[index]

    def decode(self, node, depth: int = 0):
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            raise WireError("the value is too large or too deeply nested")
        if type(node) is not dict or len(node) == 0:
            raise WireError("malformed value")
        if "v" in node:
            value = node["v"]
            if value is not None and type(value) not in (bool, str):
                raise WireError("malformed plain value")
            return value
        if "bytes" in node:
            return bytes(self.blob(node["bytes"]))
        if "i" in node:
            return int(_number_text(node["i"], "integer"))
        if "f" in node:
            return float(_number_text(node["f"], "float"))
        if "list" in node:
            return [self.decode(v, depth + 1) for v in _list_of(node["list"])]
        if "tuple" in node:
            return tuple(self.decode(v, depth + 1) for v in _list_of(node["tuple"]))
        if "dict" in node:
            out = {}
            for pair in _list_of(node["dict"]):
                if type(pair) is not list or len(pair) != 2:
                    raise WireError("malformed dict entry")
                key = self.decode(pair[0], depth + 1)
                try:
                    out[key] = self.decode(pair[1], depth + 1)
                except TypeError:
                    raise WireError("a dict key is not hashable") from None
            return out
        if "npstr" in node:
            if type(node["npstr"]) is not str:
                raise WireError("malformed numpy string")
            return np.str_(node["npstr"])
        if "npbytes" in node:
            return np.bytes_(bytes(self.blob(node["npbytes"])))
        if "npscalar" in node:
            dtype = _SCALAR_BY_NAME.get(node["npscalar"]) if type(node["npscalar"]) is str else None
            data = self.blob(node.get("b"))
            if dtype is None or len(data) != dtype.itemsize:
                raise WireError("malformed numpy scalar")
            return np.frombuffer(data, dtype=dtype)[0]
        if "array" in node:
            return self.decode_array(node)
        if "model" in node:
            return self.decode_model(node)
        raise WireError("unknown value tag")

    def decode_array(self, node) -> np.ndarray:
        if type(node["array"]) is not str or len(node["array"]) > 32:
            raise WireError("malformed array dtype")
        try:
            dtype = np.dtype(node["array"])
        except TypeError:
            raise WireError(f"unknown array dtype {node['array'][:32]!r}") from None
        if dtype.kind not in _ARRAY_KINDS or dtype.hasobject or dtype.fields is not None:
            raise WireError(f"refused array dtype {dtype}")
        shape = node.get("shape")
        if type(shape) is not list or len(shape) > 32 or any(type(s) is not int or s < 0 for s in shape):
            raise WireError("malformed array shape")
        data = self.blob(node.get("b"))
        if len(data) != math.prod(shape) * dtype.itemsize:
            raise WireError("array data does not match its shape")
        # The block is ours alone (used once, received into a fresh bytearray): no copy needed,
        # and the array is writable like any array built in-process.
        return np.frombuffer(data, dtype=dtype).reshape(shape)

    def decode_model(self, node):
        from keraskit.autograde import modelguard
        text, compile_text = node.get("model"), node.get("compile")
        if type(text) is not str or (compile_text is not None and type(compile_text) is not str):
            raise WireError("malformed model")
        weights = [self.decode(w, 1) for w in _list_of(node.get("weights"))]
        if any(type(w) is not np.ndarray for w in weights):
            raise WireError("model weights must be arrays")
        try:
            # Bounded before any rebuild: size, layers, units and parameters read from the config.
            modelguard.check_config(text, compile_text, [w.shape for w in weights])
            if self.model_guard is not None:  # a trial rebuild under time and memory limits
                self.model_guard.try_rebuild(text, compile_text, [w.shape for w in weights])
        except modelguard.ModelRefused as exc:
            raise WireError(f"the model was refused: {exc}") from None
        return modelguard.rebuild(text, compile_text, weights)


def _number_text(text, what: str) -> str:
    if type(text) is not str or len(text) > MAX_TEXT_NUMBER:
        raise WireError(f"malformed {what}")
    return text


def _list_of(value) -> list:
    if type(value) is not list:
        raise WireError("malformed value: a list was expected")
    return value


# A JSON string, escapes included, in one left-to-right pass: the body is an unrolled loop
# (plain bytes, or a backslash and any byte) and a string left open runs to the end of the text
# (``\\?\Z``). The match can therefore never fail once it has seen a '"', so the engine never
# retries from a later quote: a header of '"' followed by repeated '\\"' (every one a quote that
# would restart a failing match) is scanned in linear time instead of quadratic.
_JSON_STRING = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+(?:"|\\?\Z)', re.DOTALL)


def count_json_tokens(text: bytes) -> int:
    """How many '[', '{', ',' and ':' ``text`` holds outside its strings: a bound, computed
    without building anything, on the number of values ``json.loads`` would create."""
    bare = _JSON_STRING.sub(b'""', text)
    return sum(bare.count(c) for c in (b"[", b"{", b",", b":"))


def _refuse_constant(name: str):
    raise WireError(f"{name} is not allowed (NaN and infinities travel only as tagged floats)")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise WireError(f"the number {text[:40]} is out of range")
    return value


def parse_json(text: bytes, *, max_tokens: int = MAX_TOKENS, what: str = "frame header"):
    """JSON parsed only once its token count is known to be bounded; NaN/Infinity refused."""
    tokens = count_json_tokens(text)
    if tokens > max_tokens:
        raise WireError(f"the {what} holds {tokens} JSON values, more than the {max_tokens} allowed")
    try:
        # json accepts NaN/Infinity by default; only our own "f" strings carry non-finite floats.
        return json.loads(text.decode("utf-8"), parse_constant=_refuse_constant, parse_float=_finite_float)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError and JSONDecodeError included
        raise WireError(f"the {what} is not valid JSON: {str(exc)[:200]}") from None


def parse_header(text: bytes) -> dict:
    """A frame header, parsed only once its size and token count are known to be bounded."""
    if len(text) > MAX_HEADER:
        raise WireError(f"the frame header is {len(text)} bytes, more than the {MAX_HEADER} allowed")
    header = parse_json(text)
    if type(header) is not dict:
        raise WireError("malformed frame header: not a JSON object")
    return header


def encode_message(header: dict, values: dict | None = None, *, tensors_as_arrays: bool = False) -> bytes:
    """``header`` (plain JSON) plus ``values`` (any sendable Python values) as one frame.

    ``tensors_as_arrays``: the worker's replies send a TensorFlow/Keras tensor as its array.
    """
    encoder = _Encoder(tensors_as_arrays)
    body = dict(header)
    for key, value in (values or {}).items():
        body[key] = encoder.encode(value)
    try:
        text = json.dumps(body, allow_nan=False).encode("utf-8")
    except (ValueError, TypeError) as exc:  # NaN, or a value json cannot write
        raise WireError(f"the header is not plain JSON: {exc}") from None
    if len(text) > MAX_HEADER:
        raise WireError(f"the message header is {len(text)} bytes, more than the {MAX_HEADER} allowed")
    parts = [MAGIC, struct.pack("<II", len(text), len(encoder.blobs)), text]
    for blob in encoder.blobs:
        parts.append(struct.pack("<Q", len(blob)))
        parts.append(blob)
    frame = b"".join(parts)
    if len(frame) > MAX_MESSAGE:
        raise WireError(f"the message is {len(frame)} bytes, more than the {MAX_MESSAGE} allowed")
    return frame


def decode_values(header: dict, blobs: list, keys, *, model_guard=None) -> dict:
    """The values under ``keys``; anything malformed is a ``WireError`` saying what.

    ``model_guard``: tries each model's rebuild under limits first (the judge reading a worker).
    """
    decoder = _Decoder(blobs, model_guard)
    try:
        return {key: decoder.decode(header[key]) for key in keys if key in header}
    except (TypeError, ValueError, KeyError, IndexError, OverflowError, RecursionError) as exc:
        raise WireError(f"malformed value: {type(exc).__name__}: {str(exc)[:200]}") from None


def _recv_exact(sock: socket.socket, size: int, deadline: float | None = None) -> bytearray:
    """Exactly ``size`` bytes into one buffer allocated once (no chunk list, no final copy).

    ``deadline`` (a ``time.monotonic()`` value) bounds the whole read, not each ``recv_into``:
    a sender trickling one byte at a time cannot stretch it."""
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Timeout("the frame did not arrive within the time limit")
            sock.settimeout(left)
        try:
            n = sock.recv_into(view[got:], min(size - got, 1 << 20))
        except socket.timeout:
            raise Timeout("the frame did not arrive within the time limit") from None
        except (ConnectionResetError, ConnectionAbortedError, BrokenPipeError) as exc:
            raise ConnectionLost(f"the other side closed the channel ({exc.strerror})") from None
        if not n:
            raise ConnectionLost("the other side closed the channel")
        got += n
    view.release()
    return buffer


def send(sock: socket.socket, header: dict, values: dict | None = None, *, frame: bytes | None = None,
         tensors_as_arrays: bool = False) -> None:
    if frame is None:
        frame = encode_message(header, values, tensors_as_arrays=tensors_as_arrays)
    try:
        sock.sendall(frame)
    except OSError as exc:
        raise ConnectionLost(f"cannot send: {exc}") from None


def recv(sock: socket.socket, *, deadline: float | None = None) -> tuple[dict, list]:
    """One frame: (header, blobs). Sizes are checked before anything big is read, the header's
    token count before it is parsed; a frame cut short is ``ConnectionLost``.

    ``deadline``: a ``time.monotonic()`` value by which the whole frame must have arrived, else
    ``Timeout`` (the socket's own timeout is set to the time left before each read, and put
    back as it was afterwards)."""
    if deadline is None:
        return _recv_frame(sock, None)
    previous = sock.gettimeout()
    try:
        return _recv_frame(sock, deadline)
    finally:
        sock.settimeout(previous)


def _recv_frame(sock: socket.socket, deadline: float | None) -> tuple[dict, list]:
    start = _recv_exact(sock, 12, deadline)
    if start[:4] != MAGIC:
        raise WireError("not a keraskit frame")
    header_len, blob_count = struct.unpack("<II", start[4:])
    if header_len > MAX_HEADER:
        raise WireError(f"the frame header is {header_len} bytes, more than the {MAX_HEADER} allowed")
    if blob_count > MAX_NODES:
        raise WireError(f"the frame has {blob_count} data blocks, more than the {MAX_NODES} allowed")
    header = parse_header(bytes(_recv_exact(sock, header_len, deadline)))
    total = header_len
    blobs = []
    for _ in range(blob_count):
        (size,) = struct.unpack("<Q", _recv_exact(sock, 8, deadline))
        total += size
        if total > MAX_MESSAGE:
            raise WireError(f"the message is larger than the {MAX_MESSAGE} bytes allowed")
        blobs.append(_recv_exact(sock, size, deadline))
    return header, blobs
