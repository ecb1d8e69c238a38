"""Finding the form's printed labels among a page's words.

Labels are compared after folding: accents, case, spaces and punctuation
removed, so "Non-cadres" matches "Non cadres", "Président(e)" matches
"Président.e", and a label split into odd words still matches. A match must
start and end on word boundaries; OCR text is matched approximately
(rapidfuzz) since a scan may lose a letter or two.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Callable, Iterable, Iterator, Sequence

from rapidfuzz import fuzz

from extract.tokens import BBox, Page, Word, lines_of
from questionnaire.record import SOURCE_OCR, SOURCE_TEXT
from questionnaire.text import fold

LABEL_SOURCES = (SOURCE_TEXT, SOURCE_OCR)  # widget and annotation values are answers, never labels
ELISION = re.compile(r"(?i)^(?:qu|[cdjlmnst])['’](?=\w)")
OCR_MIN_SCORE = 85.0
IN_ANCHOR_SCORE = 75.0  # a word read on a scan is one of the anchor's when this close to a part of it ("consukation")
FIRST_WORD_MIN_SCORE = 70.0
OCR_LOST_SHARE = 0.15  # of a label's letters that a scan's reading may lose
GROUP_GAP = 1.2  # a gap wider than this many line heights separates table cells or columns
STACK_GAP = 0.9  # a wrapped label's next line starts within this many line heights
STACK_DEPTH = 3  # a label wraps over three lines at most
STACK_WORDS = 5  # ...and what wraps onto the next line is short
UNIT_HINT = re.compile(r"^(sur|en|/)?(100|%)$")  # a unit printed before a label's colon, folded ("sur 100")
UNIT_HINT_WORDS = 3  # ...in this many words at most
OTHER_WORDING_WORDS = 8  # a label's other wording after a slash (« / Company name : »): this many words at most
PREFIX = 3  # an anchor this long or longer is looked up by its first letters (see word_starts)
SCANNED_ANCHORS = 40  # ...once this many were searched through the text: indexing the starts costs as much
MARGIN = 0.05  # share of the page's height at its top and bottom holding running headers and footers


class kept:  # noqa: N801 - used as a decorator, like functools.cached_property
    """``functools.cached_property`` without the lock Python 3.11 takes on each first access (3.12 dropped
    it): the reader asks a few properties of each of a document's hundreds of matches and lines."""

    def __init__(self, compute: Callable) -> None:
        self.compute, self.name, self.__doc__ = compute, compute.__name__, compute.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance, owner: type | None = None):
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.compute(instance)
        return value


@dataclass(frozen=True)
class Position:
    """Where a word stands in reading order: page, physical line, left edge."""

    page: int
    line: int
    x: float


@dataclass(frozen=True)
class Line:
    """A text line, or a label wrapped over stacked lines (``rows`` differ then)."""

    page: Page
    index: int
    words: tuple[Word, ...]
    folded: str
    starts: tuple[int, ...]  # offset of each word in `folded`
    ends: tuple[int, ...]
    rows: tuple[int, ...]  # the physical line of each word
    first_at: dict[int, int] = field(default_factory=dict, compare=False)  # offset -> word starting there
    last_at: dict[int, int] = field(default_factory=dict, compare=False)  # offset -> word ending there

    @kept
    def top(self) -> float:
        return min(w.top for w in self.words)

    @kept
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @kept
    def ocr(self) -> bool:
        """Whether some of its words were read by OCR (the line is then matched approximately)."""
        return any(w.source == SOURCE_OCR for w in self.words)

    @kept
    def in_margin(self) -> bool:
        """A running header or footer: the form's field labels never stand there."""
        height = self.page.height
        return self.bottom < height * MARGIN or self.top > height * (1 - MARGIN)

    @kept
    def one_row(self) -> bool:
        """Whether all its words stand on one physical line (no wrapped label)."""
        return len(set(self.rows)) == 1


