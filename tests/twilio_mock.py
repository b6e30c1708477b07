"""Where `make prism` installs Prism and Twilio's OpenAPI description: inside this repository."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# tools/twilio-mock pins both npm packages by exact version and integrity; `make prism` runs
# `npm ci` on that lock into this folder.
MOCK = REPO / ".cache" / "twilio-mock"
PRISM = MOCK / "node_modules" / ".bin" / "prism"
SPEC = (
    MOCK / "node_modules" / "@twilio-alpha" / "mcp" / "twilio-oai" / "spec" / "json"
) / "twilio_api_v2010.json"


def check_installed() -> None:
    """Raise FileNotFoundError naming what is missing for Prism to play Twilio's REST API."""
    if shutil.which("node") is None:
        raise FileNotFoundError("no node on PATH for Prism")
    for path in (PRISM, SPEC):
        if not path.exists():
            raise FileNotFoundError(f"{path.relative_to(REPO)} is missing (run `make prism`)")
