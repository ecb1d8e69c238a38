"""The ``egalite`` command: what the procurement officer types.

Each command is a thin shell over one module; the work is done elsewhere.
Exit codes tell the kind of failure (as OCRmyPDF does), see :mod:`exit_codes`.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from exit_codes import Exit
from locales import speak_french

speak_french()  # click's own texts (« Usage », « Missing argument ») in French


def fail(message: str, code: Exit) -> None:
    click.secho(message, fg="red", err=True)
    sys.exit(int(code))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="egalite", message="egalite %(version)s")
def main() -> None:
    """Lit les questionnaires « politique égalité » reçus avec les offres
    et en fait des classeurs Excel par consultation et pour le territoire."""


@main.command()
@click.option("--output", "-o", type=click.Path(path_type=Path), default=Path("output/modeles"),
              show_default=True, help="Dossier où écrire les modèles.")
def template(output: Path) -> None:
    """Écrit les modèles à joindre aux consultations (PDF papier, PDF remplissable, Word)."""
    from questionnaire.templates import write_templates

    for path in write_templates(output):
        click.echo(f"  {path}")
    click.echo(f"Modèles écrits dans {output}")


@main.command()
@click.option("--output", "-o", type=click.Path(path_type=Path), default=Path("samples/inbox"),
              show_default=True, help="Dossier de la boîte de réception d'exemple.")
@click.option("--truth", type=click.Path(path_type=Path), default=None,
              help="Dossier des vérités attendues (par défaut : à côté, « truth »).")
def samples(output: Path, truth: Path | None) -> None:
    """Fabrique une boîte de réception d'exemple, avec la vérité attendue de chaque fichier."""
    from samples.generate import build

    files = build(output, truth or output.parent / "truth")
    click.echo(f"{len(files)} fichiers d'exemple écrits dans {output}")


@main.command()
@click.argument("inbox", type=click.Path(path_type=Path))
@click.option("--output", "-o", type=click.Path(path_type=Path), default=Path("output"),
              show_default=True, help="Dossier des résultats.")
@click.option("--workers", "-j", type=int, default=None, help="Processus en parallèle (par défaut : tous les cœurs).")
@click.option("--timeout", type=float, default=120.0, show_default=True,
              help="Temps maximal de lecture d'un fichier, en secondes.")
@click.option("--egapro", type=click.Path(path_type=Path), default=None,
              help="Export public de l'index Egapro (xlsx ou csv) pour contrôler les notes déclarées.")
@click.option("--publication", is_flag=True, help="Masque les cellules calculées sur moins de 3 structures.")
@click.option("--no-cache", is_flag=True, help="Relit tous les fichiers, même inchangés.")
def run(inbox: Path, output: Path, workers: int | None, timeout: float, egapro: Path | None,
        publication: bool, no_cache: bool) -> None:
    """Lit tous les questionnaires du dossier INBOX (un sous-dossier par consultation)."""
    from pipeline import RunOptions, run_batch

    if not inbox.is_dir():
        fail(f"Dossier introuvable : {inbox}", Exit.INPUT)
    options = RunOptions(workers=workers, timeout=timeout, egapro=egapro,
                         publication=publication, use_cache=not no_cache)
    sys.exit(int(run_batch(inbox, output, options)))


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
def check(file: Path) -> None:
    """Affiche ce qui a été lu dans un fichier : champs, doutes et constats."""
    from pipeline import check_file

    if not file.is_file():
        fail(f"Fichier introuvable : {file}", Exit.INPUT)
    sys.exit(int(check_file(file)))


if __name__ == "__main__":
    main()