@dataclass(frozen=True)
class Match:
    """An anchor found on a line: the words it spans."""

    line: Line
    first: int
    last: int
    anchor: str
    score: float = 100.0

    @kept
    def words(self) -> tuple[Word, ...]:
        return self.line.words[self.first:self.last + 1]

    @kept
    def page(self) -> Page:
        return self.line.page

    @kept
    def start(self) -> Position:
        return Position(*self.start_key)

    @kept
    def end(self) -> Position:
        return Position(*self.end_key)

    @kept
    def start_key(self) -> tuple[int, int, float]:
        """Where it starts, as a tuple ordered as positions are (see :func:`_key`)."""
        return (self.line.page.number, self.line.rows[self.first], self.line.words[self.first].x0)

    @kept
    def end_key(self) -> tuple[int, int, float]:
        """Where it ends, as a tuple ordered as positions are (see :func:`_key`)."""
        return (self.line.page.number, self.line.rows[self.last], self.line.words[self.last].x0)

    @property
    def stacked(self) -> bool:
        """Whether the match spans a line break (a wrapped label)."""
        return self.line.rows[self.first] != self.line.rows[self.last]

    @kept
    def bbox(self) -> BBox:
        words = self.words
        return (min(w.x0 for w in words), min(w.top for w in words),
                max(w.x1 for w in words), max(w.bottom for w in words))

    @kept
    def length(self) -> int:
        return self.line.ends[self.last] - self.line.starts[self.first]

    @kept
    def rank(self) -> tuple[int, float, int]:
        """Which of matches covering the same words is kept: the longest, then the surest, then
        the one starting on its own line's start (see :func:`_best_per_span`)."""
        return (-self.length, -self.score, self.first)

    @kept
    def order(self) -> tuple[tuple[int, int, float], int]:
        """Reading order, the longest first where matches start together."""
        return (self.start_key, -self.length)

    @kept
    def word_ids(self) -> frozenset[int]:
        return frozenset(map(id, self.words))

    def contains(self, other: "Match") -> bool:
        """Whether this match covers all of ``other``'s words and more (on any line)."""
        return other.word_ids < self.word_ids


def make_line(page: Page, index: int, words: Sequence[Word], rows: Sequence[int] | None = None) -> Line:
    """``Line(page, index, words, ...)``, its text folded and its words placed in one pass over them,
    which also measures the line's top and bottom and tells whether OCR read it: the reader asks
    them of most lines (``min`` and ``max`` written out as they compare, as :func:`_groups` does)."""
    parts, starts, ends, first_at, last_at = [], [], [], {}, {}
    end, ocr, top, bottom = 0, False, None, None
    if words:
        top, bottom = words[0].top, words[0].bottom
    for number, word in enumerate(words):
        text = word.text
        part = fold(text)
        start, end = end, end + len(part)
        parts.append(part)
        starts.append(start)
        ends.append(end)
        upper, lower = word.top, word.bottom
        if upper < top:
            top = upper
        if lower > bottom:
            bottom = lower
        if word.source == SOURCE_OCR:
            ocr = True
        if end > start:  # words that fold to nothing (":") start and end no match
            first_at[start] = number  # offsets rise from word to word: each is new (and one elided inside a word)
            last_at[end] = number
            if "'" in text or "’" in text:  # the pattern only where it may match
                elision = ELISION.match(text)
                if elision:  # "l'index": a label may begin after the article
                    first_at[start + len(fold(elision.group()))] = number
    line = _new(Line)  # Line(page, index, ...), its fields written at once (see exact_match)
    line.__dict__.update(page=page, index=index, words=tuple(words), folded="".join(parts), starts=tuple(starts),
                         ends=tuple(ends), rows=tuple(rows) if rows is not None else (index,) * len(words),
                         first_at=first_at, last_at=last_at, ocr=ocr,
                         one_row=len(set(rows)) == 1 if rows is not None else bool(words))
    if words:  # kept as the properties would compute them (which fail on a line of no words)
        line.__dict__.update(top=top, bottom=bottom)
    return line


def stacked_lines(page: Page, lines: list[list[Word]]) -> list[Line]:
    """Labels wrapped in a narrow cell or column: a line's group of words joined
    with the group just below it in the same column (two or three lines).

    Each group's edges are measured once (see :func:`_groups`): a group is compared with the
    groups of the few lines below it, and most of a page's groups are joined with none."""
    groups = [_groups(line) for line in lines]
    stacked = []
    for index, line_groups in enumerate(groups):
        reach = min(index + 2 * STACK_DEPTH, len(groups))
        for group in line_groups:
            chain, upper, depth = None, group, 1
            for below in range(index + 1, reach):
                following = _next_part(upper, groups[below])
                if following is None:
                    continue  # a line of other cells only (« Oui | X | Non » set between a label's two lines)
                if following is False:
                    break
                if chain is None:  # most groups are joined with none: their chain is made when one is
                    chain, rows = list(group[0]), [index] * len(group[0])
                chain += following[0]
                rows += [below] * len(following[0])
                stacked.append(make_line(page, index, chain, rows))
                depth += 1
                if depth == STACK_DEPTH:
                    break
                upper = following
    return stacked


