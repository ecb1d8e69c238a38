"""What the terminal says to the officer is French, click's own texts included."""
from __future__ import annotations

import gettext
from pathlib import Path

from click.testing import CliRunner

from cli import main
from exit_codes import Exit
from locales import CATALOG, compile_mo, read_po

INBOX = Path(__file__).resolve().parent.parent / "samples" / "inbox"


def test_click_usage_and_errors_are_french() -> None:
    result = CliRunner().invoke(main, ["run"])
    assert result.exit_code == Exit.USAGE
    assert "Utilisation : main run" in result.output and "Argument manquant 'INBOX'" in result.output
    assert "Usage" not in result.output and "Missing" not in result.output


def test_an_interrupted_command_says_so_in_french() -> None:
    assert gettext.gettext("Aborted!") == "Interrompu."  # cli imported: the catalog is bound


def test_the_compiled_catalog_is_the_po_file() -> None:
    entries = read_po()
    with CATALOG.with_suffix(".mo").open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    assert CATALOG.with_suffix(".mo").read_bytes() == compile_mo(entries), "run python -m locales"
    assert catalog.gettext("Missing argument") == "Argument manquant"


def test_check_shows_values_as_the_workbook_does() -> None:
    result = CliRunner().invoke(main, ["check", str(INBOX / "CHV-2026-007" / "Formulaire renseignements égalité - Linge Net.pdf")])
    assert "Genre — Président.e : Femme" in result.output and "woman" not in result.output
    assert "Avez-vous un conseil d'administration ? : Oui" in result.output and "conforme" not in result.output
