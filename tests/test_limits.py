"""Limits everywhere: what a hostile or merely large file cannot do to a run.

A long scanned bid is read page by page with the memory of a few pages.
"""
from __future__ import annotations

import weakref
from pathlib import Path

import pytest

from extract import scan as scan_module
from extract.ocr_engine import get_engine
from extract.read import read_file
from pipeline import _scan_options
from extract.batch import InputFile
from tests.support_scan import long_scanned_bid

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "inbox"
SCANNED_QUESTIONNAIRE = SAMPLES / "VM-2026-014" / "scan_questionnaire_egalite_0001.pdf"
needs_ocr = pytest.mark.skipif(get_engine() is None, reason="Tesseract (fra) absent")


def _read(path: Path):
    item = InputFile(path, path.name, "", path.stat().st_size)
    return read_file(path, path.name, "", **_scan_options(item, None))


@needs_ocr
def test_a_long_scanned_bid_is_read_page_by_page(tmp_path: Path, monkeypatch) -> None:
    """100 scanned pages, the questionnaire on pages 40-42: read as the questionnaire alone
    is read, while no more than a few prepared pages are ever held at once."""
    bid = tmp_path / "offre scannée.pdf"
    bid.write_bytes(long_scanned_bid(SCANNED_QUESTIONNAIRE.read_bytes(), pages=100, first=40))
    alone = _read(SCANNED_QUESTIONNAIRE)
    alive = [0]
    most = []
    prepare = scan_module._prepare

    def counted(raster):
        prepared = prepare(raster)
        alive[0] += 1
        weakref.finalize(prepared, lambda: alive.__setitem__(0, alive[0] - 1))
        most.append(alive[0])
        return prepared

    monkeypatch.setattr(scan_module, "_prepare", counted)
    record = _read(bid)
    assert record.error is None and record.page_count == 100
    assert record.pages == [40, 41, 42]
    assert {k: (r.value, r.doubt) for k, r in record.readings.items()} == \
        {k: (r.value, r.doubt) for k, r in alone.readings.items()}
    assert len(most) > 100  # pages 40-42 were let go while the rest was read, then prepared again
    assert max(most) <= scan_module.HELD_SCANS + 1
