"""The « Contacts » links of « Mon espace » (slot ``accounts.dashboard``): accounts may not name
contacts, so the links to the inbox, the teams and the coverage check are added here, each shown only
to the people its page lets in (the same permissions as the views)."""

from __future__ import annotations

from core.blocks import register_block


def dashboard_links(request, user) -> dict | None:
    from django.urls import reverse

    if user is None or not user.is_authenticated:
        return None
    links = []
    if user.has_perm("contacts.use_request_inbox"):
        links.append((reverse("contact-requests:inbox"), "Demandes de contact reçues"))
    if user.has_perm("contacts.view_directory"):
        links.append((reverse("contacts:team_list"), "Équipes à contacter"))
    if user.has_perm("contacts.view_coverage"):
        links.append((reverse("contacts:coverage"), "Couverture de l'annuaire"))
    if not links:
        return None
    return {"links": links}


def register() -> None:
    register_block(
        "accounts.dashboard", "contacts/blocks/dashboard_links.html", dashboard_links, order=200
    )
