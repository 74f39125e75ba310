"""Account pages. Every guarded view goes through core.authz; no permission test is written here."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.forms import (
    AcceptInvitationForm,
    DsfrSetPasswordForm,
    EmailPasswordResetForm,
    InvitationForm,
    JournalFilterForm,
    LoginForm,
)
from accounts.models import RoleAssignment
from accounts.selectors import (
    accounts_for_administrators,
    active_assignments,
    editable_territories,
    get_or_404,
    operators_of,
    territories_followed_by,
)
from accounts.services import journal as journal_service
from accounts.services.invitations import (
    InvitationError,
    accept_invitation,
    existing_account,
    find_invitation,
    send_invitation,
)
from accounts.services.roles import (
    DeactivatedAccountError,
    deactivate_account,
    reactivate_account,
    revoke_role,
)
from accounts.services.sessions import end_all_sessions
from core.authz import authorize, permission_required
from core.exports import neutralize_row

JOURNAL_PAGE_SIZE = 50
# The journal merges every journalled model's newest rows: page N reads N x 50 rows of each. Beyond 200
# pages (10,000 entries, what the CSV export holds) a filter is the way; a larger number is a 404.
JOURNAL_MAX_PAGE = 200
DASHBOARD_TERRITORY_LIMIT = 50


def _signed_in(view):
    """Pages for any signed-in person (their own data only); same redirect as core.authz."""
    return permission_required("accounts.is_signed_in")(view)


class SignInView(auth_views.LoginView):
    """Django's LoginView (its safe ``next`` handling) with the rate-limited email form."""

    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    extra_context = {"title": "Se connecter"}

    def form_invalid(self, form):
        locked = any(e.code == "locked" for e in form.non_field_errors().as_data())
        return self.render_to_response(
            self.get_context_data(form=form), status=429 if locked else 200
        )


@require_POST
def sign_out(request):
    logout(request)
    messages.info(request, "Vous êtes déconnecté.")
    return redirect("/")


@require_POST
@_signed_in
def sign_out_everywhere(request):
    closed = end_all_sessions(request.user)
    logout(request)
    messages.info(request, f"Vous êtes déconnecté de toutes vos sessions ({closed}).")
    return redirect("/")


@_signed_in
def dashboard(request):
    user = request.user
    context = {
        "title": "Mon espace",
        "assignments": active_assignments(user),
        # Only the columns shown: a territory row also holds megabytes of GeoJSON.
        "editable_territories": editable_territories(user)
        .only("pk", "name", "ti_id", "phase_id")
        .order_by("phase", "name")[:DASHBOARD_TERRITORY_LIMIT],
        "editable_count": editable_territories(user).count(),
        "followed_count": territories_followed_by(user).count(),
        "operators": operators_of(user),
        "can_invite": user.has_perm("accounts.invite"),
        "can_view_journal": user.has_perm("accounts.view_journal"),
        "can_manage_users": user.has_perm("accounts.view_user_list"),
    }
    return render(request, "accounts/dashboard.html", context)


@permission_required("accounts.invite")
def invite(request):
    form = InvitationForm(request.POST or None, inviter=request.user)
    if request.method == "POST" and form.is_valid():
        proposal = form.proposal
        account = existing_account(form.instance.email)
        if account is not None:
            proposal.user = account  # nobody invites themselves to a role
        authorize(request.user, "accounts.grant_role", proposal)  # 403 outside the inviter's area
        try:
            send_invitation(form.instance, invited_by=request.user)
        except DeactivatedAccountError as error:
            form.add_error("email", str(error))
        else:
            messages.success(
                request, f"Invitation envoyée à {form.instance.email} (lien valable 7 jours)."
            )
            return redirect("accounts:invite")
    return render(request, "accounts/invite.html", {"form": form, "title": "Inviter une personne"})


def accept(request, token):
    try:
        invitation = find_invitation(token)
    except InvitationError as error:
        return render(
            request,
            "accounts/invitation_invalid.html",
            {"message": str(error), "title": "Invitation"},
            status=410,
        )
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        user = accept_invitation(
            token,
            form.cleaned_data["password1"],
            form.cleaned_data["first_name"],
            form.cleaned_data["last_name"],
        )
        login(request, user, backend="accounts.backends.EmailBackend")
        messages.success(request, "Bienvenue ! Votre compte est activé.")
        return redirect("accounts:dashboard")
    return render(
        request,
        "accounts/accept_invitation.html",
        {"form": form, "invitation": invitation, "title": "Activer mon compte"},
    )


@permission_required("accounts.view_user_list")
def user_list(request):
    users = accounts_for_administrators()
    return render(request, "accounts/user_list.html", {"users": users, "title": "Comptes"})


