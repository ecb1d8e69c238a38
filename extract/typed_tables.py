"""Tables typed as text: « | » between cells, « +----+ » lines between rows.

A bidder who answers in a plain-text editor or an e-mail draws the form's tables
with characters: a « | » between two cells, a border such as « +-----+-----+ »
or « |-----|-----| » above, under or between rows. Those characters are the
table's rules, never part of an answer: this module turns them into
:class:`extract.tokens.Rule` objects (so that :mod:`extract.cells` finds the
cells as it does for drawn tables) and leaves them out of the page's words.

A typed table does not always type a border between its rows; each line is
then a row, unless it only holds text wrapped from the cells of the line above
(each of its first words would not have fitted after the text above it).
"""
from __future__ import annotations

import re
from typing import Sequence

from extract.tokens import Rule, Word

BAR = re.compile(r"^[|¦│]$")
BAR_SIGNS = frozenset("|¦│")  # what a bar's text starts with
BORDER = re.compile(r"^[+|]?(?::?[-=─═]{2,}:?[+|┼]){1,}(?::?[-=─═]{2,}:?)?$")  # « +---+---+ », « |---|---| »
ALIGN = 0.35  # bars of one column line up within this share of a line's height
MIN_LINES = 2  # a column of bars is a table's rule when it runs over this many lines
NEXT_LINE = 2.6  # a bar on the next line stands this many line heights lower at most
SPACE = 1.0  # a space and the bar's own margin, in line heights: what a word needs besides its width to fit


def typed_tables(words: Sequence[Word]) -> tuple[list[Word], list[Rule]]:
    """The words less the typed tables' bars and borders, and the rules those draw."""
    bars = [w for w in words if w.text[:1] in BAR_SIGNS and BAR.match(w.text)]  # most pages have none
    if not bars:
        return list(words), []
    borders = [w for w in words if BORDER.match(w.text)]
    columns = _columns(bars, borders)
    if not columns:
        return list(words), []
    used = {id(w) for column in columns for w in column}
    height = _line_height(bars)
    ruled = [b for b in borders if any(_meets(b, column, height) for column in columns)]
    used |= {id(b) for b in ruled}
    rules = [_vertical(column, ruled, height) for column in columns]
    rules += [_horizontal(b) for b in ruled]
    kept = [w for w in words if id(w) not in used]
    rules += _row_rules(kept, columns, ruled, height)
    return kept, rules


def _line_height(bars: Sequence[Word]) -> float:
    return max(sorted(b.bottom - b.top for b in bars)[len(bars) // 2], 1.0)


def _columns(bars: Sequence[Word], borders: Sequence[Word]) -> list[list[Word]]:
    """The bars that stand one under the other on consecutive lines, column by column
    (top to bottom); a lone « | » in a sentence makes none."""
    height = _line_height(bars)
    columns: list[list[Word]] = []
    for bar in sorted(bars, key=lambda b: (b.top, b.x0)):
        for column in columns:
            last = column[-1]
            if abs(last.centre - bar.centre) < height * ALIGN and 0 < bar.top - last.top < height * NEXT_LINE \
                    or _across_border(last, bar, borders, height):
                column.append(bar)
                break
        else:
            columns.append([bar])
    return [c for c in columns if len(c) >= MIN_LINES]


def _across_border(upper: Word, lower: Word, borders: Sequence[Word], height: float) -> bool:
    """The two bars stand one under the other with only a typed border between them."""
    if abs(upper.centre - lower.centre) >= height * ALIGN or lower.top <= upper.top:
        return False
    return lower.top - upper.bottom < height * NEXT_LINE * 1.5 and any(
        upper.bottom <= b.middle <= lower.top and b.x0 - height <= upper.centre <= b.x1 + height for b in borders)


def _meets(border: Word, column: list[Word], height: float) -> bool:
    """The border runs across the column's line, just above or under its bars."""
    if not border.x0 - height * ALIGN <= column[0].centre <= border.x1 + height * ALIGN:
        return False
    return column[0].top - height * 2 < border.middle < column[-1].bottom + height * 2


def _vertical(column: list[Word], borders: Sequence[Word], height: float) -> Rule:
    """The column's rule, from the border above its first bar to the border under its last."""
    x = column[0].centre
    top, bottom = column[0].top, column[-1].bottom
    above = [b.middle for b in borders if b.middle <= top + 0.5 and top - b.middle < height * 2
             and b.x0 - height <= x <= b.x1 + height]
    below = [b.middle for b in borders if b.middle >= bottom - 0.5 and b.middle - bottom < height * 2
             and b.x0 - height <= x <= b.x1 + height]
    return Rule(x, max(above) if above else top, x, min(below) if below else bottom)


def _horizontal(border: Word) -> Rule:
    """A border's line, from the middle of its first character to the middle of its last."""
    half = (border.x1 - border.x0) / max(len(border.text), 1) / 2
    return Rule(border.x0 + half, border.middle, border.x1 - half, border.middle)


def _row_rules(words: Sequence[Word], columns: list[list[Word]], borders: Sequence[Word],
               height: float) -> list[Rule]:
    """A rule between two lines of a table with no border typed between them, unless the
    lower line goes on with text that wrapped in one of the upper line's cells."""
    rules = []
    for table in _tables(columns):
        xs = sorted(c[0].centre for c in table)
        lines = sorted({round(b.middle, 1): b for c in table for b in c}.values(), key=lambda b: b.middle)
        cells = [_cells_of_line(words, xs, line, height) for line in lines]
        for index in range(1, len(lines)):
            gap = (lines[index - 1].bottom + lines[index].top) / 2
            typed = any(abs(b.middle - gap) < height * 0.9 and b.x0 <= xs[0] + height and b.x1 >= xs[-1] - height
                        for b in borders)
            if typed or _wraps(cells[index - 1], cells[index], xs, height):
                continue
            rules.append(Rule(xs[0], gap, xs[-1], gap))
    return rules


def _cells_of_line(words: Sequence[Word], xs: list[float], line: Word, height: float) -> list[list[Word]]:
    """The words of one typed line between each pair of neighbouring bars, left to right."""
    on_line = sorted((w for w in words if abs(w.middle - line.middle) < height * 0.5), key=lambda w: w.x0)
    return [[w for w in on_line if left < w.centre < right] for left, right in zip(xs, xs[1:])]


def _wraps(upper: list[list[Word]], lower: list[list[Word]], xs: list[float], height: float) -> bool:
    """Whether the lower line only goes on with text wrapped from the upper line's cells: each
    of its cells that holds text starts with a word that would not have fitted after the
    upper cell's last word, before the bar."""
    filled = [column for column, below in enumerate(lower) if below]
    return bool(filled) and all(
        upper[column] and xs[column + 1] - upper[column][-1].x1
        < lower[column][0].x1 - lower[column][0].x0 + height * SPACE for column in filled)


def _tables(columns: list[list[Word]]) -> list[list[list[Word]]]:
    """Columns of bars that share lines, grouped into tables."""
    tables: list[list[list[Word]]] = []
    for column in sorted(columns, key=lambda c: c[0].top):
        span = (column[0].top, column[-1].bottom)
        for table in tables:
            if any(c[0].top < span[1] and span[0] < c[-1].bottom for c in table):
                table.append(column)
                break
        else:
            tables.append([column])
    return tables

