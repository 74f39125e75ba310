"""« Mon espace » (accounts, lower) lists the person's recent tagging jobs through a page block."""

from __future__ import annotations

from core.blocks import register_block


def dashboard_jobs(request, user):
    if request is None or not request.user.has_perm("tagging.tag_file"):
        return None
    from tagging.selectors import recent_jobs

    return {"jobs": recent_jobs(request.user)}


def register() -> None:
    register_block("accounts.dashboard", "tagging/blocks/dashboard_jobs.html", dashboard_jobs)
