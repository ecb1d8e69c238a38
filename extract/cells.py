"""Table cells from ruling lines, by pdfplumber's table finder.

The page's rules (:class:`extract.tokens.Rule`, from vector paths or from a
scan's pixels) are handed to pdfplumber's own functions as its edges: rules
close to one another are snapped and joined (a spreadsheet that draws each
cell's rectangle apart leaves gaps and double lines of half a point), their
crossings found, and every smallest rectangle whose four sides are rules is
a cell; cells that share corners make a table. Each table is then laid on a
grid (the distinct column and row lines of its cells), so that a cell has a
row and a column, a merged cell spans several, and the cell to the right of
or below another can be asked for.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate
from math import inf, isfinite
from typing import TYPE_CHECKING, Iterable

from pdfplumber.table import cells_to_tables, edges_to_intersections, merge_edges
from pdfplumber.utils import obj_to_bbox

from extract.tokens import BBox, Boxed, Rule, overlap_ratio

if TYPE_CHECKING:
    from extract.tokens import Page

SNAP_PT = 3.0  # rules closer than this across their length are one rule (pdfplumber's default)
JOIN_PT = 3.0  # pieces of one line with gaps up to this are one rule
CROSS_PT = 3.0  # a rule ending this close to another still meets it
MIN_EDGE_PT = 3.0  # shorter merged rules are not cell sides
MAX_CROSSINGS = 2500  # a grid of more crossings than this is a pattern, not a form: no cells sought
WORD_INSIDE = 0.5  # share of a word's box that must lie in a cell for the word to belong to it


@dataclass(frozen=True, slots=True)
class Cell(Boxed):
    """A cell of a table: its box, and its place on the table's grid.

    ``row`` and ``column`` are the first grid row and column it covers;
    a merged cell spans ``row_span`` rows and ``column_span`` columns.
    """

    x0: float
    top: float
    x1: float
    bottom: float
    table: int  # index of its table in ``Page.tables``
    row: int
    column: int
    row_span: int = 1
    column_span: int = 1


@dataclass(frozen=True)
class Table:
    """Cells on a grid: ``xs`` are the column lines (left to right), ``ys`` the row lines."""

    index: int
    cells: tuple[Cell, ...]  # row by row, left to right
    xs: tuple[float, ...]
    ys: tuple[float, ...]

    @property
    def bbox(self) -> BBox:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    @property
    def row_count(self) -> int:
        return len(self.ys) - 1

    @property
    def column_count(self) -> int:
        return len(self.xs) - 1

    def at(self, row: int, column: int) -> Cell | None:
        """The cell covering grid position (``row``, ``column``), None outside the table or on a hole."""
        for cell in self.cells:
            if cell.row <= row < cell.row + cell.row_span and cell.column <= column < cell.column + cell.column_span:
                return cell
        return None

    def right_of(self, cell: Cell) -> Cell | None:
        return self.at(cell.row, cell.column + cell.column_span)

    def left_of(self, cell: Cell) -> Cell | None:
        return self.at(cell.row, cell.column - 1)

    def below(self, cell: Cell) -> Cell | None:
        return self.at(cell.row + cell.row_span, cell.column)

    def above(self, cell: Cell) -> Cell | None:
        return self.at(cell.row - 1, cell.column)

    def row(self, index: int) -> list[Cell]:
        """The cells covering grid row ``index``, left to right (a merged cell once)."""
        return [c for c in self.cells if c.row <= index < c.row + c.row_span]

    def column(self, index: int) -> list[Cell]:
        """The cells covering grid column ``index``, top to bottom (a merged cell once)."""
        return sorted((c for c in self.cells if c.column <= index < c.column + c.column_span),
                      key=lambda c: c.row)


def find_tables(rules: Iterable[Rule]) -> list[Table]:
    """The tables drawn by ``rules``, top to bottom; a lone ruled box is a 1×1 table."""
    edges = merge_edges([_edge(rule) for rule in rules], SNAP_PT, SNAP_PT, JOIN_PT, JOIN_PT)
    edges = [e for e in edges if max(e["width"], e["height"]) >= MIN_EDGE_PT]
    groups: list[list[BBox]] = []
    for crossings in _connected(edges_to_intersections(edges, CROSS_PT, CROSS_PT)):
        if len(crossings) > MAX_CROSSINGS:
            continue
        boxes = _cells(crossings)
        tables = cells_to_tables(boxes)
        grouped = {box for table in tables for box in table}
        groups += tables + [[box] for box in boxes if box not in grouped]  # pdfplumber leaves lone boxes out
    groups.sort(key=lambda group: min((box[1], box[0]) for box in group))
    return [_table(index, group) for index, group in enumerate(groups)]


def cell_sides(tables: Iterable[Table]) -> list[BBox]:
    """The four sides of every cell, as lines (x0, top, x1, bottom): what bounds a value,
    never part of it (a scan erases them before OCR, the short sides of an input box too)."""
    return [side for table in tables for c in table.cells
            for side in ((c.x0, c.top, c.x1, c.top), (c.x0, c.bottom, c.x1, c.bottom),
                         (c.x0, c.top, c.x0, c.bottom), (c.x1, c.top, c.x1, c.bottom))]


def _cells(crossings: dict) -> list[BBox]:
    """Every smallest rectangle whose corners are crossings joined by rules, as pdfplumber's
    ``intersections_to_cells`` finds them (the same search in the same order): each crossing's
    rules gathered once, not again for every pair of crossings compared, and the crossings
    below and right of one taken from its column and row, not sought among all the others."""
    vertical = {point: {obj_to_bbox(edge) for edge in touching["v"]} for point, touching in crossings.items()}
    horizontal = {point: {obj_to_bbox(edge) for edge in touching["h"]} for point, touching in crossings.items()}
    points = sorted(crossings)  # by x, then y: a column top to bottom, a row left to right
    columns: dict[float, list[tuple[float, float]]] = {}
    rows: dict[float, list[tuple[float, float]]] = {}
    places = []  # each point's place in its column and in its row
    for point in points:
        column, row = columns.setdefault(point[0], []), rows.setdefault(point[1], [])
        places.append((column, len(column) + 1, row, len(row) + 1))
        column.append(point)
        row.append(point)
    cells = []
    for point, (column, down, row, across) in zip(points, places):
        cell = _smallest_cell(point, column[down:], row[across:], vertical, horizontal)
        if cell is not None:
            cells.append(cell)
    return cells


def _smallest_cell(point: tuple[float, float], below: list[tuple[float, float]], right: list[tuple[float, float]],
                   vertical: dict, horizontal: dict) -> BBox | None:
    """The cell whose top left corner is ``point``: the first crossing below it on a rule down from it,
    the first right of it on a rule across from it, whose opposite corner closes the rectangle."""
    for down in below:
        if vertical[point].isdisjoint(vertical[down]):
            continue
        for across in right:
            if horizontal[point].isdisjoint(horizontal[across]):
                continue
            corner = (across[0], down[1])
            if (corner in vertical and not vertical[corner].isdisjoint(vertical[across])
                    and not horizontal[corner].isdisjoint(horizontal[down])):
                return (point[0], point[1], corner[0], corner[1])
    return None


def _connected(crossings: dict) -> list[dict]:
    """The crossings split into groups joined by rules, each one pdfplumber's input as a whole.

    A cell's corners are always in one group; finding cells group by group
    gives the same cells, but pdfplumber compares every crossing with every
    other, and a page of many separate boxes costs far less this way.
    """
    parent: dict = {}

    def root(key):
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for point, touching in crossings.items():
        for edge in touching["v"] + touching["h"]:
            parent[root(point)] = root(id(edge))
    groups: dict = {}
    for point, touching in crossings.items():
        groups.setdefault(root(point), {})[point] = touching
    return list(groups.values())


def cell_of(page: Page, bbox: BBox) -> Cell | None:
    """The smallest cell of ``page`` holding most of ``bbox`` (a word's box), or None
    (kept with the page: the reader asks for the cells of the same words again and again)."""
    index = page.derived("cell_index", CellIndex)
    known = index.known
    if bbox in known:
        return known[bbox]
    best = known[bbox] = index.smallest_cell_of(bbox)
    return best


Entry = tuple[BBox, float, Cell]  # a cell's box, its area, the cell


class CellIndex:
    """A page's tables laid out for :func:`cell_of`, and the cells it found for each box asked.

    A word shares area with a cell only if it shares area with its table and with one of the grid
    positions the cell covers: its cells are those on the few grid positions its box crosses (found
    by bisection on the table's column and row lines, :class:`_TableIndex`), in the tables its box
    crosses. The tables are ordered by their tops, so the tables below the word are cut off by
    bisection on the tops, and those above it by bisection on the lowest bottom so far. The cells
    are compared in the page's order, tables then rows, which decides between cells of one area.
    """

    __slots__ = ("known", "entries", "tables", "tops", "bottoms")

    def __init__(self, page: Page) -> None:
        self.known: dict[BBox, Cell | None] = {}
        self.tables = [_TableIndex(table) for table in page.tables]
        self.entries: list[Entry] = [entry for table in self.tables for entry in table.entries]
        tops = [table.box[1] for table in self.tables]
        self.tops = tops if tops == sorted(tops) else [-inf] * len(tops)  # no cut unless ordered
        self.bottoms = list(accumulate((table.box[3] for table in self.tables), max))

    def smallest_cell_of(self, bbox: BBox) -> Cell | None:
        best: Cell | None = None
        smallest = 0.0
        for box, area, cell in self.near(bbox):
            if overlap_ratio(bbox, box) >= WORD_INSIDE and (best is None or area < smallest):
                best, smallest = cell, area
        return best

    def near(self, bbox: BBox) -> list[Entry]:
        """Every cell sharing area with ``bbox`` (and maybe some others), in the page's order."""
        left, up, right, down = bbox
        if not self.tables or not isfinite(left + up + right + down):  # a NaN, an infinity (or too large a sum)
            return self.entries
        found: list[Entry] = []
        for table in self.tables[bisect_right(self.bottoms, up):bisect_left(self.tops, down)]:
            x0, top, x1, bottom = table.box
            if x0 < right and left < x1 and top < down and up < bottom:
                table.near(bbox, found)
        return found


class _TableIndex:
    """A table's cells filed under the grid positions they cover (more than one cell when the
    rules drew overlapping ones), as places in the table's order."""

    __slots__ = ("entries", "box", "xs", "ys", "grid", "finite")

    def __init__(self, table: Table) -> None:
        self.entries: list[Entry] = [(cell.bbox, _area(cell), cell) for cell in table.cells]
        self.xs, self.ys = table.xs, table.ys
        self.finite = isfinite(sum(table.xs) + sum(table.ys))
        self.box = table.bbox if self.finite else (-inf, -inf, inf, inf)  # not numbers: a candidate for every word
        width = len(self.xs) - 1
        self.grid: list[list[int]] = [[] for _ in range(width * (len(self.ys) - 1))] if self.finite else []
        for place, cell in enumerate(table.cells if self.finite else ()):
            for row in range(cell.row, cell.row + cell.row_span):
                for column in range(cell.column, cell.column + cell.column_span):
                    self.grid[row * width + column].append(place)

    def near(self, bbox: BBox, found: list[Entry]) -> None:
        """Add to ``found`` the cells on the grid positions ``bbox`` shares area with, in order
        (all of them for a table of one cell, or of coordinates that are not all numbers)."""
        xs, ys, entries = self.xs, self.ys, self.entries
        if len(entries) == 1 or not self.finite:
            found += entries
            return
        left, up, right, down = bbox
        first, last = max(bisect_right(xs, left) - 1, 0), min(bisect_left(xs, right), len(xs) - 1)
        upper, lower = max(bisect_right(ys, up) - 1, 0), min(bisect_left(ys, down), len(ys) - 1)
        width, grid = len(xs) - 1, self.grid
        if last - first == 1 and lower - upper == 1:
            found += [entries[place] for place in grid[upper * width + first]]
            return
        places = {place for row in range(upper, lower) for column in range(first, last)
                  for place in grid[row * width + column]}
        found += [entries[place] for place in sorted(places)]


def table_of(page: Page, cell: Cell) -> Table:
    """The table ``cell`` belongs to."""
    return page.tables[cell.table]


def _edge(rule: Rule) -> dict[str, float | str]:
    """A rule as pdfplumber describes an edge (its ``page.edges`` items)."""
    return {"x0": rule.x0, "x1": rule.x1, "top": rule.top, "bottom": rule.bottom, "doctop": rule.top,
            "width": rule.x1 - rule.x0, "height": rule.bottom - rule.top,
            "orientation": "h" if rule.horizontal else "v"}


def _table(index: int, boxes: list[BBox]) -> Table:
    xs = sorted({x for box in boxes for x in (box[0], box[2])})
    ys = sorted({y for box in boxes for y in (box[1], box[3])})
    column, row = {x: i for i, x in enumerate(xs)}, {y: i for i, y in enumerate(ys)}
    cells = tuple(Cell(*box, table=index, row=row[box[1]], column=column[box[0]],
                       row_span=row[box[3]] - row[box[1]], column_span=column[box[2]] - column[box[0]])
                  for box in sorted(boxes, key=lambda b: (b[1], b[0])))
    return Table(index, cells, tuple(xs), tuple(ys))


def _area(cell: Cell) -> float:
    return (cell.x1 - cell.x0) * (cell.bottom - cell.top)
