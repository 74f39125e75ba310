"""The files of the open data page: what each one holds, which data it is made of, how it is written.

Every file is written by an exporter that already serves the same data elsewhere, never a second one:

- territories: the CSV of the map and of ``GET /api/v1/territoires.csv`` (``mapdata.csv_text``), the
  same rows as XLSX, and the full-precision GeoJSON of ``GET /api/v1/territoires.geojson?simplifie=false``;
- the data.gouv.fr tables (communes, groupements): the rows the phase was imported from, written in
  ANCT's column layouts (the importer's ``CSV_COMMUNES`` / ``CSV_GROUPEMENTS``), in the vintage of the
  COG the source used (ANCT's file for 2023-2027 is in COG 2023): the file reads back into the platform;
- lineage: ``territories.services.lineage_report.lineage_rows`` (``territoires lineage --format json``);
- public actions: the items of ``GET /api/v1/actions`` (the plans' last validated versions, confidential
  and archived actions left out), one row per action.

CSV and XLSX go through tagging's ``TableWriter`` (formulas neutralised by core.exports, written to a
temporary file renamed when complete), except the territories' CSV, written by ``mapdata.csv_text``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings

from geo import cog
from territories.importers.readers import CSV_COMMUNES, CSV_GROUPEMENTS
from territories.importers.resolve import _member_codes
from territories.models import Phase, Territory, TerritoryMember
from territories.services.lineage_report import lineage_rows
from territories.services.tagging.writing import TableWriter

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GEOJSON = "application/geo+json"

# Which parts of the data stamp (core/datastamp.py, registered in public/apps.py) each kind of file is
# made of: a service edited in the catalogue does not rebuild the territories.
TERRITORY_PARTS = ("territories",)
ACTION_PARTS = ("territories", "plans")


@dataclass(frozen=True)
class Dataset:
    name: str  # the file's name: its key in URLs and in the storage
    title: str  # French, for the page
    group: str  # the page's section
    fmt: str  # CSV, XLSX, GeoJSON
    content_type: str
    parts: tuple[str, ...]
    write: Callable[[Path], int]  # writes the file at the path, returns its rows (or features)
    dictionary: str  # key of its columns in opendata.dictionary.TABLES
    description: str = ""


# --- territories -------------------------------------------------------------------------------------


def _territory_csv(phase: Phase) -> str:
    from public.services import mapdata

    return mapdata.csv_text(mapdata.phase_features(phase), settings.SITE_URL)


NUMERIC_TERRITORY_COLUMNS = {"population", "nombre_communes", "longitude", "latitude"}


def write_territories_csv(phase: Phase, path: Path) -> int:
    text = _territory_csv(phase)
    path.write_bytes(text.encode())
    return text.count("\r\n") - 1


def write_territories_xlsx(phase: Phase, path: Path) -> int:
    """The CSV's rows as they are (read back from it: one implementation of the columns), numbers as
    numbers."""
    reader = csv.reader(io.StringIO(_territory_csv(phase).lstrip("\ufeff")), delimiter=";")
    header = next(reader)
    numeric = [name in NUMERIC_TERRITORY_COLUMNS for name in header]
    rows = (
        [
            float(cell) if is_number and cell else cell
            for cell, is_number in zip(row, numeric, strict=True)
        ]
        for row in reader
    )
    return _write_table(path, header, rows, sheet="Territoires")


def write_territories_geojson(phase: Phase, path: Path) -> int:
    from api.v1.territories import _full_features
    from public.services import mapdata

    features = _full_features(phase)
    path.write_bytes(mapdata.geojson_bytes(features))
    return len(features)


# --- the data.gouv.fr tables -------------------------------------------------------------------------


def communes_rows(phase: Phase) -> list[list[str]]:
    """``insee_com, lib_com, id_ti, lib_ti``: the communes of each member (EPCI, EPT, or a commune) in
    the COG vintage the phase's source used, by the importer's own rule (``resolve._member_codes``),
    by territory then code. Not the current communes the platform links (``TerritoryCommune``): two
    communes of the source merged since are one current commune, and ANCT's file lists both."""
    vintage = cog.load_vintage(phase.cog_year or cog.CURRENT_VINTAGE)
    rows: set[tuple[str, str, str, str]] = set()
    members = TerritoryMember.objects.filter(territory__phase=phase).values_list(
        "territory__ti_id", "territory__name", "siren", "legal_nature"
    )
    for ti_id, lib_ti, siren, nature in members:
        if siren not in vintage.groupements and siren not in vintage.commune_by_siren:
            continue  # not in the source's vintage: the import refused such a member
        codes = _member_codes(
            SimpleNamespace(legal_nature=nature), SimpleNamespace(siren=siren), vintage
        )
        rows.update((code, name, ti_id, lib_ti) for code, name in codes.items())
    return [list(row) for row in sorted(rows, key=lambda r: (r[2], r[0]))]


