"""Corrections typed by the officer in the workbooks, read back and applied.

The officer may type a value in the review sheet's « Valeur corrigée »
column or over any cell of the answers sheet. :func:`read_corrections`
reads every such cell from the existing workbooks (before a run rewrites
them); :func:`judge` decides what a typed value means against the current
answer (nothing new, a correction, or a refused one, with why);
:func:`apply` lays the stored corrections over an extracted record and
validates it again. Corrections live in the store, apart from extractions,
so a later extraction of the same file never overwrites them.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from analyse.sheets import (ANSWERS_SHEET, CORRECTED_HEADER, DECISION_HEADER, FILE_HEADER, KEY_HEADER,
                            LABEL_HEADER, MULTIPLE_SHEET, READ_HEADER, RETAINED_HEADER, RETAINED_WRITTEN_HEADER,
                            REVIEW_SHEET, SHA_HEADER, STRUCTURE_KEY_HEADER, TENDER_HEADER, VALIDATE, french_date,
                            is_truncated)
from analyse.validate import validate
from questionnaire.definition import FieldDef, Form
from questionnaire.record import SOURCE_CORRECTION, Finding, Reading, Record
from questionnaire.text import quote
from questionnaire.types import NON_ANSWER, answer_cell, cell_text, normalise, show as show_value

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

AUTHOR = "correction"
RULE_APPLIED = "correction"
RULE_REFUSED = "correction_refused"
REVIEW_NEEDS = (TENDER_HEADER, FILE_HEADER, KEY_HEADER, DECISION_HEADER, CORRECTED_HEADER)


@dataclass(frozen=True)
class Correction:
    """A value typed in a workbook cell."""

    tender: str
    file: str
    key: str
    text: str
    sha256: str | None = None  # the file version the workbook showed
    origin: str = REVIEW_SHEET  # the sheet it was typed in
    formula: bool = False


@dataclass(frozen=True)
class StoredCorrection:
    """A correction as the store keeps it: accepted or refused, never dropped."""

    tender: str
    file: str
    sha256: str | None
    key: str
    text: str
    value: Any
    accepted: bool
    message: str
    created: datetime
    origin: str = REVIEW_SHEET
    author: str = AUTHOR


@dataclass(frozen=True)
class CorrectionReport:
    """What became of one new correction (French ``message``)."""

    correction: Correction
    accepted: bool
    message: str

    @property
    def severity(self) -> str:
        return "info" if self.accepted else "error"


@dataclass(frozen=True)
class Choice:
    """A structure's answers to one tender as the officer marked them in « Réponses multiples »."""

    tender: str
    structure: str  # analyse.indicators.structure_keys
    name: str
    files: tuple[str, ...]  # the answers marked « Oui »


# ---------------------------------------------------------------------------
# Reading the workbooks.

@dataclass
class FoundCorrections:
    """What the workbooks hold, the workbooks that could not be read (French reason each), and
    what the officer should know of the others (a removed column: French sentences)."""

    corrections: list[Correction] = field(default_factory=list)
    unreadable: dict[Path, str] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)


def _workbooks(output: Path, untouched: Callable[[Path], bool],
               unreadable: dict[Path, str] | None = None) -> Iterator[tuple[Path, Any]]:
    """Each tender workbook of ``output`` and its path, opened read-only (closed after use).

    Workbooks ``untouched`` since a run wrote them hold nothing the officer
    typed: they are not opened. A workbook that cannot be opened is left out
    and named in ``unreadable`` with why: the run must not overwrite it, the
    corrections typed in it would be lost.
    """
    for path in sorted(output.glob("*/*.xlsx")):
        if path.name.startswith(("~$", ".")) or untouched(path):
            continue  # Excel's lock files, our temporary files, workbooks as we wrote them
        from openpyxl import load_workbook  # not imported by a run that has no workbook to read back

        try:
            workbook = load_workbook(path, read_only=True)
        except Exception:  # noqa: BLE001 - openpyxl raises many kinds on a damaged file
            if unreadable is not None:
                unreadable[path] = (
                    f"Le classeur {path} est endommagé ou illisible : les corrections qu'il contient ne peuvent "
                    "pas être relues, il n'est donc pas remplacé. Ouvrez-le dans Excel pour le réparer, ou "
                    "déplacez-le ailleurs, puis relancez : il sera réécrit.")
            continue
        try:
            yield path, workbook
        finally:
            workbook.close()


