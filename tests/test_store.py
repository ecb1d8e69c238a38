"""The history store: runs, one row per file version, cache, latest versions."""
from __future__ import annotations

import hashlib
import json
import math
import sqlite3
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import orjson
import pytest

import analyse.store
from analyse.corrections import Correction
from analyse.export import columns
from questionnaire.definition import load
from questionnaire.record import Finding, Record
from analyse.store import Made, Store, Unchanged, record_text
from tests.support_analyse import EXTRACTOR, fill_store, record, staff, tender_a


def _versions(store: Store) -> list[tuple]:
    return [tuple(row) for row in store.db.execute("SELECT tender, file, first_run, last_run FROM versions ORDER BY id")]


def test_every_run_keeps_its_records_and_the_latest_covers_all_campaigns(tmp_path: Path) -> None:
    store = fill_store(tmp_path / "egalite.sqlite")
    latest = store.latest()
    assert [r.file for r in latest] == [
        "T-2024-01/alpha.pdf", "T-2024-01/beta.pdf", "T-2024-01/gamma.pdf", "T-2024-01/lettre.pdf",
        "T-2025-07/alpha-2025.pdf", "T-2025-07/delta.pdf"]
    assert [r.file for r in store.latest("T-2025-07")] == ["T-2025-07/alpha-2025.pdf", "T-2025-07/delta.pdf"]
    received = {v.record.file: v.received for v in store.latest_versions()}
    assert received["T-2024-01/beta.pdf"] == datetime(2024, 3, 1, 9)
    assert received["T-2025-07/delta.pdf"] == datetime(2025, 6, 2, 9)
    assert store.tenders() == ["T-2024-01", "T-2025-07"]
    beta = next(r for r in latest if r.file == "T-2024-01/beta.pdf")
    assert beta.fields()["policy.text"] == "=1+1"
    assert next(r for r in latest if r.file.endswith("lettre.pdf")).status == "rejected"


def test_same_content_seen_again_is_one_row_and_a_new_content_a_new_version(tmp_path: Path) -> None:
    path = tmp_path / "egalite.sqlite"
    store = Store(path, load("egalite-2024"))
    first = store.start_run(Path("inbox"), datetime(2024, 1, 1))
    store.save(first, record("T/a.pdf", "T", {"structure_name": "A", **staff((1, 1), (1, 1))}), EXTRACTOR)
    second = store.start_run(Path("inbox"), datetime(2024, 2, 1))
    store.save(second, record("T/a.pdf", "T", {"structure_name": "A", **staff((1, 1), (1, 1))}), EXTRACTOR)
    assert _versions(store) == [("T", "T/a.pdf", first, second)]
    third = store.start_run(Path("inbox"), datetime(2024, 3, 1))
    store.save(third, record("T/a.pdf", "T", {"structure_name": "A bis"}, content="v2"), EXTRACTOR)
    assert len(_versions(store)) == 2
    assert [r.fields()["structure_name"] for r in store.latest()] == ["A bis"]
    assert store.latest_versions()[0].received == datetime(2024, 3, 1)


def test_a_cached_record_saved_unchanged_is_not_written_again_and_a_changed_one_is(tmp_path: Path) -> None:
    store = fill_store(tmp_path / "egalite.sqlite")
    alpha = tender_a()[0]
    # The stored text laid out otherwise: writing the record again would give it back compact.
    store.db.execute("UPDATE versions SET record = json(record) || ' ' WHERE sha256 = ?", (alpha.sha256,))
    run = store.start_run(Path("inbox"), datetime(2026, 1, 1))
    store.save(run, store.cached(alpha.sha256, EXTRACTOR), EXTRACTOR)
    [(text, last_run)] = store.db.execute("SELECT record, last_run FROM versions WHERE sha256 = ?", (alpha.sha256,))
    assert text.endswith(" ") and last_run == run
    changed = store.cached(alpha.sha256, EXTRACTOR)
    changed.findings = []
    store.save(run, changed, EXTRACTOR)
    [(text,)] = store.db.execute("SELECT record FROM versions WHERE sha256 = ?", (alpha.sha256,))
    assert not text.endswith(" ") and json.loads(text)["findings"] == []


