"""Marks told from their twins by their ink (extract.glyphs), on lines printed and
scanned in the fonts of this machine (bench.glyphs draws them), and on drawn marks."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest
import reportlab
from PIL import Image

from bench.glyphs import font_file, printed_line, rendered
from extract import glyphs
from extract.glyphs import (LineShape, MarkBox, Specimens, Undecided, decide, is_specimen, is_twin, mark_ink, settle,
                           settled_later)
from extract.ocr_engine import OcrWord, get_engine
from extract.raster import Raster
from extract.scan import ScanSource, _word, scan_source

PROPORTIONAL = LineShape(x_height=15.0, monospace=False)


def _bar(width: float, height: float, blur: float = 0.7) -> np.ndarray:
    """A dark bar of ``width`` × ``height`` pixels on paper, blurred as a scan blurs it."""
    image = np.full((40, 120), 235, np.float32)
    scale = 8
    big = cv2.resize(image, (120 * scale, 40 * scale))
    x0, y0 = 20 * scale, 18 * scale
    big[y0:y0 + round(height * scale), x0:x0 + round(width * scale)] = 30
    small = cv2.resize(big, (120, 40), interpolation=cv2.INTER_AREA)
    return cv2.GaussianBlur(small, (0, 0), blur).astype(np.uint8)


def _measured(width: float, height: float, line: LineShape = PROPORTIONAL) -> str | None:
    mark = MarkBox(0, (20, 18, 20 + round(width), 18 + round(height)), line)
    return decide("-", mark_ink(_bar(width, height), mark), line)


def test_a_dash_is_told_by_its_length_against_the_x_height():
    assert _measured(7, 2) == "-"  # 0.47 x-height
    assert _measured(14, 2) == "–"  # 0.93
    assert _measured(28, 2) == "—"  # 1.87
    assert _measured(10.5, 2) is None  # 0.70: between a long hyphen and a short en dash


def test_a_middle_dot_is_square_a_hyphen_is_a_bar():
    assert _measured(3, 3) == "·"
    assert _measured(7, 2) == "-"
    assert _measured(6, 3.5) is None  # a blot too tall for a bar, too flat for a dot


def test_a_monospaced_line_leaves_its_dashes_undecided_but_not_its_dots():
    """A typewriter's hyphen fills its cell as its en dash does."""
    typewriter = LineShape(x_height=15.0, monospace=True)
    assert _measured(14, 2, typewriter) is None
    assert _measured(7, 2, typewriter) is None
    assert _measured(3, 3, typewriter) == "·"


def test_without_the_line_s_x_height_no_dash_is_decided():
    assert _measured(7, 2, LineShape(x_height=None, monospace=False)) is None


def test_a_mark_glued_to_other_ink_or_on_a_bilevel_scan_is_not_measured():
    image = _bar(14, 2)
    glued = image.copy()
    glued[10:30, 33:36] = 30  # a letter's stem touching the dash's end
    mark = MarkBox(0, (20, 18, 34, 20), PROPORTIONAL)
    assert mark_ink(image, mark) is not None
    assert mark_ink(glued, mark) is None
    assert mark_ink(np.where(image < 128, 0, 255).astype(np.uint8), mark) is None


def test_the_line_shape_tells_a_monospaced_font_by_its_letters_pitch():
    def word(text: str, advances: list[int]) -> list[tuple[str, tuple[int, int, int, int]]]:
        xs = np.cumsum([0, *advances[:-1]])
        return [(c, (int(x), 5 if c in "acemnorsuvwxz" else 0, int(x) + 8, 20)) for c, x in zip(text, xs)]
    proportional = LineShape.of([word("minimum", [14, 5, 9, 5, 14, 9, 14]), word("illicite", [5, 5, 5, 8, 5, 6, 8, 8])])
    mono = LineShape.of([word("minimum", [10] * 7), word("illicite", [10] * 8)])
    assert not proportional.monospace and mono.monospace
    assert proportional.x_height == 15