def read_corrections(output: Path, form: Form,
                     untouched: Callable[[Path], bool] = lambda path: False) -> FoundCorrections:
    """Every value found in the answers and review sheets of the tender workbooks.

    Most are the values the workbook was written with; :func:`judge` tells
    them from real corrections. The workbooks that cannot be read, or whose
    corrections can no longer be tied to their file (a removed column), are
    in ``unreadable``; a removed column that loses nothing typed is told in
    ``notices``.
    """
    found = FoundCorrections()
    for path, workbook in _workbooks(output, untouched, found.unreadable):
        if ANSWERS_SHEET in workbook.sheetnames and REVIEW_SHEET in workbook.sheetnames:
            try:
                answers = _answers(workbook[ANSWERS_SHEET], form, path, output, found.notices)
                found.corrections.extend(answers + _review(workbook[REVIEW_SHEET], form, path, output,
                                                           found.notices))
            except _Untied as error:
                found.unreadable[path] = str(error)
    return found


def read_choices(output: Path, untouched: Callable[[Path], bool] = lambda path: False) -> list[Choice]:
    """The structures whose « Réponse retenue » the officer changed since the workbook was written."""
    choices = []
    for _, workbook in _workbooks(output, untouched):
        if MULTIPLE_SHEET in workbook.sheetnames:
            choices += _choices(workbook[MULTIPLE_SHEET])
    return choices


def _choices(sheet: Worksheet) -> list[Choice]:
    rows = sheet.iter_rows(values_only=True)
    columns = next(({str(v): i for i, v in enumerate(row) if v} for row in rows if RETAINED_HEADER in row), {})
    needed = (TENDER_HEADER, FILE_HEADER, RETAINED_HEADER, RETAINED_WRITTEN_HEADER, STRUCTURE_KEY_HEADER)
    if not all(header in columns for header in needed):
        return []
    marked: dict[tuple[str, str], list[tuple[str, bool, bool]]] = {}
    names: dict[tuple[str, str], str] = {}
    for row in rows:
        def text(header: str) -> str:
            index = columns[header]
            return str(row[index]).strip() if index < len(row) and row[index] is not None else ""
        if not (text(TENDER_HEADER) and text(FILE_HEADER) and text(STRUCTURE_KEY_HEADER)):
            continue
        group = (text(TENDER_HEADER), text(STRUCTURE_KEY_HEADER))
        names.setdefault(group, text("Structure") if "Structure" in columns else group[1])
        marked.setdefault(group, []).append((text(FILE_HEADER), _yes(text(RETAINED_HEADER)),
                                             _yes(text(RETAINED_WRITTEN_HEADER))))
    return [Choice(tender, structure, names[(tender, structure)], tuple(f for f, now, _ in answers if now))
            for (tender, structure), answers in marked.items() if any(now != then for _, now, then in answers)]


def _yes(text: str) -> bool:
    return text.casefold() in ("oui", "o", "x", "1", "vrai")


def _rows(sheet: Worksheet) -> Iterator[tuple[dict[str, int], tuple]]:
    rows = sheet.iter_rows()
    columns = {str(cell.value): index for index, cell in enumerate(next(rows, ())) if cell.value}
    for row in rows:
        yield columns, row


def _cell(columns: dict[str, int], row: tuple, header: str) -> Any:
    index = columns.get(header)
    return row[index] if index is not None and index < len(row) else None


def _text(columns: dict[str, int], row: tuple, header: str) -> str | None:
    cell = _cell(columns, row, header)
    value = cell.value if cell is not None else None
    return str(value) if value not in (None, "") else None


def _identity(columns: dict[str, int], row: tuple) -> tuple[str, str, str | None] | None:
    tender, file = _text(columns, row, TENDER_HEADER), _text(columns, row, FILE_HEADER)
    return (tender, file, _text(columns, row, SHA_HEADER)) if tender and file else None


def _typed(cell: Any, tender: str, file: str, sha: str | None, key: str, origin: str) -> Correction | None:
    text = cell_text(cell.value, getattr(cell, "number_format", None))
    if text is None:
        return None
    return Correction(tender, file, key, text, sha, origin, formula=cell.data_type == "f")


