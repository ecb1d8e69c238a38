"""Findings from records (analyse.validate), rule by rule, firing and silent."""
from __future__ import annotations

import copy
import dataclasses
from typing import Any

import pytest

from analyse.validate import RULES, references_match, validate
from questionnaire.types import normalise, siret_checksum_ok
from questionnaire.definition import Rule, load
from questionnaire.schema import RULE_PARAMS
from questionnaire.record import SOURCE_OCR, Finding, Reading, Record

FORM = load("egalite-2024")
TENDER = "VM-2026-014 espaces verts"
VALID_SIRET = "73282932000074"


def record(raw: dict[str, str] | None = None, values: dict[str, Any] | None = None,
           tender: str = TENDER) -> Record:
    """A record whose readings are ``raw`` texts normalised as a reader does,
    plus ``values`` set directly (raw = their text)."""
    readings = {key: Reading(key, normalise(FORM.field(key), text, FORM).value, text)
                for key, text in (raw or {}).items()}
    readings.update({key: Reading(key, value, str(value)) for key, value in (values or {}).items()})
    return Record(file="offre.pdf", tender=tender, form_id=FORM.id, readings=readings)


def findings_for(rec: Record, key: str | None = None, rule: str | None = None) -> list[Finding]:
    return [f for f in validate(rec, FORM)
            if (key is None or f.key == key) and (rule is None or f.rule == rule)]


def only(rec: Record, key: str, rule: str | None = None) -> Finding:
    found = findings_for(rec, key, rule)
    assert len(found) == 1, validate(rec, FORM)
    return found[0]


def expect(rec: Record, key: str, severity: str, rule: str, *quoted: str) -> Finding:
    """The one finding on ``key``, with its severity, rule, and quoting ``quoted``."""
    finding = only(rec, key)
    assert (finding.severity, finding.rule) == (severity, rule)
    assert all(text in finding.message for text in quoted), finding.message
    return finding


def staff(rows: dict[str, list[int | float | None]]) -> dict[str, Any]:
    """Staff cells from rows of 5 values (women, men, non binary, undisclosed, total)."""
    columns = ["women", "men", "non_binary", "undisclosed", "total"]
    return {f"staff.{row}.{column}": value for row, cells in rows.items()
            for column, value in zip(columns, cells) if value is not None}


CONSISTENT_STAFF = staff({"managers": [3, 2, None, None, 5],
                          "non_managers": [10, 20, 1, None, 31],
                          "total": [13, 22, 1, None, 36]})


def test_clean_record_has_no_finding() -> None:
    rec = record(raw={"siret": "732 829 320 00074", "board.exists": "Oui", "board.women_pct": "45,5 %",
                      "equality_index.score": "85/100", "tender_ref": "VM-2026-014",
                      "policy.text": "Accord égalité signé en 2023.",
                      "commitments.agreements.done": "X",
                      "commitments.agreements.details": "Accord d'entreprise 2023",
                      "officers.president": "Femme"},
                 values=CONSISTENT_STAFF)
    assert validate(rec, FORM) == []


def test_empty_and_rejected_records_have_no_finding() -> None:
    assert validate(record(), FORM) == []
    rejected = record(raw={"board.women_pct": "150"})
    rejected.error = "Fichier protégé par un mot de passe."
    assert validate(rejected, FORM) == []


def test_validation_does_not_change_the_record() -> None:
    rec = record(raw={"board.women_pct": "150", "siret": "123", "staff.managers.women": "12,5",
                      "board.exists": "Non", "policy.text": "néant"})
    before = copy.deepcopy(rec.to_dict())
    assert validate(rec, FORM)
    assert rec.to_dict() == before


# ---------------------------------------------------------------------------
# Type checks


@pytest.mark.parametrize("raw, shown", [("150", "150 %"), ("100,5 %", "100,5 %"), ("-5 %", "-5 %")])
def test_percentage_out_of_range_is_an_error(raw: str, shown: str) -> None:
    expect(record(raw={"volunteers.women_pct": raw}),
           "volunteers.women_pct", "error", "percentage_range", shown, "bénévoles")


@pytest.mark.parametrize("raw", ["0", "100 %", "45,5 %"])
def test_percentage_in_range_is_silent(raw: str) -> None:
    assert findings_for(record(raw={"volunteers.women_pct": raw})) == []


