"""An image-only (scanned) page as positioned tokens.

The page is rendered (300 dpi by default), turned upright and deskewed; its
tick boxes become marks (:mod:`extract.boxes`), its long straight strokes
rules (:func:`raster.rule_lines`). The page is then cleaned
once for OCR (:func:`raster.text_only`: boxes, rules, dotted answer lines
and specks go) and one fast OCR pass at a lower resolution gives the words
the field reader needs to find the printed labels; lines of print read with
little confidence are read again at full resolution. Values are read later,
zone by zone, at full resolution (``Page.zone_reader``), and doubtful zones
are saved as PNG crops (``Page.crop_writer``). All positions are PDF points
of the upright, deskewed page (origin top-left), like every other reader's.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable
from weakref import WeakKeyDictionary

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extract.boxes import Box, find_boxes
from extract.cells import cell_sides, find_tables
from extract.document import mostly_picture
from extract.glyphs import NO_SPECIMENS, Specimens, settle, two_tone
from extract.marks import typed_boxes
from extract.ocr_engine import OcrEngine, OcrWord
from extract.crops import CropWriter
from extract.recent import Recent
from extract.raster import (INK_LEVEL, POINTS_PER_INCH, Raster, deskew, ink_threshold, render_page, rule_lines,
                            text_only, turn, without_dust)
from extract.tokens import BBox, Mark, Page, Rule, Word, group_lines, grow, overlap_ratio, union
from questionnaire.record import SOURCE_OCR

SOURCE = SOURCE_OCR
LABEL_DPI = 150  # labels are 9–12 pt print: legible to Tesseract at this resolution
BOX_MARGIN_PT = 1.5  # whitened around a box so its outline leaves no stray strokes
ZONE_MARGIN_PT = 3.0  # read around a zone, so characters on its edge are whole
LABEL_EDGE_PT = 1.0  # a label's box from the fast pass may be this much too small
PIECE_OVERLAP = 0.3  # a zone's word this much inside a word outside the zone is a piece of it
MIN_ZONE_INK = 0.002  # share of a zone that must be ink before OCR is worth it...
FIGURE_INK_PT = 2.0  # ...or this much ink (square side) once dust is gone: a lone figure at the end of a wide row
ALPHANUMERIC = re.compile(r"\w")  # a word read, not a mark
PARAGRAPH_KEPT_PT = 250.0  # what is read of a paragraph's first line in the label pass
LINE_MIN_PT = 4.0  # a text line is at least this tall
WORD_GAP_LINES = 2.0  # a gap wider than this many line heights splits columns, not words
FULL_WIDTH = 0.6  # share of the widest line that makes a line "full width" (ragged text included)
PARAGRAPH_LEADING = 1.5  # lines of a paragraph are closer than this many line heights
WORD_SPACE = 0.15  # a gap between letters wider than this many line heights (ink) is a space between words
UPRIGHT_MIN_WORDS = 5  # fewer confident label words (or a smaller share): ask whether the page is turned
UPRIGHT_MIN_SHARE = 0.5
CONFIDENT = 0.6
LINE_CONFIDENT = 0.8  # a label line read with less mean confidence is read again at full resolution,
PRINTED_CONFIDENT = 0.9  # if a word of it was read this well (print, not only handwriting)
NUMBER_DISAGREEMENT = 0.3  # confidence of a number whose two readings disagree
PASSES_DISAGREE = 0.3  # confidence of a word the fast pass read otherwise in a confusable way (disagreeing)
FIGURE_BORDER_PT = 1.5  # white kept around a lone figure read again on its own
UNREAD_INK_PT = 1.6  # ink outside the words read, more than a speck (square side)
WORD_EDGE_PT = 1.0  # a word's box may miss this much of its strokes
BRACKET_TICKED = 0.08  # share of ink in the middle of a box typed with brackets: a tick typed in it
BRACKET_EMPTY = 0.01  # ...a space (specks aside)
MISSED_LINE_INK = 4  # a line left out holds at least this many times the ink of a speck
DIGIT_LOOKALIKES_TEXT = "lI|Oo"  # letters a typewriter's 1 and 0 are read as
DIGIT_LOOKALIKES = str.maketrans(DIGIT_LOOKALIKES_TEXT, "11100")
WIDE_CHAR = 1.0  # a character is narrower than the line is tall (digits about 0.6)
HELD_SCANS = 3  # prepared pages of a document kept in memory at once (a few questionnaire pages)


def is_image_only(pdf_page) -> bool:
    """True when the page has no text and is mostly covered by images (a scan)."""
    textpage = pdf_page.get_textpage()
    try:
        has_text = bool(textpage.get_text_range().strip())
    finally:
        textpage.close()
    return not has_text and mostly_picture(pdf_page)


def read_scan_page(pdf_page, number: int, *, engine: OcrEngine | None, crops_dir: Path | None,
                   dpi: int = 300) -> Page:
    """Read an image-only page (``number`` is 1-based) into a :class:`Page`.

    Without an engine (no Tesseract), the page has its marks but no words
    and no zone reader: the caller reports what to install. The page's zones
    may be read as long as its document is open: its images are held with
    those of the document's other pages, a few at a time (:class:`HeldScans`).
    """
    images = PageImages(_held_scans(pdf_page.pdf), pdf_page.pdf, number, dpi)
    scan = images.first(pdf_page)
    source = scan_source(pdf_page)
    # The page's commas and in-word hyphens, references for the twin marks of the scan's pages.
    specimens = Specimens(_document_specimens(pdf_page.pdf))
    words = label_words(scan, engine, source, specimens) if engine is not None else []
    if engine is not None and _few_confident(words):
        degrees = engine.orientation(scan.raster.resized(LABEL_DPI).image, LABEL_DPI)
        if degrees:
            scan = images.turned(scan, degrees)
            specimens.discard()
            specimens = Specimens(_document_specimens(pdf_page.pdf))
            words = label_words(scan, engine, source, specimens)
    width, height = scan.raster.size_points
    return Page(
        number=number, width=width, height=height, words=words,
        marks=_with_typed_boxes([_mark(box, scan.raster) for box in scan.boxes], words, scan.text),
        rules=scan.rules, image_only=True,
        zone_reader=ZoneReader(images, engine, words, source, specimens) if engine is not None else None,
        crop_writer=(CropWriter(lambda: images().raster, number, crops_dir, source.dpi)
                     if crops_dir is not None else None),
    )


def read_picture_page(pdf_page, number: int, *, engine: OcrEngine, crops_dir: Path | None,
                      dpi: int = 300) -> Page:
    """The picture under a page's text, read like a scan (``number`` is 1-based).

    For a form pasted as a picture with the answers typed over it: the
    page's text objects are taken out of ``pdf_page`` (in memory, the file is
    untouched) before it is rendered, so that the OCR reads the printed labels
    and not the typed answers, which the text layer gives exactly. The page is
    not deskewed nor turned: the picture and the text layer must keep one
    coordinate system.
    """
    for obj in list(pdf_page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT], max_depth=1)):
        pdf_page.remove_obj(obj)
    scan = _prepared(render_page(pdf_page, dpi))
    specimens = Specimens()
    words = label_words(scan, engine, specimens=specimens)  # answers come from the text layer: the marks of labels only
    width, height = scan.raster.size_points
    return Page(
        number=number, width=width, height=height, words=words,
        marks=[_mark(box, scan.raster) for box in scan.boxes], rules=scan.rules,
        zone_reader=ZoneReader(lambda: scan, engine, words, specimens=specimens),  # at most MAX_PICTURE_PAGES such pages
        crop_writer=CropWriter(lambda: scan.raster, number, crops_dir) if crops_dir is not None else None,
    )


@dataclass(frozen=True)
class OcrReader:
    """What the document reader calls for the pages it cannot read from text alone:
    image-only pages (``reader(page, number)``) and pictures under a text layer
    (``reader.picture(page, number)``); one OCR engine per worker process."""

    engine: OcrEngine | None
    crops_dir: Path | None = None

    def __call__(self, pdf_page, number: int) -> Page:
        return read_scan_page(pdf_page, number, engine=self.engine, crops_dir=self.crops_dir)

    def picture(self, pdf_page, number: int) -> Page | None:
        """The picture's labels, boxes and rules, or None without an OCR engine."""
        if self.engine is None:
            return None
        return read_picture_page(pdf_page, number, engine=self.engine, crops_dir=self.crops_dir)


