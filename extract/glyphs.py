"""Marks OCR cannot tell from their twins, decided from their ink.

Tesseract reads a typographic apostrophe (’) as a straight one (') and an en
dash (–) or a middle dot (associé·es) as a hyphen: its model knows the word,
not the glyph's shape. The ink on the page does tell them apart when it is
clear enough: a dash's length against the line's x-height (a hyphen is about
half of it, an en dash about as long, an em dash twice), a middle dot's
square shape against a hyphen's bar, and an apostrophe's slant (the
typographic one is a comma: its foot bends to the left of its head; the
straight one is an upright wedge). Where the measure falls between the
classes, or the font draws both alike (a typewriter's hyphen is as long as
its en dash), the mark is left as read and the word says so
(``unsure``): the field reader then asks for a review. Measures were set on
the fonts of ``bench/glyphs.py`` (printed, scanned at 150–300 dpi).

Where those fixed measures per font cannot tell, a mark is compared with its
scan's own marks of known identity in the same font (:class:`Specimens`): a
typographic apostrophe is, in practically every font, the comma raised (same
shape, same size), and a dash between words is as long as the in-word hyphens
of « demi-journées » or « 2026-052 » or clearly longer (an en or em dash).

An apostrophe left undecided as it is read is decided once more when its
document has been read (:func:`settled_later`): against all of the document's
commas, not only those read before it (the label pass leaves paragraphs out,
values are read zone by zone), so that its decision does not depend on the
order of reading; and with its document's other apostrophes of the same size
(:meth:`Specimens.apostrophe_of_document`): a word processor types every
apostrophe of a text the same way, and at 200 dpi one mark is a few pixels of
blur, but the median shape of a dozen is its font's glyph, and once some of
them are clear alone the others that are that shape are decided with them.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import cv2
import numpy as np

APOSTROPHES = "'’"
DASHES = "-–—"
DOT = "·"
TWINS = APOSTROPHES + DASHES + DOT
COMMA, HYPHEN = ",", "-"
SPECIMENS = COMMA + HYPHEN  # marks of known identity a page's twins are compared with
# The mark of an inclusive ending (« associé·es », « technicien·ne », « accompagnateur·rice »,
# « chef·fe », « trésorier·ère »): a middle dot OCR may read as a hyphen.
INCLUSIVE_ENDING = re.compile(r"\w[-·](e|es|s|ne|nes|fe|fes|ve|ves|lle|lles|rice|rices|trice|trices|euse|euses"
                              r"|ère|ères)\b")

# A dash's ink length over its line's x-height, by class: printed and scanned, the fonts
# of bench/glyphs.py measure hyphens 0.36–0.55 and en dashes 0.60–1.17 (the shortest ones,
# DejaVu's, Calibri's, Open Sans's, are left undecided), em dashes from 1.30.
HYPHEN_MAX = 0.56
EN_DASH = (0.80, 1.22)
EM_DASH_MIN = 1.45
# A middle dot is about as tall as wide (0.75–2.3 measured), a hyphen's bar at most half
# as tall as long (0.49); a dot is shorter than 0.35 x-height.
DOT_MIN_RATIO = 0.70
BAR_MAX_RATIO = 0.52
DOT_MAX_LENGTH = 0.40
# An apostrophe's lean (pixels left per pixel down): straight ones measure -0.05 to 0.06
# in the fonts of bench.glyphs (0.12 once, 0.150 once: DejaVu Sans, 200 dpi, JPEG), the
# typographic ones of fonts that slant them 0.17 to 0.43 (0.167 on the dev set's scans).
CURLY_TILT = 0.16
MIN_MARK_PX = 6  # an apostrophe fewer pixels tall than this is too small to judge its lean
X_LETTERS = set("acemnorsuvwxz")  # letters as tall as the x-height, without accent or stroke above
MIN_X_LETTERS = 3
MIN_PITCHES = 8  # letter-to-letter distances needed to tell a monospaced line
MONOSPACE_SPREAD = 0.35  # their spread (10th to 90th percentile over the median) on such a line
MIN_CONTRAST = 40  # gray levels between paper and the mark's darkest pixel
EDGE_WEIGHT, MIN_EDGE_SHARE = 0.15, 0.2  # a gray scan's mark has blurred edges: this share of its pixels in between
TWO_TONE_MARGIN, TWO_TONE_SHARE = 40, 0.1  # a black and white scan: fewer pixels in between than a tenth of its ink
# Twins the measures above leave undecided are compared with their scan's specimens, marks
# of known identity in the same font and scan (commas, in-word hyphens) on lines of the same
# x-height (within this share). Fewer than MIN_COMMAS commas are no reference: a comma's
# shape at 200 dpi is a few pixels of blur, two may be one misread or a blot, the mean of
# three or more is the font's. Hyphens are only measured by length: two are enough when they
# agree (the longest at most HYPHEN_SPREAD times the shortest), and more that do not agree
# (an en dash typed inside « 2024–2026 ») are no reference.
SAME_X_HEIGHT = 0.12
SAME_PLACE = 2.5  # pixels (the scan's) between two readings of one specimen's box
MAX_COMPARED = 24  # specimens a mark is compared with at most (a long scanned bid holds thousands)
MIN_COMMAS = 3
MIN_HYPHENS = 2
HYPHEN_SPREAD = 1.3
# A typographic apostrophe is its font's comma raised: the share of their ink that differs,
# each scaled to its darkest pixel and centred on its centroid, from the commas' mean shape,
# measures 0.01-0.05 for half of them in the fonts of bench.glyphs; Liberation Sans's (Arial's)
# straight ' is a bar as wide as its comma's head and measures from 0.049 at 200 dpi, but it
# is taller than the comma (0.97-1.14 of its height), the ’ its height (0.83-1.07, not in
# Carlito, whose ’ is no comma). Its foot bends as theirs (within 0.08 of their height).
# A mark clearly unlike the commas whose foot stands right of where theirs bends (0.09-0.23
# of their height further right in most fonts; a ’ never more than 0.095) is decided straight.
COMMA_DISTANCE = 0.045
COMMA_HEIGHT = (0.85, 1.03)
COMMA_BEND = 0.08
STRAIGHT_DISTANCE = 0.14
STRAIGHT_BEND = 0.12
# A document's apostrophes of one size, taken together, once some of them are clear: the median
# shape of MIN_GROUP or more (each mark once) stands 0.01-0.07 from the commas' mean for a ’ in
# the fonts of bench.glyphs and URW's Arial (reportlab's) at 150-300 dpi (JPEG), 0.06-0.32 for
# a ', whose median is also taller than the commas (1.07-1.9 of their height; the ’ 0.91-1.04).
# A mark of such a group is decided ’ when it is as tall as the commas and within
# MEMBER_DISTANCE of the group's shape: in Arial, the hardest, a ’ measures 0.02-0.10 from the
# median of the others, a ' 0.054 or more. That alone decided a ' typed among ’ once in 762
# (Arial, 9 pt at 200 dpi); a group is therefore decided only when one of its marks at least was
# decided ’ alone and none ' (a ' among ’: 0 of 762 decided, and 1,094 of 2,658 ’ decided
# where the marks alone decide 511).
MIN_GROUP = 5
MIN_GROUP_X_HEIGHT = 13.5  # pixels (the scan's): smaller, a ' and a ’ differ by a pixel of blur (150 dpi, 12 pt)
GROUP_COMMA_DISTANCE = 0.075
MEMBER_DISTANCE = 0.06
# A dash's length over the median of its page's in-word hyphens: an en dash is 1.5-2.3
# hyphens in proportional fonts, an em dash 3.2-4.1 (monospaced lines stay undecided).
HYPHEN_LIKE = 1.2
EN_DASH_HYPHENS = (1.4, 2.7)
EM_DASH_HYPHENS = 3.0


@dataclass(frozen=True, slots=True)
class LineShape:
    """What a text line's letters say of its font: its x-height (pixels, None when no
    x-height letter was read) and whether its letters stand at one pitch (a typewriter's
    or a monospaced font: its hyphen is as long as its en dash)."""

    x_height: float | None
    monospace: bool

    @classmethod
    def of(cls, words: list[list[tuple[str, tuple[int, int, int, int]]]]) -> "LineShape":
        """The shape of a line given as its words' (symbol, pixel box) lists."""
        heights = [box[3] - box[1] for word in words for symbol, box in word if symbol in X_LETTERS]
        pitches = [(b[0] + b[2]) / 2 - (a[0] + a[2]) / 2 for word in words for (_, a), (_, b) in zip(word, word[1:])]
        monospace = True  # too few letters to tell: taken as the case where dashes cannot be told
        if len(pitches) >= MIN_PITCHES:
            low, middle, high = np.percentile(pitches, [10, 50, 90])
            monospace = middle > 0 and (high - low) / middle < MONOSPACE_SPREAD
        # Tesseract's boxes of small blurred letters take in their neighbours' edges: the lower
        # quartile is the letters' own height (the median read 15 px for 10 at 150 dpi).
        return cls(float(np.percentile(heights, 25)) if len(heights) >= MIN_X_LETTERS else None, monospace)