def test_which_marks_have_twins():
    assert is_twin("l'Écaillon", 1) and is_twin("d’équipe", 1)
    assert is_twin("-", 0) and is_twin("–", 0)  # a dash standing between words
    assert is_twin("associé-es", 7) and is_twin("associé·es", 7)  # inclusive writing's mark
    assert all(is_twin(word, word.index("-")) for word in ("accompagnateur-rice", "technicien-ne", "chef-fe",
                                                           "Trésorier-ère", "directeur-trices"))
    assert not is_twin("grand-mère", 5) and not is_twin("demi-journées", 4)
    assert not is_twin("Saint-Saulve", 5)  # a hyphen inside a word is a hyphen


def test_a_twin_mark_without_its_box_stays_undecided():
    text, undecided = settle("l'Écaillon", (), np.full((10, 10), 255, np.uint8))
    assert text == "l'Écaillon" and undecided == (Undecided(1),)


# -- twins compared with their scan's specimens (commas, in-word hyphens) --------------------

ARIAL_COMMA = [(1, 0), (4, 0), (4, 3.5), (2.6, 6.5), (1.4, 6.5), (2.5, 3.5), (1, 3.5)]  # upright: no lean
SLANTED_COMMA = [(1, 0), (4, 0), (4, 3.2), (0.8, 6.5), (-0.8, 6.5), (2.2, 3.2), (1, 3.2)]  # its foot left
UPRIGHT_WEDGE = [(1, 0), (4, 0), (3.4, 7.5), (1.6, 7.5)]  # a straight apostrophe


def _drawn(shapes: list[list[tuple[float, float]]]) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """Polygons (pixels, from their own corner) drawn 30 pixels apart on a scanned line, and
    their boxes; the last one is the mark decided, the others its specimens."""
    scale, big = 8, np.full((40 * 8, 200 * 8), 235, np.uint8)
    boxes = []
    for i, shape in enumerate(shapes):
        x, y = 20 + 30 * i, 12
        cv2.fillPoly(big, [np.array([[(x + px) * scale, (y + py) * scale] for px, py in shape], np.int32)], 30)
        xs, ys = [x + px for px, _ in shape], [y + py for _, py in shape]
        boxes.append((int(min(xs)), int(min(ys)), int(np.ceil(max(xs))), int(np.ceil(max(ys)))))
    small = cv2.resize(big, (200, 40), interpolation=cv2.INTER_AREA).astype(np.float32)
    return cv2.GaussianBlur(small, (0, 0), 0.6).astype(np.uint8), boxes


def _compared(specimen: str, shapes: list[list[tuple[float, float]]], char: str,
              line: LineShape = PROPORTIONAL) -> tuple[str | None, str | None]:
    """The last shape, read as ``char``, decided alone and against the others (read as
    ``specimen``)."""
    image, boxes = _drawn(shapes)
    specimens = Specimens()
    specimens.gather(specimen, tuple(MarkBox(0, box, line) for box in boxes[:-1]), image)
    ink = mark_ink(image, MarkBox(0, boxes[-1], line))
    return decide(char, ink, line), decide(char, ink, line, 1.0, specimens)


def test_an_upright_apostrophe_shaped_as_its_page_s_commas_is_typographic():
    """Arial's ’ is its comma raised, upright: its lean alone does not tell it."""
    assert _compared(",", [ARIAL_COMMA] * 4, "'") == (None, "’")


def test_an_upright_wedge_unlike_its_page_s_commas_is_straight():
    assert _compared(",", [SLANTED_COMMA] * 4 + [UPRIGHT_WEDGE], "'") == (None, "'")


def test_with_too_few_commas_an_apostrophe_stays_undecided():
    """Two commas may be a misread and a blot: three are needed."""
    assert _compared(",", [ARIAL_COMMA] * 3, "'") == (None, None)
    assert _compared(",", [SLANTED_COMMA] * 2 + [UPRIGHT_WEDGE], "'") == (None, None)


def test_a_leaning_mark_unlike_its_page_s_commas_stays_undecided():
    """Its lean alone says ’, but a font's ’ is its comma raised: a straight one scanned askew."""
    leaning_bar = [(3, 0), (5.5, 0), (2, 8.5), (-0.5, 8.5)]
    assert _compared(",", [ARIAL_COMMA] * 3 + [leaning_bar], "'") == ("’", None)


def _bar_shape(length: float) -> list[tuple[float, float]]:
    return [(0, 0), (length, 0), (length, 2), (0, 2)]


