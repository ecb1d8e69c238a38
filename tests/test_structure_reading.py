"""The page-structure mechanisms of the field reader, one layout family at a time.

Each test lays out a few printed labels and answers as a producer would
(positioned words, drawn rules, boxes) and checks the rule that reads them:
yes/no columns named by their header, tables either way round or printed as
lists, answers below or beside their label, the ledger's doubts, and how
characters become words. Pages are built directly, so a failure points at
the reader's rule, not at a PDF library.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from extract.fields import doubt_overflowing_details, read_fields
from extract.labels import LabelIndex
from extract.pdfium_text import _with_thin_spaces, split_words, word_boxes
from extract.glyphs import MarkBox, Specimens, Undecided, settle
from extract.tokens import Mark, Page, Rule, Word, printed_words
from tests.test_glyphs import ARIAL_COMMA, PROPORTIONAL, _drawn
from questionnaire.definition import load
from questionnaire.record import SOURCE_OCR, Reading

FORM = load("egalite-2024")
HEIGHT = 9.0


def _line(text: str, x: float, top: float, height: float = HEIGHT) -> list[Word]:
    """Words of one printed line, 3 pt apart, each letter half the text's height wide."""
    words, cursor = [], x
    for part in text.split():
        width = height * 0.5 * len(part)
        words.append(Word(part, cursor, top, cursor + width, top + height))
        cursor += width + 3.0
    return words


def _grid(xs: list[float], ys: list[float]) -> list[Rule]:
    """The rules of a table: every row line and every column line."""
    return ([Rule(xs[0], y, xs[-1], y) for y in ys] + [Rule(x, ys[0], x, ys[-1]) for x in xs])


def _page(words: list[Word], marks: list[Mark] = (), rules: list[Rule] = ()) -> Page:
    return Page(number=1, width=595, height=842, words=words, marks=list(marks), rules=list(rules))


def _read(page: Page) -> dict:
    return read_fields([page], FORM)


# -- yes/no columns named by their header cells ---------------------------------------------

def _commitments_table(ticks: dict[str, tuple[str, str]], header: str = "Oui Non", tick_top: float = 14) -> Page:
    """A commitments table: label column, Oui and Non columns (or one "Oui / Non" column), details;
    the ticks ``tick_top`` below the row's top (its label at 4)."""
    xs, ys = [40, 250, 300, 350, 560], [100 + 40 * i for i in range(5)]
    words = _line("Engagements spécifiques de la structure", 40, 80)
    words += _line("Engagement", 50, ys[0] + 12)
    if header == "Oui Non":
        words += _line("Oui", 265, ys[0] + 12) + _line("Non", 315, ys[0] + 12)
    else:
        xs = [40, 250, 350, 560]
        words += _line("Oui / Non", 270, ys[0] + 12)
    words += _line("Si oui, détailler", 380, ys[0] + 12)
    labels = [("agreements", "Négociation d'accords"), ("action_plan", "Signature de plan d'actions"),
              ("harassment_unit", "Cellule de traitement des violences")]
    for (key, label), top in zip(labels, ys[1:]):
        words += _line(label, 50, top + 4)
        if key == "harassment_unit":
            words += _line("sexistes et sexuelles au travail", 50, top + 16)  # the label wraps in its cell
        tick, details = ticks.get(key, ("", ""))
        if tick:
            words += _line(tick, 270 if header != "Oui Non" else (268 if tick in "Xx" and key != "action_plan" else 318),
                           top + tick_top)
        for number, part in enumerate(details.split(" / ") if details else []):
            words += _line(part, 360, top + 4 + 12 * number)
    words += _line("Vous avez la possibilité de joindre des pièces", 40, ys[-1] + 20)
    return _page(words, rules=_grid(xs, ys))


def test_a_tick_under_oui_or_non_answers_the_row_and_the_details_cell_is_read_whole():
    readings = _read(_commitments_table({"agreements": ("X", "Accord signé en 2024 / avec les syndicats"),
                                         "action_plan": ("X", "")}))
    assert readings["commitments.agreements.done"].value is True
    assert readings["commitments.agreements.details"].value == "Accord signé en 2024 avec les syndicats"
    assert readings["commitments.action_plan.done"].value is False
    assert readings["commitments.action_plan.details"].value is None


def test_a_wrapped_row_label_is_not_read_as_details():
    readings = _read(_commitments_table({"harassment_unit": ("X", "")}))
    assert readings["commitments.harassment_unit.details"].value is None
    assert readings["commitments.harassment_unit.done"].value is True


def test_oui_or_non_typed_in_a_shared_column_is_the_answer():
    readings = _read(_commitments_table({"agreements": ("OUI", "Accord 2024"), "action_plan": ("non", "")},
                                        header="Oui / Non"))
    assert readings["commitments.agreements.done"].value is True
    assert readings["commitments.action_plan.done"].value is False
    assert readings["commitments.agreements.details"].value == "Accord 2024"


def test_oui_or_non_typed_on_the_label_s_line_is_the_answer_s_word_not_one_left_over():
    """A spreadsheet's sheet, one table under its printed title: « Non » typed level with the
    label in the shared column, no details; the word is the answer's, nothing is left over."""
    page = _commitments_table({"agreements": ("Non", "")}, header="Oui / Non", tick_top=5)
    page.rules += [Rule(40, 60, 560, 60), Rule(40, 60, 40, 100), Rule(560, 60, 560, 100)]  # the title's row
    readings = _read(page)
    assert (readings["commitments.agreements.done"].value, readings["commitments.agreements.done"].doubt) == (
        False, None)


def test_an_oui_non_header_above_a_question_row_gives_its_columns():
    words = _line("Oui", 305, 100) + _line("Non", 355, 100)
    words += _line("Avez-vous un conseil d'administration ?", 40, 120) + _line("X", 360, 120)
    readings = _read(_page(words))
    assert (readings["board.exists"].value, readings["board.exists"].doubt) == (False, None)


def test_boxes_before_their_words_belong_to_them():
    """"☐ Oui ☒ Non": each option's box stands before it, even where the next box is as near."""
    words = _line("Négociation d'accords", 40, 100)
    words += _line("Oui", 262, 100) + _line("Non", 292, 100)
    marks = [Mark(250, 100, 259, 109, checked=False), Mark(280, 100, 289, 109, checked=True)]
    readings = _read(_page(words, marks))
    assert readings["commitments.agreements.done"].value is False


# -- tables either way round, or printed as lists ---------------------------------------------

def test_a_transposed_staff_table_is_read_by_its_printed_headers():
    words = _line("Cadres", 200, 100) + _line("Non-cadres", 280, 100) + _line("Total", 380, 100)
    values = {"Femmes": (2, 1, 3), "Hommes": (9, 52, 61), "Total": (11, 53, 64)}
    for number, (gender, row) in enumerate(values.items()):
        top = 120 + 20 * number
        words += _line(gender, 60, top)
        for x, value in zip((205, 290, 385), row):
            words += _line(str(value), x, top)
    readings = _read(_page(words))
    assert readings["staff.managers.women"].value == 2
    assert readings["staff.non_managers.men"].value == 52
    assert readings["staff.total.total"].value == 64


def test_a_table_printed_as_a_list_of_labelled_lines():
    lines = [("Cadres – Femmes", "4"), ("Cadres – Hommes", "2"), ("Non-cadres – Femmes", "30"),
             ("Non-cadres – Total", "49"), ("Total général", "55"), ("Genre – Président(e)", "Homme"),
             ("Genre – Secrétaire", "Non renseigné")]
    words = []
    for number, (label, value) in enumerate(lines):
        words += _line(label, 50, 100 + 16 * number) + _line(value, 300, 100 + 16 * number)
    readings = _read(_page(words))
    assert readings["staff.managers.women"].value == 4
    assert readings["staff.non_managers.women"].value == 30
    assert readings["staff.non_managers.total"].value == 49
    assert readings["staff.total.total"].value == 55
    assert readings["officers.president"].value == "man"
    assert (readings["officers.secretary"].value, readings["officers.secretary"].doubt) == (None, None)


# -- answers below or beside their label -----------------------------------------------------

def test_an_answer_below_its_label_skips_the_smaller_help_text():
    words = _line("N° SIRET *", 40, 100)
    words += _line("14 chiffres, sans espace de préférence", 40, 113, height=6.5)
    words += _line("73282932000074", 44, 126)
    readings = _read(_page(words))
    assert readings["siret"].value == "73282932000074"


def test_an_inline_answer_wrapped_in_its_own_column_is_read_whole():
    words = _line("Réf. consultation", 50, 100) + _line("2026-041 – Maintenance préventive des", 280, 100)
    words += _line("ascenseurs et monte-charges", 280, 112)
    words += _line("Raison sociale", 50, 128) + _line("SARL Duriez", 280, 128)
    readings = _read(_page(words))
    assert readings["tender_ref"].value == "2026-041 – Maintenance préventive des ascenseurs et monte-charges"
    assert readings["structure_name"].value == "SARL Duriez"


def test_an_inline_answer_stops_where_a_neighbouring_panel_starts():
    words = _line("Raison sociale / nom de la structure :", 40, 100) + _line("SAS Dupont", 200, 100)
    words += _line("Genre des personnes occupant les postes suivants", 330, 100)
    readings = _read(_page(words))
    assert readings["structure_name"].value == "SAS Dupont"


