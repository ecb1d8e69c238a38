"""Machine-readable exports: records.jsonl (SPEC.md's contract) and a CSV of the same records.

Both are written to a temporary file and renamed into place, so a reader
never sees half a file.
"""
from __future__ import annotations

import csv
import json
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, TextIO

from analyse.atomic import replacing
from analyse.formula import runs_as_formula
from questionnaire.definition import Form
from questionnaire.record import Record
from questionnaire.text import french_number
from questionnaire.types import type_of

NUMBER_LIKE = re.compile(r"[\d\s.,/:%€-]+")  # text a spreadsheet would turn into a number or a date


def write_jsonl(records: Iterable[Record], path: Path, form: Form) -> Path:
    """One JSON line per input file, exactly the export contract of SPEC.md."""
    lines = (json.dumps(r.to_contract(form), ensure_ascii=False) + "\n" for r in records)
    return _atomic_write(path, lines)


def write_csv(records: Iterable[Record], path: Path, form: Form) -> Path:
    """The same records as a CSV: one column per canonical key.

    Semicolon-separated UTF-8 with a byte-order mark and decimal commas, as
    French Excel and LibreOffice open it: numbers are numbers, Oui/Non; a
    text cell that a spreadsheet would run as a formula, or turn into a
    number or a date (a reference « 2026-014 »), gets a leading apostrophe
    (the OWASP rule); a SIRET is grouped as INSEE prints it, so it stays text.
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
    fields = [_field_cell(type_of(form.field(key)).grouped, line["fields"][key]) for key in form.keys]
    findings = " | ".join(f"{f['severity']} {f['key']}: {f['message']}" for f in line["findings"])
    return [_cell(line["file"]), _cell(line["tender"]), line["status"], *fields,
            _cell(" ".join(line["review"])), _cell(findings), _cell(line.get("error") or "")]


def _cell(value: Any) -> Any:
    """A value as a French spreadsheet reads it back: numbers with a decimal comma, text as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, (int, float)):
        return french_number(value)
    if isinstance(value, str) and (runs_as_formula(value) or NUMBER_LIKE.fullmatch(value)):
        return "'" + value  # shown as written: never run, never turned into a number or a date
    return value


def _field_cell(grouped: Callable[[Any], str | None] | None, value: Any) -> Any:
    """A value of a field, grouped as printed when its type says so (a SIRET: text to a spreadsheet)."""
    text = grouped(value) if grouped else None
    return _cell(value) if text is None else text


def _atomic_write(path: Path, lines: Iterable[str]) -> Path:
    with _text(path) as handle:
        handle.writelines(lines)
    return path


@contextmanager
def _text(path: Path) -> Iterator[TextIO]:
    """A UTF-8 text file written beside ``path`` and renamed into place when complete."""
    with replacing(path) as temporary, open(temporary, "w", encoding="utf-8", newline="") as handle:
        yield handle