def test_a_dash_is_told_by_its_length_against_its_page_s_in_word_hyphens():
    """Open Sans's en dash is 0.7 x-height, between the fixed classes; 1.75 hyphens long."""
    hyphens = [_bar_shape(6)] * 2
    assert _compared("-", hyphens + [_bar_shape(10.5)], "-") == (None, "–")
    short_line = LineShape(x_height=9.0, monospace=False)  # a hyphen of 0.67 x-height
    assert _compared("-", hyphens + [_bar_shape(6)], "-", short_line) == (None, "-")
    assert _compared("-", [_bar_shape(6)] + [_bar_shape(10.5)], "-")[1] is None  # one hyphen: no reference
    unlike = [_bar_shape(6), _bar_shape(6), _bar_shape(9.5)]  # an en dash typed inside « 2024–2026 »
    assert _compared("-", unlike + [_bar_shape(10.5)], "-")[1] is None
    # 0.53 x-height, a hyphen to the fixed measure, but twice the page's hyphens: they disagree
    assert _compared("-", [_bar_shape(4)] * 2 + [_bar_shape(8)], "-") == ("-", None)


def test_a_scan_s_pages_share_their_specimens_but_not_a_page_read_turned():
    image, boxes = _drawn([ARIAL_COMMA] * 4)
    document: list[Specimens] = []
    first, second = Specimens(document), Specimens(document)
    first.gather(",", tuple(MarkBox(0, box, PROPORTIONAL) for box in boxes[:3]), image)
    ink = mark_ink(image, MarkBox(0, boxes[3], PROPORTIONAL))
    assert decide("'", ink, PROPORTIONAL, 1.0, second) == "’"
    first.discard()
    assert decide("'", ink, PROPORTIONAL, 1.0, second) is None


def test_an_apostrophe_read_before_its_scan_s_commas_is_decided_once_they_are_read():
    """The label pass leaves paragraphs out and values are read zone by zone: an apostrophe
    read before the commas that tell it is decided again once the document is read, as it
    would have been read last."""
    image, boxes = _drawn([ARIAL_COMMA] * 4)
    document: list[Specimens] = []
    early, late = Specimens(document), Specimens(document)
    mark = MarkBox(1, boxes[3], PROPORTIONAL)
    text, undecided = settle("l'Écaillon", (mark,), image, specimens=early)
    assert text == "l'Écaillon" and undecided and undecided[0].apostrophe is not None
    late.gather(",", tuple(MarkBox(0, box, PROPORTIONAL) for box in boxes[:3]), image)
    assert settled_later(text, undecided) == ("l’Écaillon", ())


def test_an_apostrophe_its_scan_s_commas_do_not_tell_stays_undecided_later():
    image, boxes = _drawn([SLANTED_COMMA] * 2 + [ARIAL_COMMA])
    document: list[Specimens] = []
    page = Specimens(document)
    text, undecided = settle("l'Écaillon", (MarkBox(1, boxes[2], PROPORTIONAL),), image, specimens=page)
    page.gather(",", tuple(MarkBox(0, box, PROPORTIONAL) for box in boxes[:2]), image)  # two commas: no reference
    assert settled_later(text, undecided) == (text, undecided)


def test_an_open_sans_en_dash_is_told_by_the_line_s_hyphens():
    """Open Sans's en dash is too short against its x-height for the fixed measures."""
    engine = get_engine()
    font = font_file("Open Sans")
    if engine is None or font is None:
        pytest.skip("Tesseract or Open Sans absent")
    image = printed_line(font, "Trait d’Union – entreprise adaptée, demi-journées, porte-parole", points=10, dpi=200)
    words = engine.read(image, dpi=200, block=True)
    specimens = Specimens()
    for word in words:
        specimens.gather(word.text, word.specimens, image)
    dash = next(w for w in words if w.text in glyphs.DASHES)
    assert settle(dash.text, dash.marks, image) == ("-", (Undecided(0),))
    assert settle(dash.text, dash.marks, image, specimens=specimens) == ("–", ())


def test_specimens_are_marks_of_known_identity():
    assert is_specimen("conduite,", 8) and is_specimen("2,5", 1)
    assert is_specimen("demi-journées", 4) and is_specimen("2026-052", 4)
    assert not is_specimen("d,équipe", 1)  # a comma inside a word is a misread
    assert not is_specimen("associé-es", 7)  # inclusive writing's mark is a twin
    assert not is_specimen("-", 0)