def test_a_staff_table_written_one_row_a_line_is_read_cell_by_cell():
    """« Cadres — Femmes : 3 ; Hommes : 3 ; … » is no grid: each cell is its column's name
    later on its row's line."""
    words = _line("Effectifs au sein de la structure", 40, 80)
    rows = {"managers": ("Cadres", "3 3 0 0 6"), "non_managers": ("Non cadres", "3 18 0 0 21"),
            "total": ("Total", "6 21 0 0 27")}
    for top, (row, figures) in zip((100, 120, 140), rows.values()):
        women, men, non_binary, undisclosed, total = figures.split()
        words += _line(f"{row} — Femmes : {women} ; Hommes : {men} ; Non binaire : {non_binary} ; "
                       f"Ne se prononce pas : {undisclosed} ; Total : {total}", 40, top)
    readings = _read(_page(words))
    for row, (_, figures) in rows.items():
        for column, figure in zip(("women", "men", "non_binary", "undisclosed", "total"), figures.split()):
            reading = readings[f"staff.{row}.{column}"]
            assert (reading.value, reading.doubt) == (int(figure), None), (row, column)


def test_a_policy_under_its_heading_keeps_to_its_panel_on_a_landscape_page():
    """The section's title alone above the text, a panel of commitments right of it: the
    right panel's labels neither end the text nor stand beside the title as its answer."""
    words = _line("Politique interne en matière d'égalité professionnelle", 40, 100)
    words += _line("X", 470, 100) + _line("Organisation de formations en interne", 330, 115)
    words += _line("Nous recrutons des conductrices ;", 40, 115) + _line("salaires égaux.", 40, 130)
    words += _line("Détention d'un label égalité", 330, 130) + _line("X", 470, 145)
    words += _line("Note index égalité professionnelle (/100) 91", 40, 170)
    reading = _read(_page(words))["policy.text"]
    assert (reading.value, reading.doubt) == ("Nous recrutons des conductrices ; salaires égaux.", None)


def test_words_in_another_drawn_table_on_a_row_s_line_are_no_leftovers():
    """A staff table and, on its total row's line, a neighbouring panel's table header."""
    words = _line("Femmes", 100, 100) + _line("Hommes", 145, 100) + _line("Total", 195, 100)
    for top, (row, figures) in zip((115, 130, 145), {"Cadres": "3 5 8", "Non-cadres": "2 4 6",
                                                     "Total": "5 9 14"}.items()):
        words += _line(row, 40, top)
        for x, figure in zip((105, 150, 200), figures.split()):
            words += _line(figure, x, top)
    words += _line("Engagement", 330, 145) + _line("Oui", 425, 145) + _line("Non", 450, 145)
    rules = _grid([38, 95, 140, 190, 240], [98, 112, 127, 142, 157]) + _grid([328, 420, 445, 470], [143, 157, 172])
    readings = _read(_page(words, rules=rules))
    assert (readings["staff.total.men"].value, readings["staff.total.men"].doubt) == (9, None)


def test_a_label_on_a_later_page_at_the_same_height_does_not_cut_an_answer():
    first = _page(_line("Référence de la consultation :", 40, 100) + _line("2026-058", 200, 100))
    second = Page(number=2, width=595, height=842, words=_line("Note : 95 / 100", 185, 100))
    assert read_fields([first, second], FORM)["tender_ref"].value == "2026-058"


def test_a_policy_ends_at_the_next_printed_label_and_keeps_to_its_column():
    words = _line("Total 3 38 0 0 41", 40, 130)  # the left panel, beside the policy
    words += _line("Détailler ci-dessous votre politique interne en matière d'égalité professionnelle", 300, 100)
    words += _line("Nous recrutons des conductrices.", 300, 115) + _line("Salaires égaux.", 300, 130)
    words += _line("Si votre entreprise comporte plus de 50 salariés, quelle note avez-vous obtenu", 300, 150)
    readings = _read(_page(words))
    assert readings["policy.text"].value == "Nous recrutons des conductrices. Salaires égaux."


# -- the ledger of claimed words ---------------------------------------------------------------

def test_a_word_left_over_on_a_questions_line_sends_it_to_review():
    words = _line("Avez-vous un conseil d'administration ?", 40, 100)
    words += _line("Oui", 262, 100) + _line("Non", 312, 100) + _line("peut-être", 360, 100)
    marks = [Mark(250, 100, 259, 109, checked=True), Mark(300, 100, 309, 109, checked=False)]
    board = _read(_page(words, marks))["board.exists"]
    assert board.value is True and "peut-être" in board.doubt


def test_a_value_that_is_a_piece_of_a_printed_label_is_doubtful():
    words = _line("Réf. consultation", 50, 100) + _line("sexuelles au travail", 200, 100)
    reading = _read(_page(words))["tender_ref"]
    assert reading.doubt and "libellé" in reading.doubt


# -- characters into words ---------------------------------------------------------------------

def test_letter_spaced_text_is_joined_into_its_words():
    chars, cursor = [], 10.0
    for word in ("Dupont", "Services"):
        for letter in word:
            chars.append((letter, cursor, 100.0, cursor + 4.8, 108.0))
            chars.append((" ", 0.0, 0.0, 0.0, 0.0))  # PDFium reads the letter spacing as spaces
            cursor += 4.8 + 2.0
        cursor += 5.0
    assert _texts(chars) == ["Dupont", "Services"]


def _spaced(text: str, left: float, top: float, height: float = 8.0, spacing: float = 2.0) -> list[tuple]:
    """Characters of ``text`` typed with letter spacing, as PDFium gives them (a space between)."""
    chars = []
    for letter in text:
        chars += [(letter, left, top, left + 4.8, top + height), (" ", 0.0, 0.0, 0.0, 0.0)]
        left += 4.8 + spacing
    return chars


def _texts(chars: list[tuple]) -> list[str]:
    """The words' texts, the characters given as page_chars gives them (their letters as one string,
    their boxes as an array, a row each)."""
    letters = "".join(char[0] for char in chars)
    boxes = np.array([char[1:] for char in chars], dtype=np.float64).reshape(-1, 4)
    return [letters[start:end].replace(" ", "") for start, end in split_words(letters, boxes).tolist()]


def test_printed_words_made_quickly_are_the_words_their_fields_make():
    words = printed_words(["Oui", "Non"], [10.0, 30.0], [100.0, 100.5], [25.0, 45.0], [108.0, 108.5])
    expected = [Word("Oui", 10.0, 100.0, 25.0, 108.0), Word("Non", 30.0, 100.5, 45.0, 108.5)]
    assert words == expected and list(map(hash, words)) == list(map(hash, expected))
    assert [w.source for w in words] == [expected[0].source] * 2 and words[1].marks_unsure == ()


def test_a_letter_spaced_word_s_box_holds_its_letters_not_the_spaces_between_them():
    chars = _spaced("Dupont", 10.0, 100.0) + [("7", 80.0, 100.0, 84.8, 108.0)]
    chars = [(" ", 500.0, -50.0, 600.0, 900.0) if c[0] == " " else c for c in chars]  # boxes no reader looks at
    letters = "".join(char[0] for char in chars)
    boxes = np.array([char[1:] for char in chars], dtype=np.float64).reshape(-1, 4)
    spans = split_words(letters, boxes)
    assert [letters[start:end].replace(" ", "") for start, end in spans.tolist()] == ["Dupont", "7"]
    assert word_boxes(letters, boxes, spans) == ([10.0, 80.0], [100.0, 100.0], [10.0 + 5 * 6.8 + 4.8, 84.8], [108.0, 108.0])


def test_a_short_figure_in_the_page_s_letter_spaced_style_is_one_word():
    chars = _spaced("Environnement", 10.0, 100.0) + _spaced("87", 10.0, 200.0)
    assert _texts(chars) == ["Environnement", "87"]


def test_a_short_run_is_not_joined_without_such_a_style_on_the_page_or_in_another_size():
    assert _texts(_spaced("87", 10.0, 200.0)) == ["8", "7"]
    chars = _spaced("Environnement", 10.0, 100.0) + _spaced("87", 10.0, 200.0, height=14.0)
    assert _texts(chars) == ["Environnement", "8", "7"]


def test_figures_in_table_cells_are_not_letter_spacing():
    chars = []
    for index, figure in enumerate("10002"):
        chars += [(figure, 100.0 + 60 * index, 100.0, 104.8, 108.0), (" ", 0.0, 0.0, 0.0, 0.0)]
    assert _texts(chars) == list("10002")


def test_the_letters_of_a_ligature_stay_one_word():
    chars = [("a", 10.0, 100.0, 14.0, 108.0)] + [(c, 14.0, 100.0, 21.0, 108.0) for c in "ffi"]
    chars += [("c", 21.0, 100.0, 25.0, 108.0), ("h", 25.0, 100.0, 29.0, 108.0)]
    assert _texts(chars) == ["affich"]


def test_thin_spaces_before_a_percent_sign_and_between_thousands_are_kept():
    three = [("3", 10.0, 100.0, 15.0, 108.0), ("%", 16.5, 100.0, 22.0, 108.0)]
    assert _with_thin_spaces(three) == "3 %"
    thousands = [("1", 10.0, 100.0, 15.0, 108.0)] + [(d, 16.5 + 5 * i, 100.0, 21.5 + 5 * i, 108.0)
                                                    for i, d in enumerate("480")]
    assert _with_thin_spaces(thousands) == "1 480"
    assert _with_thin_spaces(thousands + [("%", 33.0, 100.0, 38.0, 108.0)]) == "1 480 %"
    sixteen = [("1", 10.0, 100.0, 15.0, 108.0), ("6", 16.5, 100.0, 21.5, 108.0)]
    assert _with_thin_spaces(sixteen) == "16"


