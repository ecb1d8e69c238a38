"""Tick boxes of every kind become marks with the right state.

Each test makes the boxes as a producer makes them (a browser's radio
buttons and check boxes, a form's printed squares, fillable forms' check
boxes and option buttons) and reads the page back through
``extract.document.load`` (extract.vector_marks, extract.acroform,
extract.pdfium_annots, extract.marks).
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import pikepdf
import pytest
from reportlab.lib.colors import Color
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from extract.acroform import form_fields
from extract.document import load
from extract.tokens import Mark
from tests.support_layouts import GLYPH_FONT

HEIGHT = 842
WHITE, GREY, BLUE, BLACK = Color(1, 1, 1), Color(0.46, 0.46, 0.46), Color(0, 0.46, 1), Color(0, 0, 0)


def _marks(tmp_path: Path, draw) -> list[Mark]:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(595, HEIGHT))
    draw(canvas)
    canvas.showPage()
    canvas.save()
    path = tmp_path / "page.pdf"
    path.write_bytes(buffer.getvalue())
    return sorted(load(path).pages[0].marks, key=lambda m: (round(m.middle), m.x0))


def _states(marks: list[Mark]) -> list[bool | None]:
    return [m.checked for m in marks]


def _paint(canvas: Canvas, fill: Color | None = None, stroke: Color | None = None, width: float = 1.0) -> None:
    canvas.setFillColor(fill or WHITE)
    canvas.setStrokeColor(stroke or WHITE)
    canvas.setLineWidth(width)


def _radio(canvas: Canvas, x: float, y: float, checked: bool) -> None:
    """As a Chromium print draws it: white disc, ring, and a coloured dot when checked."""
    _paint(canvas, fill=WHITE)
    canvas.circle(x, y, 4.7, stroke=0, fill=1)
    _paint(canvas, stroke=BLUE if checked else GREY)
    canvas.circle(x, y, 4.9, stroke=1, fill=0)
    if checked:
        _paint(canvas, fill=BLUE)
        canvas.circle(x, y, 2.9, stroke=0, fill=1)


def _check_box(canvas: Canvas, x: float, y: float, checked: bool) -> None:
    """As a Chromium print draws it: a rounded square; checked, filled with a white check over it."""
    _paint(canvas, fill=WHITE)
    canvas.roundRect(x, y, 9.5, 9.5, 2, stroke=0, fill=1)
    if not checked:
        _paint(canvas, stroke=GREY)
        canvas.roundRect(x - 0.2, y - 0.2, 9.9, 9.9, 2, stroke=1, fill=0)
        return
    _paint(canvas, fill=BLUE)
    canvas.roundRect(x, y, 9.75, 9.75, 2, stroke=0, fill=1)
    _paint(canvas, stroke=WHITE, width=2)
    path = canvas.beginPath()
    path.moveTo(x + 2, y + 5)
    path.lineTo(x + 4, y + 2.5)
    path.lineTo(x + 8, y + 7.5)
    canvas.drawPath(path, stroke=1, fill=0)


def test_browser_radio_buttons_checked_by_their_inner_dot(tmp_path):
    marks = _marks(tmp_path, lambda c: [_radio(c, 60 + 50 * i, 700, i == 1) for i in range(3)])
    assert _states(marks) == [False, True, False]
    assert all(9 <= m.x1 - m.x0 <= 11 for m in marks)  # the ring's size, not the dot's


def test_browser_check_boxes_checked_by_their_filled_square(tmp_path):
    marks = _marks(tmp_path, lambda c: [_check_box(c, 60, 700 - 30 * i, i % 2 == 0) for i in range(4)])
    assert _states(marks) == [True, False, True, False]


def test_white_check_filled_as_a_polygon_over_a_coloured_square(tmp_path):
    """The white check covers part of the square's middle only: the box stays ticked."""
    def draw(canvas):
        _paint(canvas, fill=BLUE)
        canvas.roundRect(60, 700, 10, 10, 2, stroke=0, fill=1)
        _paint(canvas, fill=WHITE)
        path = canvas.beginPath()
        for x, y in ((62, 705), (63.5, 706.2), (65, 704), (68.5, 708.5), (69.5, 707.5), (65, 701.5)):
            path.lineTo(x, y) if len(path.getCode()) else path.moveTo(x, y)
        path.close()
        canvas.drawPath(path, stroke=0, fill=1)
        _paint(canvas, stroke=GREY)
        canvas.roundRect(110, 700, 10, 10, 2, stroke=1, fill=0)
    assert _states(_marks(tmp_path, draw)) == [True, False]


