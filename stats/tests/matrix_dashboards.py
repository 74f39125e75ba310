"""The dashboards' URLs in the permission matrix: public read-only pages, no editing endpoint. Who gets
the confidential actions in the totals is checked for every profile in test_confidential_matrix.py."""

from __future__ import annotations

ROWS: list = []

_PUBLIC = (
    "lecture publique (GET) : chiffres publics ; les actions confidentielles ne comptent que pour qui "
    "peut lire le plan du territoire (stats.count_confidential, test_confidential_matrix.py)"
)
NOT_EDITING = {
    "stats:national": _PUBLIC,
    "stats:region": _PUBLIC,
    "stats:departement": _PUBLIC,
    "stats:departements": _PUBLIC,
    "stats:territory": _PUBLIC,
}
