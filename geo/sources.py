"""Files of the official data directory (TERRITOIRES_DATA_DIR), with the message a user needs when one is missing."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

ANCT_DATASET_URL = "https://www.data.gouv.fr/fr/datasets/programme-territoires-dindustrie/"
ANCT_CARTO_REPOSITORY = "https://github.com/anct-carto"

# relative path -> where ANCT publishes it (see ../shared/data/SOURCES.md)
KNOWN_FILES = {
    "ti/ti-2023-2027.geojson": f"{ANCT_CARTO_REPOSITORY}/superposeur-anct (data/geom/geojsonV2/ti_geom.geojson)",
    "ti/ti-2019-2022.geojson": f"{ANCT_CARTO_REPOSITORY}/superposeur-V2 (data/admin/polygone-4326_ti.geojson)",
    "geo/departements.geojson": f"{ANCT_CARTO_REPOSITORY}/superposeur-anct (data/geom/geojson/dep_geom_4326.geojson)",
    "geo/regions.geojson": f"{ANCT_CARTO_REPOSITORY}/superposeur-anct (data/geom/geojson/reg_geom_4326.geojson)",
}


class DataFileMissing(FileNotFoundError):
    pass


def data_dir() -> Path:
    return Path(settings.TERRITOIRES_DATA_DIR)


def data_file(relative: str) -> Path:
    """Path of a file of the data directory; a clear error naming it and its publisher when it is absent."""
    path = data_dir() / relative
    if not path.is_file():
        where = KNOWN_FILES.get(relative, ANCT_DATASET_URL)
        raise DataFileMissing(
            f"Fichier de données introuvable : {path}. "
            f"Il est publié par l'ANCT ({where} ; jeu de données {ANCT_DATASET_URL}). "
            f"Téléchargez-le dans ce dossier ou indiquez un autre dossier avec TERRITOIRES_DATA_DIR."
        )
    return path
