"""The shortcuts a text-layer page's reading takes: each gives what the longer way gives.

A page's fonts are listed once to tell whether any letter may be a symbol font's box (through
its form XObjects too); a label index answers a question asked again from what it kept, and
looks its many anchors up where a word starts with their first letters; the field reader tells
once whether two names stand side by side, and reads a choice row's answer once; a
page's lines of words are grouped once for its labels and its gutters; words are searched for
typed tables, typed boxes, elisions and letter-spaced text only where they may be.
"""
from __future__ import annotations

import ctypes
import io
from pathlib import Path

import numpy as np
import pikepdf
import pypdfium2 as pdfium
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from extract import fields, pdfium_text, vector_marks
from extract.cells import cell_of
from extract.document import load
from extract.fields import FieldReader, label_fragment, of_form, printed_phrases, printed_text
from extract.gutters import find_gutters
from extract.labels import (SCANNED_ANCHORS, LabelIndex, Line, Match, Position, exact_match, label_lines, make_line,
                            word_starts)
from extract.marks import typed_boxes
from extract.pdfium_text import split_words
from extract.tokens import Page, Rule, Word, group_lines, lines_of, reading_order
from extract.typed_tables import typed_tables
from questionnaire.definition import load as load_form
from questionnaire.record import SOURCE_FORM_FIELD, SOURCE_OCR
from questionnaire.text import fold
from tests.support_layouts import GLYPH_FONT

HEIGHT = 842


# -- symbol fonts: a page's fonts listed through its form XObjects ------------------

def _page_with_a_form(tmp_path: Path, family: str | None) -> Path:
    """"Oui" in Helvetica on the page, then an "R" drawn in a form XObject (a stamp, a flattened
    field) in DejaVu Sans renamed ``family`` (Wingdings 2's ticked box), or in Helvetica."""
    pdfmetrics.registerFont(TTFont("SymbolStandIn", GLYPH_FONT))
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(595, HEIGHT))
    canvas.beginForm("stamp")
    canvas.setFont("SymbolStandIn" if family else "Helvetica", 12)
    canvas.drawString(60, 700, "R")
    canvas.endForm()
    canvas.doForm("stamp")
    canvas.setFont("Helvetica", 12)
    canvas.drawString(80, 700, "Oui")
    canvas.showPage()
    canvas.save()
    pdf = pikepdf.open(io.BytesIO(buffer.getvalue()))
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and "DejaVu" in str(obj.get("/BaseFont", "")):
            obj.BaseFont = obj.FontDescriptor.FontName = pikepdf.Name("/ABCDEF+" + family)
    path = tmp_path / "form.pdf"
    pdf.save(path)
    return path


def test_a_symbol_font_in_a_form_xobject_still_draws_its_box(tmp_path):
    path = _page_with_a_form(tmp_path, "Wingdings2")
    page = pdfium.PdfDocument(path)[0]
    assert "wingdings2" in pdfium_text._font_families(page).values()
    read = load(path).pages[0]
    assert [w.text for w in read.words] == ["Oui"]
    assert [m.checked for m in read.marks] == [True]


def test_a_page_without_symbol_font_keeps_its_letters(tmp_path):
    path = _page_with_a_form(tmp_path, None)
    page = pdfium.PdfDocument(path)[0]
    assert not any(pdfium_text._font_families(page).values())
    assert [w.text for w in load(path).pages[0].words] == ["R", "Oui"]


def test_fonts_nested_too_deep_are_read_as_maybe_symbolic(tmp_path, monkeypatch):
    monkeypatch.setattr(pdfium_text, "MAX_FORM_DEPTH", 0)
    page = pdfium.PdfDocument(_page_with_a_form(tmp_path, None))[0]
    assert pdfium_text._font_families(page) is None  # each character's font is asked, as before


# -- label index: the same question answered from what it kept ----------------------

def _page(texts: list[tuple[str, float, float]], source: str = "text") -> Page:
    words = [Word(text, x, top, x + 8 * len(text), top + 10, source=source) for text, x, top in texts]
    return Page(1, 595, HEIGHT, words=words)


def test_a_question_asked_again_gets_the_same_matches_in_a_list_of_its_own():
    page = _page([("Non", 60, 100), ("cadres", 100, 100), ("Cadres", 60, 130), ("Total", 60, 160)])
    index = LabelIndex([page])
    first = index.find(["Cadres"], rivals=["Non cadres"])
    assert [m.words[0].top for m in first] == [130]  # "cadres" of "Non cadres" is the rival's
    first.clear()
    again = index.find(["Cadres"], rivals=["Non cadres"])
    assert [m.words[0].top for m in again] == [130]
    assert [m.words[0].top for m in index.find(["Cadres"])] == [100, 130]
    after = index.find(["Cadres"])[0].end
    assert [m.words[0].top for m in index.find(["Cadres", "Total"], after=after)] == [130, 160]
    assert [m.words[0].top for m in index.find(["Cadres", "Total"], before=index.first(["Total"]).start)] \
        == [100, 130]


def test_a_rival_of_the_same_words_does_not_drop_a_match():
    """A rival drops only a match it covers with more words (``Match.contains`` is strict)."""
    page = _page([("Non", 60, 100), ("cadres", 100, 100)])
    assert len(LabelIndex([page]).find(["Non cadres"], rivals=["Non cadres", "cadres"])) == 1


def test_a_group_of_rivals_is_indexed_by_word_once_and_drops_only_what_it_covers():
    page = _page([("Non", 60, 100), ("cadres", 100, 100), ("Cadres", 60, 130), ("Non", 60, 160),
                  ("binaire", 100, 160)])
    index = LabelIndex([page])
    rivals = ["Non cadres", "Non binaire"]
    assert [m.words[0].top for m in index.find(["Cadres"], rivals=rivals)] == [130]
    assert [m.words[0].top for m in index.find(["Non"], rivals=rivals)] == []  # both inside a rival
    assert [m.words[0].top for m in index.find(["Non"])] == [100, 160]
    assert list(index._rivals_by_word) == [tuple(rivals)]  # one index of the rivals' words, asked twice


def test_a_match_out_of_bounds_leaves_the_shorter_match_of_its_words_in():
    """Bounds are applied before the longest match of some words is kept: with "Non cadres" out of
    bounds, its "cadres" is found."""
    page = _page([("Non", 60, 100), ("cadres", 100, 100), ("Cadres", 60, 130)])
    index = LabelIndex([page])
    anchors = ["Non cadres", "Cadres"]
    assert [_texts(m.words) for m in index.find(anchors)] == [["Non", "cadres"], ["Cadres"]]
    since = index.first(["Non cadres"]).start
    assert [(_texts(m.words), m.words[0].top) for m in index.find(anchors, after=since)] \
        == [(["cadres"], 100), (["Cadres"], 130)]
    assert [_texts(m.words) for m in index.find(anchors, before=index.find(["Cadres"])[-1].start)] == [["Non", "cadres"]]
    assert [_texts(m.words) for m in index.find(["Non cadres"])] == [["Non", "cadres"]]  # one match: as it is


