"""A scan's zones are each read on their own (zonal OCR): the reader's answers must not depend
on how one zone's reading cuts the ink.

Tesseract given a narrow zone holding only a dash reads it as no word (an empty word of unread
ink); given a whole line, it may join a value to the colon before it (« :0 » where the value's
own zone read « 0 »). Each test builds an OCR page whose zone reader behaves so, and checks the
rule that keeps the reading right: what the page prints between two labels is asked of the
page's own words, a name printed twice on one OCR line is found twice, and the ledger knows a
claimed value read again in a wider zone.
"""
from __future__ import annotations

from dataclasses import replace

from extract.fields import read_fields
from extract.labels import LabelIndex, Match
from extract.ledger import Ledger
from extract.tokens import BBox, Page, Word, overlap_ratio, union
from questionnaire.definition import load
from questionnaire.record import SOURCE_OCR

FORM = load("egalite-2024")
HEIGHT = 7.0  # capitals' ink: OCR boxes are as tall as the letters, not the font's line


def _ocr_line(parts: list[tuple[str, float, float]], top: float) -> list[Word]:
    """One OCR line of words (text, x0, x1), ink-tight."""
    return [Word(text, x0, top, x1, top + HEIGHT, source=SOURCE_OCR, confidence=0.93) for text, x0, x1 in parts]


def _staff_line(row: str, column: str, value: str, top: float, dash_gap: float = 3.0) -> list[Word]:
    """« ROW — COLUMN : value » as a scan of a list of staff figures in capitals prints it."""
    x = 40 + 6.2 * len(row)
    dash = x + dash_gap
    name = dash + 9 + dash_gap
    end = name + 6.2 * len(column)
    return _ocr_line([(row, 40, x), ("—", dash, dash + 9), (column, name, end), (":", end + 3, end + 4),
                      (value, end + 8, end + 8 + 5 * len(value))], top)


class _Zonal:
    """A zone reader that cuts the ink as Tesseract does: a zone holding only a dash reads as
    one empty word of unread ink; a line read as text joins a value to the colon before it."""

    def __init__(self, words: list[Word], shift: float = 0.0) -> None:
        self.words = words
        self.shift = shift  # how far aside a line read as text draws a figure's box

    def __call__(self, bbox: BBox, numeric: bool) -> list[Word]:
        inside = [w for w in self.words if overlap_ratio(w.bbox, bbox) >= 0.5]
        if len(inside) == 1 and inside[0].text in "—–-":
            return [Word("", *bbox, source=SOURCE_OCR, confidence=0.0)]
        if numeric:  # signs and words beside the number are ink that no figure accounts for
            doubt = any(not w.text.isdigit() for w in inside)
            return [replace(w, confidence=0.3) if doubt else w for w in inside if w.text not in ":;"]
        if self.shift:
            inside = [replace(w, x0=w.x0 + self.shift, x1=w.x1 + self.shift) if w.text.isdigit() else w
                      for w in inside]
        joined: list[Word] = []
        for word in inside:
            if joined and joined[-1].text == ":" and word.text.isdigit():
                colon = joined.pop()
                word = Word(":" + word.text, *union([colon.bbox, word.bbox]), source=SOURCE_OCR, confidence=0.9)
            joined.append(word)
        return joined


def _scan_page(words: list[Word], shift: float = 0.0) -> Page:
    page = Page(number=1, width=595, height=842, words=words, image_only=True)
    page.zone_reader = _Zonal(words, shift)
    return page


def _staff_list(dash_gap: float = 3.0) -> list[Word]:
    words = _ocr_line([("EFFECTIFS", 40, 89), ("AU", 92, 104), ("SEIN", 107, 128), ("DE", 131, 143),
                       ("LA", 146, 157), ("STRUCTURE", 160, 216)], 100)
    top = 114
    for row, figures in (("CADRES", ("32", "34", "0", "0", "66")), ("TOTAL", ("99", "80", "0", "0", "179"))):
        for column, value in zip(("FEMMES", "HOMMES", "BINAIRE", "PAS", "TOTAL"), figures):
            column = {"BINAIRE": "NON BINAIRE", "PAS": "NE SE PRONONCE PAS"}.get(column, column)
            if " " in column:  # several words: the last one carries the value
                first, rest = column.split(" ", 1)
                line = _staff_line(row, first, value, top, dash_gap)
                words += line[:3] + _shifted(rest.split(), line[2].x1 + 3, top) + _after(line[3:], rest)
            else:
                words += _staff_line(row, column, value, top, dash_gap)
            top += 14
    return words


