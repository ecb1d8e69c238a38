"""Indicators over a set of answers, each with the number of structures behind it.

Every figure is a :class:`Measure`: its value and its ``base``, the number of
structures it is built on, so that publication mode can hide any figure built
on fewer than :data:`MIN_STRUCTURES` structures (French statistical secrecy).
For a share or a mean the base is the number of structures that answered;
for a count it is the count itself (a count of 0 reveals nobody).
Shares are fractions (0–1); records hold percentages as 0–100.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import fmean
from typing import Any, Iterable, Sequence

from questionnaire.definition import Form
from questionnaire.record import Record

MIN_STRUCTURES = 3
INDEX_OBLIGATION = 50  # employees: the legal threshold (the form says "plus de 50")
SCORE_THRESHOLDS = (75, 85)  # below 75: corrective measures; below 85: progress targets
SCORE_KEY = "equality_index.score"
NOT_COMPUTABLE = "NC"

Fields = dict[str, Any]


@dataclass(frozen=True)
class Measure:
    value: float | int | None
    base: int
    kind: str = "share"  # share (fraction) | count | mean | score

    @property
    def secret(self) -> bool:
        """Built on 1 or 2 structures: hidden when publishing."""
        return 0 < self.base < MIN_STRUCTURES


@dataclass(frozen=True)
class Indicator:
    label: str
    measure: Measure


def answered(records: Iterable[Record]) -> list[Record]:
    return [record for record in records if not record.rejected]


def structure_key(record: Record) -> str:
    """SIRET when given, else the name, else the file: one structure, one key."""
    values = record.fields()
    if values.get("siret"):
        return f"siret:{values['siret']}"
    if values.get("structure_name"):
        return "nom:" + re.sub(r"\s+", " ", str(values["structure_name"])).strip().casefold()
    return f"fichier:{record.file}"


def distinct(records: Sequence[Record]) -> list[Record]:
    """One record per structure, the latest (``records`` run oldest to newest)."""
    latest: dict[str, Record] = {}
    for record in answered(records):
        latest.pop(structure_key(record), None)  # keep the order of the latest answers
        latest[structure_key(record)] = record
    return list(latest.values())


# ---------------------------------------------------------------------------
# One structure.

def headcount(values: Fields, row: str = "total") -> float | None:
    """A row's total, or when blank the sum of what is given."""
    total = values.get(f"staff.{row}.total")
    if total is not None:
        return total
    given = [values.get(f"staff.{row}.{column}") for column in ("women", "men", "non_binary", "undisclosed")]
    given = [number for number in given if number is not None]
    return sum(given) if given else None


def women_share(values: Fields, row: str = "total") -> float | None:
    women, total = values.get(f"staff.{row}.women"), headcount(values, row)
    if women is None or not total or total <= 0:
        return None
    return women / total


def commitments_taken(values: Fields, form: Form) -> int | None:
    """How many of the commitments are ticked; None when the list is blank."""
    ticks = [values.get(c.done_key) for c in form.commitments]
    if all(tick is None for tick in ticks):
        return None
    return sum(1 for tick in ticks if tick is True)


def numeric_score(values: Fields) -> float | None:
    score = values.get(SCORE_KEY)
    return score if isinstance(score, (int, float)) and not isinstance(score, bool) else None


# ---------------------------------------------------------------------------
# A set of structures.

def count(n: int) -> Measure:
    return Measure(n, n, "count")


def share(hits: int, base: int) -> Measure:
    return Measure(hits / base if base else None, base, "share")


def mean(values: list[float], kind: str = "share") -> Measure:
    return Measure(fmean(values) if values else None, len(values), kind)


def weighted_women(all_values: list[Fields], row: str) -> Measure:
    pairs = [(v[f"staff.{row}.women"], headcount(v, row)) for v in all_values
             if women_share(v, row) is not None]
    total = sum(t for _, t in pairs)
    return Measure(sum(w for w, _ in pairs) / total if pairs else None, len(pairs), "share")


def mean_women(all_values: list[Fields], row: str) -> Measure:
    return mean([s for v in all_values if (s := women_share(v, row)) is not None])


def mean_percentage(all_values: list[Fields], key: str) -> Measure:
    return mean([v[key] / 100 for v in all_values if isinstance(v.get(key), (int, float))])


