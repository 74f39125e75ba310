"""Detect and read the ANCT formats: two GeoJSON layouts and the two data.gouv.fr CSV files.

Each format is declared by its identifying keys; the reader of a file is chosen from its content,
never from its name. Every problem found is kept with its row (or feature) and column. Whatever the
bytes, a reader returns a ParsedSource or raises ImportRefused (tested by fuzzing).
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from core.imports import (
    ImportRefused,
    Problem,
    csv_rows,
    decode_text,
    read_bounded,
    refuse,
)
from territories.importers.source import ParsedSource, SourceCommune, SourceMember, SourceTerritory

TI_ID = re.compile(r"^ti-\d{3,5}$")
SIREN = re.compile(r"^\d{9}$")
INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
MEMBER_IN_LIST = re.compile(r"^(?P<name>.*?)\s*\((?P<siren>\d{9})\)$")
CSV_DELIMITERS = (",", ";", "\t")
# Rows (CSV) or features (GeoJSON) of one file: the communes CSV of a phase has ~35,000 rows (one per commune
# of a territory, ~1 in 3 communes of France); every commune of France would be ~35,000 too.
MAX_ROWS = 100_000
# The ANCT files weigh ~2 MB; json.loads may take ~16 times a file's size in memory (a list of small
# numbers), so 20 MB keeps a hostile GeoJSON within ~300 MB.
MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Layout:
    name: str
    label: str
    id_key: str
    name_key: str
    required: tuple[str, ...]


GEOJSON_V2 = Layout(
    "geojson-2023",
    "GeoJSON ANCT (liste_geo)",
    "id_territoire",
    "lib_territoire",
    ("id_territoire", "lib_territoire", "liste_geo"),
)
GEOJSON_V1 = Layout(
    "geojson-2019",
    "GeoJSON ANCT (siren_groupement)",
    "id_ti",
    "lib_ti",
    ("id_ti", "lib_ti", "siren_groupement", "lib_groupement"),
)
CSV_COMMUNES = Layout(
    "csv-communes",
    "CSV data.gouv.fr des communes",
    "id_ti",
    "lib_ti",
    ("insee_com", "lib_com", "id_ti", "lib_ti"),
)
CSV_GROUPEMENTS = Layout(
    "csv-groupements",
    "CSV data.gouv.fr des groupements",
    "id_ti",
    "lib_ti",
    ("id_ti", "lib_ti", "siren_groupement", "lib_groupement", "nature_juridique"),
)
FORMATS = {
    layout.name: layout for layout in (GEOJSON_V2, GEOJSON_V1, CSV_COMMUNES, CSV_GROUPEMENTS)
}


def read_source(path: Path) -> ParsedSource:
    """Read ``path`` in whichever ANCT format its content shows; ImportRefused lists every problem.

    The file is read only up to MAX_BYTES."""
    return read_bytes(read_bounded(path, path.name, MAX_BYTES), path.name)


def read_bytes(raw: bytes, name: str) -> ParsedSource:
    """Read the content of a file called ``name`` (the name only appears in messages and for the vintage)."""
    text = _decode(raw, name)
    if not text.strip():
        raise ImportRefused(
            [
                Problem(
                    name, "le fichier est vide", expected="un GeoJSON ou un CSV publié par l'ANCT"
                )
            ]
        )
    if text.lstrip().startswith(("{", "[")):
        return _read_geojson(text, name)
    return _read_csv(text, name)


def _decode(raw: bytes, name: str) -> str:
    """UTF-8, UTF-16 (by its BOM) or Windows-1252; a binary file or a renamed workbook is refused."""
    return decode_text(raw, name)


def _as_text(value) -> str:
    """A property value as text: strings and numbers as written, anything else as its JSON (refused later)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return json.dumps(value, ensure_ascii=False)[:80]


# --- GeoJSON ---------------------------------------------------------------------------------------------


