"""Fuzzing the readers: whatever the bytes, a ParsedSource or ImportRefused, never another exception."""

from __future__ import annotations

import csv
import io
import json

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.imports import ImportRefused
from territories.importers.readers import read_bytes
from territories.importers.source import ParsedSource
from territories.services.geometry import clean_polygon

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
COLUMNS = [
    "insee_com",
    "lib_com",
    "id_ti",
    "lib_ti",
    "siren_groupement",
    "lib_groupement",
    "nature_juridique",
    "liste_geo",
]
CELLS = st.one_of(
    st.sampled_from(
        [
            "ti-2809",
            "ti-",
            "27001",
            "2A004",
            "7512",
            "200070944",
            "CC (200070944)",
            "",
            " ",
            "Vallée, Bresle",
        ]
    ),
    st.text(max_size=12),
)
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10), CELLS),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(COLUMNS + ["type"]), inner, max_size=4),
    ),
    max_leaves=12,
)


def read_or_refuse(raw: bytes, name: str = "fuzz.csv") -> ParsedSource | None:
    try:
        source = read_bytes(raw, name)
    except ImportRefused as refused:
        assert refused.problems and all(str(problem) for problem in refused.problems)
        return None
    assert isinstance(source, ParsedSource) and source.territories
    return source


@FUZZ
@given(st.binary(max_size=400))
@example(b"\xef\xbb\xbf")
@example(b"\x1c")
@example(b"a\x00b")
@example(b"{" * 5000)
@example(b"[" * 100000)
@example(b'{"features": [1e99999]}')
@example(b'{"features": [{"properties": []}]}')
def test_any_bytes(raw):
    read_or_refuse(raw)


@FUZZ
@given(
    header=st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=6),
    rows=st.lists(st.lists(CELLS, max_size=7), max_size=6),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_csv_shaped_input(header, rows, delimiter, encoding):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    read_or_refuse(buffer.getvalue().encode(encoding, errors="replace"))


@FUZZ
@given(
    features=st.lists(
        st.one_of(
            JSON_VALUES,
            st.fixed_dictionaries(
                {
                    "type": st.just("Feature"),
                    "geometry": JSON_VALUES,
                    "properties": st.dictionaries(
                        st.sampled_from(
                            COLUMNS + ["id_territoire", "lib_territoire", "id_ti", "lib_ti"]
                        ),
                        JSON_VALUES,
                    ),
                }
            ),
        ),
        max_size=4,
    )
)
@example(
    [
        {
            "type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [[1]]},
            "properties": {
                "id_territoire": "ti-2809",
                "lib_territoire": "X",
                "liste_geo": "CC (200070944)",
            },
        }
    ]
)
@example(
    [
        {
            "type": "Feature",
            "geometry": {"type": "Foo"},
            "properties": {
                "id_ti": "ti-101",
                "lib_ti": 3,
                "siren_groupement": 200070944,
                "lib_groupement": None,
            },
        }
    ]
)
def test_geojson_shaped_input(features):
    source = read_or_refuse(
        json.dumps({"type": "FeatureCollection", "features": features}).encode(), "fuzz.geojson"
    )
    for territory in source.territories.values() if source else []:
        # What the readers let through, the polygon cleaning must take too.
        geometry, reason = clean_polygon(territory.geometry)
        assert (geometry is None) != (reason is None)


_SAMPLE: dict[str, bytes] = {}


def _real_sample() -> bytes:
    """A valid groupements CSV of two real territories, encoded in cp1252 (built once)."""
    if not _SAMPLE:
        from territories.tests.csv_builders import (
            GROUPEMENTS_HEADER,
            PHASE2_GEOJSON,
            groupements_rows,
            raw_phase,
        )

        rows = [
            row
            for row in groupements_rows(raw_phase(PHASE2_GEOJSON))
            if row[0] in ("ti-2809", "ti-1108")
        ]
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=";").writerows([GROUPEMENTS_HEADER, *rows])
        _SAMPLE["csv"] = buffer.getvalue().encode("cp1252")
    return _SAMPLE["csv"]


@FUZZ
@given(
    edits=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 2), st.binary(max_size=3)), max_size=5)
)
def test_mutated_real_csv(edits):
    raw = bytearray(_real_sample())
    for where, action, data in edits:
        position = int(where * len(raw))
        if action == 0:
            raw[position:position] = data  # insert
        elif action == 1:
            del raw[position : position + len(data) + 1]  # delete
        else:
            raw[position : position + len(data)] = data  # overwrite
    read_or_refuse(bytes(raw), "liste-ti-grpt2023-20240704.csv")


def test_unmutated_sample_is_read():
    source = read_or_refuse(_real_sample(), "liste-ti-grpt2023-20240704.csv")
    assert sorted(source.territories) == ["ti-1108", "ti-2809"]
