"""The sample inbox read once per test session: reading every scan takes a minute."""
from __future__ import annotations

import functools
from pathlib import Path

from extract.batch import InputFile
from pipeline import process

ROOT = Path(__file__).resolve().parent.parent
INBOX = ROOT / "samples" / "inbox"


@functools.cache
def processed(relative: str, tender: str) -> dict:
    """What ``egalite run`` stores for one sample file (callers build their own Record from it)."""
    path = INBOX / relative
    return process(InputFile(path, relative, tender, path.stat().st_size), "egalite-2024")
