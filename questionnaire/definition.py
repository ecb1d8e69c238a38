"""The questionnaire, loaded from its TOML definition.

Everything that knows about the form's fields (extraction, validation,
exports, workbooks, templates, samples) asks this module: keys, French
labels, types, sections, anchors on the page and rules. The form itself is
data (``forms/*.toml``); this module only gives it a typed shape.
"""
from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Sequence

from exit_codes import FormDefinitionError

FORMS_DIR = Path(__file__).parent / "forms"


@dataclass(frozen=True)
class Axis:
    """A row or column of a table, or an option of a choice."""

    id: str
    label: str
    anchors: tuple[str, ...]
    role: str | None = None  # what the figures ask it for: "women" (a column), "managers" (a row)


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
    role: str | None = None
    text_before: str | None = None  # a text of [document] the templates print above the table
    text_after: str | None = None  # ...and under it

    def key(self, row: str, column: str | None = None) -> str:
        return self.key_pattern.format(row=row, column=column)

    @cached_property
    def row_keys(self) -> dict[str, tuple[str, ...]]:
        """Each row's cells' keys, in the order of the columns: made once, every record validated asks them."""
        return {r.id: tuple(self.key(r.id, c.id) for c in self.columns) for r in self.rows}

    def row_of(self, role: str) -> str:
        """The id of the row playing ``role`` (the definition is checked to have it)."""
        return next(r.id for r in self.rows if r.role == role)

    def column_of(self, role: str) -> str:
        return next(c.id for c in self.columns if c.role == role)


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
    named: tuple[str, ...] = ()  # words that stand as its label, starting a line before a colon, when the label is absent
    table: str | None = None
    row: str | None = None
    column: str | None = None
    commitment: str | None = None
    optional: bool = False  # a line some versions of the form lack (no doubt when absent)
    role: str | None = None  # what the workbooks, figures and templates ask it for (see forms/*.toml)
    text_before: str | None = None  # a text of [document] the templates print above the field's line
    headings: tuple[str, ...] = ()  # a section title the answer stands under when its question is not printed


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
    digest: str = ""  # SHA-256 of the definition's text: a record read with it is stale once it changes
    answer_prompts: tuple[str, ...] = ()
    yes_no_headers: tuple[str, ...] = ()

    # Derived from the fields, made once (a frozen dataclass keeps a cached_property in its __dict__)
    @cached_property
    def keys(self) -> list[str]:
        """Every canonical key, in the order of the form (one list, not to be changed)."""
        return [f.key for f in self.fields]

    @cached_property
    def key_set(self) -> frozenset[str]:
        """The canonical keys as a set: every file read asks whether its names are keys."""
        return frozenset(self.keys)

    @cached_property
    def _by_key(self) -> dict[str, FieldDef]:
        return {f.key: f for f in self.fields}

    @cached_property
    def _by_role(self) -> dict[str | None, FieldDef]:
        """The first field playing each role (asked for each bidder named in every sheet of a workbook)."""
        found: dict[str | None, FieldDef] = {}
        for f in self.fields:
            found.setdefault(f.role, f)
        return found

    def field(self, key: str) -> FieldDef:
        return self._by_key[key]

    def role(self, role: str) -> FieldDef | None:
        """The field playing ``role`` (``"siret"``, ``"index_score"``...), None when this form has none."""
        return self._by_role.get(role)

    def key_of(self, role: str) -> str | None:
        """The key of the field playing ``role``, None when this form has none."""
        found = self.role(role)
        return found.key if found else None

    def table_of(self, role: str) -> Table | None:
        """The table playing ``role`` (``"head_count"``, ``"officers"``), None when this form has none."""
        return next((t for t in self.tables.values() if t.role == role), None)

    def has_role(self, role: str) -> bool:
        return self.role(role) is not None or self.table_of(role) is not None

    def empty_fields(self) -> dict[str, None]:
        """All keys with null values: the ``fields`` of a rejected record."""
        return {key: None for key in self.keys}


def _axes(items: list[dict[str, Any]]) -> tuple[Axis, ...]:
    return tuple(
        Axis(item["id"], item["label"], tuple(item.get("anchors", [item["label"]])), item.get("role"))
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
        role=data.get("role"),
        text_before=data.get("text_before"),
        text_after=data.get("text_after"),
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
        named=tuple(data.get("named", data.get("after", ()))),
        headings=tuple(data.get("headings", ())),
        optional=data.get("optional", False),
        role=data.get("role"),
        text_before=data.get("text_before"),
    )


def parse(data: dict[str, Any]) -> Form:
    """Build a :class:`Form` from the parsed TOML document."""
    choices = {name: tuple(Axis(cid, c["label"], tuple(c["anchors"]), c.get("role")) for cid, c in items.items())
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
        answer_prompts=tuple(meta.get("answer_prompts", ())),
        yes_no_headers=tuple(meta.get("yes_no_headers", ())),
    )


@cache
def load(form_id: str) -> Form:
    """The form ``form_id`` from ``forms/<form_id>.toml`` (cached), checked first (:mod:`questionnaire.schema`)."""
    path = FORMS_DIR / f"{form_id}.toml"
    if not path.is_file():
        known = ", ".join(available()) or "aucun"
        raise FormDefinitionError(f"Formulaire inconnu : « {form_id} » (formulaires connus : {known}).")
    return load_path(path)