@dataclass(frozen=True, slots=True)
class MarkBox:
    """One twin mark of an OCR word: its index in the word's text, its pixel box
    (x0, top, x1, bottom) in the image OCR read, and the shape of its line."""

    index: int
    box: tuple[int, int, int, int]
    line: LineShape


def is_twin(text: str, index: int) -> bool:
    """Whether the mark at ``index`` of a word is one a scan may mistake for its twin:
    any apostrophe, a dash standing alone between words, or the mark of an
    inclusive ending."""
    char = text[index]
    if char in APOSTROPHES:
        return True
    if char in DASHES and len(text) == 1:
        return True
    return char in DASHES + DOT and any(m.start() + 1 == index for m in INCLUSIVE_ENDING.finditer(text))


def is_specimen(text: str, index: int) -> bool:
    """Whether the mark at ``index`` of a word is certainly what OCR read: a comma ending a
    word or between figures (« conduite, », « 2,5 »), a hyphen inside a word or a number
    (« demi-journées », « 2026-052 »), not an inclusive ending's mark."""
    char, before, after = text[index], text[index - 1:index], text[index + 1:index + 2]
    if char == COMMA:
        return before.isalnum() and (not after or (before.isdigit() and after.isdigit()))
    return char == HYPHEN and before.isalnum() and after.isalnum() and not is_twin(text, index)