def _shifted(parts: list[str], x: float, top: float) -> list[Word]:
    words = []
    for part in parts:
        words += _ocr_line([(part, x, x + 6.2 * len(part))], top)
        x += 6.2 * len(part) + 3
    return words


def _after(tail: list[Word], rest: str) -> list[Word]:
    """The colon and value, pushed right past the column name's other words."""
    shift = sum(6.2 * len(p) + 3 for p in rest.split())
    return [replace(w, x0=w.x0 + shift, x1=w.x1 + shift) for w in tail]


def _staff(readings: dict) -> dict[str, tuple]:
    return {key: (readings[key].value, readings[key].doubt) for key in
            ("staff.managers.women", "staff.managers.total", "staff.total.non_binary", "staff.total.total")}


def test_a_dash_between_two_names_is_asked_of_the_page_not_read_again_as_a_zone():
    """« CADRES — FEMMES : 32 » on a scan: the zone between the two names holds only the dash,
    which zonal OCR reads as an empty word; the page's own reading has the dash."""
    readings = read_fields([_scan_page(_staff_list())], FORM)
    assert readings["staff.managers.women"].value == 32


def test_a_spaced_dash_between_capitals_still_joins_the_two_names():
    """Capitals' lines are short: the dash and its spaces are wider than two line heights in
    all, though each step from a name to the dash, and on, is a word space."""
    page = Page(number=1, width=595, height=842, words=[replace(w, source="text") for w in _staff_list(4.0)])
    readings = read_fields([page], FORM)
    assert readings["staff.managers.women"].value == 32
    assert readings["staff.managers.women"].doubt is None


def test_a_name_printed_twice_on_an_ocr_line_is_found_twice():
    words = _staff_line("TOTAL", "TOTAL", "179", 100)
    found = LabelIndex([_scan_page(words)]).find(["Total"])
    assert [m.words[0].x0 for m in found] == [words[0].x0, words[2].x0]


def test_the_total_of_totals_is_read_from_its_listed_line():
    readings = read_fields([_scan_page(_staff_list())], FORM)
    assert (readings["staff.total.total"].value, readings["staff.total.total"].doubt) == (179, None)


def test_a_value_read_again_joined_to_its_colon_is_no_word_left_over():
    """The value's zone (read for a number) gives « 0 »; the ledger's reading of the whole line
    gives « :0 »: the same ink, claimed, not something the bidder wrote besides."""
    readings = read_fields([_scan_page(_staff_list())], FORM)
    assert (readings["staff.total.non_binary"].value, readings["staff.total.non_binary"].doubt) == (0, None)
    assert (readings["staff.managers.total"].value, readings["staff.managers.total"].doubt) == (66, None)


def _ocr_words(text: str, x: float, top: float) -> list[Word]:
    """Words of an OCR line in lower case, 3 pt apart."""
    words = []
    for part in text.split():
        words += _ocr_line([(part, x, x + 4.5 * len(part))], top)
        x += 4.5 * len(part) + 3
    return words


def test_a_scale_of_one_sign_then_figures_is_found_on_an_ocr_line():
    """« … note obtenue : 86 / 100 »: the unit « / 100 » starts with a word of one sign, which
    the approximate match must not step over (« 100 » alone is no « / 100 »)."""
    words = _ocr_words("Index de l'égalité professionnelle — note obtenue : 86 / 100", 90, 500)
    found = LabelIndex([_scan_page(words)]).find(["/ 100"])
    assert [[w.text for w in m.words] for m in found] == [["/", "100"]]


def test_a_number_with_its_written_scale_is_the_number():
    words = _ocr_words("Index de l'égalité professionnelle — note obtenue : 86 / 100", 90, 500)
    reading = read_fields([_scan_page(words)], FORM)["equality_index.score"]
    assert (reading.value, reading.doubt) == (86, None)


def test_the_colon_after_a_label_is_the_label_s_not_the_answer_zone_s():
    """« Part des femmes parmi les bénévoles : 62 % » on a scan: the value's zone starts after the
    colon, so the colon's dots do not make the number doubtful."""
    words = _ocr_words("Part des femmes parmi les bénévoles : 62 %", 90, 500)
    reading = read_fields([_scan_page(words)], FORM)["volunteers.women_pct"]
    assert (reading.value, reading.doubt) == (62, None)


