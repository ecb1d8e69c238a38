"""Positioned words and marks: what every reader turns a PDF page into.

Every input kind (page text, form widgets, free-text annotations, OCR of a
scan) becomes a :class:`Page` of :class:`Word` and :class:`Mark` objects in
one coordinate system: PDF points, origin at the top-left corner of the page,
``top`` growing downwards (as pdfplumber). Pages also carry their
ruling lines (:class:`Rule`), from which :mod:`extract.cells` finds table
cells on demand (``Page.cells``, ``Page.tables``). One label-anchored reader
(``extract.fields``) then turns pages into field values, whatever the source.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import deque
from dataclasses import dataclass, field, fields
from functools import cached_property
from itertools import repeat
from operator import attrgetter
from typing import TYPE_CHECKING, Callable, Iterable, NamedTuple, TypeVar

from questionnaire.record import SOURCE_TEXT, BBox

if TYPE_CHECKING:
    from extract.cells import Cell, Table

LINE_SHARE = 0.75  # a word lying this much within a line's height belongs to it
SPECK_CONFIDENCE = 0.6
T = TypeVar("T")

class Boxed:
    """Geometry shared by words, marks, rules and cells (all have x0, top, x1, bottom)."""

    __slots__ = ()
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def bbox(self) -> BBox:
        return (self.x0, self.top, self.x1, self.bottom)

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(frozen=True, slots=True)
class Word(Boxed):
    """A run of characters without a space, or a whole widget/annotation value."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    source: str = SOURCE_TEXT  # one of the SOURCE_* of questionnaire.record
    confidence: float = 1.0
    field_name: str | None = None  # the widget's name, when the word is a form field value
    marks_unsure: tuple = ()  # read by OCR: its marks the ink did not tell from their twin (extract.glyphs.Undecided)



# A text layer's word made through its slots' own setters: a frozen dataclass's __init__ sets each field
# through object.__setattr__, three times the cost (a page makes hundreds of words). A field added to Word
# stops the import here until printed_words sets it.
_SET_TEXT, _SET_X0, _SET_TOP, _SET_X1, _SET_BOTTOM, _SET_SOURCE, _SET_CONFIDENCE, _SET_FIELD_NAME, _SET_MARKS_UNSURE = (
    getattr(Word, f.name).__set__ for f in fields(Word))
_DEFAULT_SOURCE, _DEFAULT_CONFIDENCE, _DEFAULT_FIELD_NAME, _DEFAULT_MARKS_UNSURE = (
    f.default for f in fields(Word)[5:])
_new = object.__new__


def printed_words(texts: list[str], x0s: list[float], tops: list[float], x1s: list[float],
                  bottoms: list[float]) -> list[Word]:
    """``Word(text, x0, top, x1, bottom)`` of each word of a page, given as columns, every other field
    at its default: each field is set for all the words by one ``map`` of its setter, not by a Python
    call a word (a page has hundreds)."""
    words = list(map(_new, repeat(Word, len(texts))))
    count = len(words)
    for setter, values in ((_SET_TEXT, texts), (_SET_X0, x0s), (_SET_TOP, tops), (_SET_X1, x1s),
                           (_SET_BOTTOM, bottoms), (_SET_SOURCE, repeat(_DEFAULT_SOURCE, count)),
                           (_SET_CONFIDENCE, repeat(_DEFAULT_CONFIDENCE, count)),
                           (_SET_FIELD_NAME, repeat(_DEFAULT_FIELD_NAME, count)),
                           (_SET_MARKS_UNSURE, repeat(_DEFAULT_MARKS_UNSURE, count))):
        deque(map(setter, words, values), maxlen=0)  # the setters' Nones dropped as they come
    return words


@dataclass(frozen=True, slots=True)
class Mark(Boxed):
    """A box that can be ticked, with its state.

    Drawn squares, check box widgets, ☐/☒ glyphs and boxes found on scans
    all become marks. ``checked`` is None when the state could not be told;
    ``confidence`` says how sure the reader is of the state.
    """

    x0: float
    top: float
    x1: float
    bottom: float
    checked: bool | None
    source: str = SOURCE_TEXT
    confidence: float = 1.0
    field_name: str | None = None



@dataclass(frozen=True, slots=True)
class Rule(Boxed):
    """A ruling line as its centre line: horizontal (``top == bottom``) or
    vertical (``x0 == x1``). Stroked lines, the sides of stroked or shaded
    rectangles, thin filled rectangles and long pixel runs of a scan all
    become rules."""

    x0: float
    top: float
    x1: float
    bottom: float
    source: str = SOURCE_TEXT

    @property
    def horizontal(self) -> bool:
        return self.x1 - self.x0 >= self.bottom - self.top

    @property
    def length(self) -> float:
        return max(self.x1 - self.x0, self.bottom - self.top)