def _read_geojson(text: str, name: str) -> ParsedSource:
    try:
        collection = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportRefused(
            [
                Problem(
                    name,
                    f"GeoJSON illisible (tronqué ou mal formé) : {error.msg}, ligne {error.lineno}, colonne {error.colno}",
                    expected="une FeatureCollection GeoJSON complète",
                )
            ]
        ) from error
    except (ValueError, RecursionError) as error:  # absurdly long numbers or nesting
        raise ImportRefused(
            [
                Problem(
                    name, f"GeoJSON illisible : {error}", expected="une FeatureCollection GeoJSON"
                )
            ]
        ) from error
    features = collection.get("features") if isinstance(collection, dict) else None
    if not isinstance(features, list) or not features:
        raise ImportRefused(
            [
                Problem(
                    name,
                    "aucune entité (features) dans le GeoJSON",
                    expected="une FeatureCollection non vide",
                )
            ]
        )
    if len(features) > MAX_ROWS:
        raise refuse(
            name,
            f"trop d'entités ({len(features)}) : un import en compte {MAX_ROWS:,} au plus".replace(
                ",", " "
            ),
        )
    first_props = _properties(features[0])
    first_keys = set(first_props or {})
    layout = next(
        (lay for lay in (GEOJSON_V2, GEOJSON_V1) if set(lay.required) <= first_keys), None
    )
    if layout is None:
        raise ImportRefused(
            [
                Problem(
                    name,
                    "propriétés non reconnues",
                    row=1,
                    row_label="entité",
                    value=", ".join(sorted(map(str, first_keys))),
                    expected=f"« {', '.join(GEOJSON_V2.required)} » ou « {', '.join(GEOJSON_V1.required)} »",
                )
            ]
        )
    source = ParsedSource(file=name, format=layout.name, row_label="entité", has_geometry=True)
    problems: list[Problem] = []
    for number, feature in enumerate(features, start=1):
        props = _properties(feature)
        if props is None:
            problems.append(
                Problem(
                    name,
                    "entité illisible",
                    number,
                    row_label="entité",
                    expected="un objet Feature avec des « properties »",
                )
            )
            continue
        missing = [key for key in layout.required if key not in props]
        if missing:
            problems.append(
                Problem(
                    name, "propriétés manquantes", number, ", ".join(missing), row_label="entité"
                )
            )
            continue
        territory = _new_territory(
            source, props[layout.id_key], props[layout.name_key], number, layout, problems
        )
        if territory is None:
            continue
        geometry = feature.get("geometry")
        territory.geometry = geometry if isinstance(geometry, dict) else None
        if layout is GEOJSON_V2:
            _members_from_list(territory, _as_text(props["liste_geo"]), number, name, problems)
        else:
            _members_from_parallel_lists(territory, props, number, name, problems)
    if problems:
        raise ImportRefused(problems)
    return source


def _properties(feature) -> dict | None:
    if not isinstance(feature, dict):
        return None
    props = feature.get("properties")
    return props if isinstance(props, dict) else None


def _add_member(
    territory: SourceTerritory, member: SourceMember, name: str, label: str, problems: list
) -> None:
    """Add a member unless the territory already lists that SIREN (a member is listed once)."""
    previous = next((m for m in territory.members if m.siren == member.siren), None)
    if previous is not None:
        where = (
            f"{label} {previous.row}" if previous.row != member.row else "plus haut dans la liste"
        )
        problems.append(
            Problem(
                name,
                f"membre en double dans le territoire {territory.ti_id} (déjà {where})",
                member.row,
                member.column,
                member.siren,
                row_label=label,
            )
        )
        return
    territory.members.append(member)


def _members_from_list(
    territory: SourceTerritory, value: str, number: int, name: str, problems: list
) -> None:
    for part in (p.strip() for p in value.split(";")):
        if not part:
            continue
        match = MEMBER_IN_LIST.match(part)
        if not match:
            problems.append(
                Problem(
                    name,
                    "membre illisible",
                    number,
                    "liste_geo",
                    part,
                    "« Nom (SIREN à 9 chiffres) »",
                    "entité",
                )
            )
            continue
        _add_member(
            territory,
            SourceMember(match["siren"], match["name"], number, "liste_geo"),
            name,
            "entité",
            problems,
        )
    if not territory.members:
        problems.append(
            Problem(name, "territoire sans membre", number, "liste_geo", row_label="entité")
        )


