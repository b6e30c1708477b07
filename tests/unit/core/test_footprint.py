"""The worker's memory settings reach the C library it runs on."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys

import pytest


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt's settings are glibc's own")
def test_glibc_takes_the_workers_malloc_settings() -> None:
    # A fresh interpreter: glibc takes the arena limit only before a second thread allocates.
    program = "from warmline.core.footprint import settle_malloc; print(settle_malloc())"
    taken = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    assert taken.stdout.strip() == "True"


# Frees seven small blocks in a fresh interpreter and says whether glibc kept them in the
# thread's own cache (none reach the shared free lists), whether its code kept the columns each
# instruction came from, and which process and settings it ran as.
FREE_SEVEN_BLOCKS = """
import ctypes, json, os, sys
if sys.argv[1] == "restart":
    from warmline.core.footprint import restart_lean
    restart_lean()
def one():
    return 1
_, _, column, _ = next(one.__code__.co_positions())
fields = "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost"
class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in fields.split()]
libc = ctypes.CDLL("libc.so.6")
libc.mallinfo2.restype = MallInfo2
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
blocks = [libc.malloc(100) for _ in range(7)]
before = libc.mallinfo2().fsmblks
for block in blocks:
    libc.free(block)
shared = libc.mallinfo2().fsmblks - before
print(json.dumps({"pid": os.getpid(), "tunables": os.environ.get("GLIBC_TUNABLES"),
                  "kept_by_the_thread": shared < 7 * 100, "columns": column is not None}))
"""


def _free_seven_blocks(how: str) -> tuple[int, dict[str, object]]:
    env = {**os.environ, "GLIBC_TUNABLES": "glibc.malloc.perturb=0"}
    env.pop("PYTHONNODEBUGRANGES", None)
    ran = subprocess.Popen(
        [sys.executable, "-c", FREE_SEVEN_BLOCKS, how], env=env, stdout=subprocess.PIPE, text=True
    )
    out, _ = ran.communicate(timeout=60)
    assert ran.returncode == 0
    return ran.pid, json.loads(out.splitlines()[-1])


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the thread caches are glibc's")
def test_a_worker_restarts_once_as_the_same_process_leaner() -> None:
    pid, as_started = _free_seven_blocks("as-started")
    # As a program starts, glibc keeps a thread's freed small blocks for that thread alone, and
    # Python keeps the columns of every instruction.
    assert as_started["kept_by_the_thread"] is True
    assert as_started["columns"] is True
    assert pid == as_started["pid"]

    pid, restarted = _free_seven_blocks("restart")
    # The same process (a supervisor's process id still holds), with the operator's own
    # settings kept, and its freed blocks back where every thread can use them.
    assert restarted["pid"] == pid
    assert restarted["kept_by_the_thread"] is False
    assert restarted["columns"] is False
    assert restarted["tunables"] == "glibc.malloc.perturb=0:glibc.malloc.tcache_count=0"