def test_a_record_made_by_a_worker_is_stored_as_its_text_without_being_parsed(tmp_path: Path, monkeypatch) -> None:
    """The text a reading worker made is stored as given (here laid out by the json module, to tell it
    from the text the store would make), unparsed, and the digest returned is that text's."""
    store = Store(tmp_path / "egalite.sqlite", load("egalite-2024"))
    run = store.start_run(Path("inbox"), datetime(2024, 1, 1))
    given = record("T/a.pdf", "T", {"structure_name": "A"})
    made = Made.of(given, columns("egalite-2024"))._replace(text=json.dumps(given.to_dict(), ensure_ascii=False))
    monkeypatch.setattr(analyse.store, "record_data", _not_parsed)
    digest = store.save(run, made, EXTRACTOR)
    other = store.save(run, record("T/b.pdf", "T", {"structure_name": "B"}), EXTRACTOR)
    monkeypatch.undo()
    stored = dict(store.db.execute("SELECT file, record FROM versions").fetchall())
    assert stored["T/a.pdf"] == made.text and not stored["T/b.pdf"].startswith('{"file": ')
    assert digest == hashlib.sha256(made.text.encode()).hexdigest()
    assert other == hashlib.sha256(stored["T/b.pdf"].encode()).hexdigest()
    assert store.latest()[0].to_dict() == given.to_dict()


def _not_parsed(text: str):
    raise AssertionError("a record's text was parsed")


def test_a_made_record_found_in_the_cache_as_it_is_only_moves_its_last_run(tmp_path: Path) -> None:
    """A cached record read again by a worker (its definitions changed) and made the same keeps its row."""
    store = fill_store(tmp_path / "egalite.sqlite")
    alpha = tender_a()[0]
    # The stored text laid out otherwise: writing the record again would give it back compact.
    store.db.execute("UPDATE versions SET record = json(record) || ' ' WHERE sha256 = ?", (alpha.sha256,))
    run = store.start_run(Path("inbox"), datetime(2026, 1, 1))
    assert store.cached(alpha.sha256, EXTRACTOR) is not None
    store.save(run, Made.of(alpha, columns("egalite-2024")), EXTRACTOR)
    [(text, last_run)] = store.db.execute("SELECT record, last_run FROM versions WHERE sha256 = ?", (alpha.sha256,))
    assert text.endswith(" ") and last_run == run
    changed = Made.of(record(alpha.file, alpha.tender, {"structure_name": "Autre"}, content=alpha.file),
                      columns("egalite-2024"))
    assert store.cached(alpha.sha256, EXTRACTOR) is not None
    store.save(run, changed, EXTRACTOR)
    [(text,)] = store.db.execute("SELECT record FROM versions WHERE sha256 = ?", (alpha.sha256,))
    assert text == changed.text


def test_a_records_text_is_that_of_its_dict_even_with_an_attribute_besides_its_fields() -> None:
    """orjson writes the record's own attributes: one set besides the fields is not stored (the record
    could not be read back), the text is the dict's all the same."""
    placed = record("T/placé.pdf", "T", {"structure_name": "Placée", "board.women_pct": 40.5},
                    doubts={"structure_name": "À vérifier."})
    placed.readings["structure_name"].bbox = (1.5, 2.0, 3.25, 449.04980000000006)
    placed.published_index = {"score": 82, "year": 2025}
    placed.findings.append(Finding("board.women_pct", "warning", "Vérifier.", "rule"))
    assert record_text(placed) == orjson.dumps(placed.to_dict()).decode()
    placed.readings["structure_name"].seen = True
    assert record_text(placed) == orjson.dumps(placed.to_dict()).decode()
    placed.note = "x"
    assert Record.from_dict(json.loads(record_text(placed))).to_dict() == placed.to_dict()


def test_corrected_records_read_only_the_saved_records_a_correction_names(tmp_path: Path) -> None:
    """A record the run saved is held without its text: the one a correction names is read back from the
    store (its own file version, not the same content stored elsewhere), the others are exported as they came."""
    store = fill_store(tmp_path / "egalite.sqlite")
    alpha, beta = tender_a()[:2]
    copy = replace(alpha, file=alpha.file + ".copie.pdf", readings={})  # the same content hash, elsewhere
    store.save(store.start_run(Path("inbox"), datetime(2024, 6, 1)), copy, EXTRACTOR)
    saved = [Made.of(r, columns("egalite-2024")).saved() for r in (alpha, beta)]
    assert not hasattr(saved[0], "text")
    store.add_corrections([Correction(alpha.tender, alpha.file, "structure_name", "Alpha corrigée", alpha.sha256)])
    corrected, untouched = store.corrected_records(saved)
    assert untouched is saved[1]
    assert isinstance(corrected, Record) and corrected.sha256 == alpha.sha256
    assert corrected.fields()["structure_name"] == "Alpha corrigée"
    assert corrected.fields()["siret"] == alpha.fields()["siret"]  # alpha's own version, not its copy's


