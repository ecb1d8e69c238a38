"""Limits everywhere, on Linux and on an officer's Windows PC.

A long scanned bid is read page by page with the memory of a few pages; a
memory limit hit is said as such; nothing POSIX-only is on the main path;
a broken Tesseract or a failing shortcut is said in French, never as a
Python error; content hashes and `egalite check` are under the run's limits,
and nothing printed to the terminal holds a control character.
"""
from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
import time
import weakref
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from questionnaire.definition import load
from analyse.report import for_terminal
from cli import main
from extract import ocr_engine, scan as scan_module
from extract.batch import UNEXPECTED, InputFile, address_space, memory_limit_enforced, out_of_memory
from extract.ocr_engine import get_engine
from extract.read import METHOD_FIELDS, METHOD_FORM, read_file
from pipeline import _scan_options
from tests.support_scan import long_scanned_bid

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "inbox"
SCANNED_QUESTIONNAIRE = SAMPLES / "VM-2026-014" / "scan_questionnaire_egalite_0001.pdf"
FILLABLE = SAMPLES / "CHV-2026-007" / "Questionnaire égalité - Blanchisserie Industrielle du Nord.pdf"
needs_ocr = pytest.mark.skipif(get_engine() is None, reason="Tesseract (fra) absent")


def _read(path: Path):
    item = InputFile(path, path.name, "", path.stat().st_size)
    return read_file(path, path.name, "", forms=[load("egalite-2024")], **_scan_options(item, None))


@needs_ocr
def test_a_long_scanned_bid_is_read_page_by_page(tmp_path: Path, monkeypatch) -> None:
    """100 scanned pages, the questionnaire on pages 40-42: read as the questionnaire alone
    is read, while no more than a few prepared pages are ever held at once."""
    bid = tmp_path / "offre scannée.pdf"
    bid.write_bytes(long_scanned_bid(SCANNED_QUESTIONNAIRE.read_bytes(), pages=100, first=40))
    alone = _read(SCANNED_QUESTIONNAIRE)
    alive = [0]
    most = []
    prepare = scan_module._prepare

    def counted(raster):
        prepared = prepare(raster)
        alive[0] += 1
        weakref.finalize(prepared, lambda: alive.__setitem__(0, alive[0] - 1))
        most.append(alive[0])
        return prepared

    monkeypatch.setattr(scan_module, "_prepare", counted)
    record = _read(bid)
    assert record.error is None and record.page_count == 100
    assert record.pages == [40, 41, 42]
    assert {k: (r.value, r.doubt) for k, r in record.readings.items()} == \
        {k: (r.value, r.doubt) for k, r in alone.readings.items()}
    assert len(most) > 100  # pages 40-42 were let go while the rest was read, then prepared again
    assert max(most) <= scan_module.HELD_SCANS + 1


def test_a_memory_limit_hit_is_said_as_such(tmp_path: Path) -> None:
    """A scan read with too little memory: the worker's limit is named, not an unreadable PDF.

    In a fresh interpreter: a worker may grow by the limit beyond what it starts
    with, and a worker forked from this test process starts with what it holds.
    """
    script = (
        "import functools, sys\n"
        "from pathlib import Path\n"
        "from extract.batch import InputFile, run_parallel\n"
        "from pipeline import process\n"
        "path = Path(sys.argv[1])\n"
        "item = InputFile(path, path.name, '', path.stat().st_size)\n"
        "[outcome] = run_parallel([item], functools.partial(process, form='egalite-2024', output=Path(sys.argv[2])), workers=1,\n"
        "                         memory_mb=48, progress=False)\n"
        "print(outcome.result is None, outcome.failure)\n")
    done = subprocess.run([sys.executable, "-c", script, str(SCANNED_QUESTIONNAIRE), str(tmp_path)],
                          capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1], timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("True Mémoire insuffisante") and "48 Mo" in done.stdout


@pytest.mark.parametrize("text", ["std::bad_alloc", "OpenCV(4.10.0) error: (-4:Insufficient memory) "
                                  "Failed to allocate 8709120 bytes in function 'OutOfMemoryError'"])
def test_out_of_memory_in_a_library_is_told_from_other_failures(text: str) -> None:
    assert out_of_memory(RuntimeError(text)) and out_of_memory(MemoryError())
    assert not out_of_memory(TypeError("Object is not numeric"))


POSIX_ONLY_MODULES = {"fcntl", "resource", "termios", "tty", "pty", "pwd", "grp", "posix", "syslog", "crypt"}
POSIX_ONLY_NAMES = {("os", "O_NONBLOCK"), ("os", "killpg"), ("os", "getuid"), ("os", "geteuid"),
                    ("os", "getpgid"), ("signal", "SIGKILL"), ("signal", "SIGALRM"), ("signal", "alarm")}
MAIN_PATH = ["cli.py", "pipeline.py", "exit_codes.py", "extract", "analyse", "questionnaire"]


def _main_path_sources() -> list[Path]:
    root = Path(__file__).resolve().parents[1]
    return [path for entry in MAIN_PATH for path in
            ([root / entry] if entry.endswith(".py") else sorted((root / entry).rglob("*.py")))]


