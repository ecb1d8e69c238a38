"""Ruling lines and table cells: from rules to a grid, and rules from drawn pages.

The grid tests give :func:`extract.cells.find_tables` rules whose cells are
known; the page tests draw tables with reportlab the ways producers do
(stroked lines, a rectangle per cell, thin filled rectangles) and check the
rules and cells read back from PDFium's paths.
"""
from __future__ import annotations

import io
import random
from pathlib import Path

import cv2
import numpy as np
import pytest
from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges
from reportlab.pdfgen import canvas

from extract.cells import (CROSS_PT, JOIN_PT, MAX_CROSSINGS, MIN_EDGE_PT, SNAP_PT, WORD_INSIDE, CellIndex, _merged,
                           cell_of, find_tables)
from extract.document import load
from extract.ocr_engine import get_engine, ocr_available
from extract.raster import rule_lines
from extract.scan import read_picture_page, read_scan_page
from extract.tokens import BBox, Page, Rule, overlap_ratio
from tests.support_scan import scan

HEIGHT = 842.0


def grid_rules(xs: list[float], ys: list[float]) -> list[Rule]:
    """A full grid: every row line across every column line."""
    return ([Rule(xs[0], y, xs[-1], y) for y in ys]
            + [Rule(x, ys[0], x, ys[-1]) for x in xs])


def cell_rectangles(xs: list[float], ys: list[float], gap: float) -> list[Rule]:
    """Each cell's rectangle drawn on its own, ``gap`` inside its neighbours' (a spreadsheet export)."""
    rules = []
    for left, right in zip(xs, xs[1:]):
        for top, bottom in zip(ys, ys[1:]):
            x0, y0, x1, y1 = left + gap / 2, top + gap / 2, right - gap / 2, bottom - gap / 2
            rules += [Rule(x0, y0, x1, y0), Rule(x0, y1, x1, y1), Rule(x0, y0, x0, y1), Rule(x1, y0, x1, y1)]
    return rules


def boxes(table) -> list[tuple[float, float, float, float]]:
    return [tuple(round(v, 1) for v in cell.bbox) for cell in table.cells]


def test_a_three_by_three_grid_gives_nine_cells_on_a_grid():
    tables = find_tables(grid_rules([50, 150, 250, 350], [100, 130, 160, 190]))
    assert len(tables) == 1
    table = tables[0]
    assert (table.row_count, table.column_count, len(table.cells)) == (3, 3, 9)
    middle = table.at(1, 1)
    assert middle.bbox == (150, 130, 250, 160)
    assert table.right_of(middle).bbox == (250, 130, 350, 160)
    assert table.left_of(middle).bbox == (50, 130, 150, 160)
    assert table.below(middle).bbox == (150, 160, 250, 190)
    assert table.above(middle).bbox == (150, 100, 250, 130)
    assert table.right_of(table.at(1, 2)) is None
    assert [c.column for c in table.row(2)] == [0, 1, 2]
    assert [c.row for c in table.column(0)] == [0, 1, 2]


def test_merged_cells_span_the_grid_rows_and_columns_they_cover():
    ys = [100, 130, 160, 190]
    rules = [Rule(50, y, 350, y) for y in ys if y != 160] + [Rule(50, 160, 250, 160)]  # last column merged below row 1
    rules += [Rule(50, 100, 50, 190), Rule(350, 100, 350, 190), Rule(250, 100, 250, 190),
              Rule(150, 100, 150, 130), Rule(150, 160, 150, 190)]  # the middle row's first two columns merged
    table, = find_tables(rules)
    assert len(table.cells) == 7  # 3 in the first row, the wide and the tall one, 2 below the wide one
    wide = table.at(1, 0)
    assert (wide.bbox, wide.column_span, wide.row_span) == ((50, 130, 250, 160), 2, 1)
    assert table.at(1, 1) is wide
    tall = table.at(1, 2)
    assert (tall.bbox, tall.row, tall.row_span) == ((250, 130, 350, 190), 1, 2)
    assert table.right_of(wide) is tall
    assert table.below(wide) is table.at(2, 0)
    assert table.row(1) == [wide, tall]