@dataclass(frozen=True)
class ScanSource:
    """The scan's own image: its resolution (None if unknown) and whether it is black and white."""

    dpi: float | None
    bilevel: bool


UNKNOWN_SOURCE = ScanSource(None, False)


@dataclass
class PreparedScan:
    """A deskewed page, its boxes, and the same page cleaned for OCR.

    ``text`` is the page without boxes, rules, dotted lines and specks
    (:func:`raster.text_only`), cleaned once for all its zones; ``small``
    is that text at :data:`LABEL_DPI`, for the label pass.
    """

    raster: Raster
    boxes: list[Box]
    text: Raster
    small: Raster
    rules: list[Rule]


class HeldScans(Recent[int, PreparedScan]):
    """The prepared pages of one document in memory, at most :data:`HELD_SCANS` at once.

    A prepared A4 page holds three images at full resolution (about 25 MiB
    at 300 dpi): a scanned bid of a hundred pages cannot keep them all until
    its questionnaire is found. The pages used last are kept; another one is
    prepared again from the PDF when its zones are read (:class:`PageImages`).
    """

    def __init__(self) -> None:
        super().__init__(HELD_SCANS)


_HELD: WeakKeyDictionary = WeakKeyDictionary()  # PdfDocument -> HeldScans


_SPECIMENS: WeakKeyDictionary = WeakKeyDictionary()  # PdfDocument -> its pages' Specimens


