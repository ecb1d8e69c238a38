"""A structure's head counts: one definition for validation and the indicators.

A table cell as written, or when blank what its parts add up to (SPEC.md:
"a blank cell of a row that has other values counts as 0; a row left
wholly blank is not answered"). The grand total, when blank, is the total
row as written, else the sum of each row's count (its total, or its cells):
managers 30 and non-managers 40 with a blank Total row make 70, for the
index obligation as for the share of women.
"""
from __future__ import annotations

from typing import Any

from questionnaire.definition import Table

Number = int | float


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def staff_count(values: dict[str, Any], table: Table, row: str | None = None,
                column: str | None = None) -> Number | None:
    """The count of ``row`` × ``column`` (by default the grand total); None when nothing is given."""
    row, column = row or table.sum_row, column or table.sum_column
    written = values.get(table.key(row, column))
    if is_number(written):
        return written
    rows = [r.id for r in table.rows if r.id != table.sum_row]
    columns = [c.id for c in table.columns if c.id != table.sum_column]
    if row == table.sum_row and column == table.sum_column:
        candidates = [[values.get(table.key(row, c)) for c in columns],
                      [staff_count(values, table, r, column) for r in rows]]
    elif row == table.sum_row:
        candidates = [[values.get(table.key(r, column)) for r in rows]]
    elif column == table.sum_column:
        candidates = [[values.get(table.key(row, c)) for c in columns]]
    else:
        return None
    for given in candidates:
        numbers = [value for value in given if is_number(value)]
        if numbers:
            return sum(numbers)
    return None
