"""The run's process hands memory its freed record texts held back to the system (allocator.py)."""
from __future__ import annotations

import sys

import pytest

import allocator


def _resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


@pytest.mark.skipif(allocator._malloc_trim() is None, reason="no malloc_trim in this C library")
def test_freed_record_texts_are_handed_back_to_the_system() -> None:
    """Strings of a record text's size come from the C heap; once freed, glibc keeps their pages until
    they are trimmed: 80 MB of them held, freed, then given back."""
    texts = [("x" * 12_400) + str(number) for number in range(6_500)]
    pinned = "y" * 12_400 + "z"  # above them in the heap: freeing them leaves holes, not a shorter heap
    held = _resident_mb()
    del texts
    kept = _resident_mb()
    assert kept > held - 20  # freed, still the process's
    assert allocator.give_back_freed()
    assert _resident_mb() < kept - 50
    assert pinned.endswith("z")


def test_nothing_is_done_where_the_c_library_cannot(monkeypatch: pytest.MonkeyPatch) -> None:
    allocator._malloc_trim.cache_clear()
    monkeypatch.setattr(sys, "platform", "win32")
    try:
        assert allocator._malloc_trim() is None
        assert allocator.give_back_freed() is False
    finally:
        allocator._malloc_trim.cache_clear()
