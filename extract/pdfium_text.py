"""Page text as positioned words, from PDFium's text page.

pdfminer (under pdfplumber) reads a few pages a second; PDFium's text page
gives every character with its box many times faster, which the batch needs.
Box and tick glyphs (☐ ☒ ✓ ✗ …) are kept apart: they are marks, not words.
"""
from __future__ import annotations

import bisect
import ctypes
import re
from itertools import repeat
from typing import Sequence

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as raw

from extract.dingbats import drawn_box
from extract.tokens import Rule, Word, printed_words

# Glyphs that draw a box: empty, or already ticked.
EMPTY_BOX_GLYPHS = frozenset("☐□❏❐❑❒▢")
TICKED_BOX_GLYPHS = frozenset("☑☒⊠■▣")
_BOX_GLYPHS = EMPTY_BOX_GLYPHS | TICKED_BOX_GLYPHS
_BOX_GLYPH_CODE_POINTS = np.array(sorted(map(ord, _BOX_GLYPHS)), dtype=np.uint32)
# Glyphs that tick a box when they sit inside one.
TICK_GLYPHS = frozenset("✓✔✗✘×xX✕✖")
# PDFium gives a ZapfDingbats glyph whose code the font leaves unmapped as U+25A0, whatever
# its shape (✔, ❏, ■...): its ink decides (extract.dingbats), else it is recorded as DINGBAT,
# a tick inside a printed box, elsewhere a box of unknown state.
DINGBAT = "\ufffc"
# Symbol fonts draw boxes and ticks with the codes of letters: Word, Excel and LibreOffice
# export them as the code itself or as the code in the private use area (U+F000 + code).
# By the font's family (its name without style, subset prefix, spaces or dashes).
SYMBOL_GLYPHS = {
    "wingdings2": {0x4F: "✗", 0x50: "✓", 0x52: "☑", 0x53: "☒", 0x54: "☒", 0xA3: "☐"},
    "wingdings": {0x78: "☒", 0xA8: "☐", 0xFB: "✗", 0xFC: "✓", 0xFD: "☒", 0xFE: "☑"},
    "zapfdingbats": {0x33: "✓", 0x34: "✔", 0x35: "✕", 0x36: "✖", 0x37: "✗", 0x38: "✘",
                     0x6E: "■", 0x6F: "❏", 0x70: "❐", 0x71: "❑", 0x72: "❒"},
}
_SYMBOL_CODES = frozenset(code for codes in SYMBOL_GLYPHS.values() for code in codes) | {0x25A0}
_PRIVATE_SYMBOLS = range(0xF020, 0xF100)
_SYMBOL_CHARS = frozenset(chr(code) for code in _SYMBOL_CODES if code not in _PRIVATE_SYMBOLS) | frozenset(
    chr(0xF000 + code) for code in _SYMBOL_CODES if 0xF000 + code in _PRIVATE_SYMBOLS)  # whose _code is one
_SYMBOL_CODE_POINTS = np.array(sorted(map(ord, _SYMBOL_CHARS)), dtype=np.uint32)
LEADER_RUN = re.compile(r"[._…]{4,}")  # a tab leader or dotted answer line, never part of a word
_OTHER_SPACES = re.compile("[\t\r\n\u00a0\u202f\u2009\u2007\ufffe\x00]")  # PDFium's spaces, made " "


def on_addresses(function, restype, *argtypes):
    """A PDFium function called with plain addresses (``ctypes.c_void_p`` for its handles) and
    numbers: without the checks of pypdfium2's typed prototype, which cost more than the call
    itself where a page asks for it thousands of times (every character's box, every path's segment).
    The call keeps Python's lock (a ``PYFUNCTYPE``): releasing and taking it again around each of
    these calls of a few microseconds cost a tenth of them; PDFium, which is not thread-safe, is
    called by one thread at a time anyway."""
    return ctypes.PYFUNCTYPE(restype, *argtypes)(ctypes.cast(function, ctypes.c_void_p).value)


ADDRESS = ctypes.c_void_p
_LOOSE_CHAR_BOX = on_addresses(raw.FPDFText_GetLooseCharBox, None, ADDRESS, ctypes.c_int, ADDRESS)  # a failure leaves 0s
_TEXT_OBJECT = on_addresses(raw.FPDFText_GetTextObject, ADDRESS, ADDRESS, ctypes.c_int)
_TEXT_OBJECT_FONT = on_addresses(raw.FPDFTextObj_GetFont, ADDRESS, ADDRESS)