def test_an_answer_in_the_drawn_cell_right_of_its_label():
    words = _line("Note obtenue à l'index de l'égalité professionnelle (plus de 50", 45, 104)
    words += _line("salariés)", 45, 116) + _line("95 / 100", 330, 110)
    readings = _read(_page(words, rules=_grid([40, 320, 400], [100, 130])))
    assert (readings["equality_index.score"].value, readings["equality_index.score"].doubt) == (95, None)


def test_a_non_answer_with_its_reason_in_brackets_is_blank():
    words = _line("Note obtenue à l'index de l'égalité professionnelle", 45, 100)
    words += _line("Sans objet (moins de 50 salariés)", 330, 100)
    assert _read(_page(words))["equality_index.score"].value is None


def test_a_wrapped_label_right_under_a_short_one_is_found_from_its_own_line():
    """"Signature de plan d'actions" / "Organisation de formations en" / "interne": the wrapped
    label starts its own line even though the label above could be read as stacked with it."""
    words = _line("Engagements spécifiques de la structure", 40, 80)
    words += _line("Oui", 265, 100) + _line("Non", 315, 100)
    words += _line("Signature de plan d'actions", 50, 120) + _line("X", 318, 120)
    words += _line("Organisation de formations en", 50, 133) + _line("X", 268, 133)
    words += _line("interne", 50, 146)
    readings = _read(_page(words))
    assert readings["commitments.training.done"].value is True
    assert readings["commitments.action_plan.done"].value is False


def test_a_step_that_fails_sends_its_fields_to_review_and_the_others_are_read(monkeypatch):
    from extract import fields

    def broken(self, table):
        raise ValueError("odd page")

    monkeypatch.setattr(fields.FieldReader, "_table", broken)
    words = _line("Raison sociale", 50, 100) + _line("SARL Duriez", 280, 100)
    readings = _read(_page(words))
    assert readings["structure_name"].value == "SARL Duriez"
    assert readings["staff.managers.women"].value is None and "impossible" in readings["staff.managers.women"].doubt


def test_an_answer_in_the_input_box_under_its_label_is_read_whole():
    """An online form's box sits lower than the next line: the box bounds the answer, not a
    line-high band under the label (which would cut the box's words in half)."""
    words = _line("Raison sociale *", 40, 100)
    words += _line("Association Trait d'Union – entreprise adaptée", 45, 125)
    words += _line("Référence de la consultation *", 40, 150)
    words += _line("2026-052 – Fourniture de papeterie", 45, 171)
    box = [Rule(40, 119, 400, 119), Rule(40, 139, 400, 139), Rule(40, 119, 40, 139), Rule(400, 119, 400, 139)]
    box += [Rule(40, 165, 400, 165), Rule(40, 185, 400, 185), Rule(40, 165, 40, 185), Rule(400, 165, 400, 185)]
    readings = _read(_page(words, rules=box))
    assert readings["structure_name"].value == "Association Trait d'Union – entreprise adaptée"
    assert readings["tender_ref"].value == "2026-052 – Fourniture de papeterie"


def test_a_single_word_label_is_not_found_inside_a_longer_ocr_word():
    words = [replace(w, source=SOURCE_OCR) for w in _line("14 chiffres, sans espace de préférence", 40, 100)]
    assert LabelIndex([_page(words)]).find(["Référence"]) == []
    words = [replace(w, source=SOURCE_OCR) for w in _line("Notre entreprise veille", 40, 100)]
    assert LabelIndex([_page(words)]).find(["Note :"]) == []
    words = [replace(w, source=SOURCE_OCR) for w in _line("Note : 74 / 100", 40, 100)]
    assert LabelIndex([_page(words)]).find(["Note :"]) != []


def _ocr_match_words(texts: list[tuple[str, float]], anchors: list[str]) -> list[str] | None:
    """The words of the first match of ``anchors`` on one OCR line made of ``texts`` (text, x)."""
    words = [replace(w, source=SOURCE_OCR) for text, x in texts for w in _line(text, x, 100)]
    match = LabelIndex([_page(words)]).first(anchors)
    return None if match is None else [w.text for w in match.words]


def _commitment_anchors(key: str) -> list[str]:
    return list(next(c.anchors for c in FORM.commitments if c.done_key == key))


def test_an_ocr_label_match_ends_at_the_anchor_s_last_word():
    """On a scan, an approximate match may run on over the words after the label: the options
    or the answer on its line (« … sexistes et  Oui  Non », « Trésorier.e Femme ») are not its;
    a misread word of the label (« consukation ») is."""
    harassment = _commitment_anchors("commitments.harassment_unit.done")
    assert _ocr_match_words([("Cellule de traitement des violences sexistes et", 40), ("Oui Non", 330)],
                            harassment)[-1] == "et"
    partnerships = _commitment_anchors("commitments.partnerships.done")
    assert _ocr_match_words([("Partenariats avec des", 40), ("Oui Non", 230)], partnerships)[-1] == "des"
    assert "Femme" not in (_ocr_match_words([("Genre ou de la Trésorier.e Femme", 40)], ["Genre Trésorier.e"]) or [])
    assert _ocr_match_words([("Référence de la consukation : 2026-077", 40)],
                            ["Référence de la consultation"])[-1] == "consukation"


def test_an_ocr_label_s_last_word_misread_is_still_the_label_s():
    """« interne » read « inteme » (rn as m) ends the label: the match reads better with it, so
    it is no details typed after the label."""
    training = _commitment_anchors("commitments.training.done")
    assert _ocr_match_words([("Organisation de formations en inteme", 40), ("Non", 260)], training)[-1] == "inteme"


def test_a_figure_under_a_header_wrapped_in_its_cell_is_not_the_header_s():
    """« Ne se / prononce pas » wrapped in a tight staff table's header cell: the « 0 » of the
    row below stacks under it, but a figure is no word of a label without one (taken as the
    label's, the cell's value was silently blank)."""
    words = [replace(w, source=SOURCE_OCR) for text, top in (("prononce pas", 309), ("0", 321), ("0", 334))
             for w in _line(text, 380, top, 7)]  # « Ne se » read with the headers' line, apart
    matches = LabelIndex([_page(words)]).find(["Ne se prononce pas"])
    assert all(w.text != "0" for m in matches for w in m.words)


def test_details_holding_another_commitment_s_label_are_a_doubt():
    readings = {key: Reading(key) for c in FORM.commitments for key in (c.done_key, c.details_key)}
    readings["commitments.partnerships.details"] = Reading(
        "commitments.partnerships.details", value="structures spécialisées Évènements / communication Oui Non")
    readings["commitments.events.details"] = Reading("commitments.events.details", value="Évènements du 8 mars")
    doubt_overflowing_details(readings, FORM)
    assert readings["commitments.partnerships.details"].doubt and not readings["commitments.events.details"].doubt


def test_a_lone_stroke_read_as_a_box_side_is_doubtful_not_blank():
    """A "1" written as one stroke in a cell is read "|", the way OCR reads a box's side."""
    xs, ys = [40, 150, 210, 270, 330, 390, 450], [100, 120, 140, 160, 180]
    words = _line("Femmes Hommes", 155, 105)[:1] + _line("Hommes", 215, 105) + _line("Total", 395, 105)
    words += _line("Cadres", 45, 125) + _line("0", 175, 125)
    words.append(Word("|", 238, 124, 240, 133, source=SOURCE_OCR, confidence=0.7))
    words += _line("Non cadres", 45, 145) + _line("Total", 45, 165)
    reading = _read(_page(words, rules=_grid(xs, ys)))["staff.managers.men"]
    assert reading.value is None and reading.doubt


def test_a_mark_whose_ink_did_not_tell_its_twin_is_doubtful():
    """The scan reader says which words hold a mark it could not decide from the ink
    (' or ’, - or –: extract.glyphs): their value is shown as read, for a person to
    check; the same value with its marks decided is sure."""
    def read(text: str, unsure: bool):
        words = _line("Raison sociale", 40, 100) + [
            replace(w, source=SOURCE_OCR, marks_unsure=tuple(Undecided(i) for i, c in enumerate(w.text)
                                                             if unsure and c in "'’-–"))
            for w in _line(text, 140, 100)]
        return _read(_page(words))["structure_name"]
    assert read("SAS Autocars de l'Écaillon", unsure=True).doubt
    assert read("Trait d'Union - entreprise adaptée", unsure=True).doubt
    sure = read("Trait d’Union – entreprise adaptée", unsure=False)
    assert sure.value == "Trait d’Union – entreprise adaptée" and sure.doubt is None


def test_an_apostrophe_left_undecided_is_decided_once_the_scan_is_read():
    """The field reader's last step: a value's apostrophe read before the commas that tell it
    (extract.glyphs.settled_later) is decided, and the value is no longer doubtful for it."""
    image, boxes = _drawn([ARIAL_COMMA] * 4)
    document: list[Specimens] = []
    page_specimens = Specimens(document)
    _, undecided = settle("l'Écaillon", (MarkBox(1, boxes[3], PROPORTIONAL),), image, specimens=page_specimens)
    words = _line("Raison sociale", 40, 100) + [
        replace(w, source=SOURCE_OCR, marks_unsure=undecided if w.text == "l'Écaillon" else ())
        for w in _line("SAS Autocars de l'Écaillon", 140, 100)]
    assert _read(_page(words))["structure_name"].doubt  # no comma read yet
    page_specimens.gather(",", tuple(MarkBox(0, box, PROPORTIONAL) for box in boxes[:3]), image)
    reading = _read(_page(words))["structure_name"]
    assert reading.value == "SAS Autocars de l’Écaillon" and reading.doubt is None


# -- re-typings other bidders make (numbered lists, prompts, boxes under labels, O/N) ---------

