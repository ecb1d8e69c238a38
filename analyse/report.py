"""One record told in French for the terminal (``egalite check``)."""
from __future__ import annotations

import unicodedata
from typing import Any

from questionnaire.definition import FieldDef, Form
from questionnaire.types import show as show_value, type_of
from questionnaire.record import (SOURCE_ANNOTATION, SOURCE_CORRECTION, SOURCE_FORM_FIELD, SOURCE_OCR,
                                  SOURCE_TEXT, SOURCE_TYPED, Record)

STATUS = {"ok": "OK", "review": "à vérifier", "rejected": "rejeté"}
SEVERITY = {"error": "ERREUR", "warning": "attention", "info": "info"}
SOURCE = {SOURCE_FORM_FIELD: "champ de formulaire", SOURCE_TEXT: "texte", SOURCE_ANNOTATION: "annotation",
          SOURCE_OCR: "OCR", SOURCE_TYPED: "texte saisi sur l'image du formulaire", SOURCE_CORRECTION: "correction"}


BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def for_terminal(text: str) -> str:
    """``text`` without control characters but line breaks and tabs.

    A PDF field, a file name or a workbook cell may hold terminal escape
    sequences (ESC, CSI) that retitle, recolour or clear the officer's
    terminal, or direction marks that show text in another order.
    """
    return "".join(c for c in text if c in "\n\t" or not (unicodedata.category(c) == "Cc" or c in BIDI_CONTROLS))


def describe(record: Record, form: Form) -> str:
    """The record told in French for the terminal (its text comes from outside: controls are removed)."""
    return for_terminal(_described(record, form))


def _described(record: Record, form: Form) -> str:
    lines = [f"Fichier : {record.file}", f"Statut : {STATUS[record.status]}"]
    if record.rejected:
        lines.append(f"Motif : {record.error}")
        return "\n".join(lines)
    lines.append(f"Lu comme : {record.method} — pages {', '.join(map(str, record.pages))}")
    section = None
    for field in form.fields:
        if field.section != section:
            section = field.section
            lines.append(f"\n{form.sections.get(section, section)}")
        lines.append(_field_line(record, field, form))
    review = record.review(form)
    if review:
        lines.append("\nÀ vérifier :")
        lines += [f"  - {form.field(k).label} : {record.readings[k].doubt}" for k in review]
    if record.findings:
        lines.append("\nConstats :")
        lines += [f"  - [{SEVERITY[f.severity]}] {f.message}" for f in record.findings]
    return "\n".join(lines)


def _field_line(record: Record, field: FieldDef, form: Form) -> str:
    label = field.label
    reading = record.readings.get(field.key)
    if reading is None or (reading.value is None and not reading.raw):
        return f"  {label} : —"
    text = _shown(field, reading.value, form)
    if reading.raw and reading.raw != text:
        text += f"   (écrit : « {reading.raw} »)"
    where = SOURCE.get(reading.source or "", "")
    flag = "  ⚠" if reading.doubt else ""
    return f"  {label} : {text}{f'   [{where}, p. {reading.page}]' if where else ''}{flag}"


def _shown(field: FieldDef, value: Any, form: Form) -> str:
    """The value as the workbook shows it (« Oui », « Femme », « 40 % »), text as written."""
    if value is None:
        return "—"
    return value if isinstance(value, str) and not type_of(field).box else show_value(field, value, form)