# -- printed and scanned lines, read by Tesseract ------------------------------------------

def _read_marks(font_name: str, text: str, dpi: int = 200, points: float = 10,
                bilevel: bool = False) -> list[tuple[str, bool]]:
    """Each word holding a twin mark, as the scan reader would give it: (text, whether some
    mark is undecided)."""
    engine = get_engine()
    if engine is None:
        pytest.skip("Tesseract absent")
    font = font_file(font_name)
    if font is None:
        pytest.skip(f"{font_name} not installed")
    image = printed_line(font, text, points=points, dpi=dpi, bilevel=bilevel)
    return [(text, bool(undecided)) for text, undecided in
            (settle(w.text, w.marks, image) for w in engine.read(image, dpi=dpi, block=True) if w.marks)]


@pytest.mark.parametrize("dpi", [200, 300])
def test_a_slanted_typographic_apostrophe_is_decided_a_straight_one_never(dpi):
    """DejaVu Sans draws ’ slanted and ' upright: the slanted one is decided, the upright
    one is left undecided (an upright mark may be an upright comma too)."""
    read = _read_marks("DejaVu Sans", "la réunion d'équipe et l’accès aux offres", dpi=dpi)
    assert ("d'équipe", True) in read
    assert ("l’accès", False) in read


def test_an_upright_typographic_apostrophe_stays_undecided():
    """Liberation Sans's (Arial's) ’ is an upright comma, a pixel from its ' at 200 dpi."""
    read = _read_marks("Liberation Sans", "la réunion d’équipe et l’accès aux offres")
    assert read and all(unsure for _, unsure in read)


def test_dashes_and_dots_of_a_proportional_font_are_decided():
    read = _read_marks("Liberation Sans", "Trait d’Union – entreprise adaptée des associé·es")
    assert ("–", False) in read
    assert ("associé·es", False) in read


def test_a_typewriter_s_dash_stays_undecided():
    read = _read_marks("DejaVu Sans Mono", "Transport scolaire – lots 1 à 4 et rouge - vert")
    dashes = [(text, unsure) for text, unsure in read if text in glyphs.DASHES]
    assert dashes and all(unsure for _, unsure in dashes)


def test_a_bilevel_scan_leaves_its_marks_undecided():
    read = _read_marks("DejaVu Sans", "la réunion d’équipe – les associé·es", bilevel=True)
    assert read and all(unsure for _, unsure in read)


def test_a_black_and_white_scan_is_told_by_its_image_and_its_marks_left_undecided(tmp_path):
    """A bilevel scan's edges are the scanner's threshold, not the glyph's: once the page is
    rendered smoothly they look gray, so the scan's own image (one bit per pixel) says it."""
    font = font_file("DejaVu Sans")
    if font is None:
        pytest.skip("DejaVu Sans not installed")
    gray = printed_line(font, "la réunion d’équipe", points=10, dpi=200)
    thresholded = printed_line(font, "la réunion d’équipe", points=10, dpi=200, bilevel=True)
    images = {"one bit": Image.fromarray(thresholded).convert("1"), "gray": Image.fromarray(gray),
              "two tones in gray": Image.fromarray(thresholded)}
    for name, image in images.items():
        image.save(tmp_path / f"{name}.pdf", resolution=200)
        source = scan_source(pdfium.PdfDocument(tmp_path / f"{name}.pdf")[0])
        assert source.bilevel is (name != "gray") and round(source.dpi) == 200, name
    page = Raster(_bar(14, 2), 200)
    found = OcrWord("-", 20, 18, 34, 20, 0.9, (MarkBox(0, (20, 18, 34, 20), PROPORTIONAL),))
    gray = _word(found, page, (0, 0), page, ScanSource(200, False))
    assert gray.text == "–" and not gray.marks_unsure
    black_and_white = _word(found, page, (0, 0), page, ScanSource(200, True))
    assert black_and_white.text == "-" and black_and_white.marks_unsure


def test_a_scan_of_two_tones_is_told_from_a_gray_one():
    font = font_file("DejaVu Sans")
    if font is None:
        pytest.skip("DejaVu Sans not installed")
    gray = printed_line(font, "la réunion d’équipe", points=10, dpi=200)
    assert not glyphs.two_tone(gray)
    assert glyphs.two_tone(printed_line(font, "la réunion d’équipe", points=10, dpi=200, bilevel=True))


