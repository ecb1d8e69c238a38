"""The scan reader on a small form drawn with known truth, then "scanned"
(skewed, noisy, at 150–200 dpi, sometimes turned)."""
from __future__ import annotations

import io

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw, ImageFont

from extract import ocr_engine
from extract.boxes import box_state, find_boxes
from extract.ocr_engine import get_engine, ocr_available
from extract.raster import Raster, estimate_skew, render_page, rotate
from extract.scan import is_image_only, read_scan_page, worth_reading
from extract.tokens import overlap_ratio
from tests.support_scan import DrawnForm, draw_form, scan

ENGINE = get_engine()
needs_ocr = pytest.mark.skipif(ENGINE is None, reason="Tesseract (fra) absent")


@pytest.fixture(scope="module")
def drawn() -> DrawnForm:
    return draw_form()


def first_page(pdf: bytes):
    return pdfium.PdfDocument(pdf)[0]


def near(a: tuple[float, ...], b: tuple[float, ...], tolerance: float) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b))


@pytest.mark.parametrize("dpi, angle", [(200, 1.5), (150, -2.0), (300, 0.4)])
def test_boxes_are_found_where_drawn_with_their_state(drawn, dpi, angle):
    page = read_scan_page(first_page(scan(drawn.pdf, dpi=dpi, angle=angle, seed=dpi)), 1,
                          engine=None, crops_dir=None)
    assert len(page.marks) == len(drawn.boxes)
    for name, bbox, ticked in drawn.boxes:
        found = [m for m in page.marks if overlap_ratio(m.bbox, bbox) >= 0.5]
        assert len(found) == 1, name
        assert near(found[0].bbox, bbox, 2.0), (name, found[0].bbox, bbox)
        assert found[0].checked is ticked, name
        assert found[0].confidence >= 0.5


def test_box_state_has_a_doubtful_band():
    assert box_state(0.0) == (False, 1.0)
    assert box_state(0.4)[0] is True
    checked, confidence = box_state(0.04)
    assert checked is None and confidence == 0.0


def test_a_bold_title_has_no_boxes():
    image = Image.new("L", (1200, 200), 255)
    font = ImageFont.load_default(size=60)  # about 14 pt at 300 dpi: bold-like round letters
    ImageDraw.Draw(image).text((20, 60), "Renseignements égalité Oo", fill=0, font=font)
    assert find_boxes(Raster(np.array(image), 300)) == []


@pytest.mark.parametrize("angle", [-2.0, -0.7, 1.2, 2.0])
def test_skew_is_measured(drawn, angle):
    page = render_page(first_page(drawn.pdf), 150)
    skewed = Raster(rotate(page.image, -angle), page.dpi)  # clockwise by ``angle``
    assert estimate_skew(skewed) == pytest.approx(angle, abs=0.15)


def test_image_only_pages_are_told_from_digital_ones(drawn):
    assert is_image_only(first_page(scan(drawn.pdf)))
    assert not is_image_only(first_page(drawn.pdf))


def test_without_tesseract_the_page_keeps_its_boxes(drawn):
    page = read_scan_page(first_page(scan(drawn.pdf)), 3, engine=None, crops_dir=None)
    assert page.number == 3 and page.image_only
    assert page.words == [] and page.zone_reader is None
    assert page.width == pytest.approx(595.3, abs=1) and page.height == pytest.approx(841.9, abs=1)
    assert sum(m.checked is True for m in page.marks) == sum(t for _, _, t in drawn.boxes)


def test_missing_french_data_is_explained_in_french(monkeypatch):
    monkeypatch.setenv("TESSDATA_PREFIX", "/nonexistent")
    monkeypatch.setattr(ocr_engine, "TESSDATA_DIRS", ())
    ok, reason = ocr_available()
    assert not ok
    assert "sudo apt-get install tesseract-ocr tesseract-ocr-fra" in reason


def test_crops_are_written_under_the_crops_folder(drawn, tmp_path):
    page = read_scan_page(first_page(scan(drawn.pdf)), 2, engine=None, crops_dir=tmp_path)
    _, bbox = drawn.values["board.women_pct"]
    relative = page.crop_writer(bbox, "board.women_pct")
    assert relative == "page002-board.women_pct.png"
    with Image.open(tmp_path / relative) as crop:
        size_pt = (bbox[2] - bbox[0] + 12, bbox[3] - bbox[1] + 12)  # the zone and its margin
        assert crop.height == pytest.approx(size_pt[1] * 200 / 72, abs=2)  # at the scan's own 200 dpi
        assert crop.width <= size_pt[0] * 200 / 72 + 2  # less the blank end of the line
        assert np.array(crop).min() < 100  # the value's ink is in the picture
    assert (tmp_path / "page002.png").is_file()  # the whole page, for the review sheet to outline the zone on


@pytest.fixture(scope="module")
def ocr_page(drawn):
    if ENGINE is None:
        pytest.skip("Tesseract (fra) absent")
    return read_scan_page(first_page(scan(drawn.pdf, dpi=150, angle=-1.8, seed=7)), 1, engine=ENGINE, crops_dir=None)


@needs_ocr
def test_labels_are_found_near_where_they_were_printed(drawn, ocr_page):
    for label in ("Négociation d'accords", "Part des femmes parmi les bénévoles :"):
        first = label.split()[0]
        words = [w for w in ocr_page.words if w.text == first]
        assert words, f"{first!r} not read in {[w.text for w in ocr_page.words]}"
        x0, top = drawn.labels[label][:2]
        assert any(abs(w.x0 - x0) <= 3 and abs(w.top - top) <= 4 for w in words)
        assert all(0 <= w.confidence <= 1 and w.source == "ocr" for w in words)


