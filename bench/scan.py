"""Benchmark of the scan reader (issue 4): boxes, values, seconds per page.

Run from the project folder: ``.venv/bin/python -m bench.scan`` (``--quick``
for a third of the forms). Prints figures; asserts nothing.

Two measures:

1. **Scan layer**: forms filled by the sample bidders (typed, Word-like and
   handwritten pens; ticks, crosses, hand strokes), printed by
   ``questionnaire.paper`` and scanned by ``samples.scan`` at 150–300 dpi
   with up to 2° of skew. The drawing's geometry says where every box and
   value is, so each box state and each zone's OCR is compared with what
   was written. A *silent* number error is a misread number whose every
   word has a confidence at or above the field reader's doubt threshold.
2. **Whole forms**: the same scanned forms read as ``egalite run`` reads a
   file (:func:`pipeline.process`: labels, zones, validation), all 42
   fields compared with what the bidder wrote, per pen: right, in review,
   or silently wrong.
3. **End to end**: the scanned files of ``samples/inbox`` read by
   ``extract.read.read_file`` with this reader, compared field by field with
   ``samples/truth`` (a field in ``review`` is never counted wrong-silent).

Times are CPU seconds of this process (one core; Tesseract runs without
threads), next to Tesseract's own full-page French OCR (page segmentation
"auto", 200 dpi) of the same pages.
"""
from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium

from bench.accuracy import same
from extract.fields import OCR_DOUBT_BELOW
from extract.ocr_engine import LANGUAGE, OcrEngine, find_tessdata, get_engine
from extract.scan import OcrReader, read_scan_page
from extract.tokens import Page, overlap_ratio
from questionnaire.definition import load
from questionnaire.paper import render_form
from samples.answers import fill
from samples.bidders import BIDDERS
from samples.catalogue import COURIER_CROSS, HANDWRITING, TYPEWRITER_BY_HAND, WORD
from samples.overlay import Pen, overlay
from samples.scan import Scanner, scanned

PENS = {"typed": COURIER_CROSS, "word": WORD, "typewriter+hand ticks": TYPEWRITER_BY_HAND,
        "handwriting": HANDWRITING}
SCANNERS = (Scanner(dpi=150, angle=-1.2, seed=1), Scanner(dpi=200, angle=2.0, seed=2),
            Scanner(dpi=300, angle=-0.6, seed=3), Scanner(dpi=170, angle=1.9, seed=4, quality=45))
NUMBER_TYPES = {"count", "percentage", "score", "siret"}
SAMPLES = Path("samples")


@dataclass
class Tally:
    boxes: int = 0
    boxes_right: int = 0
    boxes_doubtful: int = 0
    values: int = 0
    values_right: int = 0
    numbers_wrong: int = 0
    numbers_wrong_silent: int = 0
    fields: int = 0
    fields_right: int = 0
    fields_review: int = 0
    fields_silent: int = 0
    pages: int = 0
    seconds: float = 0.0
    tesseract_seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    reviewed: list[str] = field(default_factory=list)  # whole-form fields sent to review

    def add(self, other: "Tally") -> None:
        for name, value in vars(other).items():
            setattr(self, name, getattr(self, name) + value)


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def scan_layer(engine: OcrEngine, full_page: "FullPage", pen_name: str, pen: Pen, scanner: Scanner,
               bidder: str) -> Tally:
    """One filled, printed and scanned form, checked box by box and zone by zone."""
    form = load("egalite-2024")
    filled = fill(BIDDERS[bidder], "2026-001", form)
    pdf, geometry = render_form("modele", form=form, draw_extra=overlay(filled, pen, "modele"))
    document = pdfium.PdfDocument(scanned(pdf, scanner))
    tally = Tally(pages=len(document))
    started = time.process_time()
    pages = {n + 1: read_scan_page(document[n], n + 1, engine=engine, crops_dir=None) for n in range(len(document))}
    readings = {key: pages[zone.page].words_in(zone.bbox) for key, zone in geometry.values.items()}
    tally.seconds = time.process_time() - started
    tally.tesseract_seconds = sum(full_page(document[n]) for n in range(len(document)))
    _check_boxes(tally, pages, geometry, filled, f"{pen_name} {scanner.dpi} dpi")
    _whole_form(tally, scanned(pdf, scanner), filled, f"{pen_name} {scanner.dpi} dpi")
    for key, words in readings.items():
        expected = fold(filled.texts.get(key, ""))
        got = fold(" ".join(w.text for w in words))
        tally.values += 1
        if got == expected:
            tally.values_right += 1
            continue
        number = form.field(key).type in NUMBER_TYPES
        silent = bool(words) and min(w.confidence for w in words) >= OCR_DOUBT_BELOW
        tally.numbers_wrong += number
        tally.numbers_wrong_silent += number and silent
        tally.errors.append(f"{pen_name} {scanner.dpi} dpi {key}: {expected[:40]!r} -> {got[:40]!r}"
                            f"{' (SILENT)' if number and silent else ''}")
    return tally


def _check_boxes(tally: Tally, pages: dict[int, Page], geometry, filled, where: str) -> None:
    for (key, option), zone in geometry.boxes.items():
        expected = option in filled.ticks.get(key, ())
        marks = [m for m in pages[zone.page].marks if overlap_ratio(m.bbox, zone.bbox) >= 0.3]
        tally.boxes += 1
        if len(marks) == 1 and marks[0].checked == expected:
            tally.boxes_right += 1
        elif len(marks) == 1 and marks[0].checked is None:
            tally.boxes_doubtful += 1
            tally.errors.append(f"{where} box {key}/{option}: doubtful (review)")
        else:
            tally.errors.append(f"{where} box {key}/{option}: expected {expected}, found {marks}")


