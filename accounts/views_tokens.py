"""« Mon espace » › Jetons d'API: list, create (the secret shown once), revoke.

Guarded through core.authz (accounts/rules.py, « API tokens »); the writes are in
accounts/services/tokens.py.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.forms_tokens import TokenCreateForm
from accounts.models import ApiToken
from accounts.services import tokens as service
from core.authz import permission_required

# The administrators' list of the others' valid tokens shows at most this many (newest first); the
# prefix search finds any one.
OTHERS_SHOWN = 50


def _others(request) -> dict | None:
    """The valid tokens of other people, for an administrator: a token that leaked (pasted in a
    ticket, pushed to a repository) is revoked at once from its prefix, without deactivating its
    person's account (docs/api.md). None for anyone else."""
    if not request.user.has_perm("accounts.list_api_tokens"):
        return None
    prefix = request.GET.get("prefixe", "").strip().removeprefix(service.TOKEN_PREFIX)[:20]
    prefix = prefix.split("_")[0]
    found = (
        service.valid_tokens()
        .exclude(user=request.user)
        .select_related("user")
        .order_by("-created_at", "-pk")
    )
    if prefix:
        found = found.filter(prefix__startswith=prefix.lower())
    return {"prefix": prefix, "count": found.count(), "tokens": list(found[:OTHERS_SHOWN])}


def _page(request, form=None, secret=None, created=None, status=200):
    now_tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    response = render(
        request,
        "accounts/tokens.html",
        {
            "title": "Jetons d'API",
            "tokens": now_tokens,
            "form": form or TokenCreateForm(),
            "secret": secret,
            "created": created,
            "others": _others(request),
            "others_shown": OTHERS_SHOWN,
            "docs_url": reverse("api:openapi-view"),
            "breadcrumb_data": {
                "links": [{"url": reverse("accounts:dashboard"), "title": "Mon espace"}],
                "current": "Jetons d'API",
            },
        },
        status=status,
    )
    # The page that shows a secret must not stay in a cache (nor in the browser's history).
    response["Cache-Control"] = "no-store"
    return response


@permission_required("accounts.manage_api_tokens")
def token_list(request):
    if request.method != "POST":
        return _page(request)
    form = TokenCreateForm(request.POST)
    if form.is_valid():
        try:
            token, secret = service.create_token(
                request.user, form.cleaned_data["name"], form.cleaned_data["days"]
            )
        except service.TokenError as error:
            form.add_error(None, str(error))
        else:
            return _page(request, secret=secret, created=token)
    return _page(request, form=form, status=400)


def _token(request, pk, **kwargs) -> ApiToken:
    return get_object_or_404(ApiToken, pk=pk)


@require_POST
@permission_required("accounts.revoke_api_token", _token)
def token_revoke(request, pk):
    token = request.authorized_object
    if service.revoke_token(token, request.user):
        messages.success(request, f"Le jeton « {token.name} » est révoqué : il ne marche plus.")
    else:
        messages.info(request, f"Le jeton « {token.name} » était déjà révoqué.")
    return redirect("accounts:tokens")