def _answers(sheet: Worksheet, form: Form, path: Path, output: Path, notices: list[str]) -> list[Correction]:
    by_label = {field.label: field.key for field in form.fields}
    rows = list(_rows(sheet))
    if rows:
        _check_columns(path, output, sheet.title, rows[0][0], (TENDER_HEADER, FILE_HEADER, *by_label), notices)
    found = []
    for columns, row in rows:
        identity = _identity(columns, row)
        if identity is None:
            continue
        for label, index in columns.items():
            if label in by_label and index < len(row):
                correction = _typed(row[index], *identity, by_label[label], ANSWERS_SHEET)
                found += [correction] if correction else []
    return found


def _review(sheet: Worksheet, form: Form, path: Path, output: Path, notices: list[str]) -> list[Correction]:
    """Values typed in « Valeur corrigée », and readings confirmed with « Valider »."""
    rows = list(_rows(sheet))
    if not rows:
        return []
    columns = rows[0][0]
    _check_columns(path, output, sheet.title, columns, REVIEW_NEEDS, notices)
    by_label = {field.label: field.key for field in form.fields}
    found = []
    for columns, row in rows:
        identity = _identity(columns, row)
        key = _text(columns, row, KEY_HEADER) if KEY_HEADER in columns else by_label.get(
            _text(columns, row, LABEL_HEADER) or "")
        if identity is None or key is None:
            continue  # a row continuing the picture above, or an empty one
        typed = _cell(columns, row, CORRECTED_HEADER)
        correction = _typed(typed, *identity, key, REVIEW_SHEET) if typed is not None else None
        if correction is None and _text(columns, row, DECISION_HEADER) == VALIDATE:
            read = _cell(columns, row, READ_HEADER)
            shown = cell_text(read.value, getattr(read, "number_format", None)) if read is not None else None
            correction = Correction(identity[0], identity[1], key, shown or "", identity[2], REVIEW_SHEET)
        found += [correction] if correction else []
    return found


class _Untied(Exception):
    """The corrections of a sheet can no longer be tied to their file: the workbook must not be replaced."""


def _check_columns(path: Path, output: Path, sheet: str, columns: dict[str, int], needed: tuple[str, ...],
                   notices: list[str]) -> None:
    """A column the read-back needs was removed: say so, or keep the workbook when corrections would be lost."""
    book = path.relative_to(output).as_posix()
    missing = [header for header in needed if header not in columns]
    if not missing:
        return
    names = ", ".join(f"« {header} »" for header in missing)
    if TENDER_HEADER in missing or FILE_HEADER in missing:
        raise _Untied(
            f"{book}, feuille « {sheet} » : la colonne {names} a été supprimée ; les corrections de cette "
            "feuille ne peuvent plus être rattachées à leur fichier, le classeur n'est donc pas remplacé. "
            "Rétablissez la colonne (ou déplacez le classeur pour qu'il soit réécrit), puis relancez.")
    if missing == [KEY_HEADER] and LABEL_HEADER in columns:
        notices.append(f"{book}, feuille « {sheet} » : la colonne « {KEY_HEADER} » a été supprimée ; les "
                       f"champs sont reconnus par la colonne « {LABEL_HEADER} ». Elle sera rétablie.")
        return
    notices.append(f"{book}, feuille « {sheet} » : colonne {names} supprimée ; ce qui y était saisi ne peut "
                   "pas être relu. Elle sera rétablie à l'écriture du classeur.")


# ---------------------------------------------------------------------------
# Deciding and applying.

