"""Team screens (/contacts/equipes/) and the coverage page (/contacts/couverture/).

Thin: scope from contacts.selectors, permissions from contacts/rules.py (« Directory »). Team and
TeamMember are journalled by django-simple-history (who changed what, when).
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.services.journal import history_entries, object_history
from contacts.forms_directory import MemberForm, TeamForm
from contacts.models import Team, TeamMember
from contacts.selectors import managed_scope, managed_teams
from contacts.services.coverage import coverage
from core.authz import authorize, permission_required

TEMPLATES = "contacts/directory/"


def _team(request, pk, **kwargs) -> Team:
    return get_object_or_404(
        Team.objects.select_related("territory", "departement", "region").defer(
            "territory__geometry", "territory__geometry_simplified"
        ),
        pk=pk,
    )


def _crumbs(current: str, *links) -> dict:
    return {"links": [{"url": u, "title": t} for u, t in links], "current": current}


@permission_required("contacts.view_directory")
def team_list(request):
    teams = managed_teams(request.user).prefetch_related("members")
    return render(
        request,
        TEMPLATES + "team_list.html",
        {"title": "Annuaire des équipes", "teams": teams, "breadcrumb_data": _crumbs("Équipes")},
    )


def _list_crumb():
    from django.urls import reverse

    return (reverse("contacts:team_list"), "Équipes")


@permission_required("contacts.view_directory")
def team_create(request):
    form = TeamForm(request.POST or None, scope=managed_scope(request.user))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            authorize(request.user, "contacts.manage_team", form.instance)
            team = form.save()
            messages.success(request, f"L'équipe « {team.name} » est créée.")
            return redirect("contacts:team_edit", team.pk)
        status = 400
    return render(
        request,
        TEMPLATES + "team_form.html",
        {
            "title": "Nouvelle équipe",
            "form": form,
            "breadcrumb_data": _crumbs("Nouvelle équipe", _list_crumb()),
        },
        status=status,
    )


@permission_required("contacts.manage_team", _team)
def team_edit(request, pk):
    team = request.authorized_object
    form = TeamForm(request.POST or None, instance=team, scope=managed_scope(request.user))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            # The new scope must be one the person manages too (a lead cannot move a team away).
            authorize(request.user, "contacts.manage_team", form.instance)
            with transaction.atomic():
                form.save()
            messages.success(request, "L'équipe est enregistrée.")
            return redirect("contacts:team_edit", team.pk)
        status = 400
    return render(
        request,
        TEMPLATES + "team_detail.html",
        {
            "title": f"Équipe « {team.name} »",
            "team": team,
            "form": form,
            "members": team.members.order_by("name", "pk"),
            "member_form": MemberForm(team=team),
            "history_entries": _journal(team),
            "breadcrumb_data": _crumbs(team.name, _list_crumb()),
        },
        status=status,
    )


def _journal(team: Team) -> list:
    """The team's changes and its members', removed members included: the people who manage the
    team (a project lead, a coordinator) cannot open the global journal, and saw no trace of who
    removed a member (walk of 2026-12-04)."""
    entries = object_history(team) + history_entries(TeamMember.history.filter(team_id=team.pk))
    return sorted(entries, key=lambda entry: entry.date, reverse=True)


def _member_page(request, team, form, member=None, status=200):
    title = f"Modifier « {member.name} »" if member else "Nouveau membre"
    return render(
        request,
        TEMPLATES + "member_form.html",
        {
            "title": title,
            "team": team,
            "member": member,
            "form": form,
            "breadcrumb_data": _crumbs(title, _list_crumb()),
        },
        status=status,
    )


@permission_required("contacts.manage_team", _team)
def member_add(request, pk):
    team = request.authorized_object
    form = MemberForm(request.POST or None, team=team)
    if request.method == "POST":
        if form.is_valid():
            form.instance.team = team
            member = form.save()
            messages.success(request, f"« {member.name} » est ajouté à l'équipe.")
            return redirect("contacts:team_edit", team.pk)
        return _member_page(request, team, form, status=400)
    return _member_page(request, team, form)


def _member(team: Team, member_id: int) -> TeamMember:
    return get_object_or_404(TeamMember, team=team, pk=member_id)


@permission_required("contacts.manage_team", _team)
def member_edit(request, pk, member_id):
    team = request.authorized_object
    member = _member(team, member_id)
    form = MemberForm(request.POST or None, instance=member, team=team)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, f"« {member.name} » est enregistré.")
            return redirect("contacts:team_edit", team.pk)
        return _member_page(request, team, form, member, status=400)
    return _member_page(request, team, form, member)


@require_POST
@permission_required("contacts.manage_team", _team)
def member_delete(request, pk, member_id):
    team = request.authorized_object
    member = _member(team, member_id)
    member.delete()
    messages.success(request, f"« {member.name} » est retiré de l'équipe.")
    return redirect("contacts:team_edit", team.pk)


@permission_required("contacts.view_coverage")
def coverage_page(request):
    return render(
        request,
        TEMPLATES + "coverage.html",
        {
            "title": "Couverture de l'annuaire",
            "coverage": coverage(),
            "breadcrumb_data": _crumbs("Couverture de l'annuaire"),
        },
    )
