"""The field types of the questionnaire: one registry, every behaviour of a type.

A field's ``type`` (``[types]`` of the TOML) names one :class:`FieldType`
of :data:`TYPES`. Each says how text as read becomes a value (``parse``),
what makes a value impossible or doubtful (``check``), how a value reads in
a message (``show``), how it is written to a workbook cell (``cell``, and
``cell_text`` for what is typed back), what the officer may type in it
(``entry``), and whether it is a number (``numeric``: OCR may check a
digits-only reading) or ticked in boxes (``box``). Extraction, validation,
corrections, exports and workbooks ask this registry; none of them switches
on a type's name. A new type is a new entry here, nothing else.

Reading rules (SPEC.md): values that are of the type but impossible (150 %,
-3 people, a score of 120 or 85,5) are kept as read and reported by
``check``, never dropped by ``parse``. So is a SIRET written with digits
only: its value is its digits without spaces or dots, whatever their
number, and ``check`` reports "not 14 digits" (``siret_digits``) and "fails
its checksum" (``siret_checksum``) as two errors. Parse problems:

``non_answer``
    a written-out non-answer (« Sans objet », « - », « néant »): null, info.
``unreadable``
    the text is not a value of the type (« abc » for a percentage): null.
``several_genders``
    more than one gender given for one officer: null.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache, lru_cache
from typing import Any, Callable

from questionnaire.definition import FieldDef, Form
from questionnaire.record import Finding
from questionnaire.text import clean_text, fold, format_number, french_number, is_number, parse_number, quote

NON_ANSWER = "non_answer"
UNREADABLE = "unreadable"
SEVERAL_GENDERS = "several_genders"
PERCENT_FORMAT = "0.0%"
TEXT_FORMAT = "@"
EXCEL_CELL_LIMIT = 32_767


@dataclass(frozen=True)
class Normalised:
    value: Any  # typed value, or None
    problem: str | None = None  # None, or one of the codes above
    message: str | None = None  # French sentence for the officer when problem is set


BLANK = Normalised(None)


@dataclass(frozen=True)
class Entry:
    """What the officer may type in a cell of a field: a spreadsheet data
    validation of ``kind`` (``list``, ``whole``, ``decimal``, ``custom``,
    ``textLength``) with a French ``prompt``; ``{cell}`` in an option stands
    for the first cell it covers."""

    kind: str
    prompt: str
    options: dict[str, str] = field(default_factory=dict)


Parse = Callable[[FieldDef, str, Form], Normalised]
Check = Callable[[FieldDef, Any, Form], list[Finding]]


# ---------------------------------------------------------------------------
# Words compared as labels are


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


def _is_one_of(text: str, words: tuple[str, ...]) -> bool:
    key = _word_key(text)
    return bool(key) and key in _keys(words)


_BRACKETED_TAIL = re.compile(r"\s*\([^()]*\)\s*$")  # "Sans objet (moins de 50 salariés)": the reason given
_PERCENT_UNIT = re.compile(r"\s*(?:%|pour\s*cents?|pourcents?|p\.?\s*cent)\s*$", re.IGNORECASE)
_SCORE_UNIT = re.compile(r"\s*(?:(?:/|sur)\s*100\s*(?:e|ème|eme)?|points?|pts?)\s*$",
                         re.IGNORECASE)
_COUNT_SHARE = re.compile(r"^\s*(\d[\d\s\u00a0\u202f]*)\s*\(\s*(\d{1,3}(?:[.,]\d+)?)[\s\u00a0\u202f]*%?\s*\)?\s*$")
_SIRET_SEPARATORS = re.compile(r"[\s.\-/]")
_CHOICE_SEPARATORS = re.compile(r"[,;/+&]|\bet\b", re.IGNORECASE)


def _finding(key: str, severity: str, rule: str, message: str) -> Finding:
    return Finding(key=key, severity=severity, message=message, rule=rule)  # type: ignore[arg-type]


def _problem(field: FieldDef, raw: str, code: str, explanation: str) -> Normalised:
    return Normalised(None, code, f"« {field.label} » : {quote(raw)} {explanation}.")


def _params(field: FieldDef, form: Form) -> dict[str, Any]:
    """The type's parameters from the TOML's ``[types.<name>]``."""
    return form.types.get(field.type, {})


def choices_of(field: FieldDef, form: Form) -> tuple:
    """The options of a one-of field: its table's columns (the officers' genders)."""
    return form.tables[field.table].columns if field.table else form.choices[field.type]


# ---------------------------------------------------------------------------
# Parsers: text as read -> value


def _parse_text(field: FieldDef, raw: str, form: Form) -> Normalised:
    return Normalised(clean_text(raw) or None)


def _number(field: FieldDef, raw: str, text: str, expected: str) -> Normalised:
    number = parse_number(text)
    if number is None:
        return _problem(field, raw, UNREADABLE, f"n'est pas {expected}")
    return Normalised(number)


def _parse_count(field: FieldDef, raw: str, form: Form) -> Normalised:
    share = _COUNT_SHARE.match(raw)  # « 158 (50 %) »: the head count and its share of the row
    text = share.group(1) if share and float(share.group(2).replace(",", ".")) <= 100 else raw
    return _number(field, raw, text, "un effectif lisible (un nombre est attendu)")


def _parse_percentage(field: FieldDef, raw: str, form: Form) -> Normalised:
    text = _PERCENT_UNIT.sub("", raw)
    if not text.strip():  # only the printed unit: nothing written
        return BLANK
    return _number(field, raw, text, "un pourcentage lisible (un nombre est attendu)")


def _parse_score(field: FieldDef, raw: str, form: Form) -> Normalised:
    if _is_one_of(raw, form.index_not_computable):
        return Normalised(_params(field, form)["not_computable"])
    text = _SCORE_UNIT.sub("", raw)
    if not text.strip():
        return BLANK
    return _number(field, raw, text, "une note lisible (une note sur 100 ou « NC » est attendue)")


def _parse_bool(field: FieldDef, raw: str, form: Form) -> Normalised:
    if _is_one_of(raw, form.yes_words):
        return Normalised(True)
    if _is_one_of(raw, form.no_words):
        return Normalised(False)
    return _problem(field, raw, UNREADABLE, "n'est pas une réponse lisible (Oui ou Non est attendu)")


def _parse_one_of(field: FieldDef, raw: str, form: Form) -> Normalised:
    choices = choices_of(field, form)
    by_key = {_word_key(word): choice.id for choice in choices
              for word in (choice.id, choice.label, *choice.anchors)}
    whole = by_key.get(_word_key(raw))
    if whole is not None:
        return Normalised(whole)
    parts = {by_key.get(_word_key(part)) for part in _CHOICE_SEPARATORS.split(raw)}
    found = [] if None in parts else [c.id for c in choices if c.id in parts]
    if len(found) == 1:
        return Normalised(found[0])
    if len(found) > 1:
        labels = ", ".join(c.label for c in choices if c.id in found)
        return _problem(field, raw, SEVERAL_GENDERS,
                        f"indique plusieurs genres ({labels}) ; un seul est attendu")
    names = ", ".join(c.label.rstrip("*") for c in choices)
    return _problem(field, raw, UNREADABLE, f"ne correspond à aucun genre du formulaire ({names})")


def _parse_siret(field: FieldDef, raw: str, form: Form) -> Normalised:
    digits = _SIRET_SEPARATORS.sub("", raw)
    if not (digits.isascii() and digits.isdigit()):
        return _problem(field, raw, UNREADABLE,
                        f"n'est pas un numéro SIRET lisible ({_params(field, form)['digits']} chiffres attendus)")
    return Normalised(digits)


# ---------------------------------------------------------------------------
# Checks: a value of the type that is impossible or doubtful


def _no_check(field: FieldDef, value: Any, form: Form) -> list[Finding]:
    return []


def _not_a_number(field: FieldDef, value: Any) -> list[Finding]:
    return [_finding(field.key, "error", "type",
                     f"« {field.label} » : {quote(str(value))} n'est pas un nombre.")]


def _range(field: FieldDef, value: float, form: Form, rule: str, unit: str = "") -> list[Finding]:
    bounds = _params(field, form)
    low, high = bounds.get("min"), bounds.get("max")
    if low is not None and value < low:
        return [_finding(field.key, "error", rule,
                         f"« {field.label} » : {show(field, value, form)} est inférieur au minimum ({low}{unit}).")]
    if high is not None and value > high:
        return [_finding(field.key, "error", rule,
                         f"« {field.label} » : {show(field, value, form)} dépasse le maximum ({high}{unit}).")]
    return []


def _check_percentage(field: FieldDef, value: Any, form: Form) -> list[Finding]:
    if not is_number(value):
        return _not_a_number(field, value)
    return _range(field, value, form, "percentage_range", " %")


def _check_count(field: FieldDef, value: Any, form: Form) -> list[Finding]:
    if not is_number(value):
        return _not_a_number(field, value)
    if value < _params(field, form).get("min", 0):
        return [_finding(field.key, "error", "count_negative",
                         f"« {field.label} » : {show(field, value, form)} est négatif ; "
                         "un effectif ne peut pas l'être.")]
    if not float(value).is_integer():
        return [_finding(field.key, "warning", "count_decimal",
                         f"« {field.label} » : {show(field, value, form)} n'est pas un nombre entier de personnes "
                         "(équivalent temps plein ?) ; la valeur est gardée telle quelle.")]
    return []


def _check_score(field: FieldDef, value: Any, form: Form) -> list[Finding]:
    if value == _params(field, form).get("not_computable"):
        return []
    if not is_number(value):
        return _not_a_number(field, value)
    if not float(value).is_integer():
        return [_finding(field.key, "error", "score_integer",
                         f"« {field.label} » : {show(field, value, form)} n'est pas une "
                         "note entière ; l'index est noté en points entiers sur 100.")]
    return _range(field, value, form, "score_range")


def _check_text(field: FieldDef, value: Any, form: Form) -> list[Finding]:
    length = len(unicodedata.normalize("NFC", str(value)))
    if field.max_length is None or length <= field.max_length:
        return []
    return [_finding(field.key, "error", "text_length",
                     f"« {field.label} » compte {length} caractères, au-delà de la limite de "
                     f"{field.max_length} ({quote(str(value))}).")]


def _check_siret(field: FieldDef, value: Any, form: Form) -> list[Finding]:
    digits, expected = str(value), _params(field, form)["digits"]
    if not (digits.isascii() and digits.isdigit() and len(digits) == expected):
        return [_finding(field.key, "error", "siret_digits",
                         f"« {field.label} » : {quote(digits)} compte {len(digits)} chiffres "
                         f"au lieu de {expected}.")]
    if not siret_checksum_ok(digits):
        return [_finding(field.key, "error", "siret_checksum",
                         f"« {field.label} » : {quote(digits)} ne respecte pas la clé de contrôle "
                         "d'un SIRET (un chiffre est sans doute mal recopié).")]
    return []


# La Poste: all its establishments share one SIREN; their SIRETs (except the
# head office's) have digits summing to a multiple of 5 instead of the Luhn key.
_LA_POSTE_SIREN = "356000000"
_LA_POSTE_HEAD_OFFICE = "35600000000048"


def luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        doubled = int(char) * (2 if position % 2 else 1)
        total += doubled - 9 if doubled > 9 else doubled
    return total % 10 == 0


@lru_cache(maxsize=65536)  # the territory's figures ask for each structure in every group
def siret_checksum_ok(siret: str) -> bool:
    """The SIREN (first 9 digits) and the whole SIRET pass their Luhn key
    (with La Poste's exception)."""
    if siret.startswith(_LA_POSTE_SIREN) and siret != _LA_POSTE_HEAD_OFFICE:
        return sum(map(int, siret)) % 5 == 0
    return luhn_ok(siret[:9]) and luhn_ok(siret)


# ---------------------------------------------------------------------------
# Showing: in a message, in a cell


def _show_plain(field: FieldDef, value: Any, form: Form) -> str:
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if is_number(value):
        return format_number(value)
    return quote(str(value))


def _show_percentage(field: FieldDef, value: Any, form: Form) -> str:
    return format_number(value) + " %" if is_number(value) else _show_plain(field, value, form)


def _show_one_of(field: FieldDef, value: Any, form: Form) -> str:
    return next((c.label.rstrip("*") for c in choices_of(field, form) if c.id == value), str(value))


def _cell_plain(field: FieldDef, value: Any, form: Form) -> tuple[Any, str | None]:
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        return value, None
    return str(value), None


def _cell_bool(field: FieldDef, value: Any, form: Form) -> tuple[Any, str | None]:
    return ("Oui" if value else "Non"), None


def _cell_percentage(field: FieldDef, value: Any, form: Form) -> tuple[Any, str | None]:
    """Percentages (0–100 in records) become fractions formatted as percentages."""
    return (value / 100, PERCENT_FORMAT) if is_number(value) else _cell_plain(field, value, form)


def _cell_one_of(field: FieldDef, value: Any, form: Form) -> tuple[Any, str | None]:
    return _show_one_of(field, value, form), None


def _group_siret(value: Any) -> str | None:
    """A SIRET grouped as INSEE prints it (« 777 511 692 00058 »); None when it is not 14 digits."""
    if not (isinstance(value, str) and value.isdigit() and len(value) == 14):
        return None
    return f"{value[:3]} {value[3:6]} {value[6:9]} {value[9:]}"


def cell_text(value: Any, number_format: str | None) -> str | None:
    """What the officer typed in a cell, as text for ``parse``.

    Numbers come back in French notation; a number in a percentage cell is
    the fraction Excel stores, turned back into a share out of 100.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, (int, float)):
        if number_format and "%" in number_format:
            value = round(value * 100, 10)
        return french_number(value)
    if isinstance(value, (date, datetime)):
        return value.strftime("%d/%m/%Y")
    return str(value)


# ---------------------------------------------------------------------------
# What the officer may type


def _entry_text(field: FieldDef, form: Form) -> Entry:
    limit = field.max_length or EXCEL_CELL_LIMIT
    return Entry("textLength", f"Texte libre ({limit} caractères au plus).",
                 {"operator": "lessThanOrEqual", "formula1": str(limit), "errorStyle": "warning"})


def _entry_bool(field: FieldDef, form: Form) -> Entry:
    return Entry("list", "Choisissez Oui ou Non.", {"formula1": '"Oui,Non"'})


def _entry_one_of(field: FieldDef, form: Form) -> Entry:
    labels = ",".join(c.label.rstrip("*") for c in choices_of(field, form))
    return Entry("list", "Choisissez dans la liste.", {"formula1": f'"{labels}"'})


def _entry_count(field: FieldDef, form: Form) -> Entry:
    low = _params(field, form).get("min", 0)
    return Entry("whole", f"Un nombre entier, {low} ou plus.",
                 {"operator": "greaterThanOrEqual", "formula1": str(low)})


def _entry_percentage(field: FieldDef, form: Form) -> Entry:
    bounds = _params(field, form)
    low, high = bounds.get("min"), bounds.get("max")
    return Entry("decimal", f"Un pourcentage de {low} à {high} : tapez 40 pour 40 %.",
                 {"operator": "between", "formula1": str(low), "formula2": str(high)})


def _entry_score(field: FieldDef, form: Form) -> Entry:
    bounds = _params(field, form)
    low, high, nc = bounds.get("min"), bounds.get("max"), bounds.get("not_computable", "NC")
    return Entry("custom", f"Une note de {low} à {high}, ou {nc} (non calculable).",
                 {"formula1": f'OR(AND(ISNUMBER({{cell}}),{{cell}}>={low},{{cell}}<={high}),{{cell}}="{nc}")'})


def _entry_siret(field: FieldDef, form: Form) -> Entry:
    digits = _params(field, form)["digits"]
    return Entry("textLength", f"Les {digits} chiffres du SIRET.",
                 {"operator": "between", "formula1": str(digits), "formula2": str(digits + 3),
                  "errorStyle": "warning"})


# ---------------------------------------------------------------------------
# The registry


@dataclass(frozen=True)
class FieldType:
    """Everything a field's type decides (see the module's docstring)."""

    name: str
    parse: Parse
    entry: Callable[[FieldDef, Form], Entry]
    check: Check = _no_check
    show: Callable[[FieldDef, Any, Form], str] = _show_plain
    cell: Callable[[FieldDef, Any, Form], tuple[Any, str | None]] = _cell_plain
    numeric: bool = False  # a number: OCR may check a digits-only reading; a figure may be computed
    box: bool = False  # answered by ticking boxes (Oui/Non, one of several), not by writing
    yes_no: bool = False  # one box alone says yes when ticked, no when not
    identifier: bool = False  # names the structure (never a figure)
    free_text: bool = False  # sentences: a wide column, wrapped
    share: bool = False  # a percentage: figures average it as a share
    typed_format: str | None = None  # the number format of a cell the officer types in
    grouped: Callable[[Any], str | None] | None = None  # the value as printed in exports, when it is grouped


TYPES: dict[str, FieldType] = {t.name: t for t in (
    FieldType("text", _parse_text, _entry_text, check=_check_text, typed_format=TEXT_FORMAT, free_text=True),
    FieldType("siret", _parse_siret, _entry_siret, check=_check_siret, numeric=True, identifier=True,
              typed_format=TEXT_FORMAT, grouped=_group_siret),
    FieldType("count", _parse_count, _entry_count, check=_check_count, numeric=True),
    FieldType("percentage", _parse_percentage, _entry_percentage, check=_check_percentage,
              show=_show_percentage, cell=_cell_percentage, numeric=True, share=True),
    FieldType("signed_percentage", _parse_percentage, _entry_percentage, check=_check_percentage,
              show=_show_percentage, cell=_cell_percentage, numeric=True, share=True),  # a pay gap: -3,5 %
    FieldType("score", _parse_score, _entry_score, check=_check_score, numeric=True),
    FieldType("bool", _parse_bool, _entry_bool, cell=_cell_bool, box=True, yes_no=True),
    FieldType("gender", _parse_one_of, _entry_one_of, show=_show_one_of, cell=_cell_one_of, box=True),
)}


def type_of(field: FieldDef) -> FieldType:
    """The registered type of ``field`` (the definition checks every type is registered when it loads)."""
    return TYPES[field.type]


def normalise(field: FieldDef, raw: str | None, form: Form) -> Normalised:
    """The value of ``field`` written as ``raw``, per the field's type.

    Blank text is null without a problem (not answered); a written-out
    non-answer (``form.non_answers``) is null with the ``non_answer`` problem
    whatever the type.
    """
    if raw is None or not raw.strip():
        return BLANK
    bare = _BRACKETED_TAIL.sub("", raw) if "(" in raw else raw  # without a reason given in brackets
    if _is_one_of(raw, form.non_answers) or (bare != raw and _is_one_of(bare, form.non_answers)):
        return _problem(field, raw, NON_ANSWER, "est une non-réponse écrite ; le champ reste vide")
    return type_of(field).parse(field, raw, form)


def check(field: FieldDef, value: Any, form: Form) -> list[Finding]:
    """What is impossible or doubtful in ``value``, a value of ``field``'s type."""
    return type_of(field).check(field, value, form)


def show(field: FieldDef, value: Any, form: Form) -> str:
    """A value as the officer reads it in a message (« 40 % », « Oui », « Femme »)."""
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    return type_of(field).show(field, value, form)


def answer_cell(field: FieldDef, value: Any, form: Form) -> tuple[Any, str | None]:
    """The cell value and number format showing ``value`` of ``field``, as on the form."""
    return (None, None) if value is None else type_of(field).cell(field, value, form)
