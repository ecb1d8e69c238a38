"""Outputs written to a temporary file beside them, then renamed into place.

A reader (Excel, a colleague, the next run) never sees half a file, and an
output that cannot be replaced keeps its previous content. The file gets the
mode the user's umask gives a new file (``tempfile`` would leave it readable
by its owner only, which colleagues on a shared drive cannot open).
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path``; renamed onto ``path`` when the block ends without error."""
    handle, name = tempfile.mkstemp(prefix=".egalite-", suffix=path.suffix, dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0o022)  # reading the umask means setting it: put it straight back
    os.umask(mask)
    return mask
