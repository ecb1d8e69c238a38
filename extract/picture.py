"""A form pasted as a picture, its answers typed over it: one page of both.

A bidder may paste a picture of the form into a word processor and type the
answers in text boxes over it. The text layer then holds only the answers;
the labels and the boxes exist only in the picture. The picture is read like
a scan (:func:`extract.scan.read_picture_page`: OCR words, boxes found on the
raster) and merged here with the text layer into one :class:`Page`, so the
field reader reads it as any other page.

A text-layer word over blank paper in the picture was typed over it: an
answer, never a label (:data:`SOURCE_TYPED`). One over the same text printed
in the picture (a scan with a text layer) is that text read twice: the
text layer's word is kept, it is exact. Likewise, where a zone holds typed
words they are its words; only zones without them are read from the picture.
"""
from __future__ import annotations

from dataclasses import replace

from rapidfuzz import fuzz

from extract.labels import fold
from extract.marks import assemble
from extract.tokens import BBox, Mark, Page, Word, ZoneReader, overlap_ratio
from questionnaire.record import SOURCE_OCR, SOURCE_TEXT, SOURCE_TYPED

UNDER = 0.3  # a picture's word lying this much under a text-layer word, with the same text, is that word
SAME_TEXT = 70.0  # rapidfuzz ratio of the folded texts above which two readings are one word


def over_picture(text: Page, picture: Page, *, drawn: list[Mark], glyphs: list[Word],
                 widget_marks: list[Mark], ticks: list[BBox]) -> Page:
    """The page as its text layer (``text``: words and rules) and its picture show it together.

    ``drawn``, ``glyphs``, ``widget_marks`` and ``ticks`` are the text layer's
    drawn boxes, box and tick glyphs, widgets and tick paths (as
    :func:`extract.marks.assemble` takes them): an "X" typed over a box of the
    picture ticks it. The picture's boxes keep the state read on its pixels.
    """
    twice = {(id(t), id(p)) for t in text.words for p in picture.words if _same_word(t, p)}
    read_twice = {t for t, _ in twice}
    typed = [w if id(w) in read_twice or w.source != SOURCE_TEXT else replace(w, source=SOURCE_TYPED)
             for w in text.words]
    seen = {p for _, p in twice}
    printed = [p for p in picture.words if id(p) not in seen]
    words = typed + printed
    marks = assemble(drawn, glyphs, widget_marks + picture.marks, ticks)
    return Page(text.number, text.width, text.height, words=words, marks=marks, rules=text.rules + picture.rules,
                zone_reader=TypedFirst(words, picture.zone_reader), crop_writer=picture.crop_writer)


def _same_word(text: Word, printed: Word) -> bool:
    """Whether a text-layer word lies over the same word printed in the picture."""
    if overlap_ratio(printed.bbox, text.bbox) < UNDER and overlap_ratio(text.bbox, printed.bbox) < UNDER:
        return False
    return fuzz.ratio(fold(text.text), fold(printed.text)) >= SAME_TEXT


class TypedFirst:
    """The zone reader of a merged page: the zone's words when some come from the
    text layer (it is exact), else the zone read again from the picture."""

    def __init__(self, words: list[Word], picture_reader: ZoneReader | None) -> None:
        self._page = Page(0, 0.0, 0.0, words=words)  # its geometric search, without a zone reader
        self._picture_reader = picture_reader

    def __call__(self, bbox: BBox, numeric: bool = False) -> list[Word]:
        found = self._page.words_in(bbox)
        if self._picture_reader is None or any(w.source != SOURCE_OCR for w in found):
            return found
        return self._picture_reader(bbox, numeric)

    def words_read(self) -> list[Word]:
        """The words the picture's zones were read as so far (for ``egalite debug``)."""
        return getattr(self._picture_reader, "words_read", list)()
