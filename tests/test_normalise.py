"""Text as read → typed value, per field type (questionnaire.types)."""
from __future__ import annotations

import pytest

from questionnaire.text import PLAIN_DIGITS, clean_text, format_number, parse_number
from questionnaire.types import NON_ANSWER, SEVERAL_GENDERS, UNREADABLE, normalise
from questionnaire.definition import load

FORM = load("egalite-2024")

PCT = "board.women_pct"
COUNT = "staff.managers.women"
SCORE = "equality_index.score"
BOOL = "board.exists"
GENDER = "officers.president"
TEXT = "policy.text"
SIRET = "siret"


def norm(key: str, raw: str | None):
    return normalise(FORM.field(key), raw, FORM)


@pytest.mark.parametrize("raw, expected", [
    ("  Égalité\n\nfemmes   hommes \t", "Égalité femmes hommes"),
    ("e\u0301gal", "égal"),  # decomposed accent → NFC
    ("12\u00a0%", "12 %"),  # no-break space is white space
    ("égali-\ntaire", "égali- taire"),  # no hyphen repair
    ("Notre Politique", "Notre Politique"),  # case kept
    ("\u3000a\u2009\x1cb\x85\u2028c\u202f", "a b c"),  # every white space Unicode names, at the ends too
    ("a\u200bb", "a\u200bb"),  # a zero-width space is not white space
    (" \t\n", ""),
])
def test_clean_text(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize("key", [TEXT, COUNT, PCT, SCORE, BOOL, GENDER, SIRET])
@pytest.mark.parametrize("raw", [None, "", "  \n "])
def test_blank_is_null_without_problem(key: str, raw: str | None) -> None:
    result = norm(key, raw)
    assert (result.value, result.problem, result.message) == (None, None, None)


@pytest.mark.parametrize("key", [TEXT, COUNT, PCT, SCORE, BOOL, GENDER, SIRET])
@pytest.mark.parametrize("raw", ["Sans objet", "SANS OBJET.", "-", "—", "- -", "néant", "Neant",
                                 "N/A", "s/o", "Non concerné(e)", "/", "(néant)"])
def test_written_non_answer(key: str, raw: str) -> None:
    result = norm(key, raw)
    assert result.value is None
    assert result.problem == NON_ANSWER
    assert raw.strip() in result.message and FORM.field(key).label in result.message


@pytest.mark.parametrize("raw, expected", [
    ("  Notre  politique\nd'égalité ", "Notre politique d'égalité"),
    ("x" * 1500, "x" * 1500),  # the limit is validation's business: kept whole
    ("NA Conseil", "NA Conseil"),  # a non-answer word inside a text is text
])
def test_text(raw: str, expected: str) -> None:
    result = norm(TEXT, raw)
    assert result == type(result)(expected)


@pytest.mark.parametrize("raw, expected", [
    ("12", 12), ("1 250", 1250), ("1\u00a0250", 1250), ("1\u202f250", 1250), ("1'250", 1250),
    ("12,5", 12.5), ("12.5", 12.5), ("12,0", 12), ("-3", -3), ("−3", -3), ("0", 0),
    ("1 250,5", 1250.5),
    ("158 (50 %)", 158), ("1\u202f480 (62,5\u202f%)", 1480), ("25 (66", 25),  # the row's share after the count
])
def test_count(raw: str, expected: int | float) -> None:
    result = norm(COUNT, raw)
    assert result.problem is None
    assert result.value == expected and type(result.value) is type(expected)


@pytest.mark.parametrize("raw", ["abc", "12 13", "douze", "12 personnes", "1.250.000", "X", "12 (abc)", "12 (150 %)"])
def test_count_unreadable(raw: str) -> None:
    result = norm(COUNT, raw)
    assert (result.value, result.problem) == (None, UNREADABLE)
    assert f"« {raw} »" in result.message


@pytest.mark.parametrize("raw, expected", [
    ("45,5 %", 45.5), ("40%", 40), ("40", 40), ("40 pour cent", 40), ("40 pourcents", 40),
    ("150", 150), ("-5 %", -5), ("0,5", 0.5),
])
def test_percentage(raw: str, expected: float) -> None:
    assert norm(PCT, raw) == type(norm(PCT, raw))(expected)


def test_percentage_unit_alone_is_blank() -> None:
    assert norm(PCT, " % ").value is None and norm(PCT, " % ").problem is None


@pytest.mark.parametrize("raw", ["abc", "40 % environ", "quarante"])
def test_percentage_unreadable(raw: str) -> None:
    result = norm(PCT, raw)
    assert (result.value, result.problem) == (None, UNREADABLE)
    assert f"« {raw} »" in result.message and "pourcentage" in result.message


@pytest.mark.parametrize("raw, expected", [
    ("85/100", 85), ("85 / 100", 85), ("85 sur 100", 85), ("85", 85), ("85/100e", 85),
    ("NC", "NC"), ("nc", "NC"), ("N.C.", "NC"), ("Non calculable", "NC"), ("non calculé", "NC"),
    ("120", 120), ("85,5", 85.5), ("85,5/100", 85.5),
])
def test_score(raw: str, expected: int | float | str) -> None:
    result = norm(SCORE, raw)
    assert result.problem is None
    assert result.value == expected and type(result.value) is type(expected)


@pytest.mark.parametrize("raw", ["bonne", "85/100 en 2023 et 88/100 en 2024"])
def test_score_unreadable(raw: str) -> None:
    result = norm(SCORE, raw)
    assert (result.value, result.problem) == (None, UNREADABLE)


@pytest.mark.parametrize("raw, expected", [
    ("Oui", True), ("OUI.", True), ("x", True), ("X", True), ("Non", False), ("non", False),
    ("N", False),
])
def test_bool(raw: str, expected: bool) -> None:
    assert norm(BOOL, raw).value is expected


def test_bool_unreadable() -> None:
    result = norm(BOOL, "peut-être")
    assert (result.value, result.problem) == (None, UNREADABLE)
    assert "« peut-être »" in result.message


@pytest.mark.parametrize("raw, expected", [
    ("Femme", "woman"), ("femmes", "woman"), ("F", "woman"), ("Homme", "man"), ("H", "man"),
    ("Non binaire", "non_binary"), ("NON-BINAIRE", "non_binary"),
    ("Ne se prononce pas", "undisclosed"), ("NSP", "undisclosed"), ("Femme, Femme", "woman"),
    ("non_binary", "non_binary"),  # a radio button's export value
])
def test_gender(raw: str, expected: str) -> None:
    assert norm(GENDER, raw).value == expected


@pytest.mark.parametrize("raw", ["Femme, Homme", "F/H", "Homme et Non binaire",
                                 "Femme + Homme", "woman + man"])  # as readers join ticked boxes
def test_several_genders(raw: str) -> None:
    result = norm(GENDER, raw)
    assert (result.value, result.problem) == (None, SEVERAL_GENDERS)
    assert "Président.e" in result.message


def test_gender_unreadable() -> None:
    result = norm(GENDER, "Monsieur Dupont")
    assert (result.value, result.problem) == (None, UNREADABLE)


@pytest.mark.parametrize("raw, digits", [
    ("732 829 320 00074", "73282932000074"), ("732.829.320.00074", "73282932000074"),
    ("732-829-320-00074", "73282932000074"),
    ("732 829 320 00075", "73282932000075"),  # bad checksum: validation's error
    ("732 829 320 0007", "7328293200007"),  # 13 digits: validation's error
])
def test_siret_is_its_digits_as_written(raw: str, digits: str) -> None:
    assert norm(SIRET, raw) == type(norm(SIRET, raw))(digits)


def test_siret_not_digits() -> None:
    result = norm(SIRET, "7328293200007A")
    assert (result.value, result.problem) == (None, UNREADABLE)


@pytest.mark.parametrize("text, expected", [("1 250,5", 1250.5), ("7", 7), ("1 2", None), ("", None),
                                            (" 007 ", 7), ("٣", None), ("²", None), ("-0", 0), ("12,0", 12)])
def test_parse_number(text: str, expected: float | None) -> None:
    assert parse_number(text) == expected
    assert type(parse_number(text)) is type(expected)


def test_a_number_of_any_length_is_read_whole() -> None:
    """Digits alone are made an int directly up to PLAIN_DIGITS of them; more (Python's int() refuses
    a text of 4,300 digits) are read as any other number."""
    assert parse_number("9" * PLAIN_DIGITS) == int("9" * PLAIN_DIGITS)
    assert parse_number("1" + "0" * 5000) == 10 ** 5000


@pytest.mark.parametrize("number, expected", [(12.5, "12,5"), (40, "40"), (40.0, "40"), (-3, "-3"),
                                              (0.125, "0,125")])
def test_format_number(number: float, expected: str) -> None:
    assert format_number(number) == expected


@pytest.mark.parametrize("key", [TEXT, COUNT, SIRET])
def test_a_non_answer_with_its_reason_in_brackets_is_a_non_answer(key: str) -> None:
    result = norm(key, "Sans objet (moins de 50 salariés)")
    assert (result.value, result.problem) == (None, NON_ANSWER)


def test_a_text_ending_in_brackets_that_is_no_non_answer_is_text() -> None:
    assert norm(TEXT, "Notre politique (voir annexe)").value == "Notre politique (voir annexe)"