def _guarded_imports(tree: ast.AST) -> set[int]:
    """The imports made in a ``try`` whose ``except ImportError`` carries on without the module."""
    guarded = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
                isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError")
                for h in node.handlers):
            guarded |= {id(n) for n in node.body if isinstance(n, (ast.Import, ast.ImportFrom))}
    return guarded


def test_no_posix_only_module_on_the_main_path() -> None:
    """Officers run egalite on Windows: what `egalite run` imports and calls must exist there too
    (a name looked up with getattr and a default is fine, so is a module imported in a ``try``
    that goes on without it)."""
    found = []
    for path in _main_path_sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        guarded = _guarded_imports(tree)
        for node in ast.walk(tree):
            if id(node) in guarded:
                continue
            if isinstance(node, ast.Import):
                found += [(path.name, a.name) for a in node.names if a.name.split(".")[0] in POSIX_ONLY_MODULES]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in POSIX_ONLY_MODULES:
                found.append((path.name, node.module))
            elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                  and (node.value.id, node.attr) in POSIX_ONLY_NAMES):
                found.append((path.name, f"{node.value.id}.{node.attr}"))
    assert len(_main_path_sources()) > 30 and found == []


def test_the_check_for_posix_only_modules_can_fail(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "cli.py").write_text("import fcntl\nimport os\nflags = os.O_NONBLOCK\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "_main_path_sources", lambda: [tmp_path / "cli.py"] * 31)
    with pytest.raises(AssertionError):
        test_no_posix_only_module_on_the_main_path()


@pytest.mark.parametrize("source, allowed", [
    ("try:\n    import resource\nexcept ImportError:\n    resource = None\n", True),
    ("try:\n    import resource\nexcept OSError:\n    resource = None\n", False),
    ("try:\n    pass\nexcept ImportError:\n    pass\nimport resource\n", False),
])
def test_a_posix_only_module_may_be_imported_where_its_absence_is_handled(
        tmp_path: Path, monkeypatch, source: str, allowed: bool) -> None:
    (tmp_path / "cli.py").write_text(source, encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "_main_path_sources", lambda: [tmp_path / "cli.py"] * 31)
    if allowed:
        test_no_posix_only_module_on_the_main_path()
    else:
        with pytest.raises(AssertionError):
            test_no_posix_only_module_on_the_main_path()


def test_a_worker_address_space_is_read_as_the_kernel_counts_it() -> None:
    """What the memory limit grows from: the process's virtual size, as /proc/self/status says it."""
    if not memory_limit_enforced():
        pytest.skip("the memory limit is enforced on Linux only")
    status = Path("/proc/self/status").read_text(encoding="ascii")
    size_kb = int(next(line for line in status.splitlines() if line.startswith("VmSize:")).split()[1])
    assert abs(address_space() - size_kb * 1024) < 2**20


def test_an_unenforceable_memory_limit_is_said_in_french(tmp_path: Path, monkeypatch) -> None:
    import pipeline

    inbox = tmp_path / "offres" / "AO-1"
    inbox.mkdir(parents=True)
    shutil.copy(FILLABLE, inbox / "questionnaire.pdf")
    monkeypatch.setattr(pipeline, "memory_limit_enforced", lambda: False)
    result = CliRunner().invoke(main, ["run", str(inbox.parent), "--output", str(tmp_path / "sortie")])
    assert result.exit_code == 0
    assert "la mémoire utilisée pour lire chaque fichier ne peut pas être limitée" in result.output


def test_tesseract_failing_to_start_is_said_not_taken_for_another_document(monkeypatch) -> None:
    """Tesseract installed but broken: the scan goes to review saying why, it is not rejected."""
    tesserocr = pytest.importorskip("tesserocr")

    def broken(*args, **kwargs):
        raise RuntimeError("Failed to init API, possibly an invalid tessdata path: /usr/share/tessdata/")

    monkeypatch.setattr(tesserocr, "PyTessBaseAPI", broken)
    ocr_engine.engine_status.cache_clear()
    try:
        record = _read(SCANNED_QUESTIONNAIRE)
    finally:
        ocr_engine.engine_status.cache_clear()
    assert record.error is None and record.error_class is None
    doubts = {r.doubt for r in record.readings.values()}
    assert len(doubts) == 1
    [doubt] = doubts
    assert "Tesseract est installé mais ne démarre pas" in doubt and "invalid tessdata path" in doubt


def test_a_failure_of_the_fillable_shortcut_falls_back_to_the_general_reader(tmp_path: Path) -> None:
    """A field box that is not numbers makes the field tree's reader fail (TypeError): the
    general reader reads the form anyway, and no Python error reaches the officer."""
    pdf = pikepdf.open(FILLABLE)
    pdf.Root.AcroForm.Fields[0].Rect = pikepdf.Array([pikepdf.Name("/a"), 0, 10, 10])
    broken = tmp_path / "questionnaire.pdf"
    pdf.save(broken)
    record, intact = read_file(broken, "b", "", forms=[load("egalite-2024")]), read_file(FILLABLE, "a", "", forms=[load("egalite-2024")])
    assert intact.method == METHOD_FORM and record.method == METHOD_FIELDS and record.error is None
    same = [k for k in intact.readings if record.readings[k].value == intact.readings[k].value]
    assert len(same) >= len(intact.readings) - 1


def test_an_unexpected_reader_failure_is_a_french_sentence(tmp_path: Path, monkeypatch) -> None:
    import extract.read
    import pipeline

    def failing(*args, **kwargs):
        raise TypeError("'NoneType' object is not subscriptable")

    monkeypatch.setattr(extract.read, "read_file", failing)
    item = InputFile(FILLABLE, FILLABLE.name, "", FILLABLE.stat().st_size)
    record = pipeline.process(item, "egalite-2024")
    assert record["error"] == UNEXPECTED and "Error" not in record["error"]


def _inbox_with(tmp_path: Path, *names: str) -> Path:
    inbox = tmp_path / "offres"
    (inbox / "AO-1").mkdir(parents=True)
    for name in names:
        shutil.copy(FILLABLE, inbox / "AO-1" / name)
    return inbox


def test_links_out_of_the_inbox_are_refused_before_anything_is_read(tmp_path: Path, monkeypatch) -> None:
    import pipeline

    inbox = _inbox_with(tmp_path, "questionnaire.pdf")
    outside = tmp_path / "ailleurs.pdf"
    shutil.copy(FILLABLE, outside)
    (inbox / "AO-1" / "lien.pdf").symlink_to(outside)
    hashed = tmp_path / "hashed.txt"
    hash_file = pipeline.sha256_of

    def logged(path: Path) -> str:  # workers are forked: they inherit this
        with hashed.open("a", encoding="utf-8") as log:
            log.write(f"{Path(path).resolve()}\n")
        return hash_file(path)

    monkeypatch.setattr(pipeline, "sha256_of", logged)
    for extra in ([], ["--no-cache"]):
        result = CliRunner().invoke(main, ["run", str(inbox), "--output", str(tmp_path / "sortie"), *extra])
        assert result.exit_code == 0, result.output
        lines = [json.loads(line) for line in (tmp_path / "sortie" / "records.jsonl").read_text().splitlines()]
        link = next(line for line in lines if line["file"] == "AO-1/lien.pdf")
        assert link["status"] == "rejected" and "hors du dossier" in link["error"]
    read = hashed.read_text(encoding="utf-8").split()
    assert str(outside.resolve()) not in read and str((inbox / "AO-1" / "questionnaire.pdf").resolve()) in read


def test_hashing_is_bounded_by_the_time_limit(tmp_path: Path, monkeypatch) -> None:
    """A file whose reading hangs (a network drive gone away) while its content is hashed."""
    import pipeline

    inbox = _inbox_with(tmp_path, "questionnaire.pdf", "suspendu.pdf")
    hash_file = pipeline.sha256_of

    def hanging(path: Path) -> str:
        if Path(path).name == "suspendu.pdf":
            time.sleep(60)
        return hash_file(path)

    monkeypatch.setattr(pipeline, "sha256_of", hanging)
    result = CliRunner().invoke(main, ["run", str(inbox), "--output", str(tmp_path / "sortie"), "--timeout", "2"])
    assert result.exit_code == 0, result.output
    lines = {json.loads(line)["file"]: json.loads(line)
             for line in (tmp_path / "sortie" / "records.jsonl").read_text().splitlines()}
    assert lines["AO-1/suspendu.pdf"]["status"] == "rejected"
    assert lines["AO-1/suspendu.pdf"]["error"].startswith("Lecture interrompue après 2 s")
    assert lines["AO-1/questionnaire.pdf"]["status"] != "rejected"


def test_check_reads_under_the_same_limits_as_run() -> None:
    """`egalite check` reads in a worker: its time limit stops a file that takes too long."""
    result = CliRunner().invoke(main, ["check", str(SCANNED_QUESTIONNAIRE), "--timeout", "0.5"])
    assert result.exit_code == 0, result.output
    assert "Lecture interrompue après 0.5 s" in result.output


def test_check_prints_no_terminal_escape_sequence(tmp_path: Path) -> None:
    """A field of a hostile PDF holding escape sequences (retitle the terminal, recolour, erase)."""
    pdf = pikepdf.open(FILLABLE)
    field = next(f for f in pdf.Root.AcroForm.Fields if str(f.get("/T")) == "structure_name")
    field.V = pikepdf.String("Nord\x1b]0;pirate\x07\x1b[2J\x1b[31m SAS\u202e\x9b")
    hostile = tmp_path / "questionnaire.pdf"
    pdf.save(hostile)
    result = CliRunner().invoke(main, ["check", str(hostile)])
    assert result.exit_code == 0, result.output
    assert "Nord" in result.output and "SAS" in result.output
    assert not any(c in result.output for c in "\x1b\x07\x9b\u202e")


def test_control_characters_are_stripped_for_the_terminal() -> None:
    assert for_terminal("a\x1b[31mb\x00c\td\ne\u202ef\x85g") == "a[31mbc\td\nefg"
