"""Commune codes and SIRENs to territories: the membership tables of one phase, loaded once into
dictionaries (no geometry, no query per row).

The rules (docs/tagging.md):

- a commune code is the current INSEE code, or a former one (a commune merged into a commune nouvelle,
  through the COG's déléguées and ``anciensCodes``, as ``territories.services.lookup.former_commune``; or
  the code the ANCT file gave): it takes the territories of the current commune; a code of four digits is
  the code of a commune of départements 01 to 09 whose leading zero a spreadsheet dropped;
- a SIREN is a commune's (its territories) or an intercommunality's (EPCI or EPT): the territories that
  list it as a member or hold at least one of its communes (``lookup.territories_of_groupement``'s rule);
- a key in several territories gets their ids and names joined by « | », in ``ti_id`` order.

Each known key maps to its final (id_ti, lib_ti) pair, computed once: ~35,000 commune codes, ~4,000
former codes, ~36,000 SIRENs, a few MB in all, built in ~0.2 s from the database; ``CodeIndex.of(phase)``
keeps them in a file per data version (``index_path``), read back in ~0.01 s by the next command.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import re
import tempfile
from collections import defaultdict
from pathlib import Path

from geo import cog
from geo.models import Commune, Groupement
from territories.models import Phase, Territory, TerritoryCommune, TerritoryMember

logger = logging.getLogger(__name__)

SEPARATOR = "|"
# Bumped when what the index file holds, or how it is built, changes: old files are then ignored.
INDEX_FORMAT = 1
NONE = ("", "")
_COMMUNE_CODE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
_BLANKS = re.compile(r"[\s\u00a0\u202f.]")

MOTIF_EMPTY_CODE = "code commune vide"
MOTIF_BAD_CODE = "code commune mal formé"
MOTIF_UNKNOWN_CODE = "code commune inconnu"
MOTIF_EMPTY_SIREN = "SIREN vide"
MOTIF_BAD_SIREN = "SIREN mal formé"
MOTIF_UNKNOWN_SIREN = "SIREN inconnu"


def territory_labels(territories: list[tuple[str, str]]) -> tuple[str, str]:
    """(id_ti, lib_ti) of a set of (ti_id, name): joined by « | » in ti_id order, empty when none."""
    ordered = sorted(set(territories))
    return (
        SEPARATOR.join(ti for ti, _ in ordered),
        SEPARATOR.join(name for _, name in ordered),
    )


def normalize_commune_code(text: str) -> str:
    code = text.strip().upper()
    if len(code) == 4 and code.isdigit():
        code = "0" + code
    return code


def normalize_siren(text: str) -> str:
    return _BLANKS.sub("", text)


class CodeIndex:
    """The (id_ti, lib_ti) of every commune code and SIREN known to the platform, for one phase."""

    @classmethod
    def of(cls, phase: Phase) -> CodeIndex:
        """The index of ``phase``, read from its file when the data has not changed since it was
        written (measured: ~0.01 s instead of ~0.2 s of queries; `territoires tag` on 1,000,000 codes
        takes ~1.3 s in all), else built and its file written for the next time."""
        path = index_path(phase)
        if path is not None:
            try:
                communes, sirens, source_codes = marshal.loads(path.read_bytes())
            except (OSError, EOFError, ValueError, TypeError):
                pass  # absent, or written by another version: built again
            else:
                index = cls.__new__(cls)
                index._restore(phase, communes, sirens, source_codes)
                return index
        index = cls(phase)
        if path is not None:
            index._save(path)
        return index

    def _restore(self, phase, communes, sirens, source_codes) -> None:
        self.phase = phase
        self.communes, self.sirens, self._source_codes = communes, sirens, source_codes
        self._current = frozenset(communes)
        self._former_loaded = False

    def _save(self, path: Path) -> None:
        """Written beside its final name, then renamed (a reader never sees half a file); the
        files of other data versions are removed (one index of each phase is enough)."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            data = marshal.dumps((self.communes, self.sirens, self._source_codes))
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".index-")
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, path)
            for other in path.parent.glob(path.name.rsplit("-", 1)[0] + "-*.marshal"):
                if other != path:
                    other.unlink(missing_ok=True)
        except OSError as error:  # a read-only folder: the index is built each time, as before
            logger.warning("index des codes non enregistré (%s) : %s", path, error)

    def __init__(self, phase: Phase):
        self.phase = phase
        territories = {
            pk: (ti_id, name)
            for pk, ti_id, name in Territory.objects.filter(phase=phase).values_list(
                "id", "ti_id", "name"
            )
        }
        of_commune: dict[str, set] = defaultdict(set)
        source_codes: dict[str, str] = {}
        for territory_id, code, source_code in TerritoryCommune.objects.filter(
            territory__phase=phase
        ).values_list("territory_id", "commune_id", "source_code"):
            of_commune[code].add(territories[territory_id])
            if source_code and source_code != code:
                source_codes[source_code] = code
        commune_sets: dict[str, frozenset] = {}
        siren_sets: dict[str, frozenset] = {}
        of_groupement: dict[str, set] = defaultdict(set)
        communes = Commune.objects.values_list("code", "siren", "epci_id", "ept_id")
        for code, siren, epci, ept in communes.iterator(chunk_size=5000):
            held = frozenset(of_commune.get(code, ()))
            commune_sets[code] = held
            if siren:
                siren_sets[siren] = held
            for groupement in (epci, ept):
                if groupement:
                    of_groupement[groupement] |= held
        for territory_id, siren in TerritoryMember.objects.filter(
            territory__phase=phase
        ).values_list("territory_id", "siren"):
            of_groupement[siren].add(territories[territory_id])
        for siren in Groupement.objects.values_list("siren", flat=True):
            of_groupement.setdefault(siren, set())
        for siren, held in of_groupement.items():
            # A commune listed as a member by its SIREN: its own territories and these.
            siren_sets[siren] = siren_sets.get(siren, frozenset()) | held
        self._labels: dict[frozenset, tuple[str, str]] = {}  # one per distinct set of territories
        self._restore(
            phase,
            {code: self._label(held) for code, held in commune_sets.items()},
            {siren: self._label(held) for siren, held in siren_sets.items()},
            source_codes,
        )

    def _label(self, held: frozenset) -> tuple[str, str]:
        labels = self._labels.get(held)
        if labels is None:
            labels = self._labels[held] = territory_labels(list(held))
        return labels

    def load_former_codes(self) -> None:
        """Add the former commune codes to ``communes``: at the first code that is no current one, as
        reading the COG's files takes ~0.5 s (more than tagging 300,000 current codes). A former code
        never hides a current one: the answers are the same as when loaded first."""
        if self._former_loaded:
            return
        self._former_loaded = True
        former = dict(cog.load_vintage(cog.CURRENT_VINTAGE).former_codes)
        former.update({old: new for old, new in self._source_codes.items() if old not in former})
        current, communes = self._current, self.communes
        for old, new in former.items():
            if old not in current and new in current:
                communes[old] = communes[new]

    def commune(self, text: str) -> tuple[tuple[str, str], str]:
        """((id_ti, lib_ti), motif) of a commune code cell."""
        code = normalize_commune_code(text)
        if not code:
            return NONE, MOTIF_EMPTY_CODE
        labels = self.communes.get(code)
        if labels is None and not self._former_loaded:
            self.load_former_codes()
            labels = self.communes.get(code)
        if labels is not None:
            return labels, ""
        if not _COMMUNE_CODE.match(code):
            return NONE, MOTIF_BAD_CODE
        return NONE, MOTIF_UNKNOWN_CODE

    def siren(self, text: str) -> tuple[tuple[str, str], str]:
        """((id_ti, lib_ti), motif) of a SIREN cell (a commune's or an intercommunality's)."""
        siren = normalize_siren(text)
        if not siren:
            return NONE, MOTIF_EMPTY_SIREN
        labels = self.sirens.get(siren)
        if labels is not None:
            return labels, ""
        if len(siren) != 9 or not siren.isdigit():
            return NONE, MOTIF_BAD_SIREN
        return NONE, MOTIF_UNKNOWN_SIREN


