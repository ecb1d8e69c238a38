"""The history is never lost silently (issue 12): checked at start, backed up before each run,
restored from the backup when emptied, damaged or gone, corrections included."""
from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from questionnaire.definition import load
from analyse.backup import BACKUP_NAME, damage, secure
from analyse.store import Store
from cli import main
from exit_codes import Exit, HistoryError

ROOT = Path(__file__).resolve().parent.parent
INBOX = ROOT / "samples" / "inbox"
FIRST = "VM-2026-014/Questionnaire egalite Lefebvre.pdf"
SECOND = "CHV-2026-007/Egalite FH - Nordpaysage.pdf"
NAME_LABEL = "Raison sociale / nom de la structure"


def _inbox(folder: Path, relative: str) -> Path:
    (folder / relative).parent.mkdir(parents=True)
    shutil.copy(INBOX / relative, folder / relative)
    return folder


def _run(inbox: Path, output: Path):
    return CliRunner().invoke(main, ["run", str(inbox), "--output", str(output), "--workers", "1"])


def _type_name(output: Path, tender: str, name: str) -> None:
    """The officer corrects the structure's name in the answers sheet and saves."""
    path = output / tender / f"synthese-{tender}.xlsx"
    wb = load_workbook(path)
    ws = wb["Réponses"]
    titles = [cell.value for cell in ws[1]]
    ws.cell(row=2, column=titles.index(NAME_LABEL) + 1).value = name
    wb.save(path)


def _names(output: Path) -> dict[str, str]:
    with Store(output / "egalite.sqlite", load("egalite-2024")) as store:
        return {record.file: record.fields()["structure_name"] for record in store.latest()}


def _two_campaigns(tmp_path: Path) -> Path:
    """Two campaigns, each corrected by the officer after its run: the history holds both.

    The backup taken at the start of the second run knows neither the
    second campaign nor the correction of the first.
    """
    output = tmp_path / "sortie"
    assert _run(_inbox(tmp_path / "campagne 1", FIRST), output).exit_code == Exit.OK
    _type_name(output, "VM-2026-014", "Lefebvre corrigé")
    assert _run(_inbox(tmp_path / "campagne 2", SECOND), output).exit_code == Exit.OK
    _type_name(output, "CHV-2026-007", "Nordpaysage corrigé")
    assert _names(output)[FIRST] == "Lefebvre corrigé"
    return output


def _empty(store: Path) -> None:
    store.write_bytes(b"")


def _garbage(store: Path) -> None:
    store.write_bytes(b"\x00garbage" * 1000)


def _truncated(store: Path) -> None:
    store.write_bytes(store.read_bytes()[: store.stat().st_size // 2])


def _gone(store: Path) -> None:
    store.unlink()


@pytest.mark.parametrize("harm", [_empty, _garbage, _truncated, _gone])
def test_a_harmed_history_is_restored_from_its_backup_and_says_so(tmp_path: Path, harm) -> None:
    output = _two_campaigns(tmp_path)
    store = output / "egalite.sqlite"
    harmed = store.read_bytes()
    harm(store)
    if store.exists():
        harmed = store.read_bytes()
    result = _run(tmp_path / "campagne 2", output)
    assert result.exit_code == Exit.OK, result.output
    assert "il a été remplacé par sa sauvegarde du" in result.output
    assert set(_names(output)) == {FIRST, SECOND}  # the earlier campaign is still there
    assert _names(output) == {FIRST: "Lefebvre corrigé", SECOND: "Nordpaysage corrigé"}  # and the corrections
    assert "inconnu" not in result.output
    territory = load_workbook(output / "synthese-territoire.xlsx", read_only=True)
    text = " ".join(str(cell) for ws in territory for row in ws.iter_rows(values_only=True) for cell in row)
    assert "VM-2026-014" in text and "CHV-2026-007" in text
    kept = list(output.glob("egalite-endommage-*.sqlite"))
    if harm is not _gone:
        assert len(kept) == 1 and kept[0].read_bytes() == harmed and str(kept[0]) in result.output


def test_a_damaged_history_without_backup_stops_the_run_and_is_kept(tmp_path: Path) -> None:
    output = tmp_path / "sortie"
    assert _run(_inbox(tmp_path / "offres", FIRST), output).exit_code == Exit.OK
    assert not (output / BACKUP_NAME).exists()  # the first run found no history to back up
    _empty(output / "egalite.sqlite")
    jsonl = (output / "records.jsonl").read_bytes()
    result = _run(tmp_path / "offres", output)
    assert result.exit_code == Exit.HISTORY
    assert "est vide (0 octet), et sa sauvegarde" in result.output and "n'existe pas" in result.output
    assert "Traceback" not in result.output
    assert (output / "egalite.sqlite").read_bytes() == b""
    assert (output / "records.jsonl").read_bytes() == jsonl


def test_the_backup_is_the_history_as_the_run_found_it(tmp_path: Path) -> None:
    store = tmp_path / "egalite.sqlite"
    with Store(store, load("egalite-2024")) as history:
        history.start_run(tmp_path, datetime(2025, 1, 1))
    assert secure(store) is None
    with sqlite3.connect(tmp_path / BACKUP_NAME) as backup:
        assert backup.execute("SELECT COUNT(*) FROM runs").fetchone() == (1,)
    (tmp_path / "nouveau").mkdir()
    assert secure(tmp_path / "nouveau" / "egalite.sqlite") is None  # a first run: nothing to check or back up
    assert list((tmp_path / "nouveau").iterdir()) == []


def test_damage_names_what_is_wrong(tmp_path: Path) -> None:
    store = tmp_path / "egalite.sqlite"
    Store(store, load("egalite-2024")).close()
    assert damage(store) is None
    _truncated(store)
    assert damage(store) is not None
    store.write_bytes(b"")
    assert damage(store) == "est vide (0 octet)"
    _garbage(store)
    assert "endommagé" in damage(store)
    store.unlink()
    sqlite3.connect(store).execute("CREATE TABLE autre (x)").connection.close()
    assert "tables manquantes" in damage(store)
    with pytest.raises(HistoryError, match="La lecture est arrêtée"):
        secure(store)
