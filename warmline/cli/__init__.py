"""The `warmline` operator command: one module per command group, loaded when its command runs."""

from __future__ import annotations

from warmline.cli.base import main

__all__ = ["main"]
