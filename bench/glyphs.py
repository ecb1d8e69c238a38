"""Where the ink tells a mark from its twin, font by font and resolution by resolution.

``python -m bench.glyphs [FONT ...]`` prints one line of words holding each twin
mark (’ ' – - — ·) in every font found on the machine (:data:`FONTS`), as
printed and scanned: drawn at four times the resolution, sampled down like a
scanner's sensor at 150, 200 and 300 dpi, blurred (toner and optics), on
gray paper with noise and a slight rotation, in gray and in black and white,
each also saved as a JPEG (the reader leaves a black and white scan's marks
undecided: its edges are the scanner's threshold; a JPEG of one is gray to
it). Each line is rendered again at 300 dpi as the scan reader
renders a page (smoothly), read by Tesseract as the scan reader reads a zone,
and each mark decided by :mod:`extract.glyphs` from the image, measured at the
scan's own resolution, then compared with the line's specimens (its commas and
in-word hyphens) where the ink alone leaves it undecided.
Printed per font, kind of scan and resolution, per mark: right / left
undecided / WRONG, and (+n) how many of the right ones only the specimens decided.
WRONG is the outcome that must not happen (a silent error); undecided is
sent to review. It prints figures and asserts nothing (about 20 min).
"""
from __future__ import annotations

import itertools
import sys
from collections import defaultdict
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from extract import glyphs
from extract.ocr_engine import OcrEngine, find_tessdata

FONT_DIRS = ("/usr/share/fonts", "/Library/Fonts", "C:/Windows/Fonts")
FONTS = {  # name: file names (the first found is used)
    "Liberation Sans": ("LiberationSans-Regular.ttf", "arial.ttf"),
    "Liberation Serif": ("LiberationSerif-Regular.ttf", "times.ttf"),
    "Liberation Mono": ("LiberationMono-Regular.ttf", "cour.ttf"),
    "DejaVu Sans": ("DejaVuSans.ttf",),
    "DejaVu Serif": ("DejaVuSerif.ttf",),
    "DejaVu Sans Mono": ("DejaVuSansMono.ttf",),
    "Open Sans": ("OpenSans-Regular.ttf",),
    "Carlito": ("Carlito-Regular.ttf", "calibri.ttf"),
    "FreeSans": ("FreeSans.ttf",),
    "FreeSerif": ("FreeSerif.ttf",),
    "FreeMono": ("FreeMono.ttf",),
    "Nimbus Roman": ("NimbusRoman-Regular.otf",),
    "Nimbus Mono": ("NimbusMonoPS-Regular.otf",),
    "URW Gothic": ("URWGothic-Book.otf",),
    "C059": ("C059-Roman.otf",),
}
TEXT = ("Nous, la réunion d’équipe, de l'État – 2026-052, associé·es entre — deux, l’accès aujourd'hui, "
        "demi-journées, rouge - vert, semi-remorques, porte-parole, vingt-deux")  # 9 commas, 5 in-word hyphens
MARKS = [c for word in TEXT.split() for i, c in enumerate(word.rstrip(","))  # what each twin mark read should be
         if c in glyphs.TWINS and glyphs.is_twin(word.rstrip(","), i)]
OVERSAMPLE = 4
RENDER_DPI = 300  # the scan reader's rendering of a page (extract.scan)
KINDS = (("gray", False, None), ("gray, JPEG 75", False, 75), ("black and white", True, None),
         ("black, white, JPEG", True, 75))  # kind of scan: thresholded, saved as a JPEG
PAPER, INK = 235, 30


def font_file(name: str) -> Path | None:
    """The file of font ``name`` on this machine, or None."""
    for folder in map(Path, FONT_DIRS):
        if folder.is_dir():
            for file_name in FONTS[name]:
                found = next(folder.rglob(file_name), None)
                if found is not None:
                    return found
    return None


