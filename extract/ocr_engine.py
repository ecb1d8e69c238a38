"""The one wrapper of Tesseract (through tesserocr), French data.

Starting Tesseract costs more than reading a zone, so each worker process
keeps one engine (:func:`get_engine`) and reuses it for every page and zone.
Positions returned are pixels of the image given; the callers convert them.
Without tesserocr or the French data, :func:`ocr_available` says in French
what to install and :func:`get_engine` returns None: scans are then read
without words (boxes only) and sent to review by the caller.
"""
from __future__ import annotations

import importlib.util
import itertools
import os
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from extract.glyphs import SPECIMENS, TWINS, LineShape, MarkBox, is_specimen, is_twin
from extract.raster import ink_threshold

LANGUAGE = "fra"
INSTALL_COMMAND = "sudo apt-get install tesseract-ocr tesseract-ocr-fra"
# Where distributions put the trained data; TESSDATA_PREFIX wins when set.
TESSDATA_DIRS = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
    "/opt/homebrew/share/tessdata",
)
DIGITS = "0123456789"
# A lowercase word Tesseract's French dictionary does not know ("éqal") is a likely misread
# (g read as q): its confidence is lowered so that the field reader sends it to review.
UNKNOWN_WORD_CONFIDENCE = 0.6
WORD_PUNCTUATION = ".,;:!?()«»\"'’‘-"
SAME_LINE = 0.5  # two words whose heights overlap by this share of the smaller are on one line


@dataclass(frozen=True, slots=True)
class OcrWord:
    """A word read by Tesseract: pixel box in the image read, confidence 0–1."""

    text: str
    x0: int
    top: int
    x1: int
    bottom: int
    confidence: float
    marks: tuple[MarkBox, ...] = ()  # where its marks that have a twin stand (extract.glyphs)
    specimens: tuple[MarkBox, ...] = ()  # its commas and in-word hyphens: marks of known identity (extract.glyphs)


def find_tessdata(language: str = LANGUAGE) -> Path | None:
    """The folder holding ``<language>.traineddata``, or None."""
    candidates = [os.environ.get("TESSDATA_PREFIX", ""), *TESSDATA_DIRS]
    for folder in filter(None, candidates):
        for path in (Path(folder), Path(folder) / "tessdata"):
            if (path / f"{language}.traineddata").is_file():
                return path
    return None


def ocr_available() -> tuple[bool, str]:
    """Whether scans can be read, and if not, why (in French, with the fix)."""
    if importlib.util.find_spec("tesserocr") is None:
        return False, ("Lecture des scans impossible : le module Python « tesserocr » est absent "
                       f"(installez Tesseract : {INSTALL_COMMAND}, puis « pip install tesserocr »).")
    if find_tessdata() is None:
        return False, ("Lecture des scans impossible : Tesseract ou ses données françaises sont "
                       f"absents. Installez-les : {INSTALL_COMMAND}")
    return True, "Tesseract (français) disponible."


