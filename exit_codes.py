"""The exit codes of the ``egalite`` command, and the failures that carry them (as OCRmyPDF does).

A step that cannot go on raises an :class:`EgaliteError` subclass with a
French sentence for the officer; the one handler in :mod:`cli` prints it and
exits with the error's code. Anything else is a bug: exit 5, with the
traceback written to a log file whose path is printed.
"""
from __future__ import annotations

import errno
from enum import IntEnum


class Exit(IntEnum):
    OK = 0  # done; files may still be rejected or to review: the summary says how many
    USAGE = 2  # wrong arguments (click's own code), or an output folder inside the input folder
    INPUT = 3  # the inbox or file does not exist or cannot be read
    OUTPUT = 4  # the output folder cannot be written, another run holds it, or a result could not be written
    INTERNAL = 5  # a bug: the traceback is in the log file the message names
    HISTORY = 6  # the history (egalite.sqlite) is damaged and no backup can replace it
    FORM = 7  # a form definition (questionnaire/forms/*.toml) is wrong: the message names the file and line
    INSTALL = 8  # a library egalite needs is missing (the code was updated, not the installation)
    INTERRUPTED = 130  # Ctrl-C: what was read is kept, the next run goes on from there


class EgaliteError(Exception):
    """A failure the officer can act on: a French sentence and an exit code."""

    exit_code = Exit.INTERNAL

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(EgaliteError):
    exit_code = Exit.USAGE


class InputError(EgaliteError):
    exit_code = Exit.INPUT


class OutputError(EgaliteError):
    exit_code = Exit.OUTPUT


class HistoryError(EgaliteError):
    exit_code = Exit.HISTORY


class FormDefinitionError(EgaliteError):
    exit_code = Exit.FORM


class Interrupted(EgaliteError):
    exit_code = Exit.INTERRUPTED


_WHY = {
    errno.EACCES: "droits d'accès insuffisants",
    errno.EPERM: "opération non permise",
    errno.ENOENT: "introuvable",
    errno.EEXIST: "existe déjà",
    errno.ENOTDIR: "un élément du chemin est un fichier, pas un dossier",
    errno.EISDIR: "c'est un dossier",
    errno.ENOSPC: "disque plein",
    errno.EROFS: "support en lecture seule",
    errno.ENAMETOOLONG: "chemin trop long",
    errno.EBUSY: "fichier utilisé par un autre programme",
    errno.EIO: "erreur de lecture ou d'écriture du disque",
}


def why(error: OSError) -> str:
    """The reason of a system error in French (the system's own text is often English)."""
    if isinstance(error, PermissionError):
        return _WHY[errno.EACCES]
    return _WHY.get(error.errno or 0) or f"erreur système {error.errno or type(error).__name__}"