@needs_ocr
def test_values_are_read_zone_by_zone(drawn, ocr_page):
    for key, (text, bbox) in drawn.values.items():
        zone = (bbox[0] - 8, bbox[1] - 3, bbox[2] + 30, bbox[3] + 4)  # as loose as a label-built zone
        words = ocr_page.words_in(zone)
        assert [w.text for w in words] == [text], key
        assert min(w.confidence for w in words) >= 0.75


@needs_ocr
def test_a_blank_zone_reads_nothing(ocr_page):
    assert ocr_page.words_in((330, 190, 420, 215)) == []


@needs_ocr
@pytest.mark.parametrize("turn", [90, 180])
def test_turned_pages_are_read_upright(drawn, turn):
    page = read_scan_page(first_page(scan(drawn.pdf, dpi=150, angle=0.5, clockwise_turn=turn)), 1,
                          engine=ENGINE, crops_dir=None)
    assert page.width < page.height
    texts = {w.text for w in page.words}
    assert {"Négociation", "Signature", "Organisation"} <= texts


LONE_ONE = [  # a "1" as a scanned print of a spreadsheet shows it, at 300 dpi (no foot, as Carlito draws it)
    ".........##.", "......######", "....########", "...#########", ".###########", "############",
    "######.#####", ".###....####"] + ["........####"] * 20 + [".........###"]


@needs_ocr
def test_a_lone_figure_in_a_wide_number_cell_is_read():
    """Tesseract's block reading leaves this lone "1" in a wide blank cell unread; the
    figure is read again on its own, cut close, and not left blank."""
    pixels = np.full((600, 900), 255, np.uint8)
    glyph = np.array([[0 if c == "#" else 255 for c in row] for row in LONE_ONE], np.uint8)
    pixels[300:300 + glyph.shape[0], 600:600 + glyph.shape[1]] = glyph
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PDF", resolution=300)
    page = read_scan_page(first_page(buffer.getvalue()), 1, engine=ENGINE, crops_dir=None)
    words = page.words_in((110, 69, 184, 83), numeric=True)  # the cell: 74 pt wide, the figure in its right part
    assert [w.text for w in words] == ["1"]


@needs_ocr
def test_two_figures_in_a_wide_answer_band_are_read():
    """Two small figures under a question fill less of the line's band than the share of ink
    that makes a zone worth reading; the fast pass read them there: the zone is read."""
    pixels = np.full((2339, 1654), 255, np.uint8)  # A4 at 200 dpi
    image = Image.fromarray(pixels)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype("DejaVuSansMono.ttf", 24)
    draw.text((180, 1470), "91", font=font, fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="PDF", resolution=200)
    page = read_scan_page(first_page(buffer.getvalue()), 1, engine=ENGINE, crops_dir=None)
    band = (47.9, 526.6, 595.7, 544.3)  # the whole line under the question, 548 pt wide
    assert [w.text for w in page.words_in(band)] == ["91"]


@needs_ocr
def test_a_lone_letter_in_a_wide_answer_band_is_read():
    """A gender typed « F » in a wide table cell: too little ink for the zone to seem worth
    reading, and the block reading leaves it out; the fast pass read it there, it is read alone."""
    pixels = np.full((2339, 1654), 255, np.uint8)  # A4 at 200 dpi
    image = Image.fromarray(pixels)
    font, draw = ImageFont.truetype("DejaVuSans.ttf", 28), ImageDraw.Draw(image)
    draw.text((180, 1400), "Genre des personnes occupant les postes suivants :", font=font, fill=0)
    draw.text((180, 1470), "Présidente / Président", font=font, fill=0)
    draw.text((900, 1470), "F", font=font, fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="PDF", resolution=200)
    page = read_scan_page(first_page(buffer.getvalue()), 1, engine=ENGINE, crops_dir=None)
    band = (200.0, 524.0, 595.0, 546.0)  # the rest of the row, 395 pt wide
    assert [w.text for w in page.words_in(band)] == ["F"]


SCALE_300_DPI = 300 / 72


def test_a_lone_figure_at_the_far_end_of_a_wide_row_is_worth_reading():
    """A « 7 » (10 pt, 1 pt strokes) at the end of a 600 pt row is far less ink than the share that
    makes a zone worth reading; judged blank, its cell would be null with no one told."""
    row = np.full((round(20 * SCALE_300_DPI), round(600 * SCALE_300_DPI)), 255, np.uint8)
    x, y, stroke = row.shape[1] - 60, 20, round(SCALE_300_DPI)
    row[y:y + stroke, x:x + 25] = 0  # the bar of the 7
    for step in range(42):  # its stem, leaning
        row[y + step, x + 24 - step // 2:x + 24 - step // 2 + stroke] = 0
    assert np.count_nonzero(row == 0) < 0.002 * row.size
    assert worth_reading(row, SCALE_300_DPI)


def test_dust_spread_over_a_wide_row_is_not_worth_reading():
    row = np.full((round(20 * SCALE_300_DPI), round(600 * SCALE_300_DPI)), 255, np.uint8)
    for x in range(40, row.shape[1] - 40, 120):
        row[30:33, x:x + 3] = 0  # specks of a poor scan, far from each other
    assert not worth_reading(row, SCALE_300_DPI)
