"""Word documents for buyers: the questionnaire and the "installations sanitaires" clause.

Buyers circulate Word files, so the questionnaire also exists as a .docx,
drawn from the same definition as the PDF (tables, ☐ boxes, dotted lines as
tab leaders so no "....." is typed). The clause on separate sanitary
facilities for mixed site bases (seed 000, section 6) is a .docx ready to
paste into a cahier des charges; its text is data
(``forms/clause-installations-sanitaires.txt``).

Output is deterministic: fixed core properties and fixed timestamps in the
zip container.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph

from questionnaire.definition import FORMS_DIR, Axis, FieldDef, Form
from questionnaire.layout import AREA, COMMITMENTS, COUNTS, HEADING, IDENTIFICATION, TICKS, YES_NO, Block, blocks
from questionnaire.paper import DEFAULT_BUYER, choice_labels, printed_label

CLAUSE_FILE = FORMS_DIR / "clause-installations-sanitaires.txt"
BOX = "☐"
FIXED_TIME = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
TEXT_WIDTH = Cm(16)  # A4 less 2.5 cm margins
POLICY_LINES = 12


def questionnaire_docx(form: Form) -> bytes:
    """The questionnaire as a Word document, block by block in the definition's order."""
    document = _new_document(form.title, form)
    doc = form.document
    document.add_heading(form.title, level=1)
    for text in doc["intro"]:
        _markup(document.add_paragraph(), text)
    for block in blocks(form):
        _block(document, form, block)
    _bold(document.add_paragraph(), doc["annexes_note"])
    return _save(document)


def clause_docx(form: Form, path: Path = CLAUSE_FILE) -> bytes:
    """The clause "Article X. Installations sanitaires": title, then its paragraphs."""
    title, *paragraphs = [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    document = _new_document(title, form)
    document.add_heading(title, level=2)
    for text in paragraphs:
        document.add_paragraph(" ".join(text.split())).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    return _save(document)


# -- blocks --------------------------------------------------------------------

def _block(document: DocxDocument, form: Form, block: Block) -> None:
    doc = form.document
    if block.kind == HEADING:
        document.add_heading(block.text, level=2)
    elif block.kind == IDENTIFICATION:
        for fdef in block.fields:
            _blank_line(document, f"{printed_label(fdef)} : ")
    elif block.kind in (COUNTS, TICKS):
        table = block.table
        if table.text_before:
            _bold(document.add_paragraph(), doc[table.text_before])
        _table(document, table.rows, table.columns, BOX if block.kind == TICKS else "")
        if table.text_after:
            _small(document.add_paragraph(), doc[table.text_after])
    elif block.kind == YES_NO:
        _yes_no(document, form, block.fields[0])
    elif block.kind == AREA:
        _area(document, form, block.fields[0])
    elif block.kind == COMMITMENTS:
        _commitments(document, form)
    else:
        if block.fields[0].text_before:
            document.add_paragraph(doc[block.fields[0].text_before])
        _inline(document, block.fields[0])


def _yes_no(document: DocxDocument, form: Form, fdef: FieldDef) -> None:
    _bold(document.add_paragraph(), fdef.label)
    words = choice_labels(form)
    document.add_paragraph(f"{BOX} {words['yes']}\t{BOX} {words['no']}").paragraph_format \
        .tab_stops.add_tab_stop(Cm(3))


def _inline(document: DocxDocument, fdef: FieldDef) -> None:
    """"Label : ........ unit", the dots being a tab leader."""
    paragraph = _blank_line(document, f"{printed_label(fdef)} ", Cm(12), fdef.unit)
    paragraph.paragraph_format.space_before = Pt(6)


def _area(document: DocxDocument, form: Form, fdef: FieldDef) -> None:
    _bold(document.add_paragraph(), fdef.label)
    for _ in range(POLICY_LINES):
        _blank_line(document, "")
    limit = document.add_paragraph()
    limit.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _small(limit, form.document["policy_limit"])


def _commitments(document: DocxDocument, form: Form) -> None:
    doc = form.document
    for commitment in form.commitments:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(8)
        paragraph.add_run(f"{BOX} ")
        _bold(paragraph, commitment.label)
        document.add_paragraph(doc["commitment_details_label"])
        _blank_line(document, "")
        _blank_line(document, "")


def _table(document: DocxDocument, rows: tuple[Axis, ...], columns: tuple[Axis, ...],
           cell_text: str) -> None:
    """A grid: column labels on top, row labels on the left, ``cell_text`` in each cell."""
    table = document.add_table(rows=len(rows) + 1, cols=len(columns) + 1)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for j, column in enumerate(columns, 1):
        _bold(table.cell(0, j).paragraphs[0], column.label)
    for i, row in enumerate(rows, 1):
        _bold(table.cell(i, 0).paragraphs[0], row.label)
        for j in range(1, len(columns) + 1):
            table.cell(i, j).paragraphs[0].add_run(cell_text)
    for row in table.rows:
        for cell in row.cells[1:]:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER


# -- paragraphs ----------------------------------------------------------------

def _blank_line(document: DocxDocument, label: str, length: Cm | None = None,
                unit: str | None = None) -> Paragraph:
    """``label`` then a dotted line up to ``length`` (the text width by default)."""
    paragraph = document.add_paragraph(f"{label}\t{unit or ''}")
    paragraph.paragraph_format.tab_stops.add_tab_stop(
        length or TEXT_WIDTH, WD_TAB_ALIGNMENT.LEFT if unit else WD_TAB_ALIGNMENT.RIGHT,
        WD_TAB_LEADER.DOTS)
    return paragraph


def _markup(paragraph: Paragraph, text: str) -> None:
    """Text with <b>…</b> spans as bold runs."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    for i, part in enumerate(re.split(r"</?b>", text)):
        if part:
            paragraph.add_run(part).bold = i % 2 == 1


def _bold(paragraph: Paragraph, text: str) -> None:
    paragraph.add_run(text).bold = True


def _small(paragraph: Paragraph, text: str) -> None:
    paragraph.add_run(text).font.size = Pt(8)


# -- document ------------------------------------------------------------------

def _new_document(title: str, form: Form) -> DocxDocument:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    props = document.core_properties
    props.title, props.author = title, form.document.get("buyer", DEFAULT_BUYER)
    props.last_modified_by, props.subject = props.author, f"Questionnaire {form.id}"
    props.created = props.modified = props.last_printed = FIXED_TIME
    props.revision = 1
    header = section.header.paragraphs[0]
    header.text = props.author
    _page_numbers(section.footer.paragraphs[0])
    return document


def _page_numbers(paragraph: Paragraph) -> None:
    """"Page n / N" with Word fields, so Word numbers the pages."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    paragraph.add_run("Page ")
    _field(paragraph, "PAGE")
    paragraph.add_run(" / ")
    _field(paragraph, "NUMPAGES")


def _field(paragraph: Paragraph, instruction: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _save(document: DocxDocument) -> bytes:
    """The .docx bytes, with fixed zip timestamps so equal documents give equal files."""
    buffer = io.BytesIO()
    document.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