def test_a_wrapped_label_is_joined_across_a_line_of_other_cells_but_not_across_a_gap():
    """« Nombre / salariés » wrapped in its column, a line of other cells set between its two lines,
    is one label; "Nombre" followed a line and a half below by "Total" in its column is not, and
    not with the line under "Total" either."""
    page = _page([("Nombre", 60, 100), ("X", 300, 105), ("salariés", 60, 118)])
    assert [(_texts(line.words), line.rows) for line in label_lines(page) if not line.one_row] \
        == [(["Nombre", "salariés"], (0, 2))]
    page = _page([("Nombre", 60, 100), ("Total", 60, 130), ("salariés", 60, 138)])
    assert [(_texts(line.words), line.rows) for line in label_lines(page) if not line.one_row] \
        == [(["Total", "salariés"], (1, 2))]


def test_a_label_on_one_line_is_found_once_and_a_wrapped_one_across_its_break():
    """A wrapped label's line holds its physical lines' words too: only a match across the break is
    taken from it, the others being the physical line's."""
    page = _page([("Nombre", 60, 100), ("de", 120, 100), ("salariés", 60, 112), ("Nombre", 300, 200)])
    index = LabelIndex([page])
    assert any(line.rows == (0, 0, 1) for line in index.lines)  # "Nombre de" wrapped onto "salariés"
    assert [(m.words[0].top, m.line.one_row) for m in index.find(["Nombre"])] == [(100, True), (200, True)]
    wrapped = index.find(["Nombre de salariés"])
    assert [[w.text for w in m.words] for m in wrapped] == [["Nombre", "de", "salariés"]] and wrapped[0].stacked


def test_matches_and_lines_made_quickly_are_those_their_classes_make():
    page = _page([("L'index", 60, 100), ("qu’il", 120, 100), ("égalité", 180, 100)])
    line = make_line(page, 0, page.words)
    assert line == Line(page, 0, tuple(page.words), line.folded, line.starts, line.ends, (0, 0, 0),
                        line.first_at, line.last_at)
    assert line.folded == "lindexquilegalite"
    assert line.first_at == {0: 0, 1: 0, 6: 1, 8: 1, 10: 2}  # after "l'" and "qu’" too
    assert exact_match(line, 0, 1, "index") == Match(line, 0, 1, "index")
    made, plain = exact_match(line, 1, 2, "index"), Match(line, 1, 2, "index")
    for name in ("words", "length", "rank", "start_key", "order", "word_ids", "page"):  # written in as it is made
        assert name in made.__dict__ and name not in plain.__dict__ and getattr(made, name) == getattr(plain, name)


def test_a_line_s_top_bottom_and_source_are_measured_as_it_is_made():
    page = _page([("Nom", 60, 100), ("de", 100, 96), ("la", 120, 103)])
    page.words[2] = Word("la", 120, 103, 136, 115, source=SOURCE_OCR)
    made, lazy = make_line(page, 0, page.words), Line(page, 0, tuple(page.words), "", (), (), (0, 0, 0))
    assert {"top", "bottom", "ocr", "one_row"} <= made.__dict__.keys()  # not computed again when asked
    assert (made.top, made.bottom, made.ocr, made.one_row) == (lazy.top, lazy.bottom, lazy.ocr, lazy.one_row) \
        == (96, 115, True, True)
    assert not make_line(page, 0, page.words, rows=(0, 0, 1)).one_row  # a wrapped label's


def test_an_anchor_asked_twice_in_a_group_adds_nothing():
    page = _page([("Non", 60, 100), ("cadres", 100, 100), ("Cadres", 60, 130)])
    index = LabelIndex([page])
    assert index.find(["Cadres", "Non cadres", "Cadres"]) == index.find(["Cadres", "Non cadres"])


def test_once_many_anchors_were_searched_the_others_are_looked_up_where_a_word_starts_so():
    """Past :data:`SCANNED_ANCHORS` anchors searched through the text, an index looks an anchor up
    among the places where a word (or a word after an elided article) starts with its first
    letters, indexed once for the page: it finds what the search through the text finds, and not
    inside a word (« Renombre »)."""
    page = _page([("Nombre", 60, 100), ("de", 120, 100), ("salariés", 150, 100), ("Renombre", 300, 100),
                  ("L'index", 60, 130), ("nombre", 130, 130), ("%", 200, 130)])
    searched, index = LabelIndex([page]), LabelIndex([page])
    for number in range(SCANNED_ANCHORS + 1):
        index.find([f"absent {number}"])
    assert searched._starts is None and index._starts == [page.derived("label_starts", word_starts)]
    assert set(word_starts(page)) >= {"nom", "des", "sal", "ren", "lin", "ind"}  # "index" after "L'"
    for anchor in ("Nombre", "nombre de salariés", "index", "Index nombre", "ombre", "%", "de", "absent"):
        found = [(_texts(m.words), m.words[0].top) for m in index.find([anchor])]
        assert found == [(_texts(m.words), m.words[0].top) for m in searched.find([anchor])], anchor
    assert [m.words[0].x0 for m in index.find(["Nombre"])] == [60, 130]
    assert index.find(["ombre"]) == []
    at_once = LabelIndex([page])  # the field reader asks for all the form's anchors at once
    at_once.find([f"absent {number}" for number in range(SCANNED_ANCHORS + 1)])
    assert at_once._scanned == 0 and at_once._starts is not None
    assert [m.words[0].x0 for m in at_once.find(["Nombre"])] == [60, 130]



