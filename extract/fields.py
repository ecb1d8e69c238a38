"""The label-anchored reader: pages of words and marks become field readings.

One reader for every source (page text, widgets of an unknown fillable
form, free-text annotations, OCR of a scan): it finds the form's labels
(``extract.labels``), builds each answer's zone from them
(``extract.zones``), and reads the words and ticks inside. What it cannot
place with certainty is returned with a ``doubt``, never guessed.
"""
from __future__ import annotations

import itertools
import logging
import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Callable, Iterable, NamedTuple, Sequence, TypeVar

from extract.brackets import paired
from extract.cells import Cell, cell_of
from extract.cells import Table as CellTable
from extract.columns import AnswerColumns, row_bands
from extract.gutters import Gutter, column_end, find_gutters
from extract.labels import (GROUP_GAP, MARGIN, OTHER_WORDING_WORDS, UNIT_HINT_WORDS, LabelIndex, Match, Position,
                            other_wording_before_colon, unit_before_colon)
from extract.ledger import Ledger
from extract.lexicon import odd_letters, unknown_words
from extract.readings import apply_commitment_list_rule, unparsed, unparsed_doubt
from extract.pdfium_text import TICK_GLYPHS
from extract.tokens import BBox, Mark, Page, Word, group_lines, overlap_ratio, share_row, speck, union
from extract.zones import COLON, PAD, Grid, Zone, block_between, line_below_at, rest_of_line, spans
from questionnaire.definition import Axis, Commitment, FieldDef, Form, Table
from questionnaire.record import SOURCE_OCR, Reading
from questionnaire.text import clean_text, fold
from questionnaire.types import normalise, type_of

log = logging.getLogger(__name__)
T = TypeVar("T")
LEADERS = re.compile(r"^([._…]{2,}|_+|…)$")  # printed blank lines are never answers
SEPARATORS = re.compile(r"^[:;.\-–—]+$")  # a lone colon after a label, in one-line answers
LIST_SEPARATOR = re.compile(r"^[;|]$")  # between the items of a list printed on one line
ARROWS = re.compile(r"^(->|=>|[→⇒➔➜➝➞►▶>])$")  # what leads details set on the line under their commitment
CONTINUED_LINES = 3  # an inline text answer wraps onto this many lines at most
BELOW_LINES = 3  # an answer under its label stands within this many lines (help texts skipped)
BOX_LINES = 4  # an input box under its label is at most this many label heights tall
HINT_SIZE = 0.85  # text smaller than this share of the label's height is a help text
SPACED_FIGURES = re.compile(r"^[\d\s.,]*\d\s[\d\s.,]*$")  # "8 7", "2 2 , 2": figures apart, not one number
IGNORED_AFTER = re.compile(r"^[:.…_?]*$")  # what may follow a title or a question on its line
PARAGRAPH_GAP = 0.6  # lines further apart than this many line heights are separate paragraphs
OCR_PARAGRAPH_GAP = 1.2  # on a scan, this many heights of the lines' ink (a blank line is more)
WRAPPED_GAP = 1.2  # a wrapped line runs on below at most this many line heights away
WRAP_CONTEXT = 3  # the text's right edge is taken over this many line heights around a wrap
SPACE_WIDTH = 0.2  # a space is at least this share of a line's height (a narrow one, to hold back)
PROMPT_WORDS = 3  # an answer's printed prompt ("Votre réponse :") is this short at most
REPEATED_PROMPT = re.compile(r"^([^:\s][^:]{0,40}?)[\s\u00a0\u202f]*:[\s\u00a0\u202f]*")  # « Si oui, précisez : »
PROMPT_ROWS = 3  # the same prompt starting this many commitments' details is the form's
LABEL_INSIDE = 18  # a printed label this long (folded) inside another field's value means it ran over
HINT_WORDS = 4  # a bracketed hint after a label ("(en %)") is this short at most
LABEL_TAIL_WORDS = max(UNIT_HINT_WORDS, OTHER_WORDING_WORDS)  # a unit or other wording before a label's colon
NAMED_ALONE_WORDS = 2  # a field named without its own label: its colon within this many words of the name
REQUIRED_MARK = re.compile(r"^[*∗+]+$")  # an online form's asterisk after a required label (« + » read by OCR)
NO_ANSWER = re.compile(f"{LEADERS.pattern}|{REQUIRED_MARK.pattern}")  # either: a word no answer is made of
LIST_MARKER = re.compile(r"^([-–—•·▪►◦*]|\d{1,2}(\.\d{1,2})*[.)_]?|[a-hA-H][.)]|[IVX]{1,4}[.)]|Q\d{1,2}[.)]?)$")  # a list's bullet or number ("2 –", "B.", "IV.")
OCR_DOUBT_BELOW = 0.75
NUMBER_DOUBT_BELOW = 0.8  # a misread number is the costliest error: it must be read surely
DASH_SIGNS = ("-", "–", "—")
DASH_GAP = 1.5  # line heights between a dash and the words on either side
GLUED_SIGN = re.compile(r"\d%|\w[;:!?](?=\s|$)")  # French puts a space before these
STRAY_GAP = 4.0  # a lone letter this many line heights away from the value's words on its line is no part of it
PAIRS = ("()", "«»", "“”")  # opening and closing marks that go together (see _implausible)
NEAR_BOX = 3.5  # a box belongs to a label within this many label heights
PAGE_NUMBER = re.compile(r"page\d+((sur|/)\d+)?")  # a page's number, folded (« Page 2 sur 3 »)
FURNITURE_BAND = 0.1  # repeated lines in this share of the page's top or bottom are running headers/footers
HEADER_REACH = 4  # an Oui / Non header stands at most this many lines above its row
FACING_GAP = 2.0  # a box facing a label's cell starts within this many times the cell's height of it
FACING_OVERLAP = 0.7  # ...and shares this much of the taller one's height
COMMITMENT_BOX_REACH = 1.0  # a commitment's box may stand anywhere on its line (share of page width)


def read_fields(pages: Sequence[Page], form: Form) -> dict[str, Reading]:
    """Every canonical field read from the questionnaire's pages."""
    return FieldReader(pages, form).read()


@dataclass(frozen=True)
class _Undecided:
    """A value read with apostrophes left undecided, and what it was read from (see
    FieldReader._apostrophes_decided_last)."""

    reading: Reading
    field: FieldDef
    words: list[tuple[Page, Word]]
    doubt: str | None
    strokes_only: bool


def _settled_later(word: Word) -> Word:
    """The word with its apostrophes decided again now that its document is read, or itself
    when none of them is."""
    # the scan reader's, already loaded by it: only a scan's words have undecided marks (a text
    # layer's reading never loads OpenCV, 300 MB of a worker's address space under its limit)
    from extract.glyphs import settled_later

    text, undecided = settled_later(word.text, word.marks_unsure)
    return word if undecided == word.marks_unsure else replace(word, text=text, marks_unsure=undecided)


