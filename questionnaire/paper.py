"""The paper form, drawn from the definition with reportlab, and its geometry.

Every label and text comes from the form definition, laid out in its order
(:mod:`questionnaire.layout`): a new form version is a data change. The layout is parameterised by a :class:`Style`, so
the same questionnaire can be drawn as the buyer's template (``"modele"``) or
as a bidder's Word re-typing of it (``"word"``: other fonts, widths, spacing,
boxes after their labels and small label variants taken from the anchors).

Rules the extractor relies on: tick boxes are stroked vector squares, blank
answer lines are vector lines (never "....." text), so the page text holds
labels only. Only fonts shipped with reportlab are used and the canvas is
invariant, so two renders are byte-identical on any machine.

:func:`render_form` returns the PDF and a :class:`Geometry`: where every
written value and every tick box sits (PDF points, origin top-left), so
callers can type values into the form (``draw_extra``) and tests can read
them back.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Callable

from reportlab.lib.colors import Color, black
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from questionnaire.definition import Axis, FieldDef, Form, Table
from questionnaire.layout import AREA, COMMITMENTS, COUNTS, HEADING, IDENTIFICATION, TICKS, YES_NO, Block, blocks

BBox = tuple[float, float, float, float]
# The buyer whose template this is. Not yet in the definition's [document].
DEFAULT_BUYER = "Valenciennes Métropole — Commande publique"
SHADE = Color(0.88, 0.88, 0.88)


@dataclass(frozen=True)
class Style:
    """How the form is laid out; the texts come from the definition."""

    name: str
    font: str = "Helvetica"
    bold_font: str = "Helvetica-Bold"
    size: float = 9.5
    title_size: float = 14.0
    heading_size: float = 11.0
    small_size: float = 7.5
    line_factor: float = 1.3  # leading = size * line_factor
    margin_left: float = 56.0
    margin_right: float = 56.0
    margin_top: float = 70.0
    margin_bottom: float = 60.0
    gap: float = 10.0  # space between blocks
    title_centered: bool = True
    headings_shaded: bool = True  # a grey band behind section headings, else underlined
    header_right: bool = False  # the buyer's name on the right of the header
    staff_label_width: float = 80.0
    staff_column_widths: tuple[float, ...] = (72.0, 72.0, 80.0, 98.0)  # the rest shares what is left
    staff_row_height: float = 20.0
    officers_label_width: float = 120.0
    officers_column_widths: tuple[float, ...] = (80.0, 80.0, 90.0)
    officers_row_height: float = 18.0
    table_shaded: bool = True  # a grey header row in tables
    table_line_width: float = 0.6
    box_size: float = 10.0
    box_line_width: float = 0.8
    box_after_label: bool = False  # boxes on the right of their label
    rule_dash: tuple[float, ...] = (1.0, 2.0)  # empty: solid lines
    rule_spacing: float = 18.0
    answer_width: float = 70.0  # blank line for a percentage or a score
    policy_lines: int = 14
    policy_framed: bool = False  # a framed area instead of ruled lines
    choice_inline: bool = False  # Oui / Non on the question's line
    details_inline: bool = False  # first details line right after "Si oui, détailler"
    detail_lines: int = 2
    labels: dict[str, str] = field(default_factory=dict)  # printed label -> variant (an anchor)

    def label(self, text: str) -> str:
        return self.labels.get(text, text)

    @property
    def leading(self) -> float:
        return self.size * self.line_factor

    @property
    def width(self) -> float:
        return A4[0] - self.margin_left - self.margin_right


STYLES: dict[str, Style] = {
    "modele": Style(name="modele"),
    "word": Style(
        name="word",
        font="Vera",
        bold_font="VeraBd",
        size=9.0,
        title_size=13.0,
        heading_size=10.5,
        small_size=7.0,
        line_factor=1.4,
        margin_left=70.0,
        margin_right=62.0,
        margin_top=62.0,
        margin_bottom=56.0,
        gap=13.0,
        title_centered=False,
        headings_shaded=False,
        header_right=True,
        staff_label_width=78.0,
        staff_column_widths=(62.0, 62.0, 76.0, 84.0),
        staff_row_height=23.0,
        officers_label_width=96.0,
        officers_column_widths=(),
        officers_row_height=21.0,
        table_shaded=False,
        table_line_width=0.4,
        box_size=11.0,
        box_line_width=0.5,
        box_after_label=True,
        rule_dash=(),
        rule_spacing=21.0,
        answer_width=90.0,
        policy_lines=11,
        policy_framed=True,
        choice_inline=True,
        details_inline=True,
        labels={
            "SIRET": "N° SIRET",
            "Non cadres": "Non-cadres",
            "Non binaire*": "Non-binaire*",
            "Non binaire": "Non-binaire",
            "Président.e": "Président(e)",
            "Trésorier.e": "Trésorier(e)",
            "Détailler ci-dessous votre politique interne en matière d'égalité professionnelle":
                "Détaillez ci-dessous votre politique interne en matière d'égalité professionnelle",
            "Si oui, détailler": "Si oui, détaillez",
            "Evènements / communication": "Événements / communication",
        },
    ),
}


@dataclass
class Zone:
    page: int  # 1-based
    bbox: BBox  # x0, top, x1, bottom in PDF points, origin top-left


@dataclass
class Geometry:
    page_size: tuple[float, float]
    page_count: int
    values: dict[str, Zone] = field(default_factory=dict)
    boxes: dict[tuple[str, str], Zone] = field(default_factory=dict)


DrawExtra = Callable[[Canvas, int, Geometry], None]


def render_form(style: Style | str, *, form: Form,
                draw_extra: DrawExtra | None = None) -> tuple[bytes, Geometry]:
    """The blank form as PDF bytes, and where every answer goes.

    ``draw_extra``, when given, is called on each page (canvas, page number,
    geometry) after the form is drawn, so callers can draw values and ticks
    into the same content stream (flattened forms). The form is laid out
    twice: the first pass counts the pages ("Page n / N") and gives the
    geometry ``draw_extra`` needs from the first page on.
    """
    style = STYLES[style] if isinstance(style, str) else style
    _register_fonts()
    _, draft = _draw(style, form, page_count=0, draw_extra=None, draft=None)
    return _draw(style, form, page_count=draft.page_count, draw_extra=draw_extra, draft=draft)


def printed_label(fdef: FieldDef) -> str:
    """The label as printed before the blank: "Note : ... / 100" gives "Note :"."""
    text = fdef.label.split(" — ")[-1]
    if fdef.unit:
        text = text.removesuffix(fdef.unit)
    return text.replace("...", "").strip()


def choice_labels(form: Form) -> dict[str, str]:
    """The printed Oui / Non of a yes/no question, from the form's words."""
    return {"yes": form.yes_words[0].capitalize(), "no": form.no_words[0].capitalize()}