@dataclass(frozen=True, slots=True)
class Specimen:
    """A mark of known identity as measured: a comma or an in-word hyphen, its ink (weights
    0-1, at the scan's resolution) and its line's x-height in the same pixels."""

    char: str
    ink: np.ndarray
    x_height: float
    place: tuple[float, float]  # its box's top left corner, in the same pixels


class Specimens:
    """One page's marks of known identity, gathered as its words are read (each one once,
    known by its place), which the twins of its document's pages are compared with: the
    same font and scan draw them, where fixed measures per font cannot tell. ``document``
    (shared by the pages of one scan) holds its pages' specimens; a page read again turned
    is :meth:`discard`-ed first."""

    def __init__(self, document: list["Specimens"] | None = None) -> None:
        self._found: list[Specimen] = []
        self._apostrophes: list[Measured] = []
        self._document = document if document is not None else []
        self._document.append(self)

    def __len__(self) -> int:
        return len(self._found)

    def discard(self) -> None:
        """This page's specimens no longer seen by its document (the page was read turned)."""
        self._document.remove(self)

    def gather(self, text: str, marks: tuple[MarkBox, ...], image: np.ndarray, scale: float = 1.0,
               origin: tuple[int, int] = (0, 0), native: float = 1.0) -> None:
        """Measure and keep a word's specimens (boxes as :func:`settle` takes its marks), each
        once: one read again (a zone after the label pass) stands within a pixel or two."""
        for mark in marks:
            x0, top = ((v + o) * scale * native for v, o in zip(mark.box, origin))
            char = text[mark.index]
            if any(s.char == char and abs(s.place[0] - x0) <= SAME_PLACE and abs(s.place[1] - top) <= SAME_PLACE
                   for s in self._found):
                continue
            ink = mark_ink(image, mark, scale, origin, native)
            if ink is not None and mark.line.x_height:
                self._found.append(Specimen(char, ink, mark.line.x_height * scale * native, (x0, top)))

    def measured(self, mark: "Measured") -> None:
        """Keep an apostrophe of this page as measured (once: one read again stands within a pixel
        or two), for :meth:`apostrophe_of_document`."""
        if self.measured_at(mark.place) is None:
            self._apostrophes.append(mark)

    def measured_at(self, place: tuple[float, float]) -> "Measured | None":
        """The apostrophe of this page measured at ``place``, if any."""
        return next((m for m in self._apostrophes
                     if abs(m.place[0] - place[0]) <= SAME_PLACE and abs(m.place[1] - place[1]) <= SAME_PLACE), None)

    def like(self, char: str, x_height: float | None) -> list[Specimen]:
        """The specimens of ``char`` of the document's pages on lines of the same x-height
        (the first :data:`MAX_COMPARED` found)."""
        if not x_height:
            return []
        alike = (s for page in self._document for s in page._found
                 if s.char == char and abs(s.x_height / x_height - 1) <= SAME_X_HEIGHT)
        return list(itertools.islice(alike, MAX_COMPARED))

    def apostrophe(self, ink: np.ndarray, x_height: float | None) -> str | None:
        """’ when the mark is the scan's commas' shape and height, ' when clearly not and its
        foot stands right of where theirs bends, else None (too few commas, or between)."""
        measure = self._against_commas(ink, x_height)
        if measure is None:
            return None
        distance, height, bend = measure
        if distance <= COMMA_DISTANCE and COMMA_HEIGHT[0] <= height <= COMMA_HEIGHT[1] and abs(bend) <= COMMA_BEND:
            return "’"
        return "'" if distance >= STRAIGHT_DISTANCE and bend >= STRAIGHT_BEND else None

    def apostrophe_of_document(self, ink: np.ndarray, x_height: float | None) -> str | None:
        """’ when the document's apostrophes of the mark's size (lines of at least
        :data:`MIN_GROUP_X_HEIGHT` pixels), taken together, are its commas' shape and size, one
        of them at least was decided ’ alone and none ', and the mark is one of them (its shape
        near theirs, as tall as the commas, its foot bent as theirs); else None."""
        if not x_height or x_height < MIN_GROUP_X_HEIGHT:
            return None
        group = [m for page in self._document for m in page._apostrophes
                 if abs(m.x_height / x_height - 1) <= SAME_X_HEIGHT]
        commas = [s.ink / s.ink.max() for s in self.like(COMMA, x_height)]
        decided = {m.decided for m in group}
        if len(group) < MIN_GROUP or len(commas) < MIN_COMMAS or "’" not in decided or "'" in decided:
            return None
        inks, ink = [m.ink / m.ink.max() for m in group], ink / ink.max()
        size = max(max(a.shape) for a in [ink, *inks, *commas]) + 4
        shape = np.median([_centred(i, size) for i in inks], axis=0)
        template = np.mean([_centred(c, size) for c in commas], axis=0)
        height, bend = float(np.median([_extent(c, 1) for c in commas])), float(np.median([_bend(c) for c in commas]))

        def comma_sized(mark_height: float, mark_bend: float) -> bool:
            return (COMMA_HEIGHT[0] <= mark_height / height <= COMMA_HEIGHT[1]
                    and abs(mark_bend - bend) / height <= COMMA_BEND)

        alike = _distance(shape, template) <= GROUP_COMMA_DISTANCE and comma_sized(
            float(np.median([_extent(i, 1) for i in inks])), float(np.median([_bend(i) for i in inks])))
        member = _distance(_centred(ink, size), shape) <= MEMBER_DISTANCE and comma_sized(_extent(ink, 1), _bend(ink))
        return "’" if alike and member else None

    def unlike_commas(self, ink: np.ndarray, x_height: float | None) -> bool:
        """Whether the mark is clearly not the scan's commas' shape: no typographic apostrophe
        of a font whose ’ is its comma raised, whatever its lean says."""
        measure = self._against_commas(ink, x_height)
        return measure is not None and measure[0] >= STRAIGHT_DISTANCE

    def _against_commas(self, ink: np.ndarray, x_height: float | None) -> tuple[float, float, float] | None:
        """The mark against the mean of the commas of its x-height: the share of their ink
        that differs, its height over theirs, and its foot's bend less theirs (over their
        height); None with fewer than :data:`MIN_COMMAS`."""
        # Shapes, not contrast: a mark measured beside darker letters has lighter weights.
        commas = [s.ink / s.ink.max() for s in self.like(COMMA, x_height)]
        if len(commas) < MIN_COMMAS:
            return None
        ink = ink / ink.max()
        size = max(max(a.shape) for a in [ink, *commas]) + 4
        template = np.mean([_centred(c, size) for c in commas], axis=0)
        mark = _centred(ink, size)
        distance = _distance(mark, template)
        height = float(np.median([_extent(c, 1) for c in commas]))
        bend = (_bend(ink) - float(np.median([_bend(c) for c in commas]))) / height
        return distance, _extent(ink, 1) / height, bend

    def dash(self, ink: np.ndarray, x_height: float | None) -> str | None:
        """A bar-shaped dash by its length against the scan's in-word hyphens; None with
        fewer than :data:`MIN_HYPHENS` of them, hyphens of unlike lengths, or a length
        between the classes."""
        lengths = [_extent(s.ink, 0) for s in self.like(HYPHEN, x_height)]
        height, width = _extent(ink, 1), _extent(ink, 0)
        if len(lengths) < MIN_HYPHENS or max(lengths) > HYPHEN_SPREAD * min(lengths) or width == 0 \
                or height / width > BAR_MAX_RATIO:
            return None
        length = width / float(np.median(lengths))
        if length <= HYPHEN_LIKE:
            return "-"
        if EN_DASH_HYPHENS[0] <= length <= EN_DASH_HYPHENS[1]:
            return "–"
        return "—" if length >= EM_DASH_HYPHENS else None


