"""A numpy-only grading starts its worker server without Keras (about 3 s of CPU spared per
judge host), and loses nothing by it: a submission whose modules import Keras or TensorFlow gets
a server that has them, and a child that imports TensorFlow in a way no scan sees pays for the
import alone (within the default memory limit) and traces with the kit's graph options
(``keraskit.tfruntime``) from its next call.
Every server here runs in the mode this machine grades with (CI's floor leg: without bwrap)."""

from pathlib import Path

import pytest

from keraskit.autograde import selfcheck, submissions, wire
from keraskit.autograde.host import JudgeHost, imports_keras, worker_needs_keras
from keraskit.autograde.sandbox import Limits, WorkerServer

ROOT = Path(__file__).resolve().parents[1]
LIMITS = Limits(call_timeout=60, submission_timeout=120, memory_mb=1024)
EXERCISE = ("tensors.normalize",)

LOADED = b"""
import sys


def loaded(name):
    return name in sys.modules
"""

# Keras imported under a name built at run time: no scan of the source can see it.
UNSEEN = b"""
import importlib


def total_and_graph_options():
    from keraskit import tfruntime
    keras = importlib.import_module("ker" + "as")
    return [float(keras.ops.convert_to_numpy(keras.ops.sum(keras.ops.ones(3)))), tfruntime.applied()]
"""


@pytest.mark.parametrize("source", [
    "import keras", "import tensorflow as tf", "from keras import layers", "from tensorflow.keras import ops",
    "import numpy as np, keras.ops", "def f():\n    import tensorflow\n    return tensorflow",
    "from keraskit import oracle", "import tf_keras", "import importlib\nk = importlib.import_module('keras')",
    "tf = __import__('tensorflow.keras')",
])
def test_a_module_importing_keras_tensorflow_or_the_kit_needs_keras(source):
    assert imports_keras(source.encode())


@pytest.mark.parametrize("source", [
    "import numpy as np", '"""Keras 3 equivalent: ``keras.layers.Dense``."""\nimport math',
    "from . import keras", "import kerasish", "x = 'import keras'", "def f(:\n    import keras",
    "print('Keras 3')", "import importlib\nm = importlib.import_module('ker' + 'as')",
])
def test_a_module_that_only_names_keras_does_not(source):
    assert not imports_keras(source.encode())


def test_the_numpy_reference_needs_no_keras_but_a_model_topic_or_a_keras_import_does():
    tensors = (ROOT / "solutions" / "tensors.py").read_bytes()
    assert not worker_needs_keras({"tensors": tensors}, ["tensors"])
    assert worker_needs_keras({"tensors": tensors + b"\nimport keras\n"}, ["tensors"])
    assert worker_needs_keras({"tensors": tensors, "training": b"import numpy\n"}, ["tensors", "training"])


@pytest.mark.parametrize("keras", [False, True], ids=["without_keras", "with_keras"])
def test_a_server_imports_keras_for_its_children_only_when_asked(keras):
    server = WorkerServer(LIMITS, keras=keras)
    try:
        server.start()  # its start check (a real child's imports) passes either way
        assert server.call({"probe": LOADED}, "probe", "loaded", "tensorflow") is keras
    finally:
        server.close()


def _call(channel, module: str, function: str):
    wire.send(channel, {"op": "call", "module": module, "function": function}, {"args": [], "kwargs": {}})
    header, blobs = wire.recv(channel)
    assert not header.get("error"), header["error"]
    return wire.decode_values(header, blobs, ("result",))["result"]


def test_a_child_importing_keras_unseen_pays_alone_and_traces_as_the_judge_from_its_next_call():
    server = WorkerServer(Limits(call_timeout=60, submission_timeout=120), keras=False)  # 2048 MB
    try:
        server.start()
        channel = server.spawn({"unseen": UNSEEN})
        channel.settimeout(120)
        try:
            first, second = (_call(channel, "unseen", "total_and_graph_options") for _ in range(2))
        finally:
            channel.close()
    finally:
        server.close()
    assert first == [3.0, False], "the first call imported Keras itself: the options come before the next call"
    assert second == [3.0, True]


def test_a_host_grades_a_numpy_topic_without_keras_and_restarts_with_it_when_a_submission_imports_it(
        tmp_path, monkeypatch):
    monkeypatch.setenv(selfcheck.CACHE_ENV, str(tmp_path / "cache"))  # the reference's memo is saved there
    keras_first = tmp_path / "keras_first"
    keras_first.mkdir()
    (keras_first / "tensors.py").write_bytes((ROOT / "solutions" / "tensors.py").read_bytes() + b"\nimport keras\n")
    host = JudgeHost(LIMITS)
    try:
        plain = host.grade(selfcheck.reference_submission(), exercises=EXERCISE)
        assert plain.score == plain.max_score > 0, plain.events
        assert not host.server.keras
        record = host.grade(submissions.Submission("keras_first", keras_first, "folder"), exercises=EXERCISE)
        assert host.server.keras, "the server was not restarted with Keras"
        assert record.score == record.max_score, record.events
        again = host.grade(selfcheck.reference_submission(), exercises=EXERCISE)
        assert host.server.keras and again.score == again.max_score  # a server with Keras serves any
    finally:
        host.close()
