"""Findings from a record: what the officer must be told (SPEC.md, "Validation").

Two families of checks, both driven by the form's definition:

* type checks, per field, by its type (:mod:`questionnaire.types`), from
  ``[types]`` and the field's own constraints (``max_length``): impossible
  values are errors, decimal head counts a warning, written-out non-answers
  an info; text that could not be read as its type is an error that quotes
  it (the reason comes from :func:`questionnaire.types.normalise`);
* rules across fields, one function per ``kind`` of the TOML ``[[rules]]``
  (see :data:`RULES`), with the rule's own parameters and severity.

Validation is pure: it returns findings and never changes the record.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Callable

from analyse.staff import staff_count
from questionnaire.definition import FieldDef, Form, Rule
from questionnaire.record import SOURCE_OCR, Finding, Record
from questionnaire.text import fold, format_number, is_number as _is_number, quote
from questionnaire.types import NON_ANSWER, UNREADABLE, Normalised, check, normalise, show


@dataclass(frozen=True)
class _Context:
    """What every check reads: the form, the record and its values."""

    form: Form
    record: Record
    values: dict[str, Any]
    unread: dict[str, Normalised]  # readings with text but no value: why, per key
    errors: frozenset[str] = frozenset()  # keys whose value is impossible (an error of its type)

    @property
    def unknown(self) -> frozenset[str]:
        """Keys whose text is not a value: left out of sums and counts."""
        return frozenset(k for k, n in self.unread.items() if n.problem not in (None, NON_ANSWER))

    def label(self, key: str) -> str:
        return self.form.field(key).label

    def show(self, key: str) -> str:
        return show(self.form.field(key), self.values[key], self.form)


def validate(record: Record, form: Form | None = None) -> list[Finding]:
    """Every finding on ``record`` (none for a rejected record), fields in
    the order of the form, then the rules in the order of the TOML."""
    form = form or record.form
    if record.rejected:
        return []
    known = set(form.keys)
    unread = {key: normalise(form.field(key), reading.raw, form)
              for key, reading in record.readings.items()
              if key in known and reading.value is None and reading.raw}
    context = _Context(form, record, record.fields(form), unread)
    findings = [finding for field in form.fields for finding in _field_findings(field, context)]
    context = replace(context, errors=frozenset(f.key for f in findings if f.severity == "error"))
    for rule in form.rules:  # every kind has its check: the definition is checked when it loads
        findings.extend(RULES[rule.kind](rule, context))
    return findings


def _field_findings(field: FieldDef, context: _Context) -> list[Finding]:
    if field.key in context.unread:
        return _unread_findings(field.key, context.unread[field.key], context)
    value = context.values[field.key]
    if value is None:
        return []
    return check(field, value, context.form)


def _finding(key: str, severity: str, rule: str, message: str) -> Finding:
    return Finding(key=key, severity=severity, message=message, rule=rule)  # type: ignore[arg-type]


def _unread_findings(key: str, result: Normalised, context: _Context) -> list[Finding]:
    """Text as read that gave no value: a non-answer (info) or unreadable (error).

    An OCR reading with a doubt is already listed for review: its text being
    unreadable may be the OCR's misreading, not what the bidder wrote, and
    needs no finding besides. Text from the file itself is the bidder's: an
    error, and in review too (a person reads what was meant).
    """
    if result.problem is None:
        return []
    if result.problem == NON_ANSWER:
        return [_finding(key, "info", NON_ANSWER, result.message)]
    reading = context.record.readings[key]
    if result.problem == UNREADABLE and reading.doubt and reading.source == SOURCE_OCR:
        return []
    return [_finding(key, "error", result.problem, result.message)]


# ---------------------------------------------------------------------------
# Rules across fields: one function per kind


def _table_sums(rule: Rule, context: _Context) -> list[Finding]:
    """Each row adds up to its total column, each column to the total row.

    A blank cell of a row that has other values counts as 0; a row left
    wholly blank is not answered, so its row is not checked and the columns
    it would add to cannot be. A sum is checked when its total and at least
    one of its parts are written (and none of them is unreadable text).
    """
    table = context.form.tables[rule.params["table"]]
    cells, values = table.row_keys, context.values
    columns = [c.id for c in table.columns]
    answered = [r for r, keys in cells.items() if any(values[key] is not None for key in keys)]
    lines = [("ligne", table.key(r, table.sum_column),
              [key for c, key in zip(columns, cells[r]) if c != table.sum_column]) for r in answered]
    if all(r in answered for r in cells if r != table.sum_row):
        lines += [("colonne", table.key(table.sum_row, c),
                   [keys[rank] for r, keys in cells.items() if r != table.sum_row]) for rank, c in enumerate(columns)]
    return [finding for line, total, parts in lines
            for finding in _sum_finding(line, total, parts, rule, context)]


def _sum_finding(line: str, total_key: str, part_keys: list[str], rule: Rule,
                 context: _Context) -> list[Finding]:
    total = context.values[total_key]
    parts = [context.values[key] for key in part_keys]
    if (total is None or all(p is None for p in parts)
            or context.unknown.intersection([total_key, *part_keys])
            or not all(_is_number(v) for v in [total, *parts] if v is not None)):
        return []
    expected = sum(p for p in parts if p is not None)
    if math.isclose(expected, total, abs_tol=1e-6):
        return []
    detail = " + ".join(format_number(p or 0) for p in parts)
    return [_finding(total_key, rule.severity, rule.id,
                     f"« {context.label(total_key)} » : le total écrit est {format_number(total)}, "
                     f"mais la somme des cellules de sa {line} donne {format_number(expected)} ({detail}).")]


def _given_while_false(rule: Rule, context: _Context) -> list[Finding]:
    """A value given while the answer it depends on is "Non"."""
    key, condition = rule.params["key"], rule.params["condition"]
    if context.values[condition] is not False or context.values[key] is None:
        return []
    return [_finding(key, rule.severity, rule.id,
                     f"« {context.label(key)} » est renseigné ({context.show(key)}) alors que "
                     f"« {context.label(condition)} » a pour réponse {context.show(condition)}.")]


def _head_count(count_key: str, context: _Context) -> int | float | None:
    """The head count declared (:func:`analyse.staff.staff_count`), impossible values left out."""
    values = {key: value for key, value in context.values.items() if key not in context.errors}
    field = context.form.field(count_key)
    if field.table is None:
        return values[count_key] if _is_number(values[count_key]) else None
    return staff_count(values, context.form.tables[field.table], field.row, field.column)


def _required_from(rule: Rule, context: _Context) -> list[Finding]:
    """A field left empty while the head count reaches the threshold (the
    index is due from 50 employees, though the form says "plus de 50")."""
    key, threshold = rule.params["key"], rule.params["threshold"]
    if context.values[key] is not None or key in context.unknown:
        return []
    count = _head_count(rule.params["count"], context)
    if count is None or count < threshold:
        return []
    return [_finding(key, rule.severity, rule.id,
                     f"« {context.label(key)} » n'est pas renseigné alors que la structure déclare "
                     f"{format_number(count)} personnes dans ses effectifs (obligatoire à partir "
                     f"de {threshold}).")]


def _commitment_details(rule: Rule, context: _Context) -> list[Finding]:
    """A commitment ticked without details, or details without the tick."""
    details_label = context.form.document.get("commitment_details_label", "Si oui, détailler")
    findings = []
    for commitment in context.form.commitments:
        done = context.values[commitment.done_key]
        details = context.values[commitment.details_key]
        if done is True and details is None and commitment.details_key not in context.unknown:
            findings.append(_finding(
                commitment.details_key, rule.severity, rule.id,
                f"La case « {commitment.label} » est cochée mais « {details_label} » est vide."))
        elif done is not True and details is not None:
            findings.append(_finding(
                commitment.details_key, rule.severity, rule.id,
                f"Des détails sont donnés ({context.show(commitment.details_key)}) mais la case "
                f"« {commitment.label} » n'est pas cochée."))
    return findings


def _reaches(rule: Rule, context: _Context) -> list[Finding]:
    """A number whose size (sign aside) reaches a threshold the form names, with the form's own sentence
    (a pay gap of 5 % or more calls for a joint pay assessment)."""
    key, threshold = rule.params["key"], rule.params["threshold"]
    value = context.values[key]
    if not _is_number(value) or key in context.errors or abs(value) < threshold:
        return []
    return [_finding(key, rule.severity, rule.id,
                     f"« {context.label(key)} » : {context.show(key)} {rule.params['message']}")]


def _tender_ref(rule: Rule, context: _Context) -> list[Finding]:
    """The reference written on the form does not match the record's tender."""
    key, tender = rule.params["key"], context.record.tender
    written = context.values[key]
    if not written or not tender or references_match(str(written), tender):
        return []
    return [_finding(key, rule.severity, rule.id,
                     f"« {context.label(key)} » : {context.show(key)} ne correspond pas à la "
                     f"consultation du dossier {quote(tender)}.")]


