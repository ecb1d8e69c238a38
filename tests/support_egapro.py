"""Builds files shaped like the ministry's public Egapro exports, for tests and the benchmark.

Two formats, as the ministry published them: the current
``index-egalite-fh.xlsx`` (one sheet, 18 columns) and the older
``index-egalite-fh.csv`` (``;``-separated, 17 columns, no "hors promotion"
column, size bands written ``50:250``), in UTF-8 or Windows-1252.
"""
from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from openpyxl import Workbook

SHEET = "Données publiques Index Egapro"
COMPANY = "Entreprise"
UES = "Unité Economique et Sociale (UES)"

XLSX_HEADER = [
    "Année", "Structure", "Tranche d'effectifs", "SIREN", "Raison Sociale", "Nom UES",
    "Entreprises UES (SIREN)", "Région", "Département", "Pays", "Code NAF",
    "Note Ecart rémunération", "Note Ecart taux d'augmentation (hors promotion)",
    "Note Ecart taux de promotion", "Note Ecart taux d'augmentation",
    "Note Retour congé maternité", "Note Hautes rémunérations", "Note Index",
]
HORS_PROMOTION = XLSX_HEADER.index("Note Ecart taux d'augmentation (hors promotion)")
CSV_HEADER = XLSX_HEADER[:HORS_PROMOTION] + XLSX_HEADER[HORS_PROMOTION + 1:]

XLSX_BANDS = {"small": "50 à 250", "medium": "251 à 999", "large": "1000 et plus"}
CSV_BANDS = {"small": "50:250", "medium": "251:999", "large": "1000:"}

Note = int | str | None  # an integer, "NC", or None for an empty cell


@dataclass(frozen=True)
class PublicRow:
    """One published index, as a row of either export."""

    year: int
    siren: str
    name: str
    score: Note
    structure: str = COMPANY
    band: str = "small"
    ues_name: str | None = None
    members: tuple[tuple[str, str], ...] = ()  # (name, SIREN) of the UES's companies
    region: str = "Île-de-France"
    department: str = "Paris"

    def members_cell(self) -> str | None:
        return ",".join(f"{name} ({siren})" for name, siren in self.members) or None

    def notes(self) -> list[Note]:
        """The six indicator notes: those that do not apply to the band are empty."""
        small = self.band == "small"
        if self.score == "NC":
            return ["NC"] * 6
        return [39, None if small else 20, None if small else 15, 35 if small else None, 15, 10]

    def cells(self, bands: dict[str, str]) -> list[object]:
        return [self.year, self.structure, bands[self.band], self.siren, self.name, self.ues_name,
                self.members_cell(), self.region, self.department, "FRANCE",
                "62.02A - Conseil en systèmes et logiciels informatiques",
                *self.notes(), self.score]


def xlsx_cells(row: PublicRow) -> list[object]:
    return row.cells(XLSX_BANDS)


def csv_cells(row: PublicRow) -> list[object]:
    cells = row.cells(CSV_BANDS)
    del cells[HORS_PROMOTION]
    return cells


def write_xlsx(path: Path, rows: Iterable[PublicRow], sheet: str = SHEET,
               numeric_sirens: bool = False) -> Path:
    """The current export; ``numeric_sirens`` writes SIRENs as numbers (leading zeros lost)."""
    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    ws.append(XLSX_HEADER)
    for row in rows:
        cells = xlsx_cells(row)
        if numeric_sirens:
            cells[XLSX_HEADER.index("SIREN")] = int(row.siren)
        ws.append(cells)
    book.save(path)
    return path


def write_csv(path: Path, rows: Iterable[PublicRow], encoding: str = "utf-8") -> Path:
    """The older export; empty cells are empty strings."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in csv_cells(row)])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def luhn_complete(digits: str) -> str:
    """``digits`` followed by the check digit that makes it Luhn-valid (SIREN, SIRET)."""
    total = 0
    for position, char in enumerate(reversed(digits + "0")):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return digits + str((10 - total % 10) % 10)


def siret_of(siren: str, establishment: str = "0001") -> str:
    """A valid SIRET of the SIREN's establishment."""
    return luhn_complete(siren + establishment)


def synthetic_rows(count: int, seed: int = 7) -> Iterator[PublicRow]:
    """``count`` plausible rows over five years, one UES in fifty, one "NC" in twenty."""
    rng = random.Random(seed)
    for index in range(count):
        siren = luhn_complete(f"{10_000_000 + index:08d}")
        score: Note = "NC" if index % 20 == 0 else rng.randint(40, 100)
        band = rng.choice(("small", "medium", "large"))
        if index % 50 == 0:
            members = tuple((f"Filiale {index}-{n}", luhn_complete(f"{90_000_000 + index + n:08d}"))
                            for n in range(3))
            yield PublicRow(2020 + index % 5, siren, f"Groupe {index}", score, UES, band,
                            f"UES Groupe {index}", members)
        else:
            yield PublicRow(2020 + index % 5, siren, f"Société {index} SAS", score, band=band)