NO_SPECIMENS = Specimens()  # a reading without its page's specimens: fixed measures only (never gathered into)


@dataclass(frozen=True, eq=False)
class Measured:
    """An apostrophe of a page as measured: its ink, its line's x-height in the ink's pixels,
    its place (as a specimen's) and what it was decided alone (None: undecided)."""

    ink: np.ndarray
    x_height: float
    place: tuple[float, float]
    decided: str | None


@dataclass(frozen=True, eq=False)
class Apostrophe:
    """An apostrophe the ink did not tell ' from ’, kept to be decided again once its document
    is read (:func:`settled_later`): as read, its ink (None: its box cut the mark), its line's
    x-height in the ink's pixels, its place (as a specimen's) and its page's specimens
    (through them, its document's)."""

    char: str
    ink: np.ndarray | None
    x_height: float
    specimens: Specimens
    place: tuple[float, float]


@dataclass(frozen=True)
class Undecided:
    """A twin mark of a word left undecided: its index in the word's text and, for a measured
    apostrophe, what :func:`settled_later` may still decide."""

    index: int
    apostrophe: Apostrophe | None = None


def settled_later(text: str, undecided: tuple[Undecided, ...]) -> tuple[str, tuple[Undecided, ...]]:
    """The word with its undecided apostrophes decided again against the specimens of their
    document as it is now (every page and zone read), and its marks still undecided."""
    chars, still = list(text), []
    for mark in undecided:
        char = _decided_later(mark.apostrophe) if mark.apostrophe else None
        if char is None:
            still.append(mark)
        else:
            chars[mark.index] = char
    return "".join(chars), tuple(still)


