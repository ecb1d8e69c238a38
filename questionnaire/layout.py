"""The blocks of a form, in the definition's order: what every template draws.

The paper, fillable and Word templates walk the same list, so a new
version of the form (another TOML) is drawn without code: a section's
heading where it starts (``<section>_title`` of ``[document]``), the
identification lines, each table (counts written in its cells, or one box
per choice), each yes/no question, each line to fill, each text area, and
the commitments last.
"""
from __future__ import annotations

from dataclasses import dataclass

from questionnaire.definition import FieldDef, Form, Table
from questionnaire.types import type_of

IDENTIFICATION_ROLES = ("structure_name", "siret", "tender_ref")  # drawn as full-width lines, together

HEADING = "heading"
IDENTIFICATION = "identification"
COUNTS = "counts"  # a table whose cells are written
TICKS = "ticks"  # a table with one box per choice
YES_NO = "yes_no"
LINE = "line"
AREA = "area"
COMMITMENTS = "commitments"


@dataclass(frozen=True)
class Block:
    kind: str
    fields: tuple[FieldDef, ...] = ()
    table: Table | None = None
    text: str | None = None  # a heading's text


def blocks(form: Form) -> list[Block]:
    """The blocks of ``form`` in the order of its definition."""
    result: list[Block] = []
    section = None
    for fdef in form.fields:
        if fdef.section != section:
            section = fdef.section
            title = form.document.get(f"{section}_title")
            if title:
                result.append(Block(HEADING, text=title))
        if fdef.commitment:
            if not result or result[-1].kind != COMMITMENTS:
                result.append(Block(COMMITMENTS))
        elif fdef.table:
            if not any(b.table is form.tables[fdef.table] for b in result):
                table = form.tables[fdef.table]
                result.append(Block(TICKS if type_of(fdef).box else COUNTS, table=table))
        elif fdef.role in IDENTIFICATION_ROLES:
            if result and result[-1].kind == IDENTIFICATION:
                result[-1] = Block(IDENTIFICATION, result[-1].fields + (fdef,))
            else:
                result.append(Block(IDENTIFICATION, (fdef,)))
        else:
            result.append(Block({"choice": YES_NO, "area": AREA}.get(fdef.read, LINE), (fdef,)))
    return result
