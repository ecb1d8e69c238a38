"""Indicators over a set of answers, each with the number of structures behind it.

Every figure is a :class:`Measure`: its value and its ``base``, the number of
structures it is built on, so that publication mode can hide any figure built
on fewer than :data:`MIN_STRUCTURES` structures or dominated by one structure
(French statistical secrecy, :mod:`analyse.secrecy`). For a share or a mean
the base is the number of structures that answered; for a count it is the
count itself (a count of 0 reveals nobody).

A value with an error finding (an index of 120, a negative head count) is
left out of every figure, and the figure says how many were left out
(``excluded``). A structure is identified by its valid SIRET (its SIREN
territory-wide), else by its name, else it is not identified and counts in
no figure; it answers once per consultation (the officer's choice, else its
latest file) and once in the territory (its latest consultation).
Shares are fractions (0–1); records hold percentages as 0–100.
"""
from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass
from statistics import fmean
from typing import Any, Callable, Iterable, Mapping, Sequence

from analyse.staff import is_number, staff_count
from questionnaire.definition import FieldDef, Form, Table, load
from questionnaire.record import Record
from questionnaire.text import fold
from questionnaire.types import siret_checksum_ok, type_of

MIN_STRUCTURES = 3
DOMINANCE = 0.85  # one structure weighing more than this share of a total makes it secret
INDEX_OBLIGATION = 50  # employees: the legal threshold (the form says "plus de 50")
SCORE_THRESHOLDS = (75, 85)  # below 75: corrective measures; below 85: progress targets
NOT_COMPUTABLE = "NC"
UNIDENTIFIED = "structure non identifiée"
LEGAL_FORMS = frozenset({"sa", "sas", "sasu", "sarl", "eurl", "scop", "sci", "snc", "selarl", "association"})
LATEST_RULE = ("la réponse retenue par défaut est celle du fichier reçu en dernier (date de la première "
               "exécution qui l'a lu ; à date égale, le dernier par ordre alphabétique du nom de fichier)")

Fields = dict[str, Any]
Choices = Mapping[tuple[str, str], str]  # (tender, structure key) -> file the officer retained


@dataclass(frozen=True)
class Measure:
    value: float | int | None
    base: int
    kind: str = "share"  # share (fraction) | count | mean | score
    excluded: int = 0  # values left out for an error
    dominance: float = 0.0  # the largest share one structure has of the total behind the figure
    masked: bool = False  # hidden to protect another secret figure (secondary secrecy)

    @property
    def secret(self) -> bool:
        """Built on 1 or 2 structures, or dominated by one: hidden when publishing."""
        return 0 < self.base < MIN_STRUCTURES or self.dominance > DOMINANCE


@dataclass(frozen=True)
class Indicator:
    label: str
    measure: Measure


def excluded_note(n: int) -> str:
    """« 1 valeur exclue (erreur) », or nothing."""
    if not n:
        return ""
    return f"{n} valeur exclue (erreur)" if n == 1 else f"{n} valeurs exclues (erreur)"


def answered(records: Iterable[Record]) -> list[Record]:
    return [record for record in records if not record.rejected]


# ---------------------------------------------------------------------------
# Which structure answered, and which answer counts.

def name_key(name: Any) -> str | None:
    """A name without case, accents, punctuation or legal form (« SAS Verdure Services » = « Verdure services »)."""
    return _name_key(str(name or ""))


@functools.lru_cache(maxsize=65536)  # the territory's figures ask for each structure in every group
def _name_key(name: str) -> str | None:
    words = [fold(word) for word in re.split(r"[\W_]+", name)]
    words = [word for word in words if word and word not in LEGAL_FORMS]
    return " ".join(words) or None


