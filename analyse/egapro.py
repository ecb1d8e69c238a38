"""The declared index checked against the ministry's public Egapro export.

Every company of 50 employees or more publishes its Index de l'égalité
professionnelle each year, and the ministry publishes all results as open
data: the current ``index-egalite-fh.xlsx`` (18 columns) or the older
``index-egalite-fh.csv`` (``;``-separated, 17 columns, UTF-8 or
Windows-1252). :meth:`EgaproIndex.load` reads such a file once into an index
by SIREN, a UES's member companies included; :func:`cross_check` compares a
record's declared score with the most recent publication not later than the
tender's year and says, in French, what the officer should know.

Columns are found by their header, not their position, so both formats (and
a reordered export) read the same way.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, replace
from operator import itemgetter
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

import collector
from analyse.settings import read_settings, write_setting
from questionnaire.definition import Form
from questionnaire.record import Finding, Record

SHEET = "Données publiques Index Egapro"
NOT_COMPUTABLE = "NC"
CORRECTIVE_BELOW = 75  # under it: corrective measures are due (Code du travail, D. 1142-6)
PROGRESS_BELOW = 85  # under it: progress targets are due (Code du travail, D. 1142-6-1)
SETTING = "egapro"
NOT_CHECKED = ("Notes d'index déclarées non contrôlées : aucun export Egapro du ministère fourni "
               "(option --egapro).")  # for the workbooks of a run without the file
HEADER_SEARCH_ROWS = 10  # a title line or two may precede the header

# Normalised header -> attribute; the first three are required.
ATTRIBUTES = ("year", "siren", "score", "structure", "band", "name", "ues", "members")
COLUMNS = {
    "annee": "year",
    "siren": "siren",
    "note index": "score",
    "structure": "structure",
    "tranche d'effectifs": "band",
    "raison sociale": "name",
    "nom ues": "ues",
    "entreprises ues (siren)": "members",
}
REQUIRED = ("year", "siren", "score")

Score = int | str | None  # an integer, "NC", or None when the export has no note
Row = Sequence[Any]

_MEMBER_SIREN = re.compile(r"\(\s*(\d{3}\s?\d{3}\s?\d{3})\s*\)")
_TENDER_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")


class EgaproError(Exception):
    """The Egapro file cannot be used; the message is for the officer, in French."""


@dataclass(frozen=True, slots=True)
class Publication:
    """One published index: a company's, or a UES's on behalf of its members."""

    year: int
    score: Score
    siren: str  # the declaring structure's SIREN
    name: str
    ues: str | None = None  # the UES's name, when a UES published it
    members: tuple[str, ...] = ()  # SIRENs of the UES's companies
    structure: str | None = None
    band: str | None = None  # size band, as the export writes it


class EgaproIndex:
    """Publications by SIREN, each company of a UES pointing to the UES's publication."""

    def __init__(self, source: Path | None = None) -> None:
        self.source = source
        self.rows = 0  # publications read
        self.skipped = 0  # rows without a usable SIREN or year
        self._by_siren: dict[str, list[Publication]] = defaultdict(list)

    @classmethod
    def load(cls, path: Path) -> "EgaproIndex":
        """Read an export (xlsx or csv); :class:`EgaproError` if it is unreadable or unknown."""
        index = cls(path)
        with collector.paused():
            index.add_rows(_read_rows(path), path.name)
        if not index.rows:
            raise EgaproError(f"Le fichier Egapro « {path.name} » ne contient aucune publication d'index.")
        return index

    def add_rows(self, rows: Iterable[Row], name: str = "") -> None:
        """Index the rows of an export, header first (title lines before it are skipped)."""
        rows = iter(rows)
        pick = _header(rows, name)
        for row in rows:
            publication = _publication(pick(row))
            if publication is None:
                self.skipped += _is_filled(row)
            else:
                self.add(publication)

    def add(self, publication: Publication) -> None:
        self.rows += 1
        self._by_siren[publication.siren].append(publication)
        for siren in set(publication.members) - {publication.siren}:
            self._by_siren[siren].append(publication)

    def lookup(self, siren: str, year: int) -> Publication | None:
        """The most recent publication covering ``siren`` with a year not after ``year``.

        A company's own publication wins over its UES's for the same year.
        """
        candidates = [p for p in self._by_siren.get(siren, ()) if p.year <= year]
        return max(candidates, key=lambda p: (p.year, p.siren == siren), default=None)

    def __len__(self) -> int:
        return self.rows


