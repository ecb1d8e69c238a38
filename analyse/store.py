"""The history store: every run's records in one SQLite file in the output folder.

One row per file version (tender, file, content hash), with the run that
first read it and the last run that saw it, so that the territory workbook
covers every campaign, not only today's inbox. Corrections typed by the
officer are kept in their own table and laid over the extracted record on
reading (:meth:`Store.latest`): a later extraction of the same file never
overwrites them. The store is the source of the workbooks.
"""
from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, NamedTuple

import orjson

from analyse.corrections import Correction, CorrectionReport, StoredCorrection, apply, judge
from analyse.export import Columns, Lines, lines
from questionnaire.definition import Form
from questionnaire.record import Finding, Reading, Record

SCHEMA_VERSION = 2  # 2: versions.digest
COMMIT_EVERY = 0.1  # seconds: the file versions saved meanwhile are committed together
SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    inbox TEXT NOT NULL,
    started TEXT NOT NULL,
    finished TEXT,
    summary TEXT
);
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY,
    tender TEXT NOT NULL,
    file TEXT NOT NULL,
    sha256 TEXT NOT NULL,              -- '' when unknown
    first_run INTEGER NOT NULL REFERENCES runs(id),
    last_run INTEGER NOT NULL REFERENCES runs(id),
    extractor_version TEXT NOT NULL,
    status TEXT NOT NULL,
    digest TEXT,                       -- SHA-256 of record, read before it (Store._add_digests: never NULL)
    record TEXT NOT NULL,              -- JSON of Record.to_dict(), as extracted
    UNIQUE (tender, file, sha256)
);
CREATE INDEX IF NOT EXISTS versions_sha ON versions (sha256, extractor_version);
CREATE TABLE IF NOT EXISTS corrections (
    id INTEGER PRIMARY KEY,
    tender TEXT NOT NULL,
    file TEXT NOT NULL,
    sha256 TEXT NOT NULL,              -- the file version corrected ('' when unknown)
    key TEXT NOT NULL,
    text TEXT NOT NULL,                -- as typed by the officer
    value TEXT,                        -- JSON of the normalised value (accepted ones)
    accepted INTEGER NOT NULL,
    message TEXT NOT NULL,
    origin TEXT NOT NULL,              -- the sheet it was typed in
    author TEXT NOT NULL,
    created TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS corrections_file ON corrections (tender, file, sha256);
CREATE TABLE IF NOT EXISTS choices (
    id INTEGER PRIMARY KEY,
    tender TEXT NOT NULL,
    structure TEXT NOT NULL,           -- analyse.indicators.structure_keys
    file TEXT NOT NULL,                -- the answer the officer retained
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS run_checks (
    run INTEGER PRIMARY KEY REFERENCES runs(id),
    code TEXT NOT NULL                 -- digest of the code that validated the records the run saved
);
CREATE TABLE IF NOT EXISTS workbooks (
    name TEXT PRIMARY KEY,             -- path relative to the output folder
    inputs TEXT NOT NULL,              -- digest of what it was written from
    sha256 TEXT NOT NULL               -- digest of the file as written
);
"""


@dataclass(frozen=True)
class Unchanged:
    """A file version seen again in the same place, whose stored record a run would store again as it is.

    The record was last saved or seen by a run whose validation was the same code as this run's, without
    Egapro's export (:meth:`Store.start_run`'s ``checks``): it is neither parsed nor validated again,
    :meth:`Store.save` only moves its last run, and an export that needs it reads it
    (:meth:`Store.corrected_records`).
    """

    version: int  # its row in ``versions``
    tender: str
    file: str
    status: str
    digest: str  # of the stored record's text (what the exports are written from)


class Made(NamedTuple):
    """A record as a reading worker made it, which the run does not parse: where it belongs, its status,
    its text as stored (:func:`record_text`) and its lines in the exports (:func:`analyse.export.lines`).
    Parsing it (:meth:`record`) cost the run's process as much as storing and exporting it."""

    tender: str
    file: str
    sha256: str | None
    status: str
    text: str
    lines: Lines

    @classmethod
    def of(cls, record: Record, columns: Columns) -> "Made":
        """What a reading worker gives of ``record``, the exports' CSV with ``columns``."""
        return cls(record.tender, record.file, record.sha256, record.status, record_text(record),
                   lines(record, columns))

    def record(self) -> Record:
        """The record parsed from its text (one an Egapro export or a correction changes)."""
        return Record.from_dict(record_data(self.text))

    def saved(self) -> "Saved":
        """What the run holds of it once stored."""
        return Saved(self.tender, self.file, self.sha256, self.status, self.lines)


class Saved(NamedTuple):
    """A :class:`Made` record once stored: where it belongs, its status and its lines in the exports, not
    its text (17 kB a record of our fillable form, held until the exports, and whose pages the C library's
    heap kept once freed); read back from the store if a correction names it."""

    tender: str
    file: str
    sha256: str | None
    status: str
    lines: Lines


class Shown(NamedTuple):
    """What a tender's workbook shows, as :meth:`Store.digests` tells it."""

    digest: str
    files: int  # latest versions: the records its writer holds


@dataclass(frozen=True)
class StoredVersion:
    """The latest version of one file, corrections applied, and when it was first read."""

    record: Record
    run_id: int
    received: datetime  # start of the run that first read this version


class Store:
    """``output/egalite.sqlite``: runs, file versions and corrections (one writer at a time)."""

    def __init__(self, path: Path, form: Form, *, read_only: bool = False):
        """``form``, the command line's, is the form of records stored before records named theirs.

        ``read_only``: opened by another process than the run's while the run holds the store (the
        workbooks' writers read their tender's records); it sees what the run has committed.
        """
        self.path, self.form = path, form
        self._committed = time.monotonic()
        # The records given by :meth:`cached`, as stored, by content hash, until :meth:`save` takes them:
        # one seen again unchanged in the same place is not written again (only its last run moves).
        self._as_stored: dict[str, tuple[int, str, str, dict[str, Any], str]] = {}
        if read_only:
            self.db = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=30)
            self.db.row_factory = sqlite3.Row
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, timeout=30)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        # Commits are not flushed to disk one by one (a thousand files took seconds of fsync):
        # in WAL mode the store stays consistent; a power cut may lose the last records, read again.
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        with self.db:
            self.db.executescript(SCHEMA)
            self._add_digests()
            self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def _add_digests(self) -> None:
        """A store written before its versions had a digest: the column added and each record's digest
        written, once, in one transaction (:meth:`digests` reads them instead of hashing every record's
        text each run)."""
        if any(column["name"] == "digest" for column in self.db.execute("PRAGMA table_info(versions)")):
            return
        self.db.execute("BEGIN")  # the column is never there without its values
        self.db.execute("ALTER TABLE versions ADD COLUMN digest TEXT")
        texts = self.db.execute("SELECT id, record FROM versions").fetchall()
        self.db.executemany("UPDATE versions SET digest = ? WHERE id = ?",
                            [(_digest(text), version) for version, text in texts])

    def close(self) -> None:
        """Commit the file versions saved since the last commit (a run stopped by Ctrl-C keeps them), then close."""
        self.db.commit()
        self.db.close()

    def commit(self) -> None:
        """Commit the file versions saved since the last commit: other processes reading the store see them."""
        self.db.commit()
        self._committed = time.monotonic()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- runs -----------------------------------------------------------------

    def start_run(self, inbox: Path, started: datetime, checks: str | None = None) -> int:
        """A new run; ``checks``: the digest of the code that validates its records, when its findings
        are validation's alone (no Egapro export): records it saves may be found :class:`Unchanged` later."""
        with self.db:
            cursor = self.db.execute("INSERT INTO runs (inbox, started) VALUES (?, ?)",
                                     (str(inbox), started.isoformat()))
            if checks is not None:
                self.db.execute("INSERT INTO run_checks (run, code) VALUES (?, ?)", (cursor.lastrowid, checks))
        return int(cursor.lastrowid)

    def finish_run(self, run_id: int, summary: dict, finished: datetime | None = None) -> None:
        with self.db:
            self.db.execute("UPDATE runs SET finished = ?, summary = ? WHERE id = ?",
                            ((finished or datetime.now()).isoformat(),
                             json.dumps(summary, ensure_ascii=False, default=str), run_id))

    # -- file versions ----------------------------------------------------------

    def save(self, run_id: int, record: Record | Unchanged | Made, extractor_version: str) -> str:
        """Record one file version; the same content seen again only moves its last run.
        Returns the digest of the stored record's text (a :class:`Made` one's is stored as it is).

        Saves are committed together every :data:`COMMIT_EVERY` seconds, and on :meth:`close`
        (a commit each cost more than writing the record); a run killed outright loses at most
        the last fraction of a second of records, read again by the next run.
        """
        if isinstance(record, Unchanged):
            self.db.execute("UPDATE versions SET last_run = ? WHERE id = ?", (run_id, record.version))
            digest = record.digest
        else:
            digest = self._save(run_id, record, extractor_version)
        if time.monotonic() - self._committed >= COMMIT_EVERY:
            self.commit()
        return digest

    def _save(self, run_id: int, record: Record | Made, extractor_version: str) -> str:
        made = isinstance(record, Made)
        stored = self._as_stored.pop(record.sha256 or "", None)
        if stored is not None and stored[1:4] == (record.tender, record.file,
                                                  record_data(record.text) if made else record.to_dict()):
            self.db.execute("UPDATE versions SET last_run = ? WHERE id = ?", (run_id, stored[0]))
            return stored[4]
        text = record.text if made else record_text(record)
        digest = _digest(text)
        self.db.execute(
            """INSERT INTO versions (tender, file, sha256, first_run, last_run, extractor_version, status, record,
                                     digest)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (tender, file, sha256) DO UPDATE SET
                   last_run = excluded.last_run, extractor_version = excluded.extractor_version,
                   status = excluded.status, record = excluded.record, digest = excluded.digest""",
            (record.tender, record.file, record.sha256 or "", run_id, run_id, extractor_version, record.status, text,
             digest))
        return digest

    def cached(self, sha256: str, extractor_version: str, place: tuple[str, str] | None = None,
               checks: str | None = None) -> Record | Unchanged | None:
        """A record already extracted from identical content, as extracted; :class:`Unchanged` when
        it is stored at ``place`` (tender, file) and was last saved or seen by a run whose ``checks``
        (:meth:`start_run`) are these.

        A record's ``file`` and ``tender`` are those of the copy last stored: the
        caller sets the current ones. Corrections are not in it (they belong
        to a file, and :meth:`latest` applies them).
        """
        row = self.db.execute(
            """SELECT v.id, v.tender, v.file, v.status, v.record, v.digest, c.code FROM versions v
               LEFT JOIN run_checks c ON c.run = v.last_run
               WHERE v.sha256 = ? AND v.extractor_version = ? ORDER BY v.id DESC LIMIT 1""",
            (sha256, extractor_version)).fetchone()
        if row is None:
            return None
        if checks is not None and row["code"] == checks and place == (row["tender"], row["file"]):
            return Unchanged(row["id"], row["tender"], row["file"], row["status"], row["digest"])
        data = record_data(row["record"])
        self._as_stored[sha256] = (row["id"], row["tender"], row["file"], data, row["digest"])
        return self._from_dict(data)

    def holds(self, extractor_version: str) -> bool:
        """Whether any file version read by this version of the extraction is stored (:meth:`cached` may find it)."""
        return self.db.execute("SELECT 1 FROM versions WHERE extractor_version = ? LIMIT 1",
                               (extractor_version,)).fetchone() is not None

    def latest_versions(self, tender: str | None = None, *, boxes: bool = True) -> list[StoredVersion]:
        """The latest version of every file (all runs, of one tender when given), oldest received first,
        then by file name: the order that makes an answer "the latest" (:data:`analyse.indicators.LATEST_RULE`).

        Without ``boxes``, the readings hold no position on their page (:meth:`Reading.from_dict`):
        the territory's figures need none, and every record of a large history is held at once.
        """
        corrections = self._corrections_by_version(tender)
        return [StoredVersion(self._laid_over(self._record(row, boxes), corrections),
                              row["first_run"], datetime.fromisoformat(row["started"]))
                for row in self._latest_rows(tender)]

    def latest(self, tender: str | None = None) -> list[Record]:
        """The latest version of every file (all runs), corrections applied."""
        return [version.record for version in self.latest_versions(tender)]

    def tenders(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT DISTINCT tender FROM versions ORDER BY tender")]

    def corrected(self, record: Record) -> Record:
        """A stored version's record with the corrections of its file version laid over it."""
        return apply(record, self.corrections(record.tender, record.file, record.sha256 or ""), record.form)

    def corrected_records(self, records: Iterable[Record | Unchanged | Saved]) -> list[Record | Saved]:
        """:meth:`corrected` for many records (an :class:`Unchanged` or :class:`Saved` one read), the
        corrections read at once; a :class:`Saved` one that no correction names as it is, not read."""
        corrections = self._corrections_by_version(None)
        return [record if isinstance(record, Saved) and _place(record) not in corrections
                else self._laid_over(self._parsed(record), corrections) for record in records]

    def _parsed(self, record: Record | Unchanged | Saved) -> Record:
        if isinstance(record, Unchanged):
            return self._stored("id = ?", record.version)
        if isinstance(record, Saved):
            return self._stored("tender = ? AND file = ? AND sha256 = ?", *_place(record))
        return record

    def _stored(self, where: str, *values: object) -> Record:
        """The record of the file version ``where`` says, as stored."""
        [text] = self.db.execute(f"SELECT record FROM versions WHERE {where}", values).fetchone()
        return self._from_dict(record_data(text))

    def corrections_digest(self) -> str:
        """A digest of every correction stored (what the exports show besides the records)."""
        digest = hashlib.sha256()
        for row in self.db.execute("SELECT * FROM corrections ORDER BY id"):
            digest.update(json.dumps([*row], default=str).encode())
        return digest.hexdigest()

    def _corrections_by_version(self, tender: str | None) -> dict[tuple[str, str, str], list[StoredCorrection]]:
        """Every correction (of one tender when given) by file version, oldest first."""
        found: dict[tuple[str, str, str], list[StoredCorrection]] = defaultdict(list)
        for row in self.db.execute("SELECT * FROM corrections WHERE ? IS NULL OR tender = ? ORDER BY id",
                                   (tender, tender)):
            found[(row["tender"], row["file"], row["sha256"])].append(_stored(row))
        return found

    def _laid_over(self, record: Record, corrections: dict[tuple[str, str, str], list[StoredCorrection]]
                   ) -> Record:
        return apply(record, corrections.get(_place(record), []), record.form)

    def digests(self) -> dict[str, Shown]:
        """For each tender, a digest of what its workbook shows (latest versions, corrections, choices)
        and its number of files.

        Computed from the digests of the stored texts, without reading the records: it tells
        cheaply which workbooks a run must write again, and how many records each holds.
        """
        digests: dict[str, Any] = defaultdict(hashlib.sha256)
        files: Counter[str] = Counter()
        for row in self._latest_rows(None, "v.id, v.tender, v.digest"):
            digests[row["tender"]].update(f"{row['id']}\0{row['started']}\0{row['digest']}\0".encode())
            files[row["tender"]] += 1
        for table in ("corrections", "choices"):
            for row in self.db.execute(f"SELECT * FROM {table} ORDER BY id"):
                if row["tender"] in digests:
                    digests[row["tender"]].update(json.dumps([table, *row], default=str).encode())
        return {tender: Shown(digest.hexdigest(), files[tender]) for tender, digest in sorted(digests.items())}

    def _latest_rows(self, tender: str | None, columns: str = "v.*") -> sqlite3.Cursor:
        """The rows of the latest versions (``columns`` of each, and when its first run started)."""
        latest = """v.id = (SELECT w.id FROM versions w WHERE w.tender = v.tender AND w.file = v.file
                            ORDER BY w.last_run DESC, w.id DESC LIMIT 1)"""
        query = f"SELECT {columns}, r.started FROM versions v JOIN runs r ON r.id = v.first_run WHERE " + latest
        if tender is None:
            return self.db.execute(query + " ORDER BY r.started, v.file, v.id")
        return self.db.execute(query + " AND v.tender = ? ORDER BY r.started, v.file, v.id", (tender,))

    def _record(self, row: sqlite3.Row, boxes: bool = True) -> Record:
        return self._from_dict(record_data(row["record"]), boxes)

    def _from_dict(self, data: dict[str, Any], boxes: bool = True) -> Record:
        record = Record.from_dict(data, boxes=boxes)
        record.form_id = record.form_id or self.form.id
        return record

    def knows(self, tender: str, file: str) -> bool:
        """Whether any version of this file is in the history."""
        return self._version(tender, file, None) is not None

    def _version(self, tender: str, file: str, sha256: str | None) -> sqlite3.Row | None:
        """The version a correction names, or the latest when it names none."""
        return self.db.execute(
            """SELECT * FROM versions WHERE tender = ? AND file = ? AND (? IS NULL OR sha256 = ?)
               ORDER BY last_run DESC, id DESC LIMIT 1""", (tender, file, sha256, sha256)).fetchone()

    # -- answers retained -----------------------------------------------------------

    def choices(self) -> dict[tuple[str, str], str]:
        """The file the officer retained for each (tender, structure), the latest choice winning."""
        rows = self.db.execute("SELECT tender, structure, file FROM choices ORDER BY id")
        return {(row["tender"], row["structure"]): row["file"] for row in rows}

    def choose(self, tender: str, structure: str, file: str, when: datetime | None = None) -> None:
        with self.db:
            self.db.execute("INSERT INTO choices (tender, structure, file, created) VALUES (?, ?, ?, ?)",
                            (tender, structure, file, (when or datetime.now()).isoformat()))

    # -- workbooks ------------------------------------------------------------------

    def workbook_stamp(self, name: str) -> tuple[str, str] | None:
        """What the workbook ``name`` was last written from, and the digest of the file written."""
        row = self.db.execute("SELECT inputs, sha256 FROM workbooks WHERE name = ?", (name,)).fetchone()
        return (row["inputs"], row["sha256"]) if row else None

    def stamp_workbook(self, name: str, inputs: str, sha256: str) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO workbooks (name, inputs, sha256) VALUES (?, ?, ?)",
                            (name, inputs, sha256))

    # -- corrections --------------------------------------------------------------

    def corrections(self, tender: str, file: str, sha256: str | None = None) -> list[StoredCorrection]:
        """The corrections of one file (of one version when ``sha256`` is given), oldest first."""
        rows = self.db.execute(
            """SELECT * FROM corrections WHERE tender = ? AND file = ? AND (? IS NULL OR sha256 = ?)
               ORDER BY id""", (tender, file, sha256, sha256))
        return [_stored(row) for row in rows]

    def add_corrections(self, corrections: Iterable[Correction], when: datetime | None = None
                        ) -> list[CorrectionReport]:
        """Judge and keep the values typed in the workbooks; report each new one.

        Call it before saving the run's new records, with what
        :func:`analyse.corrections.read_corrections` found. Values that are
        what the workbook showed are ignored; when a field was typed in both
        the answers and the review sheet, the last one read (the review) wins.
        """
        when = when or datetime.now()
        by_file: dict[tuple[str, str, str | None], dict[str, Correction]] = defaultdict(dict)
        for c in corrections:
            by_file[(c.tender, c.file, c.sha256)][c.key] = c
        reports = []
        for (tender, file, sha256), typed in by_file.items():
            reports += self._add_file(tender, file, sha256, list(typed.values()), when)
        return reports

    def _add_file(self, tender: str, file: str, sha256: str | None, typed: list[Correction],
                  when: datetime) -> list[CorrectionReport]:
        """The corrections typed for one file version, judged against its answer as it stands."""
        latest = self._version(tender, file, None)
        row = self._version(tender, file, sha256) or latest
        if row is None:
            return [CorrectionReport(typed[0], False, f"Corrections ignorées : le fichier {file} de la "
                                                      f"consultation {tender} est inconnu de l'historique.")]
        extracted = self._record(row)
        stored = self.corrections(tender, file, row["sha256"])
        record = apply(extracted, stored, extracted.form)
        reports = []
        for correction in typed:
            previous = [c for c in stored if c.key == correction.key]
            new = judge(record, correction, previous[-1] if previous else None, extracted.form, when,
                        latest_sha256=latest["sha256"] or None)
            if new is None:
                continue
            self._insert(new)
            stored.append(new)
            record = apply(extracted, stored, extracted.form)
            reports.append(CorrectionReport(correction, new.accepted, f"{file} — {new.message}"))
        return reports

    def _insert(self, c: StoredCorrection) -> None:
        with self.db:
            self.db.execute(
                """INSERT INTO corrections (tender, file, sha256, key, text, value, accepted, message,
                                            origin, author, created)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (c.tender, c.file, c.sha256 or "", c.key, c.text, json.dumps(c.value, ensure_ascii=False),
                 int(c.accepted), c.message, c.origin, c.author, c.created.isoformat()))


def record_text(record: Record) -> str:
    """A record's JSON text as stored, that of :meth:`Record.to_dict`: orjson's, compact (ten times the
    json module's speed, the same values read back); the json module's, laid out with spaces, for what
    orjson does not write (an integer beyond 64 bits).

    orjson writes the record's dataclasses themselves (the dict made first cost a reading worker three
    times the writing): their attributes in the order of their fields, a box's tuple an array, the same
    text as the dict's while they hold their fields only (:func:`_fields_only`), as they always do.
    """
    try:
        return orjson.dumps(record if _fields_only(record) else record.to_dict()).decode()
    except orjson.JSONEncodeError:
        return json.dumps(record.to_dict(), ensure_ascii=False)


def _fields_only(record: Record) -> bool:
    """Whether the record, its readings and findings hold their dataclass's fields and nothing else:
    orjson writes an object's attributes, and an attribute set besides its fields would be stored
    where :meth:`Record.from_dict` could not read it back."""
    return (len(vars(record)) == _RECORD_FIELDS
            and all(len(vars(r)) == _READING_FIELDS for r in record.readings.values())
            and all(len(vars(f)) == _FINDING_FIELDS for f in record.findings))


_RECORD_FIELDS, _READING_FIELDS, _FINDING_FIELDS = (len(fields(kind)) for kind in (Record, Reading, Finding))


def record_data(text: str) -> dict[str, Any]:
    """A stored record's JSON text read: orjson's compact text by orjson (four times the json module's
    speed); a text laid out by the json module (a store written before, or a value orjson does not
    write) by that module, which reads it as it wrote it (integers of any size, ``NaN``)."""
    if _COMPACT.match(text):
        return orjson.loads(text)
    return json.loads(text)


_COMPACT = re.compile(r'\{"\w+":(?! )')  # the first key of orjson's text: no space after its colon


def _place(record: Record | Made | Saved) -> tuple[str, str, str]:
    """The file version a record is (its corrections' key): tender, file, content hash ('' when unknown)."""
    return record.tender, record.file, record.sha256 or ""


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _stored(row: sqlite3.Row) -> StoredCorrection:
    return StoredCorrection(row["tender"], row["file"], row["sha256"] or None, row["key"], row["text"],
                            json.loads(row["value"]) if row["value"] is not None else None,
                            bool(row["accepted"]), row["message"], datetime.fromisoformat(row["created"]),
                            row["origin"], row["author"])