def merged(forms: Sequence[Form]) -> Form:
    """One form showing the questions of several versions (a workbook over a mixed history).

    The first form's fields in its order; each field only a later version
    has comes after the field it follows in that version. Values, rules and
    readings stay each record's own form's: this is for showing, not for reading.
    """
    forms = list({form.id: form for form in forms}.values())  # each once, at its first place
    if len(forms) == 1:
        return forms[0]
    fields = list(forms[0].fields)
    for form in forms[1:]:
        known = {f.key for f in fields}
        for position, field_def in enumerate(form.fields):
            if field_def.key in known:
                continue
            before = next((f.key for f in reversed(form.fields[:position]) if f.key in known), None)
            at = next((i + 1 for i, f in enumerate(fields) if f.key == before), 0)
            fields.insert(at, field_def)
            known.add(field_def.key)
    return replace(
        forms[0], id="+".join(f.id for f in forms), fields=tuple(fields),
        tables={k: v for f in reversed(forms) for k, v in f.tables.items()},
        choices={k: v for f in reversed(forms) for k, v in f.choices.items()},
        types={k: v for f in reversed(forms) for k, v in f.types.items()},
        sections={k: v for f in reversed(forms) for k, v in f.sections.items()},
        digest=forms_digest(forms))


def forms_digest(forms: Sequence[Form]) -> str:
    """One digest of several definitions: a file none of them recognised is read again when one changes."""
    return hashlib.sha256("".join(sorted(form.digest for form in forms)).encode()).hexdigest()


def available() -> list[str]:
    """The ids of the forms defined in ``forms/``, in order.

    Listed once for each state of the folder (its path and modification time, which a form added,
    removed or renamed changes): every file read asks for the versions, and listing the folder
    cost about 3% of reading our own fillable form."""
    try:
        stamp = FORMS_DIR.stat().st_mtime_ns
    except OSError:
        stamp = None  # listed as glob finds it (nothing): the error is said where a form is loaded
    return list(_listed(FORMS_DIR, stamp))


@cache
def _listed(folder: Path, stamp: int | None) -> tuple[str, ...]:
    return tuple(sorted(path.stem for path in folder.glob("*.toml")))


def in_order(first: str) -> list[Form]:
    """Every form defined in ``forms/``, ``first`` first (the command line's form: it wins a tie
    between versions and gives its keys to the files no version recognises)."""
    return [load(first)] + [load(form_id) for form_id in available() if form_id != first]


def load_path(path: Path) -> Form:
    """The form defined in ``path``; :class:`FormDefinitionError` names the file and line of a mistake."""
    data, digest = _checked(path)
    try:
        return replace(parse(data), digest=digest)
    except (KeyError, TypeError) as error:
        raise FormDefinitionError(f"Définition du formulaire invalide ({path.name}) : l'entrée {error} "
                                  f"manque ou n'a pas la bonne forme. Corrigez le fichier {path} puis "
                                  "relancez.") from error


def _checked(path: Path, extended_by: Path | None = None) -> tuple[dict, str]:
    """The data of the definition ``path`` (with the version it extends applied), checked, and its digest."""
    from questionnaire.schema import check, mistake  # the schema asks the type registry, which needs this module
    from questionnaire.types import TYPES

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise FormDefinitionError(f"Définition du formulaire illisible : {path} ({error}).") from error
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"line (\d+)", str(error))
        where = f"{path.name}, ligne {line.group(1)}" if line else path.name
        raise FormDefinitionError(f"Définition du formulaire invalide ({where}) : ce n'est pas du TOML "
                                  f"valide. Corrigez le fichier {path} puis relancez.") from error
    digest = hashlib.sha256(text.encode()).hexdigest()
    if "extends" in data:
        if extended_by is not None:  # one step only: no chain, no cycle
            raise mistake(path, text, f"cette version est complétée par {extended_by.name} : elle ne peut "
                          "pas en compléter une autre", "extends")
        data, digest = _extended(data, text, path, digest)
    check(data, text, path, TYPES)
    return data, digest


def _extended(changes: dict, text: str, path: Path, digest: str) -> tuple[dict, str]:
    """The data of a version written as changes to another (:mod:`questionnaire.extends`), and a
    digest of both files: a change to the shared questions re-reads this version's files too."""
    from questionnaire.extends import LISTS, REMOVABLE, apply
    from questionnaire.schema import mistake

    changes = dict(changes)
    base_id = changes.pop("extends")
    base_path = path.parent / f"{base_id}.toml"
    if not isinstance(base_id, str) or base_id == path.stem or not base_path.is_file():
        raise mistake(path, text, f"la version « {base_id} » qu'elle complète (extends) n'existe pas", "extends")
    base_data, base_digest = _checked(base_path, extended_by=path)  # checked on its own, with its own lines
    for name, gone in changes.get("remove", {}).items():
        if name not in REMOVABLE:
            raise mistake(path, text, f"« {name} » ne peut pas être retiré (possibles : {', '.join(REMOVABLE)})",
                          name)
        known = {LISTS[name](item) for item in base_data.get(name, [])} if name in LISTS \
            else set(base_data.get(name, {}))
        missing = sorted(set(gone) - known)
        if missing:
            raise mistake(path, text, f"« {missing[0]} » retiré de {name} n'existe pas dans la version "
                          f"« {base_id} »", missing[0])
    return apply(base_data, changes), hashlib.sha256((base_digest + digest).encode()).hexdigest()
