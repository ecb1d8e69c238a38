"""The ledger of claimed words: the reader's guard against silent errors.

Every word the field reader takes into a value is claimed by that field. A
field's label line is where its answer stands in most layouts; a word on that
line that no field claimed and that is no printed text of the form (labels,
running headers, leaders, hints) nor a scan's speck read as a sign is
something the bidder wrote that the reader could not place. The field then goes to review, saying which words
were left over, instead of being shown as sure.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

from extract.cells import Cell, cell_of
from extract.labels import Match, unit_before_colon
from extract.tokens import Page, Word, share_row, speck
from questionnaire.text import fold

HINT_WORDS = 4  # a bracketed hint on a label's line is this short at most
INK_COVERED = 0.5  # share of unread ink's width under claimed words that makes it ink they were read from
IGNORED = re.compile(r"^([._…]{2,}|_+|…|[:;.,?!\-–—/*()%‘’'\"«»|]+|\(.*\))$")  # leaders, punctuation, hints in brackets


@dataclass
class Ledger:
    claimed: set[int] = field(default_factory=set)
    lines: dict[str, Match] = field(default_factory=dict)  # key -> its label, whose line holds its answer
    held: dict[int, list[Word]] = field(default_factory=dict, repr=False)  # page number -> the claimed words,
    # kept alive: a word made for one value (a box's edge cut off) would otherwise die, and its id be given
    # to a word read later; by page, to know a word read again in another zone (see _read_again)

    taken: dict[str, set[int]] = field(default_factory=dict, repr=False)  # key -> the words its value is made of

    def take(self, key: str, words: list[tuple[Page, Word]]) -> None:
        """The words of the field's value (as last read: a value read again replaces them)."""
        self.claim(words)
        self.taken[key] = {id(word) for _, word in words}

    def shared(self) -> dict[str, set[str]]:
        """For each field, the other fields whose value is made of some of the same words: two
        zones overlapped (a text column's line read as the rest of a label's line in the next
        column), and at most one of the fields can be right."""
        owners: dict[int, set[str]] = {}
        for key, ids in self.taken.items():
            for word in ids:
                owners.setdefault(word, set()).add(key)
        found: dict[str, set[str]] = {}
        for keys in owners.values():
            for key in keys if len(keys) > 1 else ():
                found.setdefault(key, set()).update(keys - {key})
        return found

    def claim(self, words: Iterable[tuple[Page, Word]]) -> None:
        for page, word in words:
            self.held.setdefault(page.number, []).append(word)
            self.claimed.add(id(word))

    def expect(self, key: str, label: Match) -> None:
        """The field's answer belongs on its label's line (or in a zone that starts there)."""
        self.lines.setdefault(key, label)

    def leftovers(self, printed: set[int], column_end: Callable[[Match], float | None] | None = None
                  ) -> dict[str, list[Word]]:
        """For each field, the words on its label's line that nothing claimed. The line runs to
        the page's edge; where a scan's strip read so gives ink but no word (read across a
        neighbouring text column's lines, Tesseract may read nothing), it is read again up to
        the end of the label's text column (``column_end``), where there is one."""
        found: dict[str, list[Word]] = {}
        for key, label in self.lines.items():
            row = _row_words(label)
            if column_end is not None and any(not w.text for w in row) and (end := column_end(label)) is not None:
                row = _row_words(label, end)
            words = [w for w in _without_hints(row) if id(w) not in self.claimed
                     and id(w) not in printed and id(w) not in label.word_ids and not IGNORED.match(w.text)
                     and not speck(w)
                     and not (self._read_again(label.page, w) if w.text else self._ink_read(label.page, w, printed))
                     and not self._in_unasked_column(label.page, w, printed)]
            if words:
                found[key] = words
        return found

    def _read_again(self, page: Page, word: Word) -> bool:
        """Whether the word is ink a field claimed, read again in another zone: on a scan each
        zone is read on its own, and the line read whole may join a value to the colon before it
        (« :0 » where the cell's zone read « 0 ») or draw its box a point or two aside. It is
        when the claimed words it touches on its row carry the same letters and figures."""
        touching = _touching(self.held.get(page.number, ()), word)
        read = "".join(w.text for w in sorted(touching, key=lambda w: w.x0))
        return bool(touching) and fold(word.text) == fold(read)

    def _ink_read(self, page: Page, word: Word, printed: set[int]) -> bool:
        """Whether ink no word was read from (an empty word: a zone cut across the top of a line)
        is the ink of words read in other zones, claimed or printed, that cover most of its width."""
        known = [*self.held.get(page.number, ()), *(w for w in page.words if id(w) in printed)]
        covered = sum(min(w.x1, word.x1) - max(w.x0, word.x0) for w in _touching(known, word, both=False))
        return covered >= INK_COVERED * (word.x1 - word.x0) > 0

    def _in_unasked_column(self, page: Page, word: Word, printed: set[int]) -> bool:
        """Whether the word stands in a drawn table's column that the bidder headed with words of
        their own, not the form's: what that column holds answers no field, and is shown in the
        file, not left over. So is a column beside those the form names (« % de l'effectif »
        beside the staff figures), and, in a table headed with the bidder's words throughout
        (« Fonction | Nom | Genre (F/H) »), a column no field took a word from, on a row whose
        answer a field took from another of its cells (the names beside the genders)."""
        cell = cell_of(page, word.bbox)
        if cell is None:
            return False
        table = page.tables[cell.table]
        head = table.column(cell.column)[0]
        if head == cell or not _bidder_words_in(page, head, printed):
            return False
        heads = [c for c in table.row(head.row) if c != head and page.words_in(c.bbox)]
        if any(not _bidder_words_in(page, c, printed) for c in heads):
            return True
        return (any(self._took_from(page, c) for c in table.row(cell.row) if c != cell)
                and not any(self._took_from(page, c) for c in table.column(cell.column)))

    def _took_from(self, page: Page, cell: Cell) -> bool:
        """Whether a field claimed a word standing in the cell (by place: a scan's zones are each
        read on their own, the cell's reading would give other words)."""
        return any(cell.x0 <= (w.x0 + w.x1) / 2 <= cell.x1 and cell.top <= w.middle <= cell.bottom
                   for w in self.held.get(page.number, ()))