def _decided_later(found: Apostrophe) -> str | None:
    """An apostrophe decided against its document's commas, then with its document's
    apostrophes of its size; one whose box cut its ink is measured as read again elsewhere
    (the label pass reads a page coarser than a zone: Tesseract's box of a mark may miss its
    blur by a pixel there)."""
    ink, x_height = found.ink, found.x_height
    if ink is None:
        again = found.specimens.measured_at(found.place)
        if again is None:
            return None
        ink, x_height = again.ink, again.x_height
    return decide(found.char, ink, LineShape(x_height, False), specimens=found.specimens) \
        or found.specimens.apostrophe_of_document(ink, x_height)


def settle(text: str, marks: tuple[MarkBox, ...], image: np.ndarray, scale: float = 1.0,
           origin: tuple[int, int] = (0, 0), native: float = 1.0,
           specimens: Specimens = NO_SPECIMENS) -> tuple[str, tuple[Undecided, ...]]:
    """The word with its twin marks decided from the ink of ``image`` (grayscale, dark ink),
    and its twin marks left undecided (an apostrophe measured with what its document may
    still decide, :func:`settled_later`). Mark boxes are pixels of the image OCR
    read, which stood at ``origin`` of an image ``scale`` times smaller than ``image``;
    ``image`` is measured resampled by ``native`` (at most 1: to the scan's own resolution).
    A mark the fixed measures leave undecided is compared with the page's ``specimens``."""
    chars, undecided = list(text), []
    boxes = {mark.index: mark for mark in marks}
    for index, char in enumerate(text):
        if char not in TWINS or not is_twin(text, index):
            continue
        mark = boxes.get(index)
        ink = mark_ink(image, mark, scale, origin, native) if mark else None
        decided = decide(char, ink, mark.line, scale * native, specimens) if mark else None
        later = None
        if char in APOSTROPHES and mark and mark.line.x_height and specimens is not NO_SPECIMENS:
            x_height = mark.line.x_height * scale * native
            place = ((mark.box[0] + origin[0]) * scale * native, (mark.box[1] + origin[1]) * scale * native)
            if ink is not None:
                specimens.measured(Measured(ink, x_height, place, decided))
            later = Apostrophe(char, ink, x_height, specimens, place)
        if decided is not None:
            chars[index] = decided
        else:
            undecided.append(Undecided(index, later))
    return "".join(chars), tuple(undecided)


