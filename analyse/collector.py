"""Python's cyclic garbage collector, paused while a step builds many objects it would scan for nothing."""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block (reference counting still frees what it can).

    A step that builds hundreds of thousands of objects in one go (an Egapro file's rows, a workbook's
    cells and XML) triggers collection after collection that finds little: the objects live until the
    step ends. Pausing it takes a tenth to a third off such a step; the step's peak memory is the same
    (measured on a tender workbook of 1,000 records), and what is left in cycles is collected after it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