def judge(record: Record, correction: Correction, previous: StoredCorrection | None, form: Form,
          when: datetime, *, latest_sha256: str | None = None) -> StoredCorrection | None:
    """The correction to store, accepted or refused; None when nothing was changed.

    ``record`` is the answer the workbook showed (the file version the
    correction names, corrections applied), ``previous`` the last correction
    of this field, ``latest_sha256`` the newest version of the file.
    """
    if previous is not None and previous.text == correction.text:
        return None  # already stored, or the value it wrote back
    if correction.key not in form.keys:
        return _refused(correction, record.sha256, when, "ce champ n'existe pas dans le questionnaire", form)
    field = form.field(correction.key)
    current = record.fields(form)[correction.key]
    if is_truncated(correction.text) or (
            correction.origin == ANSWERS_SHEET and _shows(field, current, correction.text, form)):
        return None
    problem = _problem(record, correction, latest_sha256)
    if problem:
        return _refused(correction, record.sha256, when, problem, form)
    normalised = normalise(field, correction.text, form)
    if normalised.value is None and normalised.problem not in (None, NON_ANSWER):
        return _refused(correction, record.sha256, when, normalised.message or "valeur illisible", form)
    reading = record.readings.get(correction.key)
    settled = (previous is None or previous.accepted) and not (reading and reading.doubt)
    if _same(normalised.value, current) and settled:
        return None
    accepted = StoredCorrection(correction.tender, correction.file, record.sha256, correction.key,
                                correction.text, normalised.value, True, "", when, correction.origin)
    errors = _errors_on(apply(record, [accepted], form), correction.key)
    if errors:
        return _refused(correction, record.sha256, when, " ".join(errors), form)
    shown = show_value(field, current, form) if current is not None else "vide"
    message = (f"« {field.label} » : {shown} validé." if _same(normalised.value, current) else
               f"« {field.label} » : {shown} devient "
               f"{show_value(field, normalised.value, form) if normalised.value is not None else 'vide'}.")
    return replace(accepted, message=message)


def _problem(record: Record, correction: Correction, latest_sha256: str | None) -> str | None:
    if record.rejected:
        return "le fichier a été rejeté, ses réponses ne peuvent pas être corrigées"
    if latest_sha256 and record.sha256 and latest_sha256 != record.sha256:
        return "le fichier a été remplacé par une nouvelle version depuis l'écriture du classeur"
    if correction.formula:
        return "une formule n'est pas acceptée comme réponse ; tapez la valeur elle-même"
    return None


def _refused(correction: Correction, sha256: str | None, when: datetime, why: str,
             form: Form) -> StoredCorrection:
    label = form.field(correction.key).label if correction.key in form.keys else correction.key
    message = f"Correction refusée pour « {label} » ({quote(correction.text)}) : {why}"
    return StoredCorrection(correction.tender, correction.file, sha256, correction.key, correction.text,
                            None, False, message, when, correction.origin)


def _same(a: Any, b: Any) -> bool:
    numbers = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (a, b))
    return abs(a - b) < 1e-9 if numbers else a == b


def _shows(field: FieldDef, value: Any, text: str, form: Form) -> bool:
    """Whether ``text`` is how the workbook showed ``value`` (an untouched cell)."""
    return cell_text(*answer_cell(field, value, form)) == text


def _errors_on(record: Record, key: str) -> list[str]:
    return [f.message for f in record.findings if f.key == key and f.severity == "error"
            and f.rule not in (RULE_APPLIED, RULE_REFUSED)]


def apply(record: Record, corrections: list[StoredCorrection], form: Form) -> Record:
    """The record with the last correction of each field laid over it, validated again.

    A refused correction leaves the value read and adds an error finding, so
    it stays in front of the officer until a valid one replaces it.
    Findings validation gave on the old values are replaced by those on the
    new ones; other findings (reading, Egapro) stay, except on corrected keys.
    """
    last = {c.key: c for c in corrections if c.sha256 in (None, record.sha256) or record.sha256 is None}
    if not last or record.rejected:
        return record
    corrected = Record.from_dict(record.to_dict())
    accepted = [c for c in last.values() if c.accepted]
    for c in accepted:
        reading = corrected.readings.get(c.key) or Reading(c.key)
        corrected.readings[c.key] = replace(reading, value=c.value, raw=c.text, source=SOURCE_CORRECTION,
                                            confidence=1.0, doubt=None)
    if accepted:
        before, keys = validate(record, form), {c.key for c in accepted}
        kept = [f for f in corrected.findings if f not in before and f.key not in keys]
        corrected.findings = kept + validate(corrected, form)
    corrected.findings += [_note(c, form) for c in last.values()]
    return corrected


def _note(correction: StoredCorrection, form: Form) -> Finding:
    day = french_date(correction.created)
    if correction.accepted:
        label = form.field(correction.key).label
        return Finding(correction.key, "info",
                       f"« {label} » corrigé par l'agent le {day} : « {correction.text} ».", RULE_APPLIED)
    return Finding(correction.key, "error", f"{correction.message} (saisie du {day}).", RULE_REFUSED)
