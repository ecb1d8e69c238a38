"""The gutters between a page's text columns.

A re-typed form set like a newspaper (two columns of labels, each answer on the
line under its label) puts the right column's words on the same lines as the
left column's: read to the page's edge, « Cadres – femmes » would take the
right column's policy text as its head count. A gutter is a vertical strip that
no word crosses over many lines, with text on both sides and, on each side,
printed labels of the form starting their lines: a bidder's answers aligned
right of their labels (a platform's receipt, a spreadsheet's column B) hold no
labels, and make no gutter.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from extract.labels import GROUP_GAP
from extract.tokens import BBox, Page, Word, lines_of

MIN_LINES = 6  # a column runs over at least this many lines on each side of its gutter
MIN_LABELS = 2  # ...and holds at least this many of the form's labels starting their line
ALIGNED = 1.5  # points: the right column's lines start at its left edge within this


@dataclass(frozen=True)
class Gutter:
    """A gutter: the right column starts at ``x``, from ``top`` to ``bottom`` of the page."""

    x: float
    top: float
    bottom: float


def find_gutters(page: Page, labels: Sequence[BBox]) -> list[Gutter]:
    """The page's gutters; ``labels``: the boxes of the form's labels that start their text group."""
    lines = lines_of(page, [w for w in page.words if w.top == w.top])
    found: list[Gutter] = []
    for x in _aligned_starts(lines, page.width):
        if _labelled(Gutter(x, -math.inf, math.inf), labels, x):  # else no run of lines at x can be
            found += [g for g in _runs(lines, x) if _labelled(g, labels, x)]
    return found


def column_end(gutters: Sequence[Gutter], x: float, top: float) -> float | None:
    """Where the text column holding a point at ``x`` on a line at ``top`` ends: the nearest
    gutter right of it whose run covers that line, else None."""
    ends = [g.x - 0.5 for g in gutters if g.x > x + ALIGNED and g.top - 0.5 <= top <= g.bottom]
    return min(ends, default=None)


def _group_starts(line: list[Word]) -> list[float]:
    """The left edges of a line's text groups (its start, and every word after a wide gap)."""
    return [w.x0 for i, w in enumerate(line)
            if i == 0 or w.x0 - line[i - 1].x1 > (w.bottom - w.top) * GROUP_GAP]


def _aligned_starts(lines: list[list[Word]], width: float) -> list[float]:
    """Left edges where at least :data:`MIN_LINES` text groups start (not the page's left margin:
    a column's edge has text on its left)."""
    starts = sorted(x for line in lines for x in _group_starts(line) if x > width * 0.2)
    edges, index = [], 0
    while index < len(starts):
        end = index
        while end + 1 < len(starts) and starts[end + 1] - starts[index] <= ALIGNED:
            end += 1
        if end - index + 1 >= MIN_LINES:
            edges.append(starts[index])
        index = end + 1
    return edges


def _runs(lines: list[list[Word]], x: float) -> list[Gutter]:
    """The runs of consecutive lines that no word crosses at ``x``, with text left of it on
    :data:`MIN_LINES` lines and groups starting at it on as many."""
    runs, current = [], []
    for line in lines + [None]:
        if line is not None and not any(w.x0 < x - 0.5 and w.x1 > x + 0.5 for w in line):
            current.append(line)
            continue
        left = sum(1 for l in current if any(w.x1 <= x for w in l))
        right = sum(1 for l in current if any(abs(s - x) <= ALIGNED for s in _group_starts(l)))
        if left >= MIN_LINES and right >= MIN_LINES:
            runs.append(Gutter(x, min(w.top for w in current[0]), max(w.bottom for w in current[-1])))
        current = []
    return runs


def _labelled(gutter: Gutter, labels: Sequence[BBox], x: float) -> bool:
    """Whether labels of the form start their lines on both sides of the gutter."""
    inside = [b for b in labels if gutter.top - 0.5 <= b[1] <= gutter.bottom]
    right = sum(1 for b in inside if abs(b[0] - x) <= ALIGNED)
    left = sum(1 for b in inside if b[2] <= x)
    return left >= MIN_LABELS and right >= MIN_LABELS