def test_a_numbered_commitment_list_with_typed_answers_and_details_after_them():
    words = _line("Engagements spécifiques de la structure", 40, 80)
    words += _line("1. Négociation d'accords : Oui – accord signé en 2024", 40, 100)
    words += _line("- Signature de plan d'actions : non", 40, 122)
    words += _line("3. Organisation de formations en interne : oui (module e-learning", 40, 144)
    words += _line("pour tous)", 40, 155)
    words += _line("Fait à Valenciennes, le 3 février 2026", 40, 190)  # a paragraph after the list
    readings = _read(_page(words))
    assert readings["commitments.agreements.done"].value is True
    assert readings["commitments.agreements.details"].value == "accord signé en 2024"
    assert readings["commitments.action_plan.done"].value is False
    assert readings["commitments.training.done"].value is True
    assert readings["commitments.training.details"].value == "module e-learning pour tous"
    assert readings["commitments.training.details"].doubt is None


def test_an_answer_on_the_line_under_its_question_after_the_forms_prompt():
    words = _line("Q1. Raison sociale", 40, 100) + _line("Réponse : SAS Dupont TP", 40, 124)
    words += _line("Q2. Genre – Président.e", 40, 148) + _line("Réponse : Femme", 40, 172)
    words += _line("Engagements spécifiques de la structure", 40, 200)
    words += _line("Négociation d'accords ?", 40, 224)
    words += _line("Réponse : OUI – Précisions : accord de 2024", 40, 248)
    words += _line("Signature de plan d'actions ?", 40, 272) + _line("Réponse : NON", 40, 296)
    readings = _read(_page(words))
    assert readings["structure_name"].value == "SAS Dupont TP"
    assert readings["officers.president"].value == "woman"
    assert readings["commitments.agreements.done"].value is True
    assert readings["commitments.agreements.details"].value == "accord de 2024"
    assert readings["commitments.action_plan.done"].value is False
    assert readings["commitments.action_plan.details"].value is None


def test_the_line_under_a_label_is_taken_whole_when_paragraphs_are_spaced_apart():
    words = _line("Raison sociale", 40, 100) + _line("SAS Dupont Frères", 40, 122)  # 13 pt under it
    readings = _read(_page(words))
    assert readings["structure_name"].value == "SAS Dupont Frères"


def test_labels_side_by_side_over_their_boxes():
    words = _line("Raison sociale", 40, 100) + _line("N° SIRET", 255, 100) + _line("Réf. consultation", 410, 100)
    words += _line("Entreprise Lemaire Frères", 44, 116) + _line("89947625300047", 259, 116)
    words += _line("2026-077", 414, 116)
    readings = _read(_page(words))
    assert readings["structure_name"].value == "Entreprise Lemaire Frères"
    assert readings["siret"].value == "89947625300047"
    assert readings["tender_ref"].value == "2026-077"


def _first_two_commitments(readings: dict) -> tuple:
    """Done and details of the first two commitments (agreements, action plan), in that order."""
    return tuple(readings[f"commitments.{key}.{part}"].value
                 for key in ("agreements", "action_plan") for part in ("done", "details"))


def test_o_or_n_typed_under_an_o_n_header_answers_the_row():
    xs, ys = [40, 250, 300, 560], [100 + 30 * i for i in range(4)]
    words = _line("Engagements spécifiques de la structure", 40, 80)
    words += _line("Engagement", 45, 104) + _line("O/N", 260, 104) + _line("Précisions", 305, 104)
    words += _line("Négociation d'accords", 45, 134) + _line("O", 270, 140) + _line("Accord QVCT 2025", 305, 134)
    words += _line("Signature de plan d'actions", 45, 164) + _line("N", 270, 170)
    readings = _read(_page(words, rules=_grid(xs, ys)))
    assert _first_two_commitments(readings) == (True, "Accord QVCT 2025", False, None)


def test_a_policy_under_its_section_title_when_the_question_is_not_printed():
    words = _line("C. Politique interne en matière d'égalité professionnelle", 40, 100)
    words += _line("Grille salariale identique à poste égal.", 40, 115)
    words += _line("Index de l'égalité professionnelle – Note : 91/100", 40, 140)
    readings = _read(_page(words))
    assert readings["policy.text"].value == "Grille salariale identique à poste égal."


def test_an_unruled_staff_table_with_abbreviated_headers_and_a_wide_row_label():
    words = _line("F", 162, 100) + _line("H", 234, 100) + _line("NB", 306, 100) + _line("NSP", 378, 100)
    words += _line("Total", 450, 100)
    for top, label, row in ((120, "Cadres", "31 45 0 0 76"), (140, "Non cadres", "55 169 0 0 224"),
                            (160, "Total", "86 214 0 0 300")):
        words += _line(label, 90, top)
        for x, value in zip((162, 234, 306, 378, 450), row.split()):
            words += _line(value, x, top)
    readings = _read(_page(words))
    assert readings["staff.managers.men"].value == 45
    assert readings["staff.non_managers.men"].value == 169
    assert readings["staff.total.total"].value == 300


def test_the_last_row_of_a_ruled_table_ends_at_its_bottom_rule():
    xs, ys = [40, 150, 220, 290, 360, 430, 500], [100, 120, 140, 200, 214]  # a tall row before the last
    words = [w for i, h in enumerate(["Femmes", "Hommes", "Non binaire", "NSP", "Total"])
             for w in _line(h, xs[i + 1] + 3, 105)]
    words += _line("Cadres", 43, 123) + _line("Non", 43, 143) + _line("cadres", 43, 155) + _line("Total", 43, 202)
    for top, row in ((123, "2 3 0 0 5"), (143, "4 6 1 0 11"), (202, "6 9 1 0 16")):
        words += [w for i, v in enumerate(row.split()) for w in _line(v, xs[i + 1] + 20, top)]
    words += _line("Conseil d'administration : oui", 40, 218)  # the line printed under the table
    readings = _read(_page(words, rules=_grid(xs, ys)))
    assert readings["staff.total.women"].value == 6
    assert readings["staff.total.total"].value == 16
    assert readings["staff.total.total"].doubt is None


def test_figures_on_two_lines_in_one_number_zone_are_doubtful():
    words = _line("Femmes Hommes Non binaire NSP Total", 150, 100)
    words += _line("Cadres", 40, 120) + _line("31", 150, 120) + _line("45", 200, 118)
    words += _line("169", 200, 130)  # a stray value under it, in the same column
    words += _line("Total", 40, 160) + _line("86", 150, 160)
    reading = _read(_page(words))["staff.managers.men"]
    assert reading.value != 45169 or reading.doubt is not None


def test_a_yes_no_typed_alone_on_the_line_under_its_label():
    words = _line("Avez-vous un conseil d'administration ?", 40, 100) + _line("Oui", 40, 124)
    words += _line("Engagements spécifiques de la structure", 40, 150)
    words += _line("Négociation d'accords", 40, 174) + _line("Non", 40, 198)
    words += _line("Signature de plan d'actions", 40, 222) + _line("Oui — plan 2025", 40, 246)
    readings = _read(_page(words))
    assert readings["board.exists"].value is True
    assert readings["commitments.agreements.done"].value is False
    assert readings["commitments.agreements.details"].value is None
    assert readings["commitments.action_plan.done"].value is True
    assert readings["commitments.action_plan.details"].value == "plan 2025"


def test_options_printed_one_under_the_other_are_no_typed_answer():
    words = _line("Engagements spécifiques de la structure", 40, 80)
    words += _line("Négociation d'accords", 40, 100) + _line("Oui", 40, 112) + _line("Non", 40, 124)
    reading = _read(_page(words))["commitments.agreements.done"]
    assert reading.value is None and reading.doubt is not None


def test_an_officers_choices_printed_on_its_line_each_with_its_box():
    words = _line("Genre des personnes occupant les postes suivants", 40, 80)
    marks = []
    for number, (role, ticked) in enumerate((("Président.e :", 1), ("Secrétaire :", 0))):
        top = 100 + 20 * number
        words += _line(role, 40, top)
        for column, name in enumerate(("Femme", "Homme", "Non binaire", "Ne se prononce pas")):
            x = 150 + 100 * column
            marks.append(Mark(x, top, x + 8, top + 8, checked=column == ticked))
            words += _line(name, x + 12, top)
    readings = _read(_page(words, marks))
    assert readings["officers.president"].value == "man"
    assert readings["officers.secretary"].value == "woman"


def test_boxes_typed_with_square_brackets_are_boxes():
    from extract.marks import assemble, typed_boxes
    words = _line("Oui [X] Non [ ] Autre [", 40, 100) + _line("]", 200, 100)
    boxes = assemble([], typed_boxes(words), [], [])
    assert [m.checked for m in sorted(boxes, key=lambda m: m.x0)] == [True, False]


def test_an_answer_ends_where_a_neighbouring_panel_starts_on_its_line():
    words = _line("Raison sociale : SAS Enrobés Denain", 40, 100) + _line("Genre – Président(e) : FEMME", 300, 99)
    words += _line("Cadres – Femmes : 179", 40, 114) + _line("Index de l'égalité professionnelle (note / 100) : 99", 300, 111)
    readings = _read(_page(words))
    assert readings["structure_name"].value == "SAS Enrobés Denain"
    assert readings["officers.president"].value == "woman"
    assert readings["staff.managers.women"].value == 179
    assert readings["equality_index.score"].value == 99


def test_a_label_ending_in_its_bracketed_hint_has_its_answer_after_the_bracket():
    words = _line("Index de l'égalité professionnelle (note / 100)", 40, 100) + _line("86", 330, 100)
    assert _read(_page(words))["equality_index.score"].value == 86