def _members_from_parallel_lists(
    territory: SourceTerritory, props: dict, number: int, name: str, problems: list
) -> None:
    sirens = [s.strip() for s in _as_text(props["siren_groupement"]).split(",") if s.strip()]
    names = _split_names(_as_text(props["lib_groupement"]), len(sirens))
    for siren, member_name in zip(sirens, names, strict=False):
        if not SIREN.match(siren):
            problems.append(
                Problem(
                    name,
                    "SIREN mal formé",
                    number,
                    "siren_groupement",
                    siren,
                    "9 chiffres",
                    "entité",
                )
            )
            continue
        _add_member(
            territory,
            SourceMember(siren, member_name, number, "siren_groupement"),
            name,
            "entité",
            problems,
        )
    if not sirens:
        problems.append(
            Problem(name, "territoire sans membre", number, "siren_groupement", row_label="entité")
        )


NAME_START = re.compile(r"^(CC|CA|CU|EPT|Métropole|Communauté|Eurométropole)\b", re.IGNORECASE)


def _split_names(value: str, count: int) -> list[str]:
    """Split a comma-separated list of ``count`` names, some of which hold commas themselves.

    "CC Vendée, Sèvre, Autise" is one name: a piece that does not start like an intercommunality's
    name ("CC ", "CA ", "Métropole"…) continues the previous one. When even that does not give
    ``count`` names, they are left empty and taken from the COG at resolution.
    """
    pieces = [piece.strip() for piece in value.split(",")]
    if len(pieces) == count:
        return pieces
    names: list[str] = []
    for piece in pieces:
        if names and not NAME_START.match(piece):
            names[-1] = f"{names[-1]}, {piece}"
        else:
            names.append(piece)
    return names if len(names) == count else [""] * count


def _new_territory(
    source: ParsedSource, ti_id, ti_name, row: int, layout: Layout, problems: list
) -> SourceTerritory | None:
    ti_id = _as_text(ti_id)
    ti_name = _as_text(ti_name)
    label = source.row_label
    if not TI_ID.match(ti_id):
        problems.append(
            Problem(
                source.file,
                "identifiant de territoire mal formé",
                row,
                layout.id_key,
                ti_id,
                "« ti-RRNN »",
                label,
            )
        )
        return None
    if not ti_name:
        problems.append(
            Problem(source.file, "nom de territoire vide", row, layout.name_key, row_label=label)
        )
        return None
    existing = source.territories.get(ti_id)
    if existing is None:
        existing = source.territories[ti_id] = SourceTerritory(ti_id, ti_name, row)
        return existing
    if source.format.startswith("geojson"):
        problems.append(
            Problem(
                source.file,
                f"identifiant en double (déjà à l'entité {existing.row})",
                row,
                layout.id_key,
                ti_id,
                row_label=label,
            )
        )
        return None
    if existing.name != ti_name:
        problems.append(
            Problem(
                source.file,
                f"le territoire {ti_id} porte un autre nom à la ligne {existing.row} (« {existing.name} »)",
                row,
                layout.name_key,
                ti_name,
                row_label=label,
            )
        )
        return None
    return existing


# --- CSV -------------------------------------------------------------------------------------------------