def index_path(phase: Phase) -> Path | None:
    """The file of the index of ``phase`` for the data as it is now: named by the data version of
    the territories (``core.datastamp``: moved by every phase import), the communes' smallest and
    largest codes and SIRENs and the groupements' count and largest SIREN (``load-geo``), the COG vintage the former codes come from and
    INDEX_FORMAT. Under MEDIA_ROOT/private (never served), as the tagging jobs' files. None when
    the data version is not registered (no ``public`` app)."""
    from django.conf import settings
    from django.db import connection

    from core.datastamp import data_stamp

    try:
        territories = data_stamp("territories")
    except KeyError:
        return None
    # One scalar subquery per indexed column: SQLite reads one index entry for each, where COUNT(*)
    # of the 35,000 communes, or several MIN/MAX in one SELECT, read the whole table (~20-35 ms).
    quote = connection.ops.quote_name
    columns = [(Commune, "code"), (Commune, "siren"), (Groupement, "siren")]
    parts = [
        f"(SELECT {function}({quote(column)}) FROM {quote(model._meta.db_table)})"
        for model, column in columns
        for function in ("MIN", "MAX")
    ]
    parts.append(f"(SELECT COUNT(*) FROM {quote(Groupement._meta.db_table)})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        geo = cursor.fetchone()
    database = (connection.vendor, connection.settings_dict["NAME"])
    key = f"{INDEX_FORMAT};{database};{territories};{geo};{cog.CURRENT_VINTAGE}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    folder = Path(settings.MEDIA_ROOT) / "private" / "cache" / "tagging"
    name = re.sub(r"[^A-Za-z0-9_]", "_", str(phase.pk))
    return folder / f"codes-{name}-{digest}.marshal"