def test_ring_drawn_as_a_coloured_disc_under_a_white_one(tmp_path):
    """Another browser: the border of an empty radio is a grey disc under a white disc;
    a checked one is a coloured disc with a small white dot in its middle."""
    def draw(canvas):
        for x, checked in ((60, False), (110, True)):
            _paint(canvas, fill=BLUE if checked else GREY)
            canvas.circle(x, 700, 5, stroke=0, fill=1)
            _paint(canvas, fill=WHITE)
            canvas.circle(x, 700, 1.6 if checked else 4.2, stroke=0, fill=1)
    assert _states(_marks(tmp_path, draw)) == [False, True]


def test_check_stroked_in_an_outlined_rounded_box(tmp_path):
    def draw(canvas):
        for x, checked in ((60, True), (110, False)):
            _paint(canvas, stroke=BLACK)
            canvas.roundRect(x, 700, 10, 10, 2.5, stroke=1, fill=0)
            if checked:
                path = canvas.beginPath()
                path.moveTo(x + 2, 705)
                path.lineTo(x + 4.5, 702)
                path.lineTo(x + 8.5, 708.5)
                canvas.drawPath(path, stroke=1, fill=0)
    assert _states(_marks(tmp_path, draw)) == [True, False]


def test_printed_square_white_background_is_not_a_tick(tmp_path):
    """A square drawn with a white background is empty; a cross or a dark square inside ticks it."""
    def draw(canvas):
        _paint(canvas, fill=WHITE, stroke=BLACK)
        for x in (60, 110, 160):
            canvas.rect(x, 700, 10, 10, stroke=1, fill=1)
        _paint(canvas, stroke=BLACK)
        canvas.line(111, 701, 119, 709)
        canvas.line(111, 709, 119, 701)
        _paint(canvas, fill=BLACK)
        canvas.rect(162, 702, 6, 6, stroke=0, fill=1)
    assert _states(_marks(tmp_path, draw)) == [False, True, True]


def test_bullet_is_not_a_box(tmp_path):
    def draw(canvas):
        _paint(canvas, fill=BLACK)
        canvas.circle(60, 700, 3, stroke=0, fill=1)
        canvas.circle(60, 680, 6, stroke=0, fill=1)
    assert _marks(tmp_path, draw) == []


@pytest.mark.parametrize("shape", ["circle", "square"])
def test_half_inked_middle_is_unknown(tmp_path, shape):
    """A dot too small to be a checked radio, too big to be a speck: the state is not guessed."""
    def draw(canvas):
        _paint(canvas, stroke=BLACK)
        if shape == "circle":
            canvas.circle(60, 700, 6, stroke=1, fill=0)
        else:
            canvas.rect(54, 694, 12, 12, stroke=1, fill=0)
        _paint(canvas, fill=BLACK)
        canvas.circle(60, 700, 1.4, stroke=0, fill=1)
    marks = _marks(tmp_path, draw)
    assert [(m.checked, m.confidence) for m in marks] == [(None, 0.0)]


# -- fillable forms: check boxes and option buttons of any producer ---------------