def _read_csv(text: str, name: str) -> ParsedSource:
    header_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(CSV_DELIMITERS, key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    # csv_rows: a field over MAX_CELL_CHARS, too many rows or columns are refused in French.
    rows = csv_rows(reader, name, MAX_ROWS, header_rows=1)
    try:
        header_number, header = _first_row(rows)
        header = [h.strip().lower() for h in header]
        layout = _csv_layout(header, header_number, name)
        source = ParsedSource(
            file=name,
            format=layout.name,
            row_label="ligne",
            members_given=layout is CSV_GROUPEMENTS,
        )
        problems = _read_csv_rows(rows, header, layout, delimiter, source)
    except csv.Error as error:
        raise ImportRefused(
            [
                Problem(
                    name,
                    f"CSV illisible : {error}",
                    reader.line_num,
                    expected=f"des cellules séparées par « {delimiter} »",
                )
            ]
        ) from error
    if not source.territories and not problems:
        problems.append(Problem(name, "aucune ligne de données après l'en-tête"))
    if problems:
        raise ImportRefused(problems)
    return source


def _first_row(rows) -> tuple[int, list[str]]:
    """The header: the first non-blank row, with its line number."""
    for line, cells in rows:
        if any(cell.strip() for cell in cells):
            return line, cells
    raise csv.Error("aucun en-tête")


def _csv_layout(header: list[str], line: int, name: str) -> Layout:
    duplicated = sorted({h for h in header if h and header.count(h) > 1})
    if duplicated:
        raise ImportRefused(
            [Problem(name, "colonne en double dans l'en-tête", line, ", ".join(duplicated))]
        )
    layout = next(
        (lay for lay in (CSV_GROUPEMENTS, CSV_COMMUNES) if set(lay.required) <= set(header)), None
    )
    if layout is not None:
        return layout
    closest = min(
        (CSV_GROUPEMENTS, CSV_COMMUNES), key=lambda lay: len(set(lay.required) - set(header))
    )
    missing = [key for key in closest.required if key not in header]
    raise ImportRefused(
        [
            Problem(
                name,
                f"colonnes non reconnues (pour un {closest.label}, il manque : {', '.join(missing)})",
                line,
                value=", ".join(header)[:200],
                expected=f"« {', '.join(CSV_COMMUNES.required)} » ou « {', '.join(CSV_GROUPEMENTS.required)} »",
            )
        ]
    )


def _read_csv_rows(
    rows, header: list[str], layout: Layout, delimiter: str, source: ParsedSource
) -> list[Problem]:
    name = source.file
    problems: list[Problem] = []
    seen: dict[tuple[str, str], int] = {}
    code_column = "siren_groupement" if layout is CSV_GROUPEMENTS else "insee_com"
    pattern, expected = (
        (SIREN, "9 chiffres") if layout is CSV_GROUPEMENTS else (INSEE, "code INSEE à 5 caractères")
    )
    for line_number, cells in rows:  # the line a row starts on (a quoted cell may span lines)
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            problems.append(
                Problem(
                    name,
                    f"{len(cells)} cellules au lieu de {len(header)}",
                    line_number,
                    value=delimiter.join(cells)[:80],
                    expected=f"{len(header)} colonnes séparées par « {delimiter} »",
                )
            )
            continue
        row = {key: cell.strip() for key, cell in zip(header, cells, strict=False)}
        territory = _new_territory(
            source, row["id_ti"], row["lib_ti"], line_number, layout, problems
        )
        if territory is None:
            continue
        code = row[code_column]
        if not pattern.match(code):
            hint = (
                " (zéro initial perdu dans un tableur ?)"
                if code.isdigit() and len(code) in (4, 8)
                else ""
            )
            problems.append(
                Problem(name, "code mal formé" + hint, line_number, code_column, code, expected)
            )
            continue
        if (territory.ti_id, code) in seen:
            problems.append(
                Problem(
                    name,
                    f"ligne en double (déjà à la ligne {seen[territory.ti_id, code]})",
                    line_number,
                    code_column,
                    code,
                )
            )
            continue
        seen[territory.ti_id, code] = line_number
        if layout is CSV_GROUPEMENTS:
            territory.members.append(
                SourceMember(
                    code, row["lib_groupement"], line_number, code_column, row["nature_juridique"]
                )
            )
        else:
            territory.communes.append(SourceCommune(code, row["lib_com"], line_number, code_column))
    return problems
