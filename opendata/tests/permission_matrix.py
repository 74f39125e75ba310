"""The open data page's rows of the permission matrix (accounts/tests/matrix.py, docs/roles.md).

Nothing here edits anything a person owns: the page and the downloads are public and read-only. The
one write they cause, a « en préparation » row and its queued build when the data changed, is the
same for everyone and bounded (one row per file and version of the data).
"""

from __future__ import annotations

PERMISSION_MATRIX = []

NOT_EDITING = {
    "opendata:page": "page publique en lecture : liste des fichiers de données ouvertes",
    "opendata:download": "téléchargement public du fichier à la version courante (ou 202 en préparation)",
    "opendata:download_version": "téléchargement public d'une version donnée d'un fichier",
}
