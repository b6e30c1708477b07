"""Keeping libraries a process never uses out of its memory, where another would import them."""

from __future__ import annotations

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