def _get_account(request, pk):
    return get_or_404(get_user_model(), pk)


@require_POST
@permission_required("accounts.deactivate_user", _get_account)
def deactivate_user(request, pk):
    account = request.authorized_object
    deactivate_account(account, deactivated_by=request.user)
    messages.success(request, f"Le compte {account.email} est désactivé et ses rôles retirés.")
    return redirect("accounts:users")


@require_POST
@permission_required("accounts.reactivate_user", _get_account)
def reactivate_user(request, pk):
    account = request.authorized_object
    reactivate_account(account, reactivated_by=request.user)
    messages.success(
        request,
        f"Le compte {account.email} est réactivé, sans rôle : "
        "attribuez-lui ses rôles un par un (invitation).",
    )
    return redirect("accounts:users")


def _get_assignment(request, pk):
    return get_or_404(RoleAssignment.objects.filter(active=True), pk)


@require_POST
@permission_required("accounts.revoke_role", _get_assignment)
def revoke(request, pk):
    revoke_role(request.authorized_object)
    messages.success(request, "Le rôle est retiré.")
    return redirect(
        request.POST.get("next")
        if url_has_allowed_host_and_scheme(request.POST.get("next"), {request.get_host()})
        else reverse("accounts:dashboard")
    )


def _journal_filters(request):
    form = JournalFilterForm(request.GET or None)
    filters = journal_service.JournalFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = journal_service.JournalFilters(
            model_label=data["model"],
            user_id=data["user"].pk if data["user"] else None,
            action=data["action"],
            since=data["since"],
            until=data["until"],
        )
    return form, filters


@permission_required("accounts.view_journal")
def journal(request):
    form, filters = _journal_filters(request)
    raw_page = request.GET.get("page", "1")
    if (
        not (raw_page.isascii() and raw_page.isdigit())
        or not 1 <= int(raw_page) <= JOURNAL_MAX_PAGE
    ):
        raise Http404("Page inconnue.")  # was a 500 for page=99999999999999999999999
    page = int(raw_page)
    entries = journal_service.journal(
        filters, offset=(page - 1) * JOURNAL_PAGE_SIZE, limit=JOURNAL_PAGE_SIZE + 1
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "title": "Journal des modifications",
        "form": form,
        "entries": entries[:JOURNAL_PAGE_SIZE],
        "page": page,
        "has_next": len(entries) > JOURNAL_PAGE_SIZE,
        "query": query.urlencode(),
    }
    return render(request, "accounts/journal.html", context)


@permission_required("accounts.export_journal")
def journal_export(request):
    _, filters = _journal_filters(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="journal.csv"'
    response.write("\ufeff")  # lets spreadsheet software read the accents
    writer = csv.writer(response, delimiter=";")
    writer.writerow(  # every cell through core.exports: titles such as "=cmd|..." were live formulas
        [
            "date",
            "auteur",
            "action",
            "type d'objet",
            "identifiant",
            "objet",
            "champ",
            "avant",
            "après",
        ]
    )
    for entry in journal_service.journal(filters, limit=10_000):
        author = entry.user.email if entry.user else ""
        base = [
            entry.date.isoformat(),
            author,
            entry.action_label,
            entry.model_label,
            entry.object_id,
            entry.object_repr,
        ]
        for change in entry.changes or [None]:
            writer.writerow(
                neutralize_row(
                    base + ([change.field, change.old, change.new] if change else ["", "", ""])
                )
            )
    return response


def _get_history_object(request, app_label, model_name, pk):
    model = journal_service.resolve_model(app_label, model_name)
    if model is None:
        raise Http404("Aucun historique pour ce type d'objet.")
    return get_or_404(model, pk)  # "abc" for an integer key, a NUL...: 404, not 500


def object_history(request, app_label, model_name, pk):
    """An object's "Historique": allowed to whoever may view the object (``<app>.view_<model>``)."""
    perm = f"{app_label}.view_{model_name}"
    guarded = permission_required(perm, _get_history_object)(_render_object_history)
    return guarded(request, app_label, model_name, pk)


object_history.authz_permission = "<app_label>.view_<model_name>"


def _render_object_history(request, app_label, model_name, pk):
    obj = request.authorized_object
    context = {
        "title": f"Historique — {obj}",
        "object": obj,
        "history_entries": journal_service.object_history(obj),
    }
    return render(request, "accounts/object_history.html", context)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = EmailPasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/emails/password_reset.txt"
    subject_template_name = "accounts/emails/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_context = {"title": "Mot de passe oublié"}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = DsfrSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    extra_context = {"title": "Nouveau mot de passe"}