def _fillable(tmp_path: Path, boxes: list[dict], need_appearances: bool = True) -> Path:
    """A one-page AcroForm as LibreOffice Writer exports one: the value (/V) on the
    field, its widgets as kids with empty appearance streams.

    Each entry of ``boxes``: ``name``, ``value`` (/V, or None), ``widgets``: a list
    of (x, states, as) with ``states`` the appearance state names (None: no /AP)
    and ``as`` the widget's /AS (None: absent); optional ``opt`` and ``radio``.
    """
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(595, HEIGHT))
    canvas.drawString(50, 800, "Avez-vous un conseil d'administration ?")
    canvas.showPage()
    canvas.save()
    pdf = pikepdf.open(io.BytesIO(buffer.getvalue()))
    page = pdf.pages[0].obj
    fields, annots = pikepdf.Array(), pikepdf.Array()
    for row, box in enumerate(boxes):
        parent = pdf.make_indirect(pikepdf.Dictionary(FT=pikepdf.Name.Btn, T=box["name"]))
        if box.get("value") is not None:
            parent.V = pikepdf.Name("/" + box["value"])
        if box.get("radio"):
            parent.Ff = 49152  # radio, no toggle to off
        if box.get("opt"):
            parent.Opt = pikepdf.Array([pikepdf.String(o) for o in box["opt"]])
        kids = pikepdf.Array()
        for x, states, drawn in box["widgets"]:
            top = 700 - 30 * row
            widget = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, F=4,
                                        Rect=pikepdf.Array([x, top, x + 10, top + 10]), P=page, Parent=parent)
            if states is not None:
                widget.AP = pikepdf.Dictionary(N=pikepdf.Dictionary({"/" + s: pdf.make_stream(b"") for s in states}))
            if drawn is not None:
                widget.AS = pikepdf.Name("/" + drawn)
            widget = pdf.make_indirect(widget)
            kids.append(widget)
            annots.append(widget)
        parent.Kids = kids
        fields.append(parent)
    page.Annots = annots
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=fields)
    if need_appearances:
        pdf.Root.AcroForm.NeedAppearances = True
    path = tmp_path / "form.pdf"
    pdf.save(path)
    return path


def _field_states(path: Path) -> list[tuple[str, str | None, bool | None]]:
    with pikepdf.open(path) as pdf:
        return [(f.name, f.value, f.checked) for f in form_fields(pdf)]


def _page_states(path: Path) -> list[tuple[str | None, bool | None]]:
    """The marks PDFium places on the page, with the states the field tree gives them."""
    with pikepdf.open(path) as pdf:
        fields = form_fields(pdf)
    marks = sorted(load(path, fields=fields).pages[0].marks, key=lambda m: (m.top, m.x0))
    return [(m.field_name, m.checked) for m in marks]


LONE = ["Yes", "Off"]


def test_check_boxes_read_from_the_value_when_appearances_are_left_to_the_viewer(tmp_path):
    """LibreOffice Writer: /V on the field, empty appearance streams, no /AS or a stale one."""
    path = _fillable(tmp_path, [
        {"name": "ticked", "value": "Yes", "widgets": [(50, LONE, None)]},
        {"name": "unticked", "value": "Off", "widgets": [(50, LONE, None)]},
        {"name": "stale", "value": "Yes", "widgets": [(50, LONE, "Off")]},
        {"name": "stale_off", "value": "Off", "widgets": [(50, LONE, "Yes")]},
        {"name": "no_appearance", "value": "Yes", "widgets": [(50, None, None)]},
        {"name": "never_filled", "value": None, "widgets": [(50, LONE, None)]},
    ])
    expected = [("ticked", True), ("unticked", False), ("stale", True), ("stale_off", False),
                ("no_appearance", True), ("never_filled", False)]
    assert [(name, checked) for name, _, checked in _field_states(path)] == expected
    assert _page_states(path) == expected


def test_option_buttons_with_export_values_in_opt(tmp_path):
    """Option-button groups: the kids' states are ranks ("0", "1") and /Opt holds their
    export values; /V names the state of the chosen one, or its export value."""
    widgets = [(50, ["0", "Off"], None), (100, ["1", "Off"], None)]
    path = _fillable(tmp_path, [
        {"name": "board", "value": "1", "radio": True, "opt": ["Oui", "Non"], "widgets": widgets},
        {"name": "training", "value": "Oui", "radio": True, "opt": ["Oui", "Non"], "widgets": widgets},
        {"name": "label", "value": "Off", "radio": True, "opt": ["Oui", "Non"], "widgets": widgets},
        {"name": "events", "value": "Non", "radio": True,
         "widgets": [(50, ["Oui", "Off"], "Oui"), (100, ["Non", "Off"], "Off")]},
    ])
    assert _field_states(path) == [
        ("board", "Oui", False), ("board", "Non", True),
        ("training", "Oui", True), ("training", "Non", False),
        ("label", "Oui", False), ("label", "Non", False),
        ("events", "Oui", False), ("events", "Non", True),  # the value wins over the stale drawn state
    ]
    assert _page_states(path) == [(name, checked) for name, _, checked in _field_states(path)]


