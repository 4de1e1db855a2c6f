"""The HTML export: one self-contained page drawing the events on a time axis, with their details below.

Years are placed by their astronomical number, so the axis runs straight across the era boundary and
into deep time; its ticks fall on round years as people name them (500 BC, AD 1, 1900, 4 million years
ago). Every piece of text on the page passes through html_text (or html_attribute inside an attribute).
"""

from __future__ import annotations

from typing import IO

from chrono import __version__
from chrono.dates.days import Day, is_leap
from chrono.dates.edtf import Span, parse_edtf
from chrono.dates.human import human, year_text
from chrono.model import Chronology, Event
from chrono.output.escape import html_attribute, html_text

PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
    "#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf", "#aec7e8",
)
OTHER = "#9a9a9a"
LANE = 16
BAR = 10
AXIS = 34
ERA_BAND = 16
MARGIN = 20
MIN_SPAN_PX = 9
MIN_TICK_PX = 70


def _year_fraction(d: Day) -> float:
    """A day as a number of years (astronomical), so that positions on the axis are proportional to time."""
    days = 366 if is_leap(d.year) else 365
    return d.year + (d.ordinal() - Day(d.year, 1, 1).ordinal()) / days


def _tick_step(years: float, width: float, label: int = 0) -> int:
    """The smallest step of 1, 2 or 5 times a power of ten whose ticks are far enough apart for labels of this
    many characters (and at least MIN_TICK_PX)."""
    step = 1
    while width / max(years / step, 1) < max(MIN_TICK_PX, 7 * label + 12):
        step = step * 5 // 2 if str(step)[0] == "2" else step * 2
    return step