def test_a_numbered_section_title_heads_the_policy_and_a_question_table_holds_it_in_its_cell():
    words = _line("2 – Politique interne en matière d'égalité professionnelle", 40, 100)
    words += _line("Jurys mixtes.", 40, 115) + _line("Index de l'égalité professionnelle – Note : 91/100", 40, 140)
    assert _read(_page(words))["policy.text"].value == "Jurys mixtes."
    xs, ys = [40, 250, 560], [100, 140, 160]
    words = _line("Politique interne en matière d'égalité", 45, 104) + _line("professionnelle", 45, 116)
    words += _line("Grille salariale identique.", 255, 104)
    words += _line("Index de l'égalité professionnelle", 45, 144) + _line("91", 255, 144)
    assert _read(_page(words, rules=_grid(xs, ys)))["policy.text"].value == "Grille salariale identique."


def test_a_commitments_row_broken_by_a_page_break_keeps_its_details():
    xs = [40, 250, 300, 350, 560]
    first = _line("Engagements spécifiques de la structure", 40, 60)
    first += _line("Engagement", 45, 84) + _line("Oui", 260, 84) + _line("Non", 310, 84) + _line("Si oui, détailler", 355, 84)
    first += _line("Détention d'un label égalité", 45, 104) + _line("X", 270, 104) + _line("Label Diversité (renouvelé", 355, 104)
    page1 = _page(first, rules=_grid(xs, [80, 100, 120]))
    second = _line("en 2025)", 355, 42) + _line("Autres", 45, 64) + _line("X", 320, 64)
    page2 = Page(number=2, width=595, height=842, words=second, rules=_grid(xs, [40, 60, 80]))
    readings = read_fields([page1, page2], FORM)
    assert readings["commitments.label.details"].value == "Label Diversité (renouvelé en 2025)"
    assert readings["commitments.other.done"].value is False


def test_the_last_commitment_of_a_list_in_a_right_panel_keeps_to_its_column():
    words = _line("Engagements spécifiques de la structure", 330, 80)
    words += _line("Négociation d'accords : OUI – accord 2024", 330, 100)
    words += _line("Autres : NON", 330, 114)
    words += _line("Total – Hommes : 12", 40, 128) + _line("Total général : 20", 40, 142)  # the left panel goes on
    readings = _read(_page(words))
    assert readings["commitments.other.done"].value is False
    assert readings["commitments.other.details"].value is None


def test_the_questionnaires_last_page_showing_only_its_last_commitments_is_kept():
    from extract.from_pages import questionnaire_pages
    first = _line("Renseignements relatifs à la politique égalité de la structure", 40, 60)
    first += _line("Engagements spécifiques de la structure", 40, 100) + _line("- Négociation d'accords : oui", 40, 120)
    second = _line("- Evènements / communication : non", 40, 60) + _line("- Autres : non", 40, 80)
    pages = [_page(first), Page(number=2, width=595, height=842, words=second)]
    assert [p.number for p in questionnaire_pages(pages, FORM)] == [1, 2]


def test_a_printed_title_framed_under_a_blank_answer_is_no_answer():
    words = _line("Part des femmes parmi les bénévoles :", 40, 100) + _line("%", 300, 100)
    words += _line("2_Politique interne en matière d'égalité professionnelle", 45, 124)
    frame = [Rule(40, 118, 560, 118), Rule(40, 140, 560, 140), Rule(40, 118, 40, 140), Rule(560, 118, 560, 140)]
    reading = _read(_page(words, rules=frame))["volunteers.women_pct"]
    assert (reading.value, reading.raw) == (None, None)


# -- layouts of re-made forms no one tuned for (horizontal rules only, typewriter boxes, page breaks) --

def test_details_stand_beside_a_commitments_oui_non_on_its_rows_and_wrap_there():
    words = _line("Engagements spécifiques de la structure", 40, 80)
    words += _line("Engagement", 40, 96) + _line("Réponse", 200, 96) + _line("Précisions", 330, 96)
    words += _line("Organisation de formations", 40, 112) + _line("en interne", 40, 124)
    words += _line("Oui", 200, 112) + _line("Non", 240, 112)
    words += _line("Module e-learning égalité", 330, 112) + _line("pour tous", 330, 124)
    words += _line("Détention d'un label égalité", 40, 144) + _line("Oui", 200, 144) + _line("Non", 240, 144)
    words += _line("Label Égalité professionnelle", 330, 144) + _line("AFNOR obtenu en 2023", 330, 156)
    marks = [Mark(220, 112, 228, 120, checked=True), Mark(260, 112, 268, 120, checked=False),
             Mark(220, 144, 228, 152, checked=True), Mark(260, 144, 268, 152, checked=False)]
    readings = _read(_page(words, marks))
    assert readings["commitments.training.done"].value is True
    assert readings["commitments.training.details"].value == "Module e-learning égalité pour tous"
    assert readings["commitments.label.details"].value == "Label Égalité professionnelle AFNOR obtenu en 2023"


def test_boxes_typed_with_round_brackets_are_boxes():
    from extract.marks import assemble, typed_boxes
    words = _line("(X) Oui ( ) Non (voir annexe)", 40, 100)
    boxes = assemble([], typed_boxes(words), [], [])
    assert [m.checked for m in sorted(boxes, key=lambda m: m.x0)] == [True, False]


def test_a_label_wrapped_in_its_cell_has_its_answer_beside_its_first_row():
    words = _line("Note obtenue à l'index de", 40, 100) + _line("l'égalité professionnelle (sur 100)", 40, 112)
    words += _line("91", 300, 100)
    reading = _read(_page(words))["equality_index.score"]
    assert (reading.value, reading.doubt) == (91, None)  # the bracketed hint left on its row is no leftover


def test_a_commitments_last_row_cut_by_the_page_break_ends_on_the_next_page():
    from extract.from_pages import questionnaire_pages
    xs = [40, 250, 300, 350, 560]
    words = _line("Renseignements relatifs à la politique égalité de la structure", 40, 60)
    words += _line("Engagements spécifiques de la structure", 40, 700)
    words += _line("Engagement", 50, 722) + _line("Oui", 265, 722) + _line("Non", 315, 722)
    words += _line("Si oui, détailler", 360, 722)
    words += _line("Autres", 50, 744) + _line("X", 268, 744)
    words += _line("Mentorat de jeunes", 360, 744) + _line("femmes en", 360, 760)
    page1 = _page(words, rules=_grid(xs, [715, 737, 775]))
    page2 = Page(number=2, width=595, height=842, words=_line("alternance", 360, 62),
                 rules=_grid(xs, [58, 75]))
    pages = questionnaire_pages([page1, page2], FORM)
    assert [p.number for p in pages] == [1, 2]
    assert read_fields(pages, FORM)["commitments.other.details"].value == "Mentorat de jeunes femmes en alternance"


def test_figures_under_a_question_on_a_scan_are_its_answer_not_a_smaller_help_text():
    words = [replace(w, source=SOURCE_OCR, confidence=0.95)
             for w in _line("Note obtenue à l'index de l'égalité professionnelle", 40, 100, height=9.6)]
    words.append(Word("91", 45, 113, 55, 119.7, source=SOURCE_OCR, confidence=0.95))  # ink-tight: no ascender
    assert _read(_page(words))["equality_index.score"].value == 91


def _question_grid(rows: list[tuple[list[str], list[str]]], top: float = 100, pitch: float = 12) -> Page:
    """A ruled two-column table: each row a question (its lines) and the answer typed in the
    right cell (its lines, top-aligned, ``pitch`` apart)."""
    words, ys = _line("Engagements spécifiques de la structure", 40, top - 20), [top]
    for question, answer in rows:
        for number, part in enumerate(question):
            words += _line(part, 45, ys[-1] + 3 + pitch * number)
        for number, part in enumerate(answer):
            words += _line(part, 305, ys[-1] + 3 + pitch * number)
        ys.append(ys[-1] + pitch * max(len(question), len(answer)) + 6)
    return _page(words, rules=_grid([40, 300, 560], ys))


def test_a_yes_no_typed_beside_a_wrapped_labels_first_row_and_its_details_wrapping_in_the_cell():
    page = _question_grid([(["Cellule de traitement des violences", "sexistes et sexuelles au travail"],
                            ["Oui – Cellule d'écoute avec un", "cabinet externe"]),
                           (["Autres"], ["Non"])], pitch=15)  # lines wider apart than a paragraph's, in one cell
    readings = _read(page)
    assert readings["commitments.harassment_unit.done"].value is True
    assert readings["commitments.harassment_unit.details"].value == "Cellule d'écoute avec un cabinet externe"
    page = _question_grid([(["Cellule de traitement des violences sexistes et", "sexuelles au travail"],
                            ["Oui – Cellule d'écoute avec un", "cabinet externe"]), (["Autres"], ["Non"])])
    assert _read(page)["commitments.harassment_unit.done"].value is True  # the label read whole, on two rows


def test_details_typed_after_oui_wrap_on_a_line_of_shorter_letters():
    words = _line("Engagements spécifiques de la structure", 40, 80)
    words += _line("Organisation de formations en interne : Oui – Sensibilisation", 40, 100)
    words += [replace(w, top=w.top + 2.5) for w in _line("aux", 400, 100)]  # no ascender: a tight box
    words += _line("stéréotypes", 40, 113.5)
    words += _line("Autres : Non", 40, 140)
    assert _read(_page(words))["commitments.training.details"].value == "Sensibilisation aux stéréotypes"


def test_an_arrow_leading_details_under_their_commitment_is_not_part_of_them():
    words = _line("Engagements spécifiques de la structure", 40, 80)
    words += _line("☒ Détention d'un label égalité", 40, 100) + _line("→ Label Diversité", 60, 114)
    words += _line("☐ Autres", 40, 130)
    marks = [Mark(40, 100, 47, 109, checked=True), Mark(40, 130, 47, 139, checked=False)]
    words = [w for w in words if w.text not in "☒☐"]
    assert _read(_page(words, marks))["commitments.label.details"].value == "Label Diversité"