class FieldReader:
    def __init__(self, pages: Sequence[Page], form: Form) -> None:
        self.form = form
        self.pages = list(pages)
        self.index = LabelIndex(self.pages)
        self.furniture = self._furniture()
        self.labels = self._label_words() | self.furniture
        self.readings: dict[str, Reading] = {}
        self.ledger = Ledger()
        self.typed: dict[str, Word] = {}  # key -> the yes/no word typed as its answer
        self.options_end: dict[str, float] = {}  # key -> right edge of its printed "Oui ☐ Non ☐"
        self._found_heads: dict[str, tuple[list[Match], list[Match]]] = {}  # table id -> see _heads
        self._page_gutters: dict[int, list[Gutter]] = {}  # page number -> see _gutters
        self._answered: dict[tuple, tuple[tuple, object]] = {}  # see _once
        self._side: dict[tuple[int, int], tuple[Match, Match, bool]] = {}  # see _names_side_by_side
        self.undecided: dict[str, _Undecided] = {}  # key -> its value read with apostrophes left undecided

    # -- the whole form -------------------------------------------------
    def read(self) -> dict[str, Reading]:
        steps = {"inline": self._inline, "choice": self._choice, "area": self._area}
        for field in self.form.fields:
            if field.read in steps:
                self._guarded(lambda f=field: steps[f.read](f), [field.key])
        for table in self.form.tables.values():
            self._guarded(lambda t=table: self._table(t), [f.key for f in self.form.fields if f.table == table.id])
        self._guarded(self._commitments, [k for c in self.form.commitments for k in (c.done_key, c.details_key)])
        self._apostrophes_decided_last()
        self._leftovers()
        self._shared_words()
        return self.readings

    def _shared_words(self) -> None:
        """Fields whose values took some of the same words: neither is sure."""
        for key, others in self.ledger.shared().items():
            reading = self.readings.get(key)
            if reading is not None and reading.doubt is None:
                names = ", ".join(f"« {self.form.field(other).label} »" for other in sorted(others))
                reading.doubt = f"Mots lus aussi comme réponse à {names} : valeur à vérifier."

    def _guarded(self, step, keys: list[str]) -> None:
        """One reading step; should it fail on an odd page, its fields go to review and the others
        are still read (the traceback is logged at debug level, the officer sees a sentence)."""
        try:
            step()
        except Exception:  # noqa: BLE001 - one field's reading must not lose the whole file
            log.debug("field reading failed for %s", ", ".join(keys), exc_info=True)
            for key in keys:
                if key not in self.readings or self.readings[key].doubt is None:
                    self.readings[key] = Reading(key, doubt="Lecture de ce champ impossible (mise en page "
                                                            "inattendue) : valeur à vérifier.")

    def _leftovers(self) -> None:
        """Words the bidder wrote on a field's line that no field took: the field is doubtful."""
        for key, words in self.ledger.leftovers(self.labels, self._column_end).items():
            reading = self.readings.get(key)
            if reading is not None and reading.doubt is None:
                text = clean_text(" ".join(w.text for w in words))
                reading.doubt = (f"Texte non attribué sur la ligne du libellé (« {text[:60]} ») : "
                                 "valeur à vérifier.")
                page = self.ledger.lines[key].page
                if not self.form.field(key).table and reading.page in (None, page.number):
                    # the picture shows the words left over too (a table cell keeps its cell: its row,
                    # shown whole, would wrap into many strips; the reason names the words)
                    self._show(reading, page, [w.bbox for w in words] + ([reading.zone] if reading.zone else []))

    def _label_words(self) -> set[int]:
        """Words that belong to printed labels (never part of an answer)."""
        return {id(w) for m in self._label_matches for w in m.words}

    @cached_property
    def _label_matches(self) -> list[Match]:
        """The form's printed labels, titles and units, wherever they are found."""
        anchors = [a for f in self.form.fields for a in f.anchors + f.until + f.after]
        anchors += [a for t in self.form.tables.values() for axis in t.rows + t.columns for a in axis.anchors]
        anchors += list(self.form.signature) + list(self.form.commitment_details_anchors)
        anchors += list(self.form.commitments_end) + [f.unit for f in self.form.fields if f.unit]
        anchors += [title for title in self.form.document.values() if isinstance(title, str)]
        return self.index.find(anchors)

    @cached_property
    def _gutter_labels(self) -> list[Match]:
        """The labels the gutters between text columns are found by (labels of fields and rows, not
        the names of columns, which a bidder's answers may be: « Femme »), where they start a line."""
        anchors = [a for f in self.form.fields for a in f.anchors]
        anchors += [a for t in self.form.tables.values() for axis in t.rows for a in axis.anchors]
        anchors += list(self.form.signature)
        return [m for m in self.index.find(anchors) if _starts_line(m)]

    def _gutters(self, page: Page) -> list[Gutter]:
        """The page's gutters between text columns, found when a label of the page first asks
        (the reader asks of a few of the pages only)."""
        gutters = self._page_gutters.get(page.number)
        if gutters is None:
            gutters = self._page_gutters[page.number] = find_gutters(
                page, [m.bbox for m in self._gutter_labels if m.page is page])
        return gutters

    def _column_end(self, match: Match, before: float | None = None) -> float | None:
        """Where the text column of a label ends on its last line, or ``before`` (another end,
        such as the next label on the line) if that is nearer (None: the page's edge)."""
        last = match.words[-1]
        ends = (column_end(self._gutters(match.page), last.x0, last.top), before)
        return min((x for x in ends if x is not None), default=None)

    def _furniture(self) -> set[int]:
        """Running headers, footers and page numbers: lines of the page's top or
        bottom band repeated on several pages."""
        seen: dict[str, list] = {}
        for line in self.index.lines:
            if line.top < line.page.height * FURNITURE_BAND or line.bottom > line.page.height * (1 - FURNITURE_BAND):
                seen.setdefault(line.folded, []).append(line)
        repeated = {id(w) for lines in seen.values() if len({l.page.number for l in lines}) > 1
                    for line in lines for w in line.words}
        numbers = {id(w) for line in self.index.lines if PAGE_NUMBER.fullmatch(line.folded)
                   for w in line.words}
        return repeated | numbers

    # -- value helpers ----------------------------------------------------
    def _answer_words(self, zones: Iterable[Zone], excluded: set[int] | None = None,
                      free_text: bool = False, numeric: bool = False) -> list[tuple[Page, Word]]:
        """Words inside the zones, less leaders, running headers and ``excluded``
        (by default every printed label: right for table cells, where only
        numbers are expected; free text passes only the labels it touches,
        so a bidder's text that happens to contain a label is kept whole)."""
        excluded = self.labels if excluded is None else excluded | self.furniture
        found: list[tuple[Page, Word]] = []
        for zone in zones:
            earlier = [w for page, w in found if page is zone.page]  # a word on the edge of two zones is read in both
            for word in zone.page.words_in(zone.bbox, numeric=numeric):
                if id(word) in excluded or NO_ANSWER.match(word.text):
                    continue
                if earlier and any(_same_word(word, other) for other in earlier):
                    continue
                if not free_text and not found and SEPARATORS.match(word.text):
                    continue  # the colon after a label; a dash inside the answer is the bidder's
                found.append((zone.page, word))
        return found

    def _set(self, field: FieldDef, words: list[tuple[Page, Word]], doubt: str | None = None,
             zones: Sequence[Zone] = ()) -> None:
        read = _without_label_tail(self._without_prompt(_without_label_tail(words)))
        words = _without_box_edges(read)
        strokes_only = bool(read) and not words  # a box's side, or a "1" written as one stroke
        specks = [(p, w) for p, w in words if w.source == SOURCE_OCR
                  and ((speck(w) and not _dash_between(w, words)) or _stray(w, words))]
        if specks and len(specks) < len(words):  # dust beside a value read; alone, it may be a value misread
            words = [item for item in words if item not in specks]
        self.ledger.take(field.key, words)
        reading = self._reading(field, words, doubt, strokes_only)
        if not words and zones:
            reading.page, reading.bbox = zones[0].page.number, zones[0].bbox
        self._place(reading, zones)
        self.readings[field.key] = reading
        if any(mark.apostrophe for _, w in words for mark in w.marks_unsure):
            self.undecided[field.key] = _Undecided(reading, field, words, doubt, strokes_only)

    def _reading(self, field: FieldDef, words: list[tuple[Page, Word]], doubt: str | None,
                 strokes_only: bool) -> Reading:
        """The field's reading from the words of its value (``strokes_only``: only strokes were
        written), not yet placed."""
        raw = clean_text(_joined(words)) or None
        brackets_unsure = False
        if raw and any(w.source == SOURCE_OCR for _, w in words):
            raw, brackets_unsure = paired(raw)
        reading = Reading(field.key, raw=raw, doubt=doubt or self._label_fragment(raw))
        if words:
            page, first = words[0]
            reading.source, reading.page = first.source, page.number
            reading.bbox = union([w.bbox for _, w in words])
            reading.confidence = min(w.confidence for _, w in words)
            doubt_below = NUMBER_DOUBT_BELOW if type_of(field).numeric else OCR_DOUBT_BELOW
            if reading.confidence < doubt_below and not doubt:
                reading.doubt = f"Lecture incertaine (confiance {reading.confidence:.0%})."
            elif reading.source == SOURCE_OCR and raw and (_implausible(raw) or brackets_unsure) and not doubt:
                reading.doubt = ("Ponctuation improbable (guillemet ou parenthèse sans pendant, virgule finale), "
                                 "souvent une poussière ou un signe mal lu : valeur à vérifier.")
            elif type_of(field).free_text and any(w.marks_unsure for _, w in words) and not doubt:
                reading.doubt = ("Apostrophe ou tiret lu sur un scan : droite (') ou typographique (’), trait "
                                 "d'union (-), tiret (–) ou point médian (·), l'image ne permet pas de les "
                                 "distinguer : valeur à vérifier.")
            elif type_of(field).free_text and reading.source == SOURCE_OCR and raw and not doubt:
                reading.doubt = _lexicon_doubt(raw)
        if raw is not None:
            result = normalise(field, raw, self.form)
            reading.value = result.value
            if unparsed(result):
                reading.doubt = reading.doubt or unparsed_doubt(result, reading.source)
            elif result.value is None and type_of(field).numeric and SPACED_FIGURES.match(raw):
                reading.doubt = reading.doubt or (f"Chiffres espacés (« {raw} ») : un nombre ou plusieurs ? "
                                                  "Valeur à vérifier.")
            elif type_of(field).numeric and _on_several_lines([w for _, w in words]):
                reading.doubt = reading.doubt or (f"Chiffres sur plusieurs lignes (« {raw} ») : un nombre ou "
                                                  "plusieurs ? Valeur à vérifier.")
        if strokes_only or any(not w.text for _, w in words):
            reading.doubt = "Quelque chose est écrit dans la zone mais n'a pas pu être lu : valeur à vérifier."
        return reading

    def _apostrophes_decided_last(self) -> None:
        """Apostrophes the values of a scan left undecided, decided again once every value is read
        (:func:`extract.glyphs.settled_later`: against all the scan's commas, whatever the order
        of reading); a value whose reading was not replaced since is read again from its words."""
        for undecided in self.undecided.values():
            if self.readings.get(undecided.field.key) is not undecided.reading:
                continue
            words = [(page, _settled_later(word)) for page, word in undecided.words]
            if all(new is old for (_, new), (_, old) in zip(words, undecided.words)):
                continue
            reading = self._reading(undecided.field, words, undecided.doubt, undecided.strokes_only)
            before = undecided.reading
            reading.page, reading.zone, reading.crop = before.page, before.zone, before.crop
            self.readings[undecided.field.key] = reading

    def _set_value(self, field: FieldDef, value, raw: str | None, marks: Sequence[Mark],
                   doubt: str | None = None, zone: Zone | None = None) -> None:
        reading = Reading(field.key, value=value, raw=raw, doubt=doubt)
        for mark in marks if zone is not None else ():  # a tick's page is its zone's
            self.ledger.claim((zone.page, w) for w in zone.page.words_in(mark.bbox))
        if marks:
            reading.source = marks[0].source
            reading.bbox = union([m.bbox for m in marks])
            reading.confidence = min(m.confidence for m in marks)
        if zone is not None:
            reading.page = zone.page.number
            reading.bbox = reading.bbox or zone.bbox
        self._place(reading, [zone] if zone else [], marks)
        self.readings[field.key] = reading

    def _missing(self, field: FieldDef, what: str | None = None) -> None:
        if field.optional:
            self.readings[field.key] = Reading(field.key)
            return
        label = what or field.label
        self.readings[field.key] = Reading(
            field.key, doubt=f"Libellé « {label} » introuvable dans le document : valeur à vérifier.")

    def _label_fragment(self, raw: str | None) -> str | None:
        return label_fragment(raw, self._printed_folded)

    @cached_property
    def _rivals(self) -> list[str]:
        return of_form(self.form, _rival_phrases)

    @cached_property
    def _printed_folded(self) -> str:
        return of_form(self.form, printed_text)

    def _place(self, reading: Reading, zones: Sequence[Zone], marks: Sequence[Mark] = ()) -> None:
        """Where the answer stands, read or not, for the review sheet's picture and outline: the
        field's zones on the page of its value (its first page when nothing was read) and the boxes
        read, as one box. On a scan its picture is saved now (every value: it may be checked later)."""
        page = zones[0].page if zones and reading.page is None else next(
            (z.page for z in zones if z.page.number == reading.page), None)
        if page is not None:
            self._show(reading, page, [z.bbox for z in zones if z.page is page] + [m.bbox for m in marks])

    @staticmethod
    def _show(reading: Reading, page: Page, boxes: list[BBox]) -> None:
        reading.page, reading.zone = page.number, union(boxes)
        if page.crop_writer is not None:
            reading.crop = page.crop_writer(reading.zone, reading.key)

    def _after(self, field: FieldDef) -> Position | None:
        if not field.after:
            return None
        match = self.index.first(field.after)  # the label may stand before it on its line ("Note obtenue à l'index")
        return Position(match.start.page, match.start.line, 0) if match else None

    # -- inline: the rest of the label's line ---------------------------
    def _inline(self, field: FieldDef) -> None:
        match = self._inline_label(field)
        if match is None:
            return self._missing(field)
        self.ledger.expect(field.key, match)
        numeric = type_of(field).numeric
        beside = self._next_cell(match)
        if beside is not None:
            unit = {i for m in self.index.find([field.unit]) for i in m.word_ids} if field.unit else set()
            words = self._answer_words([beside], excluded=unit, numeric=numeric)
            while words and words[-1][1].text == "/":
                words.pop()
            return self._set(field, words, zones=[beside])
        inside = _inside_brackets(match)  # "Index (note / 100)   86": the label ends in its bracketed hint
        stop = None if inside else self._stop_on_line(match, field)
        zone = rest_of_line(match, stop)
        words = _without_label_tail(_left_to_right(self._answer_words([zone], excluded=set(), numeric=numeric)))
        words = _first_group(_past_bracket(words) if inside else words)
        while words and words[-1][1].text == "/":  # the slash printed before a unit such as "/ 100"
            words.pop()
        while words and SEPARATORS.match(words[-1][1].text):  # a label's colon re-set after the answer
            words.pop()
        if not words and not inside:  # a label wrapped in its cell, the answer beside its first row
            zone, words = next(((z, w) for z in self._beside_upper_rows(match, stop)
                                if (w := _first_group(_left_to_right(self._answer_words([z], numeric=numeric))))),
                               (zone, words))
        if not words:  # an input box under the label, as wide as the label's place on its line
            below = self._answer_below(match, field, stop)
            if below is not None:
                return self._set(field, below[1], zones=[below[0]])
        zones = [zone]
        if words and not numeric and stop is None:
            lead = next((w for _, w in words if not speck(w)), words[0][1])  # dust before the answer is no column
            zones += self._continued(words[0][0], lead, words[-1][1])
            words += self._answer_words(zones[1:], excluded=set())
        self._set(field, words, zones=zones)

    def _named_alone(self, field: FieldDef) -> Match | None:
        """Without its own label ("Note : …"), the words that name the field, starting their
        line and followed on it by a colon within a few words, stand as its label, up to the
        colon: "Index égalité professionnelle : 78/100" (the question that only mentions them,
        "… obtenu à l'index de l'égalité professionnelle ?", does not)."""
        for match in self.index.find(field.named):
            if not _starts_line(match):
                continue
            words, rows = match.line.words, match.line.rows
            for index in range(match.last, min(match.last + NAMED_ALONE_WORDS + 1, len(words))):
                if rows[index] != rows[match.last]:
                    break
                if words[index].text.endswith(":"):
                    return replace(match, last=index)
        return None

    @staticmethod
    def _beside_upper_rows(match: Match, stop: float | None) -> list[Zone]:
        """Right of a wrapped label's column, on its rows above the last (bottom up): where a
        table without rules puts the answer of a label that wraps in its cell (top-aligned)."""
        right = max(w.x1 for w in match.words) + 0.5
        return [Zone(z.page, (max(z.bbox[0], right), z.bbox[1], stop if stop is not None else z.page.width, z.bbox[3]))
                for z in _rests_of_rows(match)[1:]]

    def _continued(self, page: Page, first: Word, last: Word) -> list[Zone]:
        """The lines an answer wraps onto in its own column: each starts under the answer's first
        word, just below the line before, with nothing left of it in the label's column."""
        height, zones, bottom = last.bottom - last.top, [], last.bottom
        for _ in range(CONTINUED_LINES):
            band = (0, bottom + 0.5, page.width, bottom + height * 1.6)
            line = [w for w in page.words_in(band) if w.top > bottom - height * 0.2]
            if not line or any(id(w) in self.labels for w in line):
                break
            lead = min(line, key=lambda w: w.x0)
            if abs(lead.x0 - first.x0) > height * 0.5:
                break
            zones.append(Zone(page, (first.x0 - PAD, bottom + 0.5, page.width, max(w.bottom for w in line) + 0.5)))
            bottom = max(w.bottom for w in line)
        return zones

    def _next_cell(self, label: Match) -> Zone | None:
        """The drawn cell right of the cell holding the label (a spreadsheet's or a form's grid), or
    the box drawn apart facing it (labels in a shaded column, answers in boxes beside them)."""
        cell = cell_of(label.page, label.words[-1].bbox)
        if cell is None:
            return None
        table = label.page.tables[cell.table]
        below = self._under_header(label.page, table, cell)
        if below is not None:
            return Zone(label.page, below.bbox)
        right = table.right_of(cell) or _facing_box(label.page, cell)
        return Zone(label.page, right.bbox) if right is not None else None

    def _under_header(self, page: Page, table: CellTable, cell: Cell) -> Cell | None:
        """The cell under a label's cell in a header row (« Dénomination | N° SIRET | Consultation »
        over the answers' row): the label's cell and another cell of its row hold printed labels
        only, and the cell under it holds words, not all of them labels (« 62,5 % »)."""
        if not self._labels_only(page, cell):
            return None
        if not any(self._labels_only(page, c) for c in table.row(cell.row) if c is not cell):
            return None
        below = table.below(cell)
        return below if below is not None and page.printed_in(below.bbox) and not self._labels_only(page, below) else None

    def _labels_only(self, page: Page, cell: Cell) -> bool:
        """Whether a drawn cell holds words, all of them printed labels of the form."""
        words = page.printed_in(cell.bbox)
        return bool(words) and all(id(w) in self.labels for w in words)

    def _answer_below(self, match: Match, field: FieldDef, right: float | None = None
                      ) -> tuple[Zone, list[tuple[Page, Word]]] | None:
        """The answer on the lines under a label with nothing after it (an input box below it),
        past a help text printed smaller than the label ("14 chiffres, sans espace"); the field's
        unit may follow it ("[ 46,2 ] %")."""
        numeric = type_of(field).numeric
        unit = {i for m in self.index.find([field.unit], after=match.end) for i in m.word_ids} if field.unit else set()
        height = match.words[-1].bottom - match.words[-1].top
        top = max(w.bottom for w in match.words)
        box = self._box_below(match, top, height)
        if box is not None:
            words = self._answer_words([box], excluded=unit, numeric=numeric)
            return None if any(id(w) in self.labels for _, w in words) else (box, words)  # a printed title's frame
        for _ in range(BELOW_LINES):
            below = line_below_at(match.page, top, height, _group_start(match), right)
            found = [w for w in below.page.words_in(below.bbox) if id(w) not in unit]
            if not found or any(id(w) in self.labels for w in found):
                return None
            if all(w.bottom - w.top < height * HINT_SIZE for w in found) and not all(figures_only(w.text) for w in found):
                top = max(w.bottom for w in found)
                continue
            return below, self._answer_words([below], excluded=unit, numeric=numeric)
        return None

    def _box_below(self, match: Match, top: float, height: float) -> Zone | None:
        """The input box drawn under a label (an online form's, a printed form's answer box): the
        first drawn cell starting within :data:`BELOW_LINES` lines under the label, in the label's
        column, one or two lines tall, with no other printed label between (a help text may be).
        Its sides bound the answer: a line-high band under the label would cut a box set lower
        and read half its letters."""
        start = _group_start(match)
        reach = top + BELOW_LINES * height * 1.9
        boxes = sorted((c for t in match.page.tables for c in t.cells
                        if top - 0.5 <= c.top <= reach and abs(c.x0 - start) <= height * GROUP_GAP
                        and c.x1 > start + height and c.bottom - c.top <= BOX_LINES * height),
                       key=lambda c: c.top)
        if not boxes:
            return None
        box = boxes[0]
        between = [w for w in match.page.words if top < w.middle < box.top and w.x1 > box.x0 and w.x0 < box.x1]
        if any(id(min(line, key=lambda w: w.x0)) in self.labels for line in group_lines(between)):
            return None  # another field's label starts a line in between: the box is not this label's
        return Zone(match.page, box.bbox)

    def _inline_label(self, field: FieldDef) -> Match | None:
        """The field's label; with a unit ("/ 100"), the first whose line carries the unit."""
        found = self.index.find(field.anchors, after=self._after(field))
        if field.unit:
            with_unit = [m for m in found
                         if any(_same_row(u, m) for u in self.index.find([field.unit], after=m.end))]
            found = with_unit or found
        if len(found) > 1:  # « quelle note avez-vous obtenu » holds the anchor « Note »: a label starts its line
            found = [m for m in found if _starts_line(m)] or found
        if not found:
            return self._named_alone(field)
        rest = self.index.first(field.after, after=found[0].start) if field.after else None
        last = found[0].words[-1]
        if rest is not None and rest.words[0].x0 > last.x1 and _same_row(rest, found[0]):
            return rest  # "Note obtenue à l'index de l'égalité professionnelle   84": the question goes on
        return found[0]

    def _stop_on_line(self, match: Match, field: FieldDef) -> float | None:
        """Where the answer ends on the line: the printed unit, else the next field's label."""
        others = of_form(self.form, _other_line_labels)[field.key]
        following = [m for m in self.index.find(others, after=match.end)
                     if _same_row(m, match) and m.bbox[0] > match.bbox[2]]
        limit = self._column_end(match, following[0].bbox[0] - 0.5 if following else None)
        if field.unit:
            units = [m for m in self.index.find([field.unit], after=match.end) if _same_row(m, match)
                     and (limit is None or m.bbox[0] < limit)
                     and not (m.words[0].text.startswith("(") and m.words[-1].text.endswith(")"))  # "(%)": a hint
                     and not _before_colon(m)]  # "… dans le CA en % : 40": the label's
            if units:
                return units[-1].bbox[0] - 0.5
        return limit if limit is not None else self._printed_after_gap(match)

    def _printed_after_gap(self, match: Match) -> float | None:
        """Where printed text of the form starts again on the label's line after a wide gap
        (a neighbouring panel or cell: "SAS Dupont      Genre des personnes…")."""
        last = match.words[-1]
        height = last.bottom - last.top
        row = sorted(match.page.words_in(rest_of_line(match).bbox), key=lambda w: w.x0)
        previous = last
        for word in row:
            if id(word) in self.labels and word.x0 - previous.x1 > height * GROUP_GAP:
                return word.x0 - 0.5
            previous = word
        return None

    # -- area: the block below the label --------------------------------
    def _area(self, field: FieldDef) -> None:
        """The text block below the label, in the label's column, up to the field's end mark
        ("1000 caractères maximum") or the next printed label of the form, whichever comes first
        (an end mark printed on the label's own line is part of the label)."""
        match = label = self.index.first(field.anchors) or self._heading(field)
        if match is None:
            return self._missing(field)
        below = Position(match.page.number, match.line.rows[match.last], 10_000)
        hint = self.index.first(field.until, after=Position(match.page.number, match.line.rows[match.last], 0))
        left = _group_start(match) - (match.words[-1].bottom - match.words[-1].top)  # the label's column
        if hint is not None and hint.start.line == below.line:  # "(1000 caractères / maximum)" ends the label
            match, below = hint, Position(hint.page.number, hint.line.rows[hint.last], 10_000)
        cell = self._next_cell(match)
        written = self._answer_words([cell], excluded=set(), free_text=True) if cell is not None else []
        if any(id(w) not in self.labels for _, w in written):  # a table of questions and answers
            return self._set(field, written, zones=[cell])
        ends = self.index.find(field.until, after=below)
        ends += [m for m in self.index.find(self._anchors_after(field), after=below) if _starts_line(m)]
        ends.sort(key=lambda m: (m.start.page, m.start.line, m.start.x))
        end = ends[0] if ends else None
        if end is None:
            return self._missing(field, field.until[0] if field.until else None)
        edge = self._panel_edge(match, end)
        beside = self._beside(label)
        if beside is not None and beside.x0 < edge and (end.page is not label.page or end.bbox[1] > beside.top):
            zones = [Zone(label.page, (beside.x0 - PAD, beside.top - PAD, edge,
                                       end.line.top - 0.5 if end.page is label.page else label.page.height))]
        else:
            zones = [Zone(z.page, (max(z.bbox[0], left), z.bbox[1], edge if z.page is match.page else z.bbox[2],
                                   z.bbox[3])) for z in block_between(match, end)]
        self._set(field, self._past_restated_label(field, self._answer_words(zones, excluded=set(), free_text=True)),
                  zones=zones)

    def _past_restated_label(self, field: FieldDef, words: list[tuple[Page, Word]]) -> list[tuple[Page, Word]]:
        """A text block that starts with the field's own label and its colon, under the section's
        title (« Politique interne en matière d'égalité professionnelle : Notre … »): the text
        after the colon."""
        if not words:
            return words
        for match in self.index.find(list(field.anchors) + list(field.headings)):
            count = len(match.words)
            if [id(w) for _, w in words[:count]] != [id(w) for w in match.words]:
                continue
            if match.words[-1].text.endswith(":"):
                return words[count:]
            if len(words) > count and COLON.match(words[count][1].text):
                return words[count + 1:]
        return words

    def _panel_edge(self, match: Match, end: Match) -> float:
        """Where a neighbouring panel begins right of the label's column, on the label's page
        down to ``end`` (a landscape page's two panels): the left edge of a printed label there
        standing as a text group of its own right of the label's, with no word across that edge
        from the label's line down, else the page's edge. (A label's words inside an answer's
        paragraph, « … une femme et un homme », are no text group of their own.)"""
        page, right = match.page, _group_end(match)
        bottom = end.line.top if end.page is page else page.height
        edges = [m.bbox[0] - PAD for m in self._label_matches if m.page is page and m.bbox[0] > right
                 and match.line.top <= m.bbox[1] < bottom and _starts_line(m) and _group_end(m) <= m.bbox[2]]
        band = page.words_in((0, match.line.top, page.width, bottom))
        return min((x for x in edges if not any(w.x0 < x < w.x1 for w in band)), default=page.width)

    def _heading(self, field: FieldDef) -> Match | None:
        """The section title a re-typing prints alone above the answer (its question left out):
        a line of its own, or a title numbered or lettered ("C. Politique interne …")."""
        found = [m for m in self.index.find(field.headings) if _starts_line(m)
                 and all(IGNORED_AFTER.match(w.text) or id(w) in self.labels for w in self._rest_of_cell(m))]
        return found[0] if found else None

    def _rest_of_cell(self, match: Match) -> list[Word]:
        """The words after a match on its line, within its drawn cell when it stands in one,
        and within its text group (a wide gap parts a neighbouring panel's words)."""
        end = _group_end(match)
        cell = cell_of(match.page, match.words[-1].bbox)
        return [w for w in match.line.words[match.last + 1:]
                if w.x1 <= end + 0.5 and (cell is None or w.x1 <= cell.x1 + 0.5)]

    def _beside(self, label: Match) -> Word | None:
        """The first word of an answer written in a column right of its label (a receipt's
        two columns), after a gap wider than the label's spacing."""
        first = label.words[0]
        height = first.bottom - first.top
        right = max(w.x1 for w in label.words)
        row = label.page.words_in((right + 0.5, first.top - height * 0.3, label.page.width,
                                   first.bottom + height * 0.3))
        words = sorted((w for w in row if id(w) not in self.labels and not LEADERS.match(w.text)
                        and not SEPARATORS.match(w.text) and not speck(w)), key=lambda w: w.x0)
        if words and words[0].x0 - right > height * GROUP_GAP:
            return words[0]
        return None

    def _anchors_after(self, field: FieldDef) -> list[str]:
        """Printed labels of the fields that follow ``field`` in the form (an area ends at them)."""
        fields = list(self.form.fields)
        following = fields[fields.index(field) + 1:]
        anchors = [a for f in following if f.read in ("inline", "choice", "area") for a in f.anchors + f.after]
        return anchors + list(self.form.commitments_start)

    # -- choice: a Oui box and a Non box ----------------------------------
    def _choice(self, field: FieldDef) -> None:
        match = self.index.first(field.anchors)
        if match is None:
            return self._missing(field)
        limit = Position(match.start.page, match.start.line + 3, 10_000)
        options = self._option_pair(match, limit)
        self.ledger.expect(field.key, match)
        if options is not None:
            return self._decide_options(field, options)
        columns = self._header_above(match)
        if columns is not None:
            return self._set_yes_no(field, columns.cells(self._row_band(match)))
        if not self._typed_yes_no(field, match, Zone(match.page, match.bbox)):
            self._inline(field)

    def _yes_no_pairs(self, after: Position | None, before: Position | None) -> list[tuple[Match, Match]]:
        """Printed "Oui" and "Non" standing on one row, in reading order ("Oui" inside a longer
        printed phrase, "Si oui, détailler", is none), between ``after`` and ``before``."""
        options = self._yes_no_options
        if options is None:
            return self._yes_no_pairs_found(after, before)
        low = (after.page, after.line, after.x) if after is not None else None
        high = (before.page, before.line, before.x) if before is not None else None
        within = lambda m: (low is None or m.start_key > low) and (high is None or m.end_key < high)  # noqa: E731
        pairs = []
        for yes, noes in options:
            if within(yes):
                no = next((n for n in noes if within(n)), None)
                if no is not None:
                    pairs.append((yes, no))
        return pairs

    @cached_property
    def _yes_no_options(self) -> list[tuple[Match, list[Match]]] | None:
        """Every printed "Oui" of the document, each with the printed "Non" on its row, in reading
        order: asked once, where each question asked the index again with its own bounds (a
        dozen times a document) and paired its options again. The bounds only pass over those
        outside them when the matches hold no word in common (the index's longest of overlapping
        matches, kept within bounds, might be another); None otherwise."""
        rivals = self._rivals
        yeses = self.index.find([w.capitalize() for w in self.form.yes_words[:1]], rivals=rivals)
        noes = self.index.find([w.capitalize() for w in self.form.no_words[:1]], rivals=rivals)
        if not (_disjoint(yeses) and _disjoint(noes)):
            return None
        return [(yes, [n for n in noes if _same_row(n, yes)]) for yes in yeses]

    def _yes_no_pairs_found(self, after: Position | None, before: Position | None) -> list[tuple[Match, Match]]:
        """:meth:`_yes_no_pairs`, the options found within the bounds."""
        window = {"after": after, "before": before, "rivals": self._rivals}
        yeses = self.index.find([w.capitalize() for w in self.form.yes_words[:1]], **window)
        noes = self.index.find([w.capitalize() for w in self.form.no_words[:1]], **window)
        pairs = []
        for yes in yeses:
            no = next((n for n in noes if _same_row(n, yes)), None)
            if no is not None:
                pairs.append((yes, no))
        return pairs

    def _option_pair(self, label: Match, limit: Position) -> dict[str, Match] | None:
        """The printed "Oui" and "Non" of a question: on one row, after its label and before ``limit``."""
        since = Position(label.start.page, label.start.line, label.bbox[2])  # a wrapped label's first line too
        for yes, no in self._yes_no_pairs(since, limit):
            hint = yes.words[0].text.startswith("(") or no.words[-1].text.endswith(")")
            if not hint and label.word_ids.isdisjoint(yes.word_ids | no.word_ids):
                return {"yes": yes, "no": no}  # "(Oui / Non)" after a question only says how to answer
        return None

    def _typed_yes_no(self, field: FieldDef, label: Match, zone: Zone) -> bool:
        """The answer typed after the label: "Négociation d'accords : OUI", "conseil d'administration ?  Non",
        or on the line under it after the form's prompt ("Réponse : OUI – Précisions : …")."""
        rows = [[w for _, w in _without_label_tail(self._answer_words([zone_after], excluded=set()))]
                for zone_after in _rests_of_rows(label)]
        rows = [words for words in rows if words]
        # the answer beside the label's last row, or beside an upper row (a top-aligned cell)
        words = next((words for words in rows if self._yes_no_word(words[0].text) is not None), rows[0] if rows else [])
        if not words:
            words = [w for _, w in self._prompted_below(label)[1]] or self._answer_line_below(
                label, lambda line: self._yes_no_word(line[0].text) is not None)
        alone = len(words) == 1 or (len(words) > 1 and (SEPARATORS.match(words[1].text)  # "OUI — Détails…"
                                                        or words[0].text[-1] in ".;"  # "oui. Accord signé…" (not "Si oui, détailler")
                                                        or words[1].text.startswith("(")  # "oui (accord…)"
                                                        or _apart(label.page, words[0], words[1])))
        if words and alone and self._yes_no_word(words[0].text) is not None:
            value = self._yes_no_word(words[0].text)
            self._set_value(field, value, words[0].text, [Mark(*words[0].bbox, checked=value)], None, zone)
            self.typed[field.key] = words[0]
            return True
        return False

    def _prompted_below(self, label: Match, numeric: bool = False) -> tuple[Zone, list[tuple[Page, Word]]]:
        """The answer on the line under a label when that line starts with the form's prompt
        ("Réponse :"); nothing otherwise (options printed under a question are no answer)."""
        height = label.words[-1].bottom - label.words[-1].top
        below = line_below_at(label.page, max(w.bottom for w in label.words), height, _group_start(label))
        words = self._answer_words([below], excluded=set(), numeric=numeric)
        rest = self._without_prompt(words)
        return below, (rest if len(rest) < len(words) else [])

    def _answer_line_below(self, label: Match, answers: Callable[[list[Word]], bool]) -> list[Word]:
        """An answer typed on the line under a label that has nothing after it ("Négociation
        d'accords" / "Oui — accord signé", "Genre — Président.e" / "Homme"): a line that
        ``answers``, with no box on it, and no other such line under it (options printed one
        under the other, "Oui" over "Non", are the form's, not an answer)."""
        rest = rest_of_line(label, self._column_end(label))
        if [w for w in rest.page.words_in(rest.bbox) if not IGNORED_AFTER.match(w.text)]:
            return []
        height = label.words[-1].bottom - label.words[-1].top
        below = line_below_at(label.page, max(w.bottom for w in label.words), height, _group_start(label), rest.bbox[2])
        words = [w for _, w in self._answer_words([below], excluded=set())]
        if not words or label.page.marks_in(below.bbox) or not answers(words):
            return []
        after = line_below_at(label.page, max(w.bottom for w in words), height, words[0].x0)
        following = [w for _, w in self._answer_words([after], excluded=set())]
        if following and answers(following):
            return []
        return words

    def _once(self, step: Callable[..., T], *args) -> T:
        """``step(*args)``, worked out once for the reader: the matches and tables it is asked of are the
        index's and the form's own, the same objects from one question to the next, and are told by
        their ids (kept with the answer, so that an id is never given to another object meanwhile).
        What it gives is not to be changed by the caller."""
        key = (step.__name__, *(arg if isinstance(arg, (bool, int, float, str)) else id(arg) for arg in args))
        known = self._answered.get(key)
        if known is None:
            known = self._answered[key] = (args, step(*args))
        return known[1]

    def _listed_answer(self, label: Match, table: Table, numeric: bool = False) -> tuple[Zone, list[tuple[Page, Word]]]:
        """A listed cell's answer: the rest of its label's line up to the next cell's label on it
        ("Président.e : Femme   Secrétaire : Homme"), or the prompted line under it."""
        return self._once(self._read_listed_answer, label, table, numeric)  # looked at, then read (_typed_choice, _listed)

    def _read_listed_answer(self, label: Match, table: Table, numeric: bool) -> tuple[Zone, list[tuple[Page, Word]]]:
        """:meth:`_listed_answer`, read."""
        zone = rest_of_line(label, self._column_end(label, self._next_head_on_row(label, table)))
        words = _without_label_tail(_left_to_right(self._answer_words([zone], excluded=set(), numeric=numeric)))
        words = _first_group(self._choice_cell(table, words) if table.choices else words)
        if numeric:  # "Cadres — Femmes : 3 ; Hommes : 5": a figure ends at the list's separator
            words = list(itertools.takewhile(lambda item: item[1].text != ";", words))
        if not words:
            below, prompted = self._prompted_below(label, numeric)
            if prompted:
                return below, prompted
        if not words and table.choices:  # "Genre — Président.e" / "Homme" on the line under it
            line = self._answer_line_below(label, lambda line: _choice_named(table, line) is not None)
            if line:
                return Zone(label.page, union([w.bbox for w in line])), [(label.page, w) for w in line]
        if not words and not zone.page.printed_in(zone.bbox):
            return self._alone_line_below(label, zone, table, numeric) or (zone, words)
        return zone, words

    def _alone_line_below(self, label: Match, zone: Zone, table: Table, numeric: bool = False
                          ) -> tuple[Zone, list[tuple[Page, Word]]] | None:
        """A label standing alone on its line (nothing after it in its column, or up to the next
        row's label: « Président.e | Secrétaire » over the genders): the line under it, as wide,
        is its answer when no box stands on it and no word of it is a printed label, unless it
        names one of a choice table's choices and the line under it names none (choices printed
        one under the other are the form's options). « Cadres – femmes » / « 7 » in a
        newspaper-like column; a label followed by the next label had no answer. In a list written
        as a sentence, the answer wrapped onto the next line is its words up to the list's
        separator (« … ; Secrétaire : » / « homme ; Trésorier·e : femme »)."""
        height = label.words[-1].bottom - label.words[-1].top
        below = line_below_at(label.page, max(w.bottom for w in label.words), height, _group_start(label),
                              zone.bbox[2])
        found = below.page.printed_in(below.bbox)
        if not found or below.page.marks_in(below.bbox):
            return None
        lead = list(itertools.takewhile(lambda w: not LIST_SEPARATOR.match(w.text), found))
        if lead and len(lead) < len(found) and (_choice_named(table, lead) if table.choices else
                                                not any(id(w) in self.labels for w in lead)):
            return Zone(label.page, union([w.bbox for w in lead])), [(label.page, w) for w in lead]
        if any(id(w) in self.labels for w in found):
            if not (table.choices and _choice_named(table, found)):
                return None
            after = line_below_at(label.page, max(w.bottom for w in found), height, _group_start(label), zone.bbox[2])
            if _choice_named(table, after.page.printed_in(after.bbox)):
                return None
        return below, self._answer_words([below], excluded=set(), numeric=numeric)

    def _choice_cell(self, table: Table, words: list[tuple[Page, Word]]) -> list[tuple[Page, Word]]:
        """A choice row's line crossing drawn cells of the bidder's columns (« Président(e) | M. Jean
        Martin | H »): the words of the one cell that names a choice; the words as they are when
        not one cell does (read, or doubted, whole)."""
        cells: dict[tuple[int, int, int], list[tuple[Page, Word]]] = {}
        for page, word in words:
            cell = cell_of(page, word.bbox)
            if cell is None:
                return words
            cells.setdefault((cell.table, cell.row, cell.column), []).append((page, word))
        named = [group for group in cells.values() if _choice_named(table, [w for _, w in group]) is not None]
        return named[0] if len(cells) > 1 and len(named) == 1 else words

    def _next_head_on_row(self, label: Match, table: Table) -> float | None:
        """Where the next cell's label starts on a listed cell's line: another row's label, or,
        in a table of figures, a column's name (in a table of choices, « Femme » is the answer);
        at the list's separator printed before it (« Cadres : Femmes 2 ; Hommes 8 ; … »), so that
        a scan's zone read as a number holds the figure alone, not signs no figure accounts for."""
        names, labels = self._heads(table)
        heads = labels + ([] if table.choices else names)
        page, last, right = label.page, label.words[-1], label.bbox[2]  # _same_row's test, the cheap part first
        after = [m.bbox[0] for m in heads if m.page is page and m.bbox[0] > right and share_row(last, m.words[0])]
        if not after:
            return None
        signs = [w.x0 for w in label.page.printed_in((last.x1, last.top, min(after), last.bottom))
                 if LIST_SEPARATOR.match(w.text)]
        return min(signs + after) - 0.5

    def _without_prompt(self, words: list[tuple[Page, Word]]) -> list[tuple[Page, Word]]:
        """The answer less the prompt a re-made form prints before it ("Réponse :")."""
        for index, (_, word) in enumerate(words[:PROMPT_WORDS]):
            if word.text.endswith(":"):
                prompt = " ".join(w.text for _, w in words[:index + 1]).rstrip(":")
                return words[index + 1:] if fold(prompt) in self._prompts else words
        return words

    @cached_property
    def _prompts(self) -> set[str]:
        return {fold(p) for p in self.form.answer_prompts}

    def _decide_options(self, field: FieldDef, options: dict[str, Match]) -> None:
        """Printed "Oui" and "Non", each with its box: the box before each word when both have
        one there ("☐ Oui ☐ Non"), else the box after ("Oui ☐ Non ☐"), else the nearest."""
        self.ledger.claim((o.page, w) for o in options.values() for w in o.words)
        for side in ("before", "after"):
            boxes = {name: _box_beside(option, side) for name, option in options.items()}
            if all(boxes.values()) and len({id(b) for b in boxes.values()}) == len(boxes):
                states = {name: (box, box.checked) for name, box in boxes.items()}
                break
        else:
            states = self._cell_boxes(options) or {name: self._box_state(option) for name, option in options.items()}
        zone = Zone(options["yes"].page, union([o.bbox for o in options.values()]))
        self.options_end[field.key] = max([zone.bbox[2]] + [m.x1 for m, _ in states.values() if m is not None])
        self._decide_choice(field, states, zone)

    def _cell_boxes(self, options: dict[str, Match]) -> dict[str, tuple[Mark | None, bool | None]] | None:
        """Printed options each in a drawn cell with a cell of its own beside it for the tick,
        where no box is drawn (« Oui | X | Non |   », a word processor's table): the cells after
        the options when each holds a tick or nothing, else the cells before; None otherwise
        (a neighbour cell holding the other option, or words)."""
        own = {name: cell_of(o.page, o.bbox) for name, o in options.items()}
        if any(c is None for c in own.values()) or len(set(own.values())) < len(own):
            return None
        for side in ("right_of", "left_of"):
            beside = {name: getattr(options[name].page.tables[c.table], side)(c) for name, c in own.items()}
            if any(c is None or c in own.values() for c in beside.values()):
                continue
            states = {name: self._cell_tick(Zone(options[name].page, c.bbox)) for name, c in beside.items()}
            if all(state is not None for _, state in states.values()):
                return states
        return None

    def _header_above(self, label: Match) -> AnswerColumns | None:
        """An "Oui" / "Non" header standing over the answer cells of the label's row."""
        since = Position(label.start.page, label.start.line - HEADER_REACH, 0)
        for yes, no in reversed(self._yes_no_pairs(since, label.start)):
            if yes.page is label.page and min(yes.bbox[0], no.bbox[0]) > label.bbox[2]:
                return AnswerColumns.from_header(yes, no)
        return None

    def _row_band(self, label: Match) -> tuple[float, float]:
        """The vertical extent of the label's row: its drawn cell, or its line."""
        cell = cell_of(label.page, label.bbox)
        if cell is not None:
            return cell.top, cell.bottom
        height = label.bbox[3] - label.bbox[1]
        return label.bbox[1] - height * 0.3, label.bbox[3] + height * 0.3

    def _decide_choice(self, field: FieldDef, states: dict, zone: Zone) -> None:
        marks = [m for m, _ in states.values() if m is not None]
        if any(m is None for m, _ in states.values()):
            return self._set_value(field, None, None, marks, "Cases Oui / Non non repérées : valeur à vérifier.",
                                   zone)
        yes, no = states["yes"][1], states["no"][1]
        if yes is None or no is None:
            return self._set_value(field, None, None, marks, "Case cochée illisible : valeur à vérifier.", zone)
        if yes and no:
            return self._set_value(field, None, "Oui + Non", marks, None, zone)
        value = True if yes else False if no else None
        self._set_value(field, value, "Oui" if yes else "Non" if no else None, marks, None, zone)

    def _box_state(self, label: Match, reach: float | None = None) -> tuple[Mark | None, bool | None]:
        """The box nearest to a label on its line (within ``reach`` points), and whether it is ticked."""
        x0, top, x1, bottom = label.bbox
        height = bottom - top
        reach = reach if reach is not None else height * NEAR_BOX
        candidates = [m for m in label.page.marks
                      if m.bottom > top - height * 0.5 and m.top < bottom + height * 0.5
                      and min(abs(m.x1 - x0), abs(m.x0 - x1)) < reach]
        if not candidates:
            tick = self._tick_word_near(label)
            return (Mark(*tick.bbox, checked=True, source=tick.source), True) if tick else (None, None)
        mark = min(candidates, key=lambda m: min(abs(m.x1 - x0), abs(m.x0 - x1)))
        return mark, mark.checked

    def _tick_word_near(self, label: Match) -> Word | None:
        """An "X" typed just before or after a label, where no box is drawn."""
        x0, top, x1, bottom = label.bbox
        height = bottom - top
        for word in label.line.words:
            if word.text in TICK_GLYPHS and min(abs(word.x1 - x0), abs(word.x0 - x1)) < height * 2:
                return word
        return None

    # -- tables -----------------------------------------------------------
    def _table(self, table: Table) -> None:
        """A table drawn as a grid (either way round), or printed as a list of labelled lines:
        whichever shows more of the table's cells."""
        fields = [f for f in self.form.fields if f.table == table.id]
        listed = {f.key: label for f in fields if (label := self._list_label(f, table)) is not None}
        grid = self._grid(table)
        cells = 0 if grid is None or table.choices else sum(grid.cell(f.row, f.column) is not None for f in fields)
        if grid is None or (not table.choices and len(listed) > cells):
            for field in fields:
                self._listed(field, table, listed.get(field.key))
            return
        for field in fields:
            if table.choices and (self._typed_choice(field, table, listed) or grid.row_zone(field.row) is None):
                self._listed(field, table, listed.get(field.key))
            elif table.choices:
                self._choice_row(field, table, grid)
            else:
                zone = grid.cell(field.row, field.column)
                if zone is None:
                    self._missing(field, field.label)
                else:
                    self._set(field, self._answer_words([zone], numeric=type_of(field).numeric),
                              zones=[zone])

    def _typed_choice(self, field: FieldDef, table: Table, listed: dict[str, Match]) -> bool:
        """Whether a choice row's answer is typed after its label ("Président(e)   Homme")."""
        label = listed.get(field.key)
        if label is None:
            return False
        if self._boxed_options(table, label) is not None:
            return True  # read by _listed, box by box
        words = self._listed_answer(label, table)[1]
        return bool(words) and _choice_named(table, [w for _, w in words]) is not None

    def _listed(self, field: FieldDef, table: Table, label: Match | None) -> None:
        """A table printed as a list, one line a cell: "Cadres – Femmes   12", "Total général   64",
        "Genre – Président(e)   Homme"; the value is the rest of the line."""
        if label is None:
            return self._missing(field, table.title)
        self.ledger.expect(field.key, label)
        zone, words = self._listed_answer(label, table, type_of(field).numeric)
        if not table.choices:
            return self._set(field, words, zones=[zone])
        if self._boxed_choice(field, table, label):
            return
        raw = clean_text(" ".join(w.text for _, w in words)) or None
        choice = _choice_named(table, [w for _, w in words])
        self.ledger.claim(words)
        if raw is not None and choice is None and normalise(field, raw, self.form).problem != "non_answer":
            return self._set_value(field, None, raw, [], f"Réponse « {raw} » non reconnue : valeur à vérifier.", zone)
        self._set_value(field, choice.id if choice else None, raw, [], None, zone)

    def _boxed_choice(self, field: FieldDef, table: Table, label: Match) -> bool:
        """The choices printed after a row's label, each with its box: "Président.e : ☐ Femme
        ☒ Homme ☐ Non binaire" (the box before each word, or after each); whether it was read."""
        options = self._boxed_options(table, label)
        if options is None:
            return False
        found, boxes = options
        self.ledger.claim((m.page, w) for m in found.values() for w in m.words)
        zone = Zone(label.page, union([m.bbox for m in found.values()]))
        ticked = [c for c in table.columns if c.id in boxes and boxes[c.id].checked]
        if any(b.checked is None for b in boxes.values()):
            self._set_value(field, None, None, list(boxes.values()), "Case cochée illisible : valeur à vérifier.", zone)
        elif len(ticked) > 1:
            self._set_value(field, None, " + ".join(c.label for c in ticked), list(boxes.values()), None, zone)
        else:
            self._set_value(field, ticked[0].id if ticked else None, ticked[0].label if ticked else None,
                            list(boxes.values()), None, zone)
        return True

    def _boxed_options(self, table: Table, label: Match) -> tuple[dict[str, Match], dict[str, Mark]] | None:
        """The choices printed on a row's line after its label, and the box of each (None unless
        at least two are printed there, each with its own box on the same side)."""
        return self._once(self._find_boxed_options, label, table)

    def _find_boxed_options(self, label: Match, table: Table) -> tuple[dict[str, Match], dict[str, Mark]] | None:
        """:meth:`_boxed_options`, found."""
        rivals = self._names(table).columns
        found = {}
        for match in self.index.find(rivals, after=label.end, rivals=self._rivals):
            if _same_row(match, label) and match.bbox[0] > label.bbox[2]:
                column = next(c for c in table.columns if fold(match.anchor) in {fold(a) for a in c.anchors})
                found.setdefault(column.id, match)
        if len(found) < 2:
            return None
        for side in ("before", "after"):
            boxes = {column: _box_beside(match, side) for column, match in found.items()}
            if all(boxes.values()) and len({id(b) for b in boxes.values()}) == len(boxes):
                break
        else:
            return None
        return found, boxes

    def _list_label(self, field: FieldDef, table: Table) -> Match | None:
        """The label of one cell in a listed table: its row's and its column's names side by side."""
        names = self._names(table)
        rivals = names.all
        row = next(r for r in table.rows if r.id == field.row)
        rows = self.index.find(row.anchors, rivals=rivals)
        if field.column is None:
            return rows[0] if rows else None
        if field.row == table.sum_row and field.column == table.sum_column and table.grand_total:
            found = self.index.first(table.grand_total)
            if found is not None:
                return found
        column = next(c for c in table.columns if c.id == field.column)
        columns = self.index.find(column.anchors, rivals=names.all_and_total)
        for first in rows + columns:
            for second in columns if first in rows else rows:
                if self._names_side_by_side(first, second):
                    return second
        return self._later_on_row(table, rows, columns)

    def _later_on_row(self, table: Table, rows: list[Match], columns: list[Match]) -> Match | None:
        """A cell of a row written on its line, one cell after another ("Cadres — Femmes : 7 ;
        Hommes : 9 ; … Total : 16"): the column's name later on the line of a row's label
        that the first cell's name follows, with no other row's label between them."""
        labels = self._heads(table)[1]
        for row in rows:
            if not self._once(self._named_after, row, table):
                continue
            for column in columns:
                if _same_row(column, row) and column.bbox[0] > row.bbox[2] and not any(
                        _same_row(other, row) and row.bbox[2] <= other.bbox[0] < column.bbox[0] for other in labels):
                    return column
        return None

    def _named_after(self, row: Match, table: Table) -> bool:
        """Whether a column's name follows a row's label side by side (« Cadres — Femmes »): asked
        of each row's label for each of the row's cells."""
        return any(self._names_side_by_side(row, name) for name in self._heads(table)[0])

    def _names_side_by_side(self, first: Match, second: Match) -> bool:
        """:func:`_side_by_side`, told once for each pair of matches: each cell of a listed table asks it
        of every pair of its rows' and columns' names (kept by the matches' ids, as :meth:`_once`
        keeps its answers, the matches with them; a pair's own memo, asked hundreds of times a
        document, without the general one's key of any arguments)."""
        key = (id(first), id(second))
        known = self._side.get(key)
        if known is None:
            known = self._side[key] = (first, second, _side_by_side(first, second))
        return known[2]

    def _names(self, table: Table) -> _TableNames:
        """The anchors of one of the form's tables (not of a transposed copy), made once per form."""
        return of_form(self.form, _table_names)[table.id]

    def _heads(self, table: Table) -> tuple[list[Match], list[Match]]:
        """Every column name and every row label of the table found in the document, looked
        up once per table (each of its cells asks)."""
        if table.id not in self._found_heads:
            names = self._names(table)
            self._found_heads[table.id] = (self.index.find(names.columns, rivals=names.all),
                                           self.index.find(names.rows, rivals=names.all))
        return self._found_heads[table.id]

    def _grid(self, table: Table) -> Grid | None:
        """The table whose header line and row labels match best, either way round
        (genders as columns, or as rows of a transposed table)."""
        grids = [g for g in (self._best_grid(table, False),
                             self._best_grid(replace(table, rows=table.columns, columns=table.rows), True)) if g]
        if not grids:
            return None
        grid = max(grids, key=lambda g: g.size)
        for axis, label in grid.labels.items():
            for field in self.form.fields:
                if field.table == table.id and (field.column if grid.transposed else field.row) == axis:
                    self.ledger.expect(field.key, label)
        return grid

    def _best_grid(self, table: Table, transposed: bool) -> Grid | None:
        best = None
        column_anchors = [a for c in table.columns for a in c.anchors]
        lines = self._header_lines(column_anchors)
        row_labels = self.index.find([a for r in table.rows for a in r.anchors])
        for header in (group for group in lines if len(group) >= 2):
            if any(_row_on_header(r, header, table.choices) for r in row_labels):
                continue  # "Président.e : ☐ Femme ☒ Homme", "Cadres — Femmes : 3 ; Hommes : 5": a row on its line
            band = header + [m for group in lines if group is not header and _near_line(group[0], header[0])
                             for m in group]
            columns, heads = self._columns(table, band)
            if len(columns) < max(2, len(table.columns) - 2):
                continue
            rows, labels = self._rows(table, header, min(m.bbox[0] for m in heads.values()))
            columns = {c: _own_cell(span, heads[c], list(heads.values()), 0) for c, span in columns.items()}
            rows = {r: _own_cell(span, labels[r], list(labels.values()), 1) for r, span in rows.items()}
            grid = Grid(columns, rows, header[0].page, transposed, labels)
            if best is None or len(grid.rows) > len(best.rows):
                best = grid
        return best

    def _header_lines(self, anchors: list[str]) -> list[list[Match]]:
        by_line: dict[int, list[Match]] = {}
        for match in self.index.find(anchors):
            by_line.setdefault(id(match.line), []).append(match)
        return list(by_line.values())

    def _columns(self, table: Table, header: list[Match]
                 ) -> tuple[dict[str, tuple[float, float]], dict[str, Match]]:
        centres, heads = [], {}
        for column in table.columns:
            folded = {fold(a) for a in column.anchors}
            for match in header:
                if fold(match.anchor) in folded and column.id not in heads:
                    centres.append((column.id, (match.bbox[0] + match.bbox[2]) / 2))
                    heads[column.id] = match
        return spans(centres), heads

    def _rows(self, table: Table, header: list[Match], left_edge: float
              ) -> tuple[dict[str, tuple[float, float]], dict[str, Match]]:
        header_line = header[0].line
        after = Position(header_line.page.number, header_line.index, 10_000)
        limit = Position(header_line.page.number, header_line.index + 3 + 2 * len(table.rows), 0)
        rivals = [a for r in table.rows for a in r.anchors]
        middles, labels = [], {}
        for row in table.rows:
            found = [m for m in self.index.find(row.anchors, after=after, before=limit, rivals=rivals)
                     if m.bbox[2] <= left_edge + 2 and row.id not in dict(middles)]
            if found:
                middles.append((row.id, (found[0].bbox[1] + found[0].bbox[3]) / 2))
                labels[row.id] = found[0]
        return (spans(middles) if middles else {}), labels

    def _choice_row(self, field: FieldDef, table: Table, grid: Grid) -> None:
        ticked, unknown, marks, unseen = [], False, [], []
        for column in table.columns:
            zone = grid.cell(field.row, column.id)
            if zone is None:
                unseen.append(column.label)
                continue
            cell_marks = zone.page.marks_in(zone.bbox)
            ticks = [w for w in zone.page.words_in(zone.bbox) if w.text in TICK_GLYPHS]
            self.ledger.claim((zone.page, w) for w in ticks)
            marks.extend(cell_marks)
            if not cell_marks and not ticks:
                unseen.append(column.label)  # a box not found, if the other cells have theirs
            if any(m.checked for m in cell_marks) or (ticks and not cell_marks):
                ticked.append(column)
            unknown |= any(m.checked is None for m in cell_marks)
        zone = grid.row_zone(field.row)
        if unknown:
            return self._set_value(field, None, None, marks, "Case cochée illisible : valeur à vérifier.", zone)
        if len(ticked) > 1:
            return self._set_value(field, None, " + ".join(c.label for c in ticked), marks, None, zone)
        if not ticked and unseen and (marks or len(unseen) < len(table.columns)):
            # the tick may be in a column, or a box, that was not found
            return self._set_value(field, None, None, marks, f"Case « {unseen[0]} » non repérée : "
                                   "valeur à vérifier.", zone)
        value = ticked[0].id if ticked else None
        self._set_value(field, value, ticked[0].label if ticked else None, marks, None, zone)

    # -- commitments --------------------------------------------------------
    def _commitments(self) -> None:
        start = self.index.first(self.form.commitments_start) if self.form.commitments_start else None
        position = start.end if start else None
        end = self.index.first(self.form.commitments_end, after=position)
        labels: list[tuple[Commitment, Match | None]] = []
        for item in self.form.commitments:
            found = [m for m in self.index.find(item.anchors, after=position,
                                                before=end.start if end else None) if _starts_line(m)]
            match = found[0] if found else None
            labels.append((item, match))
            if match is not None:
                position = match.end
        headers = self._answer_headers(start, end, [m for _, m in labels if m is not None])
        if headers:
            self._commitment_table(labels, headers, end)
        else:
            for number, (item, match) in enumerate(labels):
                following = next((m for _, m in labels[number + 1:] if m is not None), end)
                self._commitment(item, match, following)
        strip_repeated_prompt(self.readings, self.form)
        doubt_overflowing_details(self.readings, self.form)
        apply_commitment_list_rule(self.readings, self.form)

    def _answer_headers(self, start: Match | None, end: Match | None,
                        row_labels: list[Match]) -> list[AnswerColumns]:
        """The "Oui" / "Non" header cells of a yes/no table, one per page it is printed on
        (a pair standing on a row label's own line is that row's answer, not a header)."""
        headers = []
        for yes, no in self._yes_no_pairs(start.end if start else None, end.start if end else None):
            if any(_same_row(m, yes) or _within_label_cell(m, yes) for m in row_labels):
                continue
            on_page = [m for m in row_labels if m.page is yes.page]
            heads_rows = on_page and all(m.bbox[1] > yes.bbox[3] for m in on_page)
            if heads_rows and not any(h.page is yes.page for h in headers):
                headers.append(AnswerColumns.from_header(yes, no))
        for head in self.index.find(self.form.yes_no_headers, after=start.end if start else None,
                                    before=end.start if end else None):  # "O/N", "Oui/Non" in one word
            on_page = [m for m in row_labels if m.page is head.page]
            if on_page and all(m.bbox[1] > head.bbox[3] for m in on_page) \
                    and not any(h.page is head.page for h in headers):
                headers.append(AnswerColumns.shared(head.page, head.bbox))
        return headers

    def _commitment_table(self, labels: list[tuple[Commitment, Match | None]], headers: list[AnswerColumns],
                          end: Match | None) -> None:
        """Commitments as rows of a table with Oui / Non (and details) columns."""
        found = [(item, m) for item, m in labels if m is not None]
        for item, match in labels:
            if match is None:
                self._missing(self.form.field(item.done_key), item.label)
                self._missing(self.form.field(item.details_key), item.label)
        pages = sorted({id(m.page): m.page for _, m in found}.values(), key=lambda p: p.number)
        columns, last = None, None
        for page in pages:
            columns = next((h for h in headers if h.page is page), None) or (columns.on(page) if columns else None)
            rows = sorted([(item, m) for item, m in found if m.page is page], key=lambda r: r[1].bbox[1])
            if columns is None:
                for item, match in rows:
                    self._commitment(item, match, None)
                continue
            top = columns.header_bottom or page.height * MARGIN
            bottom = end.line.top - 0.5 if end and end.page is page else page.height * (1 - MARGIN)
            detail_tops = [w.top for w in page.words_in((columns.details[0], top, columns.details[1], bottom))
                           if id(w) not in self.furniture]
            bands = row_bands(page, [m.bbox for _, m in rows], top, bottom, detail_tops)
            if last is not None and bands and bands[0][0] > top and self._ends_its_page(last[1]):
                # the last row of the page before, run over (not when a row not found stands under it)
                self._details_run_over(last, columns.cells((top, bands[0][0]))["details"])
            for (item, match), band in zip(rows, bands):
                self._commitment_row(item, match, columns.cells(band))
                last = (item, columns.cells(band)["details"])
        if last is not None and columns is not None:
            self._details_onto_next_page(last, columns, end)

    def _details_run_over(self, last: tuple[Commitment, Zone], more: Zone) -> None:
        """A row broken by a page break: its details go on at the top of the next page's table."""
        item, zone = last
        words = [(p, w) for p, w in self._answer_words([more], excluded=set(), free_text=True)
                 if id(w) not in self.labels]
        if words:
            field = self.form.field(item.details_key)
            self._set(field, self._answer_words([zone], excluded=set(), free_text=True) + words, zones=[zone, more])

    def _details_onto_next_page(self, last: tuple[Commitment, Zone], columns: AnswerColumns,
                                end: Match | None) -> None:
        """The table's last row broken by a page break onto a page with no row of its own: when
        nothing stands under that row on its page, the lines heading the next page inside the
        details column (before any other text) are the end of its details."""
        item, zone = last
        page = zone.page
        following = next((p for p in self.pages if p.number == page.number + 1), None)
        if not self._ends_its_page(zone) or following is None or (end is not None and end.page is page):
            return
        left, right = columns.details
        bottom = None
        for line in group_lines(w for w in following.words if id(w) not in self.furniture):
            if end is not None and end.page is following and line[0].top >= end.line.top - 0.5:
                break
            if any(w.x0 < left - PAD or w.x1 > right + PAD or id(w) in self.labels for w in line):
                break
            bottom = max(w.bottom for w in line)
        if bottom is not None:
            self._details_run_over(last, Zone(following, (left, 0.0, right, bottom + PAD)))

    def _ends_its_page(self, zone: Zone) -> bool:
        """Nothing but running headers and footers stands under the zone on its page."""
        page = zone.page
        return not any(id(w) not in self.furniture for w in page.words_in((0, zone.bbox[3], page.width, page.height)))

    def _commitment_row(self, item: Commitment, label: Match, cells: dict[str, Zone]) -> None:
        done, details = self.form.field(item.done_key), self.form.field(item.details_key)
        self.ledger.expect(done.key, label)
        self._set_yes_no(done, cells)
        self._set(details, self._answer_words([cells["details"]], excluded=set(), free_text=True),
                  zones=[cells["details"]])

    def _set_yes_no(self, field: FieldDef, cells: dict[str, Zone]) -> None:
        """A yes/no answer from its cells: a tick (box, X, ✓) under Oui or under Non, or the
        word typed in a shared "Oui / Non" column."""
        if "words" in cells:
            zone = cells["words"]
            found = self._answer_words([zone])
            self.ledger.take(field.key, found)
            words = [w for _, w in found]
            answers = {self._yes_no_word(w.text, letters=True) for w in words}
            if None in answers:
                return self._set_value(field, None, " ".join(w.text for w in words), [],
                                       "Réponse Oui / Non illisible : valeur à vérifier.", zone)
            raw = " ".join(w.text for w in words) or None
            value = answers.pop() if len(answers) == 1 else None
            return self._set_value(field, value, raw, [], None, zone)
        states = {name: self._cell_tick(cells[name]) for name in ("yes", "no")}
        zone = Zone(cells["yes"].page, union([cells["yes"].bbox, cells["no"].bbox]))
        self._decide_choice(field, states, zone)

    def _yes_no_word(self, text: str, letters: bool = False) -> bool | None:
        """True for "Oui"/"OUI"/"oui", False for "Non", None for anything else (one-letter
        words such as "x" or "o" are ticks or noise here, not answers; ``letters``: in a column
        headed « Oui / Non » or « O/N », "O" and "N" are the answer, a tick is still none)."""
        if letters and text not in TICK_GLYPHS:
            return self._yes_no_letters.get(fold(text))
        return self._yes_no_words.get(fold(text))

    @cached_property
    def _yes_no_letters(self) -> dict[str, bool]:
        words = {fold(w): False for w in self.form.no_words}
        words.update({fold(w): True for w in self.form.yes_words})
        return words

    @cached_property
    def _yes_no_words(self) -> dict[str, bool]:
        words = {fold(w): False for w in self.form.no_words if len(w) > 1}
        words.update({fold(w): True for w in self.form.yes_words if len(w) > 1})
        return words

    def _cell_tick(self, zone: Zone) -> tuple[Mark | None, bool | None]:
        """What a tick cell holds: a box and its state, a tick typed (X, ✓, the word), or nothing."""
        marks = zone.page.marks_in(zone.bbox)
        words = [w for _, w in self._answer_words([zone])]
        ticks = [w for w in words if w.text in TICK_GLYPHS or self._yes_no_word(w.text) is not None]
        if any(m.checked for m in marks) or (ticks and not marks):
            mark = next((m for m in marks if m.checked), None)
            return mark or Mark(*ticks[0].bbox, checked=True, source=ticks[0].source), True
        if any(m.checked is None for m in marks) or len(ticks) < len(words):
            return (marks[0] if marks else Mark(*words[0].bbox, checked=None)), None
        return (marks[0], False) if marks else (Mark(*zone.bbox, checked=False), False)

    def _commitment(self, item: Commitment, label: Match | None, following: Match | None) -> None:
        done, details = self.form.field(item.done_key), self.form.field(item.details_key)
        if label is None:
            self._missing(done, item.label)
            self._missing(details, item.label)
            return
        self.ledger.expect(done.key, label)
        if self._commitment_in_cell(item, label):
            return
        zone = Zone(label.page, label.bbox)
        if not self._yes_no_on_line(done, label, following, zone):
            self._single_box(done, label, zone)
        heading = self.index.first(self.form.commitment_details_anchors, after=label.end,
                                   before=following.start if following else None)
        typed, excluded, own_cell = self.typed.get(done.key), set(), False
        zones = [rest_of_line(heading)] if heading else []
        if heading is None and typed is not None:  # "Négociation d'accords : Oui – accord signé en 2024"
            excluded = {id(w) for w in label.page.words_in((0, typed.top, typed.x1 + 0.5, typed.bottom))}
            cell = cell_of(label.page, typed.bbox)
            own_cell = cell is not None and cell != cell_of(label.page, label.words[0].bbox)
            if own_cell:
                zones = [Zone(label.page, (typed.x1 + 0.5, typed.top - PAD, cell.x1, typed.bottom + PAD)),
                         Zone(label.page, (cell.x0, typed.bottom + PAD, cell.x1, cell.bottom))]  # the answer's cell
                right = label.page.tables[cell.table].right_of(cell)
                if right is not None:  # "Oui" alone in its column, the details in the next one
                    zones.append(Zone(label.page, right.bbox))
            elif any(share_row(typed, w) for w in label.words):  # on a label's row (else in the block below it)
                zones = [Zone(label.page, (typed.x1 + 0.5, typed.top - PAD, label.page.width, typed.bottom + PAD))]
        elif heading is None and done.key in self.options_end:  # "Label   Oui ☒ Non ☐   details" on its rows
            zones = [Zone(label.page, (self.options_end[done.key] + 0.5, label.bbox[1] - PAD,
                                       label.page.width, label.bbox[3] + PAD))]
        elif heading is None:  # "☑ Label : details" (one box): the details follow the label on its line
            zones, excluded = [rest_of_line(label)], set(self.ledger.claimed)
        column = heading if heading is not None and heading.page is not label.page else label  # a page break between
        left = _group_start(column) - (column.words[-1].bottom - column.words[-1].top)  # the list's column
        if not own_cell:  # details in the answer's own cell end with it
            zones += [Zone(z.page, (max(z.bbox[0], left), *z.bbox[1:]))
                      for z in block_between(heading or label, following)]
        written = self._answer_words(zones, excluded=excluded, free_text=True)
        self.ledger.claim(written)  # brackets taken off below make new words
        if heading is None and typed is not None:  # details typed on the answer's line run on its paragraph only
            written = _paragraph([(label.page, typed)] + written)[1:]
        self._set(details, _detail_words(written), zones=zones)

    def _commitment_in_cell(self, item: Commitment, label: Match) -> bool:
        """A commitment whose label's drawn cell is merged over several lines of the row (« label |
        Oui | X | Non |   » over « | Si oui, détailler : | details »): its printed Oui and Non and
        its details' prompt stand right of that cell within its height, wherever the label is set
        in it (centred, it stands on none of those lines); the details are the prompt's next cell.
        Whether it was read so."""
        cell = cell_of(label.page, label.words[-1].bbox)
        if cell is None:
            return False
        inside = lambda m: m.page is label.page and _within_label_cell(label, m)  # noqa: E731
        pairs = [(yes, no) for yes, no in self._yes_no_pairs(None, None) if inside(yes) and inside(no)]
        done, details = self.form.field(item.done_key), self.form.field(item.details_key)
        if not pairs:
            return self._answer_cell_in_row(done, details, label, cell)
        beside = self._prompted_cell(label.page, pairs[0][0], cell) if len(pairs) == 1 else None
        if beside is None:
            return False
        self._decide_options(done, {"yes": pairs[0][0], "no": pairs[0][1]})
        written = self._answer_words([beside], excluded=set(), free_text=True)
        self.ledger.claim(written)
        self._set(details, _detail_words(written), zones=[beside])
        return True

    def _answer_cell_in_row(self, done: FieldDef, details: FieldDef, label: Match, cell: Cell) -> bool:
        """« Engagement | Réponse | Détails »: right of the label's cell on its drawn row, one cell
        holds the word Oui or Non alone and at most one other cell holds words, the details,
        read whole (set in the middle of a tall row, the word stands between the details' lines,
        on none of the label's). Whether it was read so."""
        page = label.page
        row = [c for c in page.tables[cell.table].row(cell.row) if c.x0 >= cell.x1 - 0.5]
        texts = [(c, page.printed_in(c.bbox)) for c in row]
        answers = [(c, words[0]) for c, words in texts
                   if len(words) == 1 and self._yes_no_word(words[0].text) is not None]
        others = [c for c, words in texts if words and all(c is not a for a, _ in answers)]
        if len(answers) != 1 or len(others) > 1:
            return False
        answer, word = answers[0]
        value = self._yes_no_word(word.text)
        self._set_value(done, value, word.text, [Mark(*word.bbox, checked=value)], None, Zone(page, answer.bbox))
        self.typed[done.key] = word
        self.ledger.claim([(page, word)])
        zones = [Zone(page, others[0].bbox)] if others else []
        written = self._answer_words(zones, excluded=set(), free_text=True)
        self.ledger.claim(written)
        self._set(details, _detail_words(written), zones=zones or [Zone(page, answer.bbox)])
        return True

    def _prompted_cell(self, page: Page, yes: Match, band: Cell) -> Zone | None:
        """The details' cell of a row whose « Oui » stands in a drawn cell: the cell under it, in
        the row's band, holds the details' prompt (« Si oui, détailler : », wrapped in its cell
        beside the details' lines), and the cell right of that one holds the details."""
        cell = cell_of(page, yes.bbox)
        table = page.tables[cell.table] if cell is not None else None
        prompt = table.below(cell) if table is not None else None
        if prompt is None or prompt.bottom > band.bottom + 0.5:
            return None
        words = page.printed_in(prompt.bbox)
        right = table.right_of(prompt)
        text = fold(" ".join(w.text for w in words))
        if right is None or not any(text.startswith(fold(a)) for a in self.form.commitment_details_anchors):
            return None
        self.ledger.claim((page, w) for w in words)  # the prompt wrapped beside the details' lines
        return Zone(page, right.bbox)

    def _yes_no_on_line(self, field: FieldDef, label: Match, following: Match | None, zone: Zone) -> bool:
        """An answer on the label's line: "☑ Oui ☐ Non" (a box by each option), or the word
        typed after the label ("Négociation d'accords : OUI — Détails : …")."""
        last_row = label.line.rows[label.last]
        limit = Position(label.start.page, last_row + 2, 0)  # on its line, or on the line under it
        if following is not None and (following.start.page, following.start.line) < (limit.page, limit.line):
            limit = following.start
        options = self._option_pair(label, limit)
        if options is not None:
            self._decide_options(field, options)
            return True
        return self._typed_yes_no(field, label, zone)

    def _single_box(self, done: FieldDef, label: Match, zone: Zone) -> None:
        """SPEC's one box per commitment: ticked is yes (the list rule settles the rest)."""
        mark, checked = self._box_state(label, reach=label.page.width * COMMITMENT_BOX_REACH)
        if mark is None:
            self._set_value(done, None, None, [], "Case de l'engagement non repérée : valeur à vérifier.", zone)
        elif checked is None:
            self._set_value(done, None, None, [mark], "Case cochée illisible : valeur à vérifier.", zone)
        else:
            self._set_value(done, checked, "X" if checked else None, [mark], None, zone)

