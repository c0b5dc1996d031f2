"""A model from a worker is checked before the judge rebuilds it, and first rebuilt under limits.

A model crosses the wire as its JSON config, compile config and weights (see ``wire``). The
config is written by student code, so rebuilding it blindly lets a 1 KB reply allocate gigabytes
(``Dense(units=25_000_000)``) or burn minutes of judge CPU (a 1,500-layer config). Two gates:

1. ``check_config`` reads the config as bounded JSON and refuses it when it is too large, holds
   too many layers, a size field over ``MAX_DIM``, or more than ``MAX_PARAMS`` parameters, the
   count being computed from the config (and from the weights sent with it), never by building.
2. ``ModelGuard.try_rebuild`` rebuilds it first in a rebuilder process under ``RLIMIT_AS``,
   ``RLIMIT_CPU`` and a wall-clock limit per model. The rebuilder stays warm from one model to
   the next (TensorFlow starts once), and is killed and replaced after any refusal. It is forked
   by a zygote that was itself forked before the judge ran any TensorFlow op and never runs one,
   so every fork is of a process without TensorFlow threads. Only a config that rebuilt there
   is rebuilt in the judge.
"""

from __future__ import annotations

import json
import math
import os
import resource
import select
import signal
import socket

from keraskit.autograde import kernel, procs, wire

MAX_CONFIG_BYTES = 1024 * 1024  # a model config; the curriculum's are a few KB
MAX_COMPILE_BYTES = 64 * 1024
MAX_CONFIG_TOKENS = 200_000
MAX_LAYERS = 200
MAX_DIM = 1_000_000  # any size field (units, filters, a shape's dimension)
MAX_PARAMS = 5_000_000  # 20 MB of float32 weights; the curriculum's models have a few thousand
REBUILD_MEMORY_MB = 1024  # address space a trial rebuild may add to the helper's
REBUILD_SECONDS = 30.0

# Fields that size a layer; every integer under them (or under a *shape / *_size / *_dim key)
# must stay under MAX_DIM.
_SIZE_KEYS = {"units", "filters", "input_dim", "output_dim", "num_heads", "key_dim", "value_dim",
              "num_tokens", "max_tokens", "output_sequence_length", "kernel_size", "pool_size",
              "strides", "dilation_rate", "depth", "size", "cropping", "padding", "n", "groups",
              "depth_multiplier", "num_bins", "max_value", "sequence_length"}


class ModelRefused(Exception):
    """A model config that will not be rebuilt; the text says why."""


# ---------------------------------------------------------------- static check

def _bounded_json(text: str, limit: int, what: str):
    data = text.encode("utf-8")
    if len(data) > limit:
        raise ModelRefused(f"the {what} is {len(data)} bytes, more than the {limit} allowed")
    try:
        return wire.parse_json(data, max_tokens=MAX_CONFIG_TOKENS, what=what)
    except wire.WireError as exc:
        raise ModelRefused(str(exc)) from None


def _is_size_key(key: str) -> bool:
    return key in _SIZE_KEYS or key.endswith(("shape", "_size", "_dim", "dims"))


def _check_sizes(node, key: str = "", depth: int = 0) -> int:
    """Walks the whole config: sizes under MAX_DIM; returns the largest per-sample width seen."""
    if depth > wire.MAX_DEPTH:
        raise ModelRefused("the config is nested too deeply")
    widest = 0
    if type(node) is dict:
        for k, v in node.items():
            widest = max(widest, _check_sizes(v, str(k), depth + 1))
    elif type(node) is list:
        if _is_size_key(key) and all(type(x) is int or x is None for x in node):
            dims = [x for x in node if type(x) is int]
            if any(x > MAX_DIM for x in dims):
                raise ModelRefused(f"{key} {node[:8]} has a dimension over {MAX_DIM}")
            widest = max(widest, math.prod(dims[1:]) if key.endswith("shape") and dims else max(dims, default=0))
        for v in node:
            widest = max(widest, _check_sizes(v, key, depth + 1))
    elif type(node) is int and _is_size_key(key):
        if node > MAX_DIM:
            raise ModelRefused(f"{key}={node} is over the {MAX_DIM} allowed")
        widest = node
    return widest


