"""Machine-readable exports: records.jsonl (SPEC.md's contract) and a CSV of the same records.

Both are written to a temporary file and renamed into place, so a reader
never sees half a file.
"""
from __future__ import annotations

import csv
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterable

from questionnaire.definition import Form
from questionnaire.record import Record

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
    with _temporary(path) as (handle, temporary):
        handle.write("\ufeff")
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    os.replace(temporary, path)
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
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _atomic_write(path: Path, lines: Iterable[str]) -> Path:
    with _temporary(path) as (handle, temporary):
        handle.writelines(lines)
    os.replace(temporary, path)
    return path


class _temporary:
    """A temporary text file beside ``path`` (same folder, so the rename is atomic)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self):
        descriptor, name = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        self.name = name
        self.handle = os.fdopen(descriptor, "w", encoding="utf-8", newline="")
        return self.handle, name

    def __exit__(self, kind, error, trace) -> None:
        self.handle.close()
        if kind is not None:
            os.unlink(self.name)