def strip_repeated_prompt(readings: dict[str, Reading], form: Form) -> None:
    """The same few words and a colon starting the details of several commitments (« Si oui,
    précisez : », « Commentaire : ») are the re-made form's printed prompt, not the bidder's
    words: taken off (details that are the prompt alone are blank)."""
    details = [readings[c.details_key] for c in form.commitments if c.details_key in readings]
    heads = [REPEATED_PROMPT.match(r.value) if isinstance(r.value, str) else None for r in details]
    counts = Counter(fold(m.group(1)) for m in heads if m)
    for reading, head in zip(details, heads):
        if head and counts[fold(head.group(1))] >= PROMPT_ROWS:
            reading.value = reading.raw = reading.value[head.end():].strip() or None


def doubt_overflowing_details(readings: dict[str, Reading], form: Form) -> None:
    """Details holding another commitment's printed label ran over into its row (a label the
    page's reading missed, the next row's words taken in): a doubt, never a sure value."""
    for item in form.commitments:
        reading = readings.get(item.details_key)
        if reading is None or not isinstance(reading.value, str) or reading.doubt:
            continue
        text = fold(reading.value)
        others = [fold(a) for c in form.commitments if c is not item for a in c.anchors]
        if any(len(label) >= LABEL_INSIDE and label in text for label in others):
            reading.doubt = (f"« {reading.value[:60]} » contient le libellé d'un autre engagement : "
                             "valeur à vérifier.")