def decide(char: str, ink: np.ndarray | None, line: LineShape, scale: float = 1.0,
           specimens: Specimens = NO_SPECIMENS) -> str | None:
    """The mark the ink shows, for a mark OCR read as ``char`` on ``line`` (measured in
    pixels of the image OCR read, ``scale`` times smaller than the ink's); None when
    neither the ink alone nor its page's ``specimens`` tell, or when they disagree (an
    apostrophe leaning but clearly unlike the commas included)."""
    if ink is None:
        return None
    x_height = line.x_height * scale if line.x_height else None
    if char in APOSTROPHES:
        alone, compared = apostrophe(ink), specimens.apostrophe(ink, x_height)
        if alone and specimens.unlike_commas(ink, x_height):
            return None  # leaning, but not the comma raised (a straight one measured askew)
    else:
        alone, compared = dash(ink, x_height, line.monospace), None if line.monospace else specimens.dash(ink, x_height)
    return None if alone and compared and alone != compared else alone or compared


def dash(ink: np.ndarray, x_height: float | None, monospace: bool) -> str | None:
    """Hyphen, en dash, em dash or middle dot from a dash's ink (weights 0–1): a dot by its
    square shape, a dash by its length over the line's x-height, not on a monospaced
    line (a typewriter's hyphen fills its cell as its en dash does)."""
    height, width = _extent(ink, 1), _extent(ink, 0)
    if width == 0 or height == 0 or not x_height:
        return None
    ratio, length = height / width, width / x_height
    if ratio >= DOT_MIN_RATIO:
        return DOT if length <= DOT_MAX_LENGTH else None
    if ratio > BAR_MAX_RATIO or monospace:
        return None
    if length <= HYPHEN_MAX:
        return "-"
    if EN_DASH[0] <= length <= EN_DASH[1]:
        return "–"
    return "—" if length >= EM_DASH_MIN else None