def _document_specimens(pdf) -> list[Specimens]:
    """The specimens of the pages of ``pdf`` read so far (one scan: one font and scanner)."""
    return _SPECIMENS.setdefault(pdf, [])


def _held_scans(pdf) -> HeldScans:
    """The prepared pages held for ``pdf``, released with the document."""
    held = _HELD.get(pdf)
    if held is None:
        held = _HELD[pdf] = HeldScans()
    return held


class PageImages:
    """One scanned page's prepared images, held in :class:`HeldScans` or prepared again.

    Preparing again gives the same images: the page is rendered at the same
    resolution and turned as the label pass turned it.
    """

    def __init__(self, held: HeldScans, pdf, number: int, dpi: int) -> None:
        self._held, self._pdf, self._number, self._dpi = held, pdf, number, dpi
        self._degrees = 0

    def first(self, pdf_page) -> PreparedScan:
        """The page prepared from ``pdf_page``, already open."""
        return self._keep(_prepare(render_page(pdf_page, self._dpi)))

    def turned(self, scan: PreparedScan, degrees: int) -> PreparedScan:
        """The page turned upright (clockwise ``degrees`` undone), from now on."""
        self._degrees = degrees
        return self._keep(_prepare(Raster(turn(scan.raster.image, degrees), scan.raster.dpi)))

    def __call__(self) -> PreparedScan:
        scan = self._held.get(self._number)
        if scan is not None:
            return scan
        if self._pdf.raw is None:
            raise LookupError("the document is closed: its page cannot be prepared again")
        pdf_page = self._pdf[self._number - 1]
        try:
            scan = _prepare(render_page(pdf_page, self._dpi))
        finally:
            pdf_page.close()
        if self._degrees:
            scan = _prepare(Raster(turn(scan.raster.image, self._degrees), scan.raster.dpi))
        return self._keep(scan)

    def _keep(self, scan: PreparedScan) -> PreparedScan:
        self._held.put(self._number, scan)
        return scan


def _prepare(raster: Raster) -> PreparedScan:
    return _prepared(deskew(raster)[0])


def _prepared(raster: Raster) -> PreparedScan:
    """The page's boxes and its text cleaned for OCR (``raster`` is upright and straight)."""
    boxes = find_boxes(raster)
    unboxed = without_boxes(raster.image, boxes, raster.scale)
    rules = [Rule(*raster.to_points(line), source=SOURCE) for line in rule_lines(raster.image, raster.scale)]
    sides = [tuple(v * raster.scale for v in side) for side in cell_sides(find_tables(rules))]
    text = Raster(text_only(unboxed, ink_threshold(raster.image), raster.scale, sides), raster.dpi)
    return PreparedScan(raster, boxes, text, text.resized(LABEL_DPI) if text.dpi > LABEL_DPI else text, rules)


def _few_confident(words: list[Word]) -> bool:
    """Too few words read with confidence: the page may be turned (or is not text)."""
    confident = sum(w.confidence >= CONFIDENT for w in words)
    return confident < UPRIGHT_MIN_WORDS or confident < UPRIGHT_MIN_SHARE * len(words)


def without_boxes(image: np.ndarray, boxes: list[Box], scale: float) -> np.ndarray:
    """The image with its tick boxes (and their ticks) whitened: they are not text."""
    clean = image.copy()
    margin = round(BOX_MARGIN_PT * scale)
    for box in boxes:
        clean[max(0, box.top - margin):box.bottom + margin, max(0, box.x0 - margin):box.x1 + margin] = 255
    return clean


def label_words(scan: PreparedScan, engine: OcrEngine, source: ScanSource = UNKNOWN_SOURCE,
                specimens: Specimens | None = None) -> list[Word]:
    """The fast pass: the page's words at :data:`LABEL_DPI`, in PDF points; the
    ``specimens`` it reads are added to the page's (given) for its twin marks."""
    specimens = Specimens() if specimens is None else specimens
    small = scan.small
    text = without_paragraph_bodies(small.image, small.scale)
    found = engine.read(text, dpi=round(small.dpi), block=False)
    words = _settled(found, small, (0, 0), scan.raster, source, specimens)
    words = _doubtful_lines_reread(scan, engine, words, source, specimens)
    return words + _missed_words(scan, engine, text, words, source, specimens)