def printed_line(font: Path, text: str, *, points: float, dpi: int, blur: float = 0.7, noise: float = 6.0,
                 degrees: float = 0.0, bilevel: bool = False, jpeg: int | None = None, seed: int = 0) -> np.ndarray:
    """``text`` in ``font`` at ``points`` as a scanner at ``dpi`` sees it printed (gray, or
    black and white when ``bilevel``; saved as a JPEG of quality ``jpeg`` if given);
    ``blur`` is the spread of toner and optics in pixels at 200 dpi."""
    size = points * dpi / 72
    face = ImageFont.truetype(str(font), round(size * OVERSAMPLE))
    width = int((face.getlength(text) + 40 * OVERSAMPLE))
    image = Image.new("L", (width, int(size * 3 * OVERSAMPLE)), 255)
    ImageDraw.Draw(image).text((20 * OVERSAMPLE, int(size * OVERSAMPLE)), text, font=face, fill=0)
    image = image.rotate(degrees, resample=Image.BILINEAR, fillcolor=255)
    sampled = cv2.resize(np.array(image), (image.width // OVERSAMPLE, image.height // OVERSAMPLE),
                         interpolation=cv2.INTER_AREA).astype(np.float32)
    if blur:
        sampled = cv2.GaussianBlur(sampled, (0, 0), blur * dpi / 200)
    noisy = INK + sampled * (PAPER - INK) / 255 + np.random.default_rng(seed).normal(0, noise, sampled.shape)
    scanned = np.clip(noisy, 0, 255).astype(np.uint8)
    if bilevel:
        scanned = np.where(scanned < 128, 0, 255).astype(np.uint8)
    if jpeg:
        scanned = cv2.imdecode(cv2.imencode(".jpg", scanned, [cv2.IMWRITE_JPEG_QUALITY, jpeg])[1], cv2.IMREAD_GRAYSCALE)
    return scanned


def rendered(scan: np.ndarray, dpi: int) -> np.ndarray:
    """A scan at ``dpi`` as the reader renders its page, at :data:`RENDER_DPI` (smoothly)."""
    factor = RENDER_DPI / dpi
    return cv2.resize(scan, (round(scan.shape[1] * factor), round(scan.shape[0] * factor)),
                      interpolation=cv2.INTER_LINEAR)


def decided(engine: OcrEngine, scan: np.ndarray, dpi: int) -> list[tuple[str, str | None, str | None]]:
    """Each twin mark read in a scan at ``dpi``: (as read, as decided from the ink alone or
    None, as decided with the line's specimens or None); a black and white scan's are left
    undecided, as the reader leaves them."""
    image, native = rendered(scan, dpi), dpi / RENDER_DPI
    words = engine.read(image, dpi=RENDER_DPI, block=True)
    specimens = glyphs.Specimens()
    for word in words:
        specimens.gather(word.text, word.specimens, image, native=native)
    black_and_white = glyphs.two_tone(scan)
    found = []
    for word in words:
        for mark in word.marks:
            char = word.text[mark.index]
            ink = None if black_and_white else glyphs.mark_ink(image, mark, native=native)
            found.append((char, glyphs.decide(char, ink, mark.line, native),
                          glyphs.decide(char, ink, mark.line, native, specimens)))
    return found


def survey(engine: OcrEngine, font: Path, bilevel: bool, jpeg: int | None) -> str:
    """One font's counts for one kind of scan: per resolution and mark, right/undecided/WRONG
    with the specimens, and (+n) how many of the right ones the ink alone left undecided."""
    counts: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for dpi, points, blur, seed in itertools.product((150, 200, 300), (9, 10, 12), (0.5, 0.9), (0, 1)):
        image = printed_line(font, TEXT, points=points, dpi=dpi, blur=blur, degrees=(seed - 0.5) * 0.6,
                             bilevel=bilevel, jpeg=jpeg, seed=seed)
        read = decided(engine, image, dpi)
        if len(read) != len(MARKS):  # OCR lost or added a mark: nothing to compare
            counts[(dpi, "?")][1] += 1
            continue
        for truth, (_, alone, compared) in zip(MARKS, read):
            cell = counts[(dpi, truth)]
            cell[0 if compared == truth else 1 if compared is None else 2] += 1
            cell[3] += compared == truth and alone is None
            cell[4] += alone not in (None, truth)
    cells = []
    for dpi in (150, 200, 300):
        marks = " ".join(f"{mark}{right}/{undecided}" + (f"(+{gained})" if gained else "")
                         + (f"/WRONG {wrong}" if wrong else "") + (f"/WRONG alone {alone}" if alone else "")
                         for mark in "’'–-—·?" for right, undecided, wrong, gained, alone in [counts[(dpi, mark)]]
                         if right + undecided + wrong)
        cells.append(f"{dpi} dpi: {marks}")
    return " | ".join(cells)


def main(argv: list[str]) -> None:
    tessdata = find_tessdata()
    if tessdata is None:
        print("Tesseract (français) absent : rien à mesurer.")
        return
    engine = OcrEngine(tessdata)
    print("mark right/undecided[(+decided by the specimens)][/WRONG] per resolution; ? = lines where OCR lost"
          " or added a mark")
    for name in argv or FONTS:
        font = font_file(name) if name in FONTS else None
        if font is None:
            print(f"{name:17s} (font not on this machine)")
            continue
        for kind, bilevel, jpeg in KINDS:
            print(f"{name:17s} {kind:17s} {survey(engine, font, bilevel, jpeg)}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
