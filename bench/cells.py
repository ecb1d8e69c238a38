"""Benchmark: what ruling lines and table cells cost on text-layer pages (issue 11).

Run from the project folder: ``.venv/bin/python -m bench.cells``
(``--rounds 3``). Prints figures; asserts nothing.

For the sample inbox's text-layer files (flattened, typed, word) and the
digital files of ``../shared/devset``: the CPU time per page of

* *read*: the whole worker step (:func:`pipeline.process`: pre-flight, read,
  validate), what ``egalite run`` spends on the file;
* *rules*: the part of it spent turning vector paths into rules (done while
  the page's paths are walked for tick boxes anyway);
* *cells*: finding the tables and cells from the rules (only when
  ``Page.tables`` or ``Page.cells`` is asked for; measured here on every page).

Each set is read ``--rounds`` times and the best round kept (the machine is
shared).
"""
from __future__ import annotations

import argparse
import json
import time
from functools import wraps
from pathlib import Path

from extract import vector_marks
from extract.batch import InputFile
from extract.document import load
from extract.safety import Unreadable
from pipeline import process

ROOT = Path(__file__).resolve().parent.parent
SAMPLES, SAMPLE_TRUTH = ROOT / "samples" / "inbox", ROOT / "samples" / "truth"
DEVSET = ROOT.parent / "shared" / "devset"
TEXT_CHANNELS = ("flattened", "typed", "word")


def sample_files() -> list[Path]:
    truths = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(SAMPLE_TRUTH.rglob("*.json"))]
    return [SAMPLES / t["file"] for t in truths if t["channel"] in TEXT_CHANNELS]


def devset_files() -> list[Path]:
    truths = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((DEVSET / "truth").rglob("*.json"))]
    return [DEVSET / "inbox" / t["file"] for t in truths if t["medium"] == "digital" and t["status"] != "rejected"]


class RuleClock:
    """Times every call of ``vector_marks.path_rules`` while installed."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._original = vector_marks.path_rules

    def __enter__(self) -> "RuleClock":
        original = self._original

        @wraps(original)
        def timed(*args, **kwargs):
            started = time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds += time.process_time() - started
        vector_marks.path_rules = timed
        return self

    def __exit__(self, *_) -> None:
        vector_marks.path_rules = self._original


def measure(files: list[Path]) -> tuple[int, float, float, float, int]:
    """(pages, read s, rules s, cells s, cells found) for one round over ``files``."""
    read = cells = 0.0
    pages = found = 0
    with RuleClock() as clock:
        for path in files:
            started = time.process_time()
            process(InputFile(path, path.name, "bench", path.stat().st_size), "egalite-2024")
            read += time.process_time() - started
    for path in files:
        try:
            document = load(path)
        except Unreadable:
            continue
        text_pages = [p for p in document.pages if not p.image_only]
        pages += len(text_pages)
        started = time.process_time()
        found += sum(len(page.cells) for page in text_pages)
        cells += time.process_time() - started
    return pages, read, clock.seconds, cells, found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    find_tables_once()
    sets = [("samples: text layer", sample_files())]
    if DEVSET.exists():
        sets.append(("devset: digital", devset_files()))
    print(f"{'set':22} {'files':>5} {'pages':>5} {'read ms/p':>10} {'rules ms/p':>11} {'cells ms/p':>11} "
          f"{'rules+cells':>12} {'cells':>6}")
    for name, files in sets:
        rounds = [measure(files) for _ in range(args.rounds)]
        pages, read, rules, cells, found = min(rounds, key=lambda r: r[1])
        per_page = [1000 * v / pages for v in (read, rules, cells)]
        share = (rules + cells) / read
        print(f"{name:22} {len(files):5d} {pages:5d} {per_page[0]:10.1f} {per_page[1]:11.2f} {per_page[2]:11.2f} "
              f"{share:11.1%} {found:6d}")


def find_tables_once() -> None:
    """Imports the table finder before timing (a worker pays it once)."""
    from extract.cells import find_tables
    find_tables([])


if __name__ == "__main__":
    main()