def _whole_form(tally: Tally, pdf: bytes, filled, where: str) -> None:
    """The scanned form read as ``egalite run`` reads a file, every field against what was written."""
    from extract.batch import InputFile
    from pipeline import process
    from questionnaire.record import Record

    form = load("egalite-2024")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scan.pdf"
        path.write_bytes(pdf)
        record = Record.from_dict(process(InputFile(path, "scan.pdf", "2026-001", len(pdf)), form.id))
    line = record.to_contract(form)
    for key in form.keys:
        tally.fields += 1
        expected, got = filled.fields[key], line["fields"][key]
        if same(expected, got):
            tally.fields_right += 1
        elif key in line["review"]:
            tally.fields_review += 1
            tally.reviewed.append(f"{where} {key}: {expected!r} -> {got!r}")
        else:
            tally.fields_silent += 1
            tally.errors.append(f"{where} {key}: {expected!r} -> {got!r} (SILENT, whole form)")


class FullPage:
    """Tesseract's own full-page French OCR, for comparison: CPU seconds per page."""

    def __init__(self, dpi: int = 200) -> None:
        import tesserocr

        self.dpi = dpi
        self.api = tesserocr.PyTessBaseAPI(path=str(find_tessdata()), lang=LANGUAGE)

    def __call__(self, pdf_page) -> float:
        image = pdf_page.render(scale=self.dpi / 72, grayscale=True).to_pil()
        started = time.process_time()
        self.api.SetImage(image)
        self.api.GetUTF8Text()
        return time.process_time() - started


def end_to_end(engine: OcrEngine) -> Tally:
    """The scanned sample files, read by the project's reader and compared with the truth."""
    from extract.read import read_file

    form = load("egalite-2024")
    tally = Tally()
    reader = OcrReader(engine)
    for truth_path in sorted((SAMPLES / "truth").glob("*/*.json")):
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        path = SAMPLES / "inbox" / truth["file"]
        if truth.get("channel") != "scan" or not path.is_file():
            continue
        started = time.process_time()
        record = read_file(path, truth["file"], truth["tender"], forms=[form], scan_reader=reader)
        tally.seconds += time.process_time() - started
        tally.pages += record.page_count or 0
        review = set(record.review(form))
        for key, expected in truth["fields"].items():
            got = record.fields(form).get(key)
            tally.values += 1
            if got == expected:
                tally.values_right += 1
            elif key in review:
                tally.errors.append(f"{truth['file']} {key}: {expected!r} -> {got!r} (review)")
            else:
                number = form.field(key).type in NUMBER_TYPES
                tally.numbers_wrong_silent += number
                tally.errors.append(f"{truth['file']} {key}: {expected!r} -> {got!r} (SILENT)")
    return tally


def report(title: str, tally: Tally, show_review: bool = False) -> None:
    print(f"\n== {title}")
    if tally.boxes:
        print(f"boxes right        {tally.boxes_right}/{tally.boxes} ({tally.boxes_right / tally.boxes:.1%}),"
              f" doubtful (review) {tally.boxes_doubtful}")
    if tally.fields:
        print(f"whole-form fields  {tally.fields_right}/{tally.fields} right ({tally.fields_right / tally.fields:.1%}),"
              f" {tally.fields_review} in review, {tally.fields_silent} silently wrong")
    if tally.values:
        print(f"values right       {tally.values_right}/{tally.values} ({tally.values_right / tally.values:.1%})")
        print(f"numbers misread    {tally.numbers_wrong}, of which silent {tally.numbers_wrong_silent}")
    if tally.pages:
        print(f"pages              {tally.pages}")
        print(f"CPU s per page     {tally.seconds / tally.pages:.2f} (all steps of the scan reader)")
        if tally.tesseract_seconds:
            print(f"Tesseract full page, 200 dpi: {tally.tesseract_seconds / tally.pages:.2f} s per page")
    for line in tally.errors[:60] + [e for e in tally.errors[60:] if "SILENT" in e]:
        print("  ", line)
    if show_review:
        for line in tally.reviewed:
            print("   review:", line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a third of the forms")
    parser.add_argument("--review", action="store_true", help="list the whole-form fields sent to review")
    args = parser.parse_args()
    engine = get_engine()
    if engine is None:
        raise SystemExit("Tesseract (français) absent : rien à mesurer.")
    full_page = FullPage()
    bidders = list(BIDDERS)
    total, per_pen = Tally(), {pen: Tally() for pen in PENS}
    runs = [(p, s) for p in PENS for s in SCANNERS]
    for index, (pen_name, scanner) in enumerate(runs[::3] if args.quick else runs):
        tally = scan_layer(engine, full_page, pen_name, PENS[pen_name], scanner, bidders[index % len(bidders)])
        print(f"{pen_name:22} {scanner.dpi} dpi {scanner.angle:+.1f}°: boxes {tally.boxes_right}/{tally.boxes}"
              f" values {tally.values_right}/{tally.values} fields {tally.fields_right}/{tally.fields}"
              f" (silent {tally.fields_silent}) {tally.seconds / tally.pages:.2f} s/page")
        total.add(tally)
        per_pen[pen_name].add(tally)
    report("scan layer (boxes and zones of the drawn forms)", total, args.review)
    print()
    for pen_name, tally in per_pen.items():
        if tally.fields:
            print(f"whole forms, {pen_name:22} {tally.fields_right / tally.fields:6.1%} right,"
                  f" {tally.fields_review / tally.fields:6.1%} review, {tally.fields_silent} silent"
                  f" ({tally.fields} fields)")
    report("end to end (samples/inbox scans against samples/truth)", end_to_end(engine))


if __name__ == "__main__":
    main()