def test_cells_drawn_apart_with_half_point_gaps_snap_into_one_grid():
    xs, ys = [40, 200, 260, 320, 560], [300, 318, 336, 354]
    table, = find_tables(cell_rectangles(xs, ys, gap=0.5))
    assert (table.row_count, table.column_count, len(table.cells)) == (3, 4, 12)
    assert all(abs(a - b) <= 0.5 for a, b in zip(table.xs, xs))
    assert all(abs(a - b) <= 0.5 for a, b in zip(table.ys, ys))


def test_separate_tables_and_a_lone_box_are_told_apart():
    rules = grid_rules([50, 150, 250], [100, 130, 160]) + grid_rules([50, 300], [400, 450])
    rules += [Rule(50, 600, 500, 600)]  # an answer line: no cell
    tables = find_tables(rules)
    assert [(t.row_count, t.column_count) for t in tables] == [(2, 2), (1, 1)]
    assert [t.index for t in tables] == [0, 1]
    assert tables[1].cells[0].table == 1


def test_a_word_belongs_to_the_smallest_cell_holding_it():
    page = Page(1, 595, HEIGHT, rules=grid_rules([50, 150, 250, 350], [100, 130, 160, 190])
                + grid_rules([40, 360], [90, 200]))  # a frame around the table
    assert len(page.tables) == 2
    cell = cell_of(page, (160, 135, 200, 145))
    assert cell.bbox == (150, 130, 250, 160)
    assert cell_of(page, (45, 92, 60, 98)).bbox == (40, 90, 360, 200)  # inside the frame only
    assert cell_of(page, (400, 135, 420, 145)) is None
    assert len(page.cells) == 10


def test_a_word_is_compared_only_with_the_cells_of_the_grid_positions_it_crosses():
    page = Page(1, 595, HEIGHT, rules=grid_rules([50, 150, 250, 350], [100, 130, 160, 190])
                + grid_rules([40, 360], [90, 200]) + grid_rules([50, 150], [400, 450]))
    index = CellIndex(page)
    assert [entry[2].bbox for entry in index.near((160, 135, 200, 145))] == [(40, 90, 360, 200), (150, 130, 250, 160)]
    assert [entry[2].bbox for entry in index.near((140, 135, 160, 165))] == [  # across four cells, in the page's order
        (40, 90, 360, 200), (50, 130, 150, 160), (150, 130, 250, 160), (50, 160, 150, 190), (150, 160, 250, 190)]
    assert index.near((60, 300, 100, 310)) == []  # between the tables
    assert len(index.near((float("nan"), 135, 200, 145))) == 11  # not a number: every cell, none holds it
    assert cell_of(page, (float("nan"), 135, 200, 145)) is None


def test_the_cell_of_a_word_is_the_one_every_cell_compared_gives():
    """Odd grids (missing rules, merged and overlapping cells, tables side by side): the index gives
    the cell that comparing the word with every cell gives, the first of equal areas included."""
    rules = cell_rectangles([50, 100, 150, 200], [100, 120, 140], gap=0) + grid_rules([50, 200], [100, 140])
    rules += [Rule(120, 100, 120, 140), Rule(50, 300, 300, 300), Rule(50, 330, 200, 330), Rule(50, 300, 50, 330),
              Rule(200, 300, 200, 330), Rule(300, 300, 300, 360), Rule(150, 360, 300, 360), Rule(150, 300, 150, 360)]
    page = Page(1, 595, HEIGHT, rules=rules)
    assert len(page.cells) > 8
    boxes = [(x, y, x + w, y + h) for x in range(40, 310, 7) for y in range(90, 370, 6) for w in (4, 30, 90) for h in (3, 12)]
    for box in boxes:
        held = [c for c in page.cells if overlap_ratio(box, c.bbox) >= WORD_INSIDE]
        smallest = min(held, key=lambda c: (c.x1 - c.x0) * (c.bottom - c.top), default=None)  # min keeps the first
        assert cell_of(page, box) is smallest, box


