"""Probes run in a real worker child, as a submission would be (sent as its source, never imported
by the judge): ``imports`` is the server's start check, ``protections`` is ``keraskit doctor``'s.

Each probe reports facts (what worked, what was refused and how); :mod:`sandbox` judges them
against what the mode promises.
"""

import errno
import os
import socket
import sys

LAZY_STDLIB = ("secrets", "csv", "statistics", "decimal", "fractions", "uuid", "hashlib")


def imports(with_keras=True):
    """Import what grading needs in the child, stdlib modules loaded lazily included; raises the
    first failure (e.g. ModuleNotFoundError: No module named 'secrets'). Also says whether the
    child traces with the kit's graph options, as the judge's oracle does. ``with_keras=False``
    (a server started without Keras): Keras is neither needed nor imported."""
    import importlib
    for name in LAZY_STDLIB:
        importlib.import_module(name)
    import numpy
    numpy.random.default_rng(0).random(3)  # numpy.random imports secrets lazily
    found = {"python": sys.version.split()[0], "numpy": numpy.__version__}
    if not with_keras:
        return found
    import keras
    value = keras.ops.convert_to_numpy(keras.ops.sum(keras.ops.ones((2, 3))))
    from keraskit import tfruntime
    return {**found, "keras": keras.__version__, "sum": float(value), "kit_graph_options": tfruntime.applied()}


def _try(action):
    try:
        action()
    except OSError as exc:
        return "refused: " + (errno.errorcode.get(exc.errno, "") or type(exc).__name__) + f" ({exc.strerror})"
    except Exception as exc:  # noqa: BLE001 - anything but success is a refusal
        return f"refused: {type(exc).__name__}"
    return "allowed"


def _plant(folder):
    path = os.path.join(folder, f".keraskit-probe-{os.getpid()}")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    os.unlink(path)  # a probe leaves nothing behind


def _connect(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(3)
        sock.connect(("127.0.0.1", port))


def protections(outside_file, outside_folder, port, judge_pid):
    """Try what the sandbox should refuse. ``outside_file``: a world-readable file outside it;
    ``outside_folder``: a world-writable folder outside it; ``port``: a TCP port the judge listens
    on (127.0.0.1); ``judge_pid``: the judge's pid."""
    found = {
        "read_outside": _try(lambda: open(outside_file, "rb").close()),
        "write_outside": _try(lambda: _plant(outside_folder)),
        "tcp_connect": _try(lambda: _connect(port)),
        "inet_socket": _try(lambda: socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).close()),
        "signal_judge": _try(lambda: os.kill(judge_pid, 0)),
        "write_tmp": _try(lambda: _plant("/tmp")),
        "write_shm": _try(lambda: _plant("/dev/shm")),
        "write_sys_path": ",".join(p for p in sys.path if p and os.path.isdir(p)
                                   and _try(lambda p=p: _plant(p)) == "allowed") or "refused",
    }
    from keraskit.autograde import seccomp
    found["capabilities"] = hex(seccomp.effective_capabilities())
    found["uid"] = str(os.getuid())
    found["pid"] = str(os.getpid())
    return found