@pytest.mark.parametrize("key, raw", [("volunteers.women_pct", "abc"), ("staff.managers.men", "douze"),
                                      ("equality_index.score", "bonne"), ("board.exists", "peut-être"),
                                      ("officers.treasurer", "M. Martin"),
                                      ("siret", "7328293200007A")])
def test_unreadable_text_is_an_error_quoting_it(key: str, raw: str) -> None:
    expect(record(raw={key: raw}), key, "error", "unreadable", f"« {raw} »", FORM.field(key).label)


def test_unreadable_ocr_text_with_a_doubt_needs_no_finding() -> None:
    """OCR's « 4O » may be its misreading of « 40 »: in review, no error of the bidder's."""
    rec = record(raw={"volunteers.women_pct": "4O"})
    rec.readings["volunteers.women_pct"].doubt = "Lecture incertaine (OCR)."
    rec.readings["volunteers.women_pct"].source = SOURCE_OCR
    assert findings_for(rec) == []


def test_unreadable_text_of_the_file_is_an_error_in_review_too() -> None:
    """« 1/3 » in the file's text is the bidder's: an error, though the reader sends it to review."""
    rec = record(raw={"volunteers.women_pct": "1/3"})
    rec.readings["volunteers.women_pct"].doubt = "Valeur non reconnue : valeur à vérifier."
    expect(rec, "volunteers.women_pct", "error", "unreadable", "« 1/3 »")


@pytest.mark.parametrize("key", ["board.women_pct", "policy.text", "equality_index.score", "siret"])
def test_written_non_answer_is_info(key: str) -> None:
    expect(record(raw={key: "Sans objet"}), key, "info", "non_answer", "« Sans objet »")


def test_policy_text_over_the_limit_counts_characters_not_bytes() -> None:
    at_limit = "é" * 1000  # 2000 bytes in UTF-8, 1000 characters
    assert findings_for(record(values={"policy.text": at_limit})) == []
    decomposed = "e\u0301" * 1000  # NFC makes it 1000 characters
    assert findings_for(record(values={"policy.text": decomposed})) == []
    expect(record(values={"policy.text": "Notre politique " + "é" * 990}),
           "policy.text", "error", "text_length", "1006 caractères", "« Notre politique")


@pytest.mark.parametrize("raw, rule, shown", [("120", "score_range", "120"),
                                              ("-1", "score_range", "-1"),
                                              ("85,5", "score_integer", "85,5")])
def test_impossible_score_is_an_error(raw: str, rule: str, shown: str) -> None:
    expect(record(raw={"equality_index.score": raw}), "equality_index.score", "error", rule, shown)


@pytest.mark.parametrize("raw", ["NC", "Non calculable", "85 / 100", "0", "100"])
def test_valid_score_is_silent(raw: str) -> None:
    assert findings_for(record(raw={"equality_index.score": raw})) == []


def test_negative_head_count_is_an_error() -> None:
    expect(record(raw={"staff.managers.women": "-3"}),
           "staff.managers.women", "error", "count_negative", "-3", "Cadres / Femmes")


def test_decimal_head_count_is_a_warning() -> None:
    expect(record(raw={"staff.managers.women": "12,5"}),
           "staff.managers.women", "warning", "count_decimal", "12,5")


def test_siret_not_14_digits_and_bad_checksum_are_two_errors() -> None:
    expect(record(raw={"siret": "732 829 320 0007"}),
           "siret", "error", "siret_digits", "« 7328293200007 »", "13 chiffres")
    expect(record(raw={"siret": "732 829 320 00075"}),
           "siret", "error", "siret_checksum", "73282932000075")


def test_valid_siret_is_silent() -> None:
    assert findings_for(record(raw={"siret": "732 829 320 00074"})) == []


@pytest.mark.parametrize("siret, valid", [
    (VALID_SIRET, True), ("73282932000075", False), ("54205118000066", True),
    ("12345678900007", False),  # whole number passes Luhn, its SIREN does not
    ("35600000000048", True), ("35600000049837", True), ("35600000049838", False),  # La Poste
])
def test_siret_checksum(siret: str, valid: bool) -> None:
    assert siret_checksum_ok(siret) is valid


def test_two_genders_for_one_officer_is_an_error() -> None:
    expect(record(raw={"officers.secretary": "Femme, Homme"}),
           "officers.secretary", "error", "several_genders", "Femme, Homme", "Secrétaire")


def test_value_of_the_wrong_type_is_an_error_not_a_crash() -> None:
    expect(record(values={"board.women_pct": "quarante"}), "board.women_pct", "error", "type")


# ---------------------------------------------------------------------------
# Sums of the staff table


