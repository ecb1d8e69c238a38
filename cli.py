"""The ``egalite`` command: what the procurement officer types.

Each command is a thin shell over one module; the work is done elsewhere.
Exit codes tell the kind of failure (as OCRmyPDF does), see :mod:`exit_codes`.
"""
from __future__ import annotations

import atexit
import gc
import sys
import tempfile
import traceback
from datetime import datetime
from pathlib import Path
from typing import Callable

import click

from analyse.report import for_terminal
from exit_codes import EgaliteError, Exit, InputError, why
from locales import speak_french
from questionnaire.definition import available, load

speak_french()  # click's own texts (« Usage », « Missing argument ») in French
# The last exit function: what the process holds is let go of by the system as it ends, not scanned by
# the garbage collector's last passes as the interpreter shuts down, about 30 ms of a run's 0.45 s
# (100 files; 45 -> 15 ms at 1,000 files, from the last exit function to the process's end)
atexit.register(gc.freeze)

DEFAULT_FORM = "egalite-2024"  # the version read when a file shows none, and whose templates are written
INTERRUPTED = ("Arrêt demandé (Ctrl-C). Ce qui a été lu est gardé dans l'historique ; "
               "relancez la même commande pour reprendre.")


class Egalite(click.Group):
    """The command group, and the one handler that turns every failure into a French sentence.

    An :class:`exit_codes.EgaliteError` is printed and exits with its code;
    Ctrl-C exits 130; any other exception is a bug: its traceback goes to a
    log file, the officer gets the file's path and exit code 5.
    """

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except EgaliteError as error:
            click.secho(for_terminal(error.message), fg="red", err=True)
            ctx.exit(int(error.exit_code))
        except KeyboardInterrupt:
            click.secho(INTERRUPTED, fg="yellow", err=True)
            ctx.exit(int(Exit.INTERRUPTED))
        except ModuleNotFoundError as error:
            click.secho(_not_installed(error), fg="red", err=True)
            ctx.exit(int(Exit.INSTALL))
        except Exception:  # noqa: BLE001 - a bug: logged, and said in French
            click.secho(f"Erreur interne d'egalite (un défaut du programme, pas de vos fichiers). "
                        f"{_logged()}", fg="red", err=True)
            ctx.exit(int(Exit.INTERNAL))


def _not_installed(error: ModuleNotFoundError) -> str:
    """Say which library is missing: typically the code was updated and ``make install`` not run again."""
    return (f"Installation incomplète : la bibliothèque « {error.name or error} » manque. "
            "Dans le dossier d'egalite, lancez « make install » (ou demandez-le au service "
            "informatique), puis recommencez.")


def _logged() -> str:
    """Write the current exception's traceback to a log file in the temporary folder; say where."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    try:
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", prefix=f"egalite-erreur-{stamp}-",
                                         suffix=".log", delete=False) as log:
            log.write(f"egalite {' '.join(sys.argv[1:])}\n\n{traceback.format_exc()}")
    except OSError as error:
        return f"Le détail n'a pas pu être écrit dans le dossier temporaire ({why(error)})."
    return f"Le détail est écrit dans {log.name} : joignez ce fichier à votre signalement."


@click.group(cls=Egalite, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="egalite", message="egalite %(version)s")
def main() -> None:
    """Lit les questionnaires « politique égalité » reçus avec les offres
    et en fait des classeurs Excel par consultation et pour le territoire."""


def _form_option(help_text: str) -> Callable:
    """``--form``: the version of the questionnaire; the only place a default form is chosen."""
    return click.option("--form", "form_id", type=click.Choice(available()), default=DEFAULT_FORM,
                        show_default=True, help=help_text)


READ_FORM_HELP = ("Version du questionnaire retenue quand un fichier n'en montre aucune (chaque fichier est lu "
                  "avec la version qu'il montre).")


@main.command()
@click.option("--output", "-o", type=click.Path(path_type=Path), default=Path("output/modeles"),
              show_default=True, help="Dossier où écrire les modèles.")
@_form_option("Version du questionnaire dont écrire les modèles.")
def template(output: Path, form_id: str) -> None:
    """Écrit les modèles à joindre aux consultations (PDF papier, PDF remplissable, Word)."""
    from questionnaire.templates import write_templates

    for path in write_templates(output, load(form_id)):
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
@click.option("--workers", "-j", type=int, default=None,
              help="Processus en parallèle (par défaut : tous les cœurs).")
@click.option("--timeout", type=float, default=120.0, show_default=True,
              help="Temps maximal de lecture d'un fichier, en secondes.")
@click.option("--egapro", type=click.Path(path_type=Path), default=None,
              help="Export public de l'index Egapro (xlsx ou csv) pour contrôler les notes déclarées.")
@click.option("--publication", is_flag=True, help="Masque les cellules calculées sur moins de 3 structures.")
@click.option("--no-cache", is_flag=True, help="Relit tous les fichiers, même inchangés.")
@_form_option(READ_FORM_HELP)
def run(inbox: Path, output: Path, workers: int | None, timeout: float, egapro: Path | None,
        publication: bool, no_cache: bool, form_id: str) -> None:
    """Lit tous les questionnaires du dossier INBOX (un sous-dossier par consultation)."""
    from pipeline import RunOptions, run_batch

    if not inbox.is_dir():
        raise InputError(f"Dossier introuvable : {inbox}")
    options = RunOptions(form=form_id, workers=workers, timeout=timeout, egapro=egapro,
                         publication=publication, use_cache=not no_cache)
    sys.exit(int(run_batch(inbox, output, options)))


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--timeout", type=float, default=120.0, show_default=True,
              help="Temps maximal de lecture du fichier, en secondes.")
@_form_option(READ_FORM_HELP)
def check(file: Path, timeout: float, form_id: str) -> None:
    """Affiche ce qui a été lu dans un fichier : champs, doutes et constats."""
    from pipeline import check_file

    if not file.is_file():
        raise InputError(f"Fichier introuvable : {file}")
    sys.exit(int(check_file(file, form_id, timeout)))


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--output", "-o", type=click.Path(path_type=Path), default=Path("output/debug"),
              show_default=True, help="Dossier où écrire les images (jamais celui du fichier lu).")
@_form_option(READ_FORM_HELP)
def debug(file: Path, output: Path, form_id: str) -> None:
    """Dessine sur chaque page du questionnaire ce que la lecture y a vu : mots, cellules,
    libellés reconnus, mots pris par un champ, cases et leur état, zone de chaque réponse
    (une image PNG par page). Pour comprendre une lecture fausse d'un coup d'œil."""
    from pipeline import debug_file

    if not file.is_file():
        raise InputError(f"Fichier introuvable : {file}")
    written = debug_file(file, output, form_id)
    for path in written:
        click.echo(for_terminal(f"  {path}"))
    click.echo(for_terminal(f"{len(written)} image(s) écrite(s) dans {output}"))


if __name__ == "__main__":
    main()