def _missed_words(scan: PreparedScan, engine: OcrEngine, label_image: np.ndarray, words: list[Word],
                  source: ScanSource, specimens: Specimens) -> list[Word]:
    """Words the fast pass left out, read again on their own at full resolution.

    Tesseract's sparse layout drops some short words standing alone (the
    « F » heading a table's column, between « H » and « NB »: the column is
    then lost); each piece of the label image's ink that no word read covers,
    as tall as a line, is read again (:func:`unread_pieces`).
    """
    small, page = scan.small, scan.text
    unread = label_image < INK_LEVEL
    for word in words:
        unread[_pixel_slices(small, grow(word.bbox, WORD_EDGE_PT), (0, 0))] = False
    found: list[Word] = []
    for top, bottom, left, right in unread_pieces(unread, small.scale):
        piece = small.to_points((left, top, right, bottom))
        image, origin = page.crop(grow(piece, ZONE_MARGIN_PT))
        found.extend(w for w in _settled(engine.read(image, dpi=round(page.dpi), block=True), page, origin,
                                         scan.raster, source, specimens)
                     if overlap_ratio(w.bbox, piece) >= 0.5 and not any(overlap_ratio(w.bbox, o.bbox) > 0
                                                                         for o in words))
    return found


def _doubtful_lines_reread(scan: PreparedScan, engine: OcrEngine, words: list[Word],
                           source: ScanSource, specimens: Specimens) -> list[Word]:
    """Lines of the fast pass read with little confidence, read again at full
    resolution; the better reading of the two is kept. A label misread
    ("Evonomeins") is a label lost, and the answer below it is then lost too."""
    page = scan.text
    kept: list[Word] = []
    for line in group_lines(words):
        mean = sum(w.confidence for w in line) / len(line)
        if mean >= LINE_CONFIDENT or max(w.confidence for w in line) < PRINTED_CONFIDENT:
            kept.extend(line)  # read well, or handwriting only (read again zone by zone anyway)
            continue
        bbox = grow(union([w.bbox for w in line]), ZONE_MARGIN_PT)
        image, origin = page.crop(bbox)
        again = _settled(engine.read(image, dpi=round(page.dpi), block=True), page, origin, scan.raster, source,
                         specimens)
        better = again and sum(w.confidence for w in again) / len(again) > mean
        kept.extend(again if better else line)
    return kept


def without_paragraph_bodies(text: np.ndarray, scale: float) -> np.ndarray:
    """The label image less the bodies of paragraphs (the introduction, long answers).

    Labels are short lines; a run of three or more full-width lines is a
    paragraph, which holds no label but would take most of the OCR time. Its
    first line is kept, cut to :data:`PARAGRAPH_KEPT_PT`, the others are
    whitened. Answers are read again zone by zone anyway.
    """
    lines = _text_lines(text, scale)
    if not lines:
        return text
    widest = max(x1 - x0 for _, _, x0, x1 in lines)
    out = text.copy()
    for paragraph in _paragraphs(lines, widest, text < INK_LEVEL):
        top, bottom, x0, x1 = paragraph[0]
        out[top:bottom, x0 + round(PARAGRAPH_KEPT_PT * scale):x1 + 1] = 255
        for top, bottom, x0, x1 in paragraph[1:]:
            out[top:bottom, x0:x1 + 1] = 255
    return out


def _text_lines(text: np.ndarray, scale: float) -> list[tuple[int, int, int, int]]:
    """Text lines (top, bottom, x0, x1), each as its widest run of words.

    A gap wider than :data:`WORD_GAP_LINES` line heights separates columns
    (or a speck) from the words: only the widest run counts.
    """
    ink = text < INK_LEVEL
    lines = []
    for top, bottom in _runs(ink.any(axis=1)):
        if bottom - top < LINE_MIN_PT * scale:
            continue
        left, right = max(_runs(ink[top:bottom].any(axis=0), gap=WORD_GAP_LINES * (bottom - top)),
                          key=lambda run: run[1] - run[0])
        lines.append((top, bottom, left, right - 1))
    return lines


def _paragraphs(lines: list[tuple[int, int, int, int]], widest: int,
                ink: np.ndarray) -> list[list[tuple[int, int, int, int]]]:
    """Runs of at least three consecutive full-width lines, each wrapped onto the next."""
    runs: list[list[tuple[int, int, int, int]]] = []
    current: list[tuple[int, int, int, int]] = []
    for line in lines:
        top, bottom, x0, x1 = line
        full = x1 - x0 >= FULL_WIDTH * widest
        if (full and current and top - current[-1][1] <= PARAGRAPH_LEADING * (bottom - top)
                and _wrapped(current, line, ink)):
            current.append(line)
            continue
        if len(current) >= 3:
            runs.append(current)
        current = [line] if full else []
    if len(current) >= 3:
        runs.append(current)
    return runs


