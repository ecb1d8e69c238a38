"""Rebuild messages.mo from messages.po: ``python -m locales``."""
from locales import CATALOG, compile_mo, read_po

CATALOG.with_suffix(".mo").write_bytes(compile_mo(read_po()))
print(f"{CATALOG.with_suffix('.mo')} écrit.")