_Group = tuple  # (words, x0 of the first, x1 of the last, highest top, lowest bottom, tallest height)


def _groups(line: list[Word]) -> list[_Group]:
    """A line's words split where the gap is wider than a few spaces (cells, columns), each group
    with its edges, measured as it grows (``min`` and ``max`` written out as they compare: the
    first unless a later one is strictly less, or greater)."""
    groups: list[_Group] = []
    if not line:
        return groups
    first = line[0]
    words, x0, top, bottom = [first], first.x0, first.top, first.bottom
    height = bottom - top
    previous = first
    for word in line[1:]:
        upper, lower = word.top, word.bottom
        if word.x0 - previous.x1 > (previous.bottom - previous.top) * GROUP_GAP:
            groups.append((words, x0, previous.x1, top, bottom, height))
            words, x0, top, bottom, height = [word], word.x0, upper, lower, lower - upper
        else:
            words.append(word)
            top, bottom = (upper if upper < top else top), (lower if lower > bottom else bottom)
            height = lower - upper if lower - upper > height else height
        previous = word
    groups.append((words, x0, previous.x1, top, bottom, height))
    return groups


def _next_part(upper: _Group, groups: list[_Group]) -> _Group | bool | None:
    """The first of a line's groups that is the next line of ``upper``'s label: just below it, in its
    column, short; False when none is but some group shares ``upper``'s width, None when none does."""
    _, left, right, _, bottom, height = upper
    shared = False
    for group in groups:
        x0, x1 = group[1], group[2]
        if x0 >= right:
            break  # this group and the next ones (a line's groups run left to right) start past its column
        if (x1 if x1 < right else right) - (x0 if x0 > left else left) > 0:  # one column
            if len(group[0]) <= STACK_WORDS and -height * 0.5 < group[3] - bottom < height * STACK_GAP:
                return group
            shared = True
    return False if shared else None


def label_lines(page: Page) -> list[Line]:
    """The page's lines of printed text (text layer or OCR), then its wrapped labels."""
    lines = lines_of(page, [w for w in page.words if w.source in LABEL_SOURCES])
    return [make_line(page, index, words) for index, words in enumerate(lines)] + stacked_lines(page, lines)


_Place = tuple  # (line, offset, its word, the offset a match's end must pass): see word_starts


def word_starts(page: Page) -> dict[str, list[_Place]]:
    """The places of the page's exact (not OCR) label lines where a match may start, by the first
    :data:`PREFIX` letters of the folded text there: each word's start, and the start after an
    elided article (``Line.first_at``, whose offsets rise), as (line, offset, the word starting
    there, the offset a match's end must pass) in reading order.

    An anchor is looked up among the few places starting with its first letters, where each of
    the form's two hundred anchors was searched through all the document's text; made once for
    the page, they serve each index made of it (the form's recognition, then the field reader).

    A wrapped label's line only gives a match that spans its break (the physical lines give the
    others): a place there must be passed by the match's end at the end of its own physical line,
    and its last physical line holds none (on a receipt, more than half of the places would be
    theirs, each making a match to be dropped)."""
    starts: dict[str, list[_Place]] = {}
    known = starts.get
    for line in page.derived("label_lines", label_lines):
        if line.ocr or not line.first_at:
            continue
        folded, rows, ends, wrapped = line.folded, line.rows, line.ends, not line.one_row
        for start, first in line.first_at.items():
            if wrapped:
                row = rows[first]
                if row == rows[-1]:
                    break  # the wrapped label's last line, where no match spans the break (its words end it)
                place = (line, start, first, ends[bisect_right(rows, row) - 1])  # past its physical line's end
            else:
                place = (line, start, first, start)
            head = folded[start:start + PREFIX]
            places = known(head)
            if places is None:
                starts[head] = [place]
            else:
                places.append(place)
    return starts