def groupements_rows(phase: Phase) -> list[list[str]]:
    """``id_ti, lib_ti, siren_groupement, lib_groupement, nature_juridique``: each member as listed by
    ANCT (EPCI, EPT, or a commune by its SIREN, nature « COM »), by territory then SIREN."""
    members = TerritoryMember.objects.filter(territory__phase=phase).order_by(
        "territory__ti_id", "siren"
    )
    return [
        list(row)
        for row in members.values_list(
            "territory__ti_id", "territory__name", "siren", "name", "legal_nature"
        )
    ]


def write_communes(phase: Phase, path: Path) -> int:
    return _write_table(path, list(CSV_COMMUNES.required), communes_rows(phase), bom=False)


def write_groupements(phase: Phase, path: Path) -> int:
    return _write_table(path, list(CSV_GROUPEMENTS.required), groupements_rows(phase), bom=False)


# --- lineage -----------------------------------------------------------------------------------------

LINEAGE_COLUMNS = [
    "phase_precedente",
    "id_ti_precedent",
    "lib_ti_precedent",
    "devenir",
    "phase",
    "id_ti",
    "lib_ti",
    "statut",
    "communes_en_commun",
    "part_communes",
    "part_communes_precedent",
]


def lineage_table() -> list[list]:
    """Every link between a territory and its predecessor of the previous phase; a territory with no
    predecessor (« nouveau ») and one with no successor (« non-reconduit ») each on a row of its own."""
    rows: list[list] = []
    phases = list(Phase.objects.order_by("number"))
    for previous, phase in zip(phases, phases[1:], strict=False):
        outcomes = dict(
            Territory.objects.filter(phase=previous).values_list("ti_id", "outcome_status")
        )
        phase_rows = lineage_rows(phase)
        for territory in phase_rows:
            for link in territory["predecesseurs"] or [None]:
                rows.append(
                    [
                        previous.code if link else "",
                        link["id"] if link else "",
                        link["nom"] if link else "",
                        outcomes.get(link["id"], "") if link else "",
                        phase.code,
                        territory["id"],
                        territory["nom"],
                        territory["statut"],
                        link["communes_communes"] if link else "",
                        round(link["part_communes"], 4) if link else "",
                        round(link["part_communes_predecesseur"], 4) if link else "",
                    ]
                )
        # The territories of the previous phase that no territory succeeds: lineage_rows(phase)
        # already named every predecessor (one call per phase: ~3 s each on the loaded machine).
        succeeded = {link["id"] for territory in phase_rows for link in territory["predecesseurs"]}
        for ti_id, name, outcome in (
            Territory.objects.filter(phase=previous)
            .order_by("ti_id")
            .values_list("ti_id", "name", "outcome_status")
        ):
            if ti_id not in succeeded:
                rows.append([previous.code, ti_id, name, outcome, "", "", "", "", "", "", ""])
    return rows


def write_lineage(path: Path) -> int:
    return _write_table(path, LINEAGE_COLUMNS, lineage_table())


# --- public actions ----------------------------------------------------------------------------------

ACTION_COLUMNS = [
    "phase",
    "id_ti",
    "lib_ti",
    "publie_le",
    "code",
    "titre",
    "description",
    "axe",
    "axe_libelle",
    "sous_theme",
    "statut",
    "statut_libelle",
    "maturite",
    "maturite_libelle",
    "porteur_type",
    "porteur",
    "cout_total",
    "date_fin",
    "communes",
    "financements",
]


def action_rows() -> list[list]:
    """The items of ``GET /api/v1/actions`` (every phase), one row each."""
    from api.v1.actions import _published_actions

    rows = []
    for item in _published_actions(""):
        territory = item["territoire"]
        rows.append(
            [
                territory["phase"],
                territory["id"],
                territory["nom"],
                item["publie_le"].isoformat(timespec="seconds"),
                item["code"],
                item["titre"],
                item["description"],
                item["axe"],
                item["axe_libelle"],
                item["sous_theme"],
                item["statut"],
                item["statut_libelle"],
                item["maturite"],
                item["maturite_libelle"],
                item["porteur_type"],
                item["porteur"],
                item["cout_total"] or "",
                item["date_fin"].isoformat() if item["date_fin"] else "",
                ", ".join(item["communes"]),
                " | ".join(
                    f"{f['financeur']} ; {f['dispositif']} ; {f['montant']} ; {f['etat_libelle']}"
                    for f in item["financements"]
                ),
            ]
        )
    return rows