def _layers(config: dict) -> list[dict]:
    """Every layer config, nested models' layers included."""
    found, stack = [], [config]
    while stack and len(found) <= MAX_LAYERS:
        node = stack.pop()
        if type(node) is not dict or type(node.get("class_name")) is not str or type(node.get("config")) is not dict:
            continue
        inner = node["config"]
        if type(inner.get("layers")) is list:  # a model: its layers count, not itself
            stack.extend(inner["layers"])
        else:
            found.append(node)
        if type(inner.get("layer")) is dict:  # wrappers (TimeDistributed, Bidirectional)
            stack.append(inner["layer"])
    return found


def _int(value, default: int = 0) -> int:
    return value if type(value) is int and value >= 0 else default


def _input_width(layer: dict, widest: int) -> int:
    """The layer's input features from its build_config, else the widest width in the config."""
    build = layer.get("build_config")
    shape = build.get("input_shape") if type(build) is dict else None
    if type(shape) is list and shape and type(shape[-1]) is int:
        return max(shape[-1], 0)
    return widest


def _layer_params(layer: dict, widest: int) -> int:
    """Parameters of one layer, from its config (an upper bound where its input is unknown)."""
    kind, cfg = layer.get("class_name"), layer["config"]
    width = _input_width(layer, widest)
    units = _int(cfg.get("units"))
    if kind == "Dense":
        return (width + 1) * units
    if kind in ("Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose"):
        kernel = cfg.get("kernel_size")
        kernel = math.prod(_int(k, 1) for k in kernel) if type(kernel) is list else _int(kernel, 1)
        filters = _int(cfg.get("filters"))
        return kernel * width * filters + filters
    if kind == "Embedding":
        return _int(cfg.get("input_dim")) * _int(cfg.get("output_dim"))
    if kind in ("SimpleRNN", "LSTM", "GRU"):
        gates = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}[kind]
        return gates * units * (width + units + 2)
    if kind in ("BatchNormalization", "LayerNormalization", "Normalization", "GroupNormalization"):
        return 4 * width + 1
    # Any other layer: bounded by its size fields (each under MAX_DIM) times the widest input.
    sizes = [_int(cfg.get(k)) for k in ("units", "filters", "output_dim", "key_dim", "value_dim")]
    return (width + 1) * max(sizes) if any(sizes) else 0


def check_config(text: str, compile_text: str | None = None, weight_shapes=()) -> int:
    """Refuse (``ModelRefused``) a config too big to rebuild; returns its parameter count bound."""
    config = _bounded_json(text, MAX_CONFIG_BYTES, "model config")
    if compile_text is not None:
        _bounded_json(compile_text, MAX_COMPILE_BYTES, "compile config")
    if type(config) is not dict:
        raise ModelRefused("the model config is not a JSON object")
    widest = _check_sizes(config)
    layers = _layers(config)
    if len(layers) > MAX_LAYERS:
        raise ModelRefused(f"the model has more than {MAX_LAYERS} layers")
    params = sum(_layer_params(layer, widest) for layer in layers)
    sent = sum(math.prod(shape) for shape in weight_shapes)
    if max(params, sent) > MAX_PARAMS:
        raise ModelRefused(f"the model has about {max(params, sent):,} parameters, more than the "
                           f"{MAX_PARAMS:,} allowed")
    return params


# ---------------------------------------------------------------- rebuilding

def rebuild(text: str, compile_text: str | None, weights):
    """The Keras model: safe mode, no custom objects, the sent weights, the sent compile config."""
    import keras
    with keras.saving.custom_object_scope({}):
        model = keras.models.model_from_json(text, custom_objects={})
    model.set_weights(weights)
    if compile_text:
        model.compile_from_config(json.loads(compile_text))
    return model


def _trial(text: str, compile_text: str | None, shapes: list) -> dict:
    """In the rebuilder: rebuild with zero weights of the sent shapes; report or refuse."""
    import numpy as np
    model = rebuild(text, compile_text, [np.zeros(s, dtype=np.float32) for s in shapes])
    params = model.count_params()
    if params > MAX_PARAMS:
        return {"error": f"the model has {params:,} parameters, more than the {MAX_PARAMS:,} allowed"}
    return {"ok": True, "params": params}