def _choice_named(table: Table, words: list[Word]) -> Axis | None:
    """The table's choice (column) the words name whole ("Non binaire"), if any."""
    text = fold(" ".join(w.text for w in words))
    return next((c for c in table.columns if text in {fold(a) for a in c.anchors}), None) if text else None


def _facing_box(page: Page, cell: Cell) -> Cell | None:
    """The nearest box of another table right of ``cell``, level with it (each overlapping most
    of the other's height) and with nothing printed between them."""
    height = cell.bottom - cell.top
    facing = [c for t in page.tables if t.index != cell.table for c in t.cells
              if c.x0 >= cell.x1 - 0.5 and c.x0 - cell.x1 < FACING_GAP * height
              and min(c.bottom, cell.bottom) - max(c.top, cell.top) > FACING_OVERLAP * max(height, c.bottom - c.top)]
    box = min(facing, key=lambda c: c.x0, default=None)
    if box is None or page.printed_in((cell.x1, max(box.top, cell.top), box.x0, min(box.bottom, cell.bottom))):
        return None
    return box


def _within_label_cell(label: Match, other: Match) -> bool:
    """Whether ``other`` stands right of the drawn cell holding ``label``, within its height
    (a label's cell merged over the lines of its row)."""
    cell = cell_of(label.page, label.words[-1].bbox)
    return (cell is not None and other.page is label.page and other.bbox[0] >= cell.x1 - 0.5
            and cell.top - 0.5 <= other.bbox[1] and other.bbox[3] <= cell.bottom + 0.5)