def test_a_wrapped_label_s_line_is_looked_up_only_where_a_match_may_span_its_break():
    """Where words start on a wrapped label's line, only the places of its lines but the last are
    indexed, each with the end of its own physical line that a match must pass: what it finds
    there is what the search through the text keeps (the matches spanning the break), and the
    matches on one physical line come from that line alone, found as the text finds them."""
    page = _page([("Nombre", 60, 100), ("de", 120, 100), ("salariés", 60, 112), ("dont", 60, 124),
                  ("cadres", 100, 124), ("Nombre", 300, 200), ("de", 360, 200), ("salariés", 390, 200)])
    wrapped = [line for line in page.derived("label_lines", label_lines) if line.rows == (0, 0, 1, 2, 2)][0]
    places = sorted(place[1:] for found in word_starts(page).values() for place in found if place[0] is wrapped)
    assert places == [(0, 0, 8), (6, 1, 8), (8, 2, 16)]  # « nombre », « de » to pass « nombrede », « salaries »
    searched, index = LabelIndex([page]), LabelIndex([page])
    index.find([f"absent {number}" for number in range(SCANNED_ANCHORS + 1)])
    assert index._starts is not None and searched._starts is None
    for anchor in ("Nombre", "Nombre de", "Nombre de salariés", "de salariés", "salariés", "salariés dont",
                   "salariés dont cadres", "dont cadres", "cadres"):
        found = [(_texts(m.words), m.words[0].top, m.line.rows) for m in index._anchor(anchor, False)]
        assert found == [(_texts(m.words), m.words[0].top, m.line.rows) for m in searched._anchor(anchor, False)]
    assert [m.line.rows for m in index._anchor("Nombre de salariés", False)] == [(3, 3, 3), (0, 0, 1), (0, 0, 1, 2, 2)]
    assert [m.line.one_row for m in index._anchor("dont cadres", False)] == [True]  # not again on the wrapped lines



def test_a_label_wrapped_over_three_lines_beside_other_cells_is_made_as_its_words_are():
    """Each wrapped label is made of its words as :func:`make_line` makes a line (its folded text and
    its places after its lines' words, even past a word folding to nothing), the groups of the lines
    below looked at only as far as its column goes."""
    page = _page([("Part", 60, 100), ("des", 100, 100), ("Oui", 300, 100), ("Non", 400, 100),
                  ("femmes", 60, 112), ("X", 300, 112), ("l'encadrement", 60, 124), (":", 170, 124),
                  ("40", 300, 124)])
    stacked = [line for line in page.derived("label_lines", label_lines) if not line.one_row]
    assert [(_texts(line.words), line.rows) for line in stacked] == [
        (["Part", "des", "femmes"], (0, 0, 1)), (["Part", "des", "femmes", "l'encadrement", ":"], (0, 0, 1, 2, 2)),
        (["Oui", "X"], (0, 1)), (["Oui", "X", "40"], (0, 1, 2)), (["femmes", "l'encadrement", ":"], (1, 2, 2)),
        (["X", "40"], (1, 2))]
    for line in stacked:
        made = make_line(page, line.index, line.words, line.rows)
        assert line.__dict__.keys() == made.__dict__.keys()
        assert [getattr(line, name) for name in ("folded", "starts", "ends", "top", "bottom", "ocr")] \
            == [getattr(made, name) for name in ("folded", "starts", "ends", "top", "bottom", "ocr")]
        assert list(line.first_at.items()) == list(made.first_at.items())  # in the order words are searched
    assert list(stacked[1].first_at.items()) == [(0, 0), (4, 1), (7, 2), (13, 3), (14, 3)]  # after « l' » too
    assert list(stacked[1].last_at.items()) == [(4, 0), (7, 1), (13, 2), (25, 3)]  # « : » ends no match



def test_bounds_equal_but_not_the_same_positions_find_the_answer_kept():
    """An answer is kept under its bounds' values (a frozen dataclass would hash and compare in Python)."""
    page = _page([("Cadres", 60, 100), ("Total", 60, 130), ("Cadres", 60, 160)])
    index = LabelIndex([page])
    since = index.first(["Total"]).start
    first = index.find(["Cadres"], after=since)
    kept = len(index._answers)
    again = index.find(["Cadres"], after=Position(since.page, since.line, since.x))
    assert again == first and [m.words[0].top for m in again] == [160] and len(index._answers) == kept
    assert [m.words[0].top for m in index.find(["Cadres"], before=since)] == [100]


# -- the field reader: what comes from the form alone made once, a page's gutters when asked ------

def test_what_the_reader_derives_from_the_form_alone_is_made_once_per_form():
    form, built = load_form("egalite-2024"), []

    def build(of) -> list[str]:
        built.append(of)
        return [of.id]

    first = of_form(form, build)
    assert first == ["egalite-2024"] and of_form(form, build) is first
    assert built == [form] and "_derived" not in form.__dict__  # a worker is sent the form without it


def test_a_page_s_gutters_are_found_when_a_label_of_that_page_first_asks():
    form = load_form("egalite-2024")
    field = next(f for f in form.fields if f.read == "inline")
    pages = [_page([(word, 60 + 60 * n, 100) for n, word in enumerate(field.anchors[0].split())]),
             _page([("Dupont", 60, 100), ("Lille", 60, 130)])]
    pages[1].number = 2
    reader = FieldReader(pages, form)
    match = reader.index.first(field.anchors)
    reader._column_end(match)
    assert list(reader._page_gutters) == [1]  # the second page's are not looked for
    labels = [m.bbox for m in reader._gutter_labels if m.page is pages[0]]
    assert labels and reader._gutters(pages[0]) == find_gutters(pages[0], labels)


def test_gutters_are_looked_for_only_where_labels_of_the_page_stand_on_both_sides(monkeypatch):
    """A receipt's answers all start at one x, on every line: the runs of lines at that x are not
    measured, too few labels starting there; a newspaper-like page's right column is."""
    from extract import gutters
    measured = []
    runs = gutters._runs
    monkeypatch.setattr(gutters, "_runs", lambda lines, x: measured.append(x) or runs(lines, x))
    labels = [(60, 100 + 20 * n, 120, 110 + 20 * n) for n in range(8)]
    receipt = _page([(text, x, 100 + 20 * n) for n in range(8) for text, x in (("Cadres", 60), (str(n), 300))])
    assert find_gutters(receipt, labels) == [] and measured == []
    texts = [(text, x, 100 + 20 * n) for n in range(8) for text, x in (("Cadres", 60), ("Genre", 300))]
    found = find_gutters(_page(texts), labels + [(300, 100 + 20 * n, 340, 110 + 20 * n) for n in range(8)])
    assert measured == [300] and [(g.x, g.top, g.bottom) for g in found] == [(300, 100, 250)]


