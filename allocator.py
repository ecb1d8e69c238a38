"""The C library's allocator: memory the run's process freed, handed back to the system.

Python keeps its small objects in arenas of its own, but a string of more than 512 bytes (a record's
text as a worker sends it, its export lines) is taken from the C library's heap. Freed, such strings
leave holes that glibc keeps for later ``malloc`` calls, which Python's arenas never make: after 5,000
records were stored and exported, about 85 MB stayed with the run's process while it wrote the
workbooks. ``malloc_trim`` hands those pages back. Elsewhere (Windows, musl, macOS) there is no such
call, and nothing is done.
"""
from __future__ import annotations

import ctypes
import sys
from functools import cache


def give_back_freed() -> bool:
    """Hand the pages the C heap holds free back to the system; whether the C library could."""
    trim = _malloc_trim()
    return bool(trim and trim(0))


@cache
def _malloc_trim():
    """glibc's ``malloc_trim``, or None where the C library has none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None).malloc_trim  # the symbols the process has loaded: its C library's
    except (OSError, AttributeError):
        return None
