"""Text as read → a value of the field's type (SPEC.md, "Reading rules").

Every reader (form widgets, page text, annotations, OCR) hands the text it
found for a field to :func:`normalise`, which returns the typed value, or
null with a problem code and a French sentence for the officer. The problem
codes are also the ``rule`` of the findings validation makes from them:

``non_answer``
    a written-out non-answer (« Sans objet », « - », « néant »): null, info.
``unreadable``
    the text is not a value of the type (« abc » for a percentage): null.
``several_genders``
    more than one gender given for one officer: null.

Values that are of the type but impossible (150 %, -3 people, a score of
120 or 85,5) are kept as read: validation reports them, never this module.
So is a SIRET written with digits only: its value is its digits without
spaces or dots, whatever their number, and validation reports "not 14
digits" (``siret_digits``) and "fails its checksum" (``siret_checksum``) as
two distinct errors. Keeping the 13 digits of a SIRET missing one shows the
officer what to fix; a SIRET with letters is ``unreadable`` (null).
Words are compared with :func:`extract.labels.fold` (case, accents, spaces and
punctuation ignored).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any, Callable

from extract.labels import fold
from questionnaire.definition import FieldDef, Form

NON_ANSWER = "non_answer"
UNREADABLE = "unreadable"
SEVERAL_GENDERS = "several_genders"

QUOTE_LIMIT = 80  # characters of the text as read quoted in a message


@dataclass(frozen=True)
class Normalised:
    value: Any  # typed value, or None
    problem: str | None = None  # None, or one of the codes above
    message: str | None = None  # French sentence for the officer when problem is set


BLANK = Normalised(None)


def clean_text(text: str) -> str:
    """Unicode NFC, every run of white space (line breaks, tabs, no-break
    spaces) folded to one space, stripped; nothing else changed."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def quote(text: str) -> str:
    """Text as read, cleaned and shortened, between French quotes."""
    text = clean_text(text)
    if len(text) > QUOTE_LIMIT:
        text = text[:QUOTE_LIMIT - 1].rstrip() + "…"
    return f"« {text} »"


def format_number(number: int | float) -> str:
    """A number as a French reader writes it: « 12,5 », « -3 », « 40 »."""
    if isinstance(number, float) and not number.is_integer():
        return f"{number:f}".rstrip("0").replace(".", ",")
    return str(int(number))


def _word_key(text: str) -> str:
    """Whole-answer comparison key, folded as labels are: « Non-binaire » =
    « Non binaire », « N/A » = « NA ». Text made only of dashes, slashes and
    the like keeps its symbols, dashes unified and repeats collapsed:
    « — » = « -- » = « - »."""
    folded = fold(text)
    if folded:
        return folded
    symbols = "".join("-" if unicodedata.category(ch) == "Pd" else ch
                      for ch in text if not ch.isspace())
    return re.sub(r"(.)\1+", r"\1", symbols)


@cache
def _keys(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_word_key(word) for word in words)


_BRACKETED_TAIL = re.compile(r"\s*\([^()]*\)\s*$")  # "Sans objet (moins de 50 salariés)": the reason given


def _is_one_of(text: str, words: tuple[str, ...]) -> bool:
    key = _word_key(text)
    return bool(key) and key in _keys(words)


# Numbers: digits grouped by spaces of any kind or apostrophes (« 1 250 »),
# a decimal comma or point, an optional sign (hyphen or Unicode minus).
_NUMBER = re.compile(r"([+\-−])?\s*([0-9]{1,3}(?:[\s'’][0-9]{3})+|[0-9]+)(?:[,.]([0-9]+))?")
_PERCENT_UNIT = re.compile(r"\s*(?:%|pour\s*cents?|pourcents?|p\.?\s*cent)\s*$", re.IGNORECASE)
_SCORE_UNIT = re.compile(r"\s*(?:(?:/|sur)\s*100\s*(?:e|ème|eme)?|points?|pts?)\s*$",
                         re.IGNORECASE)
_SIRET_SEPARATORS = re.compile(r"[\s.\-/]")
_GENDER_SEPARATORS = re.compile(r"[,;/+&]|\bet\b", re.IGNORECASE)