def test_the_printed_yes_and_no_are_paired_once_and_bounded_as_the_index_bounds_them(monkeypatch):
    """« Oui » and « Non » on their rows (one « Non » in « Non cadres », a rival's): the pairs
    within any bounds are those the index finds within them, and the index is asked once."""
    form = load_form("egalite-2024")
    texts = [("Oui", 300, 100 + 30 * n) for n in range(4)] + [("Non", 340, 100 + 30 * n) for n in (0, 1, 3)]
    texts += [("Non", 60, 160), ("cadres", 100, 160), ("Non", 300, 220)]
    reader = FieldReader([_page(texts)], form)
    asked = []
    find = reader.index.find
    monkeypatch.setattr(reader.index, "find", lambda anchors, **bounds: asked.append(bounds) or find(anchors, **bounds))
    positions = [None] + [m.start for m in find(["Oui"])] + [m.end for m in find(["Non"])]
    for after in positions:
        for before in positions:
            pairs = reader._yes_no_pairs(after, before)
            assert pairs == reader._yes_no_pairs_found(after, before)
    assert [(yes.words[0].top, no.words[0].x0) for yes, no in reader._yes_no_pairs(None, None)] == [
        (100, 340), (130, 340), (190, 340)]
    assert len([b for b in asked if "after" not in b]) == 2  # the options of the whole document, once


def test_a_label_s_other_wording_is_taken_off_a_long_answer():
    """« / Company name : » before an answer of many words: the words the test looks at are the
    first few, the answer's words all kept."""
    page = _page([("/", 60, 100), ("Company", 70, 100), ("name", 140, 100), ("of", 180, 100), ("the", 200, 100),
                  ("firm", 230, 100), ("here", 270, 100), (":", 310, 100)]
                 + [(f"mot{n}", 320 + 40 * n, 100) for n in range(30)])
    words = fields._without_label_tail([(page, w) for w in page.words])
    assert [w.text for _, w in words] == [f"mot{n}" for n in range(30)]


def test_the_page_after_the_questionnaire_s_last_is_looked_at_only_when_there_is_one(monkeypatch):
    """The commitments running over onto the next page are looked for only where a next page exists."""
    from extract.from_pages import questionnaire_pages
    form = load_form("egalite-2024")
    title = [(word, 60 + 90 * n, 100 + 30 * row) for row, phrase in enumerate(form.signature[:2])
             for n, word in enumerate(phrase.split())]
    pages = [_page(title), _page([("Autres", 60, 100), (":", 120, 100), ("non", 140, 100)])]
    pages[1].number = 2
    asked = []
    find = LabelIndex.find
    monkeypatch.setattr(LabelIndex, "find", lambda self, anchors, **bounds: asked.append(anchors) or find(self, anchors, **bounds))
    assert [p.number for p in questionnaire_pages(pages[:1], form)] == [1] and asked == []
    assert [p.number for p in questionnaire_pages(pages, form)] == [1, 2] and asked  # the last commitment, over the page


def test_a_listed_table_s_names_are_told_side_by_side_once_for_each_pair(monkeypatch):
    form = load_form("egalite-2024")
    page = _page([("Cadres", 60, 100), ("–", 120, 100), ("Femmes", 140, 100), ("12", 300, 100),
                  ("Hommes", 60, 130), ("8", 300, 130)])
    reader = FieldReader([page], form)
    cadres, femmes, hommes = (reader.index.first([name]) for name in ("Cadres", "Femmes", "Hommes"))
    asked = []
    monkeypatch.setattr(fields, "_side_by_side", lambda first, second: asked.append((first, second)) or True)
    assert reader._names_side_by_side(cadres, femmes) and reader._names_side_by_side(cadres, femmes)
    assert reader._names_side_by_side(cadres, hommes)
    assert asked == [(cadres, femmes), (cadres, hommes)]
    monkeypatch.undo()
    assert fields._side_by_side(cadres, femmes) and not fields._side_by_side(cadres, hommes)


def test_whether_a_column_s_name_follows_a_row_s_label_is_told_once_for_the_row(monkeypatch):
    """« Cadres – Femmes : 7 ; Hommes : 9 »: each of the row's cells asks whether a column's name
    follows its label; the names are compared with it once."""
    form = load_form("egalite-2024")
    table = form.tables["staff"]
    page = _page([("Cadres", 60, 100), ("–", 120, 100), ("Femmes", 140, 100), (":", 200, 100), ("7", 210, 100),
                  (";", 220, 100), ("Hommes", 240, 100), (":", 300, 100), ("9", 310, 100), ("Total", 60, 130)])
    reader = FieldReader([page], form)
    cadres, total = reader.index.first(["Cadres"]), reader.index.first(["Total"])
    asked = []
    side_by_side = fields._side_by_side
    monkeypatch.setattr(fields, "_side_by_side", lambda first, second: asked.append(first) or side_by_side(first, second))
    assert reader._once(reader._named_after, cadres, table) and not reader._once(reader._named_after, total, table)
    compared = len(asked)
    assert reader._once(reader._named_after, cadres, table) and len(asked) == compared


def test_the_labels_ending_a_field_s_line_are_listed_once_per_form():
    """The other inline and choice fields' labels, which end an answer on its line: each field's
    own left out, made once for the form, not each time a field's line is read."""
    form = load_form("egalite-2024")
    inline = [f for f in form.fields if f.read in ("inline", "choice")]
    others = of_form(form, fields._other_line_labels)
    assert of_form(form, fields._other_line_labels) is others
    first, second = inline[0], inline[1]
    assert set(first.anchors).isdisjoint(others[first.key]) or any(a in second.anchors for a in first.anchors)
    assert set(second.anchors) <= set(others[first.key]) and len(others[first.key]) == sum(
        len(f.anchors) for f in inline if f is not first)


def test_a_table_s_names_are_listed_once_per_form():
    form = load_form("egalite-2024")
    table = form.tables["staff"]
    names = FieldReader([_page([("Nom", 60, 100)])], form)._names(table)
    assert FieldReader([_page([("Ville", 60, 100)])], form)._names(table) is names  # another file's reader
    assert list(names.columns) == [a for c in table.columns for a in c.anchors]
    assert list(names.rows) == [a for r in table.rows for a in r.anchors]
    assert names.all == names.rows + names.columns and names.all_and_total == names.all + tuple(table.grand_total)


def test_a_choice_row_s_answer_is_read_once_for_its_two_looks():
    """:meth:`FieldReader._typed_choice` looks at a row's answer, then :meth:`FieldReader._listed` reads
    it: the second is given what the first read (its boxed options too)."""
    form = load_form("egalite-2024")
    table = form.tables["officers"]
    page = _page([("Président.e", 60, 100), (":", 160, 100), ("Homme", 180, 100)])
    reader = FieldReader([page], form)
    label = reader.index.first(["Président.e"])
    zone, words = reader._listed_answer(label, table)
    assert _texts([w for _, w in words]) == ["Homme"]
    assert reader._listed_answer(label, table) == (zone, words) and reader._listed_answer(label, table)[1] is words
    assert reader._listed_answer(label, table, True)[1] is not words  # read as a number: another question
    assert reader._boxed_options(table, label) is None and len(reader._answered) == 3


