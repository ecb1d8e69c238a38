"""The declared index checked against the ministry's public Egapro export (issue 7)."""
from __future__ import annotations

from pathlib import Path

import pytest

from analyse import egapro
from analyse.egapro import (EgaproError, EgaproIndex, cross_check, published_score, remember,
                            remembered, tender_year)
from analyse.settings import read_settings, write_setting
from questionnaire.record import Reading, Record
from tests.support_egapro import (CSV_HEADER, UES, PublicRow, csv_cells, luhn_complete, siret_of,
                                  write_csv, write_xlsx)

ALPHA = luhn_complete("32112345")
BETA_UES = luhn_complete("44455566")
BETA_MEMBER = luhn_complete("55566677")
NC_CO = luhn_complete("66677788")
LOW = luhn_complete("77788899")
ACCENTS = luhn_complete("01234567")  # a leading zero, lost when a spreadsheet stores it as a number
NO_NOTE = luhn_complete("88899900")
UNKNOWN = luhn_complete("99911122")
ACCENTED_NAME = "Société Générale d’Études Électriques — Œuvres"  # ’, — and Œ differ from Latin-1

ROWS = [
    PublicRow(2022, ALPHA, "Alpha SA", 88),
    PublicRow(2023, ALPHA, "Alpha SA", 92, band="medium"),
    PublicRow(2025, ALPHA, "Alpha SA", 60),  # after the tender's year: never used for 2024
    PublicRow(2023, BETA_UES, "Beta Holding", 80, UES, "large", "UES Beta",
              (("Beta Services, filiale (Lyon)", BETA_MEMBER), ("Beta Holding", BETA_UES))),
    PublicRow(2023, NC_CO, "Gamma SARL", "NC"),
    PublicRow(2023, LOW, "Delta SAS", 70),
    PublicRow(2023, ACCENTS, ACCENTED_NAME, 99, region="Provence-Alpes-Côte d'Azur"),
    PublicRow(2023, NO_NOTE, "Epsilon", None),
]


def write_export(kind: str, folder: Path) -> Path:
    if kind == "xlsx":
        return write_xlsx(folder / "index-egalite-fh.xlsx", ROWS)
    if kind == "xlsx-numeric-sirens":
        return write_xlsx(folder / "index-egalite-fh.xlsx", ROWS, numeric_sirens=True)
    return write_csv(folder / "index-egalite-fh.csv", ROWS, encoding=kind.removeprefix("csv-"))


EXPORTS = ["xlsx", "xlsx-numeric-sirens", "csv-utf-8", "csv-cp1252"]


