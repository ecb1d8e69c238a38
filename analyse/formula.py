"""Text a spreadsheet would take for a formula (the OWASP rule against CSV and formula injection).

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a line break may
run as a formula. Spreadsheets also look past leading spaces, and some read
full-width signs (``＝``) as their ASCII forms, so the rule is applied after
leading white space and invisible characters (zero-width space, joiners,
byte-order mark) are set aside and the first character is brought to its
compatibility form (NFKC).
"""
from __future__ import annotations

import unicodedata

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def runs_as_formula(text: str) -> bool:
    """Whether a spreadsheet could run ``text`` as a formula: such a cell is shown as text, quoted."""
    if text.startswith(TRIGGERS):
        return True
    if text[:1].isascii() and text[:1].isalnum():  # most cells: a letter or digit is its own NFKC form
        return False
    first = next((c for c in text if not (c.isspace() or unicodedata.category(c) == "Cf")), "")
    return unicodedata.normalize("NFKC", first).startswith(TRIGGERS)
