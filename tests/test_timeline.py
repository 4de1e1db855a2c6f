"""The terminal timeline: one bar per period, every period shown, fitted to the width."""

from __future__ import annotations


def test_bars_for_a_fixture(run) -> None:
    # 40 columns: 5 for the label, 1 for the count, 3 spaces, 31 for the longest bar (5 events).
    result = run("timeline", "--by", "decade", "-f", "table", env={"COLUMNS": "40"})
    assert result.exit_code == 0
    full = "\u2588"
    assert result.stdout == (
        "1910s " + full * 6 + "\u258e" + " " * 24 + " 1\n"  # 6.2 cells: six full blocks and a quarter
        "1920s " + full * 12 + "\u258d" + " " * 18 + " 2\n"  # 12.4 cells
        "1930s " + full * 31 + " 5\n"
    )


def test_every_year_shown_with_zero_counts(run) -> None:
    rows = [line.split("\t") for line in run("timeline", "-f", "tsv").stdout.splitlines()]
    assert rows[0] == ["year", "count"]
    years = [int(r[0]) for r in rows[1:]]
    assert years == list(range(1917, 1937))
    counts = dict((int(y), int(c)) for y, c in rows[1:])
    assert counts[1924] == 2 and counts[1918] == 0 and counts[1936] == 1
    assert sum(counts.values()) == 8


def test_months_and_filters(run) -> None:
    rows = run("timeline", "--by", "month", "--from", "1934-10", "--to", "1935-01", "-f", "csv").stdout.splitlines()
    # The chistka (1932-1935) overlaps the range and counts in its first month; Kirov's murder in December.
    assert rows == ["month,count", "1934-10,1", "1934-11,0", "1934-12,1", "1935-01,0"]


def test_ascii_bars_when_the_terminal_cannot_show_blocks(run) -> None:
    from chrono.output.timeline import bar_chart

    assert bar_chart([("1930", 2), ("1931", 1)], 20, ascii_only=True) == "1930 ############ 2\n1931 ######       1"


def test_nothing_to_draw(run) -> None:
    result = run("timeline", "--year", "1800", "-f", "table")
    assert result.exit_code == 1
