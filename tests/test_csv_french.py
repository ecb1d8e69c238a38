"""records.csv as a French Excel or LibreOffice opens it: numbers as numbers, identifiers as text."""
from __future__ import annotations

import csv
import json
from pathlib import Path

from analyse.export import Columns, lines, write_csv, write_jsonl
from questionnaire.definition import load
from tests.support_analyse import record, rejected, siret, staff

FORM = load("egalite-2024")


def _row(tmp_path: Path, values: dict) -> dict[str, str]:
    path = write_csv([record("T-1/a.pdf", "2026-014", values)], tmp_path / "records.csv", [FORM])
    text = path.read_text(encoding="utf-8-sig")
    return next(csv.DictReader(text.splitlines(), delimiter=";"))


def test_decimal_numbers_have_a_decimal_comma_and_whole_numbers_stay_whole(tmp_path: Path) -> None:
    row = _row(tmp_path, {"volunteers.women_pct": 62.5, "board.women_pct": 40, **staff((4, 6), (30, 20))})
    assert (row["volunteers.women_pct"], row["board.women_pct"], row["staff.total.total"]) == ("62,5", "40", "60")


def test_siret_and_references_stay_text_and_formulas_stay_neutralised(tmp_path: Path) -> None:
    number = siret("77751169")
    row = _row(tmp_path, {"siret": number, "tender_ref": "2026-014", "policy.text": "=1+1",
                          "board.exists": True})
    assert row["siret"] == f"{number[:3]} {number[3:6]} {number[6:9]} {number[9:]}"  # as INSEE prints it
    assert row["tender_ref"] == "'2026-014" and row["tender"] == "'2026-014"  # not a date
    assert row["policy.text"] == "'=1+1" and row["board.exists"] == "Oui"


def test_lines_made_beforehand_write_the_same_exports_as_their_records(tmp_path: Path) -> None:
    """A reading worker makes a record's lines (:func:`lines`): written, they are the files its record
    gives, a line break in an answer quoted and a rejected file's error included."""
    records = [record("T-1/a.pdf", "2026-014", {"siret": siret("77751169"), "policy.text": "=1+1\nsuite",
                                                 "volunteers.women_pct": 62.5}, doubts={"siret": "À vérifier."}),
               rejected("T-1/b.pdf", "2026-014")]
    made = [lines(r, Columns.of([FORM])) for r in records]
    for name, write in (("records.jsonl", write_jsonl),
                        ("records.csv", lambda items, path: write_csv(items, path, [FORM]))):
        assert write(made, tmp_path / f"made-{name}").read_bytes() == write(records, tmp_path / name).read_bytes()
    assert "'=1+1\nsuite" in made[0].csv and made[1].jsonl.endswith("}\n")
    assert json.loads(made[1].jsonl)["error"] == records[1].error