def _rebuilder_loop(sock: socket.socket, memory_mb: int, seconds: float) -> None:
    """The rebuilder: trial after trial, warm (TensorFlow starts once), under its own limits.
    After any refusal it exits, so a hostile config never leaves state for the next one."""
    import keras  # noqa: F401 - loaded before the limit (the judge has it already; a test may not)
    limit = kernel.vm_size_bytes() + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    cpu = int(seconds * 20) + 1  # a backstop; each trial's wall-clock limit is the zygote's
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    # No keras.backend.clear_session() between trials: it costs more than a rebuild, and the
    # rebuilder lives for one submission only.
    while True:
        try:
            request, _ = wire.recv(sock)
        except wire.WireError:
            return
        try:
            verdict = _trial(request["model"], request.get("compile"), request["shapes"])
        except MemoryError:
            verdict = {"error": f"rebuilding the model needs more than {memory_mb} MB"}
        except BaseException as exc:  # noqa: BLE001 - any failure is a refusal, with its cause
            verdict = {"error": f"the model cannot be rebuilt: {type(exc).__name__}: {str(exc)[:300]}"}
        wire.send(sock, verdict)
        if not verdict.get("ok"):
            return


class _Rebuilder:
    """A rebuilder process forked by the zygote (which never runs TensorFlow, so forks are safe)."""

    def __init__(self, memory_mb: int, seconds: float):
        ours, theirs = socket.socketpair()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:
            try:
                ours.close()
                procs.die_with_parent(parent)
                _rebuilder_loop(theirs, memory_mb, seconds)
            finally:
                os._exit(0)
        theirs.close()
        self.pid, self.sock = pid, ours

    def ask(self, request: dict, seconds: float) -> tuple[dict, bool]:
        """(verdict, still usable?) within ``seconds`` of wall clock."""
        try:
            wire.send(self.sock, request)
            ready, _, _ = select.select([self.sock], [], [], seconds)
            if not ready:
                return {"error": f"rebuilding the model took longer than {seconds:g} s"}, False
            self.sock.settimeout(seconds)
            verdict, _ = wire.recv(self.sock)
        except (wire.WireError, OSError):
            return {"error": "rebuilding the model was stopped by its memory or CPU limit"}, False
        return verdict, bool(verdict.get("ok"))

    def stop(self) -> None:
        self.sock.close()
        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass
        os.waitpid(self.pid, 0)


def _zygote_loop(sock: socket.socket, memory_mb: int, seconds: float) -> None:
    rebuilder = None
    try:
        while True:
            try:
                request, _ = wire.recv(sock)
            except wire.WireError:
                return
            if rebuilder is None:
                rebuilder = _Rebuilder(memory_mb, seconds)
            verdict, usable = rebuilder.ask(request, seconds)
            if not usable:
                rebuilder.stop()
                rebuilder = None
            wire.send(sock, verdict)
    finally:
        if rebuilder is not None:
            rebuilder.stop()


class ModelGuard:
    """Trial rebuilds under limits, through a zygote forked now (before any TensorFlow op)."""

    def __init__(self, memory_mb: int = REBUILD_MEMORY_MB, seconds: float = REBUILD_SECONDS):
        self.seconds = seconds
        ours, theirs = socket.socketpair()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                ours.close()
                procs.die_with_parent(parent)
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                _zygote_loop(theirs, memory_mb, seconds)
            except BaseException:  # noqa: BLE001 - the forked child must end in os._exit, whatever happens
                code = 1
            finally:
                os._exit(code)
        theirs.close()
        self.pid, self.sock = pid, ours

    def try_rebuild(self, text: str, compile_text: str | None, shapes) -> None:
        """Return if the config rebuilds within the limits, else raise ``ModelRefused``."""
        if self.sock is None:
            raise ModelRefused("the model checker has stopped")
        try:
            self.sock.settimeout(self.seconds + 30)
            wire.send(self.sock, {"model": text, "compile": compile_text, "shapes": [list(s) for s in shapes]})
            verdict, _ = wire.recv(self.sock)
        except (wire.WireError, OSError) as exc:
            self.close()
            raise ModelRefused(f"the model checker failed: {exc}") from None
        if not verdict.get("ok"):
            raise ModelRefused(str(verdict.get("error", "the model cannot be rebuilt"))[:500])

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except OSError:
                pass
