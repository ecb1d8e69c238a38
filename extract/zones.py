"""Answer zones computed from where the labels stand.

Nothing here knows the coordinates of any template: a zone is always built
from the labels found on the page (a line's rest after its label, the block
between a label and the next, a table cell between its row label and its
column header), so any layout with the same labels works.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Sequence

from extract.labels import MARGIN, Match
from extract.tokens import BBox, Page, Word

COLON = re.compile(r"^:+$")
PAD = 2.5  # points around a text line, so a taller widget rectangle still falls inside
BELOW_REACH = 2.2  # the line under a label starts within this many line heights of it


@dataclass(frozen=True)
class Zone:
    page: Page
    bbox: BBox


def rest_of_line(match: Match, stop: float | None = None) -> Zone:
    """From the label's last word, and the colon printed after it, to ``stop`` (or the page's
    right edge), on that word's line (a wrapped label's answer follows its last line)."""
    last = match.words[-1]
    return Zone(match.page, (_label_end(match) + 0.5, last.top - PAD,
                             stop if stop is not None else match.page.width, last.bottom + PAD))


def _label_end(match: Match) -> float:
    """Where the label ends: its last word, or the colon printed right after it (« Note : 86 »),
    which is the label's: on a scan, a zone holding it reads the colon's dots as ink beside a
    number that no figure accounts for, and doubts the number."""
    last = match.words[-1]
    height = last.bottom - last.top
    following = match.page.printed_in((last.x1, last.top, last.x1 + 2 * height, last.bottom))
    colon = next((w for w in following if w.x0 >= last.x1 - 0.5), None)
    if colon is not None and COLON.match(colon.text) and colon.x0 - last.x1 < height:
        return colon.x1
    return last.x1


def line_below_at(page: Page, bottom: float, height: float, left: float, right: float | None = None) -> Zone:
    """The text line just under ``bottom`` (a line of ``height``), from ``left`` on; widened to
    the whole of that line when it stands lower than usual (paragraphs spaced apart), so that
    the band never cuts a line in two. ``right``: where the next label on the label's line
    starts (labels side by side over their boxes)."""
    right = page.width if right is None else right
    band = (left - PAD, bottom + 0.5, right, bottom + height * 1.9)
    tops, ordered = page.derived("by_top", _by_top)
    starting = ordered[bisect_right(tops, bottom + 0.5):bisect_left(tops, bottom + height * BELOW_REACH)]
    below = [w for w in starting if left < w.x1 and w.x0 < right]
    if below:
        first = min(w.top for w in below)
        line = [w for w in below if w.top < first + height * 0.5]
        if any(w.middle > band[3] for w in line):  # the band would leave some of the line's words out
            band = (band[0], first - 0.5, band[2], max(w.bottom for w in line) + 0.5)
    return Zone(page, band)


def _by_top(page: Page) -> tuple[list[float], list[Word]]:
    """The page's words by their top (a word without a top, NaN, stands on no line)."""
    ordered = sorted((w for w in page.words if w.top == w.top), key=lambda w: w.top)
    return [w.top for w in ordered], ordered


def block_between(start: Match, end: Match | None) -> list[Zone]:
    """The text block below ``start`` up to ``end`` (exclusive), across a page break if needed.

    Across a break, the running footer and header bands are left out (on a
    scan they are read a little differently on each page, so they cannot be
    recognised as repeated text).
    """
    first_page, last_page = start.page, end.page if end else start.page
    top = max(w.bottom for w in start.words) + 0.5  # the match's own lines, not the lines stacked with it
    if first_page is last_page:
        bottom = end.line.top - 0.5 if end else first_page.height * (1 - MARGIN)
        return [Zone(first_page, (0, top, first_page.width, bottom))]
    return [Zone(first_page, (0, top, first_page.width, first_page.height * (1 - MARGIN))),
            Zone(last_page, (0, last_page.height * MARGIN, last_page.width, end.line.top - 0.5))]


@dataclass(frozen=True)
class Grid:
    """A table's cells, from its column headers and row labels.

    ``transposed``: the page shows the form's rows as columns (genders as rows,
    categories as columns); lookups by the form's row and column ids swap then.
    """

    columns: dict[str, tuple[float, float]]  # id -> (x0, x1), as printed
    rows: dict[str, tuple[float, float]]  # id -> (top, bottom), as printed
    page: Page
    transposed: bool = False
    labels: dict[str, Match] = field(default_factory=dict, compare=False)  # printed row id -> its label

    def cell(self, row: str, column: str) -> Zone | None:
        if self.transposed:
            row, column = column, row
        if row not in self.rows or column not in self.columns:
            return None
        (x0, x1), (top, bottom) = self.columns[column], self.rows[row]
        return Zone(self.page, (x0, top, x1, bottom))

    def row_zone(self, row: str) -> Zone | None:
        """The cells of one of the form's rows (a printed column when transposed)."""
        if self.transposed:
            if row not in self.columns or not self.rows:
                return None
            x0, x1 = self.columns[row]
            return Zone(self.page, (x0, min(a for a, _ in self.rows.values()), x1,
                                    max(b for _, b in self.rows.values())))
        if row not in self.rows or not self.columns:
            return None
        top, bottom = self.rows[row]
        return Zone(self.page, (min(a for a, _ in self.columns.values()), top,
                                max(b for _, b in self.columns.values()), bottom))

    @property
    def size(self) -> int:
        return len(self.rows) * len(self.columns)


def spans(centres: Sequence[tuple[str, float]], first_edge: float | None = None,
          last_edge: float | None = None) -> dict[str, tuple[float, float]]:
    """Intervals around ordered centres, split at the midpoints between neighbours."""
    ordered = sorted(centres, key=lambda item: item[1])
    result = {}
    for index, (name, centre) in enumerate(ordered):
        before = ordered[index - 1][1] if index else None
        after = ordered[index + 1][1] if index + 1 < len(ordered) else None
        low = (before + centre) / 2 if before is not None else (
            first_edge if first_edge is not None else centre - (after - centre) / 2 if after else centre - 20)
        high = (centre + after) / 2 if after is not None else (
            last_edge if last_edge is not None else centre + (centre - before) / 2 if before else centre + 20)
        result[name] = (low, high)
    return result