def _wrapped(above: list[tuple[int, int, int, int]], line: tuple[int, int, int, int], ink: np.ndarray) -> bool:
    """Whether the last line of ``above`` was wrapped: the first word of ``line`` would not have
    fitted at its end, within the right edge of the lines so far. Prose is; a list of labelled
    lines ("Cadres : Femmes 2 ; Hommes 8 ; …", "Non cadres : Femmes 13 ; …"), each ending where
    its own items end, is not, and holds the labels the label pass needs."""
    top, bottom, x0, x1 = line
    right = max(x1, *(edge for *_, edge in above))
    words = _runs(ink[top:bottom, x0:x1 + 1].any(axis=0), gap=WORD_SPACE * (bottom - top))
    first_word = words[0][1] - words[0][0] if words else 0
    last_top, last_bottom, _, last_x1 = above[-1]
    return last_x1 + WORD_SPACE * (last_bottom - last_top) + first_word > right


def _settled(found: list[OcrWord], raster: Raster, origin: tuple[int, int], gray: Raster, source: ScanSource,
             specimens: Specimens) -> list[Word]:
    """The words read in ``raster`` (cut at ``origin``), as :func:`_word` gives them, their
    specimens (commas, in-word hyphens) first added to the page's: they serve these words'
    marks too. A zone read later has more of them than one read earlier (the label pass
    leaves paragraphs out), so a mark may be decided in one field and not in another."""
    if not source.bilevel:
        for word in found:
            specimens.gather(word.text, word.specimens, gray.image, gray.dpi / raster.dpi, origin,
                             _native(source, gray))
    return [_word(w, raster, origin, gray, source, specimens) for w in found]


def _native(source: ScanSource, gray: Raster) -> float:
    """The scan's own resolution over the rendering's (at most 1), where known."""
    return min(1.0, source.dpi / gray.dpi) if source.dpi else 1.0


def _word(found: OcrWord, raster: Raster, origin: tuple[int, int], gray: Raster, source: ScanSource,
          specimens: Specimens = NO_SPECIMENS) -> Word:
    """The word read in ``raster`` (cut at ``origin``) in points, its marks that have a twin
    decided from the ink of the page's gray image ``gray`` where it tells, measured at
    the scan's own resolution (the page is rendered finer, smoothing it), by itself or
    against the page's ``specimens``; on a black and white scan, whose edges are the
    scanner's threshold, they stay undecided."""
    ox, oy = origin
    x0, top, x1, bottom = raster.to_points((found.x0 + ox, found.top + oy, found.x1 + ox, found.bottom + oy))
    marks = () if source.bilevel else found.marks
    text, undecided = settle(found.text, marks, gray.image, gray.dpi / raster.dpi, origin, _native(source, gray),
                             specimens)
    return Word(text, x0, top, x1, bottom, source=SOURCE, confidence=found.confidence, marks_unsure=undecided)


def _with_typed_boxes(marks: list[Mark], words: list[Word], text: Raster) -> list[Mark]:
    """The page's drawn boxes and the boxes typed with brackets that OCR read (« (X) Oui ( ) Non »,
    as a text layer's are: :func:`extract.marks.typed_boxes`), each ticked or not by the ink
    between its brackets in ``text`` (the page cleaned for OCR), not by what OCR read there: an
    « X » read as nothing (« () ») would silently blank or turn the answer."""
    typed = []
    for word in typed_boxes(words):
        if not any(overlap_ratio(word.bbox, m.bbox) > 0.3 for m in marks):  # else a drawn box found there
            typed.append(Mark(*word.bbox, checked=_bracketed_tick(word.bbox, text), source=SOURCE,
                              confidence=word.confidence))
    return marks + typed


def _bracketed_tick(bbox: BBox, text: Raster) -> bool | None:
    """Whether the middle of a bracketed box holds a tick's ink (True), none (False), or too
    little to tell (None)."""
    x0, top, x1, bottom = bbox
    width, height = x1 - x0, bottom - top
    inside, _ = text.crop((x0 + width * 0.3, top + height * 0.2, x1 - width * 0.3, bottom - height * 0.2))
    if inside.size == 0:
        return None
    share = np.count_nonzero(inside < INK_LEVEL) / inside.size
    return True if share >= BRACKET_TICKED else False if share <= BRACKET_EMPTY else None


def _mark(box: Box, raster: Raster) -> Mark:
    x0, top, x1, bottom = raster.to_points((box.x0, box.top, box.x1, box.bottom))
    return Mark(x0, top, x1, bottom, checked=box.checked, source=SOURCE, confidence=box.confidence)


