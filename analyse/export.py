"""Machine-readable exports: records.jsonl (SPEC.md's contract) and a CSV of the same records.

Both are written to a temporary file and renamed into place, so a reader
never sees half a file.
"""
from __future__ import annotations

import csv
import io
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, NamedTuple, Sequence, TextIO

from analyse.atomic import replacing
from analyse.formula import runs_as_formula
from questionnaire.definition import Form, in_order
from questionnaire.record import Record
from questionnaire.text import french_number
from questionnaire.types import type_of

NUMBER_LIKE = re.compile(r"[\d\s.,/:%€-]+")  # text a spreadsheet would turn into a number or a date


class Lines(NamedTuple):
    """A record's line of records.jsonl and its row of records.csv, as written (:func:`lines`)."""

    jsonl: str
    csv: str


Grouped = Callable[[Any], "str | None"] | None  # a value as printed, when its type groups it (a SIRET)


@dataclass(frozen=True)
class Columns:
    """The CSV's field columns for ``forms`` (:meth:`of`): each canonical key, with how its type groups
    a value as printed (asked of the type registry once, not for every cell)."""

    keys: tuple[str, ...]
    grouped: tuple[Grouped, ...]

    @classmethod
    def of(cls, forms: Sequence[Form]) -> "Columns":
        """The first form's keys in its order, then the keys only the next ones have, each grouped as
        the first form that defines it says."""
        fields = {key: form.field(key) for form in reversed(forms) for key in form.keys}
        keys = tuple(dict.fromkeys(key for form in forms for key in form.keys))
        return cls(keys, tuple(type_of(fields[key]).grouped for key in keys))

    @property
    def header(self) -> list[str]:
        return ["file", "tender", "form", "status", *self.keys, "review", "findings", "error"]


@cache
def columns(first: str) -> Columns:
    """The CSV's columns of a run whose command line's form is ``first`` (:func:`in_order`)."""
    return Columns.of(in_order(first))


def lines(record: Record, columns: Columns) -> Lines:
    """A record's lines in both exports: a reading worker makes them beside the record's text, so that
    the run writes them without parsing the record again."""
    line = record.to_contract()
    return Lines(_jsonl(line), _csv_text(_row(line, columns)))


def write_jsonl(records: Iterable[Record | Lines], path: Path) -> Path:
    """One JSON line per input file, exactly the export contract of SPEC.md, with its own form's keys."""
    text = (r.jsonl if isinstance(r, Lines) else _jsonl(r.to_contract()) for r in records)
    return _atomic_write(path, text)


def _jsonl(line: dict[str, Any]) -> str:
    return json.dumps(line, ensure_ascii=False) + "\n"


def write_csv(records: Iterable[Record | Lines], path: Path, forms: Sequence[Form]) -> Path:
    """The same records as a CSV: one column per canonical key of ``forms`` (:meth:`Columns.of`),
    and the form of each record.

    Semicolon-separated UTF-8 with a byte-order mark and decimal commas, as
    French Excel and LibreOffice open it: numbers are numbers, Oui/Non; a
    text cell that a spreadsheet would run as a formula, or turn into a
    number or a date (a reference « 2026-014 »), gets a leading apostrophe
    (the OWASP rule); a SIRET is grouped as INSEE prints it, so it stays text.
    """
    columns = Columns.of(forms)
    rows = [r.csv if isinstance(r, Lines) else _csv_text(_row(r.to_contract(), columns)) for r in records]
    with _text(path) as handle:
        handle.write("\ufeff")
        handle.write(_csv_text(columns.header))
        handle.writelines(rows)
    return path


def _csv_text(row: list[Any]) -> str:
    """A row of the CSV as its writer writes it: semicolons, CR LF (CR and LF in a field get it quoted)."""
    text = io.StringIO()
    csv.writer(text, delimiter=";", lineterminator="\r\n").writerow(row)
    return text.getvalue()


def _row(line: dict[str, Any], columns: Columns) -> list[Any]:
    given = line["fields"]
    values = [_field_cell(grouped, given.get(key)) for key, grouped in zip(columns.keys, columns.grouped)]
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


def _field_cell(grouped: Grouped, value: Any) -> Any:
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