def test_a_page_without_rules_has_no_cells():
    page = Page(1, 595, HEIGHT)
    assert page.tables == [] and page.cells == []


def test_a_pattern_of_too_many_crossings_gets_no_cells_and_a_table_beside_it_keeps_its_own():
    pattern = grid_rules([10 + 5 * i for i in range(51)], [10 + 5 * i for i in range(51)])  # 2,601 crossings
    form = grid_rules([400, 450, 500], [100, 130])
    assert [(t.row_count, t.column_count) for t in find_tables(pattern + form)] == [(1, 2)]
    largest = find_tables(grid_rules([10 + 5 * i for i in range(50)], [10 + 5 * i for i in range(50)]))  # 2,500
    assert [(t.row_count, t.column_count) for t in largest] == [(49, 49)]


# -- pdfplumber's table finder, the oracle of ours -------------------------------------------------

def pdfplumber_edges(rules: list[Rule]) -> list[dict]:
    """The rules as pdfplumber describes edges (its ``page.edges`` items), merged by its ``merge_edges``,
    those shorter than MIN_EDGE_PT left out."""
    edges = [{"x0": r.x0, "x1": r.x1, "top": r.top, "bottom": r.bottom, "doctop": r.top, "width": r.x1 - r.x0,
              "height": r.bottom - r.top, "orientation": "h" if r.horizontal else "v"} for r in rules]
    edges = merge_edges(edges, SNAP_PT, SNAP_PT, JOIN_PT, JOIN_PT)
    return [e for e in edges if max(e["width"], e["height"]) >= MIN_EDGE_PT]


def pdfplumber_tables(rules: list[Rule]) -> list[list[BBox]]:
    """The tables pdfplumber's own functions find, each row by row, a lone cell a table too (ours)."""
    crossings = edges_to_intersections(pdfplumber_edges(rules), CROSS_PT, CROSS_PT)
    assert len(crossings) <= MAX_CROSSINGS  # beyond, ours looks for no cells in a group of as many
    cells = intersections_to_cells(crossings)
    tables = cells_to_tables(cells)
    tables += [[cell] for cell in cells if not any(cell in table for table in tables)]
    return sorted((sorted(table, key=lambda b: (b[1], b[0])) for table in tables), key=lambda t: (t[0][1], t[0][0]))


def assert_tables_are_pdfplumber_s(rules: list[Rule]) -> None:
    """Ours finds pdfplumber's tables, and its merged edges, to the last bit of every float."""
    edges = pdfplumber_edges(rules)
    across = [(r.x0, r.top, r.x1, r.bottom, r.x1 - r.x0, r.bottom - r.top) for r in rules if r.horizontal]
    down = [(r.x0, r.top, r.x1, r.bottom, r.x1 - r.x0, r.bottom - r.top) for r in rules if not r.horizontal]
    for mine, orientation in ((_merged(across, 1), "h"), (_merged(down, 0), "v")):
        theirs = [tuple(e[k] for k in ("x0", "top", "x1", "bottom", "width", "height"))
                  for e in edges if e["orientation"] == orientation]
        assert repr(mine) == repr(theirs)
    tables = find_tables(rules)
    assert repr([[cell.bbox for cell in table.cells] for table in tables]) == repr(pdfplumber_tables(rules))
    for table in tables:
        assert (table.xs, table.ys) == (tuple(sorted({v for c in table.cells for v in (c.x0, c.x1)})),
                                        tuple(sorted({v for c in table.cells for v in (c.top, c.bottom)})))