def _joined(words: list[tuple[Page, Word]]) -> str:
    """The words' text; a word broken at its hyphen at a line's end is joined again ("2023-" "2026")."""
    text = ""
    for index, (_, word) in enumerate(words):
        previous = words[index - 1][1] if index else None
        broken = previous is not None and len(previous.text) > 1 and previous.text.endswith("-") \
            and word.top > previous.bottom - (previous.bottom - previous.top) * 0.3
        text += ("" if broken or previous is None else " ") + word.text
    return text


def _box_beside(option: Match, side: str) -> Mark | None:
    """The box standing just before (or after) an option's word on its line."""
    x0, top, x1, bottom = option.bbox
    for mark in option.page.marks:
        gap = x0 - mark.x1 if side == "before" else mark.x0 - x1
        if share_row(option.words[0], mark) and -1 <= gap < bottom - top:
            return mark
    return None


def _own_cell(span: tuple[float, float], label: Match, others: list[Match], axis: int) -> tuple[float, float]:
    """A row's (axis 1) or column's (axis 0) extent: the drawn cell of its label or header where
    that cell is its own (no other header or row label in it), else the span between its
    neighbours. The last row of a ruled table ends at its bottom rule, not on the line printed
    under the table; a number set right in its cell stays in its column."""
    cell = cell_of(label.page, label.bbox)
    if cell is None:
        return span
    low, high = (cell.x0, cell.x1) if axis == 0 else (cell.top, cell.bottom)
    centres = [(m.bbox[axis] + m.bbox[axis + 2]) / 2 for m in others if m is not label]
    return span if any(low < c < high for c in centres) else (low, high)