def share_true(all_values: list[Fields], key: str) -> Measure:
    given = [v[key] for v in all_values if v.get(key) is not None]
    return share(sum(1 for x in given if x is True), len(given))


def share_equal(all_values: list[Fields], key: str, wanted: Any) -> Measure:
    given = [v[key] for v in all_values if v.get(key) is not None]
    return share(sum(1 for x in given if x == wanted), len(given))


def index_declared(all_values: list[Fields]) -> Measure:
    """Among structures of 50 employees or more, the share that give a score or NC."""
    obliged = [v for v in all_values if (headcount(v) or 0) >= INDEX_OBLIGATION]
    return share(sum(1 for v in obliged if v.get(SCORE_KEY) is not None), len(obliged))


def indicators(records: Sequence[Record], form: Form) -> list[Indicator]:
    """The territory's indicators over distinct structures, in reading order."""
    values = [record.fields(form) for record in distinct(records)]
    taken = [n for v in values if (n := commitments_taken(v, form)) is not None]
    woman = form.tables["officers"].columns[0].id
    result = [
        Indicator("Structures distinctes", count(len(values))),
        Indicator("Part de femmes (pondérée par l'effectif)", weighted_women(values, "total")),
        Indicator("Part de femmes (moyenne des structures)", mean_women(values, "total")),
        Indicator("Part de femmes parmi les cadres (pondérée)", weighted_women(values, "managers")),
        Indicator("Part de femmes parmi les cadres (moyenne)", mean_women(values, "managers")),
        Indicator(f"Structures de {INDEX_OBLIGATION} salariés ou plus",
                  count(sum(1 for v in values if (headcount(v) or 0) >= INDEX_OBLIGATION))),
        Indicator(f"Part des {INDEX_OBLIGATION} salariés ou plus déclarant leur index (note ou NC)",
                  index_declared(values)),
        Indicator("Note moyenne à l'index", mean([s for v in values if (s := numeric_score(v)) is not None],
                                                  "score")),
        Indicator("Part des structures ayant un conseil d'administration", share_true(values, "board.exists")),
        Indicator("Part moyenne de femmes dans les conseils d'administration",
                  mean_percentage(values, "board.women_pct")),
    ]
    for row in form.tables["officers"].rows:
        key = form.tables["officers"].key(row.id)
        result.append(Indicator(f"Part de femmes — {row.label}", share_equal(values, key, woman)))
    result.append(Indicator("Part moyenne de femmes parmi les bénévoles",
                            mean_percentage(values, "volunteers.women_pct")))
    result.append(Indicator(f"Engagements pris en moyenne (sur {len(form.commitments)})",
                            mean([float(n) for n in taken], "score")))
    for commitment in form.commitments:
        result.append(Indicator(f"Engagement : {commitment.label}", share_true(values, commitment.done_key)))
    return result


def score_bands() -> list[tuple[str, float, float]]:
    """Bands of 5 points from 60, so that 75 and 85 are band edges."""
    bands = [("moins de 60", 0.0, 60.0)]
    bands += [(f"{low} à {low + 4}", float(low), float(low + 5)) for low in range(60, 95, 5)]
    bands.append(("95 à 100", 95.0, 100.01))
    return bands


def score_distribution(records: Sequence[Record]) -> list[tuple[str, Measure]]:
    """How many distinct structures fall in each score band, and NC."""
    values = [record.fields() for record in distinct(records)]
    scores = [s for v in values if (s := numeric_score(v)) is not None]
    rows = [(label, count(sum(1 for s in scores if low <= s < high))) for label, low, high in score_bands()]
    rows.append((NOT_COMPUTABLE + " (non calculable)",
                 count(sum(1 for v in values if v.get(SCORE_KEY) == NOT_COMPUTABLE))))
    return rows


def officer_distribution(records: Sequence[Record], form: Form) -> list[tuple[str, list[Measure]]]:
    """For each office, how many structures gave each gender (columns of the form)."""
    values = [record.fields(form) for record in distinct(records)]
    table = form.tables["officers"]
    return [(row.label, [count(sum(1 for v in values if v.get(table.key(row.id)) == column.id))
                         for column in table.columns])
            for row in table.rows]
