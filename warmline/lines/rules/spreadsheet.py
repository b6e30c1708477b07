"""Spreadsheet cells: which would run as a formula, and how to write one so it never does."""

from __future__ import annotations

# A spreadsheet evaluates a cell that starts with any of these (a leading tab or CR hides one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula(cell: str) -> bool:
    """True when a spreadsheet would read `cell` as a formula rather than as text."""
    return cell.startswith(FORMULA_STARTS)


def inert(cell: str) -> str:
    """`cell` as a spreadsheet shows it literally: a formula gets a leading apostrophe."""
    return "'" + cell if is_formula(cell) else cell