class LabelIndex:
    """The label lines of a document's pages, searchable by anchor."""

    def __init__(self, pages: Iterable[Page]) -> None:
        self._pages = list(pages)
        self.lines: list[Line] = []  # physical lines, then wrapped labels
        for page in self._pages:
            self.lines.extend(page.derived("label_lines", label_lines))
        self._starts: list[dict[str, list[_Place]]] | None = None  # each page's, see _anchor_matches
        self._scanned = 0  # anchors searched through the joined text
        self._exact_lines = [line for line in self.lines if not line.ocr]
        self._fuzzy_lines = [line for line in self.lines if line.ocr]
        self._text: str | None = None  # the exact lines joined (see _places)
        self._offsets: list[int] = []  # where each exact line starts in the joined text
        self._found: tuple[dict[str, list[Match]], dict[str, list[Match]]] = ({}, {})  # see _anchor
        self._outside_one: dict[str, list[Match]] = {}  # an anchor -> its matches outside the margins
        self._outside: dict[tuple[str, ...], list[Match]] = {}  # anchors -> their matches outside the margins
        self._answers: dict[tuple, list[Match]] = {}  # find's arguments -> its answer
        self._rivals_by_word: dict[tuple[str, ...], dict[int, list[Match]]] = {}  # rivals -> see _holding

    def find(self, anchors: Sequence[str], *, after: Position | None = None,
             before: Position | None = None, rivals: Sequence[str] = ()) -> list[Match]:
        """Every match of any anchor, in reading order, longest first where they overlap.

        A match inside a longer match of a rival anchor ("Cadres" inside
        "Non cadres") is dropped. The reader asks the same question again and again (a label's
        matches for several of its steps): each answer is kept, and given as a new list.
        """
        key = (tuple(anchors), None if after is None else _key(after), None if before is None else _key(before),
               tuple(rivals))  # positions as tuples: a frozen dataclass hashes and compares in Python
        answer = self._answers.get(key)
        if answer is None:
            answer = self._answers[key] = self._find(anchors, after, before, rivals)
        return list(answer)

    def _find(self, anchors: Sequence[str], after: Position | None, before: Position | None,
              rivals: Sequence[str]) -> list[Match]:
        found = self._outside_margins(anchors)
        if after is not None and before is not None:
            low, high = _key(after), _key(before)
            found = [m for m in found if m.start_key > low and m.end_key < high]
        elif after is not None:
            low = _key(after)
            found = [m for m in found if m.start_key > low]
        elif before is not None:
            high = _key(before)
            found = [m for m in found if m.end_key < high]
        if rivals and found:
            holding = self._holding(rivals)
            found = [m for m in found if (held := holding.get(id(m.words[0]))) is None  # most words: no rival's
                     or not any(r.last - r.first > m.last - m.first and r.contains(m) for r in held)]  # more words
        return _best_per_span(found)

    def _holding(self, rivals: Sequence[str]) -> dict[int, list[Match]]:
        """For each word, the matches of the rivals holding it, in the rivals' order (made once for
        a group of rivals, which the reader gives again and again). A rival covering a match holds
        its first word: each match is compared only with the rivals holding that word."""
        key = tuple(rivals)
        holding = self._rivals_by_word.get(key)
        if holding is None:
            holding = self._rivals_by_word[key] = {}
            for rival in self._matches(rivals):
                for word in rival.words:
                    holding.setdefault(id(word), []).append(rival)
        return holding

    def _outside_margins(self, anchors: Sequence[str]) -> list[Match]:
        """The anchors' matches outside running headers and footers, anchor after anchor (kept: the
        reader asks for the same anchors again with other bounds; each anchor's own kept too, for
        the many groups of anchors the reader asks once each). Not to be changed by the caller."""
        key = tuple(anchors)
        found = self._outside.get(key)
        if found is None:
            found = self._outside[key] = []
            kept = self._outside_one
            if self._starts is None and len(anchors) > SCANNED_ANCHORS:  # the field reader's all at once
                self._index_starts()
            for anchor in dict.fromkeys(anchors):  # an anchor given twice would only add its matches again
                matches = kept.get(anchor)
                if matches is None:
                    matches = kept[anchor] = [m for m in self._anchor(anchor, False) if not m.line.in_margin]
                if matches:
                    found += matches
        return found

    def _index_starts(self) -> None:
        """Look anchors up from now on where words start (see :meth:`_anchor_matches`)."""
        self._starts = [page.derived("label_starts", word_starts) for page in self._pages]

    def _matches(self, anchors: Sequence[str], allow_prefix: bool = False) -> list[Match]:
        """Every match of the anchors, anchor after anchor."""
        return [m for anchor in anchors for m in self._anchor(anchor, allow_prefix)]

    def _anchor(self, anchor: str, allow_prefix: bool) -> list[Match]:
        """Every match of one anchor (searched once per document). Not to be changed by the caller."""
        found = self._found[allow_prefix]
        matches = found.get(anchor)
        if matches is None:
            matches = found[anchor] = self._anchor_matches(anchor, allow_prefix)
        return matches

    def _anchor_matches(self, anchor: str, allow_prefix: bool) -> list[Match]:
        """Exact lines through the joined text, or, once many anchors were, at the places a word starts
        with the anchor's first letters (:func:`word_starts`), OCR lines fuzzily; a wrapped line only
        where the match spans its break (elsewhere the physical line already has it)."""
        found = [m for line in self._fuzzy_lines for m in _line_matches(line, [anchor], allow_prefix)
                 if m.stacked or line.one_row] if self._fuzzy_lines else []
        target = fold(anchor)
        if len(target) >= PREFIX and self._starts is None:
            self._scanned += 1
            if self._scanned > SCANNED_ANCHORS:
                self._index_starts()
        if self._starts is not None and len(target) >= PREFIX:
            self._at_starts(target, anchor, allow_prefix, found)
        else:
            self._through_text(target, anchor, allow_prefix, found)
        return found

    def _through_text(self, target: str, anchor: str, allow_prefix: bool, found: list[Match]) -> None:
        """The target's matches added to ``found``, searched through the exact lines' joined text
        (a match made only where it is kept: on a wrapped label's line, across its break)."""
        for line, start in self._places(target):
            first = line.first_at.get(start)
            if first is None:  # not on a word boundary
                continue
            last = _word_ending_at(line, start + len(target), allow_prefix)
            if last is not None and (line.one_row or line.rows[first] != line.rows[last]):
                found.append(exact_match(line, first, last, anchor))

    def _at_starts(self, target: str, anchor: str, allow_prefix: bool, found: list[Match]) -> None:
        """The target's matches added to ``found``, looked up among the places a word starts with its
        first letters (:func:`word_starts`; a match never starts elsewhere): on a wrapped label's line,
        only where it ends past the place's physical line (the matches spanning the break)."""
        head, size = target[:PREFIX], len(target)
        for starts in self._starts:
            for line, start, first, beyond in starts.get(head, ()):
                end = start + size
                if end > beyond and line.folded.startswith(target, start):
                    last = line.last_at.get(end)
                    if last is None and allow_prefix:
                        last = _word_ending_at(line, end, allow_prefix)
                    if last is not None:
                        found.append(exact_match(line, first, last, anchor))

    def _places(self, target: str) -> Iterator[tuple[Line, int]]:
        """Where the folded ``target`` is in the exact lines, as (line, offset), found through their
        joined text (joined when first searched: an index asked for many anchors at once never is)."""
        if self._text is None:
            self._join()
        start = self._text.find(target) if target else -1
        text, offsets, lines = self._text, self._offsets, self._exact_lines
        while start >= 0:
            number = bisect_right(offsets, start) - 1
            yield lines[number], start - offsets[number]
            start = text.find(target, start + 1)

    def _join(self) -> None:
        """All exact (non-OCR) lines joined, so an anchor is searched once per document."""
        self._text, self._offsets, offset = "\n".join(line.folded for line in self._exact_lines), [], 0
        for line in self._exact_lines:
            self._offsets.append(offset)
            offset += len(line.folded) + 1

    def first(self, anchors: Sequence[str], **kwargs) -> Match | None:
        found = self.find(anchors, **kwargs)
        return found[0] if found else None

    def signature_hits(self, phrases: Sequence[str]) -> dict[int, set[str]]:
        """For each page number, which signature phrases it shows."""
        hits: dict[int, set[str]] = {}
        for phrase in phrases:
            for match in self._anchor(phrase, allow_prefix=True):
                hits.setdefault(match.page.number, set()).add(phrase)
        return hits