def write_actions(path: Path) -> int:
    return _write_table(path, ACTION_COLUMNS, action_rows(), sheet="Actions publiques")


# --- writing -----------------------------------------------------------------------------------------


def _write_table(
    path: Path, header: list[str], rows, sheet: str = "Données", bom: bool = True
) -> int:
    """CSV (UTF-8, « ; », CRLF) or XLSX by the path's extension, through tagging's TableWriter.
    ``bom``: the CSV starts with a BOM, so that a spreadsheet shows its accents (the files people
    open); the data.gouv.fr tables keep the ANCT's layout, without one."""
    writer = TableWriter(path, header, ";", bom=bom)
    if writer.kind == "xlsx":
        # TableWriter names its one sheet for the tagging; a downloaded file names what it holds.
        writer.workbook.sheetnames[sheet] = writer.workbook.sheetnames.pop(writer.sheet.name)
        writer.sheet.name = sheet
    try:
        writer.write_all(rows)
        writer.finish()
    except BaseException:
        writer.abort()
        raise
    return writer.rows


# --- the registry ------------------------------------------------------------------------------------

TERRITORIES = "Territoires d'industrie"
TABLES = "Tables au format data.gouv.fr (ANCT)"
LINEAGE = "Filiation entre phases"
ACTIONS = "Actions des plans"


def _phase_datasets(phase: Phase) -> list[Dataset]:
    code = phase.code

    def bound(function):
        return lambda path: function(phase, path)

    return [
        Dataset(
            f"territoires-industrie-{code}.csv",
            f"Territoires de la phase {code}",
            TERRITORIES,
            "CSV",
            CSV,
            TERRITORY_PARTS,
            bound(write_territories_csv),
            "territoires",
            "Une ligne par territoire ; séparateur « ; », UTF-8 avec BOM (Excel).",
        ),
        Dataset(
            f"territoires-industrie-{code}.xlsx",
            f"Territoires de la phase {code}",
            TERRITORIES,
            "XLSX",
            XLSX,
            TERRITORY_PARTS,
            bound(write_territories_xlsx),
            "territoires",
            "Les mêmes colonnes que le CSV.",
        ),
        Dataset(
            f"territoires-industrie-{code}.geojson",
            f"Contours des territoires de la phase {code}",
            TERRITORIES,
            "GeoJSON",
            GEOJSON,
            TERRITORY_PARTS,
            bound(write_territories_geojson),
            "territoires-geojson",
            "Contours à la précision d'origine (WGS 84), propriétés décrites ci-dessous.",
        ),
        Dataset(
            f"liste-ti-com-{code}.csv",
            f"Communes des territoires, phase {code}",
            TABLES,
            "CSV",
            CSV,
            TERRITORY_PARTS,
            bound(write_communes),
            "communes",
            f"Colonnes du fichier ANCT des communes ; codes et noms du COG "
            f"{phase.cog_year or cog.CURRENT_VINTAGE} (celui de la source).",
        ),
        Dataset(
            f"liste-ti-grpt-{code}.csv",
            f"Groupements membres des territoires, phase {code}",
            TABLES,
            "CSV",
            CSV,
            TERRITORY_PARTS,
            bound(write_groupements),
            "groupements",
            "Colonnes du fichier ANCT des groupements : un membre (EPCI, EPT ou commune) par ligne.",
        ),
    ]


def datasets() -> list[Dataset]:
    """Every file of the page, in its order: by phase (latest first), then lineage, then actions."""
    result = []
    for phase in Phase.objects.order_by("-number"):
        result += _phase_datasets(phase)
    result.append(
        Dataset(
            "filiation-territoires.csv",
            "Filiation des territoires entre phases",
            LINEAGE,
            "CSV",
            CSV,
            TERRITORY_PARTS,
            write_lineage,
            "filiation",
            "Une ligne par lien entre un territoire et son prédécesseur de la phase précédente ; séparateur « ; », UTF-8 avec BOM (Excel).",
        )
    )
    for fmt, content_type in (("CSV", CSV), ("XLSX", XLSX)):
        result.append(
            Dataset(
                f"actions-publiques.{fmt.lower()}",
                "Actions publiques des plans validés",
                ACTIONS,
                fmt,
                content_type,
                ACTION_PARTS,
                write_actions,
                "actions",
                "Dernière version validée de chaque plan, sans les actions confidentielles ni "
                "archivées ; jamais le nom d'un porteur privé.",
            )
        )
    return result


def find(name: str) -> Dataset | None:
    return next((dataset for dataset in datasets() if dataset.name == name), None)
