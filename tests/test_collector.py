"""The garbage collector's settings for a run (collector.py)."""
from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest

import collector


def test_the_collector_is_given_back_as_it_was_even_after_a_failure() -> None:
    with pytest.raises(ValueError), collector.paused():
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled()
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()  # paused by someone else: left so
    finally:
        gc.enable()


def test_the_run_collects_less_often_then_gives_python_its_thresholds_back() -> None:
    before = gc.get_threshold()
    with collector.collecting_less():
        assert gc.get_threshold() == (collector.YOUNG_OBJECTS, *before[1:])
    assert gc.get_threshold() == before


def test_a_read_document_s_pages_go_without_the_cyclic_collector() -> None:
    """A label line knows its page and the page keeps its label lines (``Page.derived``): once
    its document is read, the page forgets them, and goes with its words as soon as the reader
    lets it go, not at the collector's next pass over every young object of the worker."""
    from extract.document import opened
    from extract.labels import LabelIndex

    path = Path(__file__).resolve().parent.parent / "samples" / "inbox" / "VM-2026-014" / \
        "QUESTIONNAIRE EGALITE - NORDPAYSAGE.pdf"
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        with opened(path) as document:
            assert LabelIndex(document.pages).lines  # kept with each page, each line refers to its page
            pages = [weakref.ref(page) for page in document.pages]
        del document
        assert pages and all(page() is None for page in pages)
    finally:
        if was_enabled:
            gc.enable()