@pytest.fixture(scope="module", params=EXPORTS)
def index(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> EgaproIndex:
    return EgaproIndex.load(write_export(request.param, tmp_path_factory.mktemp(request.param)))


@pytest.fixture(scope="module")
def xlsx_index(tmp_path_factory: pytest.TempPathFactory) -> EgaproIndex:
    return EgaproIndex.load(write_export("xlsx", tmp_path_factory.mktemp("xlsx")))


def bidder(siren: str | None, score: int | str | None = None, staff: int | None = None,
           tender: str = "VM-2024-014", siret_raw: str | None = None) -> Record:
    readings = {"equality_index.score": Reading("equality_index.score", score),
                "staff.total.total": Reading("staff.total.total", staff)}
    siret = siret_of(siren) if siren else None
    readings["siret"] = Reading("siret", siret, raw=siret_raw or siret)
    return Record(file=f"{tender}/offre.pdf", tender=tender, form_id="egalite-2024", readings=readings)


def rules(findings: list) -> list[str]:
    return [f.rule for f in findings]


# Loading -----------------------------------------------------------------------

def test_every_format_reads_every_row(index: EgaproIndex) -> None:
    assert len(index) == len(ROWS)
    assert index.skipped == 0


def test_most_recent_publication_not_after_the_tender_year(index: EgaproIndex) -> None:
    assert index.lookup(ALPHA, 2024).score == 92
    assert index.lookup(ALPHA, 2023).year == 2023
    assert index.lookup(ALPHA, 2022).score == 88
    assert index.lookup(ALPHA, 2021) is None
    assert index.lookup(ALPHA, 2030).score == 60


def test_ues_member_matches_the_ues_publication(index: EgaproIndex) -> None:
    publication = index.lookup(BETA_MEMBER, 2024)
    assert (publication.siren, publication.ues, publication.score) == (BETA_UES, "UES Beta", 80)
    assert publication.members == (BETA_MEMBER, BETA_UES)
    assert index.lookup(BETA_UES, 2024) is publication


def test_nc_empty_note_and_leading_zero(index: EgaproIndex) -> None:
    assert index.lookup(NC_CO, 2024).score == "NC"
    assert index.lookup(NO_NOTE, 2024).score is None
    assert index.lookup(ACCENTS, 2024).siren == ACCENTS
    assert index.lookup(UNKNOWN, 2024) is None


def test_accents_survive_both_encodings(index: EgaproIndex) -> None:
    assert index.lookup(ACCENTS, 2024).name == ACCENTED_NAME


def test_size_bands_as_each_format_writes_them(tmp_path: Path) -> None:
    xlsx = EgaproIndex.load(write_export("xlsx", tmp_path))
    csv = EgaproIndex.load(write_export("csv-utf-8", tmp_path))
    assert xlsx.lookup(BETA_UES, 2024).band == "1000 et plus"
    assert csv.lookup(BETA_UES, 2024).band == "1000:"


def test_company_publication_wins_over_its_ues_the_same_year() -> None:
    index = EgaproIndex()
    index.add(egapro.Publication(2023, 77, BETA_UES, "Beta", "UES Beta", (BETA_MEMBER,)))
    index.add(egapro.Publication(2023, 91, BETA_MEMBER, "Beta Services"))
    assert index.lookup(BETA_MEMBER, 2024).score == 91
    assert index.lookup(BETA_UES, 2024).score == 77


def test_openpyxl_reads_as_calamine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_export("xlsx-numeric-sirens", tmp_path)
    monkeypatch.setattr(egapro, "workbook_reader", lambda: egapro._openpyxl_rows)
    index = EgaproIndex.load(path)
    assert len(index) == len(ROWS)
    assert index.lookup(ACCENTS, 2024).name == ACCENTED_NAME
    assert index.lookup(BETA_MEMBER, 2024).score == 80


def test_title_lines_and_reordered_columns(tmp_path: Path) -> None:
    header = reversed(CSV_HEADER)
    row = ("" if cell is None else str(cell) for cell in reversed(csv_cells(ROWS[1])))
    lines = ["Index de l'égalité professionnelle;;", "", ";".join(header), ";".join(row)]
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert EgaproIndex.load(path).lookup(ALPHA, 2024).score == 92


def test_rows_without_siren_or_year_are_counted_not_indexed(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", [*ROWS, PublicRow(2023, "n/a", "Sans SIREN", 90)])
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(f"inf;Entreprise;50:250;{UNKNOWN};Année infinie;;;;;;;;;;;;99\r\n;;;;;;;;;;;;;;;;\r\n")
    index = EgaproIndex.load(path)
    assert (len(index), index.skipped) == (len(ROWS), 2)
    assert index.lookup(UNKNOWN, 2024) is None


@pytest.mark.parametrize("content, words", [
    (None, "introuvable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old xls", "ni un classeur xlsx ni un fichier csv"),
    (b"PK\x03\x04 not really a zip", "endommagé ou illisible"),
    ("Nom;Adresse\nDupont;Paris\n".encode(), "n'est pas un export de l'index Egapro"),
    (";".join(CSV_HEADER).encode() + b"\n", "aucune publication"),
])
def test_unusable_files_say_why_in_french(tmp_path: Path, content: bytes | None, words: str) -> None:
    path = tmp_path / "egapro.xlsx"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(EgaproError, match=words):
        EgaproIndex.load(path)


def test_xlsx_without_the_expected_sheet_name_reads_its_first_sheet(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "renamed.xlsx", ROWS, sheet="Feuil1")
    assert EgaproIndex.load(path).lookup(ALPHA, 2024).score == 92


# Findings ------------------------------------------------------------------------

def test_declared_score_differs(xlsx_index: EgaproIndex) -> None:
    [finding] = cross_check(bidder(ALPHA, 85), xlsx_index, 2024)
    assert (finding.key, finding.severity, finding.rule) == ("equality_index.score", "warning", "egapro_differs")
    assert "85/100" in finding.message and "92/100" in finding.message and "2023" in finding.message


def test_declared_score_matches(xlsx_index: EgaproIndex) -> None:
    assert cross_check(bidder(ALPHA, 92), xlsx_index, 2024) == []
    assert cross_check(bidder(ALPHA, 88), xlsx_index, 2022) == []


def test_ues_member_checked_against_its_ues(xlsx_index: EgaproIndex) -> None:
    findings = cross_check(bidder(BETA_MEMBER, 95), xlsx_index, 2024)
    assert rules(findings) == ["egapro_differs", "egapro_below_85"]
    assert "UES Beta" in findings[0].message and BETA_UES in findings[0].message


def test_published_nc(xlsx_index: EgaproIndex) -> None:
    assert rules(cross_check(bidder(NC_CO, "NC"), xlsx_index, 2024)) == ["egapro_nc"]
    findings = cross_check(bidder(NC_CO, 90), xlsx_index, 2024)
    assert rules(findings) == ["egapro_differs", "egapro_nc"]
    assert "NC (non calculable)" in findings[0].message and "90/100" in findings[0].message


def test_published_under_75_and_under_85(xlsx_index: EgaproIndex) -> None:
    [under_75] = cross_check(bidder(LOW, 70), xlsx_index, 2024)
    assert (under_75.rule, under_75.severity) == ("egapro_below_75", "info")
    assert "mesures de correction" in under_75.message and "70/100" in under_75.message
    [under_85] = cross_check(bidder(BETA_UES, 80), xlsx_index, 2024)
    assert under_85.rule == "egapro_below_85" and "objectifs de progression" in under_85.message
    assert "mesures de correction" not in under_85.message


def test_not_published_although_50_employees(xlsx_index: EgaproIndex) -> None:
    [finding] = cross_check(bidder(UNKNOWN, 90, staff=50), xlsx_index, 2024)
    assert (finding.severity, finding.rule) == ("warning", "egapro_not_found")
    assert UNKNOWN in finding.message and "50 salariés" in finding.message and "2024" in finding.message


def test_not_published_and_small(xlsx_index: EgaproIndex) -> None:
    assert cross_check(bidder(UNKNOWN, None, staff=49), xlsx_index, 2024) == []
    assert rules(cross_check(bidder(UNKNOWN, 90, staff=12), xlsx_index, 2024)) == ["egapro_unpublished"]


def test_only_later_publications_count_as_not_found(xlsx_index: EgaproIndex) -> None:
    assert rules(cross_check(bidder(ALPHA, 88, staff=300), xlsx_index, 2021)) == ["egapro_not_found"]


def test_undeclared_and_published_without_note(xlsx_index: EgaproIndex) -> None:
    [undeclared] = cross_check(bidder(ALPHA, None), xlsx_index, 2024)
    assert (undeclared.rule, undeclared.severity) == ("egapro_undeclared", "info")
    assert "92/100" in undeclared.message
    assert rules(cross_check(bidder(NO_NOTE, 90), xlsx_index, 2024)) == ["egapro_no_score"]


def test_without_valid_siret_the_check_is_impossible(xlsx_index: EgaproIndex) -> None:
    [finding] = cross_check(bidder(None, 90, siret_raw="12 34"), xlsx_index, 2024)
    assert (finding.severity, finding.rule) == ("info", "egapro_no_siret")
    record = bidder(None, 90)
    del record.readings["siret"]
    assert rules(cross_check(record, xlsx_index, 2024)) == ["egapro_no_siret"]


def test_a_siren_written_in_place_of_the_siret_is_used(xlsx_index: EgaproIndex) -> None:
    record = bidder(None, 85, siret_raw=f"{ALPHA[:3]} {ALPHA[3:6]} {ALPHA[6:]}")
    assert rules(cross_check(record, xlsx_index, 2024)) == ["egapro_differs"]


def test_rejected_records_are_not_checked(xlsx_index: EgaproIndex) -> None:
    record = bidder(ALPHA, 85)
    record.error = "Fichier protégé par un mot de passe."
    assert cross_check(record, xlsx_index, 2024) == []
    assert published_score(record, xlsx_index, 2024) is None


def test_published_score_for_the_workbooks(xlsx_index: EgaproIndex) -> None:
    assert published_score(bidder(ALPHA, 85), xlsx_index, 2024) == (92, 2023)
    assert published_score(bidder(NC_CO), xlsx_index, 2024) == ("NC", 2023)
    assert published_score(bidder(UNKNOWN), xlsx_index, 2024) is None


# Tender year and the remembered file ----------------------------------------------

@pytest.mark.parametrize("tender, reference, expected", [
    ("VM-2026-014", None, 2026),
    ("Travaux voirie", "MAPA 2025/07", 2025),
    ("Travaux voirie", None, 2019),
    ("Lot 120345", None, 2019),
])
def test_tender_year(tender: str, reference: str | None, expected: int) -> None:
    record = Record(file="a.pdf", tender=tender, form_id="egalite-2024",
                    readings={"tender_ref": Reading("tender_ref", reference)} if reference else {})
    assert tender_year(record, 2019) == expected


def test_the_file_is_remembered_in_the_output_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    output = tmp_path / "résultats"
    assert remembered(output) is None
    monkeypatch.chdir(tmp_path)
    write_setting(output, "autre", 'valeur "citée"')
    remember(Path("exports/index-egalite-fh.xlsx"), output)
    assert remembered(output) == tmp_path / "exports" / "index-egalite-fh.xlsx"
    assert read_settings(output)["autre"] == 'valeur "citée"'


def test_a_broken_settings_file_remembers_nothing(tmp_path: Path) -> None:
    (tmp_path / "parametres.toml").write_text("egapro = \n", encoding="utf-8")
    assert remembered(tmp_path) is None