# -- a document's apostrophes decided together ------------------------------------------------

URW_ARIAL = Path(reportlab.__file__).parent / "fonts" / "_a______.pfb"  # Arial's shapes, shipped with reportlab
PARAGRAPH = ("Revue en réunion d’encadrement, chefs d’équipe, dépôt d’Haulchin, l’association, "
             "bassin d’emploi, selon l’ancienneté, aujourd’hui, quelqu’un")


def _scanned_paragraph(text: str, seed: int, dpi: int = 200,
                       points: float = 10) -> list[tuple[str, tuple[Undecided, ...]]]:
    """``text`` in Arial's shapes printed and scanned (JPEG), read as the scan reader reads a
    page: each word with twin marks settled against the page's specimens."""
    engine = get_engine()
    if engine is None:
        pytest.skip("Tesseract absent")
    image = rendered(printed_line(URW_ARIAL, text, points=points, dpi=dpi, jpeg=75, seed=seed), dpi)
    words = engine.read(image, dpi=300, block=True)
    page = Specimens([])
    for word in words:
        page.gather(word.text, word.specimens, image, native=dpi / 300)
    return [settle(w.text, w.marks, image, native=dpi / 300, specimens=page) for w in words if w.marks]


def test_a_document_s_apostrophes_of_one_size_are_decided_together_once_some_are_clear():
    """Arial's ’ is an upright comma: at 200 dpi, one mark is a few pixels of blur that its
    page's commas seldom tell from a '; the median shape of the paragraph's apostrophes does,
    once some of them are clear alone (the font draws its ’ as its comma at this size)."""
    read = _scanned_paragraph(PARAGRAPH, seed=0)
    assert len(read) == 8 and sum(bool(undecided) for _, undecided in read) == 6  # alone: 2 decided ’
    later = [settled_later(text, undecided) for text, undecided in read]
    assert all("’" in text and not undecided for text, undecided in later)
    none_clear = _scanned_paragraph(PARAGRAPH, seed=1)
    assert all(undecided for _, undecided in none_clear)
    assert all(settled_later(text, undecided) == (text, undecided) for text, undecided in none_clear)


@pytest.mark.parametrize("dpi, points", [(150, 11), (200, 10), (300, 12)])
def test_straight_apostrophes_are_never_decided_together_nor_one_typed_among_typographic_ones(dpi, points):
    """A ' pasted into a text of ’ differs from them by a pixel at 150 dpi: it stays undecided."""
    straight = _scanned_paragraph(PARAGRAPH.replace("’", "'"), 1, dpi, points)
    assert straight and all(settled_later(text, undecided) == (text, undecided) for text, undecided in straight)
    mixed = PARAGRAPH.replace("d’Haulchin", "d'Haulchin").replace("l’ancienneté", "l'ancienneté") + ", l’État"
    for seed in range(3):
        for text, undecided in _scanned_paragraph(mixed, seed, dpi, points):
            if "Haulchin" in text or "ancienneté" in text:
                assert "’" not in settled_later(text, undecided)[0]


def test_an_apostrophe_whose_box_cut_its_ink_is_measured_as_read_again():
    """The label pass reads a page coarser than a zone: Tesseract's box may miss a mark's blur,
    the zone reading of the same mark measures it."""
    image, boxes = _drawn([ARIAL_COMMA] * 4)
    page = Specimens([])
    page.gather(",", tuple(MarkBox(0, box, PROPORTIONAL) for box in boxes[:3]), image)
    x0, top, x1, bottom = boxes[3]
    cut = MarkBox(1, (x0 + 1, top + 1, x1 - 1, bottom - 1), PROPORTIONAL)
    text, undecided = settle("l'Écaillon", (cut,), image, specimens=page)
    assert text == "l'Écaillon" and undecided[0].apostrophe.ink is None
    assert settled_later(text, undecided) == (text, undecided)  # not measured yet
    settle("l'Écaillon", (MarkBox(1, boxes[3], PROPORTIONAL),), image, specimens=page)
    assert settled_later(text, undecided) == ("l’Écaillon", ())
