"""Accuracy on the sample inbox, per input kind: fields right, in review, silently wrong.

Run from the project folder: ``.venv/bin/python -m bench.accuracy``. Each
file is read as a worker of ``egalite run`` reads it (:func:`pipeline.process`)
and compared with its truth in ``samples/truth``. A field is *right* when its
value equals the truth, *in review* when it differs but is listed for a
person to check, *silent* when it differs and is not listed (the failure that
must never happen). Prints a table; asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

from extract.batch import InputFile
from pipeline import process
from questionnaire.record import Record
from samples.catalogue import SAMPLES

FORM_ID = "egalite-2024"  # as `egalite run` without --form: each file is read with the version it shows


def same(expected, got) -> bool:
    numbers = (int, float)
    if isinstance(expected, numbers) and isinstance(got, numbers) and not isinstance(expected, bool):
        return not isinstance(got, bool) and abs(expected - got) < 1e-9
    return expected == got


def score(inbox: Path, truth: Path) -> dict[str, dict[str, float]]:
    handwritten = {s.path for s in SAMPLES if s.pen.handwritten}
    table: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for path in sorted(truth.rglob("*.json")):
        expected = json.loads(path.read_text(encoding="utf-8"))
        kind = expected["channel"] + (" (handwritten)" if expected["file"] in handwritten else "")
        file = inbox / expected["file"]
        started = time.process_time()
        record = Record.from_dict(process(InputFile(file.absolute(), expected["file"], expected["tender"],
                                                    file.stat().st_size), FORM_ID))
        line = record.to_contract()
        row = table[kind]
        row["files"] += 1
        row["pages"] += len(record.pages)
        row["cpu"] += time.process_time() - started
        if expected["status"] == "rejected":
            row["rejected right"] += line["status"] == "rejected"
            continue
        for key in expected["fields"]:  # a file read with another version than its own: every field wrong
            row["fields"] += 1
            if line["form"] == expected.get("form", FORM_ID) and same(expected["fields"][key], line["fields"][key]):
                row["right"] += 1
            elif key in line["review"]:
                row["review"] += 1
            else:
                row["silent"] += 1
    return table


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inbox", type=Path, default=Path("samples/inbox"))
    parser.add_argument("--truth", type=Path, default=Path("samples/truth"))
    options = parser.parse_args(argv)
    table = score(options.inbox, options.truth)
    print(f"{'kind':<22} {'files':>5} {'fields':>6} {'right':>7} {'review':>7} {'silent':>6} {'CPU s/page':>10}")
    for kind, row in sorted(table.items()):
        per_page = row["cpu"] / row["pages"] if row["pages"] else 0.0
        if not row["fields"]:  # bad files: the share rejected with a reason
            print(f"{kind:<22} {row['files']:>5.0f} {'—':>6} {row['rejected right'] / row['files']:>7.1%} "
                  f"{'—':>7} {'—':>6} {per_page:>10.2f}   (rejected with a reason)")
            continue
        fields = row["fields"]
        print(f"{kind:<22} {row['files']:>5.0f} {row['fields']:>6.0f} {row['right'] / fields:>7.1%} "
              f"{row['review'] / fields:>7.1%} {row['silent']:>6.0f} {per_page:>10.2f}")


if __name__ == "__main__":
    main()
