"""Benchmark: load a 300,000-row Egapro export (xlsx and csv) and look bidders up in it.

Run from the project folder: ``.venv/bin/python -m bench.egapro_load``
(``--rows N`` to change the size, ``--keep DIR`` to generate the files once
and reuse them). Prints figures; asserts nothing about time.
"""
from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from analyse.egapro import EgaproIndex, workbook_reader, cross_check
from questionnaire.record import Reading, Record
from tests.support_egapro import siret_of, synthetic_rows, write_csv, write_xlsx

LOOKUPS = 100_000


def generate(folder: Path, rows: int) -> list[Path]:
    """The two exports, written once per folder and size (the xlsx takes about a minute)."""
    xlsx = folder / f"index-egalite-fh-{rows}.xlsx"
    csv = folder / f"index-egalite-fh-{rows}.csv"
    if not xlsx.exists():
        write_xlsx(xlsx, synthetic_rows(rows))
    if not csv.exists():
        write_csv(csv, synthetic_rows(rows), encoding="cp1252")
    return [xlsx, csv]


def timed_load(path: Path) -> EgaproIndex:
    wall, cpu = time.perf_counter(), time.process_time()
    index = EgaproIndex.load(path)
    print(f"{path.name}: {path.stat().st_size / 1e6:.1f} Mo, {len(index)} publications, "
          f"chargé en {time.perf_counter() - wall:.2f} s ({time.process_time() - cpu:.2f} s CPU)")
    return index


def bidders(rows: int, count: int) -> list[Record]:
    """Half of them published (directly or as UES members), half unknown."""
    rng = random.Random(1)
    known = [row.siren for row in synthetic_rows(rows)]
    members = [siren for row in synthetic_rows(min(rows, 5_000)) for _, siren in row.members]
    pool = known + members
    records = []
    for n in range(count):
        siren = rng.choice(pool) if n % 2 else f"{rng.randint(800_000_000, 899_999_999)}"
        readings = {"siret": Reading("siret", siret_of(siren)),
                    "equality_index.score": Reading("equality_index.score", rng.randint(50, 100)),
                    "staff.total.total": Reading("staff.total.total", rng.randint(10, 500))}
        records.append(Record(file=f"{n}.pdf", tender="VM-2024-001", readings=readings))
    return records


def timed_checks(index: EgaproIndex, records: list[Record]) -> None:
    start = time.perf_counter()
    found = sum(index.lookup(r.readings["siret"].value[:9], 2024) is not None for r in records)
    lookups = len(records) / (time.perf_counter() - start)
    start = time.perf_counter()
    findings = sum(len(cross_check(record, index, 2024)) for record in records)
    checks = len(records) / (time.perf_counter() - start)
    print(f"  {lookups:,.0f} recherches/s ({found} trouvées sur {len(records)}), "
          f"{checks:,.0f} contrôles/s ({findings} constats)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--keep", type=Path, help="dossier où garder les fichiers générés")
    args = parser.parse_args()
    print(f"Lecteur xlsx : {workbook_reader().__name__}")
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        records = bidders(args.rows, LOOKUPS)
        for path in generate(folder, args.rows):
            timed_checks(timed_load(path), records)


if __name__ == "__main__":
    main()