CODE_MIN_DIGITS = 4  # a reference number has this many figures at least (« 2026-041 »; « lot 3 » is none)
CODE_PREFIX_MAX = 5  # letters of a buyer's prefix before the number (« VM », « UPHF »)
REFERENCE_WORDS = frozenset({"n", "no", "num", "ref", "reference", "ao", "aapc", "mapa", "dce", "lot", "marche",
                             "consultation", "procedure", "appel", "offre", "offres"})  # folded words around a number


def _reference_tokens(text: str) -> list[str]:
    return [token for token in map(fold, re.split(r"[\W_]+", text)) if token]


@lru_cache(maxsize=1024)
def references_match(written: str, tender: str) -> bool:
    """Whether one reference contains the other, ignoring case, accents,
    spaces and punctuation, at word boundaries: « VM 2026-014 » matches the
    folder « VM-2026-014 espaces verts », « VM-2026-0145 » does not; or
    whether both carry the same reference number (:func:`_codes`): « 2026-041 –
    Maintenance des ascenseurs » matches the folder « 2026-041-maintenance-ascenseurs ».

    Kept for the pairs last asked: the bidders of one consultation mostly write its reference alike."""
    a, b = _reference_tokens(written), _reference_tokens(tender)
    if not (a and b):
        return False
    return (_contains(b, "".join(a)) or _contains(a, "".join(b))
            or any(_same_code(one, other) for one in _codes(a) for other in _codes(b)))