# Reading the file ------------------------------------------------------------

def _read_rows(path: Path) -> Iterator[Row]:
    """The file's rows, whatever its format; the reading library's failures become EgaproError."""
    try:
        with open(path, "rb") as handle:
            magic = handle.read(8)
    except OSError as exc:
        raise EgaproError(f"Fichier Egapro introuvable ou illisible : {path}") from exc
    if magic.startswith(b"PK\x03\x04"):
        return _guarded(path, workbook_reader())
    if magic.startswith(b"\xd0\xcf\x11\xe0") or b"\x00" in magic:
        raise EgaproError(f"Le fichier Egapro « {path.name} » n'est ni un classeur xlsx ni un fichier csv : "
                          "téléchargez l'export « index-egalite-fh » au format xlsx ou csv.")
    return _guarded(path, _csv_rows)


def _guarded(path: Path, reader: Callable[[Path], Iterable[Row]]) -> Iterator[Row]:
    """Rows from ``reader``; only the reader's own errors are caught (not the consumer's)."""
    try:
        yield from reader(path)
    except Exception as exc:  # any library failure on an untrusted file
        raise EgaproError(f"Le fichier Egapro « {path.name} » est endommagé ou illisible.") from exc


def workbook_reader() -> Callable[[Path], Iterable[Row]]:
    """python-calamine (Rust, about ten times faster) when installed, otherwise openpyxl."""
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        return _openpyxl_rows
    return _calamine_rows


def _calamine_rows(path: Path) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    name = SHEET if SHEET in book.sheet_names else book.sheet_names[0]
    return book.get_sheet_by_name(name).to_python(skip_empty_area=False)


def _openpyxl_rows(path: Path) -> Iterator[Row]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        yield from sheet.iter_rows(values_only=True)
    finally:
        book.close()


def _csv_rows(path: Path) -> Iterator[Row]:
    text = _decode(path.read_bytes())
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first_line or "," not in first_line else ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 as the older exports were written."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _normalise(text: str) -> str:
    """Lower case, no accents, typographic apostrophes and runs of spaces folded."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.lower().split())


def _header(rows: Iterator[Row], name: str) -> "_Picker":
    """The picker of the first row that names the required columns."""
    for _, row in zip(range(HEADER_SEARCH_ROWS), rows):
        found: dict[str, int] = {}
        for position, cell in enumerate(row):
            attribute = COLUMNS.get(_normalise(str(cell or "")))
            if attribute:
                found.setdefault(attribute, position)
        if all(attribute in found for attribute in REQUIRED):
            return _Picker(found)
    raise EgaproError(f"Le fichier « {name} » n'est pas un export de l'index Egapro : "
                      "colonnes « Année », « SIREN » et « Note Index » introuvables.")


# Reading one row ---------------------------------------------------------------

class _Picker:
    """Takes a row's cells in :data:`ATTRIBUTES` order, at C speed (itemgetter).

    A missing optional column, and any cell past a short row's end, reads
    as None: rows are padded up to one slot past the last column used.
    """

    def __init__(self, columns: dict[str, int]) -> None:
        padding = max(columns.values()) + 1
        self.width = padding + 1
        self.get = itemgetter(*(columns.get(attribute, padding) for attribute in ATTRIBUTES))

    def __call__(self, row: Row) -> tuple[Any, ...]:
        if len(row) < self.width:
            row = (*row, *(None,) * (self.width - len(row)))
        return self.get(row)


def _text(value: Any) -> str | None:
    """Text without surrounding spaces; None for an empty cell."""
    return (value.strip() or None) if isinstance(value, str) else None if value is None else str(value)


def _integer(value: Any) -> int | None:
    """A whole number from a number or its text ("2023", "85,0"); None for anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return round(value if isinstance(value, float) else float(str(value).replace(",", ".")))
    except (ValueError, OverflowError):  # text, NaN, infinity
        return None