def _identifiers(record: Record) -> tuple[str | None, str | None]:
    """The valid SIRET and the normalised name the record can be known by (:func:`_territory_wide`:
    by SIREN).

    A name still to be checked (a doubtful reading) identifies nobody.
    """
    siret_key, name_field = _identity_keys(record.form_id or record.form.id)  # the form itself: a look-up
    siret = field_value(record, siret_key)
    number = None
    if isinstance(siret, str) and len(siret) == 14 and siret.isdigit() and siret_checksum_ok(siret):
        number = siret
    name_reading = None if record.rejected or name_field is None else record.readings.get(name_field)
    name = None if name_reading is None or name_reading.doubt else name_key(name_reading.value)
    return number, name


def _territory_wide(found: list[tuple[str | None, str | None]]) -> list[tuple[str | None, str | None]]:
    """The records' (SIRET, name) :func:`_identifiers` as the territory knows them: a company's
    establishments are one structure, by SIREN (the SIRET's first nine digits)."""
    return [(number[:9] if number else None, name) for number, name in found]


@functools.cache
def _identity_keys(form_id: str | None) -> tuple[str | None, str | None]:
    """The keys of a form's SIRET and structure name (asked for each record in every group)."""
    form = load(form_id)
    return form.key_of("siret"), form.key_of("structure_name")


def field_value(record: Record, key: str | None) -> Any:
    """``record.fields()[key]`` without making the whole dict (of every field of the form)."""
    reading = None if record.rejected or key is None else record.readings.get(key)
    return reading.value if reading else None


def structure_keys(records: Sequence[Record], *, territory: bool = False) -> list[str | None]:
    """Each record's structure: its number, else its name's number when that name has one number
    elsewhere in ``records`` (a misread SIRET), else its name; None when not identified."""
    found = [_identifiers(record) for record in records]
    return _keys(_territory_wide(found) if territory else found)


def _keys(found: list[tuple[str | None, str | None]]) -> list[str | None]:
    """:func:`structure_keys` of the records' (number, name) ``found``."""
    numbers: dict[str, set[str]] = defaultdict(set)
    for number, name in found:
        if number and name:
            numbers[name].add(number)
    keys: list[str | None] = []
    for number, name in found:
        if number is None and name and len(numbers[name]) == 1:
            number = next(iter(numbers[name]))
        keys.append(f"numero:{number}" if number else f"nom:{name}" if name else None)
    return keys


def answer_groups(records: Sequence[Record], keys: list[str | None] | None = None
                  ) -> dict[tuple[str, str], list[Record]]:
    """The answers of each identified structure to each tender (records in the order given); ``keys``: the
    :func:`structure_keys` of the records answered, when the caller has them."""
    answers = answered(records)
    groups: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for record, key in zip(answers, structure_keys(answers) if keys is None else keys):
        if key is not None:
            groups[(record.tender, key)].append(record)
    return dict(groups)


def retained(records: Sequence[Record], choices: Choices | None = None, keys: list[str | None] | None = None
             ) -> list[Record]:
    """One answer per structure and tender: the file the officer chose, else the latest one
    (``records`` run oldest to newest, as :meth:`analyse.store.Store.latest` gives them); ``keys``
    as :func:`answer_groups` takes them."""
    kept = []
    for group, answers in answer_groups(records, keys).items():
        chosen = (choices or {}).get(group)
        kept.append(next((r for r in answers if r.file == chosen), answers[-1]))
    order = {id(record): index for index, record in enumerate(records)}
    return sorted(kept, key=lambda r: order[id(r)])


def distinct(records: Sequence[Record], choices: Choices | None = None) -> list[Record]:
    """One record per structure territory-wide (by SIREN): the retained answer of its latest tender."""
    everyone = answered(records)  # a name is tied to its number by every answer, retained or not
    found = [_identifiers(record) for record in everyone]  # read once for both keys
    keys = {id(record): key for record, key in zip(everyone, _keys(_territory_wide(found)))}
    latest: dict[str, Record] = {}
    for record in retained(records, choices, _keys(found)):
        latest.pop(keys[id(record)], None)  # keep the order of the latest answers
        latest[keys[id(record)]] = record
    return list(latest.values())


def unidentified(records: Sequence[Record]) -> int:
    """Answers from a structure known by neither a valid SIRET nor a name: in no figure."""
    answers = answered(records)
    return sum(1 for key in structure_keys(answers) if key is None)