def test_a_unit_in_the_labels_bracketed_hint_does_not_end_the_answer_before_it():
    words = _line("Part de femmes dans le CA (%) : 40", 40, 100)
    assert _read(_page(words))["board.women_pct"].value == 40


def test_details_after_a_ticked_commitments_label_on_its_line_are_its_details():
    words = _line("Engagements spécifiques de la structure", 40, 80)
    words += _line("Négociation d'accords : Accord signé le 12/03/2024 avec le CSE", 52, 100)
    words += _line("Autres", 52, 116)
    marks = [Mark(40, 100, 47, 109, checked=True), Mark(40, 116, 47, 125, checked=False)]
    readings = _read(_page(words, marks))
    assert readings["commitments.agreements.done"].value is True
    assert readings["commitments.agreements.details"].value == "Accord signé le 12/03/2024 avec le CSE"


def test_text_of_two_cells_touching_at_a_drawn_border_is_two_words(tmp_path):
    """A spreadsheet clips « Non binaire » at its cell's border, where the next cell's « NSP »
    begins: two text objects, two words. A title drawn over the border in one piece stays whole."""
    import io

    from reportlab.pdfgen.canvas import Canvas

    from extract.document import load
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(595, 842))
    canvas.setFont("Helvetica", 9)
    canvas.drawString(100, 700, "Non binaire")
    border = 100 + canvas.stringWidth("Non binaire", "Helvetica", 9)
    canvas.drawString(border + 0.3, 700, "NSP")
    canvas.drawString(100, 650, "Renseignements")
    canvas.line(border, 690, border, 712)
    canvas.line(130, 640, 130, 662)  # a border under the title's letters
    canvas.save()
    path = tmp_path / "cells.pdf"
    path.write_bytes(buffer.getvalue())
    assert [w.text for w in load(path).pages[0].words] == ["Non", "binaire", "NSP", "Renseignements"]


def test_the_index_named_without_a_note_label_is_read_after_its_colon():
    """« Index égalité professionnelle : 78/100 »: no « Note » label, the name up to its colon is."""
    words = _line("Index égalité professionnelle : 78/100", 40, 100)
    reading = _read(_page(words))["equality_index.score"]
    assert (reading.value, reading.doubt) == (78, None)


def test_a_question_that_only_mentions_the_index_is_no_label_for_it():
    words = _line("Si votre entreprise comporte plus de 50 salariés, quelle note avez-vous obtenu à", 40, 100)
    words += _line("l'index de l'égalité professionnelle ? Nous : 78", 40, 112)
    assert _read(_page(words))["equality_index.score"].value != 78


def test_a_percentage_without_its_unit_on_its_line_stops_at_the_next_label_and_reads_the_box_below():
    """« Si oui, part de femmes dans le CA » and, on its line, a neighbouring label; the figure in
    the box under it, its « % » after the box."""
    words = _line("Si oui, part de femmes dans le CA", 40, 100) + _line("Part des femmes parmi les bénévoles", 300, 100)
    words += _line("33,3", 44, 118) + _line("%", 105, 118)
    rules = _grid([40, 100], [115, 131])
    reading = _read(_page(words, rules=rules))["board.women_pct"]
    assert (reading.value, reading.doubt) == (33.3, None)


def test_oui_typed_alone_in_a_column_answers_and_the_next_cell_holds_the_details():
    """« Engagement | Réalisé | Précisions »: the word in its own cell is the answer, not the
    details' first word."""
    words = _line("Négociation d'accords", 40, 100) + _line("Oui", 260, 100) + _line("Accord QVCT 2025", 320, 100)
    words += _line("Signature de plan d'actions", 40, 122) + _line("Non", 260, 122)
    rules = _grid([38, 255, 315, 560], [97, 119, 141])
    readings = _read(_page(words, rules=rules))
    assert (readings["commitments.agreements.done"].value, readings["commitments.agreements.details"].value) == (
        True, "Accord QVCT 2025")
    assert readings["commitments.action_plan.done"].value is False


def test_a_column_the_bidder_added_to_a_drawn_table_is_no_leftover():
    """« % de l'effectif » headed by the bidder beside the staff figures answers no field: its
    figures do not send the row to review."""
    words = _line("Femmes", 100, 100) + _line("Hommes", 145, 100) + _line("Total", 195, 100)
    words += _line("% de l'effectif", 245, 100)
    for top, (row, figures) in zip((115, 130, 145), {"Cadres": "3 5 8 20", "Non-cadres": "2 4 6 15",
                                                     "Total": "5 9 14 35"}.items()):
        words += _line(row, 40, top)
        for x, figure in zip((105, 150, 200, 250), figures.split()):
            words += _line(figure, x, top)
    rules = _grid([38, 95, 140, 190, 240, 320], [98, 112, 127, 142, 157])
    readings = _read(_page(words, rules=rules))
    assert (readings["staff.managers.men"].value, readings["staff.managers.men"].doubt) == (5, None)


def test_a_table_headed_with_the_bidder_s_words_throughout_keeps_its_leftovers(tmp_path):
    """« Fonction | Nom | Genre (F/H) »: no column of it is the form's, so what its rows hold is
    read or doubted, never passed over as an added column's."""
    import io

    from reportlab.pdfgen.canvas import Canvas

    from extract.document import load
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(595, 842))
    canvas.setFont("Helvetica", 9)
    canvas.drawString(40, 790, "Cadres : Femmes 9 ; Hommes 13 ; Non binaire 0 ; Ne se prononce pas 0 ; Total 22")
    canvas.drawString(40, 776, "Avez-vous un conseil d'administration ? : Oui")
    canvas.setFont("Helvetica-Bold", 9)
    canvas.drawString(40, 760, "Genre des personnes occupant les postes suivants")
    xs, ys = [40, 160, 340, 420], [754, 738, 722, 706, 690]
    for y in ys:
        canvas.line(xs[0], y, xs[-1], y)
    for x in xs:
        canvas.line(x, ys[0], x, ys[-1])
    rows = [("Fonction", "Nom", "Genre (F/H)"), ("Président(e)", "Mme Claire Dubois", "F"),
            ("Secrétaire", "M. Jean Martin", "H"), ("Trésorier(e)", "M. Jean Martin", "H")]
    for row, texts in enumerate(rows):
        canvas.setFont("Helvetica-Bold" if row == 0 else "Helvetica", 9)
        for column, text in enumerate(texts):
            canvas.drawString(xs[column] + 3, ys[row] - 11, text)
    canvas.save()
    path = tmp_path / "officers.pdf"
    path.write_bytes(buffer.getvalue())
    readings = read_fields(load(path).pages, FORM)
    for key, truth in (("officers.president", "woman"), ("officers.secretary", "man"), ("officers.treasurer", "man")):
        assert readings[key].value == truth or readings[key].doubt, key


def test_a_prompt_printed_before_every_commitment_s_details_is_the_form_s():
    """« Si oui, précisez : » on the line under each commitment is no part of its details; a
    colon in one bidder's details (« Accord : signé en 2024 ») stays."""
    words, top = [], 100
    for label, answer, details in (("Négociation d'accords", "Oui", "Accord : signé en 2024"),
                                   ("Signature de plan d'actions", "Non", ""),
                                   ("Organisation de formations en interne", "Oui", "Deux sessions par an"),
                                   ("Détention d'un label égalité", "Non", "")):
        words += _line(f"{label} : {answer}", 40, top) + _line(f"Si oui, précisez : {details}", 60, top + 14)
        top += 32
    readings = _read(_page(words))
    assert readings["commitments.agreements.details"].value == "Accord : signé en 2024"
    assert readings["commitments.training.details"].value == "Deux sessions par an"
    assert readings["commitments.action_plan.details"].value is None


def test_details_wrapped_onto_the_next_line_of_a_scan_are_one_paragraph():
    """OCR's boxes are the ink's own (capitals 6 pt tall, the next line's « ligne » 8 pt, lines
    14 pt apart): the line under « … : OUI — Référente VSS élue au CSE » goes on with the
    details, and a blank line ends them."""
    def ocr(text: str, x: float, top: float, height: float) -> list[Word]:
        return [replace(w, source=SOURCE_OCR) for w in _line(text, x, top, height)]
    words = ocr("CELLULE DE TRAITEMENT DES VIOLENCES SEXISTES : OUI — Référente VSS élue au CSE", 40, 100, 6)
    words += ocr("et ligne d'écoute externe", 50, 114, 8) + ocr("Fait à Denain", 40, 150, 6)
    details = _read(_page(words))["commitments.harassment_unit.details"]
    assert details.value == "Référente VSS élue au CSE et ligne d'écoute externe"


def test_oui_ending_its_sentence_answers_and_the_next_sentence_is_the_details():
    """« Autres : oui. Mentorat… »: the period ends the answer (« Si oui, détailler » printed
    under a label is no answer: a comma does not)."""
    words = _line("Engagements spécifiques de la structure", 40, 80)
    words += _line("Négociation d'accords : oui. Accord signé en 2024", 40, 100)
    words += _line("Signature de plan d'actions", 40, 130) + _line("Si oui, détailler", 20, 144)
    readings = _read(_page(words))
    assert readings["commitments.agreements.done"].value is True
    assert readings["commitments.agreements.details"].value == "Accord signé en 2024"
    assert readings["commitments.action_plan.done"].value is not True