class ZoneReader:
    """Zonal OCR at full resolution: the words lying mostly inside a zone.

    Results are kept per zone, since the field reader may ask twice. A zone
    without ink is not given to Tesseract at all (most cells of a form are
    blank, and that is where the time goes). A word read again exactly as
    the label pass read it is returned as that same object, so the field
    reader recognises printed labels (it knows them by identity).
    """

    def __init__(self, images: Callable[[], PreparedScan], engine: OcrEngine, label_words: list[Word],
                 source: ScanSource = UNKNOWN_SOURCE, specimens: Specimens | None = None) -> None:
        self._images = images
        self._engine = engine
        self._label_words = label_words
        self._source = source
        self._specimens = Specimens() if specimens is None else specimens
        self._cache: dict[tuple[float, ...], list[Word]] = {}

    @property
    def _scan(self) -> PreparedScan:
        return self._images()

    def __call__(self, bbox: BBox, numeric: bool = False) -> list[Word]:
        key = (*(round(v, 1) for v in bbox), numeric)
        if key not in self._cache:
            self._cache[key] = self._read(bbox, numeric)
        return list(self._cache[key])

    @property
    def raster(self) -> Raster:
        """The deskewed page image the positions refer to."""
        return self._scan.raster

    def words_read(self) -> list[Word]:
        """Every word the zones asked for so far were read as (for ``egalite debug``)."""
        return [w for words in self._cache.values() for w in words]

    def _read(self, bbox: BBox, numeric: bool) -> list[Word]:
        """The zone's words; with ink but no word read, one empty word of confidence 0
        (the field reader sends it to review: something is written there)."""
        text, origin = self._text_image(bbox)
        if text.size == 0:
            return []
        if not worth_reading(text, self._scan.text.scale) and not self._word_seen(bbox):
            return []  # blank, unless the fast pass read a word there (an « F » in a wide band: little ink)
        read = without_dust(text, self._scan.text.scale) if numeric else text
        words = self._words(read, origin, bbox, digits=False)
        if not words and numeric:  # a lone "1" the block reading leaves out, read on its own
            known = {id(w) for w in self._label_words}  # the fast pass read the same figure there: two readings agree
            words = [w if id(w) in known else replace(w, confidence=min(w.confidence, NUMBER_DISAGREEMENT))
                     for w in self._lone_figure(read, origin, bbox)]
            return words or [self._ink_unread(read, origin, bbox)]
        if not words:
            return [self._ink_unread(read, origin, bbox)]
        digit_words = self._words(read, origin, bbox, digits=True) if numeric else []
        if numeric and _as_digits(words) == _digits(digit_words) != _digits(words):
            words = digit_words  # "l" for "1", "O" for "0": the digits-only reading, where only digits belong
        if numeric and (_digits(words) != _digits(digit_words)
                        or self._unread_ink(text, origin, bbox, words) or any(map(_too_wide, words))):
            # The French and the digits-only readings disagree, or some strokes were not
            # read (a faint "0" after a "7"): a misread number is likely.
            words = [replace(w, confidence=min(w.confidence, NUMBER_DISAGREEMENT)) for w in words]
        if not numeric:
            for line in self._missed_lines(text, origin, bbox, words):
                after = max((i + 1 for i, w in enumerate(words) if w.middle < line[0].top), default=0)
                words = words[:after] + line + words[after:]  # Tesseract's order kept for the rest
            words = [self._against_fast_pass(w) for w in words]
        return words

    def _ink_unread(self, text: np.ndarray, origin: tuple[int, int], bbox: BBox) -> Word:
        """One empty word of confidence 0 boxed tight around the zone's ink that no word was read
        from: the field reader sends its field to review, and the ledger can tell it from ink that
        another zone read (a zone cutting across the top of a figure its cell's zone read whole)."""
        page = self._scan.text
        rows, columns = _pixel_slices(page, bbox, origin)
        ys, xs = np.nonzero(text[rows, columns] == 0)
        if len(ys):
            left, top = origin[0] + columns.start, origin[1] + rows.start
            bbox = page.to_points((left + xs.min(), top + ys.min(), left + xs.max() + 1, top + ys.max() + 1))
        return Word("", *bbox, source=SOURCE, confidence=0.0)

    def _word_seen(self, bbox: BBox) -> bool:
        """Whether the fast pass read a word of letters or figures inside the zone."""
        return any(ALPHANUMERIC.search(w.text) and overlap_ratio(w.bbox, bbox) >= 0.5 for w in self._label_words)

    def _lone_figure(self, text: np.ndarray, origin: tuple[int, int], bbox: BBox) -> list[Word]:
        """The zone's ink read as one word of digits, cut close with a thin white border:
        Tesseract leaves a lone figure alone in a wide blank zone unread."""
        ys, xs = np.nonzero(text == 0)
        if not len(ys):
            return []
        pad = round(FIGURE_BORDER_PT * self._scan.text.scale)
        tight = np.pad(text[ys.min():ys.max() + 1, xs.min():xs.max() + 1], pad, constant_values=255)
        return self._words(tight, (origin[0] + int(xs.min()) - pad, origin[1] + int(ys.min()) - pad), bbox,
                           digits=True, word=True)

    def _unread(self, text: np.ndarray, origin: tuple[int, int], bbox: BBox, words: list[Word]) -> np.ndarray:
        """The zone's ink that lies outside the words read (a mask of ``text``)."""
        page = self._scan.text
        inside = np.zeros(text.shape, bool)
        inside[_pixel_slices(page, bbox, origin)] = True
        for word in words:
            inside[_pixel_slices(page, grow(word.bbox, WORD_EDGE_PT), origin)] = False
        return (text == 0) & inside

    def _unread_ink(self, text: np.ndarray, origin: tuple[int, int], bbox: BBox, words: list[Word]) -> bool:
        """Whether the zone holds more ink than a speck outside the words read."""
        unread = np.count_nonzero(self._unread(text, origin, bbox, words))
        return int(unread) >= (UNREAD_INK_PT * self._scan.text.scale) ** 2

    def _missed_lines(self, text: np.ndarray, origin: tuple[int, int], bbox: BBox,
                      words: list[Word]) -> list[list[Word]]:
        """Lines of the zone that the block reading left out, read on their own.

        Tesseract reading a block sometimes drops a short line ("à 3." ending
        a paragraph): each band of unread ink as tall as a line is read alone.
        """
        scale = self._scan.text.scale
        margin = round(ZONE_MARGIN_PT * scale)
        found: list[list[Word]] = []
        for top, bottom, left, right in unread_pieces(self._unread(text, origin, bbox, words), scale):
            band_top, band_left = max(0, top - margin), max(0, left - margin)
            band = text[band_top:bottom + margin, band_left:right + margin]
            line = self._words(band, (origin[0] + band_left, origin[1] + band_top), bbox, digits=False)
            if line:
                found.append(line)
        return found

    def _words(self, text: np.ndarray, origin: tuple[int, int], bbox: BBox, digits: bool,
               word: bool = False) -> list[Word]:
        page = self._scan.text
        found = self._engine.read(text, dpi=round(page.dpi), block=True, digits=digits, word=word)
        words = _settled(found, page, origin, self._scan.raster, self._source, self._specimens)
        outside = [w for w in self._label_words if overlap_ratio(w.bbox, bbox) < 0.5]
        # Tesseract's own order: it follows a line that the scan's residual skew makes drift.
        return [self._as_labelled(w) for w in words
                if overlap_ratio(w.bbox, bbox) >= 0.5 and not _piece_of(w, outside)]

    def _text_image(self, bbox: BBox) -> tuple[np.ndarray, tuple[int, int]]:
        """The cleaned page inside the zone and a margin, and its pixel origin.

        The margin keeps the characters on the zone's edge whole, but must
        not bring in the edge of a label beside the zone (the "/" of
        "/ 100" read as "d"): the labels' pixels in the margin are whitened.
        """
        page = self._scan.text
        crop, origin = page.crop(grow(bbox, ZONE_MARGIN_PT))
        image = crop.copy()
        for word in self._label_words:
            if overlap_ratio(word.bbox, bbox) < 0.5:
                image[_pixel_slices(page, grow(word.bbox, LABEL_EDGE_PT), origin)] = 255
        zone = _pixel_slices(page, bbox, origin)
        image[zone] = crop[zone]  # only the margin is whitened
        return image, origin

    def _as_labelled(self, word: Word) -> Word:
        """The label pass's own word when this one is the same (text and place)."""
        for known in self._label_words:
            if known.text == word.text and overlap_ratio(word.bbox, known.bbox) >= 0.5:
                return known
        return word

    def _against_fast_pass(self, word: Word) -> Word:
        """A text zone's word made doubtful where the fast pass read its place in a way OCR
        confuses with it (:func:`disagreeing`; a number's zone has its own checks)."""
        for known in self._label_words:
            if known is not word and overlap_ratio(word.bbox, known.bbox) >= 0.5:
                word = disagreeing(word, known)
        return word


