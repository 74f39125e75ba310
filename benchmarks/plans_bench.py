"""Import and export of 10,000 actions (XLSX and CSV), with rows per second and a ratio to a baseline.

Run after `make load` with `.venv/bin/python benchmarks/plans_bench.py [--actions N]`. Target (issue 5): under
10 s each. The baseline, measured in the same run, is the floor any XLSX tool pays: openpyxl writing
(write-only mode) and reading (read-only mode) the same number of rows and columns of plain values. A second
baseline shows the libraries the plans app uses instead (docs/decisions.md): xlsxwriter (constant-memory mode)
writing and python-calamine reading those values; the ratios stay relative to openpyxl.
Everything happens in one transaction that is rolled back: the database is left as it was.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import xlsxwriter  # noqa: E402
from django.db import transaction  # noqa: E402
from openpyxl import Workbook, load_workbook  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from plans.models import Action  # noqa: E402
from plans.services.demo import demo_records, demo_territories  # noqa: E402
from plans.services.exporting import export_actions  # noqa: E402
from plans.services.importing import import_plans  # noqa: E402
from plans.services.records import group_counts, record_to_row  # noqa: E402
from plans.spreadsheet import files  # noqa: E402
from plans.spreadsheet.columns import layout  # noqa: E402


class Rollback(Exception):
    pass


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def baseline_write(path: Path, rows: int, columns: int) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Actions")
    for number in range(rows):
        sheet.append([f"valeur {number}-{column}" for column in range(columns)])
    workbook.save(path)


def baseline_read(path: Path) -> int:
    workbook = load_workbook(path, read_only=True)
    count = sum(1 for _ in workbook["Actions"].iter_rows(values_only=True))
    workbook.close()
    return count


def baseline_write_xlsxwriter(path: Path, rows: int, columns: int) -> None:
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Actions")
    for number in range(rows):
        for column in range(columns):
            sheet.write_string(number, column, f"valeur {number}-{column}")
    workbook.close()


def baseline_read_calamine(path: Path) -> int:
    with CalamineWorkbook.from_path(str(path)) as workbook:
        return len(workbook.get_sheet_by_name("Actions").to_python(skip_empty_area=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=10_000)
    count = parser.parse_args().actions
    territories = demo_territories("2023-2027", 1)
    if not territories:
        sys.exit("Aucun territoire : lancez d'abord `make load`.")
    territory = territories[0]
    records = demo_records(territory, count, seed=42)
    counts = group_counts(records)
    sheet_layout = layout(max(5, counts["fundings"]), max(3, counts["indicators"]))
    columns = len(sheet_layout.columns)
    results: list[tuple[str, float, str]] = []

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "source.xlsx"
        with source.open("wb") as stream:
            files.write_xlsx(
                stream, sheet_layout, (record_to_row(r, sheet_layout) for r in records)
            )

        base_write, _ = timed(lambda: baseline_write(folder / "baseline.xlsx", count, columns))
        base_read, _ = timed(lambda: baseline_read(folder / "baseline.xlsx"))
        results += [
            ("référence : openpyxl écrit des valeurs simples", base_write, ""),
            ("référence : openpyxl lit ces valeurs", base_read, ""),
        ]
        seconds, _ = timed(
            lambda: baseline_write_xlsxwriter(folder / "baseline2.xlsx", count, columns)
        )
        results.append(("référence 2 : xlsxwriter écrit ces valeurs", seconds, ""))
        seconds, _ = timed(lambda: baseline_read_calamine(folder / "baseline2.xlsx"))
        results.append(("référence 2 : python-calamine les lit", seconds, ""))
        try:
            with transaction.atomic():
                Action.objects.filter(plan__territory=territory).delete()
                seconds, report = timed(
                    lambda: import_plans(source, territory.phase_id, territory.ti_id)
                )
                assert report.count("created") == count
                results.append(("import XLSX (création)", seconds, "read"))
                seconds, report = timed(
                    lambda: import_plans(source, territory.phase_id, territory.ti_id)
                )
                assert report.count("unchanged") == count
                results.append(("import XLSX (réimport, rien ne change)", seconds, "read"))
                actions = Action.objects.filter(plan__territory=territory)
                seconds, _ = timed(lambda: export_actions(actions, io.BytesIO(), "xlsx"))
                results.append(("export XLSX", seconds, "write"))
                csv_path = folder / "export.csv"
                with csv_path.open("wb") as stream:
                    seconds, _ = timed(lambda: export_actions(actions, stream, "csv"))
                results.append(("export CSV", seconds, "write"))
                seconds, report = timed(
                    lambda: import_plans(csv_path, territory.phase_id, territory.ti_id)
                )
                assert report.count("unchanged") == count
                results.append(("import CSV (réimport, rien ne change)", seconds, "read"))
                raise Rollback
        except Rollback:
            pass

    print(
        f"{count} actions, {columns} colonnes, territoire {territory.ti_id} (base annulée à la fin)"
    )
    print(f"{'étape':48} {'secondes':>9} {'lignes/s':>10} {'÷ référence':>12}")
    for label, seconds, kind in results:
        ratio = {"read": seconds / base_read, "write": seconds / base_write}.get(kind)
        print(
            f"{label:48} {seconds:9.2f} {count / seconds:10.0f} {f'{ratio:.1f}' if ratio else '':>12}"
        )
    slowest = max(seconds for label, seconds, kind in results if kind)
    print(
        f"Cible : moins de 10 s par opération — {'atteinte' if slowest < 10 else 'NON atteinte'} "
        f"(la plus lente : {slowest:.1f} s)."
    )


if __name__ == "__main__":
    main()
