"""How the dashboard writes durations and draws charts."""

from __future__ import annotations

import re

import pytest

from warmline.dashboard import charts
from warmline.dashboard.present import duration


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (0, "0 s"),
        (59.9, "59 s"),
        (60, "1 min 00 s"),
        (65, "1 min 05 s"),
        (3600, "1 h 00 min"),
        (-3, "0 s"),
    ],
)
def test_waits_read_as_a_person_would_say_them(seconds: float, said: str) -> None:
    assert duration(seconds) == said


def test_chart_labels_are_escaped_and_bars_scale_to_the_largest_value() -> None:
    svg = str(charts.bars("Texts <per> day", ["<b>", "Tue"], [("Texts", [2, 8])]))
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "Texts &lt;per&gt; day" in svg
    heights = [
        float(h)
        for h in re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)"', svg)
    ]
    assert heights[1] == pytest.approx(heights[0] * 4)


def test_a_day_without_a_wait_breaks_the_line_instead_of_drawing_zero() -> None:
    svg = str(charts.lines("Waits", ["a", "b", "c"], [("Median", [30, None, 60])], unit="s"))
    assert svg.count("<polyline") == 2 and svg.count("<circle") == 2


@pytest.mark.parametrize(
    ("longest", "ticks"),
    [
        (40, ["0s", "10s", "20s", "30s", "40s"]),
        (59, ["0s", "15s", "30s", "45s", "1m"]),
        (260, ["0s", "2m", "4m", "6m", "8m"]),
        (2000, ["0s", "10m", "20m", "30m", "40m"]),
    ],
)
def test_a_wait_axis_ticks_in_whole_minutes_never_rounded_seconds(
    longest: float, ticks: list[str]
) -> None:
    svg = str(charts.lines("Waits", ["a"], [("Median", [longest])], unit="s"))
    assert re.findall(r'text-anchor="end" fill="[^"]+">([^<]+)<', svg) == ticks


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("Sam", "Sam"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_kept_as_text(cell: str, written: str) -> None:
    import csv

    from warmline.dashboard.log_page import _csv_lines

    (row,) = csv.reader(_csv_lines([[cell, "Sam"]]).splitlines())
    assert row == [written, "Sam"]