def _left_to_right(words: list[tuple[Page, Word]]) -> list[tuple[Page, Word]]:
    """One line's band: its words left to right (a neighbouring panel's line may stand a little higher).
    A scan's zone is read as OCR gives it (its band may hold a wrapped answer's two lines)."""
    if any(w.source == SOURCE_OCR for _, w in words):
        return words
    return sorted(words, key=lambda item: item[1].x0)


def _first_group(words: list[tuple[Page, Word]]) -> list[tuple[Page, Word]]:
    """An answer on its label's line ends at the first gap wider than a few spaces: what stands
    beyond is a neighbouring panel or column (left to its own field, or to the ledger). Not on
    scans, where OCR's gaps between words are no measure."""
    if any(w.source == SOURCE_OCR for _, w in words):
        return words
    for index in range(1, len(words)):
        (_, previous), (_, word) = words[index - 1], words[index]
        if word.x0 - previous.x1 > (previous.bottom - previous.top) * GROUP_GAP:
            return words[:index]
    return words


def _inside_brackets(match: Match) -> bool:
    """Whether the label was found inside a bracket it opens ("(note / 100)")."""
    text = " ".join(w.text for w in match.words)
    return text.count("(") > text.count(")")


def _past_bracket(words: list[tuple[Page, Word]]) -> list[tuple[Page, Word]]:
    """The words after the bracket the label left open is closed ("/ 100)  86" gives "86")."""
    closing = next((i for i, (_, w) in enumerate(words[:HINT_WORDS]) if w.text.endswith(")")), None)
    return _without_label_tail(words[closing + 1:]) if closing is not None else words


