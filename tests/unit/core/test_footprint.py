"""The worker's memory settings reach the C library it runs on."""

from __future__ import annotations

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
