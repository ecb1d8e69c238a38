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
from extract.tokens import Rule, Word

# Glyphs that draw a box: empty, or already ticked.
EMPTY_BOX_GLYPHS = frozenset("☐□❏❐❑❒▢")
TICKED_BOX_GLYPHS = frozenset("☑☒⊠■▣")
_BOX_GLYPHS = EMPTY_BOX_GLYPHS | TICKED_BOX_GLYPHS
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
LEADER_RUN = re.compile(r"[._…]{4,}")  # a tab leader or dotted answer line, never part of a word
_SPACES = frozenset(" \t\r\n\u00a0\u202f\u2009\u2007\ufffe\x00")
_SPACE = (" ", 0.0, 0.0, 0.0, 0.0)


def on_addresses(function, restype, *argtypes):
    """A PDFium function called with plain addresses (``ctypes.c_void_p`` for its handles) and
    numbers: without the checks of pypdfium2's typed prototype, which cost more than the call
    itself where a page asks for it thousands of times (every character's box, every path's segment)."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(function, ctypes.c_void_p).value)


ADDRESS = ctypes.c_void_p
_LOOSE_CHAR_BOX = on_addresses(raw.FPDFText_GetLooseCharBox, ctypes.c_int, ADDRESS, ctypes.c_int, ADDRESS)
_TEXT_OBJECT = on_addresses(raw.FPDFText_GetTextObject, ADDRESS, ADDRESS, ctypes.c_int)
_TEXT_OBJECT_FONT = on_addresses(raw.FPDFTextObj_GetFont, ADDRESS, ADDRESS)


def page_chars(textpage: pdfium.PdfTextPage, height: float) -> tuple[list[tuple[str, float, float, float, float]], np.ndarray]:
    """Every character with its box (x0, top, x1, bottom) in top-left coordinates, and those
    boxes as one array (a row a character, the spaces' boxes included) for :func:`split_words`.

    A page has thousands of characters: their boxes are asked for by one ``map`` over the
    page (:data:`_LOOSE_CHAR_BOX`, each written into one array read back at once), not a
    Python loop with a box object read field by field."""
    handle = textpage.raw
    count = raw.FPDFText_CountChars(handle)
    text = textpage.get_text_range(0, count)[:count] if count > 0 else ""
    boxes = (ctypes.c_float * (4 * len(text)))()
    base = ctypes.addressof(boxes)
    # Loose boxes span the font's ascent to descent: every character of a line gets the same
    # band, so an apostrophe or a comma stays in its word. The spaces' boxes are asked for too
    # (and not used): cheaper than picking the other characters out in Python.
    list(map(_LOOSE_CHAR_BOX, repeat(_address(handle), len(text)), range(len(text)), range(base, base + 16 * len(text), 16)))
    # PDFium's (left, top, right, bottom) from the page's bottom, turned over as doubles: the
    # very numbers Python's floats of the same sums give, made for the whole page at once
    frame = np.frombuffer(boxes, dtype=np.float32).reshape(-1, 4).astype(np.float64)
    frame[:, 1::2] = height - frame[:, 1::2]
    chars = [_SPACE if char in _SPACES else (char, left, top, right, bottom)
             for char, left, top, right, bottom in zip(text, *frame.T.tolist())]
    if not _SYMBOL_CHARS.isdisjoint(text):
        _symbols(textpage, chars)
    return chars, frame


def _symbols(textpage: pdfium.PdfTextPage, chars: list[tuple[str, float, float, float, float]]) -> None:
    """The letters and figures a symbol font draws as boxes or ticks, as those (in place).

    Many ordinary letters ("o", "n", "x"...) are such codes: their text objects are asked
    for in one ``map``, and each object's font named once."""
    handle = textpage.raw
    candidates = [index for index, char in enumerate(chars) if char[0] in _SYMBOL_CHARS]
    objects = list(map(_TEXT_OBJECT, repeat(_address(handle), len(candidates)), candidates))
    families: dict[int | None, str] = {}  # by text object
    fonts: dict[int, str] = {}  # by font
    for index, key in zip(candidates, objects):
        family = families.get(key)
        if family is None:  # the font is looked up once per text object, named once per font
            font = _TEXT_OBJECT_FONT(key) if key else None
            family = fonts[font] if font in fonts else _symbol_family(handle, index)
            families[key] = family
            if font:
                fonts[font] = family
        if family:
            char, *box = chars[index]
            char = _symbol(char, family)
            if char == DINGBAT:
                char = drawn_box(textpage, index) or DINGBAT
            chars[index] = (char, *box)


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


def _symbol_family(handle, index: int) -> str:
    """"wingdings", "wingdings2", "zapfdingbats" (any dingbats font), or "" for any other font."""
    size = raw.FPDFText_GetFontInfo(handle, index, None, 0, None)
    if size <= 0:
        return ""
    buffer = ctypes.create_string_buffer(size)
    raw.FPDFText_GetFontInfo(handle, index, buffer, size, None)
    name = re.sub(r"[^a-z0-9]", "", buffer.value.decode("latin-1", errors="replace").split("+")[-1].lower())
    if "dingbats" in name:
        return "zapfdingbats"
    if name.startswith("wingdings2"):
        return "wingdings2"
    if name.startswith("wingdings") and not name[9:10].isdigit():
        return "wingdings"
    return ""


THIN_SPACE = 0.08  # a gap this share of the text's height, where French sets a thin space
THIN_SPACE_BEFORE = frozenset("%€:;!?»")
_THIN_SPACE_AT = re.compile("(?s:.)[" + re.escape("".join(sorted(THIN_SPACE_BEFORE))) + r"]|\d{4}")  # may need one
LETTER_RUN = 5  # at least this many one-letter words in a row: letter-spaced text
LETTER_SPACING_MAX = 0.6  # letter spacing wider than this share of the text's height is no spacing
WORD_GAP_SHARE = 1.5  # in letter-spaced text, a gap this much wider than the spacing parts words
STYLE_TOLERANCE = 0.25  # a short run is in a letter-spaced style when its spacing and size are this close


def split_words(chars: list[tuple[str, float, float, float, float]], boxes: np.ndarray) -> list[list[tuple]]:
    """Group characters into words: a space, a line change or a wide gap ends a word,
    and a printed leader ("57,1..........%") stands apart from what is typed beside it.

    PDFium inserts a space wherever the text shows one, so ordinary gaps
    (punctuation's narrow boxes in a monospace font, say) never split words:
    only a gap so wide no font would leave it inside a word does. ``boxes``: the
    characters' boxes as :func:`page_chars` gives them (an array, a row a character).
    """
    letters = [char[0] for char in chars]
    spaces = np.fromiter(map(" ".__eq__, letters), dtype=bool, count=len(letters))
    words = [chars[start:end] for start, end in _word_spans(spaces, boxes)]
    joined = _join_letter_spaced(words)
    # a word's letters are a run of the page's letters without its spaces: a page without a
    # leader there has no word to part (most pages), and its words are not searched one by one
    if not LEADER_RUN.search("".join(letters).replace(" ", "")):
        return joined
    return [part for word in joined for part in _apart_from_leaders(word)]


def _word_spans(spaces: np.ndarray, boxes: np.ndarray) -> list[tuple[int, int]]:
    """Where each word starts and ends among the characters (``spaces``: which are spaces).

    Two characters that follow each other without a space stay in one word unless the second
    stands on another line, after a wide gap, or back to the left (but for a ligature's letters
    ("ffi"), which share one box). The test is the same for every pair of characters on the
    page: made on the page's arrays at once, not in a Python loop over its thousands of
    characters (``size``: the taller of the two characters' heights, at least 1)."""
    kept = np.flatnonzero(~spaces)
    if not len(kept):
        return []
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
    starts = [int(kept[0])] + (kept[1:][apart]).tolist()
    ends = (kept[:-1][apart] + 1).tolist() + [int(kept[-1]) + 1]
    return list(zip(starts, ends))


def _join_letter_spaced(words: list[list[tuple]]) -> list[list[tuple]]:
    """Text set with wide letter spacing comes out one letter a word ("E n v i r o n"):
    a run of such letters on one line is joined again, and split only where the gap is
    clearly wider than the run's own spacing between letters. A shorter run ("8 7",
    "2 2 , 2": a figure typed in the same letter-spaced text boxes as the page's
    longer answers) is joined when its letters stand at that same spacing."""
    runs = _runs_on_a_line(words)
    spacings = [_letter_spacing(run) if len(run) >= LETTER_RUN else None for run in runs]
    styles = [(spacing, _size(run)) for run, spacing in zip(runs, spacings) if spacing is not None]
    if not styles:  # no letter-spaced text on the page (most pages): no run is joined, every word stays
        return words
    joined: list[list[tuple]] = []
    for run, spacing in zip(runs, spacings):
        if len(run) == 1:  # a word with no short word after it on its line: most words
            joined.append(run[0])
            continue
        if spacing is not None:
            joined.extend(_rejoined(run, spacing))
            continue
        lead = 1 if len(run) > 1 and _glyphs(run[0]) > 1 else 0  # the word before a short run is no letter of it
        letters = run[lead:]
        if LETTER_RUN > len(letters) >= 2 and _in_style(letters, styles):
            joined.extend(run[:lead] + [[char for word in letters for char in word]])
        else:
            joined.extend(run)
    return joined


def _runs_on_a_line(words: list[list[tuple]]) -> list[list[list[tuple]]]:
    """The words, as runs of a word and the short words following it on its line (a short word:
    one or two glyphs, a letter of letter-spaced text; the letters of a ligature share one box)."""
    runs: list[list[list[tuple]]] = []
    run: list[list[tuple]] = []
    for word in words:
        if run and (len(word) <= 2 or (len(word) <= 4 and _glyphs(word) <= 2)):
            last, first = run[-1][-1], word[0]
            height, next_height = last[4] - last[2], first[4] - first[2]
            size = next_height if next_height > height else height
            size = 1.0 if 1.0 > size else size
            if abs((last[2] + last[4]) / 2 - (first[2] + first[4]) / 2) < size * 0.6:
                run.append(word)
                continue
        run = [word]
        runs.append(run)
    return runs


def _letter_spacing(run: list[list[tuple]]) -> float | None:
    """The run's spacing between letters, when it is letter-spaced text (mostly single
    glyphs, closer than :data:`LETTER_SPACING_MAX` of their height), else None."""
    if len(run) < 2 or sum(_glyphs(w) == 1 for w in run) < 0.7 * len(run):
        return None
    gaps = _gaps(run)
    spacing = gaps[len(gaps) // 2]
    return spacing if spacing <= _size(run) * LETTER_SPACING_MAX else None


def _rejoined(run: list[list[tuple]], spacing: float) -> list[list[tuple]]:
    """A letter-spaced run as its words: apart where a gap is clearly wider than ``spacing``."""
    words, current = [], list(run[0])
    for previous, word in zip(run, run[1:]):
        if word[0][1] - previous[-1][3] > spacing * WORD_GAP_SHARE + 0.5:
            words.append(current)
            current = []
        current.extend(word)
    return words + [current]


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


def _apart_from_leaders(word: list[tuple]) -> list[list[tuple]]:
    if len(word) < 4:  # shorter than any leader
        return [word]
    text = "".join(c[0] for c in word)
    parts, start = [], 0
    for leader in LEADER_RUN.finditer(text):
        parts += [word[start:leader.start()], word[leader.start():leader.end()]]
        start = leader.end()
    parts.append(word[start:])
    return [part for part in parts if part]


def _apart_at_borders(words: list[list[tuple]], chars: list[tuple], textpage: pdfium.PdfTextPage,
                      rules: Sequence[Rule]) -> list[list[tuple]]:
    """Words parted where a drawn vertical border passes between two of their letters that
    belong to two text objects: a spreadsheet clips a cell's text at its border, so the text
    of two neighbouring cells can touch ("Non binaire" and "NSP" read "binaireNSP"). Text
    running on over a border in one text object (a title over empty cells) stays one word."""
    borders = sorted((r.x0, r.top, r.bottom) for r in rules if not r.horizontal)
    if not borders:
        return words
    xs = [b[0] for b in borders]
    # the words with a border between their first letter's left and their last letter's right
    # edge, found for the whole page at once: most words have none and stay as they are
    lefts, rights = np.array([word[0][1] for word in words]), np.array([word[-1][3] for word in words])
    across = np.flatnonzero(np.searchsorted(xs, rights, "left") != np.searchsorted(xs, lefts, "right")).tolist()
    index: dict[int, int] = {}  # a character's number on the page, by its id (made when first needed)
    parted, done = [], 0
    for number in across:
        parted += words[done:number]
        parted += _parted_at_borders(words[number], borders, xs, chars, textpage, index)
        done = number + 1
    return parted + words[done:]


def _parted_at_borders(word: list[tuple], borders: list[tuple[float, float, float]], xs: list[float],
                       chars: list[tuple], textpage: pdfium.PdfTextPage, index: dict[int, int]) -> list[list[tuple]]:
    """A word some border crosses, parted where one passes between two of its letters of two
    text objects (``xs``: the borders' left edges; ``index``: see :func:`_apart_at_borders`)."""
    _, x0s, tops, x1s, bottoms = zip(*word)
    low, high = min(min(tops), min(bottoms)), max(max(tops), max(bottoms))
    first = bisect.bisect_right(xs, min(min(x0s), min(x1s)))
    last = bisect.bisect_left(xs, max(max(x0s), max(x1s)))
    if not any(borders[b][1] <= high and borders[b][2] >= low for b in range(first, last)):
        return [word]  # the borders at its letters stand above or below it (a table's, under a title)
    parts, start = [], 0
    for i in range(1, len(word)):
        left, right = word[i - 1], word[i]
        middle = (left[2] + left[4]) / 2
        first = bisect.bisect_right(xs, (left[1] + left[3]) / 2)
        last = bisect.bisect_left(xs, (right[1] + right[3]) / 2)
        if any(borders[b][1] <= middle <= borders[b][2] for b in range(first, last)):
            if not index:
                index.update((id(c), n) for n, c in enumerate(chars))
            if _text_object(textpage, index[id(left)]) != _text_object(textpage, index[id(right)]):
                parts.append(word[start:i])
                start = i
    return parts + [word[start:]]


def _text_object(textpage: pdfium.PdfTextPage, index: int) -> int | None:
    return _address(raw.FPDFText_GetTextObject(textpage.raw, index))


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
    text = chars[0][0]
    for i in range(1, len(chars)):
        size = max(chars[i][4] - chars[i][2], 1.0)
        gap = chars[i][1] - chars[i - 1][3]
        thin = i in candidates and gap > max(size * THIN_SPACE, spacing * 2 + 0.3)
        text += (" " if thin else "") + chars[i][0]
    return text


def text_tokens(textpage: pdfium.PdfTextPage, height: float,
                rules: Sequence[Rule] = ()) -> tuple[list[Word], list[Word]]:
    """Words of the page, and its box and tick glyphs (as one-character words).

    A box glyph is never part of a word ("☒Oui" gives the word "Oui" and the
    glyph ☒); a lone tick glyph ("X", "✓") is both a word and a glyph, and
    becomes a tick only if it sits inside a box. A word never runs across one of
    the page's vertical ``rules`` from one text object into another (see
    :func:`_apart_at_borders`).
    """
    words, glyphs = [], []
    chars, boxes = page_chars(textpage, height)
    for kept in _apart_at_borders(split_words(chars, boxes), chars, textpage, rules):
        letters, x0s, tops, x1s, bottoms = zip(*kept)
        if not _BOX_GLYPHS.isdisjoint(letters):
            glyphs += [Word(*char) for char in kept if char[0] in _BOX_GLYPHS]
            kept = [char for char in kept if char[0] not in _BOX_GLYPHS]
            if not kept:
                continue
            letters, x0s, tops, x1s, bottoms = zip(*kept)
        word = Word(_with_thin_spaces(kept, "".join(letters)), min(x0s), min(tops), max(x1s), max(bottoms))
        if word.text in TICK_GLYPHS or word.text == DINGBAT:
            glyphs.append(word)
        if word.text != DINGBAT:
            words.append(word)
    return words, glyphs
