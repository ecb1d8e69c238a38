"""Every exit code the command can end with is explained to the officer (GUIDE) and the IT service (README)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from exit_codes import Exit

ROOT = Path(__file__).resolve().parent.parent


def documented_codes(text: str) -> set[int]:
    """The codes in the first column of a Markdown table (`| 6 | ...`)."""
    return {int(code) for code in re.findall(r"^\| (\d+) \|", text, flags=re.MULTILINE)}


@pytest.mark.parametrize("document", ["README.md", "GUIDE.md"])
def test_every_exit_code_is_in_the_documents_table(document: str) -> None:
    assert documented_codes((ROOT / document).read_text(encoding="utf-8")) == {int(code) for code in Exit}


def test_the_table_reader_sees_a_missing_code() -> None:
    assert documented_codes("| code | sens |\n|---|---|\n| 0 | fini |\n| 130 | arrêt |\n") == {0, 130}
