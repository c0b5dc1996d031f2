"""Small helpers on the kernel's own interfaces, shared by the sandbox pieces (Landlock and
seccomp through ctypes, and the rlimits that the judge, the model guard and the worker set)."""

from __future__ import annotations

import ctypes
import errno
import os


def libc() -> ctypes.CDLL:
    """The C library already loaded in this process, with ``errno`` kept for :func:`check`."""
    return ctypes.CDLL(None, use_errno=True)


def check(result: int, what: str, error: type[OSError] = OSError) -> int:
    """``result`` of a libc call, or ``error`` naming the call and its errno when it is negative."""
    if result < 0:
        code = ctypes.get_errno()
        raise error(code, f"{what}: {errno.errorcode.get(code, code)} ({os.strerror(code)})")
    return result


def vm_size_bytes() -> int:
    """This process's address space now (VmSize), the base an RLIMIT_AS is added to."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0
