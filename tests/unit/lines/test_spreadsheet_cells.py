"""Cells written to a CSV file are never run as formulas by the spreadsheet that opens it."""

from __future__ import annotations

import pytest

from warmline.lines.rules.spreadsheet import inert, is_formula


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("Sam", "Sam"),
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Jo = Joanna", "Jo = Joanna"),
        ("", ""),
    ],
)
def test_a_formula_cell_is_written_so_it_shows_as_text(cell: str, written: str) -> None:
    assert inert(cell) == written
    assert is_formula(cell) == (written != cell)
