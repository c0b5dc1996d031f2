"""A seccomp filter that keeps a worker off the network, and the capability drop, through ctypes.

Like :mod:`keraskit.autograde.landlock`, this speaks to the kernel ABI directly: a classic BPF
program installed with ``prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER)`` (no libseccomp needed,
which is not always installed with its headers or Python module). The program:

* kills the process on a system call from another architecture (on x86_64: the i386 ``int 0x80``
  entry, whose numbers differ) and refuses every x32 call (numbers with bit 30 set);
* lets ``socket()`` create only ``AF_UNIX`` stream sockets (``EAFNOSUPPORT`` otherwise): no IPv4,
  IPv6, netlink, packet or Bluetooth socket, whatever namespaces or capabilities exist;
* refuses ``connect``, ``bind`` and ``listen`` (``EPERM``): a stream socket can then reach no
  named socket on the disk (a Docker or systemd socket); the judge's channel is already connected;
* refuses ``io_uring_setup`` (``EPERM``): io_uring can open sockets without ``socket()``;
* refuses ``shmget``, ``semget``, ``msgget`` and ``mq_open`` (``EPERM``): System V and POSIX
  message-queue objects live in the IPC namespace, not in a folder that is wiped, so they would
  outlive a submission;
* refuses ``add_key``, ``request_key`` and ``keyctl`` (``EPERM``): the kernel keyrings (the
  user's and the session's) belong to the uid, not to a folder, so a key planted by one
  submission would be readable by the next one running as the same uid.

Every other call is allowed. The system call numbers and audit architectures are those of
``arch/x86/entry/syscalls/syscall_64.tbl`` and ``include/uapi/asm-generic/unistd.h`` (aarch64).
"""

from __future__ import annotations

import ctypes
import errno
import platform
import struct

from keraskit.autograde import kernel

PR_SET_SECCOMP = 22
PR_CAPBSET_DROP = 24
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
SECCOMP_MODE_FILTER = 2
CAPABILITY_VERSION_3 = 0x20080522

# name -> (audit arch, {call: number})
ARCHES = {
    "x86_64": (0xC000003E, {"socket": 41, "connect": 42, "bind": 49, "listen": 50, "io_uring_setup": 425,
                            "shmget": 29, "semget": 64, "msgget": 68, "mq_open": 240,
                            "add_key": 248, "request_key": 249, "keyctl": 250}),
    "aarch64": (0xC00000B7, {"socket": 198, "connect": 203, "bind": 200, "listen": 201, "io_uring_setup": 425,
                             "shmget": 194, "semget": 190, "msgget": 186, "mq_open": 180,
                             "add_key": 217, "request_key": 218, "keyctl": 219}),
}
DENIED = ("connect", "bind", "listen", "io_uring_setup", "shmget", "semget", "msgget", "mq_open",
          "add_key", "request_key", "keyctl")
X32_BIT = 0x40000000
AF_UNIX = 1
SOCK_STREAM = 1
SOCK_TYPE_MASK = 0xF  # the type without SOCK_NONBLOCK / SOCK_CLOEXEC

# classic BPF opcodes and seccomp return values
_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JSET_K = 0x45
_AND_K = 0x54
_RET_K = 0x06
RET_ALLOW = 0x7FFF0000
RET_KILL_PROCESS = 0x80000000
RET_ERRNO = 0x00050000
# offsets in struct seccomp_data (little-endian: the low half of an argument comes first)
_NR, _ARCH, _ARG0, _ARG1 = 0, 4, 16, 24


class SeccompError(OSError):
    """The filter or the capability drop was refused; the text says which call and why."""


class _Filter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Filter))]


_libc = kernel.libc


def _check(result: int, what: str) -> int:
    return kernel.check(result, what, SeccompError)


def supported() -> bool:
    return platform.machine() in ARCHES


def network_filter(machine: str | None = None) -> list[tuple[int, int, int, int]]:
    """The BPF program as (code, jt, jf, k) rows; jumps are relative to the next row."""
    machine = machine or platform.machine()
    if machine not in ARCHES:
        raise SeccompError(f"no seccomp filter is defined for {machine}")
    arch, nr = ARCHES[machine]

    def deny(code: int) -> tuple:
        """The filter row that refuses a call with ``errno`` ``code``."""
        return (_RET_K, 0, 0, RET_ERRNO | code)

    rows = [(_LD_W_ABS, 0, 0, _ARCH), (_JEQ_K, 1, 0, arch), (_RET_K, 0, 0, RET_KILL_PROCESS),
            (_LD_W_ABS, 0, 0, _NR)]
    if machine == "x86_64":
        rows += [(_JSET_K, 0, 1, X32_BIT), deny(errno.EPERM)]
    for name in DENIED:
        rows += [(_JEQ_K, 0, 1, nr[name]), deny(errno.EPERM)]
    rows += [(_JEQ_K, 1, 0, nr["socket"]), (_RET_K, 0, 0, RET_ALLOW),
             (_LD_W_ABS, 0, 0, _ARG0), (_JEQ_K, 1, 0, AF_UNIX), deny(errno.EAFNOSUPPORT),
             (_LD_W_ABS, 0, 0, _ARG1), (_AND_K, 0, 0, SOCK_TYPE_MASK), (_JEQ_K, 1, 0, SOCK_STREAM),
             deny(errno.EAFNOSUPPORT), (_RET_K, 0, 0, RET_ALLOW)]
    return rows


def deny_network() -> None:
    """Install :func:`network_filter` on this process and all it starts (needs no_new_privs)."""
    rows = network_filter()
    array = (_Filter * len(rows))(*[_Filter(*row) for row in rows])
    program = _Program(len(rows), ctypes.cast(array, ctypes.POINTER(_Filter)))
    _check(_libc().prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(program), 0, 0),
           "prctl(PR_SET_SECCOMP)")


def _last_capability() -> int:
    try:
        with open("/proc/sys/kernel/cap_last_cap") as fh:
            return int(fh.read())
    except (OSError, ValueError):
        return 63


def drop_bounding_set() -> None:
    """Empty the bounding and ambient sets: no exec can give a capability back, not even as root.
    Needs CAP_SETPCAP, so it runs before the uid changes (a no-op for an unprivileged process)."""
    libc = _libc()
    libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    for cap in range(_last_capability() + 1):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 and ctypes.get_errno() != errno.EINVAL:
            if ctypes.get_errno() == errno.EPERM:
                return  # not privileged: there is nothing to drop
            _check(-1, f"prctl(PR_CAPBSET_DROP, {cap})")


def drop_capabilities() -> None:
    """Clear the effective, permitted and inheritable sets (a process that stays uid 0 then has
    no power beyond a normal user's over files it does not own)."""
    header = struct.pack("=Ii", CAPABILITY_VERSION_3, 0)
    data = bytes(24)  # two __user_cap_data_struct of three u32, all zero
    _check(_libc().capset(ctypes.c_char_p(header), ctypes.c_char_p(data)), "capset")


def effective_capabilities() -> int:
    """This process's effective set (``capget``: works where /proc is out of reach)."""
    header = ctypes.create_string_buffer(struct.pack("=Ii", CAPABILITY_VERSION_3, 0))
    data = ctypes.create_string_buffer(24)
    _check(_libc().capget(header, data), "capget")
    low, _, _, high, _, _ = struct.unpack("=6I", data.raw)
    return low | high << 32
