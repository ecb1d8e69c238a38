"""Benchmark: files and pages per second, peak memory, per input kind and batch size (issue 6).

Run from the project folder: ``.venv/bin/python -m bench.throughput``
(``--sizes 100 1000``, ``--kinds fillable text``, ``--workers N``). Prints a
table; asserts nothing about time.

Each batch is copies of one sample file of the kind, each made distinct by a
comment after its end (so no cache could merge them), read by what a worker
of ``egalite run`` does with a file (:func:`pipeline.process`: pre-flight,
read, validate) in :func:`extract.batch.run_parallel`; the store, the exports
and the workbooks are not included. The same files are then read by the bare
library doing the least work in the same pool, and the ratio printed. The
first line measures the pool alone on files that need no reading.
"""
from __future__ import annotations

import argparse
import functools
import gc
import resource
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from extract.batch import InputFile, discover, run_parallel
from pipeline import process  # imported here as `egalite run` does: workers inherit it

KINDS = {  # kind → the sample channels that make it
    "fillable": ("fillable",),
    "generic": ("generic_fillable",),
    "text": ("flattened", "typed", "word"),
    "annotations": ("annotations",),
    "scan": ("scan",),
}
SCAN_SIZES = (10, 40)  # OCR costs seconds a page: thousands of scans would take hours


@dataclass(frozen=True)
class Figures:
    files: int
    pages: int
    seconds: float
    peak_mb: float
    failures: int

    @property
    def files_per_second(self) -> float:
        return self.files / self.seconds

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds


# -- work functions, run in the workers --------------------------------------------------------

def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def nothing(item: InputFile) -> tuple[int, float]:
    return 0, peak_mb()


def ours(item: InputFile) -> tuple[int, float]:
    return process(item, "egalite-2024")["page_count"] or 0, peak_mb()


def bare_pypdf_fields(item: InputFile) -> tuple[int, float]:
    import pypdf

    reader = pypdf.PdfReader(item.path)
    reader.get_fields()
    return len(reader.pages), peak_mb()


def bare_pdfium_chars(item: InputFile) -> tuple[int, float]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(item.path)
    for page in document:
        textpage = page.get_textpage()
        [textpage.get_charbox(index) for index in range(textpage.count_chars())]
    return len(document), peak_mb()


def bare_pdfplumber_words(item: InputFile) -> tuple[int, float]:
    import pdfplumber

    with pdfplumber.open(item.path) as pdf:
        for page in pdf.pages:
            page.extract_words()
        return len(pdf.pages), peak_mb()


def bare_tesseract(item: InputFile) -> tuple[int, float]:
    import pypdfium2 as pdfium
    import tesserocr

    from extract.ocr_engine import find_tessdata

    document = pdfium.PdfDocument(item.path)
    with tesserocr.PyTessBaseAPI(path=str(find_tessdata()), lang="fra") as api:
        for page in document:
            api.SetImage(page.render(scale=200 / 72).to_pil())
            api.GetUTF8Text()
    return len(document), peak_mb()


PYTHON_COLLECTOR = gc.get_threshold()  # Python's own, as this process starts: egalite's workers change theirs


def as_python_runs_it(work: Callable[[InputFile], tuple[int, float]], item: InputFile) -> tuple[int, float]:
    """A bare library's work with Python's garbage collector as Python sets it: the pool's workers
    are egalite's, and they collect less often (:func:`collector.fewer_collections`), which makes
    pdfplumber about a quarter faster; the bare library is measured as it runs on its own."""
    gc.set_threshold(*PYTHON_COLLECTOR)
    return work(item)


def _bare(work: Callable[[InputFile], tuple[int, float]]) -> Callable[[InputFile], tuple[int, float]]:
    return functools.partial(as_python_runs_it, work)


BARE: dict[str, tuple[str, Callable[[InputFile], tuple[int, float]]]] = {
    "fillable": ("pypdf get_fields", _bare(bare_pypdf_fields)),
    "generic": ("pypdf get_fields", _bare(bare_pypdf_fields)),
    "text": ("pdfplumber words", _bare(bare_pdfplumber_words)),
    "annotations": ("pypdfium2 chars", _bare(bare_pdfium_chars)),
    "scan": ("tesseract page", _bare(bare_tesseract)),
}


# -- measuring -------------------------------------------------------------------------------

def measure(items: list[InputFile], work: Callable[[InputFile], tuple[int, float]],
            workers: int | None) -> Figures:
    start = time.perf_counter()
    pages, peak, failures = 0, 0.0, 0
    for outcome in run_parallel(items, work, workers=workers, progress=False):
        if outcome.result is None:
            failures += 1
            continue
        pages += outcome.result[0]
        peak = max(peak, outcome.result[1])
    seconds = time.perf_counter() - start
    return Figures(len(items), pages, seconds, max(peak, peak_mb()), failures)


def batch(seed: Path, count: int, folder: Path) -> list[InputFile]:
    """``count`` distinct copies of ``seed`` (a comment after %%EOF makes each unique)."""
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "AO-bench").mkdir(parents=True)
    data = seed.read_bytes()
    for number in range(count):
        (folder / "AO-bench" / f"{number:05d}.pdf").write_bytes(data + b"\n%% bench %d\n" % number)
    return discover(folder)


def seeds(inbox: Path) -> dict[str, Path]:
    """One sample file per kind, from the sample inbox (built if missing)."""
    from samples.catalogue import SAMPLES

    if not inbox.is_dir():
        from samples.generate import build

        build(inbox, inbox.parent / "truth")
    found = {}
    for kind, channels in KINDS.items():
        sample = next((s for s in SAMPLES if s.channel in channels and not s.defects and not s.bad), None)
        if sample:
            found[kind] = inbox / sample.path
    return found


def row(label: str, figures: Figures, base: Figures | None = None) -> str:
    ratio = f"{figures.files_per_second / base.files_per_second:6.2f}" if base else "      "
    return (f"{label:<34} {figures.files:>6} {figures.files_per_second:>9.1f} {figures.pages_per_second:>9.1f}"
            f" {figures.peak_mb:>8.0f} {figures.failures:>6}  {ratio}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--kinds", nargs="+", choices=list(KINDS), default=list(KINDS))
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--inbox", type=Path, default=Path("samples/inbox"))
    options = parser.parse_args(argv)

    print(f"{'':<34} {'files':>6} {'files/s':>9} {'pages/s':>9} {'peak MB':>8} {'failed':>6}  ratio")
    fake = [InputFile(Path("/dev/null"), f"{n}.pdf", "", 0) for n in range(max(options.sizes))]
    for size in options.sizes:
        print(row("pool alone, no reading", measure(fake[:size], nothing, options.workers)))
    found = seeds(options.inbox)
    with tempfile.TemporaryDirectory(prefix="egalite-bench-") as folder:
        for kind in options.kinds:
            if kind not in found:
                print(f"{kind}: no sample file of this kind")
                continue
            bare_name, bare = BARE[kind]
            for size in SCAN_SIZES if kind == "scan" else options.sizes:
                items = batch(found[kind], size, Path(folder))
                base = measure(items, bare, options.workers)
                print(row(f"{kind}: egalite", measure(items, ours, options.workers), base))
                print(row(f"{kind}: bare {bare_name}", base))


if __name__ == "__main__":
    main()
