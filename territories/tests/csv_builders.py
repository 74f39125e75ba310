"""Build, from the real ANCT GeoJSON files, the other files ANCT publishes, and snapshot the tables.

The data.gouv.fr CSV files (communes, groupements) are derived here from the phase 2023-2027
GeoJSON by expanding each member through COG 2023, the vintage ANCT used: importing them must give
the same territories as the GeoJSON itself.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from geo import cog

PHASE2_GEOJSON = "ti/ti-2023-2027.geojson"
PHASE1_GEOJSON = "ti/ti-2019-2022.geojson"
COMMUNES_NAME = "liste-ti-com2023-20240704.csv"
GROUPEMENTS_NAME = "liste-ti-grpt2023-20240704.csv"
COMMUNES_HEADER = ["insee_com", "lib_com", "id_ti", "lib_ti"]
GROUPEMENTS_HEADER = ["id_ti", "lib_ti", "siren_groupement", "lib_groupement", "nature_juridique"]
ENCODINGS = {"utf-8": "utf-8", "utf-8-bom": "utf-8-sig", "cp1252": "cp1252"}
_MEMBER = re.compile(r"^(?P<name>.*?)\s*\((?P<siren>\d{9})\)$")


def real_file(relative: str) -> Path:
    return Path(settings.TERRITOIRES_DATA_DIR) / relative


@dataclass
class RawTerritory:
    """A territory as the raw file says, expanded in COG 2023 independently of the importer."""

    ti_id: str
    name: str
    members: list[tuple[str, str]]  # (SIREN, name) in file order
    communes: dict[str, str] = field(default_factory=dict)  # COG 2023 code -> name


def raw_phase(relative: str) -> dict[str, RawTerritory]:
    """Both ANCT GeoJSON layouts, parsed with plain code (no importer), members expanded in COG 2023."""
    vintage = cog.load_vintage(2023)
    with open(real_file(relative), encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    result = {}
    for feature in features:
        props = feature["properties"]
        if "liste_geo" in props:
            ti_id, name = props["id_territoire"], props["lib_territoire"]
            members = [
                (m["siren"], m["name"])
                for m in (
                    _MEMBER.match(p.strip()) for p in props["liste_geo"].split(";") if p.strip()
                )
            ]
        else:
            ti_id, name = props["id_ti"], props["lib_ti"]
            members = [(s.strip(), "") for s in props["siren_groupement"].split(",")]
        territory = RawTerritory(ti_id, name, members)
        for siren, _ in members:
            if siren in vintage.groupements:
                codes = vintage.groupements[siren].member_codes
            else:
                codes = [vintage.commune_by_siren[siren]["code"]]
            territory.communes.update({code: vintage.communes[code]["nom"] for code in codes})
        result[ti_id] = territory
    return result


def communes_rows(territories: dict[str, RawTerritory]) -> list[list[str]]:
    return [
        [code, commune_name, t.ti_id, t.name]
        for t in territories.values()
        for code, commune_name in sorted(t.communes.items())
    ]


def groupements_rows(territories: dict[str, RawTerritory]) -> list[list[str]]:
    vintage = cog.load_vintage(2023)
    rows = []
    for t in territories.values():
        for siren, member_name in t.members:
            nature = vintage.groupements[siren].nature if siren in vintage.groupements else "COM"
            rows.append([t.ti_id, t.name, siren, member_name, nature])
    return rows


def write_csv(
    path: Path,
    header: list[str],
    rows: list[list[str]],
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> Path:
    """Write like a spreadsheet export: quoted only where needed, CRLF line ends."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(ENCODINGS.get(encoding, encoding)))
    return path


def build_communes_csv(
    directory: Path, delimiter: str = ",", encoding: str = "utf-8", name: str = COMMUNES_NAME
) -> Path:
    return write_csv(
        directory / name,
        COMMUNES_HEADER,
        communes_rows(raw_phase(PHASE2_GEOJSON)),
        delimiter,
        encoding,
    )


def build_groupements_csv(
    directory: Path, delimiter: str = ",", encoding: str = "utf-8", name: str = GROUPEMENTS_NAME
) -> Path:
    return write_csv(
        directory / name,
        GROUPEMENTS_HEADER,
        groupements_rows(raw_phase(PHASE2_GEOJSON)),
        delimiter,
        encoding,
    )


def table_snapshot() -> dict[str, list[dict]]:
    """Every row of every table an import writes, ordered by primary key (to compare before/after)."""
    from territories.models import (
        Lineage,
        Phase,
        Territory,
        TerritoryCommune,
        TerritoryMember,
        UnmappedCommune,
    )

    models = [
        Phase,
        Territory,
        TerritoryMember,
        TerritoryCommune,
        UnmappedCommune,
        Lineage,
        Territory.departements.through,
        Territory.regions.through,
    ]
    return {model._meta.db_table: list(model.objects.order_by("pk").values()) for model in models}


def phase_content(phase_code: str) -> dict[str, dict]:
    """What an import of a phase says about each territory: name, members (SIREN, kind, nature), communes."""
    from territories.models import Territory, TerritoryCommune, TerritoryMember, UnmappedCommune

    content = {
        ti_id: {
            "name": name,
            "members": [],
            "communes": [],
            "unmapped": [],
            "population": population,
            "principal_departement": departement,
        }
        for ti_id, name, population, departement in Territory.objects.filter(
            phase_id=phase_code
        ).values_list("ti_id", "name", "population", "principal_departement_id")
    }
    children = [
        ("members", TerritoryMember, ("siren", "kind", "legal_nature")),
        ("communes", TerritoryCommune, ("commune_id", "source_code")),
        ("unmapped", UnmappedCommune, ("source_code",)),
    ]
    for key, model, fields in children:
        for ti_id, *values in model.objects.filter(territory__phase_id=phase_code).values_list(
            "territory__ti_id", *fields
        ):
            content[ti_id][key].append(tuple(values) if len(values) > 1 else values[0])
    for territory in content.values():
        for key, _, _ in children:
            territory[key].sort()
    return content
