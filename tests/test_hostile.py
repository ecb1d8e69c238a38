"""Hostile, broken and foreign PDFs through the worker pool, as ``egalite run`` reads them.

Every file must end as a record (rejected, with a French reason), within the
per-file time limit, inside the memory limit, writing nothing outside the
output folder and never touching the inputs.
"""
from __future__ import annotations

import contextlib
import csv
import functools
import json
import os
import resource
import tempfile
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from extract.batch import InputFile, Outcome, discover, run_parallel, sha256_of
from extract.ocr_engine import ocr_available
from pipeline import process
from questionnaire.definition import load
from questionnaire.fillable import render_fillable
from questionnaire.record import Record
from tests.support_hostile import (HOSTILE, LOCKED, NOT_PDF, READABLE, TEXT, simple_read, write_hostile,
                                   zlib_zeros)

READ = functools.partial(process, form="egalite-2024")  # what `egalite run` does with each file in its worker
TIMEOUT = 10.0
MEMORY_MB = 768
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"  # ../shared beside the clone
TENDER = "AO-2024-hostile"


def measured_read(item: InputFile, output: Path) -> tuple[dict, float]:
    """The file's record, and the worker's peak resident memory so far, in MiB."""
    return READ(item, output=output), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(items: list[InputFile], output: Path) -> list[Outcome]:
    return list(run_parallel(items, functools.partial(measured_read, output=output), workers=2,
                             timeout=TIMEOUT, memory_mb=MEMORY_MB, progress=False))


def record_of(outcome: Outcome) -> Record:
    """The record ``egalite run`` makes of an outcome: a lost worker rejects the file with its reason."""
    if outcome.failure:
        return Record(file=outcome.item.relative, tender=outcome.item.tender,
                      error=outcome.failure, error_class="rejected", form_id="egalite-2024")
    return Record.from_dict(outcome.result[0])


def resident_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def files_under(folder: Path) -> dict[Path, str]:
    return {path: sha256_of(path) for path in folder.rglob("*") if path.is_file()}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("hostile")
    inbox, output, cwd = base / "inbox", base / "output", base / "cwd"
    write_hostile(inbox / TENDER)
    output.mkdir()
    cwd.mkdir()
    before = files_under(base)
    with contextlib.chdir(cwd):  # what a worker writes "here" would land in cwd
        outcomes = run(discover(inbox), output.absolute())
    return {"base": base, "output": output, "before": before, "after": files_under(base),
            "outcomes": {Path(o.item.relative).name: o for o in outcomes}, "parent_mb": resident_mb()}


def test_every_hostile_file_ends_as_a_rejected_record_with_a_reason(hostile: dict) -> None:
    assert set(hostile["outcomes"]) == set(HOSTILE)
    for name, outcome in hostile["outcomes"].items():
        record = record_of(outcome)
        assert record.status == "rejected", name
        assert record.error and record.file == f"{TENDER}/{name}" and record.tender == TENDER


def test_locked_and_non_pdf_files_are_rejected_as_unreadable(hostile: dict) -> None:
    records = {name: record_of(outcome) for name, outcome in hostile["outcomes"].items()}
    assert all(records[name].error_class == "rejected" for name in LOCKED | NOT_PDF)
    assert all("mot de passe" in records[name].error for name in LOCKED)
    assert records["vide.pdf"].error == "Fichier vide (0 octet)."
    assert "n'est pas un PDF" in records["word_renomme.pdf"].error


def test_nothing_written_outside_the_output_folder_and_inputs_untouched(hostile: dict) -> None:
    before, after = hostile["before"], hostile["after"]
    assert {path: digest for path, digest in after.items() if path in before} == before
    written = [path for path in after if path not in before]
    assert all(path.is_relative_to(hostile["output"]) for path in written), written
    assert not escaped_names(hostile["base"].parent, {"passwd", "evil.bat"})


def escaped_names(root: Path, names: set[str]) -> list[str]:
    """Files named `names` anywhere under `root` (os.walk skips what other tests left unreadable)."""
    return [folder for folder, _, files in os.walk(root) if names & set(files)]


def test_worker_memory_stays_bounded(hostile: dict) -> None:
    peaks = [o.result[1] for o in hostile["outcomes"].values() if o.result is not None]
    assert peaks and max(peaks) < hostile["parent_mb"] + MEMORY_MB


