"""Form widgets and annotations as positioned words and marks (PDFium).

pdfplumber's page text contains neither widget values nor annotations, so
they are read here: a text widget becomes one word holding its value at the
widget's place, a check box or radio button becomes a mark (its state
decided from the field tree, :func:`extract.acroform.box_state`), a free-text
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
BoxStates = dict[tuple[str, int], "bool | None"]  # (field name, widget rank) -> ticked


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


def read_annotations(pdf: pdfium.PdfDocument, page: pdfium.PdfPage, height: float,
                     box_states: BoxStates | None = None) -> AnnotTokens:
    """Widgets and annotations of one page (the form environment must be initialised).

    ``box_states`` are the boxes' states read from the field tree
    (:func:`extract.acroform.box_states`); a box missing from them keeps the
    state PDFium draws (its /AS).
    """
    tokens = AnnotTokens([], [], [])
    form = pdf.formenv.raw if pdf.formenv is not None else None
    for index in range(raw.FPDFPage_GetAnnotCount(page.raw)):
        annot = raw.FPDFPage_GetAnnot(page.raw, index)
        if not annot:
            continue
        try:
            _read_one(annot, form, height, tokens, box_states or {})
        finally:
            raw.FPDFPage_CloseAnnot(annot)
    return tokens


def _bbox(annot, height: float) -> tuple[float, float, float, float]:
    rect = raw.FS_RECTF()
    raw.FPDFAnnot_GetRect(annot, rect)
    x0, x1 = sorted((rect.left, rect.right))
    y0, y1 = sorted((rect.bottom, rect.top))
    return (x0, height - y1, x1, height - y0)


def _read_one(annot, form, height: float, tokens: AnnotTokens, box_states: BoxStates) -> None:
    subtype = raw.FPDFAnnot_GetSubtype(annot)
    bbox = _bbox(annot, height)
    if subtype == raw.FPDF_ANNOT_WIDGET and form is not None:
        _read_widget(annot, form, bbox, tokens, box_states)
    elif subtype == raw.FPDF_ANNOT_FREETEXT:
        text = utf16(raw.FPDFAnnot_GetStringValue, annot, b"Contents").strip()
        if text:
            word = Word(text, *bbox, source=SOURCE_ANNOTATION)
            tokens.words.append(word)
            tokens.ticks.append(word)
    elif subtype == raw.FPDF_ANNOT_INK:
        tokens.ticks.append(Word("✓", *bbox, source=SOURCE_ANNOTATION))


def _read_widget(annot, form, bbox, tokens: AnnotTokens, box_states: BoxStates) -> None:
    name = utf16(raw.FPDFAnnot_GetFormFieldName, form, annot)
    kind = raw.FPDFAnnot_GetFormFieldType(form, annot)
    if kind in _TEXT_TYPES:
        text = utf16(raw.FPDFAnnot_GetFormFieldValue, form, annot).strip()
        if text:
            tokens.words.append(Word(text, *bbox, source=SOURCE_FORM_FIELD, field_name=name))
    elif kind in _BOX_TYPES:
        key = (name, raw.FPDFAnnot_GetFormControlIndex(form, annot))
        checked = box_states[key] if key in box_states else bool(raw.FPDFAnnot_IsChecked(form, annot))
        confidence = 0.0 if checked is None else 1.0
        tokens.marks.append(Mark(*bbox, checked=checked, source=SOURCE_FORM_FIELD, confidence=confidence,
                                 field_name=name))