def sums(cells: dict[str, Any]) -> list[Finding]:
    return findings_for(record(values=cells), rule="table_sums")


def test_consistent_table_is_silent() -> None:
    assert sums(CONSISTENT_STAFF) == []


def test_wrong_cell_names_the_totals_of_its_row_and_column() -> None:
    found = sums({**CONSISTENT_STAFF, "staff.managers.men": 4})
    assert [(f.key, f.severity) for f in found] == [("staff.managers.total", "warning"),
                                                     ("staff.total.men", "warning")]
    row, column = found
    assert "5" in row.message and "7" in row.message and "Cadres / Total" in row.message
    assert "22" in column.message and "24" in column.message and "Total / Hommes" in column.message


def test_totals_off_together_are_named_by_the_columns_they_end() -> None:
    # Total/Hommes and the grand total are both 3 too high: the total row
    # still adds up, the men column and the total column do not.
    found = sums({**CONSISTENT_STAFF, "staff.total.men": 25, "staff.total.total": 39})
    assert [f.key for f in found] == ["staff.total.men", "staff.total.total"]
    assert all(f.rule == "table_sums" and "colonne" in f.message for f in found)


def test_wrong_grand_total_fails_its_row_and_its_column() -> None:
    found = sums({**CONSISTENT_STAFF, "staff.total.total": 37})
    assert [f.key for f in found] == ["staff.total.total", "staff.total.total"]
    assert "ligne" in found[0].message and "colonne" in found[1].message
    assert all("37" in f.message and "36" in f.message for f in found)


def test_blank_cell_of_an_answered_row_counts_as_zero() -> None:
    cells = staff({"managers": [3, None, None, None, 5]})
    [finding] = sums(cells)
    assert finding.key == "staff.managers.total" and "3" in finding.message
    assert sums(staff({"managers": [3, 2, None, None, 5]})) == []


def test_wholly_blank_row_is_not_answered() -> None:
    # Cadres left blank: no row check, and the columns cannot be checked.
    cells = staff({"non_managers": [10, 20, None, None, 30], "total": [13, 22, None, None, 35]})
    assert sums(cells) == []


def test_total_without_its_parts_is_not_checked() -> None:
    assert sums(staff({"total": [None, None, None, None, 36]})) == []


def test_decimal_head_counts_add_up() -> None:
    cells = staff({"managers": [2.5, 0.5, None, None, 3], "non_managers": [1, 1, None, None, 2],
                   "total": [3.5, 1.5, None, None, 5]})
    assert sums(cells) == []


def test_unreadable_cell_does_not_make_a_sum_warning() -> None:
    rec = record(raw={"staff.managers.women": "trois", "staff.managers.men": "2",
                      "staff.managers.total": "5"})
    assert findings_for(rec, rule="table_sums") == []
    assert only(rec, "staff.managers.women").rule == "unreadable"


# ---------------------------------------------------------------------------
# Rules across fields


def test_board_share_given_while_no_board() -> None:
    expect(record(raw={"board.exists": "Non", "board.women_pct": "40 %"}),
           "board.women_pct", "warning", "board_share_without_board", "40 %", "Non")


@pytest.mark.parametrize("board", ["Oui", None])
def test_board_share_with_board_or_unanswered_is_silent(board: str | None) -> None:
    raw = {"board.women_pct": "40 %", **({"board.exists": board} if board else {})}
    assert findings_for(record(raw=raw)) == []


def test_board_no_without_share_is_silent() -> None:
    assert findings_for(record(raw={"board.exists": "Non"})) == []


def test_missing_index_from_50_employees() -> None:
    expect(record(values=staff({"total": [30, 20, None, None, 50]})),
           "equality_index.score", "warning", "index_missing", "50")


def test_missing_index_under_50_employees_is_silent() -> None:
    assert findings_for(record(values=staff({"total": [30, 19, None, None, 49]}))) == []


def test_index_given_or_nc_is_silent() -> None:
    for score in ("NC", "72/100"):
        rec = record(raw={"equality_index.score": score},
                     values=staff({"total": [300, 200, None, None, 500]}))
        assert findings_for(rec) == []


def test_missing_index_counts_what_is_given_when_total_is_blank() -> None:
    cells = staff({"managers": [10, 10, None, None, None], "non_managers": [20, 15, None, None, None]})
    rec = record(values=cells)
    assert only(rec, "equality_index.score").rule == "index_missing"
    assert "55" in only(rec, "equality_index.score").message