class OcrEngine:
    """One Tesseract instance, French, reused for every read of the process."""

    def __init__(self, tessdata: Path, language: str = LANGUAGE) -> None:
        import tesserocr

        self._tesserocr = tesserocr
        self._api = tesserocr.PyTessBaseAPI(path=str(tessdata), lang=language)
        # Inverted-text retries double the time of doubtful lines; forms are dark on light.
        self._api.SetVariable("tessedit_do_invert", "0")
        self._osd_api: Any = None
        self._tessdata = tessdata

    def read(self, image: np.ndarray | Image.Image, *, dpi: int, block: bool = True,
             digits: bool = False, word: bool = False) -> list[OcrWord]:
        """Words of ``image`` (grayscale), read as one block or as a whole page.

        ``block`` uses one uniform text block (zones); otherwise Tesseract
        finds the layout itself (sparse text: labels scattered on a form).
        ``word`` reads the image as one word (a lone figure, which a block
        reading may leave out). ``digits`` restricts the characters to digits
        (numbers' zones).
        """
        psm = self._tesserocr.PSM
        self._api.SetPageSegMode(psm.SINGLE_WORD if word else psm.SINGLE_BLOCK if block else psm.SPARSE_TEXT)
        self._api.SetVariable("tessedit_char_whitelist", DIGITS if digits else "")
        self._api.SetImage(_pil(image))
        self._api.SetSourceResolution(dpi)
        self._api.Recognize()
        return apart(self._words(), image)

    def orientation(self, image: np.ndarray | Image.Image, dpi: int) -> int | None:
        """Clockwise degrees (0, 90, 180, 270) the page is turned, or None if unknown.

        Uses Tesseract's orientation detector (``osd.traineddata``).
        """
        if not (self._tessdata / "osd.traineddata").is_file():
            return None
        if self._osd_api is None:
            self._osd_api = self._tesserocr.PyTessBaseAPI(
                path=str(self._tessdata), lang="osd", psm=self._tesserocr.PSM.OSD_ONLY)
        self._osd_api.SetImage(_pil(image))
        self._osd_api.SetSourceResolution(dpi)
        try:
            result = self._osd_api.DetectOrientationScript()
        except RuntimeError:  # too little text to tell
            return None
        if not result or result.get("orient_conf", 0.0) < 1.0:
            return None
        return int(result["orient_deg"]) % 360

    def _words(self) -> list[OcrWord]:
        """The words recognised, symbol by symbol: the boxes of the marks that have a
        twin (' and ’, - and –) are kept, with the shape of their line, for
        :mod:`extract.glyphs` to decide them from the ink."""
        tesserocr = self._tesserocr
        iterator = self._api.GetIterator()
        if iterator is None:
            return []
        lines: list[list[list[tuple[str, tuple[int, int, int, int]]]]] = []
        heads: list[tuple[str, tuple[int, int, int, int], float] | None] = []
        for item in tesserocr.iterate_level(iterator, tesserocr.RIL.SYMBOL):
            if item.IsAtBeginningOf(tesserocr.RIL.TEXTLINE) or not lines:
                lines.append([])
            if item.IsAtBeginningOf(tesserocr.RIL.WORD) or not lines[-1]:
                lines[-1].append([])
                heads.append(self._word_head(item))
            try:
                symbol = item.GetUTF8Text(tesserocr.RIL.SYMBOL) or ""
            except RuntimeError:  # no text: the word cannot be spelt from its symbols
                symbol = ""
            box = item.BoundingBox(tesserocr.RIL.SYMBOL)
            lines[-1][-1].append((symbol, box or (0, 0, 0, 0)))
        words: list[OcrWord] = []
        head_of = iter(heads)
        for line in lines:
            shape = LineShape.of(line)
            for symbols in line:
                head = next(head_of)
                if head is not None:
                    words.append(_word(*head, symbols, shape))
        return words

    def _word_head(self, item) -> tuple[str, tuple[int, int, int, int], float] | None:
        """The word starting at ``item``: text, box and confidence, or None if empty."""
        tesserocr = self._tesserocr
        try:
            text = (item.GetUTF8Text(tesserocr.RIL.WORD) or "").strip()
        except RuntimeError:  # an empty word (tesserocr raises instead of returning "")
            return None
        box = item.BoundingBox(tesserocr.RIL.WORD)
        if not (text and box):
            return None
        confidence = max(0.0, min(1.0, item.Confidence(tesserocr.RIL.WORD) / 100))
        if _plain_word(text) and not item.WordIsFromDictionary():
            confidence = min(confidence, UNKNOWN_WORD_CONFIDENCE)
        return text, box, confidence


