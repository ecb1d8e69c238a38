"""Tables typed as text (« | » between cells, « +---+ » borders): the rules they draw.

Lines are laid out as a monospaced text layer gives them: one word per run of
characters without a space, each character the same width, so that the bars of
one column stand one under the other.
"""
from __future__ import annotations

from extract.cells import cell_of
from extract.fields import read_fields
from extract.tokens import Page, Word
from extract.typed_tables import typed_tables
from questionnaire.definition import load

FORM = load("egalite-2024")
CHAR, PITCH, HEIGHT = 4.5, 10.0, 7.5  # a 7.5 pt monospaced font, 10 pt between lines


def _typed(lines: list[str], top: float = 100.0, left: float = 30.0) -> list[Word]:
    """The words of lines typed in a monospaced font."""
    words = []
    for number, line in enumerate(lines):
        y = top + number * PITCH
        column = 0
        for part in line.split(" "):
            if part:
                words.append(Word(part, left + column * CHAR, y, left + (column + len(part)) * CHAR, y + HEIGHT))
            column += len(part) + 1
    return words


def _row(cells: list[str], widths: list[int]) -> str:
    return "| " + " | ".join(text.ljust(width) for text, width in zip(cells, widths)) + " |"


def _border(widths: list[int], char: str = "-") -> str:
    return "+" + "+".join(char * (width + 2) for width in widths) + "+"


IDENTIFICATION = [
    _border([24, 36]),
    _row(["Rubrique", "Réponse"], [24, 36]),
    _border([24, 36], "="),
    _row(["Raison sociale", "SAS Bâtiments Durables du Hainaut"], [24, 36]),
    _row(["N° SIRET", "69237861723092"], [24, 36]),
    _row(["Référence consultation", "2026-077"], [24, 36]),
    _border([24, 36]),
]


def test_bars_and_borders_become_rules_and_leave_the_words():
    words, rules = typed_tables(_typed(IDENTIFICATION))
    assert rules
    assert not [w for w in words if "|" in w.text or "--" in w.text or "==" in w.text]
    page = Page(number=1, width=595, height=842, words=words, rules=rules)
    name = next(w for w in words if w.text == "SAS")
    siret = next(w for w in words if w.text == "69237861723092")
    label = next(w for w in words if w.text == "Raison")
    # each typed line without a border under it is a row of its own: the name and the SIRET
    # stand in two cells, each beside its label's
    assert cell_of(page, name.bbox) != cell_of(page, siret.bbox)
    assert cell_of(page, name.bbox).row == cell_of(page, label.bbox).row


def test_the_answer_in_a_typed_table_is_read_without_the_bars():
    words, rules = typed_tables(_typed(IDENTIFICATION))
    readings = read_fields([Page(number=1, width=595, height=842, words=words, rules=rules)], FORM)
    assert readings["structure_name"].value == "SAS Bâtiments Durables du Hainaut"
    assert readings["siret"].value == "69237861723092"
    assert readings["tender_ref"].value == "2026-077"


def test_a_line_holding_only_text_wrapped_from_above_goes_on_with_its_row():
    widths = [20, 3, 30]
    lines = [_border(widths), _row(["Engagement", "O/N", "Si oui, détailler"], widths), _border(widths, "="),
             _row(["Organisation de", "O", "Deux sessions par an sur les"], widths),
             _row(["formations", "", "stéréotypes au recrutement."], widths),
             _row(["Autres", "N", ""], widths), _border(widths)]
    words, rules = typed_tables(_typed(lines))
    page = Page(number=1, width=595, height=842, words=words, rules=rules)
    first = next(w for w in words if w.text == "Deux")
    wrapped = next(w for w in words if w.text == "stéréotypes")
    following = next(w for w in words if w.text == "Autres")
    label = next(w for w in words if w.text == "formations")
    assert cell_of(page, first.bbox) == cell_of(page, wrapped.bbox)
    assert cell_of(page, label.bbox).row == cell_of(page, first.bbox).row
    assert cell_of(page, following.bbox).row > cell_of(page, first.bbox).row


def test_a_lone_bar_in_a_sentence_draws_nothing():
    words = _typed(["Oui | Non", "", "Avez-vous un conseil d'administration ? Oui"])
    kept, rules = typed_tables(words)
    assert rules == [] and len(kept) == len(words)