def apostrophe(ink: np.ndarray) -> str | None:
    """The typographic apostrophe (’) when its ink leans (foot left of head), else None.

    A straight apostrophe is upright, but so is the typographic one of many fonts
    (Arial's, Calibri's, Times's are commas standing upright, their tail a pixel wide at
    a scan's resolution): an upright mark is no proof, and is left undecided.
    """
    lean = tilt(ink)
    return "’" if lean is not None and lean >= CURLY_TILT else None


def tilt(ink: np.ndarray) -> float | None:
    """How far the mark's ink moves left per pixel down (its principal slope, ink-weighted);
    None for a mark too small to measure."""
    rows = np.flatnonzero(ink.sum(axis=1) > 0.5)
    if len(rows) == 0 or rows[-1] - rows[0] + 1 < MIN_MARK_PX:
        return None
    ys, xs = np.mgrid[0:ink.shape[0], 0:ink.shape[1]]
    total = ink.sum()
    cy, cx = (ink * ys).sum() / total, (ink * xs).sum() / total
    spread = (ink * (ys - cy) ** 2).sum() / total
    return float(-(ink * (xs - cx) * (ys - cy)).sum() / total / spread)


def _centred(ink: np.ndarray, size: int) -> np.ndarray:
    """The ink moved (sub-pixel) to put its centroid at the middle of a ``size`` square."""
    ys, xs = np.mgrid[0:ink.shape[0], 0:ink.shape[1]]
    total = ink.sum()
    shift = np.float32([[1, 0, size / 2 - (ink * xs).sum() / total], [0, 1, size / 2 - (ink * ys).sum() / total]])
    return cv2.warpAffine(ink.astype(np.float32), shift, (size, size), flags=cv2.INTER_LINEAR)


def _bend(ink: np.ndarray) -> float:
    """How far right (pixels) the ink below its centroid's row stands of the ink above it:
    a comma's foot bends left of its head, a straight apostrophe's does not."""
    rows, columns = np.arange(ink.shape[0]), np.arange(ink.shape[1])
    middle = (ink.sum(axis=1) * rows).sum() / ink.sum()
    above, below = ink[rows < middle].sum(axis=0), ink[rows >= middle].sum(axis=0)
    if above.sum() <= 0 or below.sum() <= 0:
        return 0.0
    return float((below * columns).sum() / below.sum() - (above * columns).sum() / above.sum())


def _extent(ink: np.ndarray, axis: int) -> float:
    """The mark's length across the profile summed over ``axis`` (1: its height, 0: its
    width): the profile's length above half its peak, the blur at its ends counting part."""
    profile = ink.sum(axis=axis)
    if profile.max() <= 0:
        return 0.0
    return float(np.clip(profile / profile.max() * 2 - 0.5, 0, 1).sum())


