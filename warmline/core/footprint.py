"""What a process holds for good: libraries it never uses kept out, glibc's heap kept lean."""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Iterable


def keep_out(names: Iterable[str], *, unless_loaded: str) -> bool:
    """Make `names` unimportable here, as if not installed; whether that was still possible.

    `unless_loaded` is the library that imports them: once it is loaded they are in already, so
    nothing is changed. A name kept out stays in `sys.modules` as None, which `import` reads as
    "not installed" and the library's own fallback takes over.
    """
    if unless_loaded in sys.modules:
        return False
    for name in names:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
    return True


# glibc's mallopt parameters (malloc.h).
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8
# glibc's own starting threshold: a block this large or larger gets pages of its own.
MMAP_THRESHOLD = 128 * 1024
ARENAS = 2


def settle_malloc() -> bool:
    """Keep glibc's heap from growing with the work: whether this C library took the settings.

    By default glibc raises its threshold for giving a large block pages of its own each time
    one is freed (up to 32 MB), after which such blocks are carved from the heap and the holes
    they leave stay resident; and each thread that allocates gets an arena of its own, up to
    eight per core, each keeping its own holes. A worker's threads take turns under the GIL, so
    two arenas lose nothing to contention. Called before any thread starts; elsewhere (musl,
    macOS) nothing changes.
    """
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(_M_ARENA_MAX, ARENAS))


# glibc's tunable for how many freed blocks of each small size a thread keeps to itself.
NO_THREAD_CACHES = "glibc.malloc.tcache_count=0"
# Python's setting that leaves out the columns each instruction came from.
NO_DEBUG_RANGES = "PYTHONNODEBUGRANGES"


def restart_lean() -> None:
    """Start this process again, once, with glibc's thread caches and Python's column tables off.

    Each thread keeps up to seven freed blocks of every small size for itself (glibc's tcache),
    which no other thread can reuse: over a worker's twenty threads, 1 to 2 MB held after a busy
    spell for nothing, and no slower without. Python keeps, beside every instruction of every
    function loaded, the columns it came from, only to underline the failing expression in a
    traceback: about 0.5 MB of a worker (bench/NOTES.md), whose logged tracebacks still name
    each file and line. Both are read only as a program starts, so the process replaces itself
    (same process id, same arguments) with them added to its environment, keeping what
    GLIBC_TUNABLES already says. Called before anything large is loaded. Where the restart
    cannot happen, the process carries on as it is; off glibc (musl, macOS) only the columns go.
    """
    tunables = os.environ.get("GLIBC_TUNABLES", "")
    caches_off = not _runs_on_glibc() or NO_THREAD_CACHES in tunables.split(":")
    if caches_off and os.environ.get(NO_DEBUG_RANGES):
        return
    env = {**os.environ, NO_DEBUG_RANGES: "1"}
    if not caches_off:
        env["GLIBC_TUNABLES"] = ":".join(filter(None, (tunables, NO_THREAD_CACHES)))
    try:
        os.execve(sys.executable, sys.orig_argv, env)
    except OSError:
        return


def _runs_on_glibc() -> bool:
    try:
        return bool(os.confstr("CS_GNU_LIBC_VERSION"))
    except (ValueError, OSError):
        return False
