"""Permission rows of the catalogue management screens (/offre/gestion/) and the services' admin.

Operators' staff manage their own operator's services (``operateur``: the target's operator); a member of
another operator (``operateur-hors``) opens the screens for its own services but never edits, closes or
creates one of the target operator; the national team and administrators manage all.
"""

from __future__ import annotations

from django.urls import reverse

from accounts.tests.matrix import ADMIN, OPERATORS_IN, STAFF, Endpoint

MANAGERS = STAFF | OPERATORS_IN  # of the target operator's services
ANY_OPERATOR = MANAGERS | frozenset({"operateur-hors"})


def _service(world):
    from offers.models import Service

    return Service.objects.create(
        slug="service-cible",
        title="Service cible",
        operator=world.operator,
        kind="pret",
        source="https://example.org/source",
    )


def _form(world, service=None):
    return {
        "slug": "service-cree",
        "title": "Titre changé",
        "operator": world.operator.slug,
        "kind": "ingenierie",
        "scope": "national",
        "source": "https://example.org/source",
        "status": "ouvert",
    }


def _field(name):
    def state(world, service):
        from offers.models import Service

        return Service.objects.filter(pk=service.pk).values_list(name, flat=True).first()

    return state


def _created(world, target):
    from offers.models import Service

    return Service.objects.filter(slug__in=["service-cree", "service-admin"]).count()


def _manage(name, *args):
    return lambda world, target: reverse(f"offers-manage:{name}", args=list(args))


def _of_service(name):
    return lambda world, service: reverse(f"offers-manage:{name}", args=[service.slug])


def _admin(name):
    return lambda world, target: reverse(name, args=[] if name.endswith("_add") else [target.pk])


ROWS = [
    Endpoint("offers-manage:list", "page", "GET", ANY_OPERATOR, url=_manage("list")),
    Endpoint(
        "offers-manage:create",
        "page",
        "GET",
        ANY_OPERATOR,
        url=_manage("create"),
        label="formulaire",
    ),
    Endpoint(
        "offers-manage:create",
        "page",
        "POST",
        MANAGERS,
        url=_manage("create"),
        data=lambda world, target: _form(world),
        state=_created,
        ok=frozenset({302}),
    ),
    Endpoint(
        "offers-manage:edit",
        "page",
        "GET",
        MANAGERS,
        setup=_service,
        url=_of_service("edit"),
        label="formulaire",
    ),
    Endpoint(
        "offers-manage:edit",
        "page",
        "POST",
        MANAGERS,
        setup=_service,
        url=_of_service("edit"),
        data=lambda world, service: _form(world, service),
        state=_field("title"),
        ok=frozenset({302}),
    ),
    Endpoint(
        "offers-manage:close",
        "page",
        "POST",
        MANAGERS,
        setup=_service,
        url=_of_service("close"),
        state=_field("status"),
        ok=frozenset({302}),
    ),
    Endpoint(
        "offers-manage:import",
        "page",
        "GET",
        ANY_OPERATOR,
        url=_manage("import"),
        label="formulaire",
    ),
    # Without a file the upload is refused by the form (400); the guard is what is tested here
    # (uploads: offers/tests/test_manage_views.py).
    Endpoint(
        "offers-manage:import",
        "page",
        "POST",
        ANY_OPERATOR,
        setup=_service,
        url=_manage("import"),
        ok=frozenset({400}),
    ),
    Endpoint(
        "offers-manage:import_confirm",
        "page",
        "POST",
        ANY_OPERATOR,
        setup=_service,
        url=_manage("import_confirm"),
        data=lambda world, target: {"token": "inconnu.csv"},
        ok=frozenset({302}),
    ),
    # Each manager exports only the services it manages (offers/tests/test_manage_views.py).
    Endpoint(
        "offers-manage:export",
        "export",
        "GET",
        ANY_OPERATOR,
        setup=_service,
        url=_manage("export", "csv"),
    ),
    Endpoint(
        "admin:offers_service_add",
        "admin",
        "POST",
        ADMIN,
        url=_admin("admin:offers_service_add"),
        data=lambda world, target: {
            "slug": "service-admin",
            "title": "Service ajouté",
            "operator": world.operator.pk,
            "axes": "[]",
            "kind": "pret",
            "applicants": "[]",
            "scope": "national",
            "source": "https://example.org/source",
            "status": "ouvert",
        },
        state=_created,
    ),
    Endpoint(
        "admin:offers_service_change",
        "admin",
        "POST",
        ADMIN,
        setup=_service,
        url=_admin("admin:offers_service_change"),
        data=lambda world, service: {
            "slug": service.slug,
            "title": "Titre changé",
            "operator": world.operator.pk,
            "axes": "[]",
            "kind": "pret",
            "applicants": "[]",
            "scope": "national",
            "source": "https://example.org/source",
            "status": "ouvert",
        },
        state=_field("title"),
    ),
    Endpoint(
        "admin:offers_service_delete",
        "admin",
        "POST",
        ADMIN,
        setup=_service,
        url=_admin("admin:offers_service_delete"),
        data=lambda world, service: {"post": "yes"},
        state=_field("title"),
    ),
]
