"""Small charts drawn as SVG on the server: counts and durations only, never personal data."""

from __future__ import annotations

from collections.abc import Sequence

from babel.numbers import format_decimal
from markupsafe import Markup, escape

# Drawn at a phone card's width, so the text stays legible there; wider cards scale it up.
WIDTH, HEIGHT = 360, 220
MAX_X_LABELS = 5
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 34, 34
INK, MUTED, GRID = "#1c2830", "#4d5b66", "#d5d9dc"
# Each at least 3:1 against white (WCAG 1.4.11 for graphics).
SERIES = ("#0b615c", "#2f6db3", "#9b1c22")
STEPS = (1, 2, 5, 10, 15, 20, 30, 50, 60, 100, 120, 200, 300, 500, 600, 1000, 1200, 1800, 3600)
# Seconds that read well on a time axis: 15 s, 30 s, then whole minutes.
DURATION_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 180, 300, 600, 900, 1800, 3600)


def bars(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    locale: str = "en",
) -> Markup:
    """Grouped bars, one group per label; each series a colour, with a legend; numbers in
    `locale`."""
    top = _nice(max((v for _, values in series for v in values), default=0))
    plot_w = WIDTH - LEFT - RIGHT
    group = plot_w / max(1, len(labels))
    bar = max(1.0, group * 0.8 / max(1, len(series)))
    parts = [_frame(title, top, len(series) > 1, series, locale=locale)]
    for i, _label in enumerate(labels):
        for s, (_name, values) in enumerate(series):
            value = values[i]
            h = (HEIGHT - TOP - BOTTOM) * (value / top if top else 0)
            x = LEFT + i * group + group * 0.1 + s * bar
            parts.append(
                f'<rect x="{x:.1f}" y="{HEIGHT - BOTTOM - h:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}" fill="{SERIES[s % len(SERIES)]}"/>'
            )
    parts.append(_x_labels(labels, group))
    return _svg(title, parts)


def lines(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    unit: str,
    locale: str = "en",
) -> Markup:
    """One line per series over the labels; days with no value leave a break."""
    top = _nice(
        max((v for _, values in series for v in values if v is not None), default=0),
        DURATION_STEPS if unit == "s" else STEPS,
    )
    plot_w = WIDTH - LEFT - RIGHT
    step = plot_w / max(1, len(labels))
    parts = [_frame(title, top, True, series, unit, locale)]
    # The first series is drawn last, so it stays visible where the others meet it.
    for s, (_name, values) in reversed(list(enumerate(series))):
        path: list[str] = []
        for i, value in enumerate(values):
            if value is None:
                if len(path) > 0:
                    parts.append(_polyline(path, SERIES[s * 2 % len(SERIES)]))
                path = []
                continue
            x = LEFT + step * (i + 0.5)
            y = HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * (value / top if top else 0)
            path.append(f"{x:.1f},{y:.1f}")
            colour = SERIES[s * 2 % len(SERIES)]
            # Later series get hollow, larger rings: told apart by shape as well as colour.
            mark = (
                f'r="3" fill="{colour}"'
                if s == 0
                else f'r="5" fill="none" stroke="{colour}" stroke-width="2"'
            )
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" {mark}/>')
        if path:
            parts.append(_polyline(path, SERIES[s * 2 % len(SERIES)]))
    parts.append(_x_labels(labels, step))
    return _svg(title, parts)


def _svg(title: str, parts: list[str]) -> Markup:
    body = "".join(parts)
    return Markup(
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" preserveAspectRatio="xMidYMid meet" '
        f'role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" font-size="13">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def _frame(
    title: str,
    top: float,
    legend: bool,
    series: Sequence[tuple[str, Sequence[float | None]]],
    unit: str = "",
    locale: str = "en",
) -> str:
    out = []
    for k in range(5):
        value = top * k / 4
        y = HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * k / 4
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
        )
        out.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">'
            f"{escape(_tick(value, unit, locale))}</text>"
        )
    if legend:
        x, y = LEFT, 4
        for s, (name, _) in enumerate(series):
            colour = SERIES[s * (2 if unit else 1) % len(SERIES)]
            width = 26 + 7 * len(name)
            if x > LEFT and x + width - 10 > WIDTH - RIGHT:
                x, y = LEFT, y + 15  # longer words (Spanish) wrap to a second row of the legend
            out.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}"/>')
            out.append(f'<text x="{x + 16}" y="{y + 11}" fill="{INK}">{escape(name)}</text>')
            x += width
    return "".join(out)


def _x_labels(labels: Sequence[str], step: float) -> str:
    # A few labels only, so they never overlap at a phone's width.
    every = max(1, -(-len(labels) // MAX_X_LABELS))
    return "".join(
        f'<text x="{LEFT + step * (i + 0.5):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" '
        f'fill="{MUTED}">{escape(label)}</text>'
        for i, label in enumerate(labels)
        if i % every == 0
    )


def _polyline(points: list[str], colour: str) -> str:
    return f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" stroke-width="2"/>'


def _nice(value: float, steps: Sequence[float] = ()) -> float:
    """A round top for the axis at or above `value`: four steps of a round size."""
    if value <= 0:
        return 4  # an empty chart still gets whole-number ticks
    for step in steps or STEPS:
        if value <= step * 4:
            return step * 4
    return value * 1.1


def _tick(value: float, unit: str, locale: str = "en") -> str:
    if unit == "s":
        # Duration steps are whole minutes from a minute up, so a tick never rounds.
        return f"{value / 60:g}m" if value >= 60 else f"{value:.0f}s"
    return str(format_decimal(round(value), locale=locale))