def disagreeing(zone: Word, fast: Word) -> Word:
    """The zone's word as read, made doubtful where the fast pass read the same place in a way
    OCR confuses it with: the same letters but for case or accents (« la » and « La », « Égalité »
    and « Egalité »: Tesseract settles them by its language model as much as by the ink, and is
    sure either way); or a letter or figure where the zone read only a sign (« C » and « € »: the
    sign, with little confidence, would be dropped as dust and the letter lost). The zone's
    reading is kept, at full resolution; the fast pass's letters in the second case."""
    if zone.text != fast.text and _plain(zone.text) == _plain(fast.text):
        return replace(zone, confidence=min(zone.confidence, PASSES_DISAGREE))
    if zone.text and not ALPHANUMERIC.search(zone.text) and fast.text.isalnum():
        return replace(zone, text=fast.text, confidence=min(fast.confidence, PASSES_DISAGREE))
    return zone


def _plain(text: str) -> str:
    """``text`` in lower case without accents, each character kept in its place."""
    return "".join(unicodedata.normalize("NFD", c)[0] for c in text.lower())


def worth_reading(text: np.ndarray, scale: float) -> bool:
    """Whether a zone (black on white, ``scale`` pixels a point) holds enough ink to be read:
    a share of its area, or, dust aside, as much as a figure's strokes. A lone « 7 » at the far
    end of a wide row is far less than the share, and the fast pass may have missed it too:
    a zone judged blank is null, silently."""
    if np.count_nonzero(text == 0) >= MIN_ZONE_INK * text.size:
        return True
    return np.count_nonzero(without_dust(text, scale) == 0) >= (FIGURE_INK_PT * scale) ** 2