def _wrapping(first: str, second: str) -> Page:
    """A word processor's paragraph: lines 15.5 pt apart (6.5 pt of blank between 9 pt boxes,
    more than a paragraph gap of tight boxes), the text's right edge at x = 526 (a policy line)."""
    words = _line("Engagements spécifiques de la structure", 40, 80)
    words += _line("Nous appliquons une grille salariale identique entre les femmes et les", 40, 100)
    words += _line(first, 40, 130) + _line(second, 40, 145.5)
    words += _line("Fait à Valenciennes, le 3 février 2026", 40, 190)
    return _page(words)


def test_details_wrapped_for_want_of_room_run_on_the_next_line():
    page = _wrapping("Cellule de traitement des violences sexistes : oui. Référente VSS élue au CSE",
                     "et ligne d'écoute externe")
    details = _read(page)["commitments.harassment_unit.details"]
    assert details.value == "Référente VSS élue au CSE et ligne d'écoute externe"


def test_a_line_that_ended_with_room_to_spare_is_a_paragraph_of_its_own():
    page = _wrapping("Cellule de traitement des violences sexistes : oui. Référente VSS",
                     "Autres : non")
    assert _read(page)["commitments.harassment_unit.details"].value == "Référente VSS"


def test_a_listed_choice_ends_at_the_next_rows_label_on_its_line():
    """« Président.e : Femme   Secrétaire : Homme   Trésorier.e : Femme » on one line."""
    words = _line("Genre — Président.e : Femme", 40, 100) + _line("Secrétaire : Homme", 165.5, 100)
    words += _line("Trésorier.e : Femme", 253.5, 100)  # 10 pt apart: one group of words
    readings = _read(_page(words))
    assert [readings[f"officers.{r}"].value for r in ("president", "secretary", "treasurer")] == ["woman", "man", "woman"]


def test_consultation_starting_a_line_before_a_colon_names_the_tender_reference():
    assert _read(_page(_line("Consultation : 2026-077", 40, 100)))["tender_ref"].value == "2026-077"
    header = _line("Consultation 2026-058 — Mémoire technique", 40, 30)  # a running header names none
    assert _read(_page(header))["tender_ref"].value is None


def test_a_row_not_found_at_a_page_s_bottom_keeps_the_next_page_s_run_over_from_the_row_above():
    """The last row found on the page is not the page's last row (« Partenariats avec des » is cut
    by the page break, its label not found): the lines heading the next page are that row's."""
    xs = [40, 250, 300, 350, 560]
    first = _line("Engagements spécifiques de la structure", 40, 60)
    first += _line("Engagement", 45, 84) + _line("Oui", 260, 84) + _line("Non", 310, 84) + _line("Si oui, détailler", 355, 84)
    first += _line("Détention d'un label égalité", 45, 104) + _line("X", 320, 104)
    first += _line("Partenariats avec des", 45, 124) + _line("X", 270, 124) + _line("Partenariat avec Elles", 355, 124)
    page1 = _page(first, rules=_grid(xs, [80, 100, 120, 140]))
    second = _line("structures spécialisées", 45, 42) + _line("bougent", 355, 42)
    second += _line("Autres", 45, 64) + _line("X", 320, 64)
    page2 = Page(number=2, width=595, height=842, words=second, rules=_grid(xs, [40, 60, 80]))
    readings = read_fields([page1, page2], FORM)
    assert readings["commitments.label.details"].value is None
    assert readings["commitments.other.done"].value is False


def _named_officers(genders: tuple[str, str, str]) -> Page:
    """« Fonction | Nom | Genre (F/H) », drawn, under the officers' title: a row per officer."""
    words = _line("Genre des personnes occupant les postes suivants", 40, 80)
    xs, ys = [40, 160, 340, 420], [100, 116, 132, 148, 164]
    rows = [("Fonction", "Nom", "Genre (F/H)"), ("Président(e)", "Mme Claire Dubois", genders[0]),
            ("Secrétaire", "M. Jean Martin", genders[1]), ("Trésorier(e)", "M. Paul Roux", genders[2])]
    for row, texts in enumerate(rows):
        for x, text in zip(xs, texts):
            words += _line(text, x + 3, ys[row] + 4)
    return _page(words, rules=_grid(xs, ys))


def test_officers_named_in_a_table_are_read_from_the_cell_that_names_a_choice():
    """The row's other cells are the bidder's own columns (the names): the gender is the one
    cell holding a choice, and the names are no words left over."""
    readings = _read(_named_officers(("F", "H", "H")))
    assert [(readings[f"officers.{k}"].value, readings[f"officers.{k}"].doubt)
            for k in ("president", "secretary", "treasurer")] == [("woman", None), ("man", None), ("man", None)]


def test_a_row_of_a_named_table_without_a_choice_in_one_cell_stays_doubtful():
    readings = _read(_named_officers(("F", "?", "H")))
    assert readings["officers.secretary"].value is None and readings["officers.secretary"].doubt


def test_a_listed_choice_typed_alone_on_the_line_under_its_label():
    """« 3.3 Genre — Président.e » / « Homme » (a Word outline, the answer in bold under its
    question); the choices printed one under the other are the form's, no answer."""
    words = _line("3.3 Genre — Président.e", 40, 100) + _line("Homme", 40, 114)
    words += _line("3.4 Genre — Secrétaire", 40, 132) + _line("Femme", 40, 146) + _line("Homme", 40, 160)
    readings = _read(_page(words))
    assert readings["officers.president"].value == "man"
    assert readings["officers.secretary"].value is None


def test_a_unit_printed_before_the_label_s_colon_is_the_label_s():
    words = _line("Index de l'égalité professionnelle, note sur 100 : 86", 40, 100)
    words += _line("Si oui, quelle est la part de femmes dans le CA en % : 40", 40, 120)
    readings = _read(_page(words))
    assert (readings["equality_index.score"].value, readings["equality_index.score"].doubt) == (86, None)
    assert readings["board.women_pct"].value == 40


def test_a_label_s_other_wording_after_a_slash_is_the_label_s_up_to_its_colon():
    """A bilingual re-make prints each label twice (« Raison sociale / Company name : »): the
    second wording is no part of the answer, even when nothing follows its colon."""
    words = _line("Raison sociale / Company name : SARL Plomberie Dufour", 40, 100)
    words += _line("N° SIRET / Registration number : 93816662263182", 40, 120)
    words += _line("Part des femmes parmi les bénévoles / Share of women among volunteers : %", 40, 140)
    words += _line("Si oui, quelle est la part de femmes dans le CA / Share of women on the board : 40 %", 40, 160)
    readings = _read(_page(words))
    assert readings["structure_name"].value == "SARL Plomberie Dufour"
    assert readings["siret"].value == "93816662263182"
    assert readings["volunteers.women_pct"].value is None
    assert readings["board.women_pct"].value == 40


def test_a_box_drawn_apart_facing_a_label_s_shaded_cell_holds_its_answer():
    """Labels in a shaded left column, each answer in a box drawn apart to its right: the
    answer of a label wrapped in its cell stands at the top of the box, beside the label's
    first row, not on the row that ends the label."""
    words = _line("Index de l'égalité professionnelle –", 46, 100) + _line("Note / 100", 46, 112)
    words += _line("89", 245, 100)
    rules = _grid([40, 230], [95, 125]) + _grid([240, 555], [97, 123])
    readings = _read(_page(words, rules=rules))
    assert (readings["equality_index.score"].value, readings["equality_index.score"].doubt) == (89, None)


def test_a_label_word_inside_the_question_s_sentence_is_not_the_label():
    """« quelle note avez-vous obtenu » holds the anchor « Note »; the label « Note : » starts the
    next line, with the answer (its unit misread or left out): the sentence's « note » read
    nothing after « professionnelle ? », and the score was null with no doubt."""
    words = (_line("Si votre entreprise comporte plus de 50 salariés, quelle note avez-vous obtenu à l'index "
                   "de l'égalité", 40, 100)
             + _line("professionnelle ?", 40, 112) + _line("Note : 90", 40, 130))
    reading = _read(_page(words))["equality_index.score"]
    assert (reading.value, reading.doubt) == (90, None)


def test_words_two_fields_took_put_both_in_review():
    """Two text columns, entries flowing down each (label, its answer on the line under it):
    the rest of a label's line in the left column is a line of the right column's text, which
    the policy's area takes too. One word cannot answer two questions: neither is sure."""
    words = _line("Référence de la consultation", 40, 120) + _line("2026-077", 48, 132)
    words += _line("Détailler ci-dessous votre politique interne", 310, 96)
    words += _line("La structure veille à l'équilibre", 310, 108)
    words += _line("des jurys et publie un bilan", 310, 120)
    words += _line("sexué des promotions.", 310, 132)
    words += _line("1000 caractères maximum", 310, 150)
    readings = _read(_page(words))
    assert "jurys" in (readings["policy.text"].value or "")
    tender = readings["tender_ref"]
    assert tender.value == "2026-077" or tender.doubt is not None
    assert tender.value == "2026-077" or readings["policy.text"].doubt is not None


# -- text columns ------------------------------------------------------------------------------

def _newspaper_page() -> Page:
    """A page set in two columns, each label on its own line and its answer on the line under
    it; the right column's lines stand at the same heights as the left one's."""
    left = [("Nom de la structure", "SAS Green’Up"), ("Référence de la consultation", "2026-071"),
            ("Cadres – femmes", "7"), ("Cadres – hommes", "6"), ("Non cadres – femmes", "53"),
            ("Non cadres – hommes", ""), ("Effectif total", "120")]
    right = [("Genre – Président·e", "Femme"), ("Genre – Secrétaire", "Homme"),
             ("Part de femmes dans le CA (%)", "33"), ("Part des femmes parmi les bénévoles (%)", ""),
             ("Politique interne en matière d’égalité professionnelle", "Les entretiens professionnels"),
             ("Note obtenue à l’index de l’égalité professionnelle", "93"), ("Négociation d’accords", "Oui")]
    words = []
    for x, pairs in ((40, left), (310, right)):
        for number, (label, value) in enumerate(pairs):
            top = 100 + 26 * number
            words += _line(label, x, top, 8) + (_line(value, x, top + 11) if value else [])
    return _page(words)