def test_a_value_is_a_label_s_piece_inside_one_printed_phrase_not_across_two():
    """The form's printed phrases are searched as one text: a value found there lies inside one
    phrase, as when each phrase was searched on its own."""
    form = load_form("egalite-2024")
    reader, phrases = FieldReader([_page([("Nom", 60, 100)])], form), printed_phrases(form)
    first, second = phrases[0], phrases[1]
    across = first[-4:] + second[:4]
    assert across in "".join(phrases) and label_fragment(across, printed_text(form)) is None  # no phrase holds it
    for raw in (first[2:12], across, second[:8], "Dupont SARL", None, "", "raison"):
        folded = fold(raw or "")
        inside_one = len(folded) >= 6 and any(folded in phrase for phrase in phrases)
        assert (reader._label_fragment(raw) is not None) == inside_one, raw
    assert reader._label_fragment(first[2:12]) is not None


# -- lines grouped once for a page's labels and gutters ---------------------------
# -- lines grouped once for a page's labels and gutters ---------------------------

def test_labels_and_gutters_share_the_lines_of_a_text_layer_page():
    page = _page([("Nom", 60, 100), ("Dupont", 300, 100), ("Ville", 60, 130), ("Lille", 300, 130)])
    lines = group_lines(page.words)
    assert [line.words for line in label_lines(page)] == [tuple(words) for words in lines]
    find_gutters(page, [])
    assert page.derived("lines", lambda p: None) == lines


def _texts(words: list[Word]) -> list[str]:
    return [w.text for w in words]


def test_the_words_printed_in_a_zone_come_in_reading_order_from_the_page_s_sorted_words():
    """Words out of order on the page, one on a line above the others, two of one middle and one
    left edge (the page's order decides), one half in the zone: the words of a zone come as
    reading_order puts the words it holds, though they are grouped without sorting them again."""
    words = [Word("b", 120, 100, 140, 110), Word("a", 60, 101, 80, 109), Word("up", 60, 96, 75, 104),
             Word("c2", 200, 100, 220, 110), Word("c1", 200, 100, 220, 110), Word("half", 290, 100, 330, 110)]
    page = Page(1, 595, HEIGHT, words=list(words))
    assert _texts(page.printed_in((50, 90, 310, 115))) == ["up", "a", "b", "c2", "c1", "half"]
    assert _texts(page.printed_in((50, 90, 305, 115))) == ["up", "a", "b", "c2", "c1"]  # "half": a quarter in
    assert _texts(page.printed_in((50, 90, 305, 115), min_overlap=0.2)) == ["up", "a", "b", "c2", "c1", "half"]
    assert _texts(page.printed_in((115, 90, 145, 115))) == ["b"]
    assert _texts(page.printed_in((400, 90, 450, 115), min_overlap=0)) == _texts(reading_order(words))  # all share 0
    # Of one middle, the left one first: a tall word taken first would pull the short one onto the line above.
    page = Page(1, 595, HEIGHT, words=[Word("first", 60, 95, 80, 105), Word("tall", 200, 95, 220, 115),
                                       Word("short", 50, 104, 58, 106)])
    assert _texts(page.printed_in((40, 90, 230, 120))) == ["first", "short", "tall"]


def test_a_word_of_no_number_leaves_the_words_of_a_zone_in_reading_order():
    words = [Word("b", 120, 100, 140, 110), Word("lost", float("nan"), 100, 90, 110), Word("a", 60, 100, 80, 110),
             Word("below", 60, 130, 90, 140)]
    page = Page(1, 595, HEIGHT, words=words)
    assert _texts(page.printed_in((50, 90, 310, 150))) == ["a", "b", "below"]
    assert _texts(lines_of(page, page.words)[0]) == _texts(group_lines(words)[0])


def test_a_widget_s_value_is_no_word_of_the_label_lines():
    page = _page([("Nom", 60, 100), ("Ville", 60, 130)])
    page.words.append(Word("Dupont", 300, 100, 350, 110, source=SOURCE_FORM_FIELD))
    assert [[w.text for w in line.words] for line in label_lines(page)] == [["Nom"], ["Ville"]]
    assert len(group_lines(page.words)[0]) == 2


# -- words searched only where they may be -------------------------------------

def test_only_bars_make_a_typed_table_and_only_brackets_a_typed_box():
    words = [Word(text, 60 + 40 * i, 100, 90 + 40 * i, 110) for i, text in enumerate(["+---+---+", "[X]", "( )", "x"])]
    assert typed_tables(words) == (words, [])  # a border without bars is text
    assert [w.text for w in typed_boxes(words)] == ["☒", "☐"]


def test_a_cell_of_the_same_size_in_a_later_table_is_not_smaller():
    rules = [Rule(50, 100, 150, 100), Rule(50, 130, 150, 130), Rule(50, 100, 50, 130), Rule(150, 100, 150, 130)]
    page = Page(1, 595, HEIGHT, rules=rules)
    cell = cell_of(page, (60, 105, 80, 115))
    assert cell is not None and cell.bbox == (50, 100, 150, 130) and cell.table == 0
    assert cell_of(page, (200, 105, 220, 115)) is None


def _letters(text: str) -> np.ndarray:
    """Boxes of ``text``'s characters set closely on one line: a letter every 3 points, 2 wide."""
    return np.array([[10 + 3 * i, 100, 12 + 3 * i, 110] for i in range(len(text))], dtype=float)


def test_short_runs_of_one_letter_words_are_not_letter_spaced_text():
    assert split_words("a b c ab", _letters("a b c ab")).tolist() == [[0, 1], [2, 3], [4, 5], [6, 8]]
    assert split_words("E n v i r o n", _letters("E n v i r o n")).tolist() == [[0, 13]]


# -- paths read through light handles ------------------------------------------

