"""Benchmark: a long scanned bid read as ``egalite run`` reads it, with the worker's peak memory.

Run from the project folder: ``.venv/bin/python -m bench.long_scan``
(``--pages 100 --first 40``). A scanned sample questionnaire (3 pages) is
put inside a bid of scanned A4 letter pages (200 dpi greyscale JPEG, as
:mod:`samples.scan` makes them), then read in one worker of
:func:`extract.batch.run_parallel` with the default limits. Prints the
outcome, the time and the worker's peak resident memory; asserts nothing.
"""
from __future__ import annotations

import argparse
import functools
import io
import resource
import tempfile
import time
from pathlib import Path

import pikepdf

from extract.batch import InputFile, run_parallel
from pipeline import process
from samples.bidders import BIDDERS, TENDERS
from samples.letters import cover_letter
from samples.scan import Scanner, scanned

QUESTIONNAIRE = Path("samples/inbox/VM-2026-014/scan_questionnaire_egalite_0001.pdf")


def long_bid(pages: int, first: int) -> bytes:
    """``pages`` scanned pages, the questionnaire's from page ``first`` on."""
    letter = cover_letter(next(iter(BIDDERS.values())), TENDERS[0], "3 février 2026")
    others = [pikepdf.open(io.BytesIO(scanned(letter, Scanner(seed=n)))) for n in range(pages - 3)]
    questionnaire = pikepdf.open(QUESTIONNAIRE)
    bid = pikepdf.new()
    for document in others[:first - 1]:
        bid.pages.extend(document.pages)
    bid.pages.extend(questionnaire.pages)
    for document in others[first - 1:]:
        bid.pages.extend(document.pages)
    out = io.BytesIO()
    bid.save(out)
    return out.getvalue()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--first", type=int, default=40)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "offre scannée.pdf"
        path.write_bytes(long_bid(args.pages, args.first))
        item = InputFile(path, path.name, "", path.stat().st_size)
        started = time.perf_counter()
        [outcome] = run_parallel([item], functools.partial(process, form="egalite-2024", output=Path(folder) / "sortie"),
                                 workers=1, progress=False, timeout=3600)
        elapsed = time.perf_counter() - started
    result = outcome.result or {}
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{args.pages}-page scanned bid, questionnaire on pages {args.first}-{args.first + 2}: "
          f"{outcome.failure or result.get('error') or 'read, pages ' + str(result.get('pages'))}")
    print(f"worker peak RSS {peak:.0f} MiB, {elapsed:.0f} s ({elapsed / args.pages:.2f} s/page)")


if __name__ == "__main__":
    main()
