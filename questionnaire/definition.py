"""The questionnaire, loaded from its TOML definition.

Everything that knows about the form's fields (extraction, validation,
exports, workbooks, templates, samples) asks this module: keys, French
labels, types, sections, anchors on the page and rules. The form itself is
data (``forms/*.toml``); this module only gives it a typed shape.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

FORMS_DIR = Path(__file__).parent / "forms"
DEFAULT_FORM = "egalite-2024"


@dataclass(frozen=True)
class Axis:
    """A row or column of a table, or an option of a choice."""

    id: str
    label: str
    anchors: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    id: str
    section: str
    title: str
    type: str
    rows: tuple[Axis, ...]
    columns: tuple[Axis, ...]
    key_pattern: str
    sum_row: str | None = None
    sum_column: str | None = None
    choices: str | None = None
    grand_total: tuple[str, ...] = ()  # labels of the sum row's sum cell when a table is printed as a list

    def key(self, row: str, column: str | None = None) -> str:
        return self.key_pattern.format(row=row, column=column)


@dataclass(frozen=True)
class Commitment:
    id: str
    label: str
    anchors: tuple[str, ...]
    done_key: str
    details_key: str


@dataclass(frozen=True)
class FieldDef:
    """One canonical field of the form.

    ``read`` tells the extractor where the value sits relative to the
    field's anchors: ``inline``, ``choice``, ``area``, ``cell`` (a table
    cell), ``box`` (a commitment's tick) or ``details`` (a commitment's text).
    """

    key: str
    label: str
    section: str
    type: str
    read: str
    anchors: tuple[str, ...] = ()
    unit: str | None = None
    max_length: int | None = None
    until: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    table: str | None = None
    row: str | None = None
    column: str | None = None
    commitment: str | None = None
    optional: bool = False  # a line some versions of the form lack (no doubt when absent)


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    severity: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Form:
    id: str
    version: str
    title: str
    fields: tuple[FieldDef, ...]
    tables: dict[str, Table]
    commitments: tuple[Commitment, ...]
    commitment_details_anchors: tuple[str, ...]
    commitments_start: tuple[str, ...]
    commitments_end: tuple[str, ...]
    choices: dict[str, tuple[Axis, ...]]
    rules: tuple[Rule, ...]
    types: dict[str, dict[str, Any]]
    sections: dict[str, str]
    signature: tuple[str, ...]
    signature_min: int
    non_answers: tuple[str, ...]
    index_not_computable: tuple[str, ...]
    yes_words: tuple[str, ...]
    no_words: tuple[str, ...]
    document: dict[str, Any]

    @property
    def keys(self) -> list[str]:
        """Every canonical key, in the order of the form (one list, not to be changed)."""
        cached = self.__dict__.get("_keys")
        if cached is None:
            cached = [f.key for f in self.fields]
            object.__setattr__(self, "_keys", cached)
        return cached

    def field(self, key: str) -> FieldDef:
        return self._by_key()[key]

    def _by_key(self) -> dict[str, FieldDef]:
        cached = self.__dict__.get("_index")
        if cached is None:
            cached = {f.key: f for f in self.fields}
            object.__setattr__(self, "_index", cached)
        return cached

    def empty_fields(self) -> dict[str, None]:
        """All keys with null values: the ``fields`` of a rejected record."""
        return {key: None for key in self.keys}


def _axes(items: list[dict[str, Any]]) -> tuple[Axis, ...]:
    return tuple(
        Axis(item["id"], item["label"], tuple(item.get("anchors", [item["label"]])))
        for item in items
    )


def _table(table_id: str, data: dict[str, Any], choices: dict[str, tuple[Axis, ...]]) -> Table:
    columns = _axes(data["columns"]) if "columns" in data else choices[data["choices"]]
    return Table(
        id=table_id,
        section=data["section"],
        title=data["title"],
        type=data["type"],
        rows=_axes(data["rows"]),
        columns=columns,
        key_pattern=data["key"],
        sum_row=data.get("sum_row"),
        sum_column=data.get("sum_column"),
        choices=data.get("choices"),
        grand_total=tuple(data.get("grand_total", ())),
    )


def _table_fields(table: Table, label_pattern: str) -> list[FieldDef]:
    """One field per cell; a table of choices has one field per row (the column ticked is its value)."""
    columns: list[Axis | None] = [None] if table.choices else list(table.columns)
    return [
        FieldDef(
            key=table.key(row.id, column.id if column else None),
            label=label_pattern.format(row=row.label, column=column.label.rstrip("*") if column else ""),
            section=table.section,
            type=table.type,
            read="cell",
            anchors=row.anchors,
            table=table.id,
            row=row.id,
            column=column.id if column else None,
        )
        for row in table.rows
        for column in columns
    ]


def _commitment_fields(data: dict[str, Any]) -> tuple[list[Commitment], list[FieldDef]]:
    commitments, fields = [], []
    for item in data["items"]:
        done_key = data["done_key"].format(id=item["id"])
        details_key = data["details_key"].format(id=item["id"])
        anchors = tuple(item.get("anchors", [item["label"]]))
        commitments.append(Commitment(item["id"], item["label"], anchors, done_key, details_key))
        fields.append(FieldDef(done_key, data["done_label"].format(label=item["label"]),
                               data["section"], "bool", "box", anchors, commitment=item["id"]))
        fields.append(FieldDef(details_key, data["details_label"].format(label=item["label"]),
                               data["section"], "text", "details",
                               tuple(data["details_anchors"]), commitment=item["id"]))
    return commitments, fields


def _single_field(data: dict[str, Any]) -> FieldDef:
    return FieldDef(
        key=data["key"],
        label=data["label"],
        section=data["section"],
        type=data["type"],
        read=data["read"],
        anchors=tuple(data.get("anchors", [data["label"]])),
        unit=data.get("unit"),
        max_length=data.get("max_length"),
        until=tuple(data.get("until", ())),
        after=tuple(data.get("after", ())),
        optional=data.get("optional", False),
    )


def parse(data: dict[str, Any]) -> Form:
    """Build a :class:`Form` from the parsed TOML document."""
    choices = {name: tuple(Axis(cid, c["label"], tuple(c["anchors"])) for cid, c in items.items())
               for name, items in data.get("choices", {}).items()}
    tables = {tid: _table(tid, t, choices) for tid, t in data.get("tables", {}).items()}
    fields: list[FieldDef] = []
    for item in data["fields"]:
        if "table" in item and "key" not in item:
            fields.extend(_table_fields(tables[item["table"]], data["tables"][item["table"]]["label"]))
        else:
            fields.append(_single_field(item))
    commitments, commitment_fields = _commitment_fields(data["commitments"])
    fields.extend(commitment_fields)
    rules = tuple(
        Rule(r["id"], r["kind"], r["severity"],
             {k: v for k, v in r.items() if k not in ("id", "kind", "severity")})
        for r in data.get("rules", [])
    )
    meta = data["form"]
    return Form(
        id=meta["id"],
        version=meta["version"],
        title=meta["title"],
        fields=tuple(fields),
        tables=tables,
        commitments=tuple(commitments),
        commitment_details_anchors=tuple(data["commitments"]["details_anchors"]),
        commitments_start=tuple(data["commitments"].get("start", ())),
        commitments_end=tuple(data["commitments"].get("end", ())),
        choices=choices,
        rules=rules,
        types=data.get("types", {}),
        sections=data.get("sections", {}),
        signature=tuple(meta["signature"]),
        signature_min=meta["signature_min"],
        non_answers=tuple(meta.get("non_answers", ())),
        index_not_computable=tuple(meta.get("index_not_computable", ())),
        yes_words=tuple(meta.get("yes_words", ())),
        no_words=tuple(meta.get("no_words", ())),
        document=data.get("document", {}),
    )


@cache
def load(form_id: str = DEFAULT_FORM) -> Form:
    """The form ``form_id`` from ``forms/<form_id>.toml`` (cached)."""
    with open(FORMS_DIR / f"{form_id}.toml", "rb") as handle:
        return parse(tomllib.load(handle))