# ---------------------------------------------------------------------------
# One structure.

@dataclass(frozen=True)
class Answer:
    """A structure's values as the figures use them: values with an error finding left out."""

    values: Fields
    excluded: frozenset[str]


def figure_keys(form: Form) -> frozenset[str]:
    """The keys figures are computed from (not the texts nor the identification)."""
    return frozenset(f.key for f in form.fields
                     if (type_of(f).numeric or type_of(f).box) and not type_of(f).identifier)


def usable(record: Record, form: Form | None = None, values: Fields | None = None) -> Answer:
    """The record's values as the figures use them; ``form`` (by default the record's own) names the keys;
    ``values``: the record's :meth:`Record.fields` for that form, when the caller has them already."""
    values = record.fields(form) if values is None else values
    errors = frozenset(f.key for f in record.findings
                       if f.severity == "error" and f.key in values and values[f.key] is not None)
    return Answer({k: (None if k in errors else v) for k, v in values.items()}, errors)


def _staff(form: Form) -> Table | None:
    return form.table_of("head_count")


def headcount(values: Fields, form: Form, row: str | None = None) -> float | None:
    """A row's count (by default the whole structure's), as validation counts it."""
    table = _staff(form)
    return staff_count(values, table, row) if table else None


def women_share(values: Fields, form: Form, row: str | None = None) -> float | None:
    """Women over the head count of ``row`` (a row id, or "managers" for the row playing that role)."""
    table = _staff(form)
    if table is None:
        return None
    women, total = staff_count(values, table, row, table.column_of("women")), staff_count(values, table, row)
    if women is None or not total or total <= 0:
        return None
    return women / total


def commitments_taken(values: Fields, form: Form) -> int | None:
    """How many of the commitments are ticked; None when the list is blank."""
    ticks = [values.get(c.done_key) for c in form.commitments]
    if all(tick is None for tick in ticks):
        return None
    return sum(1 for tick in ticks if tick is True)


def numeric_score(values: Fields, form: Form) -> float | None:
    score = values.get(form.key_of("index_score"))
    return score if is_number(score) else None


# ---------------------------------------------------------------------------
# A set of structures.

def count(n: int) -> Measure:
    return Measure(n, n, "count")


def share(hits: int, base: int) -> Measure:
    return Measure(hits / base if base else None, base, "share")


def mean(values: list[float], kind: str = "share") -> Measure:
    return Measure(fmean(values) if values else None, len(values), kind)


def _losing(measure: Measure, answers: list[Answer], keys: Iterable[str]) -> Measure:
    """``measure`` with the number of values of ``keys`` left out for an error."""
    keys = frozenset(keys)
    return Measure(measure.value, measure.base, measure.kind, sum(len(a.excluded & keys) for a in answers),
                   measure.dominance, measure.masked)  # not dataclasses.replace: thrice the time, 2,000 a territory


def _staff_keys(form: Form, row: str | None = None) -> list[str]:
    table = _staff(form)
    if table is None:
        return []
    rows = [r.id for r in table.rows] if row is None else [row, table.sum_row]
    return [table.key(r, c.id) for r in rows for c in table.columns]


def weighted_women(answers: list[Answer], row: str | None, form: Form) -> Measure:
    """Women over head count, all structures pooled; dominance by the largest head count."""
    table = _staff(form)
    pairs = [(staff_count(a.values, table, row, table.column_of("women")), staff_count(a.values, table, row))
             for a in answers if women_share(a.values, form, row) is not None]
    total = sum(t for _, t in pairs)
    women = sum(w for w, _ in pairs)
    dominance = max((max(t / total, w / women if women else 0) for w, t in pairs), default=0.0)
    measure = Measure(women / total if pairs else None, len(pairs), "share", dominance=dominance)
    return _losing(measure, answers, _staff_keys(form, row))