def _listed_row(text: str, top: float) -> list[Word]:
    """A row of a table printed as one line of items, as a scan's first pass reads it."""
    return _ocr_words(text.replace(";", " ; ").replace(":", " : "), 40, top)


def test_a_listed_cell_s_zone_ends_at_the_separator_before_the_next_name():
    """« Cadres : Femmes 2 ; Hommes 8 ; … » on a scan: each figure's zone stops at the « ; » before
    the next column's name, so that it holds the figure alone (read as a number, the rest of the
    line would be signs and words that no figure accounts for)."""
    words = _ocr_words("Effectifs au sein de la structure", 40, 100)
    words += _listed_row("Cadres: Femmes 2; Hommes 8; Non binaire 0; Ne se prononce pas 0; Total 10", 114)
    readings = read_fields([_scan_page(words)], FORM)
    assert [(readings[f"staff.managers.{c}"].value, readings[f"staff.managers.{c}"].doubt)
            for c in ("women", "men", "non_binary", "total")] == [(2, None), (8, None), (0, None), (10, None)]


def test_a_claimed_figure_read_again_with_its_box_a_little_aside_is_no_word_left_over():
    """The ledger's reading of the whole line draws the figures' boxes 2.5 pt aside from their own
    zones' readings: the same ink, touching, with the same figures."""
    words = _ocr_words("Effectifs au sein de la structure", 40, 100)
    words += _listed_row("Cadres: Femmes 2; Hommes 8; Non binaire 0; Ne se prononce pas 0; Total 10", 114)
    readings = read_fields([_scan_page(words, shift=2.5)], FORM)
    assert [readings[f"staff.managers.{c}"].doubt for c in ("women", "men", "total")] == [None] * 3


def _score_line(extra: list[Word]) -> tuple[Page, Match, Ledger]:
    """« Note obtenue : » on a scan, the words ``extra`` after it, the value « 74 » claimed."""
    label_words = _ocr_line([("Note", 40, 60), ("obtenue", 63, 95), (":", 96, 98)], 100)
    value = Word("74", 120, 101, 130, 108, source=SOURCE_OCR, confidence=0.96)
    page = _scan_page(label_words + [value] + extra)
    label = LabelIndex([page]).find(["Note obtenue"])[0]
    ledger = Ledger()
    ledger.expect("equality_index.score", label)
    ledger.take("equality_index.score", [(page, value)])
    return page, label, ledger


def test_unread_ink_that_read_words_cover_is_no_word_left_over():
    """A zone cut across the top of the line holds a sliver of the value's ink and of the printed
    « /100 » after it, and no word was read from it: an empty word of that ink. The value's own
    zone read it, the page's reading has the printed words: nothing the bidder wrote is left."""
    printed = Word("/100", 150, 101, 170, 108, source=SOURCE_OCR, confidence=0.9)
    sliver = Word("", 120, 100.5, 170, 103.5, source=SOURCE_OCR, confidence=0.0)
    page, label, ledger = _score_line([printed, sliver])
    assert ledger.leftovers({id(w) for w in label.words} | {id(printed)}) == {}


def test_unread_ink_beside_the_words_read_is_left_over():
    """The same sliver of ink, where no word was read: something is written there."""
    sliver = Word("", 200, 100.5, 250, 103.5, source=SOURCE_OCR, confidence=0.0)
    page, label, ledger = _score_line([sliver])
    assert ledger.leftovers({id(w) for w in label.words}) == {"equality_index.score": [sliver]}


def test_a_strip_read_as_nothing_is_read_again_up_to_the_label_s_column_end():
    """A page set in two text columns, scanned: the strip right of the label, read to the page's
    edge across the right column's lines, gives ink but no word; read again up to the gutter
    ending the label's column, it gives the value, claimed: nothing is left over. Without a
    column's end, the unread ink is left over."""
    class _Across(_Zonal):
        def __call__(self, bbox: BBox, numeric: bool) -> list[Word]:
            if bbox[2] > 300:  # across the right column
                return [Word("", bbox[0], 100.5, 390, 107.5, source=SOURCE_OCR, confidence=0.0)]
            return super().__call__(bbox, numeric)

    other = _ocr_line([("Détailler", 300, 340), ("ci-dessous", 343, 390)], 100)
    page, label, ledger = _score_line(other)
    page.zone_reader = _Across(page.words)
    printed = {id(w) for w in label.words}
    assert ledger.leftovers(printed, lambda label: 290.0) == {}
    assert list(ledger.leftovers(printed)) == ["equality_index.score"]