def page_chars(textpage: pdfium.PdfTextPage, height: float,
               objects: PageObjects | None = None) -> tuple[str, np.ndarray]:
    """The page's characters as one string (each kind of space as " ", a symbol font's box or
    tick as that glyph), and their boxes (x0, top, x1, bottom) in top-left coordinates as one
    array, a row a character (a space's row holds no box: no reader looks at it).

    A page has thousands of characters: their boxes are asked for by one ``map`` over the
    page's other characters (:data:`_LOOSE_CHAR_BOX`, each written into one array read back
    at once), not a Python loop with a box object read field by field."""
    handle = textpage.raw
    count = raw.FPDFText_CountChars(handle)
    letters = _OTHER_SPACES.sub(" ", textpage.get_text_range(0, count)[:count] if count > 0 else "")
    boxes = np.zeros((len(letters), 4), dtype=np.float32)  # not a ctypes array: a new ctypes type each page
    # Loose boxes span the font's ascent to descent: every character of a line gets the same
    # band, so an apostrophe or a comma stays in its word.
    inked = np.flatnonzero(~_spaces(letters))
    # the text page given as one ``c_void_p`` for all its characters: ctypes passes it on as it is,
    # where it converts an address anew on each call
    list(map(_LOOSE_CHAR_BOX, repeat(ctypes.c_void_p(_address(handle)), len(inked)), inked.tolist(),
             (inked * 16 + boxes.ctypes.data).tolist()))
    # PDFium's (left, top, right, bottom) from the page's bottom, turned over as doubles: the
    # very numbers Python's floats of the same sums give, made for the whole page at once
    frame = boxes.astype(np.float64)
    frame[:, 1::2] = height - frame[:, 1::2]
    if not _SYMBOL_CHARS.isdisjoint(letters):
        letters = _symbols(textpage, letters, objects)
    return letters, frame