def test_widget_boxes_from_their_rect_in_any_corner_order(tmp_path):
    """A widget's box is its /Rect with the corners ordered, from the page's top (as PDF viewers
    draw a /Rect given from its top-right corner); a widget without /Rect has an empty box;
    entries a field lacks (/Kids, /T on a merged widget, /AS) are read as absent."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, HEIGHT))
    page = pdf.pages[0].obj
    reversed_corners = pdf.make_indirect(pikepdf.Dictionary(
        FT=pikepdf.Name.Tx, T="name", V=pikepdf.String("Dupont"), Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Widget, Rect=pikepdf.Array([210.5, 710, 60, 690.25]), P=page))
    no_rect = pdf.make_indirect(pikepdf.Dictionary(
        FT=pikepdf.Name.Btn, T="board", V=pikepdf.Name.Yes, Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Widget, P=page))
    page.Annots = pikepdf.Array([reversed_corners, no_rect])
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([reversed_corners, no_rect]))
    path = tmp_path / "form.pdf"
    pdf.save(path)
    with pikepdf.open(path) as opened:
        found = [(f.name, f.kind, f.value, f.checked, f.page, f.bbox) for f in form_fields(opened)]
    assert found == [("name", "text", "Dupont", None, 1, (60.0, HEIGHT - 710.0, 210.5, HEIGHT - 690.25)),
                     ("board", "box", None, True, 1, (0.0, 0.0, 0.0, 0.0))]


def test_value_and_drawn_box_disagreeing_without_need_appearances_is_a_doubt(tmp_path):
    path = _fillable(tmp_path, [
        {"name": "agreed", "value": "Yes", "widgets": [(50, LONE, "Yes")]},
        {"name": "disagreed", "value": "Yes", "widgets": [(50, LONE, "Off")]},
        {"name": "drawn_only", "value": None, "widgets": [(50, LONE, "Yes")]},
    ], need_appearances=False)
    assert [checked for _, _, checked in _field_states(path)] == [True, None, True]
    marks = sorted(load(path, fields=form_fields(pikepdf.open(path))).pages[0].marks, key=lambda m: m.top)
    assert [(m.checked, m.confidence) for m in marks] == [(True, 1.0), (None, 0.0), (True, 1.0)]


# -- box and tick characters of symbol fonts -------------------------------------

def _symbol_font_page(tmp_path: Path, family: str, lines: list[list[tuple[str, bool]]],
                      private_use: bool = False) -> Path:
    """Lines of text, each a list of (text, in the symbol font). The symbol font is
    DejaVu Sans renamed ``family`` (what matters is the name and the codes);
    ``private_use`` maps its codes to U+F000 + code, as Word's exports do."""
    pdfmetrics.registerFont(TTFont("SymbolStandIn", GLYPH_FONT))
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(595, HEIGHT))
    for row, parts in enumerate(lines):
        x = 60.0
        for text, symbol in parts:
            font = "SymbolStandIn" if symbol else "Helvetica"
            canvas.setFont(font, 12)
            canvas.drawString(x, 700 - 30 * row, text)
            x += canvas.stringWidth(text, font, 12) + 4
    canvas.showPage()
    canvas.save()
    pdf = pikepdf.open(io.BytesIO(buffer.getvalue()))
    for font in pdf.pages[0].Resources.Font.values():
        if "DejaVu" in str(font.BaseFont):
            font.BaseFont = font.FontDescriptor.FontName = pikepdf.Name("/ABCDEF+" + family)
            if private_use:
                cmap = font.ToUnicode.read_bytes()
                font.ToUnicode.write(re.sub(rb"<00([0-9A-F]{2})>\n", rb"<F0\1>\n", cmap))
    path = tmp_path / "symbols.pdf"
    pdf.save(path)
    return path