def _drawing() -> pdfium.PdfPage:
    """A square on the page, a square in a form XObject moved by its matrix, a line, and a word."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(595, HEIGHT))
    canvas.beginForm("box")
    canvas.rect(10, 10, 12, 12)
    canvas.endForm()
    canvas.rect(60, 700, 12, 12)
    canvas.saveState()
    canvas.translate(100, 600)
    canvas.doForm("box")
    canvas.restoreState()
    canvas.line(60, 650, 300, 650)
    canvas.setFont("Helvetica", 12)
    canvas.drawString(80, 700, "Oui")
    canvas.save()
    return pdfium.PdfDocument(buffer.getvalue())[0]


def _address(handle) -> int:
    return ctypes.c_void_p.from_buffer(handle).value


def test_paths_are_those_pypdfium2_lists_with_the_same_bounds_and_matrices():
    """The page's paths, in its form XObjects too (moved there by the form's matrix), are those
    ``get_objects`` lists, in its order, with the bounds and matrices its wrappers give; the
    same listing gives its text objects."""
    page = _drawing()
    objects = pdfium_text.PageObjects(page, vector_marks.MAX_DEPTH)
    theirs = list(page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_PATH], max_depth=vector_marks.MAX_DEPTH))
    assert [obj for obj, _ in objects.paths] == [_address(t.raw) for t in theirs]
    reader = vector_marks.PathReader(HEIGHT)
    assert vector_marks._bounds([obj for obj, _ in objects.paths]) == [t.get_bounds() for t in theirs]
    assert [reader.matrix(obj) for obj, _ in objects.paths] == [t.get_matrix().get() for t in theirs]
    assert [forms == () for _, forms in objects.paths] == [True, False, True]
    form = objects.paths[1][1][0]
    assert form == _address(theirs[1].container.raw)
    assert reader.matrix(form) == (1, 0, 0, 1, 100, 600)
    assert reader.page_bounds_of(objects.paths)[1] == (109.0, 609.0, 123.0, 623.0)  # its stroke included
    assert len(objects.texts) == 1 and objects.all_texts and objects.path_error is None


def test_paths_nested_too_deep_are_not_listed_but_their_fonts_are():
    page = _drawing()
    objects = pdfium_text.PageObjects(page, 1)  # the page's own paths only
    assert [forms for _, forms in objects.paths] == [(), ()]
    assert pdfium_text.PageObjects(page).paths == []  # listed for the fonts alone


def test_a_path_s_segments_are_read_as_pdfium_gives_them_one_by_one():
    """The segments' handles found from a few of them are those PDFium gives for each, and the
    subpaths are the segments' points moved to the page (a square: four sides, closed)."""
    page = _drawing()
    path = pdfium_text.PageObjects(page, vector_marks.MAX_DEPTH).paths[1]  # the square in the form
    count = vector_marks._SEGMENTS(path[0])
    handles = vector_marks._segments(path[0], count)
    assert isinstance(handles, range)  # found, not asked for each
    assert list(handles) == [vector_marks._SEGMENT(path[0], i) for i in range(count)]
    [square] = vector_marks.PathReader(HEIGHT).subpaths(path)
    assert square.closed and not square.curved
    corners = [(110.0, HEIGHT - 610.0), (122.0, HEIGHT - 610.0), (122.0, HEIGHT - 622.0), (110.0, HEIGHT - 622.0)]
    assert square.points == corners + corners[:1]  # drawn back to its start, then closed
    assert square.lines == list(zip(square.points, square.points[1:]))


def test_segments_asked_for_one_by_one_where_their_handles_are_not_evenly_spaced(monkeypatch):
    spaced = {0: 100, 1: 112, 2: 130, 3: 136}
    monkeypatch.setattr(vector_marks, "_SEGMENT", lambda path, index: spaced[index])
    assert vector_marks._segments(1, 4) == [100, 112, 130, 136]
    spaced[2] = 124
    assert vector_marks._segments(1, 4) == range(100, 137, 12)


def _circle() -> tuple[vector_marks.PathReader, pdfium_text.PathAt, pdfium.PdfPage]:
    """A closed circle: a move and twelve Bézier points, the last closing it, its reader, and its
    page (kept open)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(595, HEIGHT))
    outline = canvas.beginPath()
    outline.circle(100, 700, 8)
    outline.close()
    canvas.drawPath(outline, fill=1)
    canvas.save()
    page = pdfium.PdfDocument(buffer.getvalue())[0]
    [path] = pdfium_text.PageObjects(page, vector_marks.MAX_DEPTH).paths
    return vector_marks.PathReader(HEIGHT), path, page


def test_a_path_s_segments_read_in_place_are_those_pdfium_s_getters_give():
    reader, path, _page = _circle()
    segments = vector_marks._segments(path[0], vector_marks._SEGMENTS(path[0]))
    assert isinstance(segments, range) and len(segments) == 13
    read = vector_marks._in_place(segments)
    assert read is not None
    assert [list(column) for column in read] == [list(column) for column in vector_marks._asked(segments)]
    [circle] = reader.subpaths(path)
    assert circle.curved and circle.closed and len(circle.points) == len(segments)
    assert read[3][-1] and not any(read[3][:-1])  # the last segment closes it


def test_segments_are_asked_for_where_pdfium_s_records_are_not_laid_out_as_expected(monkeypatch):
    reader, path, _page = _circle()
    segments = vector_marks._segments(path[0], vector_marks._SEGMENTS(path[0]))
    expected = reader.subpaths(path)
    monkeypatch.setattr(vector_marks, "_record_type", lambda size: np.dtype(
        {"names": ["x", "y", "kind", "close"], "formats": ["<f4", "<f4", "u1", "u1"], "offsets": [0, 4, 10, 11],
         "itemsize": size}))
    assert vector_marks._in_place(segments) is None  # kinds and closings read from the wrong bytes
    assert vector_marks.PathReader(HEIGHT).subpaths(path) == expected


def _shapes_page() -> pdfium.PdfPage:
    """A red filled square, a blue stroked line, a green square stroked in black, a filled circle."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(595, HEIGHT))
    canvas.setFillColorRGB(1, 0, 0)
    canvas.rect(60, 700, 12, 12, stroke=0, fill=1)
    canvas.setStrokeColorRGB(0, 0, 1)
    canvas.line(60, 650, 300, 650)
    canvas.setFillColorRGB(0, 1, 0)
    canvas.setStrokeColorRGB(0, 0, 0)
    canvas.rect(100, 600, 200, 30, stroke=1, fill=1)
    canvas.circle(400, 500, 8, stroke=0, fill=1)
    canvas.save()
    return pdfium.PdfDocument(buffer.getvalue())[0]


def test_a_page_s_colours_are_asked_at_once_as_each_path_is_painted():
    page = _shapes_page()
    paths = pdfium_text.PageObjects(page, vector_marks.MAX_DEPTH).paths
    red, blue, green, black = (255, 0, 0, 255), (0, 0, 255, 255), (0, 255, 0, 255), (0, 0, 0, 255)
    assert vector_marks.PathReader(HEIGHT).colours_of(paths) == [(red, None), (None, blue), (green, black),
                                                                 (green, None)]