def random_rules(seed: int) -> list[Rule]:
    """Rules around a random grid as producers draw them, at the limits of pdfplumber's tolerances:
    lines a little apart (snapped or not, to a mean that is no round number), in pieces overlapping
    or with gaps, doubled, ending short of a crossing, too short to count, cells drawn apart."""
    rng = random.Random(seed)
    near = [0, 0, 0, 0.1, 0.25, 0.5, 1, 2.9, 2.999, 3, 3.001, 3.1, 5]

    def off() -> float:
        return rng.choice(near) * rng.choice((1, -1)) if rng.random() < 0.6 else rng.uniform(-4, 4)

    scale = rng.choice((1, 1, 1, 1000.7, 0.3))
    xs = sorted(rng.sample(range(4, 60), rng.randint(2, 7)))
    ys = sorted(rng.sample(range(4, 90), rng.randint(2, 7)))
    xs, ys = [x * 9.1 * scale for x in xs], [y * 6.3 * scale for y in ys]
    rules: list[Rule] = []
    for lines, ends, across in ((ys, xs, True), (xs, ys, False)):
        for place in lines:
            place += off()
            for _ in range(rng.choice((1, 1, 1, 2))):  # doubled now and then
                start = rng.randrange(len(ends) - 1)
                stop = rng.randrange(start + 1, len(ends))
                cuts = sorted(rng.sample(ends[start + 1:stop], rng.randint(0, stop - start - 1)))
                for begin, end in zip([ends[start]] + cuts, cuts + [ends[stop]]):  # in pieces, gaps and overlaps
                    begin, end = begin + off(), end + off()
                    if begin > end:
                        begin, end = end, begin
                    rules.append(Rule(begin, place, end, place) if across else Rule(place, begin, place, end))
                place += rng.choice(near)
    if rng.random() < 0.3:  # each cell's rectangle on its own, a little inside
        gap = rng.choice((0.25, 0.5, 1.5, 3))
        rules += cell_rectangles(xs[:3], ys[:3], gap)
    rng.shuffle(rules)
    return rules


@pytest.mark.parametrize("seed", range(400))
def test_tables_of_random_rules_are_pdfplumber_s(seed):
    assert_tables_are_pdfplumber_s(random_rules(seed))


def test_tables_of_the_grid_cases_are_pdfplumber_s():
    assert_tables_are_pdfplumber_s(grid_rules([50, 150, 250, 350], [100, 130, 160, 190]))
    assert_tables_are_pdfplumber_s(cell_rectangles([40, 200, 260, 320, 560], [300, 318, 336, 354], gap=0.5))
    assert_tables_are_pdfplumber_s(cell_rectangles([40.1, 200.2, 260.3], [300.1, 318.7], gap=2.9))
    thin = [Rule(50, 100, 52, 100), Rule(50, 100, 50, 102)]  # too short to count
    assert_tables_are_pdfplumber_s(thin + grid_rules([50.3, 150.1], [100.2, 130.9]))
    edge = [Rule(50, 1.0, 150, 1.0), Rule(50, -1.0 + 2e-16, 150, -1.0 + 2e-16)]  # each moved by the mean minus
    assert_tables_are_pdfplumber_s(edge + grid_rules([50, 150], [0.0, 30]))  # its place: not to the mean itself


# -- rules from a drawn page ---------------------------------------------------------------------