class FormField(NamedTuple):
    """A form widget as the form names it (for direct mapping of our own fillable form).

    A named tuple: a file of our form makes about fifty, and a frozen dataclass took three times as
    long to make (each field set through ``object.__setattr__``)."""

    name: str  # fully qualified field name
    kind: str  # "text" | "box"
    value: str | None  # text value; for a box, this widget's export value
    checked: bool | None
    page: int  # 1-based; 0 when unknown
    bbox: BBox


ZoneReader = Callable[[BBox, bool], list[Word]]  # (zone, numeric) -> words


@dataclass
class Page:
    """One page as positioned tokens.

    ``words`` are all the words known for the page (for a scan: the words of
    a fast OCR pass, enough to find the labels). ``zone_reader``, when set,
    reads a zone again more carefully (zonal OCR on scans); the field reader
    calls :meth:`words_in` for values, so digital pages and scans share it.
    """

    number: int  # 1-based
    width: float
    height: float
    words: list[Word] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    image_only: bool = False
    zone_reader: ZoneReader | None = None
    crop_writer: Callable[[BBox, str], str | None] | None = None  # (bbox, key) -> PNG path

    def words_in(self, bbox: BBox, min_overlap: float = 0.5, numeric: bool = False) -> list[Word]:
        """Words whose area lies mostly inside ``bbox``, in reading order.

        ``numeric`` tells a zone reader (OCR) that a number is expected there.
        """
        if self.zone_reader is not None:
            return self.zone_reader(bbox, numeric)
        return self.printed_in(bbox, min_overlap)

    def printed_in(self, bbox: BBox, min_overlap: float = 0.5) -> list[Word]:
        """The page's own words (its text layer, or a scan's first OCR pass) inside ``bbox``, in
        reading order, never read again by the zone reader: for questions about what the page
        prints where (what stands between two labels), which must not depend on zonal OCR (a
        narrow zone holding only a dash is ink Tesseract reads as no word).

        The page's words are kept sorted as :func:`group_lines` sorts them, so the words of the
        zone's band come in that order and are grouped without sorting them again (unless some
        coordinate is not a number: such words do not sort); a word wholly left or right of the zone
        shares none of its area and is passed over without measuring."""
        middles, ordered, in_order = self.derived("by_middle", _by_middle)
        near = ordered[bisect_left(middles, bbox[1]):bisect_right(middles, bbox[3])]
        left, right = bbox[0], bbox[2]
        beside = min_overlap > 0  # then a word wholly left or right shares too little: not measured
        held = [w for w in near if not (beside and (w.x0 >= right or w.x1 <= left))
                and _share_inside(w.x0, w.top, w.x1, w.bottom, bbox) >= min_overlap]
        if len(held) < 2:
            return held
        return [w for line in (_grouped(held) if in_order else group_lines(held)) for w in line]

    def derived(self, name: str, build: Callable[[Page], T]) -> T:
        """``build(self)``, computed once and kept with the page (computed again when
        words were added since): what several readers derive from the same words."""
        cache = self.__dict__.get("_derived")
        if cache is None:
            cache = self.__dict__["_derived"] = {}
        kept = cache.get(name)
        if kept is None or kept[0] != len(self.words):
            kept = cache[name] = (len(self.words), build(self))
        return kept[1]

    def forget_derived(self) -> None:
        """Drop what :meth:`derived` kept. Some of it refers back to the page (a label line knows
        its page): kept, the page and all its words would wait for Python's cyclic garbage
        collector, which walks every young object of the worker to find them."""
        self.__dict__.pop("_derived", None)

    def marks_in(self, bbox: BBox, min_overlap: float = 0.5) -> list[Mark]:
        return [m for m in self.marks if _share_inside(m.x0, m.top, m.x1, m.bottom, bbox) >= min_overlap]

    @cached_property
    def tables(self) -> list[Table]:
        """Tables drawn by the page's rules, top to bottom (a lone ruled box is a 1×1 table)."""
        from extract.cells import find_tables  # the page structure is built on tokens, not the reverse
        return find_tables(self.rules)

    @property
    def cells(self) -> list[Cell]:
        """Every cell of every table, table by table, row by row."""
        return [cell for table in self.tables for cell in table.cells]


def _by_middle(page: Page) -> tuple[list[float], list[Word], bool]:
    """The page's words in :func:`group_lines`'s order (by middle, then left edge), their middles,
    and True; by middle alone, and False, when a middle or a left edge is not a number."""
    ordered = sorted(page.words, key=_middle_then_left)
    middles = [w.middle for w in ordered]
    if all(m == m for m in middles) and all(w.x0 == w.x0 for w in ordered):
        return middles, ordered, True
    ordered = sorted(page.words, key=attrgetter("middle"))
    return [w.middle for w in ordered], ordered, False