def unread_pieces(unread: np.ndarray, scale: float) -> list[tuple[int, int, int, int]]:
    """The pieces of the ``unread`` ink mask worth reading again, (top, bottom, left, right) in
    its pixels (``scale`` pixels a point): each band of ink as tall as a line, cut where its
    gaps are wider than :data:`WORD_GAP_LINES` line heights; dust, and the tails of letters
    read, are no piece."""
    least = MISSED_LINE_INK * (UNREAD_INK_PT * scale) ** 2
    pieces: list[tuple[int, int, int, int]] = []
    for top, bottom in _runs(unread.any(axis=1)):
        if bottom - top < LINE_MIN_PT * scale:
            continue  # dust, or the tail of a letter read
        for left, right in _runs(unread[top:bottom].any(axis=0), gap=WORD_GAP_LINES * (bottom - top)):
            if np.count_nonzero(unread[top:bottom, left:right]) >= least:  # else dust beside the line
                pieces.append((top, bottom, left, right))
    return pieces


def _pixel_slices(page: Raster, bbox: BBox, origin: tuple[int, int]) -> tuple[slice, slice]:
    """The rows and columns of ``bbox`` (points) in an image of ``page`` cropped at ``origin``."""
    x0, top, x1, bottom = page.to_pixels(bbox)
    ox, oy = origin
    return slice(max(0, top - oy), max(0, bottom - oy)), slice(max(0, x0 - ox), max(0, x1 - ox))


def _runs(flags: np.ndarray, gap: float = 0) -> list[tuple[int, int]]:
    """(start, end) of the runs of True in ``flags``, runs closer than ``gap`` joined."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], flags.astype(np.int8), [0]))))
    runs: list[tuple[int, int]] = []
    for start, end in zip(edges[::2].tolist(), edges[1::2].tolist()):
        if runs and start - runs[-1][1] <= gap:
            runs[-1] = (runs[-1][0], end)
        else:
            runs.append((start, end))
    return runs


def _too_wide(word: Word) -> bool:
    """A word far wider than its characters: strokes were lost in the reading."""
    return word.x1 - word.x0 > WIDE_CHAR * len(word.text) * (word.bottom - word.top)


def _as_digits(words: list[Word]) -> str | None:
    """The words as digits when they hold only digits and letters drawn like digits, else None."""
    text = "".join(w.text for w in words)
    return text.translate(DIGIT_LOOKALIKES) if text and all(c.isdigit() or c in DIGIT_LOOKALIKES_TEXT
                                                           for c in text) else None


def _digits(words: list[Word]) -> str:
    return "".join(c for w in words for c in w.text if c.isdigit())


def _piece_of(word: Word, outside: list[Word]) -> bool:
    """Whether ``word`` is a cut piece of a word lying outside the zone (the
    colon of the label before it, say): the margin read around a zone must
    not bring the label's edge into the value."""
    return any(overlap_ratio(word.bbox, other.bbox) >= PIECE_OVERLAP for other in outside)


def scan_image(page: Page) -> Raster | None:
    """The deskewed image a scanned page's positions refer to; None for other pages."""
    reader = page.zone_reader
    if not (page.image_only and isinstance(reader, ZoneReader)):
        return None
    try:
        return reader.raster
    except LookupError:  # released with its document (a long scan): drawn from the PDF instead
        return None


def scan_dpi(pdf_page) -> float | None:
    """The resolution of the largest image of the page (the scan's own), whatever its rotation."""
    return scan_source(pdf_page).dpi


def scan_source(pdf_page) -> ScanSource:
    """The largest image of the page (the scan): its resolution, whatever its rotation, and
    whether it is black and white (one bit per pixel, or gray levels holding two tones)."""
    best = None
    for obj in pdf_page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
        left, bottom, right, top = obj.get_bounds()
        width, height = obj.get_px_size()
        area = (right - left) * (top - bottom) / POINTS_PER_INCH ** 2
        if area > 0 and (best is None or area > best[0]):
            best = (area, obj)
    if best is None:
        return UNKNOWN_SOURCE
    area, obj = best
    width, height = obj.get_px_size()
    return ScanSource((width * height / area) ** 0.5, bool(obj.get_metadata().bits_per_pixel == 1 or _two_tone(obj)))


def _two_tone(obj) -> bool:
    """Whether the image object holds only black and white (an unreadable one counts as not)."""
    try:
        image = np.array(obj.get_bitmap(render=False).to_pil().convert("L"))
    except (pdfium.PdfiumError, ValueError, OSError):
        return False
    return two_tone(image)