def _asked_subpaths(reader: vector_marks.PathReader, path: pdfium_text.PathAt) -> list[vector_marks.Subpath]:
    """A path's subpaths from its segments' handles and values each asked of PDFium."""
    handles = [vector_marks._SEGMENT(path[0], i) for i in range(vector_marks._SEGMENTS(path[0]))]
    xs, ys, kinds, closing = vector_marks._asked(handles)
    return vector_marks._subpaths(kinds, reader._on_page(xs, ys, reader.matrices(path)), closing)


def _counting_handles(monkeypatch) -> list[int]:
    """The segments' handles asked of PDFium from now on, counted (by the path each is asked of)."""
    asked: list[int] = []
    segment = vector_marks._SEGMENT

    def counted(path: int, index: int) -> int:
        asked.append(path)
        return segment(path, index)
    monkeypatch.setattr(vector_marks, "_SEGMENT", counted)
    return asked


def test_a_path_read_alone_finds_its_own_handles_and_checks_pdfium_s_records(monkeypatch):
    """A path read alone (:meth:`PathReader.subpaths`: the first paths of a page, until PDFium's
    records check out, and paths the page's reading at once leaves out) finds its segments'
    spacing from four handles, reads its records in place, and gives what its segments asked for
    give; the records' size is then known for the page."""
    page = _shapes_page()
    paths = pdfium_text.PageObjects(page, vector_marks.MAX_DEPTH).paths
    expected = [_asked_subpaths(vector_marks.PathReader(HEIGHT), path) for path in paths]
    asked = _counting_handles(monkeypatch)
    reader = vector_marks.PathReader(HEIGHT)
    assert [reader.subpaths(path) for path in paths] == expected
    assert asked == [obj for obj, _ in paths for _ in range(4)]
    assert reader._record_size == vector_marks._segments(paths[0][0], 5).step
    assert [len(s.points) for [s] in expected] == [5, 2, 5, 13]


def test_a_page_whose_records_do_not_check_out_has_every_path_s_handles_asked(monkeypatch):
    page = _shapes_page()
    paths = pdfium_text.PageObjects(page, vector_marks.MAX_DEPTH).paths
    expected = [_asked_subpaths(vector_marks.PathReader(HEIGHT), path) for path in paths]
    monkeypatch.setattr(vector_marks, "_record_type", lambda size: np.dtype(
        {"names": ["x", "y", "kind", "close"], "formats": ["<f4", "<f4", "u1", "u1"], "offsets": [0, 4, 10, 11],
         "itemsize": size}))
    asked = _counting_handles(monkeypatch)
    reader = vector_marks.PathReader(HEIGHT)
    assert list(reader.subpaths_of(paths)) == expected  # every path read alone: none given as a segment
    assert asked == [obj for obj, _ in paths for _ in range(4)]  # each one's spacing found, none trusted
    assert reader._record_size is None


def test_a_page_s_paths_read_at_once_are_those_read_one_by_one(monkeypatch):
    """Read for the page at once, every path gives the subpaths its segments asked for one by one
    give (in a form XObject too; a line as its one straight segment), and once the first path has
    checked PDFium's records every later path is read from its first handle alone."""
    for page in (_shapes_page(), _drawing()):
        paths = pdfium_text.PageObjects(page, vector_marks.MAX_DEPTH).paths
        expected = [_asked_subpaths(vector_marks.PathReader(HEIGHT), path) for path in paths]
        asked = _counting_handles(monkeypatch)
        read = list(vector_marks.PathReader(HEIGHT).subpaths_of(paths))
        assert [[vector_marks.Subpath(list(r), [r])] if isinstance(r, tuple) else r for r in read] == expected
        assert asked == [paths[0][0]] * 4 + [obj for obj, _ in paths[1:]]
        monkeypatch.undo()
    assert read[2] == ((60.0, HEIGHT - 650.0), (300.0, HEIGHT - 650.0))  # the drawing's line, as its segment
    [[line]] = expected[2:]
    assert not line.closed and not line.curved


def test_a_page_s_paths_are_made_into_subpaths_as_they_are_asked_for(monkeypatch):
    """The page's records are read at once, but each path's subpaths are made only when it is
    asked for (a line's never: its segment is enough)."""
    page = _shapes_page()
    paths = pdfium_text.PageObjects(page, vector_marks.MAX_DEPTH).paths
    made: list[int] = []
    subpaths = vector_marks._subpaths
    monkeypatch.setattr(vector_marks, "_subpaths", lambda kinds, points, closing: made.append(len(points))
                        or subpaths(kinds, points, closing))
    read = vector_marks.PathReader(HEIGHT).subpaths_of(paths)
    assert made == [5]  # the first path, read alone to check PDFium's records
    assert isinstance(next(read), list) and isinstance(next(read), tuple) and made == [5]
    next(read)
    assert made == [5, 5]
    assert len(next(read)[0].points) == 13 and made == [5, 5, 13]


def test_lines_read_as_their_segments_give_the_shapes_and_rules_their_subpaths_give(monkeypatch):
    """Long and short lines, stroked, filled alone or white: read as segments, they give the
    small shapes (with their strokes' widths), boxes, tick candidates and rules read one by one as
    subpaths give."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(595, HEIGHT))
    canvas.rect(60, 700, 12, 12)  # a box: the first path, read alone
    canvas.line(60, 650, 300, 650)
    canvas.setLineWidth(3)
    canvas.line(100, 500, 100, 520)  # short: a shape, and a rule
    canvas.setLineWidth(1)
    canvas.line(200, 500, 210, 510)  # a short stroke across: a tick candidate, no rule
    canvas.line(61, 701, 71, 711)  # in the box: ticks it
    canvas.setStrokeColorRGB(1, 1, 1)
    canvas.line(60, 600, 300, 600)  # white: no rule
    outline = canvas.beginPath()
    outline.moveTo(60, 550)
    outline.lineTo(300, 550)
    canvas.drawPath(outline, stroke=0, fill=1)  # filled alone: no rule
    canvas.setStrokeColorRGB(0, 0, 0)
    canvas.rect(400, 700, 12, 12)  # a box read after the lines
    canvas.save()
    page = pdfium.PdfDocument(buffer.getvalue())[0]
    paths = pdfium_text.PageObjects(page, vector_marks.MAX_DEPTH).paths
    assert sum(isinstance(r, tuple) for r in vector_marks.PathReader(HEIGHT).subpaths_of(paths)) == 6
    classified: list[list[vector_marks.Shape]] = []
    classify = vector_marks.classify
    monkeypatch.setattr(vector_marks, "classify", lambda small: classified.append(small) or classify(small))
    shapes = vector_marks.path_shapes(page, HEIGHT)
    assert len(shapes.rules) == 2 and len(shapes.ticks) == 2 and [box.checked for box in shapes.boxes] == [True, False]
    assert [shape.line_width for shape in classified[0]] == [1.0, 3.0, 1.0, 1.0, 1.0]
    monkeypatch.setattr(vector_marks.PathReader, "subpaths_of", lambda reader, paths: map(reader.subpaths, paths))
    assert vector_marks.path_shapes(page, HEIGHT) == shapes
    assert classified[1] == classified[0]


def test_a_path_closing_its_one_segment_is_read_as_its_segments_say():
    """A segment drawn back to where its path starts and closed there (PDFium adds no segment to
    close it) is a closed subpath, as its segments asked for one by one say."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(595, HEIGHT))
    for y in (650, 600):  # the first checks PDFium's records, the second is read at once
        outline = canvas.beginPath()
        outline.moveTo(60, y)
        outline.lineTo(60, y)
        outline.close()
        canvas.drawPath(outline)
    canvas.save()
    page = pdfium.PdfDocument(buffer.getvalue())[0]
    paths = pdfium_text.PageObjects(page, vector_marks.MAX_DEPTH).paths
    assert [vector_marks._SEGMENTS(obj) for obj, _ in paths] == [2, 2]
    read = list(vector_marks.PathReader(HEIGHT).subpaths_of(paths))
    assert read == [_asked_subpaths(vector_marks.PathReader(HEIGHT), path) for path in paths]
    assert read[1][0].closed


