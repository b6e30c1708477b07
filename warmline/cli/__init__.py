"""The `warmline` operator command: one module per command group, all on one `main`."""

from __future__ import annotations

from warmline.cli import access, coordinator, lines, operations, rota
from warmline.cli.base import main

__all__ = ["access", "coordinator", "lines", "main", "operations", "rota"]
