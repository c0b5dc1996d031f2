"""Landlock through ctypes: the filesystem, TCP and signal confinement of the floor sandbox.

Landlock (Linux >= 5.13) lets an unprivileged process restrict itself and every process it
starts afterwards; nothing can lift the restriction. We use it through the kernel ABI directly
(``syscall(2)`` via ctypes) instead of a PyPI binding: the three system calls and their structs
are small and stable (``include/uapi/linux/landlock.h``), the available bindings are thin,
young and not packaged for every Python we support, and ctypes adds no dependency.

The system call numbers (444, 445, 446) are the same on x86_64 and aarch64: Landlock came
after the architectures' tables were unified. What each ABI version adds:

==== ======================================================================
ABI  adds
==== ======================================================================
1    filesystem rights (execute, read, write, make, remove ...)
2    ``REFER`` (link or rename into another folder)
3    ``TRUNCATE``
4    TCP ``bind`` and ``connect`` rules
5    ``IOCTL_DEV`` (ioctl on device files)
6    scopes: abstract UNIX sockets and signals to processes outside the domain
==== ======================================================================

A restricted process cannot ``ptrace`` a process outside its domain (every ABI).
"""

from __future__ import annotations

import ctypes
import os
import platform
from pathlib import Path

from keraskit.autograde import kernel

SYSCALLS = {  # (create_ruleset, add_rule, restrict_self)
    "x86_64": (444, 445, 446),
    "aarch64": (444, 445, 446),
}
CREATE_RULESET_VERSION = 1 << 0
RULE_PATH_BENEATH = 1
PR_SET_NO_NEW_PRIVS = 38

# Filesystem rights: bit n is the n-th right in the order of <linux/landlock.h>. ABI 1 has the first
# thirteen; REFER came with ABI 2, TRUNCATE with ABI 3, IOCTL_DEV with ABI 5. (Unpacking fails at
# import if a name is added without its bit.)
(FS_EXECUTE, FS_WRITE_FILE, FS_READ_FILE, FS_READ_DIR, FS_REMOVE_DIR, FS_REMOVE_FILE, FS_MAKE_CHAR,
 FS_MAKE_DIR, FS_MAKE_REG, FS_MAKE_SOCK, FS_MAKE_FIFO, FS_MAKE_BLOCK, FS_MAKE_SYM,
 FS_REFER, FS_TRUNCATE, FS_IOCTL_DEV) = (1 << bit for bit in range(16))
NET_BIND_TCP = 1 << 0  # ABI 4
NET_CONNECT_TCP = 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0  # ABI 6
SCOPE_SIGNAL = 1 << 1

READ = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR
# rights that make sense on a file (not a folder): a rule on a file may hold only these
FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV


class LandlockError(OSError):
    """Landlock is missing here, or refused a ruleset; the text says which call and why."""


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1  # __attribute__((packed)) in the kernel header: 12 bytes
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


_libc = kernel.libc


def _numbers() -> tuple[int, int, int]:
    machine = platform.machine()
    if machine not in SYSCALLS:
        raise LandlockError(f"Landlock system call numbers are not known for {machine}")
    return SYSCALLS[machine]


def _check(result: int, what: str) -> int:
    return kernel.check(result, what, LandlockError)


def abi_version() -> int:
    """The Landlock ABI this kernel offers; 0 where it has none (old kernel, not enabled)."""
    try:
        create = _numbers()[0]
    except LandlockError:
        return 0
    version = _libc().syscall(create, None, ctypes.c_size_t(0), ctypes.c_uint32(CREATE_RULESET_VERSION))
    return max(int(version), 0)


def handled_fs(abi: int) -> int:
    rights = (1 << 13) - 1  # ABI 1: bits 0..12
    if abi >= 2:
        rights |= FS_REFER
    if abi >= 3:
        rights |= FS_TRUNCATE
    if abi >= 5:
        rights |= FS_IOCTL_DEV
    return rights


def coverage(abi: int) -> dict[str, bool]:
    """Which protections a ruleset gives on this ABI (for ``keraskit doctor`` and the docs)."""
    return {"filesystem": abi >= 1, "ptrace": abi >= 1, "tcp": abi >= 4,
            "signals": abi >= 6, "abstract_unix_sockets": abi >= 6}


def set_no_new_privs() -> None:
    """No exec can ever give more privileges (setuid files, file capabilities); Landlock needs it."""
    _check(_libc().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)")


def restrict(read: list[Path], write: list[Path], *, update: list[Path] = (), abi: int | None = None) -> int:
    """Confine this process (and all it starts) to reading ``read``, ``update`` and ``write``,
    writing into existing files of ``update`` (nothing made or removed there: /dev/null, the
    process's own /proc entry) and writing freely only beneath ``write``; deny TCP bind/connect
    (ABI >= 4), and signals and abstract UNIX sockets reaching outside the domain (ABI >= 6).
    Paths that do not exist are skipped. Sets no_new_privs. Returns the ABI used; raises
    :class:`LandlockError` if anything is refused."""
    abi = abi_version() if abi is None else abi
    if abi < 1:
        raise LandlockError("Landlock is not available in this kernel")
    create, add_rule, restrict_self = _numbers()
    libc = _libc()
    attr = _RulesetAttr(handled_fs(abi), NET_BIND_TCP | NET_CONNECT_TCP if abi >= 4 else 0,
                        SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= 6 else 0)
    # older kernels refuse a struct larger than they know: pass only the fields of this ABI
    size = 8 if abi < 4 else 16 if abi < 6 else 24
    ruleset = _check(libc.syscall(create, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0)),
                     "landlock_create_ruleset")
    try:
        everything = handled_fs(abi)
        for paths, rights in ((read, READ), (update, READ | FS_WRITE_FILE | FS_TRUNCATE), (write, everything)):
            for path in paths:
                try:
                    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
                except FileNotFoundError:
                    continue
                try:
                    allowed = rights if os.path.isdir(path) else rights & FILE_RIGHTS
                    rule = _PathBeneathAttr(allowed & everything, fd)
                    _check(libc.syscall(add_rule, ctypes.c_int(ruleset), ctypes.c_int(RULE_PATH_BENEATH),
                                        ctypes.byref(rule), ctypes.c_uint32(0)), f"landlock_add_rule({path})")
                finally:
                    os.close(fd)
        set_no_new_privs()
        _check(libc.syscall(restrict_self, ctypes.c_int(ruleset), ctypes.c_uint32(0)), "landlock_restrict_self")
    finally:
        os.close(ruleset)
    return abi
