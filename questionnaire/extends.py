"""A version of the form written as its changes to another (``extends = "egalite-2024"``).

A new version keeps most of the questions, and everything learnt about reading
them (label variants, prompts, headers): it names the version it extends and
says only what differs, so an improvement to the shared questions serves every
version at once. How the changes apply, entry by entry:

- ``[form]``, ``[document]``, ``[commitments]``: each entry given replaces the base's;
- ``[sections]``: replaced whole when given (its order is the order of the form);
- ``[types]``, ``[choices]``, ``[tables]``: each one named replaces the base's of that name;
- ``[[fields]]`` (by ``key``, or ``table``) and ``[[rules]]`` (by ``id``): one with the name of
  the base's replaces it in its place, a new one comes after the base's;
- ``[remove]``: ``fields``, ``rules``, ``types``, ``document`` list what the version leaves out.
"""
from __future__ import annotations

from typing import Any

ENTRY_BY_ENTRY = ("form", "document", "commitments")
BY_NAME = ("types", "choices", "tables")
LISTS = {"fields": lambda item: item.get("key") or f"table:{item.get('table')}",
         "rules": lambda item: item.get("id")}
REMOVABLE = ("fields", "rules", "types", "document")


def apply(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The base version's data with ``changes`` (its ``extends`` already taken out) applied."""
    data = {name: value for name, value in base.items()}
    for name in ENTRY_BY_ENTRY + BY_NAME:
        if name in changes:
            data[name] = {**base.get(name, {}), **changes[name]}
    if "sections" in changes:
        data["sections"] = changes["sections"]
    for name, identity in LISTS.items():
        data[name] = _list(base.get(name, []), changes.get(name, []), identity)
    for name, gone in changes.get("remove", {}).items():
        data[name] = _without(data.get(name), set(gone), LISTS.get(name))
    unknown = set(changes) - {*ENTRY_BY_ENTRY, *BY_NAME, *LISTS, "sections", "remove"}
    data.update({name: changes[name] for name in unknown})  # the schema names what it does not know
    return data


def _list(base: list[dict[str, Any]], changes: list[dict[str, Any]], identity) -> list[dict[str, Any]]:
    replaced = {identity(item): item for item in changes}
    kept = [replaced.pop(identity(item), item) for item in base]
    return kept + [item for item in changes if identity(item) in replaced]


def _without(entries: Any, gone: set[str], identity) -> Any:
    if isinstance(entries, dict):
        return {name: value for name, value in entries.items() if name not in gone}
    return [item for item in entries or [] if identity(item) not in gone]
