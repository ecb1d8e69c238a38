"""What a form definition may say, checked when it loads.

A mistake in a ``forms/*.toml`` file (``read = "inlnie"``, a type or a rule
kind no code knows, a rule naming a key the form lacks) must stop the
program with the file and the line, not make a field silently null.
tomllib keeps no positions, so the line is found in the raw text: the line
where the offending name or value is written.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable

from exit_codes import FormDefinitionError

READ_KINDS = ("inline", "choice", "area")  # where a single field's value sits (cells, boxes, details: by section)
# Each rule kind with the parameters it needs; those ending in "key" name a field, "table" a table.
RULE_PARAMS: dict[str, tuple[str, ...]] = {
    "table_sums": ("table",),
    "given_while_false": ("key", "condition"),
    "required_from": ("key", "count", "threshold"),
    "commitment_details": (),
    "tender_ref": ("key",),
    "reaches": ("key", "threshold", "message"),
}
KEY_PARAMS = ("key", "condition", "count")
ROLES = ("structure_name", "siret", "tender_ref", "head_count", "officers", "board", "board_women_share",
         "volunteers_women_share", "policy", "index_score")
AXIS_ROLES = {"head_count": ("managers", "women"), "officers": ("women",)}  # rows or columns the figures name
FIELD_ENTRIES = {"key", "section", "label", "type", "read", "anchors", "unit", "max_length", "until", "after", "named",
                 "optional", "role", "table", "text_before", "headings"}
TABLE_ENTRIES = {"section", "title", "key", "type", "label", "rows", "columns", "choices", "sum_row",
                 "sum_column", "grand_total", "role", "text_before", "text_after"}
RULE_ENTRIES = {"id", "kind", "severity"}
SEVERITIES = ("error", "warning", "info")


def line_of(text: str, *needles: str) -> int | None:
    """The first line (1-based) holding every needle: a name followed by ``=``, a quoted value or a ``[table]``."""
    patterns = [re.compile(rf"(?<![\w.-]){re.escape(n)}\s*=|\"{re.escape(n)}\"|\[{re.escape(n)}\]") for n in needles]
    for number, line in enumerate(text.splitlines(), start=1):
        if all(p.search(line) for p in patterns):
            return number
    return None


def mistake(path: Path, text: str, message: str, *needles: str) -> FormDefinitionError:
    """The error for a mistake in the definition ``path``, at the line where ``needles`` are written."""
    line = line_of(text, *needles) or line_of(text, needles[-1]) if needles else None
    where = f"{path.name}, ligne {line}" if line else path.name
    return FormDefinitionError(f"Définition du formulaire invalide ({where}) : {message}. "
                               f"Corrigez le fichier {path} puis relancez.")


class _Checker:
    def __init__(self, data: dict[str, Any], text: str, path: Path) -> None:
        self.data, self.text, self.path = data, text, path

    def fail(self, message: str, *needles: str) -> None:
        raise mistake(self.path, self.text, message, *needles)

    def known(self, entries: dict[str, Any], allowed: Iterable[str], what: str) -> None:
        for name in entries:
            if name not in allowed:
                self.fail(f"« {name} » n'est pas une clé connue pour {what}", name)

    def check(self, types: Iterable[str]) -> None:
        types = set(types)
        form_id = self.data.get("form", {}).get("id")
        if form_id != self.path.stem:
            self.fail(f"l'identifiant « {form_id} » du formulaire doit être le nom du fichier « {self.path.stem} »",
                      "id", str(form_id))
        for name in self.data.get("types", {}):
            if name not in types:
                self.fail(f"le type « {name} » n'existe pas (types connus : {', '.join(sorted(types))})",
                          f"types.{name}")
        tables = self.data.get("tables", {})
        for table_id, table in tables.items():
            self.known(table, TABLE_ENTRIES, f"le tableau « {table_id} »")
            self._type(table.get("type"), types, "type")
            if "choices" in table and table["choices"] not in self.data.get("choices", {}):
                self.fail(f"la liste de choix « {table['choices']} » n'existe pas", "choices", table["choices"])
        keys = set(self._field_keys(tables))
        for item in self.data.get("fields", []):
            self._field(item, tables, types)
        self._roles(tables)
        document = self.data.get("document", {})
        for item in [*self.data.get("fields", []), *tables.values()]:
            for entry in ("text_before", "text_after"):
                if entry in item and item[entry] not in document:
                    self.fail(f"« {entry} » nomme le texte « {item[entry]} », absent de [document]",
                              entry, item[entry])
        for rule in self.data.get("rules", []):
            self._rule(rule, keys, tables)

    def _type(self, name: Any, types: set[str], entry: str) -> None:
        if name not in types or name not in self.data.get("types", {}):
            self.fail(f"le type « {name} » n'existe pas (types connus : {', '.join(sorted(types))})",
                      entry, str(name))

    def _field(self, item: dict[str, Any], tables: dict[str, Any], types: set[str]) -> None:
        self.known(item, FIELD_ENTRIES, f"le champ « {item.get('key', item.get('table', '?'))} »")
        if "key" not in item:
            if item.get("table") not in tables:
                self.fail(f"le tableau « {item.get('table')} » n'existe pas", "table", str(item.get("table")))
            return
        for needed in ("label", "section", "type", "read"):
            if needed not in item:
                self.fail(f"le champ « {item['key']} » n'a pas de « {needed} »", "key", item["key"])
        self._type(item["type"], types, "type")
        if item["read"] not in READ_KINDS:
            self.fail(f"la façon de lire « {item['read']} » (read) du champ « {item['key']} » est inconnue "
                      f"(connues : {', '.join(READ_KINDS)})", "read", item["read"])

    def _roles(self, tables: dict[str, Any]) -> None:
        roles = [item["role"] for item in [*self.data.get("fields", []), *tables.values()] if "role" in item]
        for role in roles:
            if role not in ROLES:
                self.fail(f"le rôle « {role} » est inconnu (rôles connus : {', '.join(ROLES)})", "role", role)
            if roles.count(role) > 1:
                self.fail(f"le rôle « {role} » est donné à plusieurs champs", "role", role)
        choices = self.data.get("choices", {})
        for table_id, table in tables.items():
            axes = [*table.get("rows", []), *table.get("columns", []),
                    *choices.get(table.get("choices"), {}).values()]
            for role in AXIS_ROLES.get(table.get("role"), ()):
                if not any(axis.get("role") == role for axis in axes):
                    self.fail(f"le tableau « {table_id} » n'a pas de ligne ni de colonne de rôle « {role} »",
                              f"tables.{table_id}")

    def _rule(self, rule: dict[str, Any], keys: set[str], tables: dict[str, Any]) -> None:
        kind = rule.get("kind")
        if kind not in RULE_PARAMS:
            self.fail(f"la règle « {rule.get('id')} » a un type « {kind} » inconnu "
                      f"(types connus : {', '.join(RULE_PARAMS)})", "kind", str(kind))
        if rule.get("severity") not in SEVERITIES:
            self.fail(f"la gravité « {rule.get('severity')} » de la règle « {rule.get('id')} » est inconnue "
                      f"({', '.join(SEVERITIES)})", "severity", str(rule.get("severity")))
        self.known(rule, RULE_ENTRIES | set(RULE_PARAMS[kind]), f"une règle « {kind} »")
        for param in RULE_PARAMS[kind]:
            if param not in rule:
                self.fail(f"la règle « {rule.get('id')} » n'a pas de « {param} »", "id", str(rule.get("id")))
            value = rule[param]
            if param in KEY_PARAMS and value not in keys:
                self.fail(f"la règle « {rule.get('id')} » nomme le champ « {value} », absent du formulaire",
                          param, str(value))
            if param == "table" and value not in tables:
                self.fail(f"la règle « {rule.get('id')} » nomme le tableau « {value} », absent du formulaire",
                          param, str(value))

    def _field_keys(self, tables: dict[str, Any]) -> Iterable[str]:
        for item in self.data.get("fields", []):
            if "key" in item:
                yield item["key"]
            elif item.get("table") in tables:
                table = tables[item["table"]]
                columns = [None] if "choices" in table else [c.get("id") for c in table.get("columns", [])]
                for row in table.get("rows", []):
                    for column in columns:
                        yield table["key"].format(row=row.get("id"), column=column)
        commitments = self.data.get("commitments", {})
        for item in commitments.get("items", []):
            yield commitments["done_key"].format(id=item["id"])
            yield commitments["details_key"].format(id=item["id"])


def check(data: dict[str, Any], text: str, path: Path, types: Iterable[str]) -> None:
    """Raise :class:`FormDefinitionError` naming the file and line of the first mistake in ``data``."""
    _Checker(data, text, path).check(types)
