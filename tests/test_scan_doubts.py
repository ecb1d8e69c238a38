"""Scans of questionnaires laid out by other people: what OCR gets wrong while sure of it, and
the rule that either reads it right or sends it to review (never a silent error).

Each case was seen on the dev set's files printed and scanned at 200 dpi: « la CCI » read « La
CCI » by both passes, « Égalité » read « Egalité », « Tenues » read « Ténues », « 3 % » read « 3% », « permis C » whose
« C » the zone read as a faint « € » (then dropped as dust), a speck read as a full stop after
the line, a speck beside a label taken for an answer's column, a word on the edge of two zones
taken twice, details written with their tick unread, a dash between words not read at all. The pages are built as a scan's OCR gives
them (:mod:`tests.test_zone_reads`)."""
from __future__ import annotations

from dataclasses import replace

import pytest

from extract.fields import FieldReader, _lexicon_doubt, read_fields
from extract.lexicon import odd_letters
from extract.scan import PASSES_DISAGREE, disagreeing
from extract.tokens import Word
from extract.zones import Zone
from pipeline import _review_suspect_ocr
from questionnaire.record import SOURCE_OCR, Finding, Reading, Record
from tests.test_zone_reads import FORM, _ocr_words, _scan_page


def _word(text: str, confidence: float = 0.93) -> Word:
    return Word(text, 100, 200, 100 + 5 * len(text), 207, source=SOURCE_OCR, confidence=confidence)


@pytest.mark.parametrize("zone, fast", [("La", "la"), ("la", "La"), ("Egalité", "Égalité"), ("Situation", "situation")])
def test_a_word_the_two_passes_read_but_for_case_or_accents_is_doubtful(zone: str, fast: str) -> None:
    word = disagreeing(_word(zone), _word(fast))
    assert (word.text, word.confidence) == (zone, PASSES_DISAGREE)


def test_a_sign_where_the_fast_pass_read_a_letter_is_that_letter_doubtful() -> None:
    """« permis C »: the zone read a faint « € » (0.54, dropped as dust), the fast pass « C »."""
    word = disagreeing(_word("€", 0.54), _word("C", 0.82))
    assert (word.text, word.confidence) == ("C", PASSES_DISAGREE)


@pytest.mark.parametrize("zone, fast", [("femme", "femmes"), ("tailles,", "tailles"), ("C", "€")])
def test_other_differences_between_the_passes_are_left_to_the_zone(zone: str, fast: str) -> None:
    word = _word(zone)
    assert disagreeing(word, _word(fast)) is word


@pytest.mark.parametrize("text, odd", [
    ("Adhérent du club RSE de La CCI Grand Hainaut.", ["La"]),  # « la » before capitals
    ("Programme avec Le lycée professionnel.", ["Le"]),
    ("Dossier de candidature au label Egalité déposé.", ["Egalité"]),  # É far more often
    ("La collecte. Le groupe et Nordascen, Bureau Plus.", []),  # a sentence's start, names
    ("Association La Ressourcerie du Hainaut", []),
    ("Etat et entreprise.", []),  # « Etat » is written so as often as not
    ("Ténues et EPI disponibles.", ["Ténues"]),  # « tenues » is a hundred times as frequent
    ("Plan programmé, écart mesuré, objectifs chiffrés, au dépôt, même équipe.", []),
])
def test_capitals_and_accents_ocr_may_have_misread_are_named(text: str, odd: list[str]) -> None:
    assert odd_letters(text) == odd


@pytest.mark.parametrize("text", ["revalorisation de 3% des grilles.", "pour quatre ans; bilan à mi-parcours."])
def test_a_sign_glued_where_french_puts_a_narrow_space_is_a_doubt(text: str) -> None:
    assert "collé" in _lexicon_doubt(text)


def test_french_spacing_and_addresses_are_no_doubt() -> None:
    assert _lexicon_doubt("revalorisation de 3 % ; bilan sur https://exemple.fr à 14h30.") is None


def _policy(*lines: list[Word]) -> list[Word]:
    """The policy's question, then ``lines``, then the index's label."""
    words = _ocr_words("Détailler ci-dessous votre politique interne en matière d'égalité professionnelle "
                       "(1000 caractères maximum)", 39, 365)
    for line in lines:
        words += line
    return words + _ocr_words("Note obtenue à l'index de l'égalité professionnelle : 86 / 100", 39, 440)