def test_head_count_never_adds_a_total_to_its_parts() -> None:
    cells = staff({"managers": [10, 10, None, None, 20], "non_managers": [10, 10, None, None, 20]})
    # 40 people by the totals column; 80 if totals were added to their parts.
    assert findings_for(record(values=cells), "equality_index.score") == []


def test_unreadable_index_is_not_also_missing() -> None:
    rec = record(raw={"equality_index.score": "bonne"}, values=staff({"total": [300, 200, None, None, 500]}))
    assert [f.rule for f in findings_for(rec, "equality_index.score")] == ["unreadable"]


def test_non_answer_index_with_50_employees_is_missing() -> None:
    rec = record(raw={"equality_index.score": "Sans objet"},
                 values=staff({"total": [30, 30, None, None, 60]}))
    rules = sorted(f.rule for f in findings_for(rec, "equality_index.score"))
    assert rules == ["index_missing", "non_answer"]


def test_commitment_ticked_without_details() -> None:
    expect(record(raw={"commitments.training.done": "X"}),
           "commitments.training.details", "warning", "commitment_details",
           "Organisation de formations en interne")


@pytest.mark.parametrize("done", ["Non", None])
def test_commitment_details_without_tick(done: str | None) -> None:
    raw = {"commitments.label.details": "Label Égalité AFNOR",
           **({"commitments.label.done": done} if done else {})}
    expect(record(raw=raw),
           "commitments.label.details", "warning", "commitment_details", "Label Égalité AFNOR")


def test_commitments_consistent_are_silent() -> None:
    rec = record(raw={"commitments.training.done": "X", "commitments.training.details": "Formation annuelle",
                      "commitments.events.done": "Non"})
    assert findings_for(rec) == []


@pytest.mark.parametrize("written", ["VM-2026-014", "vm 2026 014", "VM_2026_014", "Vm-2026-014 espaces verts",
                                     "Marché VM-2026-014 espaces verts lot 1"])
def test_tender_ref_matching_is_lenient(written: str) -> None:
    assert findings_for(record(raw={"tender_ref": written})) == []


@pytest.mark.parametrize("written", ["VM-2026-015", "VM-2026-0145", "VM-2025-014"])
def test_tender_ref_mismatch_is_a_warning(written: str) -> None:
    expect(record(raw={"tender_ref": written}),
           "tender_ref", "warning", "tender_ref_mismatch", written, TENDER)


@pytest.mark.parametrize("written, tender", [
    ("2026-041 – Maintenance des ascenseurs et monte-charges", "2026-041-maintenance-ascenseurs"),
    ("Consultation n° 2026-052", "2026-052-fournitures-bureau"),
    ("AO 2026-052 – Fournitures de bureau", "2026-052-fournitures-bureau"),
    ("Marché n° VM-2026-014, lot 2", "VM-2026-014 espaces verts")])
def test_tender_ref_matches_on_the_reference_number_whatever_the_words_around(written: str, tender: str) -> None:
    assert references_match(written, tender)


@pytest.mark.parametrize("written, tender", [
    ("CHV-2026-014", "VM-2026-014 espaces verts"),  # another buyer's prefix, same number
    ("2026-041 lot 3", "2026-043-ascenseurs"),
    ("Lot 3 – 2026", "VM-2026-014"),  # a lot and a year are no reference number
])
def test_tender_ref_numbers_that_differ_do_not_match(written: str, tender: str) -> None:
    assert not references_match(written, tender)


def test_tender_ref_accents_and_case() -> None:
    assert references_match("Réf. ÉCOLE-12", "ecole 12")
    assert not references_match("", "ecole 12")


def test_every_rule_kind_a_definition_may_name_has_a_check() -> None:
    assert set(RULE_PARAMS) == set(RULES)


@pytest.mark.parametrize("written, fired", [("5", True), ("7,5", True), ("4,9", False), ("abc", False), ("120", False)])
def test_reaches_fires_from_the_threshold_on_possible_values_only(written: str, fired: bool) -> None:
    rule = Rule("gap", "reaches", "warning", {"key": "board.women_pct", "threshold": 5,
                                              "message": "atteint le seuil."})
    form = dataclasses.replace(FORM, rules=(rule,))
    found = [f for f in validate(record(raw={"board.women_pct": written}), form) if f.rule == "gap"]
    assert [f.message for f in found] == ([f"« {FORM.field('board.women_pct').label} » : {written} % atteint le seuil."]
                                          if fired else [])