_FONTS_REGISTERED: list[bool] = []


def _register_fonts() -> None:
    """Bitstream Vera ships inside reportlab: same output on any machine."""
    if _FONTS_REGISTERED:
        return
    for name in ("Vera", "VeraBd", "VeraIt", "VeraBI"):
        pdfmetrics.registerFont(TTFont(name, f"{name}.ttf"))
    pdfmetrics.registerFontFamily("Vera", normal="Vera", bold="VeraBd", italic="VeraIt", boldItalic="VeraBI")
    _FONTS_REGISTERED.append(True)


def _draw(style: Style, form: Form, page_count: int, draw_extra: DrawExtra | None,
          draft: Geometry | None) -> tuple[bytes, Geometry]:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1)
    canvas.setTitle(form.title)
    canvas.setAuthor(form.document.get("buyer", DEFAULT_BUYER))
    canvas.setSubject(f"Questionnaire {form.id}")
    canvas.setCreator("egalite")
    painter = _Painter(canvas, style, form, page_count, draw_extra, draft)
    painter.draw_all()
    canvas.save()
    return buffer.getvalue(), painter.geometry


class _Painter:
    """Lays the form out top to bottom, breaking pages between blocks."""

    def __init__(self, canvas: Canvas, style: Style, form: Form, page_count: int,
                 draw_extra: DrawExtra | None, draft: Geometry | None) -> None:
        self.canvas, self.style, self.form = canvas, style, form
        self.doc = form.document
        self.page_count = page_count
        self.draw_extra = draw_extra
        self.draft = draft
        self.geometry = Geometry(page_size=A4, page_count=0)
        self.page = 0
        self.top = 0.0

    # -- pages ---------------------------------------------------------

    def draw_all(self) -> None:
        self._start_page()
        self._title()
        for text in self.doc["intro"]:
            self._paragraph(text)
        for block in blocks(self.form):
            self._block(block)
        self.top += self.style.gap
        self._paragraph(f"<b>{self.doc['annexes_note']}</b>")
        self._end_page()
        self.geometry.page_count = self.page

    def _start_page(self) -> None:
        self.page += 1
        self.top = self.style.margin_top
        self._header()

    def _end_page(self) -> None:
        self._footer()
        if self.draw_extra is not None and self.draft is not None:
            self.draw_extra(self.canvas, self.page, self.draft)
        self.canvas.showPage()

    def _need(self, height: float) -> None:
        """Start a new page unless ``height`` still fits on this one."""
        if self.top + height > A4[1] - self.style.margin_bottom:
            self._end_page()
            self._start_page()

    def _header(self) -> None:
        s = self.style
        buyer = self.doc.get("buyer", DEFAULT_BUYER)
        baseline = s.margin_top - 30
        self.canvas.setFont(s.bold_font, s.small_size + 1)
        if s.header_right:
            self.canvas.drawRightString(A4[0] - s.margin_right, self._y(baseline), buyer)
        else:
            self.canvas.drawString(s.margin_left, self._y(baseline), buyer)
            self.canvas.setFont(s.font, s.small_size)
            self.canvas.drawRightString(A4[0] - s.margin_right, self._y(baseline), self.form.title)
        self.canvas.setLineWidth(0.5)
        self.canvas.line(s.margin_left, self._y(baseline + 5), A4[0] - s.margin_right, self._y(baseline + 5))

    def _footer(self) -> None:
        s = self.style
        baseline = A4[1] - s.margin_bottom + 30
        self.canvas.setFont(s.font, s.small_size)
        text = f"Page {self.page} / {self.page_count or '?'}"
        if s.header_right:
            self.canvas.drawCentredString(A4[0] / 2, self._y(baseline), text)
        else:
            self.canvas.drawRightString(A4[0] - s.margin_right, self._y(baseline), text)

    # -- primitives (``top`` coordinates grow downward) ----------------

    def _y(self, top: float) -> float:
        return A4[1] - top

    def _text(self, x: float, baseline: float, text: str, bold: bool = False,
              size: float | None = None) -> float:
        """Draw one line of text; return its right end."""
        font = self.style.bold_font if bold else self.style.font
        size = size or self.style.size
        self.canvas.setFont(font, size)
        self.canvas.drawString(x, self._y(baseline), text)
        return x + pdfmetrics.stringWidth(text, font, size)

    def _rule(self, x0: float, x1: float, top: float) -> None:
        """A blank answer line (vector, never dots of text)."""
        self.canvas.saveState()
        self.canvas.setLineWidth(0.6)
        self.canvas.setDash(list(self.style.rule_dash) if self.style.rule_dash else [])
        self.canvas.line(x0, self._y(top), x1, self._y(top))
        self.canvas.restoreState()

    def _box(self, x: float, top: float, key: tuple[str, str]) -> float:
        """A tick box at (x, top); record it; return its right edge."""
        size = self.style.box_size
        self.canvas.saveState()
        self.canvas.setLineWidth(self.style.box_line_width)
        self.canvas.setStrokeColor(black)
        self.canvas.rect(x, self._y(top + size), size, size, stroke=1, fill=0)
        self.canvas.restoreState()
        self.geometry.boxes[key] = Zone(self.page, (x, top, x + size, top + size))
        return x + size

    def _value(self, key: str, bbox: BBox) -> None:
        self.geometry.values[key] = Zone(self.page, bbox)

    def _answer_line(self, key: str, x0: float, x1: float, baseline: float) -> None:
        """A blank line under ``baseline`` whose zone is the writing space above it."""
        rule = baseline + 2
        self._rule(x0, x1, rule)
        self._value(key, (x0, rule - self.style.size - 6, x1, rule + 2))

    def _paragraph(self, markup: str, size: float | None = None) -> None:
        s = self.style
        pstyle = ParagraphStyle("p", fontName=s.font, fontSize=size or s.size,
                                leading=(size or s.size) * s.line_factor, alignment=TA_JUSTIFY)
        para = Paragraph(markup, pstyle)
        _, height = para.wrap(s.width, A4[1])
        self._need(height)
        para.drawOn(self.canvas, s.margin_left, self._y(self.top + height))
        self.top += height + s.gap * 0.6

    def _heading(self, text: str) -> None:
        s = self.style
        height = s.heading_size * 1.8
        self._need(height + 4 * s.leading)  # never a heading alone at a page foot
        self.top += s.gap * 0.5
        baseline = self.top + s.heading_size * 1.2
        if s.headings_shaded:
            self.canvas.setFillColor(SHADE)
            self.canvas.rect(s.margin_left, self._y(self.top + height), s.width, height, stroke=0, fill=1)
            self.canvas.setFillColor(black)
            self._text(s.margin_left + 4, baseline, text, bold=True, size=s.heading_size)
        else:
            end = self._text(s.margin_left, baseline, text, bold=True, size=s.heading_size)
            self.canvas.setLineWidth(0.6)
            self.canvas.line(s.margin_left, self._y(baseline + 2), end, self._y(baseline + 2))
        self.top += height + s.gap * 0.6

    # -- blocks of the form --------------------------------------------

    def _title(self) -> None:
        s = self.style
        lines = simpleSplit(self.form.title, s.bold_font, s.title_size, s.width)
        for line in lines:
            baseline = self.top + s.title_size
            self.canvas.setFont(s.bold_font, s.title_size)
            if s.title_centered:
                self.canvas.drawCentredString(A4[0] / 2, self._y(baseline), line)
            else:
                self.canvas.drawString(s.margin_left, self._y(baseline), line)
            self.top += s.title_size * 1.3
        self.top += s.gap

    def _block(self, block: Block) -> None:
        """Draw one block of the form (:mod:`questionnaire.layout`)."""
        if block.kind == HEADING:
            self._heading(block.text or "")
        elif block.kind == IDENTIFICATION:
            self._identification(block.fields)
        elif block.kind == COUNTS:
            self._counts(block.table)
        elif block.kind == TICKS:
            self._ticks(block.table)
        elif block.kind == YES_NO:
            self._yes_no(block.fields[0])
        elif block.kind == AREA:
            self._area(block.fields[0])
        elif block.kind == COMMITMENTS:
            self._commitments()
        else:
            self._line(block.fields[0])

    def _identification(self, fields: tuple[FieldDef, ...]) -> None:
        s = self.style
        self._need(len(fields) * (s.leading + s.gap))
        for fdef in fields:
            baseline = self.top + s.size + 4
            end = self._text(s.margin_left, baseline, f"{s.label(printed_label(fdef))} :")
            self._answer_line(fdef.key, end + 6, A4[0] - s.margin_right, baseline)
            self.top += s.leading + s.gap

    def _counts(self, table: Table) -> None:
        """A table of numbers written in its cells, and its note under it."""
        widths = self._column_widths(self.style.staff_label_width, self.style.staff_column_widths,
                                     len(table.columns))
        self._grid(table.rows, table.columns, widths, self.style.staff_row_height,
                   lambda row, column, label, bbox: self._count_cell(table, row, column, bbox))
        self.top += 2
        if table.text_after:
            self._paragraph(self.doc[table.text_after], size=self.style.small_size)

    def _ticks(self, table: Table) -> None:
        """A table with one box per choice in each row, its question above it."""
        s = self.style
        self._need(s.leading + 5 * s.officers_row_height)
        if table.text_before:
            self._text(s.margin_left, self.top + s.size, self.doc[table.text_before], bold=True)
            self.top += s.leading + 3
        widths = self._column_widths(s.officers_label_width, s.officers_column_widths,
                                     len(table.columns))
        self._grid(table.rows, table.columns, widths, s.officers_row_height,
                   lambda row, column, label, bbox: self._tick_cell(table, row, column, bbox))
        self.top += s.gap

    def _column_widths(self, label_width: float, given: tuple[float, ...], count: int) -> list[float]:
        """The label column, the given columns, and the rest shared equally."""
        rest = count - len(given)
        share = (self.style.width - label_width - sum(given)) / rest if rest else 0.0
        return [label_width, *given, *[share] * rest]

    def _grid(self, rows: tuple[Axis, ...], columns: tuple[Axis, ...], widths: list[float],
              row_height: float, cell: Callable[[str, str, str, BBox], None]) -> None:
        """A table: header row of column labels, then one row per axis row."""
        s = self.style
        headers = [simpleSplit(s.label(c.label), s.bold_font, s.size, w - 6)
                   for c, w in zip(columns, widths[1:])]
        header_height = max(row_height, max(len(h) for h in headers) * s.leading + 6)
        self._need(header_height + len(rows) * row_height + 4)
        xs = [s.margin_left]
        for width in widths:
            xs.append(xs[-1] + width)
        top = self.top
        if s.table_shaded:
            self.canvas.setFillColor(SHADE)
            self.canvas.rect(xs[1], self._y(top + header_height), xs[-1] - xs[1], header_height,
                             stroke=0, fill=1)
            self.canvas.setFillColor(black)
        for lines, x0, x1 in zip(headers, xs[1:], xs[2:]):
            self._centred_lines(lines, (x0 + x1) / 2, top, header_height)
        tops = [top + header_height + i * row_height for i in range(len(rows) + 1)]
        for row, row_top in zip(rows, tops):
            self._text(xs[0] + 4, row_top + (row_height + s.size * 0.7) / 2, s.label(row.label),
                       bold=True)
            for column, x0, x1 in zip(columns, xs[1:], xs[2:]):
                cell(row.id, column.id, row.label, (x0, row_top, x1, row_top + row_height))
        self._grid_lines(xs, [top, *tops])
        self.top = tops[-1] + 2

    def _centred_lines(self, lines: list[str], centre: float, top: float, height: float) -> None:
        s = self.style
        first = top + (height - len(lines) * s.leading) / 2 + s.size
        self.canvas.setFont(s.bold_font, s.size)
        for i, line in enumerate(lines):
            self.canvas.drawCentredString(centre, self._y(first + i * s.leading), line)

    def _grid_lines(self, xs: list[float], tops: list[float]) -> None:
        self.canvas.setLineWidth(self.style.table_line_width)
        for top in tops:
            x0 = xs[0] if top != tops[0] else xs[1]
            self.canvas.line(x0, self._y(top), xs[-1], self._y(top))
        for i, x in enumerate(xs):
            self.canvas.line(x, self._y(tops[0] if i else tops[1]), x, self._y(tops[-1]))

    def _count_cell(self, table: Table, row: str, column: str, bbox: BBox) -> None:
        x0, top, x1, bottom = bbox
        self._value(table.key(row, column), (x0 + 1, top + 1, x1 - 1, bottom - 1))

    def _tick_cell(self, table: Table, row: str, column: str, bbox: BBox) -> None:
        x0, top, x1, bottom = bbox
        size = self.style.box_size
        self._box((x0 + x1 - size) / 2, (top + bottom - size) / 2, (table.key(row), column))

    def _yes_no(self, fdef: FieldDef) -> None:
        """The question, then its Oui and Non boxes (on its line, or under it)."""
        s = self.style
        self._need(3 * (s.leading + s.gap))
        self.top += s.gap * 0.5
        baseline = self.top + s.size + 2
        end = self._text(s.margin_left, baseline, s.label(fdef.label), bold=True)
        if s.choice_inline:
            self._choices(fdef.key, end + 18, baseline)
        else:
            self.top += s.leading + 4
            self._choices(fdef.key, s.margin_left + 20, self.top + s.size + 2)
        self.top += s.leading + s.gap

    def _choices(self, key: str, x: float, baseline: float) -> None:
        """The Oui and Non boxes, each with its word, on one line."""
        s = self.style
        box_top = baseline - s.size * 0.35 - s.box_size / 2
        for value, word in choice_labels(self.form).items():
            if s.box_after_label:
                x = self._text(x, baseline, word) + 5
                x = self._box(x, box_top, (key, value)) + 24
            else:
                x = self._box(x, box_top, (key, value)) + 5
                x = self._text(x, baseline, word) + 30

    def _inline(self, fdef: FieldDef) -> None:
        """"Label : ______ unit" on one line."""
        s = self.style
        self._need(s.leading + s.gap)
        baseline = self.top + s.size + 4
        end = self._text(s.margin_left, baseline, s.label(printed_label(fdef)))
        x0, x1 = end + 6, end + 6 + s.answer_width
        self._answer_line(fdef.key, x0, x1, baseline)
        if fdef.unit:
            self._text(x1 + 4, baseline, fdef.unit)
        self.top += s.leading + s.gap

    def _line(self, fdef: FieldDef) -> None:
        """A line to fill, under the field's question when it has one."""
        if fdef.text_before:
            self._need(3 * self.style.leading + self.style.gap)
            self._paragraph(self.doc[fdef.text_before])
        self._inline(fdef)

    def _area(self, fdef: FieldDef) -> None:
        """A text block: its label, the lines or frame, the length limit under it."""
        s = self.style
        area = s.policy_lines * s.rule_spacing
        self._need(s.leading + area + 2 * s.leading)
        self._text(s.margin_left, self.top + s.size, s.label(fdef.label), bold=True)
        self.top += s.leading + 4
        x0, x1 = s.margin_left, A4[0] - s.margin_right
        if s.policy_framed:
            self.canvas.setLineWidth(0.6)
            self.canvas.rect(x0, self._y(self.top + area), x1 - x0, area, stroke=1, fill=0)
            self._value(fdef.key, (x0 + 2, self.top + 2, x1 - 2, self.top + area - 2))
        else:
            for i in range(1, s.policy_lines + 1):
                self._rule(x0, x1, self.top + i * s.rule_spacing)
            self._value(fdef.key, (x0, self.top + 2, x1, self.top + area + 2))
        self.top += area + 4
        self._text(x1 - pdfmetrics.stringWidth(s.label(self.doc["policy_limit"]), s.font, s.small_size),
                   self.top + s.small_size, s.label(self.doc["policy_limit"]), size=s.small_size)
        self.top += s.leading + s.gap

    def _commitments(self) -> None:
        for commitment in self.form.commitments:
            self._commitment(commitment.label, commitment.done_key, commitment.details_key)

    def _commitment(self, label: str, done_key: str, details_key: str) -> None:
        """A box with its label, then "Si oui, détailler" and its lines."""
        s = self.style
        self._need((s.detail_lines + 2) * s.rule_spacing)
        baseline = self.top + s.size + 2
        box_top = baseline - s.size * 0.35 - s.box_size / 2
        text = s.label(label)
        if s.box_after_label:
            end = self._text(s.margin_left, baseline, text, bold=True)
            self._box(end + 8, box_top, (done_key, "yes"))
        else:
            self._box(s.margin_left, box_top, (done_key, "yes"))
            self._text(s.margin_left + s.box_size + 6, baseline, text, bold=True)
        self.top += s.leading + 4
        self._details(details_key)
        self.top += s.gap * 0.6

    def _details(self, key: str) -> None:
        s = self.style
        indent = s.margin_left if s.box_after_label else s.margin_left + s.box_size + 6
        x1 = A4[0] - s.margin_right
        baseline = self.top + s.size
        end = self._text(indent, baseline, s.label(self.doc["commitment_details_label"]))
        first_top = self.top - 2 if s.details_inline else baseline + 2
        starts = [end + 6 if s.details_inline else indent]
        rules = [baseline + 2 if s.details_inline else baseline + 2 + s.rule_spacing]
        for _ in range(s.detail_lines - 1):
            rules.append(rules[-1] + s.rule_spacing)
            starts.append(indent)
        for x0, top in zip(starts, rules):
            self._rule(x0, x1, top)
        self._value(key, (starts[0], first_top, x1, rules[-1] + 2))
        self.top = rules[-1] + 4