def speck(word: Word) -> bool:
    """Scanner dust read as a lone punctuation mark, with little confidence."""
    return len(word.text) == 1 and not word.text.isalnum() and word.confidence < SPECK_CONFIDENCE


def share_row(a: Boxed, b: Boxed, share: float = 0.5) -> bool:
    """Whether two boxes stand on one text row: they overlap vertically by more than
    ``share`` of the first one's height (``min`` and ``max`` written out as they compare)."""
    top, bottom = a.top, a.bottom
    return (b.bottom if b.bottom < bottom else bottom) - (b.top if b.top > top else top) > share * (bottom - top)


def union(boxes: Iterable[BBox]) -> BBox:
    """The smallest box holding all ``boxes``."""
    x0s, tops, x1s, bottoms = zip(*boxes)
    return min(x0s), min(tops), max(x1s), max(bottoms)


def grow(box: BBox, margin: float) -> BBox:
    """``box`` with ``margin`` added on every side."""
    return box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin


def overlap_ratio(inner: BBox, outer: BBox) -> float:
    """Share of ``inner``'s area that lies inside ``outer`` (0 to 1). Called for every word of
    every zone read: written out as ``max`` and ``min`` compare (the first unless the second is
    strictly greater, or less), without their calls."""
    left, up, right, down = inner
    return _share_inside(left, up, right, down, outer)


def _share_inside(left: float, up: float, right: float, down: float, outer: BBox) -> float:
    """:func:`overlap_ratio` of the box (left, up, right, down): a page's zones ask it of each word
    near them, given their sides (not their ``bbox``, a tuple made for the asking)."""
    x0, top = (outer[0] if outer[0] > left else left), (outer[1] if outer[1] > up else up)
    x1, bottom = (outer[2] if outer[2] < right else right), (outer[3] if outer[3] < down else down)
    if x1 <= x0 or bottom <= top:
        return 0.0
    area = (right - left) * (down - up)
    return (x1 - x0) * (bottom - top) / (1e-6 if 1e-6 > area else area)


def reading_order(words: Iterable[Word], line_tolerance: float = 3.0) -> list[Word]:
    """Words sorted into lines (top to bottom), each line left to right."""
    lines = group_lines(words, line_tolerance)
    return [w for line in lines for w in line]


def group_lines(words: Iterable[Word], line_tolerance: float = 3.0) -> list[list[Word]]:
    """Words grouped into text lines, top to bottom.

    A word joins the line above when their middles are close, or when it
    lies mostly within the line's height (a speck or an accent read as a
    word of its own must not pull the line's middle away from its words).
    The line's sum of middles, top and bottom are kept as it grows (this is
    called for every zone read: it must stay linear).
    """
    return _grouped(sorted(words, key=_middle_then_left), line_tolerance)


def _grouped(ordered: Iterable[Word], line_tolerance: float = 3.0) -> list[list[Word]]:
    """:func:`group_lines` of words already in its order (by middle, then left edge)."""
    lines: list[list[Word]] = []
    line: list[Word] = []
    total = top = bottom = 0.0
    for word in ordered:
        upper, lower = word.top, word.bottom
        middle = (upper + lower) / 2
        height = lower - upper
        reach = height * 0.4  # max(line_tolerance, height * 0.4), min and max written out as below
        if line and (abs(total / len(line) - middle) <= (reach if reach > line_tolerance else line_tolerance) or (
                height > 0 and (lower if lower < bottom else bottom) - (upper if upper > top else top)
                >= LINE_SHARE * height)):
            line.append(word)
            total += middle
            top, bottom = (upper if upper < top else top), (lower if lower > bottom else bottom)
        else:
            line = [word]
            lines.append(line)
            total, top, bottom = middle, upper, lower
    return [sorted(line, key=_LEFT) if len(line) > 1 else line for line in lines]


def lines_of(page: Page, words: list[Word]) -> list[list[Word]]:
    """:func:`group_lines` of ``words``, some of the page's words in its order: when they are all of
    them (a text layer's page, for its labels and for its gutters), the lines are grouped once for
    the page and shared (not to be changed by the caller)."""
    if len(words) == len(page.words):
        return page.derived("lines", _all_lines)
    return group_lines(words)


def _all_lines(page: Page) -> list[list[Word]]:
    """:func:`group_lines` of all the page's words, from the order :meth:`Page.printed_in` keeps."""
    _, ordered, in_order = page.derived("by_middle", _by_middle)
    return _grouped(ordered) if in_order else group_lines(page.words)


def _middle_then_left(word: Word) -> tuple[float, float]:
    """A word's middle (:attr:`Boxed.middle`, written out: this sorts every zone read), then its left edge."""
    return (word.top + word.bottom) / 2, word.x0


_LEFT = attrgetter("x0")