def test_a_label_alone_on_its_line_in_a_column_takes_the_line_under_it():
    """Read to the page's edge, « Cadres – femmes » took the right column's words; a label
    followed by the next label (no answer) takes nothing."""
    readings = _read(_newspaper_page())
    assert readings["structure_name"].value == "SAS Green’Up"
    assert readings["tender_ref"].value == "2026-071"
    assert (readings["staff.managers.women"].value, readings["staff.managers.women"].doubt) == (7, None)
    assert readings["staff.managers.men"].value == 6
    assert readings["staff.non_managers.women"].value == 53
    assert readings["staff.non_managers.men"].value is None
    assert readings["staff.total.total"].value == 120
    assert readings["officers.president"].value == "woman"
    assert readings["officers.secretary"].value == "man"
    assert readings["board.women_pct"].value == 33
    assert readings["volunteers.women_pct"].value is None


def test_answers_aligned_right_of_their_labels_make_no_text_column():
    """A receipt's answers all start at one x, on every line: no labels there, no gutter."""
    from extract.gutters import find_gutters
    words, labels = [], []
    for number, label in enumerate(["Cadres – Femmes", "Cadres – Hommes", "Non cadres – Femmes", "Non cadres – Hommes",
                                    "Total – Femmes", "Total – Hommes", "Effectif total"]):
        line = _line(label, 50, 100 + 16 * number)
        words += line + _line(str(number + 3), 300, 100 + 16 * number)
        labels.append((line[0].x0, line[0].top, line[-1].x1, line[0].bottom))
    assert find_gutters(_page(words), labels) == []
    assert len(find_gutters(_newspaper_page(), labels + [(310, 100 + 26 * n, 400, 108 + 26 * n) for n in range(3)])) == 1


def test_labels_as_a_header_row_have_their_answers_in_the_row_under_them():
    """« Dénomination | N° SIRET » and « Président.e | Secrétaire | Trésorier.e » as the header
    cells of drawn tables, the values in the cells under them (the neighbour cell of a label
    is then another label, not its answer)."""
    xs, ys = [40, 240, 400, 560], [100, 116, 132]
    words = _line("Dénomination", 45, 103) + _line("N° SIRET", 245, 103)
    words += _line("SAS Dupont", 45, 119) + _line("732 829 320 00074", 245, 119)
    officers_ys = [200, 216, 232]
    words += _line("Président.e", 45, 203) + _line("Secrétaire", 245, 203) + _line("Trésorier.e", 405, 203)
    words += _line("Femme", 45, 219) + _line("Homme", 245, 219)
    rules = _grid(xs[:3], ys) + _grid(xs, officers_ys)
    readings = _read(_page(words, rules=rules))
    assert (readings["structure_name"].value, readings["structure_name"].doubt) == ("SAS Dupont", None)
    assert readings["siret"].value == "73282932000074"
    assert readings["officers.president"].value == "woman"
    assert readings["officers.secretary"].value == "man"
    assert readings["officers.treasurer"].value is None


def test_a_commitment_label_merged_over_its_rows_has_its_ticks_and_details_beside_its_cell():
    """A word processor's table: the label's cell merged over two rows, « Oui | X | Non |   » on
    the first, « Si oui, détailler : | details » on the second (the prompt wrapped in its narrow
    cell beside the details' two lines); the label, centred, stands on neither row's lines."""
    words = _line("Engagements spécifiques de la structure", 40, 80)
    rules = [Rule(40, 100, 560, 100), Rule(170, 116, 560, 116), Rule(40, 143, 560, 143),
             Rule(40, 100, 40, 143), Rule(170, 100, 170, 143), Rule(225, 100, 225, 143), Rule(560, 100, 560, 143)]
    rules += [Rule(x, 100, x, 116) for x in (270, 315, 360)]
    words += _line("Négociation d'accords", 45, 117)
    words += _line("Oui", 175, 104) + _line("X", 230, 104) + _line("Non", 275, 104)
    words += _line("Si oui,", 175, 119) + _line("détailler :", 175, 131)
    words += _line("Accord signé en 2024", 230, 119) + _line("avec le CSE.", 230, 131)
    words += _line("Vous avez la possibilité de joindre des pièces", 40, 170)
    readings = _read(_page(words, rules=rules))
    assert (readings["commitments.agreements.done"].value, readings["commitments.agreements.done"].doubt) == (True, None)
    details = readings["commitments.agreements.details"]
    assert (details.value, details.doubt) == ("Accord signé en 2024 avec le CSE.", None)


def test_a_commitment_answered_in_its_row_s_cells_with_the_word_set_between_the_details_lines():
    """« Engagement | Réponse | Détails »: the word Oui alone in one cell of the label's row, the
    details in another, each set in the middle of a tall row."""
    xs, ys = [40, 250, 310, 560], [100, 116, 146, 162]
    words = _line("Engagements spécifiques de la structure", 40, 80)
    words += _line("Engagement", 45, 103) + _line("Réponse", 255, 103) + _line("Détails", 315, 103)
    words += _line("Négociation d'accords", 45, 126) + _line("Oui", 265, 126)
    words += _line("Accord signé en 2024 avec", 315, 120) + _line("le CSE.", 315, 132)
    words += _line("Signature de plan d'actions", 45, 150) + _line("Non", 265, 150)
    words += _line("Vous avez la possibilité de joindre des pièces", 40, 180)
    readings = _read(_page(words, rules=_grid(xs, ys)))
    assert _first_two_commitments(readings) == (True, "Accord signé en 2024 avec le CSE.", False, None)


def test_the_policy_s_label_restated_before_its_text_under_the_section_title_is_no_part_of_it():
    words = _line("2_ Politique interne en matière d'égalité professionnelle", 40, 100)
    words += _line("Politique interne en matière d'égalité professionnelle : Jurys mixtes.", 40, 115)
    words += _line("Note obtenue à l'index de l'égalité professionnelle : 91", 40, 140)
    assert _read(_page(words))["policy.text"].value == "Jurys mixtes."


def test_a_label_wrapped_in_its_cell_around_a_line_of_the_neighbour_cells_is_found():
    """Labels wrapped in their cells, the row's other cells set in the middle between their lines
    (« Oui | X | Non »; the details' two lines): each wrapped line stacks onto the one above
    across the neighbour cells' lines (five words may wrap onto a line)."""
    words = _line("Avez-vous un conseil", 45, 100) + _line("d'administration ?", 45, 111)
    words += _line("Oui", 200, 105.5) + _line("X", 250, 105.5) + _line("Non", 300, 105.5)
    words += _line("Engagements spécifiques de la structure", 40, 140)
    words += _line("Cellule de traitement des", 45, 160) + _line("Cellule d'écoute externe", 250, 165.5)
    words += _line("violences sexistes et sexuelles au", 45, 171) + _line("depuis 2024.", 250, 176.5)
    words += _line("travail", 45, 182)
    rules = _grid([40, 190, 240, 290, 340, 390], [95, 125]) + _grid([40, 190, 240, 560], [155, 195])
    readings = _read(_page(words, rules=rules))
    assert (readings["board.exists"].value, readings["board.exists"].doubt) == (True, None)
    assert "introuvable" not in (readings["commitments.harassment_unit.details"].doubt or "")


def test_a_listed_answer_wrapped_onto_the_next_line_of_a_sentence_ends_at_the_list_s_separator():
    """A letter's sentence « … : Président·e : femme ; Secrétaire : » / « homme ; Trésorier·e :
    femme. »: the secretary's answer starts the next line, up to the separator."""
    words = _line("Genre des personnes occupant les postes suivants : Président·e : femme ; Secrétaire :", 40, 100)
    words += _line("homme ; Trésorier·e : femme.", 40, 112)
    readings = _read(_page(words))
    assert [readings[f"officers.{k}"].value for k in ("president", "secretary", "treasurer")] == ["woman", "man", "woman"]


def test_the_undisclosed_column_named_in_the_plural():
    """« Cadres – ne se prononcent pas » (the staff who do not say): the column's label, not
    « Ne se » followed by an answer « prononcent pas »."""
    words = _line("Cadres – ne se prononcent pas", 50, 100) + _line("0", 300, 100)
    words += _line("Cadres – femmes", 50, 116) + _line("4", 300, 116)
    reading = _read(_page(words))["staff.managers.undisclosed"]
    assert (reading.value, reading.doubt) == (0, None)


def test_details_whose_prompt_starts_the_next_page_are_read_in_the_prompt_s_column():
    """The last commitment at the foot of a right-hand column, its « Si oui, détailler » and
    details at the top of the next page's left column: the details keep to the prompt's column,
    not to the label's."""
    first = _page(_line("Engagements spécifiques de la structure", 320, 700)
                  + _line("Autres", 320, 740) + _line("Oui", 320, 752))
    second = Page(number=2, width=595, height=842,
                  words=_line("Si oui, détailler", 48, 93) + _line("Vestiaires séparés sur nos chantiers.", 48, 105))
    readings = read_fields([first, second], FORM)
    assert readings["commitments.other.done"].value is True
    assert readings["commitments.other.details"].value == "Vestiaires séparés sur nos chantiers."