def two_tone(image: np.ndarray) -> bool:
    """Whether a scan's own image (gray levels, at its resolution) is black and white: its
    strokes' edges are the scanner's threshold, which a smooth rendering turns into a
    gray that tells nothing of the glyph's shape."""
    sample = image[::2, ::2]
    dark = np.count_nonzero(sample < 128)
    between = np.count_nonzero((sample > TWO_TONE_MARGIN) & (sample < 255 - TWO_TONE_MARGIN))
    return dark > 0 and between < TWO_TONE_SHARE * dark


def mark_ink(image: np.ndarray, mark: MarkBox, scale: float = 1.0, origin: tuple[int, int] = (0, 0),
             native: float = 1.0) -> np.ndarray | None:
    """The mark's ink as weights 0–1 (0 paper, 1 full ink), in its box grown by a pixel and
    kept to its one stroke, at ``native`` times the resolution of ``image`` (the scan's own
    pixels: a page rendered finer than it was scanned is smooth, its edges are not the
    scanner's); None when the box holds no clear single stroke (a mark glued to a letter,
    or a box OCR drew over two characters, cannot be measured)."""
    ox, oy = origin
    step = 1 / native  # pixels of ``image`` per pixel measured
    x0, top, x1, bottom = ((v + o) * scale for v, o in zip(mark.box, (ox, oy, ox, oy)))
    height, width = image.shape[:2]
    # The box grown by three pixels: the blur's halo and some paper, for the paper and ink levels.
    left, up = max(0, int(x0 - 3 * step)), max(0, int(top - 3 * step))
    right, down = min(width, int(np.ceil(x1 + 3 * step))), min(height, int(np.ceil(bottom + 3 * step)))
    crop = image[up:down, left:right].astype(np.float32)
    if crop.size == 0:
        return None
    if native < 1:
        size = (max(1, round(crop.shape[1] * native)), max(1, round(crop.shape[0] * native)))
        crop = cv2.resize(crop, size, interpolation=cv2.INTER_AREA)
    paper, dark = float(np.percentile(crop, 95)), float(crop.min())
    if paper - dark < MIN_CONTRAST:
        return None  # nothing there to measure
    around = np.clip((paper - crop) / (paper - dark), 0, 1)
    inked = around > EDGE_WEIGHT
    if np.count_nonzero(inked & (around < 1 - EDGE_WEIGHT)) < MIN_EDGE_SHARE * np.count_nonzero(inked):
        return None  # a bilevel scan: its ends and edges are cut by the scanner's threshold, not measured
    # The box grown by one pixel, in the measured pixels.
    fx, fy = crop.shape[1] / (right - left), crop.shape[0] / (down - up)
    rows = slice(max(0, int((top - up) * fy) - 1), min(crop.shape[0], int(np.ceil((bottom - up) * fy)) + 1))
    columns = slice(max(0, int((x0 - left) * fx) - 1), min(crop.shape[1], int(np.ceil((x1 - left) * fx)) + 1))
    weights = around[rows, columns]
    if weights.size == 0:
        return None
    count, labels, stats, _ = cv2.connectedComponentsWithStats((weights > 0.5).astype(np.uint8), connectivity=8)
    strokes = [i for i in range(1, count) if stats[i, cv2.CC_STAT_AREA] >= 2]
    if len(strokes) != 1:
        return None
    stroke = (labels == strokes[0]).astype(np.uint8)
    if stroke[0].any() or stroke[-1].any() or stroke[:, 0].any() or stroke[:, -1].any():
        return None  # the stroke goes on outside the box: part of something else
    return weights * cv2.dilate(stroke, np.ones((3, 3), np.uint8))


def _distance(ink: np.ndarray, other: np.ndarray) -> float:
    """The share of two centred shapes' ink that differs."""
    return float(np.abs(ink - other).sum() / (ink.sum() + other.sum()))