def _touching(words: Iterable[Word], word: Word, both: bool = True) -> list[Word]:
    """The words on the word's row that overlap it across; not ``both``, the words most of
    ``word``'s height stands beside (it may be a sliver of their ink)."""
    return [w for w in words if share_row(word, w) and (not both or share_row(w, word))
            and min(w.x1, word.x1) > max(w.x0, word.x0)]


def _row_words(label: Match, end: float | None = None) -> list[Word]:
    """The words right of the label on its (last) line up to ``end`` (None: the page's edge),
    less the rest of the label's own drawn cell (printed text there
    is the label's: "(plus de 50 salariés)") and, for a label in a drawn table, less the words
    in another drawn table (a neighbouring panel's)."""
    last = label.words[-1]
    height = last.bottom - last.top
    cell = cell_of(label.page, last.bbox)
    start = cell.x1 if cell is not None else last.x1 + 0.5
    right = label.page.width if end is None else end
    words = label.page.words_in((start, last.top - 0.2 * height, right, last.bottom + 0.2 * height))
    if cell is None:
        return words
    return [w for w in words if (other := cell_of(label.page, w.bbox)) is None or other.table == cell.table]


def _bidder_words_in(page: Page, cell: Cell, printed: set[int]) -> bool:
    """Whether a cell holds words that are not the form's printed text."""
    return any(id(w) not in printed and not IGNORED.match(w.text) for w in page.words_in(cell.bbox))


def _without_hints(words: list[Word]) -> list[Word]:
    """The row less its bracketed hints of a few words ("(sur 100)", "(en %)") and a unit printed
    before the label's colon ("sur 100 :"): printed help, not answers."""
    kept, index = [], unit_before_colon(words)
    while index < len(words):
        if words[index].text.startswith("("):
            end = next((j for j in range(index, min(index + HINT_WORDS, len(words)))
                        if words[j].text.endswith(")")), None)
            if end is not None:
                index = end + 1
                continue
        kept.append(words[index])
        index += 1
    return kept