def _score(value: Any) -> Score:
    text = _text(value)
    if text is None:
        return None
    if text.upper() == NOT_COMPUTABLE:
        return NOT_COMPUTABLE
    return _integer(value)


def _siren(value: Any) -> str | None:
    """Nine digits; a number that lost its leading zeros in a spreadsheet gets them back."""
    if isinstance(value, str) and len(value) == 9 and value.isdigit():
        return value  # the usual case, first
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    digits = re.sub(r"\s", "", str(value))
    return digits.zfill(9) if digits.isdigit() and len(digits) <= 9 else None


def _members(value: Any) -> tuple[str, ...]:
    """The SIRENs in "Nom (SIREN),Nom (SIREN)" (names may hold commas and brackets)."""
    if not value:
        return ()
    return tuple(re.sub(r"\s", "", siren) for siren in _MEMBER_SIREN.findall(str(value)))


def _publication(cells: tuple[Any, ...]) -> Publication | None:
    """The publication of a row's cells (:data:`ATTRIBUTES` order); None without SIREN or year."""
    year, siren, score, structure, band, name, ues, members = cells
    siren, year = _siren(siren), _integer(year)
    if siren is None or year is None:
        return None
    return Publication(year, _score(score), siren, _text(name) or "", _text(ues), _members(members),
                       _text(structure), _text(band))


def _is_filled(row: Row) -> bool:
    return any(cell not in (None, "") for cell in row)


# Checking a record ---------------------------------------------------------------

def _value(record: Record, role: str) -> Any:
    """The value of the record's field playing ``role`` in its form."""
    reading = record.readings.get(record.form.key_of(role) or "")
    return reading.value if reading else None


def siren(record: Record) -> str | None:
    """The SIREN (first 9 digits of the 14-digit SIRET), or the 9 digits a bidder wrote instead.

    A SIRET failing its checksum still gives a SIREN to look up: validation
    reports the checksum, and a typo in the establishment number should not
    hide the company's index.
    """
    value = _value(record, "siret")
    reading = record.readings.get(record.form.key_of("siret") or "")
    raw = reading.raw if reading else None
    for text in (value, raw):
        digits = re.sub(r"[\s.\-]", "", str(text or ""))
        if digits.isdigit() and len(digits) in (9, 14):
            return digits[:9]
    return None


def tender_year(record: Record, default: int) -> int:
    """The year written in the tender's name (e.g. "VM-2026-014") or reference, else ``default``."""
    for text in (record.tender, _value(record, "tender_ref")):
        match = _TENDER_YEAR.search(str(text or ""))
        if match:
            return int(match.group(1))
    return default


def published_score(record: Record, index: EgaproIndex, tender_year: int) -> tuple[Score, int] | None:
    """The published score and its year, for the workbooks' "Index publié" column."""
    number = siren(record)
    publication = index.lookup(number, tender_year) if number and not record.rejected else None
    return (publication.score, publication.year) if publication else None


def _obligation(form: Form) -> tuple[str, float]:
    """The head count key and threshold from which an index is due (the form's own rule)."""
    score = form.key_of("index_score")
    for rule in form.rules:
        if rule.kind == "required_from" and rule.params.get("key") == score:
            return rule.params["count"], rule.params["threshold"]
    raise LookupError(f"no required_from rule for {score} in form {form.id}")


def _shown(score: Score) -> str:
    if score is None:
        return "aucune"
    if score == NOT_COMPUTABLE:
        return "NC (non calculable)"
    return f"{score}/100"


def _whose(publication: Publication, number: str) -> str:
    if publication.siren == number:
        return f"SIREN {number}"
    return (f"SIREN {number}, membre de l'UES « {publication.ues or publication.name} » "
            f"(SIREN {publication.siren})")


