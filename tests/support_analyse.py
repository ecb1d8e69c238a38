"""Records built programmatically for the store, workbook and correction tests.

Each record is validated as the pipeline does (``validate`` appended to the
findings), so that the tests see what a run would store.
"""
from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from typing import Any

from analyse.store import Store
from analyse.validate import validate
from questionnaire.types import luhn_ok, siret_checksum_ok
from questionnaire.definition import load
from questionnaire.record import SOURCE_TEXT, Reading, Record

FORM = load("egalite-2024")
EXTRACTOR = "test-1"
POLICY_1500 = ("Notre politique d'égalité professionnelle repose sur des accords négociés et un suivi annuel. "
               * 20)[:1500]


def siret(body: str) -> str:
    """A SIRET (SIREN and whole number Luhn-valid) starting with the 8 digits of ``body``."""
    siren = next(body[:8] + str(k) for k in range(10) if luhn_ok(body[:8] + str(k)))
    return next(siren + f"{tail:05d}" for tail in range(100) if siret_checksum_ok(siren + f"{tail:05d}"))


def staff(managers: tuple[int, int], others: tuple[int, int]) -> dict[str, int]:
    """Head counts (women, men) of managers and others, with their totals."""
    values = {}
    for row, (women, men) in (("managers", managers), ("non_managers", others),
                              ("total", (managers[0] + others[0], managers[1] + others[1]))):
        values |= {f"staff.{row}.women": women, f"staff.{row}.men": men, f"staff.{row}.total": women + men}
    return values


def record(file: str, tender: str, values: dict[str, Any], *, doubts: dict[str, str] | None = None,
           raw: dict[str, str] | None = None, crops: dict[str, str] | None = None,
           content: str | None = None) -> Record:
    readings = {}
    for key, value in values.items():
        readings[key] = Reading(key, value=value, raw=(raw or {}).get(key, None if value is None else str(value)),
                                source=SOURCE_TEXT, page=1, doubt=(doubts or {}).get(key),
                                crop=(crops or {}).get(key))
    for key, text in (raw or {}).items():
        readings.setdefault(key, Reading(key, value=None, raw=text, source=SOURCE_TEXT, page=1,
                                         doubt=(doubts or {}).get(key)))
    result = Record(file=file, tender=tender, form_id=FORM.id, readings=readings, method="texte", pages=[1], page_count=2,
                    sha256=hashlib.sha256((content or file).encode()).hexdigest(), size=1234)
    result.findings = validate(result, FORM)
    return result


def rejected(file: str, tender: str) -> Record:
    return Record(file=file, tender=tender, form_id=FORM.id, error="Ce fichier n'est pas le questionnaire égalité.",
                  error_class="not_questionnaire", method="texte", page_count=3,
                  sha256=hashlib.sha256(file.encode()).hexdigest(), size=99)


def commitments(**done: str | None) -> dict[str, Any]:
    """Every commitment ticked when given details, unticked otherwise."""
    values: dict[str, Any] = {}
    for c in FORM.commitments:
        details = done.get(c.id)
        values[c.done_key] = details is not None
        values[c.details_key] = details
    return values


def tender_a() -> list[Record]:
    """Three bidders, one rejected file, doubts, formula-looking answers and a long policy."""
    alpha = record("T-2024-01/alpha.pdf", "T-2024-01", {
        "structure_name": "Alpha SARL", "siret": siret("11111111"), **staff((4, 6), (30, 20)),
        "board.exists": True, "board.women_pct": 40, "officers.president": "woman",
        "officers.secretary": "man", "officers.treasurer": "woman", "volunteers.women_pct": 62.5,
        "policy.text": POLICY_1500, "equality_index.score": 82,
        **commitments(agreements="Accord égalité signé en 2023", training="Formation des managers"),
    })
    beta = record("T-2024-01/beta.pdf", "T-2024-01", {
        "structure_name": "Bêta Industries", "siret": siret("22222222"), **staff((5, 15), (25, 75)),
        "board.exists": False, "officers.president": "man", "policy.text": "=1+1",
        "equality_index.score": 91, **commitments(other="@SUM(A1)", label="+33 label AFNOR"),
    })
    gamma = record("T-2024-01/gamma.pdf", "T-2024-01", {
        "structure_name": "Gamma Services", "siret": siret("33333333"), **staff((2, 1), (13, 4)),
        "board.exists": True, "board.women_pct": 55, "officers.president": "woman",
        "equality_index.score": None, **commitments(),
    }, doubts={"board.women_pct": "Chiffre mal formé à la lecture (5S ?)"}, raw={"board.women_pct": "5S"})
    return [alpha, beta, gamma, rejected("T-2024-01/lettre.pdf", "T-2024-01")]


def tender_b() -> list[Record]:
    """A second tender: Alpha answers again (counted once), Delta declares NC."""
    alpha = record("T-2025-07/alpha-2025.pdf", "T-2025-07", {
        "structure_name": "Alpha SARL", "siret": siret("11111111"), **staff((5, 5), (31, 19)),
        "board.exists": True, "board.women_pct": 50, "officers.president": "woman",
        "equality_index.score": 88, **commitments(agreements="Accord renouvelé", action_plan="Plan 2025"),
    })
    delta = record("T-2025-07/delta.pdf", "T-2025-07", {
        "structure_name": "Delta", "siret": siret("44444444"), **staff((10, 30), (100, 160)),
        "board.exists": True, "board.women_pct": 30, "officers.president": "man",
        "equality_index.score": "NC", **commitments(harassment_unit="Cellule externe"),
    })
    return [alpha, delta]


def fill_store(path: Path) -> Store:
    """A store with two runs: tender A in 2024, tender B in 2025."""
    store = Store(path, FORM)
    for started, records in ((datetime(2024, 3, 1, 9), tender_a()), (datetime(2025, 6, 2, 9), tender_b())):
        run = store.start_run(Path("inbox"), started)
        for item in records:
            store.save(run, item, EXTRACTOR)
        store.finish_run(run, {"files": len(records)})
    return store
