"""Pre-flight checks of an input file, before any parser sees it.

Cheap tests on the file system entry and its first bytes, done without
following a link out of the inbox and without writing anything: an empty
file, a huge one, a FIFO (opening it would block), a link leading out of the
inbox, or a Word document renamed ``.pdf`` is rejected here with a French
reason, and never reaches a PDF library. A file that passes may still be
broken: the parser runs in a worker with time and memory limits
(:mod:`extract.batch`).
"""
from __future__ import annotations

import re
import stat
from pathlib import Path

MAX_BYTES = 512 * 2**20  # a questionnaire inside a bid of several hundred pages still fits
HEAD_BYTES = 1024  # readers accept the %PDF header anywhere in the first kilobyte

# A PDF whose header was lost still starts with numbered objects ("1 0 obj"):
# repairing readers open it, so it is left to them.
_PDF_HEAD = re.compile(rb"%PDF-|\d+\s+\d+\s+obj\b")

# What files that are not PDFs usually are, by their first bytes.
_KNOWN_KINDS: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "une archive ZIP ou un document Office (docx, xlsx, odt)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "un document Office ancien format (doc, xls)"),
    (b"{\\rtf", "un document RTF"),
    (b"\x89PNG\r\n\x1a\n", "une image PNG"),
    (b"\xff\xd8\xff", "une image JPEG"),
    (b"II*\x00", "une image TIFF"),
    (b"MM\x00*", "une image TIFF"),
    (b"GIF8", "une image GIF"),
    (b"Rar!", "une archive RAR"),
    (b"7z\xbc\xaf\x27\x1c", "une archive 7-Zip"),
)

REJECTED = "rejected"  # corrupt, unreadable, locked by a password
NOT_QUESTIONNAIRE = "not_questionnaire"


class Unreadable(Exception):
    """The file cannot be read; ``reason`` is for the officer, in French."""

    def __init__(self, reason: str, reason_class: str = REJECTED) -> None:
        super().__init__(reason)
        self.reason = reason
        self.reason_class = reason_class


def preflight(path: Path, inbox: Path | None = None, max_bytes: int = MAX_BYTES) -> str | None:
    """Why ``path`` must not be parsed (a French sentence), or None when it may be.

    ``inbox``, when given, is the folder the file was found in: a symbolic
    link leading out of it is refused.
    """
    try:
        reason = entry_problem(path, inbox) or _size_problem(path.stat().st_size, max_bytes)
        return reason or kind_problem(_head(path))
    except PermissionError:
        return "Fichier illisible : droits d'accès insuffisants."
    except OSError as error:
        return f"Fichier illisible ({error.strerror or error})."


def kind_problem(head: bytes) -> str | None:
    """Why bytes starting with ``head`` are not a PDF, or None when they may be one."""
    if _PDF_HEAD.search(head[:HEAD_BYTES]):
        return None
    kind = next((name for magic, name in _KNOWN_KINDS if head.startswith(magic)), None)
    if kind:
        return f"Ce fichier n'est pas un PDF : c'est {kind}. Il n'est pas lu."
    return "Ce fichier n'est pas un PDF (aucun en-tête PDF au début du fichier). Il n'est pas lu."


def entry_problem(path: Path, inbox: Path | None) -> str | None:
    """Why the entry must not even be opened (a link out of ``inbox``, a folder, a special file), or None.

    Raises OSError when the entry cannot be looked at.
    """
    if path.is_symlink() and not _inside(path, inbox):
        return "Lien vers un emplacement hors du dossier de réception (ou lien cassé) : non suivi, fichier non lu."
    mode = path.stat().st_mode
    if stat.S_ISDIR(mode):
        return "Dossier non parcouru (lien vers un dossier, ou dossier illisible) : ses fichiers ne sont pas lus."
    if not stat.S_ISREG(mode):
        return "Ce n'est pas un fichier ordinaire (fichier spécial du système) : non lu."
    return None


def _inside(path: Path, inbox: Path | None) -> bool:
    """Whether the link ``path`` leads to an existing file inside ``inbox``."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # dangling link or a loop of links
        return False
    return inbox is None or target.is_relative_to(inbox.resolve())


def _size_problem(size: int, max_bytes: int) -> str | None:
    if size == 0:
        return "Fichier vide (0 octet)."
    if size > max_bytes:
        return (f"Fichier trop volumineux ({size / 2**20:.0f} Mo, limite {max_bytes / 2**20:.0f} Mo) : "
                "non lu.")
    return None


def _head(path: Path) -> bytes:
    with path.open("rb") as stream:
        return stream.read(HEAD_BYTES)
