"""Form widgets and annotations as positioned words and marks (PDFium).

pdfplumber's page text contains neither widget values nor annotations, so
they are read here: a text widget becomes one word holding its value at the
widget's place, a check box or radio button becomes a mark, a free-text
annotation (a PDF reader's "fill and sign" tool) becomes a word, and an ink
annotation (a tick drawn with the mouse) becomes a tick candidate.
"""
from __future__ import annotations

import ctypes
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from extract.tokens import Mark, Word
from questionnaire.record import SOURCE_ANNOTATION, SOURCE_FORM_FIELD

_TEXT_TYPES = {raw.FPDF_FORMFIELD_TEXTFIELD, raw.FPDF_FORMFIELD_COMBOBOX, raw.FPDF_FORMFIELD_LISTBOX}
_BOX_TYPES = {raw.FPDF_FORMFIELD_CHECKBOX, raw.FPDF_FORMFIELD_RADIOBUTTON}
_OFF = ("", "Off", "off", "OFF")


@dataclass
class AnnotTokens:
    words: list[Word]
    marks: list[Mark]
    ticks: list[Word]  # tick candidates (free-text "X", ink strokes)


def utf16(function, *args) -> str:
    """Call a PDFium getter that fills a UTF-16LE buffer, and decode it."""
    size = function(*args, None, 0)
    if size <= 2:
        return ""
    buffer = ctypes.create_string_buffer(size)
    function(*args, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)), size)
    return buffer.raw[:size].decode("utf-16-le", errors="replace").rstrip("\x00")


def read_annotations(pdf: pdfium.PdfDocument, page: pdfium.PdfPage, height: float) -> AnnotTokens:
    """Widgets and annotations of one page (the form environment must be initialised)."""
    tokens = AnnotTokens([], [], [])
    form = pdf.formenv.raw if pdf.formenv is not None else None
    for index in range(raw.FPDFPage_GetAnnotCount(page.raw)):
        annot = raw.FPDFPage_GetAnnot(page.raw, index)
        if not annot:
            continue
        try:
            _read_one(annot, form, height, tokens)
        finally:
            raw.FPDFPage_CloseAnnot(annot)
    return tokens


def _bbox(annot, height: float) -> tuple[float, float, float, float]:
    rect = raw.FS_RECTF()
    raw.FPDFAnnot_GetRect(annot, rect)
    x0, x1 = sorted((rect.left, rect.right))
    y0, y1 = sorted((rect.bottom, rect.top))
    return (x0, height - y1, x1, height - y0)


def _read_one(annot, form, height: float, tokens: AnnotTokens) -> None:
    subtype = raw.FPDFAnnot_GetSubtype(annot)
    bbox = _bbox(annot, height)
    if subtype == raw.FPDF_ANNOT_WIDGET and form is not None:
        _read_widget(annot, form, bbox, tokens)
    elif subtype == raw.FPDF_ANNOT_FREETEXT:
        text = utf16(raw.FPDFAnnot_GetStringValue, annot, b"Contents").strip()
        if text:
            word = Word(text, *bbox, source=SOURCE_ANNOTATION)
            tokens.words.append(word)
            tokens.ticks.append(word)
    elif subtype == raw.FPDF_ANNOT_INK:
        tokens.ticks.append(Word("✓", *bbox, source=SOURCE_ANNOTATION))


def _read_widget(annot, form, bbox, tokens: AnnotTokens) -> None:
    name = utf16(raw.FPDFAnnot_GetFormFieldName, form, annot)
    kind = raw.FPDFAnnot_GetFormFieldType(form, annot)
    value = utf16(raw.FPDFAnnot_GetFormFieldValue, form, annot)
    if kind in _TEXT_TYPES:
        text = value.strip()
        if text:
            tokens.words.append(Word(text, *bbox, source=SOURCE_FORM_FIELD, field_name=name))
    elif kind in _BOX_TYPES:
        export = utf16(raw.FPDFAnnot_GetFormFieldExportValue, form, annot)
        checked = _is_checked(annot, form, value, export)
        tokens.marks.append(Mark(*bbox, checked=checked, source=SOURCE_FORM_FIELD, field_name=name))


def _is_checked(annot, form, value: str, export: str) -> bool:
    """Ticked or not, trusting the field's value (/V) over the drawn state (/AS).

    With /NeedAppearances a filler may set /V and leave /AS stale, so /V
    decides when present: a lone box is ticked by any state but Off; in a
    group (radio buttons, boxes sharing a name) this widget is ticked when
    the value is its own export value (PDFium maps /Opt indexes to it).
    """
    if value not in _OFF:
        if raw.FPDFAnnot_GetFormControlCount(form, annot) <= 1:
            return True
        return value == export
    state = utf16(raw.FPDFAnnot_GetStringValue, annot, b"AS")
    return state not in _OFF and value not in ("Off", "off", "OFF")
