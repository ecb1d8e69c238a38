"""Which workbooks must be written again, and which may hold the officer's corrections.

Writing a workbook costs far more than reading a fillable file, and reading
one back for corrections nearly as much: a run where nothing changed must
not redo either for every consultation. After writing a workbook the run
keeps, in the store, a digest of what it was written from (the stored
records and corrections, the options, the code that lays workbooks out) and a
digest of the file written. A workbook is written again only when what it
would be written from changed, or the file is not the one written (deleted,
replaced, or saved by the officer); it is read back for corrections only
when the file is not the one written (the officer saved it).
"""
from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from analyse.store import Store

LAYOUT_SOURCES = ("analyse", "questionnaire")  # the code and form definition workbooks are laid out by


def file_digest(path: Path) -> str | None:
    """The SHA-256 of a file's content; None when there is no readable file."""
    try:
        with open(path, "rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except OSError:
        return None


@cache
def layout_digest() -> str:
    """A digest of the sources workbooks depend on: a new version of egalite rewrites them all."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent.parent
    for package in LAYOUT_SOURCES:
        for path in sorted((root / package).rglob("*")):
            if path.suffix in (".py", ".toml"):
                digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def inputs_digest(content: str | list[str], *options: Any) -> str:
    """A digest of what a workbook is written from: the store's digest of its records, and the options."""
    return hashlib.sha256(json.dumps([layout_digest(), content, *options], default=str).encode()).hexdigest()


def _name(path: Path, output: Path) -> str:
    return path.relative_to(output).as_posix()


def up_to_date(store: Store, output: Path, path: Path, inputs: str) -> bool:
    """Whether ``path`` is the workbook this run would write from ``inputs``."""
    stamp = store.workbook_stamp(_name(path, output))
    return stamp is not None and stamp[0] == inputs and file_digest(path) == stamp[1]


def as_written(store: Store, output: Path, path: Path) -> bool:
    """Whether ``path`` is still the file a run wrote (so nobody typed anything in it)."""
    stamp = store.workbook_stamp(_name(path, output))
    return stamp is not None and file_digest(path) == stamp[1]


def stamp(store: Store, output: Path, path: Path, inputs: str) -> None:
    """Remember what ``path`` was just written from, and the file written."""
    store.stamp_workbook(_name(path, output), inputs, file_digest(path) or "")