_OF_FORM: dict[tuple[int, Callable], tuple[Form, object]] = {}  # (id(form), build) -> the form, what build made


def of_form(form: Form, build: Callable[[Form], T]) -> T:
    """``build(form)``, made once for the form: what the reader of each file derives from the form
    alone (not to be changed by the caller). Kept here with the form (whose id is so never given
    to another), not in it: a form sent to a worker process is pickled without it."""
    key = (id(form), build)
    if key not in _OF_FORM:
        _OF_FORM[key] = (form, build(form))
    return _OF_FORM[key][1]


def printed_phrases(form: Form) -> list[str]:
    """The form's printed labels and titles, folded (a value found inside one is a label's piece)."""
    texts = [a for f in form.fields for a in f.anchors]
    texts += [a for c in form.commitments for a in c.anchors]
    texts += [t for t in form.document.values() if isinstance(t, str)]
    return [fold(text) for text in texts]


def printed_text(form: Form) -> str:
    """The form's printed phrases, folded, as one text (a line each): a value is looked for in it at
    once, not in each of the two hundred phrases (a folded value holds no line break, so it is found
    in the text only where it is inside one phrase)."""
    return "\n".join(printed_phrases(form))


def label_fragment(raw: str | None, printed: str) -> str | None:
    """A value that is a piece of a printed label (a wrapped label's last line: inside one of the
    form's phrases, ``printed`` being :func:`printed_text`) is a doubt."""
    folded = fold(raw or "")
    if len(folded) < 6 or folded not in printed:
        return None
    return f"« {raw} » ressemble à un morceau de libellé imprimé : valeur à vérifier."


def figures_only(text: str) -> bool:
    """Whether a word is figures only ("91", "33,3%"): never a help text, though a scan's tight box
    makes it shorter than a label's letters (no ascender or descender)."""
    return not any(c.isalpha() for c in text) and any(c.isdigit() for c in text)


def _on_several_lines(words: list[Word]) -> bool:
    """Whether some of the words stand wholly below others (two lines, not one number)."""
    return any(b.top >= a.bottom - (a.bottom - a.top) * 0.2 for a in words for b in words)


def _paragraph(words: list[tuple[Page, Word]]) -> list[tuple[Page, Word]]:
    """The words up to the first gap between lines wider than a paragraph's line spacing
    (what follows, "Fait à …, le …", is another paragraph); lines in one drawn cell are one value."""
    for index in range(1, len(words)):
        (page, previous), (next_page, word) = words[index - 1], words[index]
        if next_page is not page or (word.top - previous.bottom > _paragraph_gap(page, previous, word)
                                     and not _same_cell(page, previous, word) and not _wrapped(page, previous, word)):
            return words[:index]
    return words


def _wrapped(page: Page, previous: Word, word: Word) -> bool:
    """The line ended for want of room and runs on below: the next line's first word would not
    have fitted after its last one, within the right edge of the text around them (a word
    processor's wrap, whatever the spacing of its lines; text beside, in a panel or a table
    cell to the right, widens that edge, and the rule then holds back)."""
    height = max(previous.bottom - previous.top, word.bottom - word.top)
    if word.source == SOURCE_OCR or word.top - previous.bottom > height * WRAPPED_GAP:
        return False
    around = page.words_in((0, previous.top - WRAP_CONTEXT * height, page.width, word.bottom + WRAP_CONTEXT * height))
    right = max(w.x1 for w in around)
    return previous.x1 + height * SPACE_WIDTH + (word.x1 - word.x0) > right


def _paragraph_gap(page: Page, previous: Word, word: Word) -> float:
    """The gap between two lines beyond which they are two paragraphs. A text layer's boxes span
    the font's ascent to descent: a share of a word's height ("aux" is shorter than its line).
    OCR's boxes are the ink's own (« CSE » a capital's height, « aux » an x-height): a share of
    the lines' tallest words, more than a normal line's blank between them."""
    if previous.source != SOURCE_OCR and word.source != SOURCE_OCR:
        return max(previous.bottom - previous.top, word.bottom - word.top) * PARAGRAPH_GAP
    ink = max(o.bottom - o.top for w in (previous, word)
              for o in page.words_in((0, w.top, page.width, w.bottom)) if share_row(o, w))
    return ink * OCR_PARAGRAPH_GAP