def _key(position: Position) -> tuple[int, int, float]:
    return (position.page, position.line, position.x)


def _best_per_span(matches: list[Match]) -> list[Match]:
    """Keep the longest match where several anchors cover the same words (most answers hold one
    match or none: those are kept as they are)."""
    if len(matches) < 2:
        return list(matches)
    kept: list[Match] = []
    taken: set[int] = set()  # the words of the matches kept
    for match in sorted(matches, key=_RANK):
        if taken.isdisjoint(match.word_ids):
            kept.append(match)
            taken |= match.word_ids
    return sorted(kept, key=_ORDER)


def _line_matches(line: Line, anchors: Sequence[str], allow_prefix: bool = False) -> list[Match]:
    """Matches on one OCR line: approximate for anchors long enough, exact otherwise."""
    matches = []
    for anchor in anchors:
        target = fold(anchor)
        if not target:
            continue
        if len(target) >= 4:  # each time on the line ("TOTAL — TOTAL : 179"), as the exact search finds it
            match = _fuzzy(line, target, anchor)
            while match is not None:
                matches.append(match)
                match = _fuzzy(line, target, anchor, match.last + 1) if match.last + 1 < len(line.words) else None
            continue
        if len(target) == 3:  # "Oui" read as "Qui": a whole word, one letter off
            matches.extend(Match(line, i, i, anchor, 90.0) for i, w in enumerate(line.words)
                           if _one_letter_off(fold(w.text), target))
            continue
        start = line.folded.find(target)
        while start >= 0:
            match = _exact_at(line, start, target, anchor, allow_prefix)
            if match is not None:
                matches.append(match)
            start = line.folded.find(target, start + 1)
    return matches