def test_a_speck_far_after_the_line_is_no_full_stop_of_the_text() -> None:
    words = _policy(_ocr_words("Tenues et EPI disponibles dans toutes les tailles, coupes", 39, 380),
                    [replace(_ocr_words(".", 560, 380)[0], confidence=0.76)],
                    _ocr_words("femme comprises.", 39, 391))
    reading = read_fields([_scan_page(words)], FORM)["policy.text"]
    assert reading.value == "Tenues et EPI disponibles dans toutes les tailles, coupes femme comprises."


def test_a_speck_beside_a_label_is_no_answer_column() -> None:
    """A speck read « ‘ » at the right end of the policy's question line: the policy is the
    paragraph below, not the blank right of the speck."""
    words = _policy([replace(_ocr_words("‘", 566, 365)[0], confidence=0.0)],
                    _ocr_words("Nos agents sont recrutés sur les mêmes critères, femmes et hommes.", 39, 380))
    reading = read_fields([_scan_page(words)], FORM)["policy.text"]
    assert reading.value == "Nos agents sont recrutés sur les mêmes critères, femmes et hommes."


def test_an_answer_after_a_speck_goes_on_on_its_next_line() -> None:
    """A receipt's answer wrapped in its column, a speck read « | » before it: the wrapped line
    starts under the answer's first word, not under the speck."""
    speck = replace(_ocr_words("|", 270, 170)[0], confidence=0.16)
    words = _ocr_words("Réf. consultation", 55, 170) + [speck]
    words += _ocr_words("2026-052 – Fourniture de papeterie et de petites fournitures", 285, 170)
    words += _ocr_words("de bureau", 285, 182) + _ocr_words("SIRET", 55, 200) + _ocr_words("676 624 885 00114", 285, 200)
    reading = read_fields([_scan_page(words)], FORM)["tender_ref"]
    assert reading.value == "2026-052 – Fourniture de papeterie et de petites fournitures de bureau"


def test_a_word_on_the_edge_of_two_zones_is_taken_once() -> None:
    words = _ocr_words("coupes femme comprises.", 143, 71)
    page = _scan_page(words)
    found = FieldReader([page], FORM)._answer_words([Zone(page, (120, 49, 595, 76)), Zone(page, (47, 70, 595, 86))],
                                                   excluded=set(), free_text=True)
    assert [w.text for _, w in found] == ["coupes", "femme", "comprises."]


def test_details_given_with_their_tick_unread_put_the_tick_in_review() -> None:
    record = Record(file="f.pdf", tender="t", form_id=FORM.id)
    record.readings = {key: Reading(key) for key in FORM.keys}
    record.readings["commitments.partnerships.done"] = Reading("commitments.partnerships.done", source=SOURCE_OCR)
    record.readings["commitments.partnerships.details"] = Reading(
        "commitments.partnerships.details", value="Convention avec une association.", source=SOURCE_OCR)
    record.findings = [Finding("commitments.partnerships.details", "warning", "Des détails sont donnés…")]
    _review_suspect_ocr(record, FORM)
    assert record.readings["commitments.partnerships.done"].doubt is not None



def test_a_dash_read_unsure_between_two_words_is_kept_and_doubtful() -> None:
    """« 2027-009 – Collecte »: Tesseract reads the lone dash at 42%; dropped as dust, the value
    would be silently wrong."""
    dash = Word("–", 328, 173, 333, 174, source=SOURCE_OCR, confidence=0.42)
    words = _ocr_words("Réf. consultation", 55, 170) + _ocr_words("2027-009", 285, 170) + [dash]
    words += _ocr_words("Collecte et transport", 336, 170) + _ocr_words("SIRET", 55, 200)
    reading = read_fields([_scan_page(words)], FORM)["tender_ref"]
    assert reading.value == "2027-009 – Collecte et transport" and reading.doubt is not None


def test_a_speck_on_a_label_s_line_is_no_text_left_over() -> None:
    """Dust read « ” » at 30% after the answer: dropped from the value, and no word the bidder
    wrote that the reader could not place (the field is not sent to review for it)."""
    speck = replace(_ocr_words("”", 520, 170)[0], confidence=0.3)
    words = _ocr_words("Référence de la consultation : 2026-058", 40, 170) + [speck]
    reading = read_fields([_scan_page(words)], FORM)["tender_ref"]
    assert (reading.value, reading.doubt) == ("2026-058", None)