def mean_women(answers: list[Answer], row: str | None, form: Form) -> Measure:
    measure = mean([s for a in answers if (s := women_share(a.values, form, row)) is not None])
    return _losing(measure, answers, _staff_keys(form, row))


def mean_percentage(answers: list[Answer], key: str | None) -> Measure:
    measure = mean([a.values[key] / 100 for a in answers if is_number(a.values.get(key))])
    return _losing(measure, answers, [key])


def share_true(answers: list[Answer], key: str | None) -> Measure:
    given = [a.values[key] for a in answers if a.values.get(key) is not None]
    return _losing(share(sum(1 for x in given if x is True), len(given)), answers, [key])


def share_equal(answers: list[Answer], key: str, wanted: Any) -> Measure:
    given = [a.values[key] for a in answers if a.values.get(key) is not None]
    return _losing(share(sum(1 for x in given if x == wanted), len(given)), answers, [key])


def large(answers: list[Answer], form: Form) -> list[Answer]:
    """Structures of 50 employees or more."""
    return [a for a in answers if (headcount(a.values, form) or 0) >= INDEX_OBLIGATION]


def index_declared(answers: list[Answer], form: Form) -> Measure:
    """Among structures of 50 employees or more, the share that give a score or NC.

    A structure whose score is in error (120) is left out: whether it gave a valid one is not known.
    """
    score = form.key_of("index_score")
    obliged = [a for a in large(answers, form) if score not in a.excluded]
    measure = share(sum(1 for a in obliged if a.values.get(score) is not None), len(obliged))
    return _losing(measure, answers, _staff_keys(form) + [score])


def mean_score(answers: list[Answer], form: Form) -> Measure:
    measure = mean([s for a in answers if (s := numeric_score(a.values, form)) is not None], "score")
    return _losing(measure, answers, [form.key_of("index_score")])


def indicators(structures: Sequence[Record], form: Form, parts: Iterable[str] | None = None) -> list[Indicator]:
    """The territory's indicators over distinct ``structures`` (:func:`distinct`), in reading order: those
    of the :func:`figure_parts` of ``form`` (only ``parts`` when given: those two versions share)."""
    answers = [usable(record, form) for record in structures]
    wanted = list(figure_parts(form) if parts is None else parts)
    result = [Indicator("Structures distinctes", count(len(answers)))]
    for part in wanted:
        build = dict(_ROLE_INDICATORS).get(part)
        result += build(answers, form) if build else [_field_indicator(answers, form.field(part))]
    return result


def figure_parts(form: Form) -> list[str]:
    """What figures ``form`` gives: its roles (the commitments count as one), then each share
    a form asks without a role (the directive's pay gaps and quartiles), by key."""
    roles = [role for role, _ in _ROLE_INDICATORS
             if form.table_of(role) or form.role(role) or (role == COMMITMENTS and form.commitments)]
    shares = [f.key for f in form.fields if f.role is None and not f.table and type_of(f).share]
    return roles[:-1] + shares + roles[-1:] if roles and roles[-1] == COMMITMENTS else roles + shares


def shared_parts(forms: Sequence[Form]) -> list[str]:
    """The figures every one of ``forms`` gives, in the first one's order."""
    return [part for part in figure_parts(forms[0]) if all(part in figure_parts(f) for f in forms[1:])]


def _field_indicator(answers: list[Answer], field: FieldDef) -> Indicator:
    """The mean of a share asked without a role (« Moyenne — Écart de rémunération moyen »)."""
    return Indicator(f"Moyenne — {field.label}", mean_percentage(answers, field.key))


def _staff_indicators(answers: list[Answer], form: Form) -> list[Indicator]:
    managers = _staff(form).row_of("managers")
    return [
        Indicator("Part de femmes (pondérée par l'effectif)", weighted_women(answers, None, form)),
        Indicator("Part de femmes (moyenne des structures)", mean_women(answers, None, form)),
        Indicator("Part de femmes parmi les cadres (pondérée)", weighted_women(answers, managers, form)),
        Indicator("Part de femmes parmi les cadres (moyenne)", mean_women(answers, managers, form)),
        Indicator(f"Structures de {INDEX_OBLIGATION} salariés ou plus",
                  _losing(count(len(large(answers, form))), answers, _staff_keys(form))),
    ]