def drawn_tables() -> bytes:
    """Three 3-row tables drawn three ways, a tick box and an answer line (reportlab)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(595, HEIGHT))
    xs, ys = [50, 150, 250, 350], [100, 130, 160, 190]
    for x in xs:  # stroked lines
        pdf.line(x, HEIGHT - ys[0], x, HEIGHT - ys[-1])
    for y in ys:
        pdf.line(xs[0], HEIGHT - y, xs[-1], HEIGHT - y)
    pdf.saveState()
    pdf.translate(0, -200)  # a rectangle per cell, 0.5 pt apart, in a moved coordinate system
    for left, right in zip(xs, xs[1:]):
        for top, bottom in zip(ys, ys[1:]):
            pdf.rect(left + 0.25, HEIGHT - bottom + 0.25, right - left - 0.5, bottom - top - 0.5)
    pdf.restoreState()
    for x in xs:  # thin filled rectangles, as word processors draw borders
        pdf.rect(x - 0.3, HEIGHT - 590, 0.6, 90, stroke=0, fill=1)
    for y in (500, 530, 560, 590):
        pdf.rect(50, HEIGHT - y - 0.3, 300, 0.6, stroke=0, fill=1)
    pdf.rect(50, HEIGHT - 634, 150, 14)  # a one-row box of two cells, sides shorter than a title's letters
    pdf.line(120, HEIGHT - 634, 120, HEIGHT - 620)
    pdf.rect(400, HEIGHT - 110, 10, 10)  # a tick box: a mark, not a table
    pdf.rect(400, HEIGHT - 634, 10, 10)
    pdf.setFont("Helvetica-Bold", 22)
    pdf.drawString(50, HEIGHT - 668, "TITRE ILLUSTRÉ")  # letters' stems and bars are not rules
    pdf.line(50, HEIGHT - 760, 300, HEIGHT - 760)  # an answer line
    pdf.setFillColorRGB(0.85, 0.85, 0.85)
    pdf.rect(50, HEIGHT - 720, 200, 40, stroke=0, fill=1)  # a shaded box: its sides show
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@pytest.fixture(scope="module")
def drawn_page(tmp_path_factory) -> Page:
    path = tmp_path_factory.mktemp("cells") / "tables.pdf"
    path.write_bytes(drawn_tables())
    return load(path).pages[0]


def test_rules_of_a_drawn_page_are_its_lines_in_top_left_points(drawn_page):
    horizontal = [r for r in drawn_page.rules if r.horizontal]
    assert all(r.top == r.bottom for r in horizontal)
    assert all(r.x0 == r.x1 for r in drawn_page.rules if not r.horizontal)
    assert any(r.bbox == pytest.approx((50, 760, 300, 760)) for r in horizontal)  # the answer line
    assert not any(400 <= r.x0 <= 410 and 100 <= r.top <= 110 for r in drawn_page.rules)  # the tick box
    assert len(drawn_page.marks) == 2


@pytest.mark.parametrize("top, way", [(100, "stroked lines"), (300, "a rectangle per cell"),
                                      (500, "thin filled rectangles")])
def test_tables_drawn_every_way_give_the_same_grid(drawn_page, top, way):
    table = next(t for t in drawn_page.tables if abs(t.bbox[1] - top) < 1)
    assert (table.row_count, table.column_count, len(table.cells)) == (3, 3, 9), way
    assert table.bbox == pytest.approx((50, top, 350, top + 90), abs=0.5), way


def test_a_shaded_box_is_a_cell_and_lines_alone_are_not(drawn_page):
    assert len(drawn_page.tables) == 5
    assert drawn_page.tables[-1].bbox == pytest.approx((50, 680, 250, 720), abs=0.5)


# -- rules from a scanned page --------------------------------------------------------------------

@pytest.fixture(scope="module", params=[(200, 1.2), (300, -0.7)], ids=["200dpi", "300dpi"])
def scanned_page(request) -> Page:
    import pypdfium2 as pdfium
    dpi, angle = request.param
    return read_scan_page(pdfium.PdfDocument(scan(drawn_tables(), dpi=dpi, angle=angle))[0], 1,
                          engine=None, crops_dir=None)


def test_a_scan_s_hairlines_are_whole_rules():
    scale = 300 / 72  # pixels per point
    image = np.full((round(300 * scale), round(400 * scale)), 255, np.uint8)
    for y in (100, 130, 160):  # one pixel thin, as worn toner leaves them
        cv2.line(image, (round(50 * scale), round(y * scale)), (round(350 * scale), round(y * scale)), 60, 1)
    for x in (50, 200, 350):
        cv2.line(image, (round(x * scale), round(100 * scale)), (round(x * scale), round(160 * scale)), 60, 1)
    cv2.putText(image, "Femmes", (round(60 * scale), round(120 * scale)), cv2.FONT_HERSHEY_SIMPLEX, 1.5, 0, 3)
    page = Page(1, 400, 300, rules=[Rule(*(v / scale for v in line), source="ocr")
                                    for line in rule_lines(image, scale)])
    assert len(page.rules) == 6
    assert all(r.length == pytest.approx(300 if r.horizontal else 60, abs=1.5) for r in page.rules)
    assert [(t.row_count, t.column_count) for t in page.tables] == [(2, 2)]


def test_a_letter_s_stem_in_a_tight_row_is_no_cell_side_but_a_short_side_is():
    """A 12 pt « d » in a 13 pt row: its stem is as long as a short cell side and stops about
    2 pt short of the rules above and below; a side crosses them. Erased as a side, the stem
    left « Cacres » for « Cadres », and the row's label was lost."""
    scale = 300 / 72
    image = np.full((round(300 * scale), round(400 * scale)), 255, np.uint8)
    for y in (100, 113):
        cv2.line(image, (round(50 * scale), round(y * scale)), (round(350 * scale), round(y * scale)), 0, 3)
    for x in (50, 350):  # the table's long sides
        cv2.line(image, (round(x * scale), round(60 * scale)), (round(x * scale), round(113 * scale)), 0, 3)
    cv2.line(image, (round(200 * scale), round(100 * scale)), (round(200 * scale), round(113 * scale)), 0, 3)
    cv2.line(image, (round(106 * scale), round(102.4 * scale)), (round(106 * scale), round(110.6 * scale)), 0, 4)
    sides = [Rule(*(v / scale for v in line)) for line in rule_lines(image, scale)]
    assert [round(r.x0) for r in sides if not r.horizontal and 60 < r.x0 < 340] == [200]


