"""Table cells from ruling lines, by pdfplumber's table finder done again on our rules.

The page's rules (:class:`extract.tokens.Rule`, from vector paths or from a
scan's pixels) go through the steps of pdfplumber's table finder
(``pdfplumber.table``), each done again here on tuples and giving what
pdfplumber's function gives (``tests/test_cells.py`` holds them to it, on
real pages and on random rules): rules close to one another are snapped to
their mean and joined (``merge_edges``: a spreadsheet that draws each cell's
rectangle apart leaves gaps and double lines of half a point), their
crossings found (``edges_to_intersections``), every smallest rectangle whose
four sides are rules is a cell (``intersections_to_cells``), and cells that
share corners make a table (``cells_to_tables``). Ours, not pdfplumber's: a
lone cell is a table too, and a pattern of more than ``MAX_CROSSINGS``
crossings joined by rules gets no cells. Done again because pdfplumber's
steps compare every crossing with every other and build a dictionary for
each edge at each step, several times the cost of the rest of a page's
table work (and loading pdfplumber is a worker's slowest import).

Each table is then laid on a grid (the distinct column and row lines of its
cells), so that a cell has a row and a column, a merged cell spans several,
and the cell to the right of or below another can be asked for.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, fields
from itertools import accumulate, groupby
from math import inf, isfinite
from operator import itemgetter
from typing import TYPE_CHECKING, Iterable

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


Edge = tuple[float, float, float, float, float, float]  # x0, top, x1, bottom, width, height: a pdfplumber edge
Point = tuple[float, float]
Crossings = dict[Point, set[int]]  # each crossing's edges of one orientation, by their place in their list
_top_left = itemgetter(1, 0)  # a box's top, then its left


def find_tables(rules: Iterable[Rule]) -> list[Table]:
    """The tables drawn by ``rules``, top to bottom; a lone ruled box is a 1×1 table."""
    across: list[Edge] = []
    down: list[Edge] = []
    for rule in rules:
        x0, top, x1, bottom = rule.x0, rule.top, rule.x1, rule.bottom
        (across if rule.horizontal else down).append((x0, top, x1, bottom, x1 - x0, bottom - top))
    groups = _tables(_cells(*_crossings(_merged(across, 1), _merged(down, 0))))
    return [_table(index, group) for index, group in enumerate(groups)]


def cell_sides(tables: Iterable[Table]) -> list[BBox]:
    """The four sides of every cell, as lines (x0, top, x1, bottom): what bounds a value,
    never part of it (a scan erases them before OCR, the short sides of an input box too)."""
    return [side for table in tables for c in table.cells
            for side in ((c.x0, c.top, c.x1, c.top), (c.x0, c.bottom, c.x1, c.bottom),
                         (c.x0, c.top, c.x0, c.bottom), (c.x1, c.top, c.x1, c.bottom))]


def _merged(edges: list[Edge], at: int) -> list[Edge]:
    """pdfplumber's ``merge_edges`` for the edges of one orientation, and of its result those of
    MIN_EDGE_PT or longer. ``at`` is the index of an edge's place across its length (1, its top,
    for horizontal edges, 0 for vertical ones): the edges snapped to one place are joined."""
    place, along = itemgetter(at), 1 - at
    merged: list[Edge] = []
    for _, line in groupby(sorted(_snapped(edges, at), key=place), key=place):
        merged += _joined(sorted(line, key=itemgetter(along)), along)
    return [edge for edge in merged if max(edge[4], edge[5]) >= MIN_EDGE_PT]


def _snapped(edges: list[Edge], at: int) -> list[Edge]:
    """pdfplumber's ``snap_objects``: the distinct places (index ``at``) in order, each less than
    SNAP_PT past the one before, make a cluster, whose edges move by the cluster's mean minus their
    place (pdfplumber's sums, in its order: cluster by cluster, each in the edges' order)."""
    clusters: list[list[Edge]] = []
    cluster_of: dict[float, list[Edge]] = {}
    last = None
    for value in sorted({edge[at] for edge in edges}):
        if last is None or not value <= last + SNAP_PT:
            clusters.append([])
        cluster_of[value] = clusters[-1]
        last = value
    for edge in edges:
        cluster_of[edge[at]].append(edge)
    snapped = []
    for cluster in clusters:
        mean = sum(edge[at] for edge in cluster) / len(cluster)
        for x0, top, x1, bottom, width, height in cluster:
            if at:
                shift = mean - top
                snapped.append((x0, top + shift, x1, bottom + shift, width, height))
            else:
                shift = mean - x0
                snapped.append((x0 + shift, top, x1 + shift, bottom, width, height))
    return snapped


def _joined(line: list[Edge], along: int) -> list[Edge]:
    """pdfplumber's ``join_edge_group``: the edges of one line, by their start (index ``along``),
    that overlap or leave gaps of JOIN_PT at most are one, to the farthest end. As pdfplumber
    resizes an edge, a horizontal one's width is its new length, a vertical one's height grows
    by what its bottom gained."""
    joined = [line[0]]
    end = along + 2
    for edge in line[1:]:
        last = joined[-1]
        if edge[along] <= last[end] + JOIN_PT:
            if edge[end] > last[end]:
                x0, top, x1, bottom, width, height = last
                joined[-1] = ((x0, top, edge[2], bottom, edge[2] - x0, height) if along == 0
                              else (x0, top, x1, edge[3], width, height + (edge[3] - bottom)))
        else:
            joined.append(edge)
    return joined


def _crossings(across: list[Edge], down: list[Edge]) -> tuple[Crossings, Crossings]:
    """pdfplumber's ``edges_to_intersections``: the points where a vertical edge meets a horizontal
    one, CROSS_PT apart at most, each with the vertical and the horizontal edges meeting there.
    The horizontal edges near a vertical one's height are found by bisection on their tops (an
    edge with a place or an end that is not a number meets none); the vertical ones are taken
    left to right, top to bottom, so that the points come nearly in order."""
    across = sorted((edge for edge in across if edge[1] == edge[1]), key=itemgetter(1))
    down = sorted((edge for edge in down if edge[0] == edge[0] and edge[1] == edge[1] and edge[3] == edge[3]),
                  key=itemgetter(0, 1))
    reach_up = [edge[1] + CROSS_PT for edge in across]  # a vertical edge's top must be at most this
    reach_down = [edge[1] - CROSS_PT for edge in across]  # its bottom at least this
    vertical: Crossings = {}
    horizontal: Crossings = {}
    for i, (x, top, _, bottom, _, _) in enumerate(down):
        for j in range(bisect_left(reach_up, top), bisect_right(reach_down, bottom)):
            left, y, right = across[j][:3]
            if left - CROSS_PT <= x <= right + CROSS_PT:
                point = (x, y)
                if point in vertical:
                    vertical[point].add(i)
                    horizontal[point].add(j)
                else:
                    vertical[point], horizontal[point] = {i}, {j}
    return vertical, horizontal


def _cells(vertical: Crossings, horizontal: Crossings) -> list[BBox]:
    """Every smallest rectangle whose corners are crossings joined by rules, as pdfplumber's
    ``intersections_to_cells`` finds them (the same search in the same order), but the crossings
    below and right of one taken from its column and row, not sought among all the others;
    none with a corner in a pattern (:func:`_patterns`)."""
    patterns = _patterns(vertical, horizontal)
    points = sorted(point for point in vertical if point not in patterns)  # by x, then y
    columns: dict[float, list[Point]] = {}
    rows: dict[float, list[Point]] = {}
    places = []  # each point's place in its column and in its row
    for point in points:
        column, row = columns.setdefault(point[0], []), rows.setdefault(point[1], [])
        places.append((column, len(column) + 1, row, len(row) + 1))
        column.append(point)
        row.append(point)
    cells = []
    for point, (column, down, row, across) in zip(points, places):
        if down < len(column) and across < len(row):  # not the last of its column or of its row
            cell = _smallest_cell(point, column[down:], row[across:], vertical, horizontal)
            if cell is not None:
                cells.append(cell)
    return cells


def _smallest_cell(point: Point, below: list[Point], right: list[Point],
                   vertical: Crossings, horizontal: Crossings) -> BBox | None:
    """The cell whose top left corner is ``point``: the first crossing below it on a rule down from it,
    the first right of it on a rule across from it, whose opposite corner closes the rectangle.
    The joined rules of one line are more than JOIN_PT apart, so the crossings on a rule from
    ``point`` come first in its column and in its row: the search stops at the first that is not."""
    down_from, across_from = vertical[point], horizontal[point]
    for down in below:
        if down_from.isdisjoint(vertical[down]):
            return None
        for across in right:
            if across_from.isdisjoint(horizontal[across]):
                break
            corner = (across[0], down[1])
            if (corner in vertical and not vertical[corner].isdisjoint(vertical[across])
                    and not horizontal[corner].isdisjoint(horizontal[down])):
                return (point[0], point[1], corner[0], corner[1])
    return None


def _patterns(vertical: Crossings, horizontal: Crossings) -> set[Point]:
    """The crossings of each group joined by rules that has more than MAX_CROSSINGS of them
    (a cell's corners are always in one group)."""
    if len(vertical) <= MAX_CROSSINGS:
        return set()
    parent: dict[object, object] = {}

    def root(key: object) -> object:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for point in vertical:
        for edge in [("v", i) for i in vertical[point]] + [("h", j) for j in horizontal[point]]:
            parent[root(point)] = root(edge)
    groups: dict[object, list[Point]] = {}
    for point in vertical:
        groups.setdefault(root(point), []).append(point)
    return {point for group in groups.values() if len(group) > MAX_CROSSINGS for point in group}


def _tables(boxes: list[BBox]) -> list[list[BBox]]:
    """pdfplumber's ``cells_to_tables``: cells sharing a corner, or joined through others that do,
    make a table; each row by row, left to right, and the tables top to bottom (by their top left
    cell). A lone cell is a table too (pdfplumber leaves those out). Each cell becomes the root of
    the groups it touches: a cell's parent always comes later, so the groups are named from the
    last cell back."""
    parent = list(range(len(boxes)))
    first: dict[Point, int] = {}  # the first cell at each corner
    for place, (x0, top, x1, bottom) in enumerate(boxes):
        for corner in ((x0, top), (x0, bottom), (x1, top), (x1, bottom)):
            other = first.setdefault(corner, place)
            while other != place:  # up to its group's root, halving the path, unless already joined
                up = parent[other]
                if up == other:
                    parent[other] = place
                    break
                parent[other] = parent[up]
                other = up
    groups: dict[int, list[BBox]] = {}
    for place in reversed(range(len(boxes))):
        parent[place] = parent[parent[place]]  # the root: its parent, later, is named already
        groups.setdefault(parent[place], []).append(boxes[place])
    tables = [sorted(group, key=_top_left) for group in groups.values()]
    tables.sort(key=lambda table: _top_left(table[0]))
    return tables


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
        self.entries: list[Entry] = [((cell.x0, cell.top, cell.x1, cell.bottom),
                                      (cell.x1 - cell.x0) * (cell.bottom - cell.top), cell) for cell in table.cells]
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


def _table(index: int, boxes: list[BBox]) -> Table:
    """The table of ``boxes`` (row by row, left to right) on its grid."""
    xs = sorted({x for box in boxes for x in (box[0], box[2])})
    ys = sorted({y for box in boxes for y in (box[1], box[3])})
    column, row = {x: i for i, x in enumerate(xs)}, {y: i for i, y in enumerate(ys)}
    cells = tuple(_cell(x0, top, x1, bottom, index, row[top], column[x0],
                        row[bottom] - row[top], column[x1] - column[x0]) for x0, top, x1, bottom in boxes)
    return Table(index, cells, tuple(xs), tuple(ys))


# A cell made through its slots' own setters: a frozen dataclass's __init__ sets each field through
# object.__setattr__, three times the cost (a page's table can have hundreds of cells). A field added
# to Cell stops the import here until _cell sets it.
_SET_X0, _SET_TOP, _SET_X1, _SET_BOTTOM, _SET_TABLE, _SET_ROW, _SET_COLUMN, _SET_ROW_SPAN, _SET_COLUMN_SPAN = (
    getattr(Cell, f.name).__set__ for f in fields(Cell))
_new = object.__new__


def _cell(x0: float, top: float, x1: float, bottom: float, table: int, row: int, column: int,
          row_span: int, column_span: int) -> Cell:
    """``Cell(x0, top, x1, bottom, table, row, column, row_span, column_span)``, made quickly."""
    cell = _new(Cell)
    _SET_X0(cell, x0)
    _SET_TOP(cell, top)
    _SET_X1(cell, x1)
    _SET_BOTTOM(cell, bottom)
    _SET_TABLE(cell, table)
    _SET_ROW(cell, row)
    _SET_COLUMN(cell, column)
    _SET_ROW_SPAN(cell, row_span)
    _SET_COLUMN_SPAN(cell, column_span)
    return cell
