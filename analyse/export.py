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
from typing import Any, Callable, Iterable, Iterator, Sequence, TextIO

from analyse.atomic import replacing
from analyse.formula import runs_as_formula
from questionnaire.definition import FieldDef, Form
from questionnaire.record import Record
from questionnaire.text import french_number
from questionnaire.types import type_of

NUMBER_LIKE = re.compile(r"[\d\s.,/:%€-]+")  # text a spreadsheet would turn into a number or a date


def write_jsonl(records: Iterable[Record], path: Path) -> Path:
    """One JSON line per input file, exactly the export contract of SPEC.md, with its own form's keys."""
    lines = (json.dumps(r.to_contract(), ensure_ascii=False) + "\n" for r in records)
    return _atomic_write(path, lines)


def write_csv(records: Iterable[Record], path: Path, forms: Sequence[Form]) -> Path:
    """The same records as a CSV: one column per canonical key of ``forms`` (the first form's
    keys in its order, then the keys only the next ones have), and the form of each record.

    Semicolon-separated UTF-8 with a byte-order mark and decimal commas, as
    French Excel and LibreOffice open it: numbers are numbers, Oui/Non; a
    text cell that a spreadsheet would run as a formula, or turn into a
    number or a date (a reference « 2026-014 »), gets a leading apostrophe
    (the OWASP rule); a SIRET is grouped as INSEE prints it, so it stays text.
    """
    fields = {key: form.field(key) for form in reversed(forms) for key in form.keys}
    keys = list(dict.fromkeys(key for form in forms for key in form.keys))
    header = ["file", "tender", "form", "status", *keys, "review", "findings", "error"]
    rows = [_row(r.to_contract(), keys, fields) for r in records]
    with _text(path) as handle:
        handle.write("\ufeff")
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")  # CR and LF in a field get it quoted
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _row(line: dict[str, Any], keys: list[str], fields: dict[str, FieldDef]) -> list[Any]:
    values = [_field_cell(type_of(fields[key]).grouped, line["fields"].get(key)) for key in keys]
    findings = " | ".join(f"{f['severity']} {f['key']}: {f['message']}" for f in line["findings"])
    return [_cell(line["file"]), _cell(line["tender"]), line["form"], line["status"], *values,
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
