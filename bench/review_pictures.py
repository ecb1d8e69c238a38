"""The cost of the review pictures of text-layer and fillable pages, beside the whole reading.

``python -m bench.review_pictures INBOX [FORM]`` reads every file of INBOX one after
another as a worker does (:func:`pipeline.process`, into a temporary output folder)
and prints the time spent in :func:`extract.crops.add_pictures` (pages rendered
only when they hold a field to check, once each) next to the time of the whole
reading. It prints figures and asserts nothing.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import extract.crops as crops
import pipeline
from extract.batch import discover


def main(argv: list[str]) -> None:
    inbox, form = Path(argv[0]), argv[1] if len(argv) > 1 else "egalite-2024"
    spent = {"wall": 0.0, "cpu": 0.0, "zones": 0, "pages": 0}
    original = crops.add_pictures

    def timed(record, path, folder, form_def):
        before = {key for key, reading in record.readings.items() if reading.crop}
        wall, cpu = time.perf_counter(), time.process_time()
        original(record, path, folder, form_def)
        spent["wall"] += time.perf_counter() - wall
        spent["cpu"] += time.process_time() - cpu
        made = [r for key, r in record.readings.items() if r.crop and key not in before]
        spent["zones"] += len(made)
        spent["pages"] += len({r.page for r in made})

    crops.add_pictures = timed
    with tempfile.TemporaryDirectory() as output:
        items = [item for item in discover(inbox, skip=[Path(output)]) if not item.problem]
        wall, cpu = time.perf_counter(), time.process_time()
        for item in items:
            pipeline.process(item, form, Path(output))
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{inbox}: {len(items)} files read in {wall:.1f} s ({cpu:.1f} s CPU in this process); review pictures "
          f"of digital pages: {spent['wall']:.2f} s ({spent['cpu']:.2f} s CPU), {spent['zones']} zones "
          f"on {spent['pages']} pages")


if __name__ == "__main__":
    main(sys.argv[1:])
