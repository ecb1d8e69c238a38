"""The garbage collector's settings for a run (collector.py)."""
from __future__ import annotations

import gc

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
