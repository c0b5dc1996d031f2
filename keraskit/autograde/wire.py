"""Plain data between the judge and a worker: a framing of our own, no pickle anywhere.

A message is ``MAGIC | header length (u32) | blob count (u32) | header JSON | blobs``, each blob
``length (u64) | bytes``. The header is a JSON tree of tagged values; arrays are a blob plus
dtype and shape, and are rebuilt with ``np.frombuffer`` (numeric, bool and fixed-width string
dtypes only, never ``object``). Keras models travel as their JSON config, their compile config
and their weights, and are rebuilt with Keras safe mode and no custom objects.

Encoding accepts only exact types (``type(x) is np.ndarray``, never a subclass), so an object
with a lying ``__eq__`` cannot even be sent: the call fails as it fails in-process.
"""

from __future__ import annotations

import json
import math
import socket
import struct

import numpy as np

MAGIC = b"KKW1"
MAX_MESSAGE = 512 * 1024 * 1024  # a reply bigger than this is refused, not read
MAX_NODES = 2_000_000  # values in one message (a deeply nested bomb is refused)
MAX_DEPTH = 64
_ARRAY_KINDS = set("biufcUS")


class WireError(Exception):
    """A message could not be encoded, read or decoded; the text says why."""


class ConnectionLost(WireError):
    """The other side closed the channel (a worker that exited or was killed)."""


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


class _Encoder:
    def __init__(self):
        self.blobs: list[bytes] = []
        self.nodes = 0

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
    def __init__(self, blobs: list[bytes]):
        self.blobs = blobs
        self.nodes = 0

    def blob(self, index) -> bytes:
        if type(index) is not int or not 0 <= index < len(self.blobs):
            raise WireError("a value names a data block that is not there")
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
            return self.blob(node["bytes"])
        if "i" in node:
            text = node["i"]
            if type(text) is not str or len(text) > 5000:
                raise WireError("malformed integer")
            return int(text)
        if "f" in node:
            return float(node["f"])
        if "list" in node:
            return [self.decode(v, depth + 1) for v in node["list"]]
        if "tuple" in node:
            return tuple(self.decode(v, depth + 1) for v in node["tuple"])
        if "dict" in node:
            return {self.decode(k, depth + 1): self.decode(v, depth + 1) for k, v in node["dict"]}
        if "npstr" in node:
            if type(node["npstr"]) is not str:
                raise WireError("malformed numpy string")
            return np.str_(node["npstr"])
        if "npbytes" in node:
            return np.bytes_(self.blob(node["npbytes"]))
        if "npscalar" in node:
            dtype = _SCALAR_BY_NAME.get(node["npscalar"])
            data = self.blob(node["b"])
            if dtype is None or len(data) != dtype.itemsize:
                raise WireError("malformed numpy scalar")
            return np.frombuffer(data, dtype=dtype)[0]
        if "array" in node:
            return self.decode_array(node)
        if "model" in node:
            return self.decode_model(node)
        raise WireError("unknown value tag")

    def decode_array(self, node) -> np.ndarray:
        dtype = np.dtype(str(node["array"]))
        if dtype.kind not in _ARRAY_KINDS or dtype.hasobject:
            raise WireError(f"refused array dtype {dtype}")
        shape = tuple(int(s) for s in node["shape"])
        if any(s < 0 for s in shape):
            raise WireError("negative array size")
        data = self.blob(node["b"])
        if len(data) != math.prod(shape) * dtype.itemsize:
            raise WireError("array data does not match its shape")
        return np.frombuffer(data, dtype=dtype).reshape(shape).copy()  # a writable, owned array

    def decode_model(self, node):
        keras = _keras()
        if type(node["model"]) is not str:
            raise WireError("malformed model")
        with keras.saving.custom_object_scope({}):
            model = keras.models.model_from_json(node["model"], custom_objects={})
        weights = [self.decode(w, 1) for w in node["weights"]]
        if any(type(w) is not np.ndarray for w in weights):
            raise WireError("model weights must be arrays")
        model.set_weights(weights)
        if node.get("compile"):
            model.compile_from_config(json.loads(node["compile"]))
        return model


def _safe_json_loads(text: bytes):
    # Python's json accepts NaN/Infinity; only our own "f" strings carry floats anyway.
    return json.loads(text.decode("utf-8"))


def encode_message(header: dict, values: dict | None = None) -> bytes:
    """``header`` (plain JSON) plus ``values`` (any sendable Python values) as one frame."""
    encoder = _Encoder()
    body = dict(header)
    for key, value in (values or {}).items():
        body[key] = encoder.encode(value)
    text = json.dumps(body, allow_nan=False).encode("utf-8")
    parts = [MAGIC, struct.pack("<II", len(text), len(encoder.blobs)), text]
    for blob in encoder.blobs:
        parts.append(struct.pack("<Q", len(blob)))
        parts.append(blob)
    frame = b"".join(parts)
    if len(frame) > MAX_MESSAGE:
        raise WireError(f"the message is {len(frame)} bytes, more than the {MAX_MESSAGE} allowed")
    return frame


def decode_values(header: dict, blobs: list[bytes], keys) -> dict:
    decoder = _Decoder(blobs)
    return {key: decoder.decode(header[key]) for key in keys if key in header}


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(min(size - len(chunks), 1 << 20))
        if not chunk:
            raise ConnectionLost("the other side closed the channel")
        chunks += chunk
    return bytes(chunks)


def send(sock: socket.socket, header: dict, values: dict | None = None, *, frame: bytes | None = None) -> None:
    frame = encode_message(header, values) if frame is None else frame
    try:
        sock.sendall(frame)
    except OSError as exc:
        raise ConnectionLost(f"cannot send: {exc}") from None


def recv(sock: socket.socket) -> tuple[dict, list[bytes]]:
    """One frame: (header, blobs). Sizes are checked before anything big is read."""
    start = _recv_exact(sock, 12)
    if start[:4] != MAGIC:
        raise WireError("not a keraskit frame")
    header_len, blob_count = struct.unpack("<II", start[4:])
    if header_len > MAX_MESSAGE or blob_count > MAX_NODES:
        raise WireError("frame too large")
    header = _safe_json_loads(_recv_exact(sock, header_len))
    if type(header) is not dict:
        raise WireError("malformed frame header")
    total = header_len
    blobs = []
    for _ in range(blob_count):
        (size,) = struct.unpack("<Q", _recv_exact(sock, 8))
        total += size
        if total > MAX_MESSAGE:
            raise WireError(f"the message is larger than the {MAX_MESSAGE} bytes allowed")
        blobs.append(_recv_exact(sock, size))
    return header, blobs