def _ticks(first: int, last: int, step: int) -> list[int]:
    """Round years between first and last as people count them: n * step AD, and n * step BC (1 - n * step)."""
    ticks = [y for y in range(max(first // step, 1) * step, last + 1, step) if y >= first]
    bc = 1 - first  # the BC number of the first year
    if bc >= 1:
        start = max((1 - last) // step * step, step)
        ticks += [1 - n for n in range(start, bc + 1, step) if first <= 1 - n <= last]
    if first <= 1 <= last and step > 1 and 1 not in ticks and 0 not in ticks:
        ticks.append(1)
    return sorted(set(ticks))


def _bounds(span: Span) -> tuple[Day, Day]:
    first, last = span.earliest or span.latest, span.latest or span.earliest
    assert first is not None and last is not None
    return first, last


def render_page(events: list[Event], chron: Chronology, out: IO[str]) -> int:
    """Write the page; return the number of events drawn."""
    placed = []
    for e in events:
        span = parse_edtf(e.date)
        first, last = _bounds(span)
        qualified = any(p is not None and p.qualifier for p in (span.start, span.end))
        placed.append((e, _year_fraction(first), _year_fraction(last) + 1 / 365, span, qualified))
    eras = []
    for era in chron.eras:
        first, last = _bounds(parse_edtf(era["date"]))
        eras.append((era.get("title", ""), _year_fraction(first), _year_fraction(last) + 1 / 365))
    title = chron.title or "Chronology"
    ends = [p[1] for p in placed] + [p[2] for p in placed] + [e[1] for e in eras] + [e[2] for e in eras]
    low, high = (min(ends), max(ends)) if ends else (0.0, 1.0)
    first_year = int(low // 1)
    last_year = int(high // 1) + 1
    years = max(last_year - first_year, 1)
    width = float(min(max(1000, years * 14), 12000))
    scale = width / years
    top = AXIS + (ERA_BAND if eras else 0)

    def x(value: float) -> float:
        return MARGIN + (value - first_year) * scale

    tag_counts: dict[str, int] = {}
    for e, *_ in placed:
        if e.tags:
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
    height = top + max(len(lanes), 1) * LANE + MARGIN
    total_width = width + 2 * MARGIN

    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{total_width:.0f}" height="{height}" '
           f'viewBox="0 0 {total_width:.0f} {height}" role="img" aria-label="{html_attribute(title)}: timeline">']
    for name, start, end in eras:
        x0, x1 = x(start), max(x(end), x(start) + 1)
        svg.append(f'<g class="era-group"><title>{html_attribute(name)}</title>'
                   f'<rect class="era" x="{x0:.1f}" y="{AXIS - 4}" width="{x1 - x0:.1f}" '
                   f'height="{height - AXIS - MARGIN + 10}"/>'
                   f'<text class="era-name" x="{x0 + 3:.1f}" y="{AXIS + 8}">{html_text(name)}</text></g>')
    label_width = max(len(year_text(first_year)), len(year_text(last_year)))
    for tick in _ticks(first_year, last_year, _tick_step(years, width, label_width)):
        tx = x(tick)
        svg.append(f'<line class="grid" x1="{tx:.1f}" y1="{AXIS - 6}" x2="{tx:.1f}" y2="{height - MARGIN + 6}"/>')
        svg.append(f'<text class="year" x="{tx:.1f}" y="{AXIS - 12}">{html_text(year_text(tick))}</text>')
    for e, x0, x1, lane, span, qualified in bars:
        y = top + lane * LANE
        colour = colours.get(e.tags[0], OTHER) if e.tags else OTHER
        classes = ["ev", f"p-{span.precision}"]
        if qualified:
            classes.append("fuzzy")
        if span.is_interval and (span.start is None or span.end is None):
            classes.append("open")
        label = f"{human(e.date, e.date_os)}: {e.title}"
        svg.append(f'<a href="#ev-{html_attribute(e.id)}" class="{" ".join(classes)}" '
                   f'data-id="{html_attribute(e.id)}"><title>{html_attribute(label)}</title>')
        if span.precision == "day" and not span.is_interval:
            cx = (x0 + x0 + MIN_SPAN_PX) / 2
            svg.append(f'<circle cx="{cx:.1f}" cy="{y + BAR / 2}" r="{BAR / 2}" fill="{colour}"/>')
        else:
            svg.append(f'<rect x="{x0:.1f}" y="{y}" width="{x1 - x0:.1f}" height="{BAR}" rx="2" fill="{colour}"/>')
        svg.append("</a>")
    svg.append("</svg>")

    legend = "".join(
        f'<li><span class="swatch" style="background:{colours[t]}"></span>{html_text(t)} ({tag_counts[t]})</li>'
        for t in ranked[: len(PALETTE)]
    )
    if len(ranked) > len(PALETTE) or any(not e.tags for e in events) and ranked:
        legend += f'<li><span class="swatch" style="background:{OTHER}"></span>other</li>'

    page = PAGE.format(
        title=html_text(title),
        description=html_text(chron.description),
        count=len(events),
        span=f", {html_text(year_text(first_year))}\u2013{html_text(year_text(last_year - 1))}" if events else "",
        svg="\n".join(svg),
        legend=legend,
        details="\n".join(_details(e, colours) for e in events),
        version=__version__,
    )
    out.write(page)
    return len(events)


def _details(e: Event, colours: dict[str, str]) -> str:
    """One event's entry in the list below the axis."""
    from chrono.output.render import source_text

    tags = [f'<span class="tag" style="border-color:{colours.get(t, OTHER)}">{html_text(t)}</span>' for t in e.tags]
    rows = [f"<p>{html_text(e.summary)}</p>"] if e.summary else []
    if tags:
        rows.append(f'<p class="meta">{" ".join(tags)}</p>')
    if e.people:
        rows.append(f"<p><b>People:</b> {html_text(', '.join(e.people))}</p>")
    if e.places:
        rows.append(f"<p><b>Places:</b> {html_text(', '.join(e.places))}</p>")
    if e.certainty:
        rows.append(f'<p class="note"><b>{html_text(e.certainty.capitalize())}:</b> {html_text(e.note or "")}</p>')
    elif e.note:
        rows.append(f'<p class="note">{html_text(e.note)}</p>')
    if e.sources:
        rows.append("<p><b>Sources:</b> " + "; ".join(html_text(source_text(s)) for s in e.sources) + "</p>")
    return (f'<li id="ev-{html_attribute(e.id)}"><p class="when">{html_text(human(e.date, e.date_os))} '
            f'<span class="precision">{html_text(e.precision)}; <code>{html_text(e.date)}</code></span></p>'
            f"<h3>{html_text(e.title)}</h3>{''.join(rows)}</li>")


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
.era {{ fill: #e8eef7; }}
.era-name {{ font-size: 11px; fill: #47617f; }}
p {{ margin: 4px 0; }}
</style>
</head>
<body>
<header>
<h1>{title}</h1>
<p class="sub">{description}</p>
<p class="sub">{count} events{span}. Bars span each event's possible dates; dots are single days;
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
