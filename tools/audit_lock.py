"""Check a hashed lock file for releases with known vulnerabilities, or yanked ones.

pip-audit does the work wherever its database answers (PyPI's per-release JSON API). Where only
PyPI's index and per-project JSON are reachable, the per-project JSON still lists the advisories
of each project's newest release: a pin on that release is audited from it, and any other pin is
named as not audited, with `make lock` as the way to bring it up to date.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

PYPI = "https://pypi.org/pypi"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)


def pins(lock: Path) -> list[tuple[str, str]]:
    """Every (name, version) the lock pins, sorted."""
    return sorted(set(PIN.findall(lock.read_text())))


def fetch(url: str) -> dict[str, Any] | None:
    """The JSON at `url`, or None when PyPI (or what stands for it here) has no such page."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            data: dict[str, Any] = json.load(response)
            return data
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise


def pip_audit(lock: Path) -> int:
    """pip-audit over the lock, failing on anything it could not audit."""
    argv = [
        str(Path(sys.executable).parent / "pip-audit"),
        "--strict",
        "--require-hashes",
        "--disable-pip",
        "--progress-spinner",
        "off",
        "--requirement",
        str(lock),
    ]
    return subprocess.run(argv, check=False).returncode


def from_project_pages(locked: list[tuple[str, str]]) -> int:
    """Audit each pin from its project's JSON page; 1 on a vulnerable or yanked pin."""
    with ThreadPoolExecutor(max_workers=16) as pool:
        pages = list(pool.map(lambda pin: fetch(f"{PYPI}/{pin[0]}/json"), locked))
    problems: list[str] = []
    behind: list[str] = []
    for (name, version), page in zip(locked, pages, strict=True):
        if page is None:
            problems.append(f"{name} {version}: no such project on PyPI")
            continue
        files = page.get("releases", {}).get(version, [])
        if files and all(f.get("yanked") for f in files):
            reason = files[0].get("yanked_reason") or "no reason given"
            problems.append(f"{name} {version}: yanked ({reason})")
        if page["info"]["version"] != version:
            behind.append(f"{name} {version} (newest {page['info']['version']})")
            continue
        for advisory in page.get("vulnerabilities", []):
            if advisory.get("withdrawn"):
                continue
            fixed = ", ".join(advisory.get("fixed_in") or []) or "no fixed release"
            problems.append(f"{name} {version}: {advisory.get('id')} (fixed in {fixed})")
    audited = len(locked) - len(behind)
    print(f"{audited} of {len(locked)} pins audited against PyPI's advisories for their release")
    if behind:
        print("not audited here, being older than their project's newest release (`make lock`):")
        print("  " + "\n  ".join(behind))
    for problem in problems:
        print("VULNERABLE OR YANKED: " + problem, file=sys.stderr)
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    """Audit the lock named on the command line."""
    lock = Path(argv[1] if len(argv) > 1 else "requirements-dev.txt")
    locked = pins(lock)
    if not locked:
        print(f"{lock} pins nothing", file=sys.stderr)
        return 1
    name, version = locked[0]
    if fetch(f"{PYPI}/{name}/{version}/json") is not None:
        return pip_audit(lock)
    print("pip-audit's database (PyPI's per-release JSON) does not answer from here; using PyPI's")
    print("per-project JSON instead")
    return from_project_pages(locked)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