def _index_indicators(answers: list[Answer], form: Form) -> list[Indicator]:
    return [
        Indicator(f"Part des {INDEX_OBLIGATION} salariés ou plus déclarant leur index (note ou NC)",
                  index_declared(answers, form)),
        Indicator("Note moyenne à l'index", mean_score(answers, form)),
    ]


def _board_indicators(answers: list[Answer], form: Form) -> list[Indicator]:
    return [Indicator("Part des structures ayant un conseil d'administration",
                      share_true(answers, form.key_of("board")))]


def _board_women_indicators(answers: list[Answer], form: Form) -> list[Indicator]:
    return [Indicator("Part moyenne de femmes dans les conseils d'administration",
                      mean_percentage(answers, form.key_of("board_women_share")))]


def _officer_indicators(answers: list[Answer], form: Form) -> list[Indicator]:
    table = form.table_of("officers")
    woman = table.column_of("women")
    return [Indicator(f"Part de femmes — {row.label}", share_equal(answers, table.key(row.id), woman))
            for row in table.rows]


def _volunteer_indicators(answers: list[Answer], form: Form) -> list[Indicator]:
    return [Indicator("Part moyenne de femmes parmi les bénévoles",
                      mean_percentage(answers, form.key_of("volunteers_women_share")))]


def _commitment_indicators(answers: list[Answer], form: Form) -> list[Indicator]:
    taken = [n for a in answers if (n := commitments_taken(a.values, form)) is not None]
    return [Indicator(f"Engagements pris en moyenne (sur {len(form.commitments)})",
                      mean([float(n) for n in taken], "score"))] + [
        Indicator(f"Engagement : {c.label}", share_true(answers, c.done_key)) for c in form.commitments]


COMMITMENTS = "commitments"
_ROLE_INDICATORS: tuple[tuple[str, Callable[[list[Answer], Form], list[Indicator]]], ...] = (
    ("head_count", _staff_indicators),
    ("index_score", _index_indicators),
    ("board", _board_indicators),
    ("board_women_share", _board_women_indicators),
    ("officers", _officer_indicators),
    ("volunteers_women_share", _volunteer_indicators),
    (COMMITMENTS, _commitment_indicators),
)


def score_bands() -> list[tuple[str, float, float]]:
    """Bands of 5 points from 60, so that 75 and 85 are band edges."""
    bands = [("moins de 60", 0.0, 60.0)]
    bands += [(f"{low} à {low + 4}", float(low), float(low + 5)) for low in range(60, 95, 5)]
    bands.append(("95 à 100", 95.0, 100.01))
    return bands


def score_distribution(structures: Sequence[Record], form: Form) -> tuple[list[tuple[str, Measure]], int]:
    """How many distinct ``structures`` (:func:`distinct`) fall in each score band, and NC; and how many
    scores were left out."""
    answers = [usable(record, form) for record in structures]
    key = form.key_of("index_score")
    scores = [s for a in answers if (s := numeric_score(a.values, form)) is not None]
    rows = [(label, count(sum(1 for s in scores if low <= s < high))) for label, low, high in score_bands()]
    rows.append((NOT_COMPUTABLE + " (non calculable)",
                 count(sum(1 for a in answers if a.values.get(key) == NOT_COMPUTABLE))))
    return rows, sum(1 for a in answers if key in a.excluded)


def officer_distribution(structures: Sequence[Record], form: Form) -> list[tuple[str, list[Measure]]]:
    """For each office, how many distinct ``structures`` (:func:`distinct`) gave each gender (columns of the form)."""
    answers = [usable(record, form) for record in structures]
    table = form.table_of("officers")
    return [(row.label, [count(sum(1 for a in answers if a.values.get(table.key(row.id)) == column.id))
                         for column in table.columns])
            for row in table.rows]
