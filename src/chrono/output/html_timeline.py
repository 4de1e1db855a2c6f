"""The HTML export: one self-contained page drawing the events on a year axis, with their details below."""

from __future__ import annotations

import html
from datetime import date
from typing import IO

from chrono import __version__
from chrono.dates.edtf import human, parse_edtf
from chrono.model import Chronology, Event

PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
    "#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf", "#aec7e8",
)
OTHER = "#9a9a9a"
LANE = 16
BAR = 10
AXIS = 34
MARGIN = 20
MIN_SPAN_PX = 9


def _esc(text: str) -> str:
    from chrono.output.escape import escape_text

    return html.escape(escape_text(text))


def _year_fraction(d: date) -> float:
    start = date(d.year, 1, 1).toordinal()
    days = 366 if (d.year % 4 == 0 and (d.year % 100 != 0 or d.year % 400 == 0)) else 365
    return d.year + (d.toordinal() - start) / days


def _tick_step(years: float, width: float) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000):
        if width / (years / step) >= 60:
            return step
    return 1000


def render_page(events: list[Event], chron: Chronology, out: IO[str]) -> int:
    """Write the page; return the number of events drawn."""
    placed = []
    for e in events:
        span = parse_edtf(e.date)
        first = span.earliest or span.latest
        last = span.latest or span.earliest
        assert first is not None and last is not None
        qualified = any(p is not None and p.qualifier for p in (span.start, span.end))
        placed.append((e, _year_fraction(first), _year_fraction(last) + 1 / 365, span, qualified))
    title = chron.title or "Chronology"
    if not placed:
        low, high = 0.0, 1.0
    else:
        low = min(p[1] for p in placed)
        high = max(p[2] for p in placed)
    first_year = int(low)
    last_year = int(high) + 1
    years = max(last_year - first_year, 1)
    width = float(min(max(1000, years * 14), 12000))
    scale = width / years

    def x(value: float) -> float:
        return MARGIN + (value - first_year) * scale

    tag_counts: dict[str, int] = {}
    for e, *_ in placed:
        tag_counts[e.tags[0]] = tag_counts.get(e.tags[0], 0) + 1
    ranked = sorted(tag_counts, key=lambda t: (-tag_counts[t], t))
    colours = {t: PALETTE[i] for i, t in enumerate(ranked[: len(PALETTE)])}

    lanes: list[float] = []
    bars = []
    for e, start, end, span, qualified in sorted(placed, key=lambda p: (p[1], p[2], p[0].id)):
        x0 = x(start)
        x1 = max(x(end), x0 + MIN_SPAN_PX)
        for lane, lane_end in enumerate(lanes):
            if lane_end + 3 <= x0:
                lanes[lane] = x1
                break
        else:
            lane = len(lanes)
            lanes.append(x1)
        bars.append((e, x0, x1, lane, span, qualified))
    height = AXIS + max(len(lanes), 1) * LANE + MARGIN
    total_width = width + 2 * MARGIN

    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{total_width:.0f}" height="{height}" '
           f'viewBox="0 0 {total_width:.0f} {height}" role="img" aria-label="{_esc(title)}: timeline">']
    step = _tick_step(years, width)
    tick = (first_year // step) * step
    while tick <= last_year:
        if tick >= first_year:
            tx = x(tick)
            svg.append(f'<line class="grid" x1="{tx:.1f}" y1="{AXIS - 6}" x2="{tx:.1f}" y2="{height - MARGIN + 6}"/>')
            svg.append(f'<text class="year" x="{tx:.1f}" y="{AXIS - 12}">{tick}</text>')
        tick += step
    for e, x0, x1, lane, span, qualified in bars:
        y = AXIS + lane * LANE
        colour = colours.get(e.tags[0], OTHER)
        label = f"{human(e.date, e.date_os)}: {e.title}"
        classes = ["ev", f"p-{span.precision}"]
        if qualified:
            classes.append("fuzzy")
        if span.is_interval and (span.start is None or span.end is None):
            classes.append("open")
        svg.append(f'<a href="#ev-{_esc(e.id)}" class="{" ".join(classes)}" data-id="{_esc(e.id)}">'
                   f"<title>{_esc(label)}</title>")
        if span.precision == "day" and not span.is_interval:
            cx = (x0 + x0 + MIN_SPAN_PX) / 2
            svg.append(f'<circle cx="{cx:.1f}" cy="{y + BAR / 2}" r="{BAR / 2}" fill="{colour}"/>')
        else:
            svg.append(f'<rect x="{x0:.1f}" y="{y}" width="{x1 - x0:.1f}" height="{BAR}" rx="2" fill="{colour}"/>')
        svg.append("</a>")
    svg.append("</svg>")

    legend = "".join(
        f'<li><span class="swatch" style="background:{colours[t]}"></span>{_esc(t)} ({tag_counts[t]})</li>'
        for t in ranked[: len(PALETTE)]
    )
    if len(ranked) > len(PALETTE):
        legend += f'<li><span class="swatch" style="background:{OTHER}"></span>other tags</li>'

    from chrono.output.render import source_text

    details = []
    for e in events:
        meta = [f'<span class="tag" style="border-color:{colours.get(t, OTHER)}">{_esc(t)}</span>' for t in e.tags]
        rows = [f"<p>{_esc(e.summary)}</p>", f'<p class="meta">{" ".join(meta)}</p>']
        if e.people:
            rows.append(f"<p><b>People:</b> {_esc(', '.join(e.people))}</p>")
        if e.places:
            rows.append(f"<p><b>Places:</b> {_esc(', '.join(e.places))}</p>")
        if e.certainty:
            rows.append(f'<p class="note"><b>{_esc(e.certainty.capitalize())}:</b> {_esc(e.note or "")}</p>')
        elif e.note:
            rows.append(f'<p class="note">{_esc(e.note)}</p>')
        rows.append("<p><b>Sources:</b> " + "; ".join(_esc(source_text(s)) for s in e.sources) + "</p>")
        details.append(
            f'<li id="ev-{_esc(e.id)}"><p class="when">{_esc(human(e.date, e.date_os))} '
            f'<span class="precision">{_esc(e.precision)}; <code>{_esc(e.date)}</code></span></p>'
            f"<h3>{_esc(e.title)}</h3>{''.join(rows)}</li>"
        )
    page = PAGE.format(
        title=_esc(title),
        description=_esc(chron.description),
        count=len(events),
        span=f"{first_year}\u2013{last_year - 1}" if events else "",
        svg="\n".join(svg),
        legend=legend,
        details="\n".join(details),
        version=__version__,
    )
    out.write(page)
    return len(events)


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="chrono {version}">
<title>{title}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #222; background: #fff; }}
header {{ padding: 16px 24px 4px; }}
h1 {{ font-size: 1.5em; margin: 0 0 4px; }}
.sub {{ color: #555; margin: 0 0 8px; max-width: 60em; }}
.scroll {{ overflow-x: auto; border-top: 1px solid #ddd; border-bottom: 1px solid #ddd; background: #fafafa; }}
svg {{ display: block; }}
.grid {{ stroke: #ddd; stroke-width: 1; }}
.year {{ font-size: 11px; fill: #555; text-anchor: middle; }}
.ev rect, .ev circle {{ stroke: rgba(0,0,0,.35); stroke-width: .6; }}
.ev.fuzzy rect, .ev.fuzzy circle {{ fill-opacity: .45; stroke-dasharray: 2 2; }}
.ev.open rect {{ stroke-dasharray: 6 2; }}
.ev.p-decade rect, .ev.p-year rect {{ fill-opacity: .7; }}
.ev:hover rect, .ev:hover circle {{ stroke: #000; stroke-width: 1.5; }}
.legend {{ list-style: none; display: flex; flex-wrap: wrap; gap: 4px 16px; padding: 8px 24px; margin: 0;
          font-size: .85em; }}
.swatch {{ display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 4px;
          vertical-align: -1px; }}
.key {{ padding: 0 24px; font-size: .85em; color: #555; }}
ol.events {{ list-style: none; padding: 0 24px; max-width: 60em; }}
ol.events li {{ border-bottom: 1px solid #eee; padding: 8px 0; }}
ol.events li:target {{ background: #fff8d6; }}
.when {{ margin: 0; font-weight: 600; color: #444; }}
.precision {{ font-weight: normal; color: #777; font-size: .85em; }}
h3 {{ margin: 2px 0 4px; font-size: 1.05em; }}
.tag {{ border-left: 6px solid; padding: 0 6px; margin-right: 6px; font-size: .85em; background: #f3f3f3; }}
.note {{ color: #6b4e00; }}
p {{ margin: 4px 0; }}
</style>
</head>
<body>
<header>
<h1>{title}</h1>
<p class="sub">{description}</p>
<p class="sub">{count} events, {span}. Bars span each event's possible dates; dots are single days;
faded, dashed bars are approximate or uncertain; colours are the first tag. Click an event for its details.</p>
</header>
<div class="scroll">
{svg}
</div>
<ul class="legend">{legend}</ul>
<ol class="events">
{details}
</ol>
</body>
</html>
"""
