"""Yes/no answer columns named by their header cells.

Many re-makes of the form put the commitments (and sometimes the board
question) in a table whose header row reads « Oui | Non | Si oui, détailler »:
the answer to a row is whatever stands in that row under « Oui » or « Non »
(a box, an X, a ✓, the word typed), and its details are what stands under
the details heading. This module turns the header's words into column spans
and a row into the cells to look at; it knows nothing of any producer.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from extract.cells import cell_of
from extract.labels import Match
from extract.tokens import BBox, Page, share_row, union
from extract.zones import PAD, Zone

SEPARATORS = {"/", "ou", "-", "–"}  # "Oui / Non" in one header cell: one column where the word is typed


@dataclass(frozen=True)
class AnswerColumns:
    """The x-spans of a yes/no table's answer columns on one page."""

    page: Page
    header_bottom: float
    yes: tuple[float, float]
    no: tuple[float, float] | None  # None when "Oui / Non" head one column of typed words
    details: tuple[float, float]

    @classmethod
    def from_header(cls, yes: Match, no: Match) -> "AnswerColumns":
        bottom = max(yes.bbox[3], no.bbox[3])
        cell = cell_of(yes.page, yes.bbox)
        if (cell is not None and cell == cell_of(no.page, no.bbox)) or _shared(yes, no):  # "Oui / Non"
            return cls.shared(yes.page, union([yes.bbox, no.bbox]))
        spans = _drawn_spans(yes, no) or _spans_between(yes, no)
        return cls(yes.page, bottom, spans[0], spans[1], (max(spans[0][1], spans[1][1]), yes.page.width))

    @classmethod
    def shared(cls, page: Page, bbox: BBox) -> "AnswerColumns":
        """One column of typed answers under a header such as « Oui / Non » or « O/N »: its drawn
        cell, else as wide again as the header; the details stand right of it."""
        cell = cell_of(page, bbox)
        if cell is not None:
            return cls(page, bbox[3], (cell.x0, cell.x1), None, (cell.x1, page.width))
        width = bbox[2] - bbox[0]
        return cls(page, bbox[3], (bbox[0] - width / 2, bbox[2] + width / 2), None, (bbox[2] + width / 2, page.width))

    def on(self, page: Page) -> "AnswerColumns":
        """The same columns on a page the table runs on to (its header not repeated)."""
        return self if page is self.page else replace(self, page=page, header_bottom=0.0)

    def cells(self, band: tuple[float, float]) -> dict[str, Zone]:
        """The row's answer cells: "yes", "no" (or "words" for a shared column) and "details"."""
        top, bottom = band
        zone = lambda span: Zone(self.page, (span[0], top, span[1], bottom))  # noqa: E731
        cells = {"details": zone(self.details)}
        if self.no is None:
            cells["words"] = zone(self.yes)
        else:
            cells["yes"], cells["no"] = zone(self.yes), zone(self.no)
        return cells

    def left(self) -> float:
        return min(self.yes[0], self.no[0]) if self.no else self.yes[0]


def _drawn_spans(yes: Match, no: Match) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The header words' drawn cells, when each stands in its own."""
    cells = [cell_of(yes.page, yes.bbox), cell_of(no.page, no.bbox)]
    if any(c is None for c in cells):
        return None
    return (cells[0].x0, cells[0].x1), (cells[1].x0, cells[1].x1)


def _spans_between(yes: Match, no: Match) -> tuple[tuple[float, float], tuple[float, float]]:
    """Without drawn cells: columns as wide as the header words are apart."""
    half = abs((no.bbox[0] + no.bbox[2]) - (yes.bbox[0] + yes.bbox[2])) / 4
    yes_centre, no_centre = (yes.bbox[0] + yes.bbox[2]) / 2, (no.bbox[0] + no.bbox[2]) / 2
    return (yes_centre - half, yes_centre + half), (no_centre - half, no_centre + half)


def _shared(yes: Match, no: Match) -> bool:
    """Whether "Oui" and "Non" head one column: adjacent words with a separator between them."""
    if not share_row(yes.words[-1], no.words[0]):
        return False
    left, right = sorted((yes, no), key=lambda m: m.bbox[0])
    between = [w.text.lower() for w in left.page.printed_in((left.bbox[2], left.bbox[1], right.bbox[0], left.bbox[3]))]
    return len(between) == 1 and between[0] in SEPARATORS and right.bbox[0] - left.bbox[2] < 3 * (left.bbox[3] - left.bbox[1])



def row_bands(page: Page, labels: list[BBox], top: float, bottom: float,
              detail_tops: list[float]) -> list[tuple[float, float]]:
    """Each row's vertical extent, for row labels in order down the page.

    A drawn cell around each label bounds its row where the page has them; otherwise a row
    runs from its label to the next. A producer that centres labels in tall
    rows shows it by details standing above the first label: rows are then
    split halfway between labels.
    """
    ruled = _ruled_bands(page, labels, top, bottom)
    if ruled is not None:
        return ruled
    centred = bool(labels) and any(top < t < labels[0][1] - PAD for t in detail_tops)
    bands = []
    for index, label in enumerate(labels):
        following = labels[index + 1] if index + 1 < len(labels) else None
        if centred:
            previous = labels[index - 1] if index else None
            start = (previous[3] + label[1]) / 2 if previous else top
            end = (label[3] + following[1]) / 2 if following else bottom
        else:
            start = label[1] - PAD
            end = following[1] - PAD if following else bottom
        bands.append((start, end))
    return bands


def _ruled_bands(page: Page, labels: list[BBox], top: float, bottom: float) -> list[tuple[float, float]] | None:
    """Each row as the drawn cell holding its label, when every label stands in one."""
    cells = [cell_of(page, label) for label in labels]
    if not cells or any(c is None or c.bottom < top or c.top > bottom for c in cells):
        return None
    bands = [(c.top, c.bottom) for c in cells]
    if any(b[0] < a[1] - 1 for a, b in zip(bands, bands[1:])):
        return None
    return bands