def _one_letter_off(word: str, target: str) -> bool:
    return len(word) == len(target) and sum(a != b for a, b in zip(word, target)) <= 1


def _exact_at(line: Line, start: int, target: str, anchor: str, allow_prefix: bool) -> Match | None:
    """The match of ``target`` found at ``start`` of the line, if it lies on word boundaries."""
    first = line.first_at.get(start)
    if first is None:  # not on a word boundary
        return None
    last = _word_ending_at(line, start + len(target), allow_prefix)
    return exact_match(line, first, last, anchor) if last is not None else None


def exact_match(line: Line, first: int, last: int, anchor: str) -> Match:
    """``Match(line, first, last, anchor)``, made quickly: its fields written into its dictionary at
    once, not one by one through the frozen dataclass's ``__init__`` (a document's anchors make
    hundreds of exact matches). A field added to Match stops the import here until it is set.

    What the reader asks of nearly every match as it keeps the longest of those covering the same
    words (:func:`_best_per_span`: its words, length, rank, start, order and words' ids) and its
    page are written in too, as the kept properties would compute them, without a call of theirs each."""
    match = _new(Match)
    words = line.words[first:last + 1]
    length = line.ends[last] - line.starts[first]
    start_key = (line.page.number, line.rows[first], line.words[first].x0)
    match.__dict__.update(line=line, first=first, last=last, anchor=anchor, score=100.0, words=words,
                          length=length, rank=(-length, -100.0, first), start_key=start_key,
                          order=(start_key, -length), word_ids=frozenset(map(id, words)), page=line.page)
    return match


_new = object.__new__
_RANK, _ORDER = attrgetter("rank"), attrgetter("order")  # a match's, computed once and kept in its dictionary
assert [f.name for f in fields(Match)] == ["line", "first", "last", "anchor", "score"] and Match.score == 100.0
assert [f.name for f in fields(Line)] == ["page", "index", "words", "folded", "starts", "ends", "rows", "first_at",
                                          "last_at"]


def _word_ending_at(line: Line, end: int, allow_prefix: bool) -> int | None:
    if end in line.last_at:
        return line.last_at[end]
    if allow_prefix:  # signature phrases may be cut by a line break
        for index, word_end in enumerate(line.ends):
            if word_end >= end:
                return index
    return None