@pytest.mark.parametrize("top", [100, 300, 500])
def test_tables_on_a_scan_give_the_same_grid(scanned_page, top):
    table = next(t for t in scanned_page.tables if abs(t.bbox[1] - top) < 4)
    assert (table.row_count, table.column_count, len(table.cells)) == (3, 3, 9)
    assert table.bbox == pytest.approx((50, top, 350, top + 90), abs=2.5)  # deskewed: within a line's width or two
    assert all(r.source == "ocr" for r in scanned_page.rules)


def test_tables_of_a_scan_are_pdfplumber_s(scanned_page):
    assert_tables_are_pdfplumber_s(list(scanned_page.rules))


def test_a_one_row_box_on_a_scan_has_its_short_sides(scanned_page):
    table = next(t for t in scanned_page.tables if abs(t.bbox[1] - 620) < 4)
    assert (table.row_count, table.column_count) == (1, 2)


def test_tick_boxes_and_letters_on_a_scan_are_not_rules(scanned_page):
    def near(rule: Rule, bbox: tuple[float, float, float, float]) -> bool:
        return rule.x1 >= bbox[0] and rule.x0 <= bbox[2] and rule.bottom >= bbox[1] and rule.top <= bbox[3]
    for bbox in [(395, 95, 415, 115), (395, 615, 415, 640), (45, 645, 260, 675)]:
        assert not [r for r in scanned_page.rules if near(r, bbox) and r.length < 100], bbox
    answer_line = [r for r in scanned_page.rules if r.horizontal and abs(r.top - 760) < 4]
    assert len(answer_line) == 1 and answer_line[0].length == pytest.approx(250, abs=4)


# -- real files of ../shared/devset (each page looked at, rendered with its cells outlined) -------

DEVSET = Path(__file__).resolve().parents[2] / "shared" / "devset" / "inbox"
# (file, page): (rows, columns, cells) of each table, top to bottom, as seen on the rendered page.
SEEN = {
    ("2026-041-maintenance-ascenseurs/Questionnaire égalité ENM.pdf", 1):  # spreadsheet export, a rectangle per cell
        [(3, 2, 6), (4, 6, 24), (3, 3, 7), (4, 5, 20), (1, 2, 2), (1, 1, 1), (1, 2, 2), (8, 4, 32)],
    ("2026-041-maintenance-ascenseurs/Verticalis - Questionnaire égalité F-H (2026-041).pdf", 2):
        [(1, 1, 1), (8, 4, 32)],  # a text box carried over from page 1, the commitments table
    ("2026-041-maintenance-ascenseurs/AMV questionnaire egalite complete.pdf", 1):  # landscape, two panels
        [(1, 1, 1), (4, 5, 20), (4, 6, 24)],
    ("2026-041-maintenance-ascenseurs/HLS_renseignements_egalite.pdf", 1):  # transposed: genders as rows
        [(1, 1, 1), (3, 2, 6), (6, 4, 24), (2, 3, 5), (5, 4, 20), (1, 2, 2)],
}
needs_devset = pytest.mark.skipif(not DEVSET.exists(), reason="../shared/devset not present")


