"""The « Offre de services » links of « Mon espace » (slot ``accounts.dashboard``): accounts may not
name offers, so the links to the requests, the ledger and the catalogue's management are added here,
each shown only to the people its page lets in (the same permissions as the views)."""

from __future__ import annotations

from core.blocks import register_block


def dashboard_links(request, user) -> dict | None:
    from django.urls import reverse

    from offers.models import ServiceRequest

    if user is None or not user.is_authenticated:
        return None
    links = []
    # Everyone signed in may open the list, but it only helps those who ask (project leads, binômes),
    # answer (operators) or follow (coordinators, national team): every role reads some requests.
    asks_or_answers = (
        user.is_superuser
        or user.role_assignments.filter(active=True).exists()
        or ServiceRequest.objects.filter(created_by=user).exists()
    )
    if asks_or_answers:
        links.append((reverse("offers-requests:list"), "Demandes de service"))
    if user.has_perm("offers.view_ledger"):
        links.append((reverse("offers-ledger:ledger"), "Registre des opérateurs"))
    if user.has_perm("offers.view_fitting_actions"):
        links.append((reverse("offers-ledger:fitting_actions"), "Actions à accompagner"))
    if user.has_perm("offers.manage_catalogue"):
        links.append((reverse("offers-manage:list"), "Gérer le catalogue de services"))
    if not links:
        return None
    return {"links": links}


def register() -> None:
    register_block("accounts.dashboard", "offers/blocks/dashboard_links.html", dashboard_links)
