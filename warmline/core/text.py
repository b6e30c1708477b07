"""Words compared the way people type them: any case, with or without accents."""

from __future__ import annotations

import re
import unicodedata


def fold(text: str) -> str:
    """Lower case, accents removed, runs of non-letters made single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.findall(r"[^\W_]+", plain))