def _finding(rule: str, severity: str, message: str) -> Finding:
    """A finding on the index score (its key is set by :func:`cross_check`, from the record's form)."""
    return Finding(None, severity, message, f"egapro_{rule}")  # type: ignore[arg-type]


def _not_found(record: Record, number: str, year: int, declared: Score, form: Form) -> list[Finding]:
    count_key, threshold = _obligation(form)
    reading = record.readings.get(count_key)
    staff = reading.value if reading else None
    where = f"aucun index publié pour le SIREN {number} jusqu'en {year} dans l'export Egapro"
    if isinstance(staff, (int, float)) and staff >= threshold:
        return [_finding("not_found", "warning",
                         f"Index non vérifiable : {where}, alors que la structure déclare {staff:g} "
                         f"salariés (publication obligatoire dès {threshold:g}). "
                         f"Note déclarée : {_shown(declared)}.")]
    if declared is not None:
        return [_finding("unpublished", "info", f"Note déclarée {_shown(declared)} : {where}.")]
    return []


def _compare(declared: Score, publication: Publication, number: str) -> list[Finding]:
    published, year = publication.score, publication.year
    source = f"note publiée pour {year} ({_whose(publication, number)})"
    if published is None:
        return [_finding("no_score", "info", f"Index publié pour {year} sans note "
                         f"({_whose(publication, number)}) ; note déclarée : {_shown(declared)}.")]
    findings = []
    if declared is None:
        findings.append(_finding("undeclared", "info", f"Aucune note déclarée ; {source} : {_shown(published)}."))
    elif declared != published:
        findings.append(_finding("differs", "warning", f"La note déclarée ({_shown(declared)}) diffère de la "
                                 f"{source} : {_shown(published)}."))
    if published == NOT_COMPUTABLE:
        findings.append(_finding("nc", "info", f"Index publié pour {year} non calculable (NC) "
                                 f"({_whose(publication, number)}) ; note déclarée : {_shown(declared)}."))
    return findings + _obligations(published, source, declared)


def _obligations(published: Score, source: str, declared: Score) -> list[Finding]:
    """What a low published score makes compulsory (info: the officer may ask for it)."""
    if not isinstance(published, int) or published >= PROGRESS_BELOW:
        return []
    if published < CORRECTIVE_BELOW:
        rule, limit, due = "below_75", CORRECTIVE_BELOW, "mesures de correction et objectifs de progression"
    else:
        rule, limit, due = "below_85", PROGRESS_BELOW, "objectifs de progression"
    return [_finding(rule, "info", f"La {source} est de {published}/100, sous {limit} : {due} obligatoires. "
                     f"Note déclarée : {_shown(declared)}.")]


def cross_check(record: Record, index: EgaproIndex, tender_year: int) -> list[Finding]:
    """Findings comparing the declared score with the publication of ``tender_year`` or before
    (none for a form without an index score)."""
    score_key = record.form.key_of("index_score")
    if record.rejected or score_key is None:
        return []
    return [replace(finding, key=score_key) for finding in _checked(record, index, tender_year)]


def _checked(record: Record, index: EgaproIndex, tender_year: int) -> list[Finding]:
    number = siren(record)
    if number is None:
        return [_finding("no_siret", "info", "Note d'index non contrôlée : pas de SIRET valide pour "
                         "retrouver la structure dans l'export Egapro du ministère.")]
    declared = _value(record, "index_score")
    publication = index.lookup(number, tender_year)
    if publication is None:
        return _not_found(record, number, tender_year, declared, record.form)
    return _compare(declared, publication, number)


# The remembered file ---------------------------------------------------------------

def remember(path: Path, output: Path) -> None:
    """Remember the export in the output folder, so that runs without --egapro still use it."""
    write_setting(output, SETTING, str(path.resolve()))


def remembered(output: Path) -> Path | None:
    """The export remembered for this output folder (it may since have been moved: load says so)."""
    value = read_settings(output).get(SETTING)
    return Path(value) if value else None