def test_saved_records_are_committed_on_closing(tmp_path: Path) -> None:
    path = tmp_path / "egalite.sqlite"
    store = Store(path, load("egalite-2024"))
    store.save(store.start_run(Path("inbox"), datetime(2024, 1, 1)), record("T/a.pdf", "T", {}), EXTRACTOR)
    store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT file FROM versions").fetchall() == [("T/a.pdf",)]


def test_cached_returns_the_extraction_of_identical_content_for_the_same_extractor(tmp_path: Path) -> None:
    store = fill_store(tmp_path / "egalite.sqlite")
    alpha = tender_a()[0]
    found = store.cached(alpha.sha256, EXTRACTOR)
    assert found is not None and found.to_dict() == alpha.to_dict()
    assert store.cached(alpha.sha256, "another-version") is None
    assert store.cached("0" * 64, EXTRACTOR) is None


def test_a_store_opened_read_only_sees_what_the_run_committed_and_writes_nothing(tmp_path: Path) -> None:
    store = fill_store(tmp_path / "egalite.sqlite")
    run = store.start_run(Path("inbox"), datetime(2026, 1, 1))
    store.save(run, record("T-2025-07/epsilon.pdf", "T-2025-07", {"structure_name": "E"}), EXTRACTOR)
    store.commit()
    with Store(tmp_path / "egalite.sqlite", store.form, read_only=True) as reader:
        assert [r.to_dict() for r in reader.latest("T-2025-07")] == [r.to_dict() for r in store.latest("T-2025-07")]
        assert "T-2025-07/epsilon.pdf" in [r.file for r in reader.latest("T-2025-07")]
        with pytest.raises(sqlite3.OperationalError):
            reader.start_run(Path("inbox"), datetime(2026, 2, 1))


def test_runs_are_recorded_and_the_store_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "egalite.sqlite"
    fill_store(path).close()
    with Store(path, load("egalite-2024")) as store:
        assert len(store.latest()) == 6
        mode = store.db.execute("PRAGMA journal_mode").fetchone()[0]
        runs = store.db.execute("SELECT started, finished, summary FROM runs ORDER BY id").fetchall()
    assert mode == "wal"
    assert [row["started"] for row in runs] == ["2024-03-01T09:00:00", "2025-06-02T09:00:00"]
    assert all(row["finished"] for row in runs)
    assert runs[0]["summary"] == '{"files": 4}'


def test_a_record_stored_with_a_value_orjson_cannot_write_is_stored_and_read_back(tmp_path: Path) -> None:
    store = Store(tmp_path / "egalite.sqlite", load("egalite-2024"))
    run = store.start_run(Path("inbox"), datetime(2024, 1, 1))
    huge = 10 ** 30  # beyond 64 bits: written by the json module instead
    store.save(run, record("T/a.pdf", "T", {"structure_name": "Électricité & Cie", **staff((huge, 1), (1, 1))}),
               EXTRACTOR)
    store.save(run, record("T/b.pdf", "T", {"structure_name": "B"}), EXTRACTOR)
    layouts = [text.startswith('{"file":"') for text, in store.db.execute("SELECT record FROM versions ORDER BY file")]
    assert layouts == [False, True]  # the json module's layout for the first, orjson's compact one for the other
    read = store.latest()[0]
    assert read.fields()["structure_name"] == "Électricité & Cie"
    assert huge in read.fields().values()


def test_a_record_text_laid_out_by_the_json_module_is_read_by_it(tmp_path: Path) -> None:
    """A store written before orjson holds the json module's layout, where a value not a number was ``NaN``
    (which orjson does not read): such a text stays readable, as it was written."""
    store = fill_store(tmp_path / "egalite.sqlite")
    alpha = tender_a()[0]
    [(text,)] = store.db.execute("SELECT record FROM versions WHERE sha256 = ?", (alpha.sha256,))
    data = json.loads(text)
    data["readings"]["structure_name"]["confidence"] = float("nan")
    store.db.execute("UPDATE versions SET record = ? WHERE sha256 = ?", (json.dumps(data), alpha.sha256))
    read = next(r for r in store.latest() if r.sha256 == alpha.sha256)
    assert math.isnan(read.readings["structure_name"].confidence)
    assert read.fields()["structure_name"] == alpha.fields()["structure_name"]


