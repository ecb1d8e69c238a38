"""One record told in French for the terminal (``egalite check``)."""
from __future__ import annotations

from typing import Any

from questionnaire.definition import Form
from questionnaire.record import (SOURCE_ANNOTATION, SOURCE_CORRECTION, SOURCE_FORM_FIELD, SOURCE_OCR,
                                  SOURCE_TEXT, Record)

STATUS = {"ok": "conforme", "review": "à vérifier", "rejected": "rejeté"}
SEVERITY = {"error": "ERREUR", "warning": "attention", "info": "info"}
SOURCE = {SOURCE_FORM_FIELD: "champ de formulaire", SOURCE_TEXT: "texte", SOURCE_ANNOTATION: "annotation",
          SOURCE_OCR: "OCR", SOURCE_CORRECTION: "correction"}


def describe(record: Record, form: Form) -> str:
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
        lines.append(_field_line(record, field.key, field.label))
    review = record.review(form)
    if review:
        lines.append("\nÀ vérifier :")
        lines += [f"  - {form.field(k).label} : {record.readings[k].doubt}" for k in review]
    if record.findings:
        lines.append("\nConstats :")
        lines += [f"  - [{SEVERITY[f.severity]}] {f.message}" for f in record.findings]
    return "\n".join(lines)


def _field_line(record: Record, key: str, label: str) -> str:
    reading = record.readings.get(key)
    if reading is None or (reading.value is None and not reading.raw):
        return f"  {label} : —"
    text = _shown(reading.value)
    if reading.raw and reading.raw != text:
        text += f"   (écrit : « {reading.raw} »)"
    where = SOURCE.get(reading.source or "", "")
    flag = "  ⚠" if reading.doubt else ""
    return f"  {label} : {text}{f'   [{where}, p. {reading.page}]' if where else ''}{flag}"


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if value is True:
        return "oui"
    if value is False:
        return "non"
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)