def test_strokes_widths_are_scaled_by_the_path_s_and_its_forms_matrices():
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(595, HEIGHT))
    canvas.beginForm("box")
    canvas.setLineWidth(0.5)
    canvas.rect(10, 10, 5, 5)
    canvas.endForm()
    canvas.setLineWidth(2)
    canvas.line(60, 650, 300, 650)
    canvas.saveState()
    canvas.scale(3, 3)
    canvas.doForm("box")
    canvas.restoreState()
    canvas.save()
    page = pdfium.PdfDocument(buffer.getvalue())[0]
    paths = pdfium_text.PageObjects(page, vector_marks.MAX_DEPTH).paths
    reader = vector_marks.PathReader(HEIGHT)
    assert reader.line_widths(paths) == [2.0, 1.5]
    reader.subpaths_of(paths)  # the paths' own matrices now known: the same widths
    assert reader.line_widths(paths) == [2.0, 1.5]


def test_a_filled_rectangle_is_one_when_its_corners_round_to_two_values_each_way():
    def lines(points):
        return list(zip(points, points[1:] + points[:1]))
    thin = [(10.0, 100.0), (200.0, 100.0), (200.0, 101.0), (10.04, 101.0)]  # 10.04 rounds as 10.0
    assert vector_marks._filled_rectangle(thin, lines(thin)) == [Rule(10.0, 100.5, 200.0, 100.5)]
    crooked = [(10.0, 100.0), (200.0, 100.0), (200.0, 101.0), (10.3, 101.0)]
    assert vector_marks._filled_rectangle(crooked, lines(crooked)) == []


def test_every_kind_of_space_pdfium_gives_is_a_space(tmp_path):
    """PDFium's line ends ("\r\n") and no-break spaces are spaces among the page's letters."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(595, HEIGHT))
    canvas.setFont("Helvetica", 12)
    canvas.drawString(60, 700, "Nom\u00a0:")
    canvas.drawString(60, 680, "Ville")
    canvas.save()
    textpage = pdfium.PdfDocument(buffer.getvalue())[0].get_textpage()
    letters, boxes = pdfium_text.page_chars(textpage, HEIGHT)
    assert letters == "Nom :  Ville" and len(boxes) == len(letters)


# -- a page's words made at once -------------------------------------------------

def _words_page() -> pdfium.PdfTextPage:
    """Words in DejaVu Sans: boxes glued to a word and alone, a tick, a percentage and thousands
    set with a thin gap (no space), letter-spaced text and a leader."""
    pdfmetrics.registerFont(TTFont("DejaVu", GLYPH_FONT))
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(595, HEIGHT))
    canvas.setFont("DejaVu", 12)
    for top, texts in ((700, ["☒Oui ☐ Non ☐"]), (680, ["X"]), (660, ["46,2", "%"]), (640, ["1", "480"]),
                       (620, ["E n v i r o n n e m e n t"]), (600, ["Nom..........Dupont"])):
        left = 60.0
        for text in texts:  # the second one 1.5 points after the first: a thin gap
            canvas.drawString(left, top, text)
            left += pdfmetrics.stringWidth(text, "DejaVu", 12) + 1.5
    canvas.save()
    return pdfium.PdfDocument(buffer.getvalue())[0].get_textpage()


def _tokens_one_by_one(textpage: pdfium.PdfTextPage) -> tuple[list[Word], list[Word]]:
    """:func:`pdfium_text.text_tokens` (no rules), each word made on its own of its characters."""
    letters, boxes = pdfium_text.page_chars(textpage, HEIGHT)
    words, glyphs = [], []
    for start, end in split_words(letters, boxes).tolist():
        chars = [(letter, *box) for letter, box in zip(letters[start:end], boxes[start:end].tolist()) if letter != " "]
        glyphs += [Word(*char) for char in chars if char[0] in pdfium_text._BOX_GLYPHS]
        chars = [char for char in chars if char[0] not in pdfium_text._BOX_GLYPHS]
        if not chars:
            continue
        text = pdfium_text._with_thin_spaces(chars)
        _, x0s, tops, x1s, bottoms = zip(*chars)
        word = Word(text, min(x0s), min(tops), max(x1s), max(bottoms))
        if text in pdfium_text.TICK_GLYPHS or text == pdfium_text.DINGBAT:
            glyphs.append(word)
        if text != pdfium_text.DINGBAT:
            words.append(word)
    return words, glyphs


def test_a_page_s_words_made_at_once_are_the_words_made_one_by_one():
    textpage = _words_page()
    words, glyphs = pdfium_text.text_tokens(textpage, HEIGHT)
    assert (words, glyphs) == _tokens_one_by_one(textpage)
    assert [w.text for w in words] == ["Oui", "Non", "X", "46,2 %", "1 480", "Environnement", "Nom", "..........",
                                       "Dupont"]
    assert [g.text for g in glyphs] == ["☒", "☐", "☐", "X"] and glyphs[-1] is words[2]


def test_the_words_where_a_thin_space_may_stand_are_found_by_one_search_over_the_page():
    texts = ["ab", "3%", "%", "x", "2024", "", "12:30", "1:"]
    assert pdfium_text._may_take_thin_spaces(texts) == [
        number for number, text in enumerate(texts) if pdfium_text._THIN_SPACE_AT.search(text)] == [1, 4, 6, 7]