def test_the_latest_versions_without_boxes_hold_the_same_answers_and_no_position(tmp_path: Path) -> None:
    store = fill_store(tmp_path / "egalite.sqlite")
    run = store.start_run(Path("inbox"), datetime(2026, 1, 1))
    placed = record("T/placé.pdf", "T", {"structure_name": "Placée"}, doubts={"structure_name": "À vérifier."})
    placed.readings["structure_name"].bbox = placed.readings["structure_name"].zone = (1.5, 2.0, 3.25, 4.0)
    store.save(run, placed, EXTRACTOR)
    whole, slim = store.latest_versions(), store.latest_versions(boxes=False)
    assert [v.record.fields() for v in slim] == [v.record.fields() for v in whole]
    assert [v.record.review() for v in slim] == [v.record.review() for v in whole]
    assert [v.record.findings for v in slim] == [v.record.findings for v in whole]
    assert next(v for v in whole if v.record.file == "T/placé.pdf").record.readings["structure_name"].bbox \
        == (1.5, 2.0, 3.25, 4.0)
    assert all(r.bbox is None and r.zone is None for v in slim for r in v.record.readings.values())


def test_the_digests_tell_each_tender_s_files_and_change_with_what_its_workbook_shows(tmp_path: Path) -> None:
    """Store.digests: a tender's number of latest versions (what a workbook's writer holds), and a digest
    that a new version of one of its files changes, and no other tender's."""
    store = fill_store(tmp_path / "egalite.sqlite")
    before = store.digests()
    assert {tender: shown.files for tender, shown in before.items()} == {"T-2024-01": 4, "T-2025-07": 2}
    run = store.start_run(Path("inbox"), datetime(2026, 1, 1))
    store.save(run, record("T-2025-07/delta.pdf", "T-2025-07", {"structure_name": "Delta bis"}, content="v2"),
               EXTRACTOR)
    after = store.digests()
    assert after["T-2025-07"].files == 2 and after["T-2025-07"].digest != before["T-2025-07"].digest
    assert after["T-2024-01"] == before["T-2024-01"]
    alpha = tender_a()[0]
    alpha.findings = []  # the same file version, validated otherwise: its row's record replaced
    store.save(run, alpha, EXTRACTOR)
    assert store.digests()["T-2024-01"].digest != before["T-2024-01"].digest


def test_a_store_written_before_the_digests_gets_them_once_opened(tmp_path: Path, monkeypatch) -> None:
    """A history written by an earlier version has no digest column: opening it adds each record's digest,
    the digest of its stored text, and a file version seen again unchanged gives it."""
    path = tmp_path / "egalite.sqlite"
    store = fill_store(path)
    alpha = tender_a()[0]
    store.save(store.start_run(Path("inbox"), datetime(2026, 1, 1), checks="code"), alpha, EXTRACTOR)
    shown = store.digests()
    store.db.execute("ALTER TABLE versions DROP COLUMN digest")
    store.close()
    with monkeypatch.context() as patched:  # stopped while the digests are computed: nothing is kept
        patched.setattr(analyse.store, "_digest", _stopped)
        with pytest.raises(KeyboardInterrupt):
            Store(path, load("egalite-2024"))
    with sqlite3.connect(path) as db:
        assert "digest" not in {column[1] for column in db.execute("PRAGMA table_info(versions)")}
    store = Store(path, load("egalite-2024"))
    rows = dict(store.db.execute("SELECT sha256, digest FROM versions").fetchall())
    texts = dict(store.db.execute("SELECT sha256, record FROM versions").fetchall())
    assert len(rows) == 6 and all(rows[sha] == hashlib.sha256(texts[sha].encode()).hexdigest() for sha in rows)
    assert store.digests() == shown
    unchanged = store.cached(alpha.sha256, EXTRACTOR, (alpha.tender, alpha.file), checks="code")
    assert isinstance(unchanged, Unchanged) and unchanged.digest == rows[alpha.sha256]


def _stopped(text: str) -> str:
    raise KeyboardInterrupt
