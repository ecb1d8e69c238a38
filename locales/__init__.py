"""French for the texts the command-line library prints itself.

Click marks its messages (« Usage: », « Missing argument », « Aborted! »)
for GNU gettext in the default domain; :func:`speak_french` points that
domain at our French catalog. ``messages.po`` is the source,
``messages.mo`` its compiled form (``python -m locales`` rebuilds it).
"""
from __future__ import annotations

import ast
import gettext
import os
import struct
from pathlib import Path

FOLDER = Path(__file__).parent
DOMAIN = "messages"  # the domain click's ``gettext.gettext`` calls look in
CATALOG = FOLDER / "fr" / "LC_MESSAGES" / f"{DOMAIN}.po"


def speak_french() -> None:
    """Make click's own texts French, whatever the PC's language settings."""
    os.environ["LANGUAGE"] = "fr"  # gettext reads the language from the environment only
    gettext.bindtextdomain(DOMAIN, str(FOLDER))


def read_po(path: Path = CATALOG) -> dict[str, str]:
    """The translations of a .po file; a plural entry's key is ``msgid\\0msgid_plural``."""
    entries: dict[str, str] = {}
    current: dict[str, str] = {}
    last = None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = line.strip()
        if line.startswith("#"):
            continue
        if not line:
            if "msgid" in current:
                key = current["msgid"] + ("\0" + current["msgid_plural"] if "msgid_plural" in current else "")
                plural = [current[k] for k in sorted(current) if k.startswith("msgstr[")]
                entries[key] = "\0".join(plural) if plural else current.get("msgstr", "")
            current, last = {}, None
        elif line.startswith('"'):
            current[last] += ast.literal_eval(line)
        else:
            last, _, text = line.partition(" ")
            current[last] = ast.literal_eval(text)
    return entries


def compile_mo(entries: dict[str, str]) -> bytes:
    """The GNU .mo form of ``entries`` (the format ``msgfmt`` writes)."""
    keys = sorted(entries)
    ids, strs = [k.encode() for k in keys], [entries[k].encode() for k in keys]
    start = 7 * 4 + 16 * len(keys)
    id_table, offset = [], start
    for data in ids:
        id_table += [len(data), offset]
        offset += len(data) + 1
    str_table = []
    for data in strs:
        str_table += [len(data), offset]
        offset += len(data) + 1
    header = struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), 28, 28 + 8 * len(keys), 0, 0)
    tables = struct.pack(f"{len(id_table)}i", *id_table) + struct.pack(f"{len(str_table)}i", *str_table)
    return header + tables + b"".join(d + b"\0" for d in ids) + b"".join(d + b"\0" for d in strs)