def _codes(tokens: list[str]) -> list[tuple[str | None, str]]:
    """The reference numbers among a reference's tokens: each run of tokens
    holding figures, with at least :data:`CODE_MIN_DIGITS` of them (a number,
    not a lot), and the short word of letters before it if it is a buyer's
    prefix (« VM »), not a word every reference uses (« n° », « AO »)."""
    codes = []
    for start, end in _figure_runs(tokens):
        run = "".join(tokens[start:end])
        if sum(c.isdigit() for c in run) < CODE_MIN_DIGITS:
            continue
        before = tokens[start - 1] if start else ""
        prefix = before if before.isalpha() and len(before) <= CODE_PREFIX_MAX and before not in REFERENCE_WORDS else None
        codes.append((prefix, run))
    return codes


def _figure_runs(tokens: list[str]) -> list[tuple[int, int]]:
    runs, start = [], None
    for i, token in enumerate([*tokens, ""]):
        if any(c.isdigit() for c in token):
            start = i if start is None else start
        elif start is not None:
            runs.append((start, i))
            start = None
    return runs


def _same_code(one: tuple[str | None, str], other: tuple[str | None, str]) -> bool:
    """Same number, and the same prefix where both name one (« CHV-2026-014 » is not « VM-2026-014 »)."""
    return one[1] == other[1] and (one[0] is None or other[0] is None or one[0] == other[0])


def _contains(tokens: list[str], compact: str) -> bool:
    """Whether some run of consecutive ``tokens`` spells ``compact``."""
    return any("".join(tokens[i:j]) == compact
               for i in range(len(tokens)) for j in range(i + 1, len(tokens) + 1))


RULES: dict[str, Callable[[Rule, _Context], list[Finding]]] = {
    "table_sums": _table_sums,
    "given_while_false": _given_while_false,
    "required_from": _required_from,
    "commitment_details": _commitment_details,
    "tender_ref": _tender_ref,
    "reaches": _reaches,
}