def grids(page: Page) -> list[tuple[int, int, int]]:
    return [(t.row_count, t.column_count, len(t.cells)) for t in page.tables]


@needs_devset
@pytest.mark.parametrize("file, number", sorted(SEEN), ids=[f"{Path(f).stem[:20]}-p{n}" for f, n in sorted(SEEN)])
def test_tables_of_devset_pages_are_those_seen(file, number):
    assert grids(load(DEVSET / file).pages[number - 1]) == SEEN[file, number]


@needs_devset
def test_tables_of_a_scanned_devset_page_are_those_seen():
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(DEVSET / "2026-041-maintenance-ascenseurs/scan_ascenscoop_egalite.pdf")
    page = read_scan_page(pdf[0], 1, engine=None, crops_dir=None)
    # The printed form of HLS_renseignements_egalite.pdf, filled by hand and scanned.
    assert grids(page) == SEEN["2026-041-maintenance-ascenseurs/HLS_renseignements_egalite.pdf", 1]
    assert_tables_are_pdfplumber_s(list(page.rules))
    effectifs = page.tables[2]
    women = cell_of(page, effectifs.at(1, 0).bbox)
    assert women is effectifs.at(1, 0) and effectifs.right_of(women) is effectifs.at(1, 1)


@needs_devset
@pytest.mark.skipif(not ocr_available(), reason="Tesseract not installed")
def test_a_form_pasted_as_a_picture_has_the_cells_of_the_picture():
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(DEVSET / "2026-058-transport-scolaire/Navettes du Val - questionnaire.pdf")
    page = read_picture_page(pdf[0], 1, engine=get_engine(), crops_dir=None, dpi=150)
    # The title band printed white on dark is one cell, not a cell between each of its letters.
    assert grids(page) == [(1, 1, 1), (4, 5, 20), (4, 6, 24)]


@needs_devset
def test_words_of_a_spreadsheet_export_fall_in_their_cells():
    page = load(DEVSET / "2026-041-maintenance-ascenseurs/Questionnaire égalité ENM.pdf").pages[0]
    cadres = next(w for w in page.words if w.text == "Cadres")
    cell = cell_of(page, cadres.bbox)
    table = page.tables[cell.table]
    assert (cell.row, cell.column) == (1, 0)
    women = table.right_of(cell)
    assert [w.text for w in page.words_in(women.bbox)] == ["5"]
    assert [w.text for w in page.words_in(table.above(women).bbox)] == ["Femmes"]
    assert [w.text for w in page.words_in(table.row(1)[-1].bbox)] == ["28"]


SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "inbox"
CORPUS = DEVSET.parents[1] / "corpus"


def text_pages() -> list[tuple[str, Page]]:
    """Every page of the dev set, the samples and the corpus that has a text layer (a scan's rules are
    compared on the scans read above: reading 35 scans takes half a minute)."""
    pages = []
    for root in (DEVSET, SAMPLES, CORPUS):
        for path in sorted(root.rglob("*.pdf")):
            try:
                pages += [(f"{path.name}-p{page.number}", page) for page in load(path).pages if not page.image_only]
            except Exception:  # unreadable, on purpose: the corpus has broken and encrypted files
                continue
    return pages


@needs_devset
def test_tables_of_every_text_page_of_the_devset_samples_and_corpus_are_pdfplumber_s():
    pages = text_pages()
    assert len(pages) > 200 and sum(len(page.tables) for _, page in pages) > 300
    for name, page in pages:
        try:
            assert_tables_are_pdfplumber_s(list(page.rules))
        except AssertionError:
            pytest.fail(f"{name}: not pdfplumber's tables")