def _words_and_marks(path: Path) -> tuple[list[str], list[bool | None]]:
    page = load(path).pages[0]
    marks = sorted(page.marks, key=lambda m: (round(m.middle), m.x0))
    return [w.text for w in page.words], [m.checked for m in marks]


@pytest.mark.parametrize("private_use", [False, True])
def test_wingdings_2_boxes_as_excel_and_word_type_them(tmp_path, private_use):
    """R is a ticked box, £ an empty one; the same letters in a text font are letters."""
    path = _symbol_font_page(tmp_path, "Wingdings2", [
        [("R", True), ("Oui", False), ("£", True), ("Non", False)],
        [("£", True), ("Oui", False), ("T", True), ("Non", False)],
        [("Raison sociale : R et T", False)],
    ], private_use)
    words, states = _words_and_marks(path)
    assert states == [True, False, False, True]
    assert words == ["Oui", "Non", "Oui", "Non", "Raison", "sociale", ":", "R", "et", "T"]


@pytest.mark.parametrize("private_use", [False, True])
def test_wingdings_boxes(tmp_path, private_use):
    path = _symbol_font_page(tmp_path, "Wingdings-Regular", [
        [("þ", True), ("Oui", False), ("¨", True), ("Non", False)],
        [("¨", True), ("Oui", False), ("ý", True), ("Non", False)],
    ], private_use)
    assert _words_and_marks(path)[1] == [True, False, False, True]


def test_symbol_font_check_ticks_a_drawn_box(tmp_path):
    """A check typed in Wingdings 2 (P) over a printed square ticks it; an O (a cross) too."""
    path = _symbol_font_page(tmp_path, "Wingdings2", [[("P", True)], [("O", True)], [("Q", False)]])
    pdf = pikepdf.open(path, allow_overwriting_input=True)
    boxes = b"".join(b"0 0 0 RG 58 %d 12 12 re S " % (697 - 30 * row) for row in range(3))
    pdf.pages[0].contents_add(pdf.make_stream(boxes))
    pdf.save(path)
    assert _words_and_marks(path)[1] == [True, True, False]


def _zapf_page(tmp_path: Path, rows: list[tuple[str, str]]) -> Path:
    """Rows of a label and a ZapfDingbats glyph standing alone in a column (no printed box)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(595, HEIGHT))
    for row, (label, glyph) in enumerate(rows):
        canvas.setFont("Helvetica", 11)
        canvas.drawString(60, 700 - 30 * row, label)
        canvas.setFont("ZapfDingbats", 10)
        canvas.drawString(300, 700 - 30 * row, glyph)
    canvas.save()
    path = tmp_path / "zapf.pdf"
    path.write_bytes(buffer.getvalue())
    return path


def test_zapfdingbats_filled_square_alone_is_a_ticked_box(tmp_path):
    """PDFium gives ZapfDingbats' ■ as U+25A0, the code it gives glyphs it cannot name: the
    glyph's ink (a full square) makes it a ticked box, ❏ an empty one, with no printed box."""
    path = _zapf_page(tmp_path, [("Négociation d'accords", "■"), ("Signature de plan d'actions", "❏")])
    assert _words_and_marks(path)[1] == [True, False]


@pytest.mark.parametrize("glyph, drawn", [("■", "■"), ("❏", "☐"), ("❑", "☐"), ("✔", None), ("✘", None),
                                          ("●", None), ("★", None), ("◆", None)])
def test_dingbat_shape_from_its_ink(tmp_path, glyph, drawn):
    """Rendered alone, a glyph is a ticked box when its ink fills a square, an empty box when it
    outlines one around a clear centre; a tick, a cross, a disc or a star is neither."""
    import pypdfium2 as pdfium

    from extract.dingbats import drawn_box
    pdf = pdfium.PdfDocument(_zapf_page(tmp_path, [("Oui", glyph)]))
    textpage = pdf[0].get_textpage()
    index = textpage.get_text_range().index(next(c for c in textpage.get_text_range() if ord(c) > 0x2000))
    assert drawn_box(textpage, index) == drawn
