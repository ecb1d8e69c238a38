"""The names of the workbooks' sheets and columns read back, and what reading their cells back needs.

Kept apart from :mod:`analyse.excel`, which builds and writes the
workbooks: the readers of the officers' edits (openpyxl) need only these
names.
"""
from __future__ import annotations

from datetime import date, datetime

TRUNCATION_NOTE = " […] [texte tronqué : {total} caractères au total, limite d'une cellule Excel ; texte complet dans records.jsonl]"

# The tender workbook's sheets and columns that corrections are read back from.
ANSWERS_SHEET = "Réponses"
REVIEW_SHEET = "À vérifier"
TENDER_HEADER = "Consultation"
FILE_HEADER = "Fichier"
SHA_HEADER = "Empreinte SHA-256"
KEY_HEADER = "Clé du champ"
CORRECTED_HEADER = "Valeur corrigée"
# The tender workbook's sheet where the officer picks the answer that counts.
MULTIPLE_SHEET = "Réponses multiples"
RETAINED_HEADER = "Réponse retenue"
RETAINED_WRITTEN_HEADER = "Retenue à l'écriture (technique)"
STRUCTURE_KEY_HEADER = "Clé de la structure (technique)"
DECISION_HEADER = "Décision"  # « Valider »: the value read is right
VALIDATE = "Valider"
LABEL_HEADER = "Champ"
READ_HEADER = "Valeur lue"
# Columns read back besides the answers (« Réponses »: one column per field), by sheet.
READ_BACK_COLUMNS = {REVIEW_SHEET: (DECISION_HEADER, CORRECTED_HEADER), MULTIPLE_SHEET: (RETAINED_HEADER,)}


class WorkbookLocked(OSError):
    """The workbook cannot be replaced, usually because it is open in Excel."""


def is_truncated(text: str) -> bool:
    """Whether a cell's text was cut by :func:`safe_text`."""
    return text.endswith(" ; texte complet dans records.jsonl]")


def french_date(day: date | datetime) -> str:
    return day.strftime("%d/%m/%Y")