def _codes(letters: str) -> np.ndarray:
    """The characters' code points, as an array."""
    return np.frombuffer(letters.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _spaces(letters: str) -> np.ndarray:
    """Which of the page's characters are spaces."""
    return _codes(letters) == ord(" ")


def _symbols(textpage: pdfium.PdfTextPage, letters: str, objects: PageObjects | None) -> str:
    """The page's letters with those a symbol font draws as boxes or ticks made those glyphs.

    Many ordinary letters ("o", "n", "x"...) are such codes: on a page none of whose text
    objects is in a symbol font (most pages), the letters stay as they are, its few fonts
    named once; otherwise the candidates' text objects are asked for in one ``map``, and
    each object's font named once (the page's fonts already named are not named again)."""
    fonts = _font_families(textpage.page, objects)
    if fonts is not None and not any(fonts.values()):
        return letters
    fonts = fonts or {}
    handle = textpage.raw
    candidates = np.flatnonzero(np.isin(_codes(letters), _SYMBOL_CODE_POINTS)).tolist()
    owners = list(map(_TEXT_OBJECT, repeat(_address(handle), len(candidates)), candidates))
    firsts = dict(zip(reversed(owners), reversed(candidates)))  # each text object's first candidate
    symbolic: dict[int | None, str] = {}  # the text objects in a symbol font, and its family
    for key in dict.fromkeys(owners):
        font = _TEXT_OBJECT_FONT(key) if key else None
        family = fonts[font] if font in fonts else _symbol_family(handle, firsts[key])
        if font:
            fonts[font] = family
        if family:
            symbolic[key] = family
    if not symbolic:
        return letters
    changed = list(letters)
    for index, key in zip(candidates, owners):
        if key in symbolic:
            letter = _symbol(letters[index], symbolic[key])
            changed[index] = (drawn_box(textpage, index) or DINGBAT) if letter == DINGBAT else letter
    return "".join(changed)


def _address(pointer) -> int | None:
    """A PDFium handle's address (None for a null one), to know it again (ctypes.cast is slow)."""
    return ctypes.c_void_p.from_buffer(pointer).value


def _code(char: str) -> int:
    """The symbol font's code of a character (a private-use character gives its code back)."""
    return ord(char) - 0xF000 if ord(char) in _PRIVATE_SYMBOLS else ord(char)


def _symbol(char: str, family: str) -> str:
    """The box or tick a character of a symbol font's ``family`` draws; other characters as they are."""
    if char == "\u25a0":
        return DINGBAT if family == "zapfdingbats" else char
    return SYMBOL_GLYPHS[family].get(_code(char), char)


def _font_families(page: pdfium.PdfPage, objects: PageObjects | None = None) -> dict[int, str] | None:
    """The symbol family of each font of the page's text objects, form XObjects searched, by the
    font's address (the name the text page gives its characters' font, see :func:`_symbol_family`);
    None when the page's objects cannot all be listed (each character's font is then asked).
    ``objects``: the page's objects, when listed already (:class:`PageObjects`)."""
    objects = objects if objects is not None else PageObjects(page)
    if not objects.all_texts:
        return None
    return {font: _font_family(font) for font in set(map(_TEXT_OBJECT_FONT, objects.texts)) if font}


_PAGE_OBJECT_COUNT = on_addresses(raw.FPDFPage_CountObjects, ctypes.c_int, ADDRESS)
_PAGE_OBJECT = on_addresses(raw.FPDFPage_GetObject, ADDRESS, ADDRESS, ctypes.c_int)
_FORM_OBJECT_COUNT = on_addresses(raw.FPDFFormObj_CountObjects, ctypes.c_int, ADDRESS)
_FORM_OBJECT = on_addresses(raw.FPDFFormObj_GetObject, ADDRESS, ADDRESS, ctypes.c_ulong)
_OBJECT_KIND = on_addresses(raw.FPDFPageObj_GetType, ctypes.c_int, ADDRESS)
_FONT_NAME = on_addresses(raw.FPDFFont_GetBaseFontName, ctypes.c_ulong, ADDRESS, ADDRESS, ctypes.c_ulong)
MAX_FORM_DEPTH = 16  # form XObjects nested deeper than this: the page is read as if it may use a symbol font


def _object_kinds(parent: int, form: bool) -> list[tuple[int | None, int]] | None:
    """The objects of a page, or of a form XObject with ``form`` (``parent``: its address), as their
    addresses and kinds (``FPDF_PAGEOBJ_*``; a null object is of the unknown kind), or None when
    PDFium cannot count them. Asked on addresses: a page has hundreds of objects (its text runs)."""
    total = (_FORM_OBJECT_COUNT if form else _PAGE_OBJECT_COUNT)(parent)
    if total < 0:
        return None
    objects = list(map(_FORM_OBJECT if form else _PAGE_OBJECT, repeat(parent, total), range(total)))
    return list(zip(objects, map(_OBJECT_KIND, objects)))  # PDFium gives a null object the unknown kind


PathAt = tuple[int, tuple[int, ...]]  # a path object's address, and its form XObjects' (the innermost first)


class PageObjects:
    """A page's objects, its form XObjects searched, listed once for both readers of them: its
    paths (:func:`extract.vector_marks.path_shapes`, in form XObjects nested less than
    ``path_depth`` deep) and the fonts of its text objects (:func:`_font_families`, in form
    XObjects nested :data:`MAX_FORM_DEPTH` deep at most). Valid while its page is open."""

    def __init__(self, page: pdfium.PdfPage, path_depth: int = 0) -> None:
        self.paths: list[PathAt] = []  # in the order ``page.get_objects`` gives them
        self.texts: list[int] = []  # the text objects' addresses
        self.path_error: str | None = None  # why the paths could not all be listed (as pypdfium2 says it)
        self.all_texts = True  # False when some text objects could not be listed (too deep, unreadable)
        self._path_depth = path_depth
        self._list(_address(page.raw), (), 0)

    def _list(self, parent: int, forms: tuple[int, ...], depth: int) -> None:
        """The objects of ``parent``, a page or (``forms``: it and its containers) a form XObject,
        ``depth`` form XObjects deep."""
        paths = depth < self._path_depth
        self.all_texts = self.all_texts and depth <= MAX_FORM_DEPTH
        if not paths and not self.all_texts:
            return  # nothing more to read there
        objects = _object_kinds(parent, depth > 0)
        if objects is None:
            self._failed(paths, "Failed to get number of pageobjects.")
            return
        for obj, kind in objects:
            if kind == raw.FPDF_PAGEOBJ_PATH:
                if paths:
                    self.paths.append((obj, forms))
            elif kind == raw.FPDF_PAGEOBJ_TEXT:
                self.texts.append(obj)
            elif kind == raw.FPDF_PAGEOBJ_FORM:
                self._list(obj, (obj, *forms), depth + 1)
            elif kind == raw.FPDF_PAGEOBJ_UNKNOWN:
                self._failed(paths, "Failed to get pageobject.")

    def _failed(self, paths: bool, error: str) -> None:
        """Some objects could not be listed: the first failure among the paths' says why."""
        self.all_texts = False
        if paths and self.path_error is None:
            self.path_error = error


def _font_family(font: int) -> str:
    """:func:`_symbol_family` of a font, asked of the font itself (by its address)."""
    size = _FONT_NAME(font, None, 0)
    if size <= 0:
        return ""
    buffer = ctypes.create_string_buffer(size)
    _FONT_NAME(font, ctypes.addressof(buffer), size)
    return _family(buffer.value)


def _symbol_family(handle, index: int) -> str:
    """"wingdings", "wingdings2", "zapfdingbats" (any dingbats font), or "" for any other font."""
    size = raw.FPDFText_GetFontInfo(handle, index, None, 0, None)
    if size <= 0:
        return ""
    buffer = ctypes.create_string_buffer(size)
    raw.FPDFText_GetFontInfo(handle, index, buffer, size, None)
    return _family(buffer.value)


def _family(font_name: bytes) -> str:
    """The symbol family a font's base name says (see :func:`_symbol_family`)."""
    name = re.sub(r"[^a-z0-9]", "", font_name.decode("latin-1", errors="replace").split("+")[-1].lower())
    if "dingbats" in name:
        return "zapfdingbats"
    if name.startswith("wingdings2"):
        return "wingdings2"
    if name.startswith("wingdings") and not name[9:10].isdigit():
        return "wingdings"
    return ""


THIN_SPACE = 0.08  # a gap this share of the text's height, where French sets a thin space
THIN_SPACE_BEFORE = frozenset("%€:;!?»")
_THIN_SPACE_MARK = "[" + re.escape("".join(sorted(THIN_SPACE_BEFORE))) + "]"
_FOUR_FIGURES = re.compile(r"\d\d\d\d")  # as \d{4}, searched three times as fast
_THIN_SPACE_AT = re.compile("(?s:.)" + _THIN_SPACE_MARK + "|" + _FOUR_FIGURES.pattern)  # may need one
_THIN_SPACE_MARK_IN = re.compile("[^\n]" + _THIN_SPACE_MARK)  # in words joined by "\n", one not first in its word
LETTER_RUN = 5  # at least this many one-letter words in a row: letter-spaced text
LETTER_SPACING_MAX = 0.6  # letter spacing wider than this share of the text's height is no spacing
WORD_GAP_SHARE = 1.5  # in letter-spaced text, a gap this much wider than the spacing parts words
STYLE_TOLERANCE = 0.25  # a short run is in a letter-spaced style when its spacing and size are this close


Spans = np.ndarray  # a row a word: where it starts and ends among the page's characters (the spaces not its own)
Chars = list[tuple[str, float, float, float, float]]  # a word's characters (letter, x0, top, x1, bottom), for the
# rarer tests made on them one by one


def split_words(letters: str, boxes: np.ndarray) -> Spans:
    """Group characters into words: a space, a line change or a wide gap ends a word,
    and a printed leader ("57,1..........%") stands apart from what is typed beside it.

    PDFium inserts a space wherever the text shows one, so ordinary gaps
    (punctuation's narrow boxes in a monospace font, say) never split words:
    only a gap so wide no font would leave it inside a word does. ``letters`` and
    ``boxes``: the characters as :func:`page_chars` gives them. A word is a span of the
    page's characters, the spaces in it (letter-spaced text joined again) left out.
    """
    joined = _join_letter_spaced(_word_spans(_spaces(letters), boxes), letters, boxes)
    # a word's letters are a run of the page's letters without its spaces: a page without a
    # leader there has no word to part (most pages), and its words are not searched one by one
    if not LEADER_RUN.search(letters.replace(" ", "")):
        return joined
    return _spans([part for start, end in joined.tolist() for part in _apart_from_leaders(letters, start, end)])


def _spans(pairs: list[tuple[int, int]]) -> Spans:
    return np.array(pairs, dtype=np.intp).reshape(-1, 2)


def _word_spans(spaces: np.ndarray, boxes: np.ndarray) -> Spans:
    """Where each word starts and ends among the characters (``spaces``: which are spaces).

    Two characters that follow each other without a space stay in one word unless the second
    stands on another line, after a wide gap, or back to the left (but for a ligature's letters
    ("ffi"), which share one box). The test is the same for every pair of characters on the
    page: made on the page's arrays at once, not in a Python loop over its thousands of
    characters (``size``: the taller of the two characters' heights, at least 1)."""
    kept = np.flatnonzero(~spaces)
    if not len(kept):
        return _spans([])
    left, top, right, bottom = boxes[kept].T
    height = bottom - top
    size = np.maximum(np.maximum(height[:-1], height[1:]), 1.0)
    middle = (top + bottom) / 2
    gap = left[1:] - right[:-1]
    ligature = (np.abs(left[1:] - left[:-1]) < 0.1) & (np.abs(right[1:] - right[:-1]) < 0.1)
    apart = ((kept[1:] != kept[:-1] + 1)  # a space between
             | ~(np.abs(middle[:-1] - middle[1:]) < size * 0.6)  # another line
             | (gap > size * 2.5)  # a wide gap
             | ((gap < -size) & ~ligature))  # going back
    starts = np.concatenate((kept[:1], kept[1:][apart]))
    ends = np.concatenate((kept[:-1][apart] + 1, kept[-1:] + 1))
    return np.stack((starts, ends), axis=1)


def _chars(letters: str, boxes: np.ndarray, start: int, end: int) -> Chars:
    """A word's characters, its spaces (between the letters of letter-spaced text) left out."""
    return [(letter, *box) for letter, box in zip(letters[start:end], boxes[start:end].tolist()) if letter != " "]


def _join_letter_spaced(spans: Spans, letters: str, boxes: np.ndarray) -> Spans:
    """Text set with wide letter spacing comes out one letter a word ("E n v i r o n"):
    a run of such letters on one line is joined again, and split only where the gap is
    clearly wider than the run's own spacing between letters. A shorter run ("8 7",
    "2 2 , 2": a figure typed in the same letter-spaced text boxes as the page's
    longer answers) is joined when its letters stand at that same spacing."""
    bounds = _run_bounds(spans, letters, boxes)
    if not (np.diff(bounds) >= LETTER_RUN).any():  # no run long enough to be letter-spaced text (most pages)
        return spans
    runs = list(map(range, bounds, bounds[1:]))  # each run's words, by number
    pairs = spans.tolist()
    made: dict[int, Chars] = {}  # a word's characters, by its number (made when first needed: on few words)

    def words(numbers: Sequence[int]) -> list[Chars]:
        for number in numbers:
            if number not in made:
                made[number] = _chars(letters, boxes, *pairs[number])
        return [made[number] for number in numbers]

    spacings = [_letter_spacing(words(run)) if len(run) >= LETTER_RUN else None for run in runs]
    styles = [(spacing, _size(words(run))) for run, spacing in zip(runs, spacings) if spacing is not None]
    if not styles:  # no letter-spaced text on the page (most pages): every word stays
        return spans
    joined: list[Sequence[int]] = []  # groups of the words made one
    for run, spacing in zip(runs, spacings):
        if spacing is not None:
            joined.extend(_rejoined(run, words(run), spacing))
            continue
        # the word before a short run is no letter of it
        lead = 1 if len(run) > 1 and _glyphs(words(run[:1])[0]) > 1 else 0
        letters_run = run[lead:]
        if LETTER_RUN > len(letters_run) >= 2 and _in_style(words(letters_run), styles):
            joined.extend([[number] for number in run[:lead]] + [letters_run])
        else:
            joined.extend([number] for number in run)
    return _spans([(pairs[group[0]][0], pairs[group[-1]][1]) for group in joined])


def _run_bounds(spans: Spans, letters: str, boxes: np.ndarray) -> list[int]:
    """The words (by number) as runs of a word and the short words following it on its line (a short
    word: one or two glyphs, a letter of letter-spaced text; the letters of a ligature share one box):
    where each run starts, and the number of words last. Each word's test against the one before it is
    made for the whole page at once."""
    if len(spans) < 2:
        return list(range(len(spans) + 1))
    starts, ends = spans.T
    lengths = ends - starts
    last, first = boxes[ends[:-1] - 1], boxes[starts[1:]]
    height, next_height = last[:, 3] - last[:, 1], first[:, 3] - first[:, 1]
    size = np.where(next_height > height, next_height, height)
    size = np.where(1.0 > size, 1.0, size)
    same_line = np.abs((last[:, 1] + last[:, 3]) / 2 - (first[:, 1] + first[:, 3]) / 2) < size * 0.6
    short = lengths <= 2
    # three or four letters are two glyphs at most only where some letters share a left edge (a ligature)
    left = boxes[:, 0]
    close = np.concatenate(([0], np.cumsum(~(left[1:] - left[:-1] > 0.2))))
    for word in np.flatnonzero((lengths > 2) & (lengths <= 4) & (close[ends - 1] > close[starts])).tolist():
        short[word] = _glyphs(_chars(letters, boxes, starts[word], ends[word])) <= 2
    breaks = np.flatnonzero(~(short[1:] & same_line)) + 1
    return [0, *breaks.tolist(), len(spans)]


def _letter_spacing(run: list[list[tuple]]) -> float | None:
    """The run's spacing between letters, when it is letter-spaced text (mostly single
    glyphs, closer than :data:`LETTER_SPACING_MAX` of their height), else None."""
    if len(run) < 2 or sum(_glyphs(w) == 1 for w in run) < 0.7 * len(run):
        return None
    gaps = _gaps(run)
    spacing = gaps[len(gaps) // 2]
    return spacing if spacing <= _size(run) * LETTER_SPACING_MAX else None


def _in_style(letters: list[list[tuple]], styles: list[tuple[float, float]]) -> bool:
    """Whether single glyphs stand at the letter spacing of one of the page's letter-spaced
    runs (``styles``: their spacing and text height), in text of the same height."""
    if any(_glyphs(w) != 1 for w in letters):
        return False
    gaps, size = _gaps(letters), _size(letters)
    median = gaps[len(gaps) // 2]
    return any(abs(size - style_size) <= STYLE_TOLERANCE * style_size
               and abs(median - spacing) <= STYLE_TOLERANCE * spacing + 0.2
               and gaps[-1] <= spacing * WORD_GAP_SHARE + 0.5 for spacing, style_size in styles)


def _gaps(run: list[list[tuple]]) -> list[float]:
    """The gaps between the run's words, sorted."""
    return sorted(b[0][1] - a[-1][3] for a, b in zip(run, run[1:]))


def _size(run: list[list[tuple]]) -> float:
    """The height of the run's first character."""
    return run[0][0][4] - run[0][0][2]


def _glyphs(word: list[tuple]) -> int:
    """How many glyphs a word shows (the letters of a ligature share one box)."""
    if all(b[1] - a[1] > 0.2 for a, b in zip(word, word[1:])):  # left edges apart: none rounds like another
        return len(word)
    return len({(round(c[1], 1), round(c[3], 1)) for c in word})


def _with_thin_spaces(chars: list[tuple], text: str | None = None) -> str:
    """A word's text (``text``: its letters joined, when known), with the thin no-break space
    French puts before « % € : ; ! ? » and before a group of three figures ("1 480", "3 %")
    where the producer left only a gap, not a character. Letter-spaced text, with wide gaps
    throughout, gets none."""
    text = "".join([c[0] for c in chars]) if text is None else text
    if not _THIN_SPACE_AT.search(text):
        return text  # most words: nothing where a thin space could stand
    digits = "".join("d" if c[0].isdigit() else "." for c in chars)
    candidates = {i for i in range(1, len(chars)) if chars[i][0] in THIN_SPACE_BEFORE
                  or (digits[i - 1] == "d" and digits[i:i + 4] in ("ddd", "ddd."))}
    gaps = sorted(chars[i][1] - chars[i - 1][3] for i in range(1, len(chars)) if i not in candidates)
    spacing = max(gaps[len(gaps) // 2], 0.0) if gaps else 0.0
    letters = [c[0] for c in chars]
    for i in sorted(candidates, reverse=True):  # from the end: a space put in moves none still to test
        if chars[i][1] - chars[i - 1][3] > max(max(chars[i][4] - chars[i][2], 1.0) * THIN_SPACE, spacing * 2 + 0.3):
            letters.insert(i, " ")
    return "".join(letters)


def _rejoined(run: Sequence[int], words: list[Chars], spacing: float) -> list[list[int]]:
    """A letter-spaced run (its words' numbers, and their characters) as its words: apart where a gap
    is clearly wider than ``spacing``."""
    groups, current = [], [run[0]]
    for number, previous, word in zip(run[1:], words, words[1:]):
        if word[0][1] - previous[-1][3] > spacing * WORD_GAP_SHARE + 0.5:
            groups.append(current)
            current = []
        current.append(number)
    return groups + [current]


def _positions(letters: str, start: int, end: int) -> list[int]:
    """Where a word's characters stand on the page (its spaces left out)."""
    return [i for i in range(start, end) if letters[i] != " "]


def _cut(positions: list[int], cuts: list[int]) -> list[tuple[int, int]]:
    """A word cut before each of its characters numbered ``cuts``, as spans."""
    bounds = [0, *cuts, len(positions)]
    return [(positions[a], positions[b - 1] + 1) for a, b in zip(bounds, bounds[1:]) if b > a]


def _apart_from_leaders(letters: str, start: int, end: int) -> list[tuple[int, int]]:
    """A word, its leaders ("..........") apart from what is typed beside them."""
    positions = _positions(letters, start, end)
    if len(positions) < 4:  # shorter than any leader
        return [(start, end)]
    text = "".join(letters[i] for i in positions)
    cuts = [at for leader in LEADER_RUN.finditer(text) for at in leader.span()]
    return _cut(positions, cuts)


def _apart_at_borders(spans: Spans, letters: str, boxes: np.ndarray, textpage: pdfium.PdfTextPage,
                      rules: Sequence[Rule]) -> Spans:
    """Words parted where a drawn vertical border passes between two of their letters that
    belong to two text objects: a spreadsheet clips a cell's text at its border, so the text
    of two neighbouring cells can touch ("Non binaire" and "NSP" read "binaireNSP"). Text
    running on over a border in one text object (a title over empty cells) stays one word."""
    borders = sorted((r.x0, r.top, r.bottom) for r in rules if not r.horizontal)
    if not borders or not len(spans):
        return spans
    xs, tops, bottoms = (np.array(column) for column in zip(*borders))
    # the words with a border between their first letter's left and their last letter's right
    # edge, whose letters stand within that border's height, found for the whole page at once:
    # most words have none and stay as they are
    starts, ends = spans.T
    across = np.flatnonzero(np.searchsorted(xs, boxes[ends - 1, 2], "left")
                            != np.searchsorted(xs, boxes[starts, 0], "right"))
    if not len(across):
        return spans
    spaces = _spaces(letters)
    low, high = (_over_words(np.where(spaces, fill, extreme(boxes[:, 1], boxes[:, 3])), spans[across], extreme)
                 for fill, extreme in ((np.inf, np.minimum), (-np.inf, np.maximum)))
    left, right = (_over_words(np.where(spaces, fill, extreme(boxes[:, 0], boxes[:, 2])), spans[across], extreme)
                   for fill, extreme in ((np.inf, np.minimum), (-np.inf, np.maximum)))
    beside = ((xs > left[:, None]) & (xs < right[:, None]) & (tops <= high[:, None]) & (bottoms >= low[:, None]))
    crossed = across[beside.any(axis=1)].tolist()
    if not crossed:  # the borders at their letters stand above or below them (a table's, under a title)
        return spans
    borders_at = [tuple(b) for b in borders]
    parted, done = [], 0
    pairs = spans.tolist()
    for number in crossed:
        parted += pairs[done:number]
        parted += _parted_at_borders(*pairs[number], letters, boxes, borders_at, xs.tolist(), textpage)
        done = number + 1
    return _spans(parted + pairs[done:])


def _over_words(values: np.ndarray, spans: Spans, extreme: np.ufunc) -> np.ndarray:
    """``extreme`` (np.minimum, np.maximum) of the characters' ``values`` (a value or a row each)
    over each word (``reduceat`` ends a word's span at the next start given: a row is added for the
    page's last word to end at)."""
    return extreme.reduceat(np.concatenate((values, values[:1])), spans.ravel())[::2]


def _parted_at_borders(start: int, end: int, letters: str, boxes: np.ndarray,
                       borders: list[tuple[float, float, float]], xs: list[float],
                       textpage: pdfium.PdfTextPage) -> list[tuple[int, int]]:
    """A word some border crosses, parted where one passes between two of its letters of two
    text objects (``xs``: the borders' left edges)."""
    positions = _positions(letters, start, end)
    word = boxes[positions].tolist()
    cuts = []
    for i in range(1, len(word)):
        left, right = word[i - 1], word[i]
        middle = (left[1] + left[3]) / 2
        first = bisect.bisect_right(xs, (left[0] + left[2]) / 2)
        last = bisect.bisect_left(xs, (right[0] + right[2]) / 2)
        if any(borders[b][1] <= middle <= borders[b][2] for b in range(first, last)):
            if _text_object(textpage, positions[i - 1]) != _text_object(textpage, positions[i]):
                cuts.append(i)
    return _cut(positions, cuts)


def _text_object(textpage: pdfium.PdfTextPage, index: int) -> int | None:
    return _address(raw.FPDFText_GetTextObject(textpage.raw, index))


def word_boxes(letters: str, boxes: np.ndarray, spans: Spans) -> tuple[list[float], ...]:
    """Each word's box as four columns (x0s, tops, x1s, bottoms): the extremes of its characters'
    boxes (the spaces between the letters of letter-spaced text are none of its characters), for the
    page at once. The words (as :func:`split_words` parts them) hold each of the page's letters once,
    in order: a word's letters are a run of the page's letters alone, and one ``reduceat`` over
    those letters' boxes, a run from each word's first letter, gives every word's extremes."""
    inked = ~_spaces(letters)
    letter_boxes = boxes[inked]
    firsts = np.cumsum(inked)[spans[:, 0]] - 1  # each word's first letter, among the letters
    lows = np.minimum.reduceat(letter_boxes[:, :2], firsts)
    highs = np.maximum.reduceat(letter_boxes[:, 2:], firsts)
    return (*lows.T.tolist(), *highs.T.tolist())


_TICKS = TICK_GLYPHS | {DINGBAT}  # words that are glyphs too
BoxGlyphs = dict[int, tuple[list[Word], Chars]]  # by word number: its box glyphs, and its other characters


def text_tokens(textpage: pdfium.PdfTextPage, height: float, rules: Sequence[Rule] = (),
                objects: PageObjects | None = None) -> tuple[list[Word], list[Word]]:
    """Words of the page, and its box and tick glyphs (as one-character words).

    A box glyph is never part of a word ("☒Oui" gives the word "Oui" and the
    glyph ☒); a lone tick glyph ("X", "✓") is both a word and a glyph, and
    becomes a tick only if it sits inside a box. A word never runs across one of
    the page's vertical ``rules`` from one text object into another (see
    :func:`_apart_at_borders`). The words' texts and boxes are made for the whole page
    at once, and the words themselves (:func:`printed_words`); the rarer words asking more
    (box glyphs, thin spaces) are found on the page first, and made one by one.
    """
    letters, boxes = page_chars(textpage, height, objects)
    spans = _apart_at_borders(split_words(letters, boxes), letters, boxes, textpage, rules)
    if not len(spans):
        return [], []
    texts = _texts(letters, spans)
    columns = word_boxes(letters, boxes, spans)
    box_glyphs = _box_glyphs_apart(letters, boxes, spans, texts, columns)
    for number in _may_take_thin_spaces(texts):
        chars = box_glyphs[number][1] if number in box_glyphs else _chars(letters, boxes, *spans[number].tolist())
        texts[number] = _with_thin_spaces(chars, texts[number])
    return _words_and_glyphs(printed_words(texts, *columns), texts, box_glyphs)


def _texts(letters: str, spans: Spans) -> list[str]:
    """The words' texts (letter-spaced text, joined again, without its spaces)."""
    starts, ends = spans.T.tolist()
    texts = list(map(letters.__getitem__, map(slice, starts, ends)))
    if int((spans[:, 1] - spans[:, 0]).sum()) > len(letters) - letters.count(" "):  # some word holds spaces
        texts = [text.replace(" ", "") for text in texts]
    return texts


def _box_glyphs_apart(letters: str, boxes: np.ndarray, spans: Spans, texts: list[str],
                      columns: tuple[list[float], ...]) -> BoxGlyphs:
    """The words holding box glyphs (few pages have any), their glyphs taken out: their ``texts``
    and boxes (``columns``) made again of their other characters ("" when there are none)."""
    found: BoxGlyphs = {}
    if _BOX_GLYPHS.isdisjoint(letters):
        return found
    at = np.flatnonzero(np.isin(_codes(letters), _BOX_GLYPH_CODE_POINTS))
    for number in np.unique(np.searchsorted(spans[:, 0], at, "right") - 1).tolist():  # the words holding them
        chars = _chars(letters, boxes, *spans[number].tolist())
        kept = [char for char in chars if char[0] not in _BOX_GLYPHS]
        found[number] = ([Word(*char) for char in chars if char[0] in _BOX_GLYPHS], kept)
        texts[number] = "".join(char[0] for char in kept)
        if kept:
            _, x0s, tops, x1s, bottoms = zip(*kept)
            for column, value in zip(columns, (min(x0s), min(tops), max(x1s), max(bottoms))):
                column[number] = value
    return found


def _may_take_thin_spaces(texts: list[str]) -> list[int]:
    """The words (by number) where a thin space could stand (those :data:`_THIN_SPACE_AT` finds, see
    :func:`_with_thin_spaces`): found by two searches over the page's words joined, its two
    alternatives apart (either is searched several times as fast alone); few words have such a place."""
    joined = "\n".join(texts)
    found = [match.start() for pattern in (_THIN_SPACE_MARK_IN, _FOUR_FIGURES) for match in pattern.finditer(joined)]
    return sorted({joined.count("\n", 0, at) for at in found})


def _words_and_glyphs(made: list[Word], texts: list[str], box_glyphs: BoxGlyphs) -> tuple[list[Word], list[Word]]:
    """The page's words and its glyphs, in the words' order, of the words ``made`` of all ``texts``:
    a word's box glyphs, then the word itself when it is a tick or a dingbat; a dingbat is no word,
    nor is a word of box glyphs alone (its text "")."""
    ticks = [number for number, text in enumerate(texts) if text in _TICKS]
    if not ticks and not box_glyphs:
        return made, []
    glyphs: list[Word] = []
    for number in sorted({*ticks, *box_glyphs}):
        if number in box_glyphs:
            glyphs += box_glyphs[number][0]
        if texts[number] in _TICKS:
            glyphs.append(made[number])
    dropped = {number for number in (*ticks, *box_glyphs) if texts[number] in ("", DINGBAT)}
    if dropped:
        made = [word for number, word in enumerate(made) if number not in dropped]
    return made, glyphs
