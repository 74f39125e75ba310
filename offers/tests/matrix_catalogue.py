"""The public catalogue's URLs in the permission matrix: read-only public pages, no editing endpoint."""

from __future__ import annotations

ROWS: list = []

NOT_EDITING = {
    "offers:catalogue": "lecture publique du catalogue (GET) : services publiés, aucune donnée personnelle",
    "offers:service": "lecture publique d'un service (GET) : seules les actions publiques des plans validés",
}
