"""What a bidder writes on the form, and what it must be read as.

:func:`fill` turns a :class:`~samples.bidders.Bidder` into a :class:`Filled`
form: the text written into each zone, the boxes ticked, and beside them the
expected canonical values, raw texts and findings of SPEC.md. The expected
side is stated here, from what is written, never by running the project's
readers or validators (the samples exist to test those).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from questionnaire.definition import Form
from samples.bidders import Bidder, Counts

Severity = str  # "error" | "warning" | "info"


@dataclass
class Filled:
    """One filled form: what the page shows, and the truth about it.

    ``texts`` maps a key to the text written in its zone; ``ticks`` maps a key
    to the options whose boxes are ticked (``yes``/``no`` for the board,
    gender ids for officers, ``yes`` for a commitment). ``fields`` holds the
    expected value of every canonical key.
    """

    fields: dict[str, Any]
    form: Form
    texts: dict[str, str] = field(default_factory=dict)
    ticks: dict[str, tuple[str, ...]] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)
    findings: list[tuple[str, Severity]] = field(default_factory=list)

    def write(self, key: str, text: str | None, value: Any) -> None:
        """Write ``text`` in the zone of ``key`` (None: leave it blank), read as ``value``."""
        self.texts.pop(key, None)
        self.raw.pop(key, None)
        if text is not None:
            self.texts[key] = text
            if text != canonical_text(value):
                self.raw[key] = text
        self.fields[key] = value

    def tick(self, key: str, options: tuple[str, ...], value: Any) -> None:
        if options:
            self.ticks[key] = options
        else:
            self.ticks.pop(key, None)
        self.fields[key] = value

    def find(self, key: str, severity: Severity) -> None:
        self.findings.append((key, severity))


def canonical_text(value: Any) -> str | None:
    """How a value prints when written plainly (then no raw text is kept)."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def number(value: float) -> int | float:
    """A JSON number: whole values as integers."""
    return int(value) if float(value).is_integer() else value


def french(value: float) -> str:
    """A number as a French form shows it: ``12`` or ``12,5``."""
    return str(number(value)).replace(".", ",")


def fill(bidder: Bidder, tender_ref: str, form: Form, *, siret_spaced: bool = False) -> Filled:
    """The form as ``bidder`` fills it carefully for the tender ``tender_ref``."""
    filled = Filled(fields=form.empty_fields(), form=form)
    filled.write("structure_name", bidder.name, bidder.name)
    siret = bidder.siret
    filled.write("siret", f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}" if siret_spaced else siret,
                 siret)
    filled.write("tender_ref", tender_ref, tender_ref)
    write_staff(filled, form, {"managers": bidder.managers, "non_managers": bidder.non_managers})
    _write_governance(filled, bidder)
    if bidder.policy:
        filled.write("policy.text", bidder.policy, bidder.policy)
    if bidder.index is not None and form.has_role("index_score"):
        filled.write(form.key_of("index_score"), str(bidder.index), bidder.index)
    for key, value in bidder.pay.items():
        if key in form.keys:
            filled.write(key, french(value), number(value))
    for rule in (r for r in form.rules if r.kind == "reaches"):  # the directive's 5 % threshold
        value = filled.fields.get(rule.params["key"])
        if value is not None and abs(value) >= rule.params["threshold"]:
            filled.find(rule.params["key"], rule.severity)  # type: ignore[arg-type]
    write_commitments(filled, form, bidder.commitments)
    return filled


def write_staff(filled: Filled, form: Form, rows: dict[str, Counts]) -> None:
    """Write the head-count rows and the totals a careful bidder adds up.

    A column blank in every row leaves its total blank; a row wholly blank
    leaves its total blank.
    """
    table = form.tables["staff"]
    data_columns = [c.id for c in table.columns if c.id != table.sum_column]
    column_sums: dict[str, float | None] = dict.fromkeys(data_columns)
    for row_id, cells in rows.items():
        for column in data_columns:
            _write_count(filled, table.key(row_id, column), cells.get(column))
            if cells.get(column) is not None:
                column_sums[column] = (column_sums[column] or 0) + cells[column]
        given = [v for v in cells.values() if v is not None]
        _write_count(filled, table.key(row_id, table.sum_column), sum(given) if given else None)
    for column, total in column_sums.items():
        _write_count(filled, table.key(table.sum_row, column), total)
    given = [v for v in column_sums.values() if v is not None]
    _write_count(filled, table.key(table.sum_row, table.sum_column), sum(given) if given else None)


def _write_count(filled: Filled, key: str, value: float | None) -> None:
    if value is None:
        filled.write(key, None, None)
    else:
        filled.write(key, french(value), number(value))


def _write_governance(filled: Filled, bidder: Bidder) -> None:
    if bidder.board is not None:
        filled.tick("board.exists", ("yes",) if bidder.board else ("no",), bidder.board)
    if bidder.board_women_pct is not None:
        filled.write("board.women_pct", french(bidder.board_women_pct), number(bidder.board_women_pct))
    for role, gender in bidder.officers.items():
        filled.tick(f"officers.{role}", (gender,), gender)
    if bidder.volunteers_women_pct is not None:
        filled.write("volunteers.women_pct", french(bidder.volunteers_women_pct),
                     number(bidder.volunteers_women_pct))


def write_commitments(filled: Filled, form: Form, ticked: dict[str, str | None],
                      details_only: dict[str, str] | None = None) -> None:
    """Tick the commitments of ``ticked`` (with their details, when any) and write
    ``details_only`` without a tick. SPEC.md: an unticked single box is false
    when anything else in the list is answered, null when the list is blank."""
    details_only = details_only or {}
    answered = bool(ticked or details_only)
    for item in form.commitments:
        done = item.id in ticked
        filled.tick(item.done_key, ("yes",) if done else (), True if done else (False if answered else None))
        details = ticked.get(item.id) or details_only.get(item.id)
        filled.write(item.details_key, details, details)