def _fuzzy(line: Line, target: str, anchor: str, from_word: int = 0) -> Match | None:
    """The best approximate match of the anchor on the line, from its word ``from_word`` on."""
    offset = line.starts[from_word]
    if len(line.folded) - offset < len(target) - max(1.0, OCR_LOST_SHARE * len(target)):
        return None  # OCR may lose a letter or two, not a word ("cadres" is no "noncadres")
    alignment = fuzz.partial_ratio_alignment(target, line.folded[offset:], score_cutoff=OCR_MIN_SCORE)
    if alignment is None:
        return None
    start, end = alignment.dest_start + offset, alignment.dest_end + offset
    first = _first_word(line, start, from_word)
    last = min((i for i, e in enumerate(line.ends) if i >= from_word and e >= end - 1),
               default=len(line.words) - 1)
    while last > first and fold(line.words[last].text).isdigit() and not any(c.isdigit() for c in target):
        last -= 1  # a figure is no word of an anchor without one: the answer under a header wrapped in its cell
    while last > first and not _in_anchor(fold(line.words[last].text), target):
        kept = fold("".join(w.text for w in line.words[first:last]))
        if fuzz.ratio(kept, target[:len(kept)]) < OCR_MIN_SCORE:
            break  # what would remain no longer reads as the anchor's start
        if fuzz.ratio(kept + fold(line.words[last].text), target) > fuzz.ratio(kept, target):
            break  # the anchor's last word misread ("inteme" for "interne"): the match reads better with it
        last -= 1  # the alignment ran on over words the anchor has not ("… sexistes et  Oui  Non")
    if last < first or not _same_start(line.words[first].text, anchor):
        return None
    if len(re.findall(r"\w+", anchor)) == 1 and (
            line.folded[line.starts[first]:start].isalpha() or abs(
            len(fold("".join(w.text for w in line.words[first:last + 1]))) - len(target)) > len(target) // 8):
        return None  # another word: letters before it ("préférence" is no "Référence"; "1100" may be
        # "/ 100"), or more letters than a misreading adds ("Notre" is no "Note")
    return Match(line, first, last, anchor, alignment.score)


def _first_word(line: Line, start: int, from_word: int) -> int:
    """The word where an approximate match starting at offset ``start`` of the folded line begins:
    the word holding that offset, or the next one when the alignment took only the last letter of
    a longer word (a letter misread); a word of one sign is the match's own ("/" of "/ 100")."""
    first = max((i for i, s in enumerate(line.starts) if i >= from_word and s <= start), default=from_word)
    if (line.ends[first] - start == 1 < line.ends[first] - line.starts[first]) and first + 1 < len(line.words):
        return first + 1
    return first


def _in_anchor(word: str, target: str) -> bool:
    """Whether a word read on a scan may be one of the anchor's (misread a little)."""
    if not word or word in target:
        return True
    return len(word) >= 4 and fuzz.partial_ratio(word, target) >= IN_ANCHOR_SCORE


def _same_start(word: str, anchor: str) -> bool:
    """The line's word where a match starts must be the anchor's first word, misread a little:
    "Nom de la structure" is not found in "Identification de la structure"."""
    words = re.split(r"[\s\-]+", anchor.strip())
    head, found = fold(words[0]), fold(word)
    if len(head) < 3 or len(words) == 1:
        return True
    return fuzz.ratio(head, found[:len(head) + 1]) >= FIRST_WORD_MIN_SCORE


def unit_before_colon(words: Sequence[Word]) -> int:
    """How many of the words after a label are a unit printed before the label's colon, the
    colon included (« note sur 100 : 86 », « part de femmes en % : 40 »); 0 if none."""
    for end in range(1, min(UNIT_HINT_WORDS, len(words))):
        if words[end].text == ":" and UNIT_HINT.match(fold("".join(w.text for w in words[:end]))):
            return end + 1
    return 0


def other_wording_before_colon(words: Sequence[Word]) -> int:
    """How many of the words after a label are its wording in another language or other
    words, after a slash and up to the label's colon, the colon included (« Raison sociale
    / Company name : SAS Dupont », « N° SIRET / SIREN : … »); 0 if none. A figure in
    between is an answer's, not a label's (« 12 / 15 : … »)."""
    if not words or not words[0].text.startswith("/"):
        return 0
    for end in range(min(OTHER_WORDING_WORDS, len(words))):
        text = words[end].text
        if any(c.isdigit() for c in text):
            return 0
        if text.endswith(":"):
            return end + 1
    return 0