def _word(text: str, box: tuple[int, int, int, int], confidence: float,
          symbols: list[tuple[str, tuple[int, int, int, int]]], shape: LineShape) -> OcrWord:
    """The word, with the boxes of its marks that have a twin and of its specimens, the
    marks of known identity its twins are compared with (when its symbols spell it)."""
    if not any(c in TWINS + SPECIMENS for c in text) or "".join(s for s, _ in symbols) != text:
        return OcrWord(text, *box, confidence)
    marks = tuple(MarkBox(i, b, shape) for i, (s, b) in enumerate(symbols) if s in TWINS and is_twin(text, i))
    specimens = tuple(MarkBox(i, b, shape) for i, (s, b) in enumerate(symbols) if is_specimen(text, i))
    return OcrWord(text, *box, confidence, marks, specimens)


def apart(words: list[OcrWord], image: np.ndarray | Image.Image) -> list[OcrWord]:
    """The words, each one's box ending before the next word of its line begins.

    Tesseract sometimes gives a word's last letter a box that runs over the
    next word ("Oui" spanning the "Non" beside it in a table header), so the
    word seems to stand in the wrong column. Such a word is cut at the next
    word's left edge and trimmed to the ink it keeps.
    """
    ordered = sorted(range(len(words)), key=lambda i: words[i].x0)
    ink: np.ndarray | None = None
    kept = list(words)  # in Tesseract's reading order
    by_left = [words[i] for i in ordered]
    for rank, index in enumerate(ordered):
        right = _next_start(by_left, rank)
        if right is not None:
            ink = _ink(image) if ink is None else ink
            kept[index] = _trimmed(words[index], right, ink)
    return kept


def _next_start(by_left: list[OcrWord], rank: int) -> int | None:
    """The left edge of the first word of ``by_left[rank]``'s line starting inside its box, if any
    (``by_left``: the words sorted by their left edge)."""
    word = by_left[rank]
    for other in itertools.islice(by_left, rank + 1, None):
        if other.x0 >= word.x1:
            return None
        overlap = min(word.bottom, other.bottom) - max(word.top, other.top)
        if other.x0 > word.x0 and overlap > SAME_LINE * min(word.bottom - word.top, other.bottom - other.top):
            return other.x0
    return None


def _ink(image: np.ndarray | Image.Image) -> np.ndarray:
    """The image's ink (pixels at or under its Otsu threshold between ink and paper)."""
    pixels = np.asarray(_pil(image).convert("L"))
    return pixels <= ink_threshold(pixels)


def _trimmed(word: OcrWord, right: int, ink: np.ndarray) -> OcrWord:
    """``word`` ending before ``right``, at its last column of ink."""
    columns = ink[word.top:word.bottom, word.x0:right].any(axis=0)
    inked = np.flatnonzero(columns)
    return replace(word, x1=word.x0 + int(inked[-1]) + 1) if inked.size else word


def _plain_word(text: str) -> bool:
    """A lowercase word of letters only (names, acronyms and numbers are not in a dictionary)."""
    core = text.strip(WORD_PUNCTUATION)
    return len(core) >= 3 and core.isalpha() and core.islower()


def _pil(image: np.ndarray | Image.Image) -> Image.Image:
    return image if isinstance(image, Image.Image) else Image.fromarray(image)


def get_engine() -> OcrEngine | None:
    """This process's engine (created once), or None when OCR is unavailable."""
    return engine_status()[0]


@cache
def engine_status() -> tuple[OcrEngine | None, str | None]:
    """This process's engine (created once), or None and why scans cannot be read (in French).

    Tesseract may be installed and still fail to start: a library missing,
    French data damaged or of another version. Scans then go to review with
    that reason, instead of being taken for other documents.
    """
    ok, reason = ocr_available()
    tessdata = find_tessdata()
    if not ok or tessdata is None:
        return None, reason
    try:
        return OcrEngine(tessdata), None
    except (ImportError, OSError, RuntimeError) as error:
        detail = " ".join(str(error).split())[:200] or type(error).__name__
        return None, ("Lecture des scans impossible : Tesseract est installé mais ne démarre pas "
                      f"({detail}). Réinstallez-le : {INSTALL_COMMAND}")
