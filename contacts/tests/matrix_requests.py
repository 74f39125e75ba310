"""Permission matrix rows of the "Contactez-nous" requests (public form and pages, the inbox).

The target request is about a commune of the world's territory and sits in that territory's team,
whose one member is the chef-de-projet's address; the chef-de-projet-hors is the member of the other
territory's team: a member of another team never sees it. The binome holds a role on the territory
but is no team member: a role alone opens no inbox.
"""

from __future__ import annotations

from django.utils import timezone

from accounts.tests.matrix import ADMIN, NATIONAL, PROFILES, Endpoint

MEMBER = frozenset({"chef-de-projet"})
OTHER_MEMBER = frozenset({"chef-de-projet-hors"})
COORDINATORS = frozenset({"coordinateur-region", "coordinateur-departement"})
EVERY_COORDINATOR = COORDINATORS | {"coordinateur-region-hors", "coordinateur-departement-hors"}
EVERYONE = frozenset(PROFILES)


def _setup(world):
    from contacts.models import Level, Team, TeamMember
    from contacts.tests.factories_requests import contact_request

    territory = world.territory
    commune = territory.communes.filter(departement=territory.principal_departement).order_by(
        "code"
    )[0]
    team = Team.objects.create(
        level=Level.TERRITOIRE, territory=territory, name="Équipe cible", organisation="[Exemple]"
    )
    TeamMember.objects.create(team=team, name="Membre", email="chef-de-projet@matrice.test")
    other = Team.objects.create(
        level=Level.TERRITOIRE,
        territory=world.other_territory,
        name="Autre équipe",
        organisation="[Exemple]",
    )
    TeamMember.objects.create(team=other, name="Autre", email="chef-de-projet-hors@matrice.test")
    request = contact_request(team, commune, reference="DC-MATRICE-1")
    request.other_team = other
    return request


def _setup_failed_email(world):
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    request = _setup(world)
    row = DBTaskResult.objects.create(
        status=TaskResultStatus.FAILED,
        args_kwargs={"args": ["Sujet", "Corps", ["x@example.org"]], "kwargs": {}},
        task_path="core.emails.send_email",
        backend_name="default",
        queue_name="default",
        run_after=timezone.now(),
        priority=0,
        exception_class_path="smtplib.SMTPServerDisconnected",
        traceback="",
    )
    request.event = request.events.create(kind="recue", email_task_id=str(row.id))
    return request


def _detail(request) -> str:
    return f"/contacts/demandes/{request.reference}/"


def _snapshot(request):
    from contacts.models import ContactRequest

    fresh = ContactRequest.objects.get(pk=request.pk)
    return (fresh.state, fresh.assigned_to_id, fresh.team_id, fresh.events.count())


def _form_data(world, target):
    from contacts.tests.factories_requests import form_data

    return form_data(commune="Meaux (77284)")


def _count(world, target):
    from contacts.models import ContactRequest

    return ContactRequest.objects.count()


ROWS = [
    Endpoint(
        "contact-requests:form",
        "page",
        "GET",
        allowed=EVERYONE,
        url=lambda w, t: "/contact/",
        label="formulaire",
    ),
    Endpoint(
        "contact-requests:form",
        "page",
        "POST",
        allowed=EVERYONE,
        url=lambda w, t: "/contact/",
        data=_form_data,
        state=_count,
        label="envoi",
    ),
    Endpoint(
        "contact-requests:sent",
        "page",
        "GET",
        allowed=EVERYONE,
        setup=_setup,
        url=lambda w, t: f"/contact/envoyee/{t.reference}/",
    ),
    Endpoint(
        "contact-requests:delays",
        "page",
        "GET",
        allowed=EVERYONE,
        url=lambda w, t: "/contact/delais/",
    ),
    Endpoint(
        "contact-requests:inbox",
        "page",
        "GET",
        allowed=ADMIN | NATIONAL | EVERY_COORDINATOR | MEMBER | OTHER_MEMBER,
        setup=_setup,
        url=lambda w, t: "/contacts/demandes/",
    ),
    Endpoint(
        "contact-requests:detail",
        "page",
        "GET",
        allowed=ADMIN | NATIONAL | COORDINATORS | MEMBER,
        setup=_setup,
        url=lambda w, t: _detail(t),
    ),
    Endpoint(
        "contact-requests:take",
        "page",
        "POST",
        allowed=ADMIN | MEMBER,
        setup=_setup,
        url=lambda w, t: _detail(t) + "prendre/",
        state=lambda w, t: _snapshot(t),
    ),
    Endpoint(
        "contact-requests:answer",
        "page",
        "POST",
        allowed=ADMIN | MEMBER,
        setup=_setup,
        url=lambda w, t: _detail(t) + "repondre/",
        data=lambda w, t: {"text": "Bonjour, voici notre réponse."},
        state=lambda w, t: _snapshot(t),
    ),
    Endpoint(
        "contact-requests:transfer",
        "page",
        "POST",
        allowed=ADMIN | MEMBER,
        setup=_setup,
        url=lambda w, t: _detail(t) + "transferer/",
        data=lambda w, t: {"team": t.other_team.pk, "reason": "Hors de notre périmètre"},
        state=lambda w, t: _snapshot(t),
    ),
    Endpoint(
        "contact-requests:close",
        "page",
        "POST",
        allowed=ADMIN | MEMBER,
        setup=_setup,
        url=lambda w, t: _detail(t) + "clore/",
        state=lambda w, t: _snapshot(t),
    ),
    Endpoint(
        "contact-requests:retry",
        "page",
        "POST",
        allowed=ADMIN | MEMBER,
        setup=_setup_failed_email,
        url=lambda w, t: _detail(t) + f"renvoyer/{t.event.pk}/",
        state=lambda w, t: (_snapshot(t), type(t.event).objects.get(pk=t.event.pk).email_task_id),
    ),
]