def parse_number(text: str) -> int | float | None:
    """A French number (« 1 250 », « 12,5 », « -3 ») as int when whole,
    float otherwise; None when the text is not one number."""
    match = _NUMBER.fullmatch(text.strip())
    if match is None:
        return None
    sign, whole, fraction = match.groups()
    digits = re.sub(r"[\s'’]", "", whole) + (f".{fraction}" if fraction else "")
    number = Decimal(digits) * (-1 if sign in ("-", "−") else 1)
    return int(number) if number == number.to_integral_value() else float(number)


def _problem(field: FieldDef, raw: str, code: str, explanation: str) -> Normalised:
    return Normalised(None, code, f"« {field.label} » : {quote(raw)} {explanation}.")


def _number_or_unreadable(field: FieldDef, raw: str, text: str, expected: str) -> Normalised:
    number = parse_number(text)
    if number is None:
        return _problem(field, raw, UNREADABLE, f"n'est pas {expected}")
    return Normalised(number)


def _text(field: FieldDef, raw: str, form: Form) -> Normalised:
    return Normalised(clean_text(raw) or None)


def _count(field: FieldDef, raw: str, form: Form) -> Normalised:
    return _number_or_unreadable(field, raw, raw, "un effectif lisible (un nombre est attendu)")


def _percentage(field: FieldDef, raw: str, form: Form) -> Normalised:
    text = _PERCENT_UNIT.sub("", raw)
    if not text.strip():  # only the printed unit: nothing written
        return BLANK
    return _number_or_unreadable(field, raw, text, "un pourcentage lisible (un nombre est attendu)")


def _score(field: FieldDef, raw: str, form: Form) -> Normalised:
    if _is_one_of(raw, form.index_not_computable):
        return Normalised(form.types["score"]["not_computable"])
    text = _SCORE_UNIT.sub("", raw)
    if not text.strip():
        return BLANK
    return _number_or_unreadable(field, raw, text,
                                 "une note lisible (une note sur 100 ou « NC » est attendue)")


def _bool(field: FieldDef, raw: str, form: Form) -> Normalised:
    if _is_one_of(raw, form.yes_words):
        return Normalised(True)
    if _is_one_of(raw, form.no_words):
        return Normalised(False)
    return _problem(field, raw, UNREADABLE, "n'est pas une réponse lisible (Oui ou Non est attendu)")


def _gender(field: FieldDef, raw: str, form: Form) -> Normalised:
    choices = form.choices["gender"]
    by_key = {_word_key(word): choice.id for choice in choices
              for word in (choice.id, choice.label, *choice.anchors)}
    whole = by_key.get(_word_key(raw))
    if whole is not None:
        return Normalised(whole)
    parts = {by_key.get(_word_key(part)) for part in _GENDER_SEPARATORS.split(raw)}
    found = [] if None in parts else [c.id for c in choices if c.id in parts]
    if len(found) == 1:
        return Normalised(found[0])
    if len(found) > 1:
        labels = ", ".join(c.label for c in choices if c.id in found)
        return _problem(field, raw, SEVERAL_GENDERS,
                        f"indique plusieurs genres ({labels}) ; un seul est attendu")
    names = ", ".join(c.label for c in choices)
    return _problem(field, raw, UNREADABLE, f"ne correspond à aucun genre du formulaire ({names})")


def _siret(field: FieldDef, raw: str, form: Form) -> Normalised:
    digits = _SIRET_SEPARATORS.sub("", raw)
    if not (digits.isascii() and digits.isdigit()):
        expected = form.types["siret"]["digits"]
        return _problem(field, raw, UNREADABLE,
                        f"n'est pas un numéro SIRET lisible ({expected} chiffres attendus)")
    return Normalised(digits)


_BY_TYPE: dict[str, Callable[[FieldDef, str, Form], Normalised]] = {
    "text": _text,
    "count": _count,
    "percentage": _percentage,
    "score": _score,
    "bool": _bool,
    "gender": _gender,
    "siret": _siret,
}


def normalise(field: FieldDef, raw: str | None, form: Form) -> Normalised:
    """The value of ``field`` written as ``raw``, per the field's type.

    Blank text is null without a problem (not answered); a written-out
    non-answer (``form.non_answers``) is null with the ``non_answer`` problem
    whatever the type.
    """
    if raw is None or not raw.strip():
        return BLANK
    if _is_one_of(raw, form.non_answers) or _is_one_of(_BRACKETED_TAIL.sub("", raw), form.non_answers):
        return _problem(field, raw, NON_ANSWER, "est une non-réponse écrite ; le champ reste vide")
    return _BY_TYPE[field.type](field, raw, form)