def _same_cell(page: Page, first: Word, second: Word) -> bool:
    cell = cell_of(page, first.bbox)
    return cell is not None and cell == cell_of(page, second.bbox)


def _detail_words(words: list[tuple[Page, Word]]) -> list[tuple[Page, Word]]:
    """Details written after the yes/no answer less what joins them to it: a dash or colon
    ("Oui – accord signé"), or the brackets around them ("oui (accord signé)")."""
    while words and (SEPARATORS.match(words[0][1].text) or ARROWS.match(words[0][1].text)):
        words = words[1:]
    text = " ".join(w.text for _, w in words)
    if text.startswith("(") and text.find(")") == len(text) - 1:
        (first_page, first), (last_page, last) = words[0], words[-1]
        if len(words) == 1:
            return [(first_page, replace(first, text=first.text[1:-1]))]
        words = [(first_page, replace(first, text=first.text[1:]))] + words[1:-1] + \
            [(last_page, replace(last, text=last.text[:-1]))]
    return words


def _without_box_edges(words: list[tuple[Page, Word]]) -> list[tuple[Page, Word]]:
    """An input box's sides read by OCR as "|" or "[" at the ends of the answer. A word
    left as it was stays the same object: the ledger knows the words it claims by identity."""
    if not any(word.source == SOURCE_OCR for _, word in words):
        return list(words)  # a text layer's words have no box read with them
    edges = [(page, replace(word, text=stripped) if word.source == SOURCE_OCR
              and (stripped := word.text.strip("|[]").strip()) != word.text else word)
             for page, word in words]
    return [(page, word) for page, word in edges if word.text or word.source != SOURCE_OCR]


def _without_label_tail(words: list[tuple[Page, Word]]) -> list[tuple[Page, Word]]:
    """The answer's words less what ends the label before it: the colon or question mark,
    a hint in brackets ("(%)", "(en %)", "(sur 100)"), a unit before the label's colon
    ("Index …, note sur 100 : 86", "Part de femmes en % : 40") and the label's other wording
    after a slash ("Raison sociale / Company name : SAS Dupont")."""
    while words and (_label_colon(words[0][1]) or words[0][1].text in ("?", "!")):
        words = words[1:]
    head = [w for _, w in words[:LABEL_TAIL_WORDS]]  # all the two tests look at (not a long answer's every word)
    unit = unit_before_colon(head) or other_wording_before_colon(head)
    if unit:
        return _without_label_tail(words[unit:])
    if words and words[0][1].text.startswith("("):
        closing = next((i for i, (_, w) in enumerate(words[:HINT_WORDS]) if w.text.endswith(")")), None)
        if closing is not None:
            return _without_label_tail(words[closing + 1:])
    return words


def _before_colon(match: Match) -> bool:
    """The match is followed on its line by a colon: it ends a label."""
    words = match.line.words
    return match.last + 1 < len(words) and words[match.last + 1].text == ":"


def _label_colon(word: Word) -> bool:
    """The colon printed after a label (from a scan, with the remains of the
    label's last letter glued to it: "|:")."""
    return word.text == ":" or (word.source == SOURCE_OCR and word.text.endswith(":")
                                and not any(c.isalnum() for c in word.text))


def _lexicon_doubt(raw: str) -> str | None:
    """A doubt naming the words of a scan's text that no French word list knows: OCR reads a
    typed word as another, sure of it (« Partenanat »); or whose capital or accent it may have
    misread (« La CCI », « Egalité », « Ténues »); or a « % », « ; », « : », « ! », « ? » glued
    to what precedes it, where French puts a space, often a narrow one that OCR does not see."""
    unknown = unknown_words(raw)
    if unknown:
        shown = ", ".join(f"« {word} »" for word in unknown[:3])
        return f"Mot absent du dictionnaire lu sur un scan ({shown}) : peut-être mal lu, valeur à vérifier."
    odd = odd_letters(raw)
    if odd:
        shown = ", ".join(f"« {word} »" for word in odd[:3])
        return f"Majuscule ou accent peut-être mal lu sur un scan ({shown}) : valeur à vérifier."
    glued = GLUED_SIGN.search(raw)
    if glued:
        return (f"« {glued.group()[-1]} » collé au mot qui le précède sur un scan : une espace fine avant "
                "ce signe échappe souvent à la lecture, valeur à vérifier.")
    return None


def _implausible(text: str) -> bool:
    """Punctuation a writer does not leave but OCR does: an opening quote or
    bracket without its closing one (or the reverse), usually dust read as a
    mark; a text ending with a comma, usually its full stop misread. ’ closes
    ‘ but is also the French apostrophe, so only a ‘ never closed counts."""
    if text.endswith(",") or any(text.count(opening) != text.count(closing) for opening, closing in PAIRS):
        return True
    return "‘" in text and "’" not in text[text.index("‘"):]


def _disjoint(matches: list[Match]) -> bool:
    """Whether no two of the matches hold a word in common."""
    return len(set().union(*(m.word_ids for m in matches))) == sum(len(m.word_ids) for m in matches)


def _same_word(word: Word, other: Word) -> bool:
    """One word of the page, read in two zones: the same text at the same place."""
    return word is other or (word.text == other.text and overlap_ratio(word.bbox, other.bbox) >= 0.5)


def _dash_between(word: Word, words: list[tuple[Page, Word]]) -> bool:
    """A dash read between two words of its line, each within a space or two of it: Tesseract is
    seldom sure of a lone « – » (« 2027-009 – Collecte » at 42%), but dust is not placed so.
    Kept, it sends its value to review with its low confidence."""
    if word.text not in DASH_SIGNS:
        return False
    near = [w for _, w in words if w is not word and share_row(word, w)
            and max(w.x0 - word.x1, word.x0 - w.x1) <= DASH_GAP * (w.bottom - w.top)]
    return any(w.x1 <= word.x0 for w in near) and any(w.x0 >= word.x1 for w in near)


def _stray(word: Word, words: list[tuple[Page, Word]]) -> bool:
    """A lone letter or sign far from the value's words on its line: a form's mark read as a
    letter (the chevron of a drop-down list printed and scanned, read « v »), or a speck of dust
    read as a full stop well after the line's last word, not the bidder's."""
    if len(word.text) != 1 or word.text.isdigit():
        return False
    height = max(w.bottom - w.top for _, w in words)
    row = [w for _, w in words if w is not word and share_row(word, w)]
    if not word.text.isalpha() and any(w.x0 > word.x0 for w in row):
        return False  # a sign before words (a list's dash) is the writer's
    return bool(row) and all(max(w.x0 - word.x1, word.x0 - w.x1) > STRAY_GAP * height for w in row)


def _starts_line(match: Match) -> bool:
    """A commitment's label begins its line (a tick typed in front of it, the remains of a
    tick read as a speck, or a list's marker or number aside: "- ", "•", "3.", "b)")."""
    words = match.line.words
    start = match.first  # where the match's text group starts: its line's start, or a column's after a wide gap
    while start > 0 and words[start].x0 - words[start - 1].x1 <= (words[start].bottom - words[start].top) * GROUP_GAP:
        start -= 1
    before = words[start:match.first]
    return all(w.text in TICK_GLYPHS or speck(w) or (LIST_MARKER.match(w.text) and i < 2)
               for i, w in enumerate(before))


def _row_on_header(row: Match, header: list[Match], choices: bool) -> bool:
    """Whether a row's label stands on a header line's row, so that the line is that row
    answered on its line, not a header: anywhere on it for a choice table ("Président.e :
    ☐ Femme ☒ Homme"), else followed by the first column name ("Cadres — Femmes : 3 ;
    Hommes : 5"; a corner cell's "Nb de salarié·es" before the names is no row)."""
    if not _same_row(row, header[0]):
        return False
    after = [m for m in header if m.bbox[0] >= row.bbox[2]]
    return choices or (bool(after) and _side_by_side(row, min(after, key=lambda m: m.bbox[0])))


def _side_by_side(first: Match, second: Match) -> bool:
    """Two names printed as one label, "Cadres – Femmes", "CADRES — FEMMES": the second follows
    the first on its line with at most a dash or a slash between them, each step from one to
    the next narrower than two line heights (a spaced dash between capitals, whose line is
    short, is as far from each as from a word)."""
    if not _same_row(second, first) or second.bbox[0] < first.bbox[2]:
        return False
    height = first.words[-1].bottom - first.words[-1].top
    between = first.page.printed_in((first.bbox[2], first.bbox[1], second.bbox[0], first.bbox[3]))
    edges = [first.bbox[2]] + [x for w in between for x in (w.x0, w.x1)] + [second.bbox[0]]
    return all(edges[i + 1] - edges[i] < height * 2 for i in range(0, len(edges), 2)) and all(
        SEPARATORS.match(w.text) or w.text == "/" for w in between)


def _group_start(match: Match) -> float:
    """Where the text group holding the match begins on its line (a label may be found
    from its middle: "votre politique interne…" in "Détaillez ci-dessous votre politique…")."""
    return _group_edge(match, -1)


def _group_end(match: Match) -> float:
    """Where the text group holding the match ends on its line."""
    return _group_edge(match, 1)


def _group_edge(match: Match, step: int) -> float:
    """The group's left (``step`` -1) or right (1) edge: its words on the match's row, up to a
    gap wider than :data:`GROUP_GAP` line heights."""
    words, rows = match.line.words, match.line.rows
    index = match.first if step < 0 else match.last
    while 0 <= index + step < len(words) and rows[index + step] == rows[index]:
        word, neighbour = words[index], words[index + step]
        gap = word.x0 - neighbour.x1 if step < 0 else neighbour.x0 - word.x1
        if gap > (word.bottom - word.top) * GROUP_GAP:
            break
        index += step
    return words[index].x0 if step < 0 else words[index].x1


def _apart(page: Page, word: Word, following: Word) -> bool:
    """Whether the next word stands in another drawn cell, or after a gap wider than a few
    spaces (a column of its own): « Oui | Accord signé en 2024 »."""
    if cell_of(page, word.bbox) is not None:
        return not _same_cell(page, word, following)
    return following.x0 - word.x1 > (word.bottom - word.top) * GROUP_GAP


def _near_line(match: Match, header: Match) -> bool:
    """A header cell written on the line just above or below the header line, or wrapped."""
    height = header.words[-1].bottom - header.words[-1].top
    return match.page is header.page and abs(
        (match.bbox[1] + match.bbox[3]) / 2 - (header.bbox[1] + header.bbox[3]) / 2) < 2 * height


def _same_row(match: Match, label: Match) -> bool:
    """Whether a match stands on the line of the label's last word (on the same page)."""
    return match.page is label.page and share_row(label.words[-1], match.words[0])


def _rests_of_rows(label: Match) -> list[Zone]:
    """Right of a wrapped label, row by row, its last row first: where an answer typed after it stands."""
    rows: dict[int, list[Word]] = {}
    for word, row in zip(label.words, label.line.rows[label.first:label.last + 1]):
        rows.setdefault(row, []).append(word)
    zones = []
    for words in reversed(list(rows.values())):
        last = max(words, key=lambda w: w.x1)
        zones.append(Zone(label.page, (last.x1 + 0.5, last.top - PAD, label.page.width, last.bottom + PAD)))
    return zones


class _TableNames(NamedTuple):
    """A table's anchors, the names of its columns, of its rows, of both (rows first) and of both and
    its grand total: each cell of a listed table asks with them."""

    columns: tuple[str, ...]
    rows: tuple[str, ...]
    all: tuple[str, ...]
    all_and_total: tuple[str, ...]


def _table_names(form: Form) -> dict[str, _TableNames]:
    """The anchors of each of the form's tables (see :class:`_TableNames`), by table id."""
    names = {}
    for table in form.tables.values():
        every = tuple(a for axis in table.rows + table.columns for a in axis.anchors)
        names[table.id] = _TableNames(tuple(a for c in table.columns for a in c.anchors),
                                      tuple(a for r in table.rows for a in r.anchors), every,
                                      every + tuple(table.grand_total))
    return names


def _other_line_labels(form: Form) -> dict[str, tuple[str, ...]]:
    """For each field, the labels of the other fields answered on their line (inline or choice),
    which end its answer there (see :meth:`FieldReader._stop_on_line`)."""
    return {field.key: tuple(a for f in form.fields if f.read in ("inline", "choice") and f is not field
                             for a in f.anchors) for field in form.fields}


def _rival_phrases(form: Form) -> list[str]:
    """Longer printed phrases holding the word "Oui" or "Non", where it is no option to tick:
    "Non cadres", "Non binaire", "Si oui, détailler", "Non renseigné"."""
    phrases = [a for t in form.tables.values() for axis in t.rows + t.columns for a in axis.anchors]
    phrases += [a for f in form.fields for a in f.anchors] + list(form.commitment_details_anchors)
    phrases += list(form.non_answers)
    options = {fold(w) for w in form.yes_words[:1] + form.no_words[:1]}
    return [p for p in phrases if len(p.split()) > 1 and options & {fold(w) for w in re.split(r"[\s,]+", p)}]


