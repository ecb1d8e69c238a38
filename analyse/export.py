"""Machine-readable exports: records.jsonl (SPEC.md's contract) and a CSV of the same records.

Both are written to a temporary file and renamed into place, so a reader
never sees half a file.
"""
from __future__ import annotations

import csv
import json
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator, TextIO

from analyse.atomic import replacing
from analyse.formula import runs_as_formula
from questionnaire.definition import Form
from questionnaire.record import Record


def write_jsonl(records: Iterable[Record], path: Path, form: Form) -> Path:
    """One JSON line per input file, exactly the export contract of SPEC.md."""
    lines = (json.dumps(r.to_contract(form), ensure_ascii=False) + "\n" for r in records)
    return _atomic_write(path, lines)


def write_csv(records: Iterable[Record], path: Path, form: Form) -> Path:
    """The same records as a CSV: one column per canonical key.

    Semicolon-separated UTF-8 with a byte-order mark, as French Excel opens
    it; a text cell that a spreadsheet would run as a formula gets a leading
    apostrophe (the OWASP rule), numbers stay numbers.
    """
    header = ["file", "tender", "status", *form.keys, "review", "findings", "error"]
    rows = [_row(r.to_contract(form), form) for r in records]
    with _text(path) as handle:
        handle.write("\ufeff")
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")  # CR and LF in a field get it quoted
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _row(line: dict[str, Any], form: Form) -> list[Any]:
    fields = [_cell(line["fields"][key]) for key in form.keys]
    findings = " | ".join(f"{f['severity']} {f['key']}: {f['message']}" for f in line["findings"])
    return [_cell(line["file"]), _cell(line["tender"]), line["status"], *fields,
            _cell(" ".join(line["review"])), _cell(findings), _cell(line.get("error") or "")]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and runs_as_formula(value):
        return "'" + value
    return value


def _atomic_write(path: Path, lines: Iterable[str]) -> Path:
    with _text(path) as handle:
        handle.writelines(lines)
    return path


@contextmanager
def _text(path: Path) -> Iterator[TextIO]:
    """A UTF-8 text file written beside ``path`` and renamed into place when complete."""
    with replacing(path) as temporary, open(temporary, "w", encoding="utf-8", newline="") as handle:
        yield handle