def test_the_hostile_files_are_what_they_claim(tmp_path: Path) -> None:
    """The corpus itself: readable ones open in both libraries, locked ones do not, the bomb inflates."""
    inbox = tmp_path / "inbox"
    write_hostile(inbox)
    items = [item for item in discover(inbox) if item.relative in READABLE | LOCKED]
    outcomes = {o.item.relative: o for o in run_parallel(items, simple_read, workers=2, timeout=TIMEOUT,
                                                           progress=False)}
    for name in READABLE:
        assert outcomes[name].result["text"] == outcomes[name].result["pypdf_text"] == TEXT.decode()
    assert all(outcomes[name].failure for name in LOCKED)
    assert zlib.decompress(zlib_zeros(3)) == bytes(3 * 2**24)


# --- the real-world corpus of ../shared/corpus -----------------------------------------------

# The corpus README: readers disagree on these, so either reason class is defensible.
EITHER_CLASS = {"broken/issue-1113-evil-xobjects.pdf", "broken/bug1606566.pdf",
                "broken/GHOSTSCRIPT-698804-1-fuzzed.pdf", "broken/PDFBOX-3148-2-fuzzed.pdf"}
NEEDS_OCR = {"other/imagemagick-CCITTFaxDecode.pdf"}  # image-only: `review` while OCR is not installed


def manifest() -> list[dict[str, str]]:
    with open(CORPUS / "MANIFEST.csv", encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def corpus_case(row: dict[str, str]) -> pytest.param:
    marks = []
    if row["file"] in NEEDS_OCR and not ocr_available()[0]:
        marks.append(pytest.mark.xfail(reason="needs Tesseract with French data", strict=True))
    return pytest.param(row["file"], row["expect"], id=row["file"], marks=marks)


@pytest.fixture(scope="module")
def corpus_records(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Record]:
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS} is absent")
    output = tmp_path_factory.mktemp("corpus-output")
    return {o.item.relative: record_of(o) for o in run(discover(CORPUS), output)}


@pytest.mark.parametrize("name, expect", [corpus_case(row) for row in manifest()] if CORPUS.is_dir() else [])
def test_corpus_file_is_rejected_with_its_reason_class(corpus_records: dict[str, Record], name: str,
                                                       expect: str) -> None:
    record = corpus_records[name]
    assert record.status == "rejected" and record.error
    assert record.error_class in ({"rejected", "not_questionnaire"} if name in EITHER_CLASS else {expect})


def test_every_corpus_file_is_accounted_for(corpus_records: dict[str, Record]) -> None:
    assert {row["file"] for row in manifest()} <= set(corpus_records)


# --- fuzzing ---------------------------------------------------------------------------------

@functools.cache
def fuzz_seed() -> bytes:
    """A filled fillable questionnaire, the file most bidders send."""
    return render_fillable("modele", {"structure_name": "Égalité SARL", "board.exists": True,
                                      "board.women_pct": "45,5 %", "staff.managers.women": "3"},
                           form=load("egalite-2024"))


@st.composite
def mutants(draw: st.DrawFn) -> bytes:
    """The seed with some bytes overwritten, a slice removed, or its end cut off."""
    data = bytearray(fuzz_seed())
    for position, value in draw(st.lists(st.tuples(st.integers(0, len(data) - 1), st.integers(0, 255)),
                                         max_size=30)):
        data[position] = value
    start = draw(st.integers(0, len(data)))
    removed = draw(st.sampled_from([0, 0, 1, 16, 512]))
    del data[start:start + removed]
    return bytes(data[:draw(st.sampled_from([len(data), len(data), len(data) // 2, 1000]))])


@settings(max_examples=6, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mutants(), min_size=8, max_size=8))
def test_mutated_questionnaires_all_end_as_exportable_records(files: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        inbox, output = Path(folder) / "inbox", Path(folder) / "output"
        (inbox / TENDER).mkdir(parents=True)
        output.mkdir()
        for number, data in enumerate(files):
            (inbox / TENDER / f"mutant{number}.pdf").write_bytes(data)
        records = [record_of(outcome) for outcome in run(discover(inbox), output)]
    assert sorted(record.file for record in records) == [f"{TENDER}/mutant{n}.pdf" for n in range(8)]
    for record in records:
        line = json.loads(json.dumps(record.to_contract()))
        assert line["status"] in {"ok", "review", "rejected"}
        assert (line["status"] == "rejected") == bool(line.get("error"))
