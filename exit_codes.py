"""The exit codes of the ``egalite`` command: one per kind of failure (as OCRmyPDF does)."""
from enum import IntEnum


class Exit(IntEnum):
    OK = 0  # done; files may still be rejected or to review: the summary says how many
    USAGE = 2  # click's own code for bad arguments
    INPUT = 3  # the inbox or file does not exist or cannot be read
    OUTPUT = 4  # the output folder cannot be written, or another run holds it
    INTERNAL = 5  # a bug
