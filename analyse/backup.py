"""The history kept safe: checked at the start of a run, backed up before the run writes to it,
restored from the backup when it is found emptied, damaged or gone.

The history (``egalite.sqlite``) holds every earlier campaign and the
officer's corrections; the workbooks are built from it. A store emptied by a
sync tool or damaged by a full disk must never be silently replaced by a new,
empty one: it is set aside (kept, renamed), the backup taken at the start of
the previous run is put in its place, and the officer is told. What the
previous run added is read again (files by their content, corrections from
the workbooks it wrote). Without a usable backup the run stops (exit 6).
"""
from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path

from analyse.atomic import replacing
from exit_codes import HistoryError

BACKUP_NAME = "egalite-sauvegarde.sqlite"
TABLES = {"runs", "versions", "corrections"}
SIDE_FILES = ("-wal", "-shm")  # SQLite's journal of a store in WAL mode


def secure(store: Path) -> str | None:
    """Check the store and back it up; restore it from the backup when it is damaged.

    Returns a French sentence saying what was restored, or None when the
    store was sound (or new). Raises :class:`HistoryError` when it is
    damaged and no backup can replace it.
    """
    backup = store.with_name(BACKUP_NAME)
    problem = damage(store) if store.exists() else ("a disparu" if backup.exists() else None)
    note = None
    if problem:
        if not backup.exists() or damage(backup):
            raise HistoryError(_no_backup(store, problem, backup))
        note = _restore(store, backup, problem)
    if store.exists():
        _copy(store, backup)
    return note


def damage(path: Path) -> str | None:
    """What is wrong with the store at ``path`` (French, after « L'historique … »), or None."""
    if path.stat().st_size == 0:
        return "est vide (0 octet)"
    try:
        with closing(sqlite3.connect(path)) as db:
            check = [row[0] for row in db.execute("PRAGMA quick_check")]
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError:
        return "est endommagé (ce n'est plus une base de données lisible)"
    if check != ["ok"]:
        return f"est endommagé (contrôle d'intégrité : {check[0]})"
    if not TABLES <= tables:
        return "ne contient pas l'historique d'egalite (tables manquantes)"
    return None


def _restore(store: Path, backup: Path, problem: str) -> str:
    taken = datetime.fromtimestamp(backup.stat().st_mtime).strftime("%d/%m/%Y à %H:%M")
    kept = _set_aside(store) if store.exists() else None
    _copy(backup, store)
    return (f"L'historique {store} {problem} : il a été remplacé par sa sauvegarde du {taken} ({backup}). "
            + (f"Le fichier endommagé est gardé sous le nom {kept}. " if kept else "")
            + "Les fichiers lus depuis sont relus et les corrections tapées dans les classeurs sont relues.")


def _no_backup(store: Path, problem: str, backup: Path) -> str:
    why = "est endommagée elle aussi" if backup.exists() else "n'existe pas"
    return (f"L'historique {store} {problem}, et sa sauvegarde {backup} {why}. La lecture est arrêtée pour ne "
            "rien perdre. Si vous avez une copie de ce fichier (sauvegarde de vos dossiers), remettez-la à sa "
            f"place, puis relancez. Pour repartir d'un historique vide, déplacez {store.name} hors du dossier : "
            "les campagnes précédentes et les corrections qu'il contenait n'apparaîtront plus dans les classeurs.")


def _set_aside(store: Path) -> Path:
    """Rename the damaged store (and its journal) so that nothing of it is lost; the new name."""
    kept = store.with_name(f"egalite-endommage-{datetime.now():%Y%m%d-%H%M%S}.sqlite")
    for suffix in ("", *SIDE_FILES):
        side = store.with_name(store.name + suffix)
        if side.exists():
            os.replace(side, kept.with_name(kept.name + suffix))
    return kept


def _copy(source: Path, target: Path) -> None:
    """A consistent copy of a store (its journal included), written beside ``target`` and renamed."""
    with replacing(target) as temporary, closing(sqlite3.connect(source)) as origin, \
            closing(sqlite3.connect(temporary)) as copy:
        origin.backup(copy)
