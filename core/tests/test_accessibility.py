"""Every kind of page of the platform through axe-core in chromium: no serious or critical violation.

One URL per template, anonymous and signed in, listed in PAGES below: a new page (a new template) gets
its line here. No server: Playwright hands every request to Django's test client (as
core/tests/test_csp_browser.py does), so the test database keeps its real reference data and the
example plan made for the test. axe-core is injected from node_modules (the context bypasses the CSP
for that script only).

A page whose template belongs to another part of the site and still has violations is marked xfail
with the violations listed; strict, so the mark must go once the template is fixed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Invitation, Role
from accounts.services.invitations import send_invitation
from accounts.services.roles import grant_role
from contacts.tests import pages_directory
from core.models import ImportJob
from plans.models import Action, ActionPlan
from plans.services import workflow
from plans.services.demo import demo_records, demo_territories
from plans.services.exporting import export_actions
from plans.services.importing import PlanImportReport, upsert_records

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}


@dataclass
class Scene:
    """What the pages need: a plan with actions (validated, so its public page exists), people, tokens."""

    plan_url: str
    action_url: str
    action_history_url: str
    reset_url: str
    invitation_url: str
    admin: object
    nobody: object  # signed in, no role
    plan: object
    import_job: object  # a background import, finished (its follow-up page)


@pytest.fixture
def scene(real_data) -> Scene:
    User = get_user_model()
    admin = User.objects.create_user(
        username="admin@example.org", email="admin@example.org", password="Usine-Verte-2027!"
    )
    grant_role(admin, Role.ADMINISTRATEUR)
    admin.refresh_from_db()
    nobody = User.objects.create_user(
        username="sans-role@example.org", email="sans-role@example.org", password="x" * 16
    )
    territory = demo_territories("2023-2027", 1)[0]
    records = demo_records(territory, 4, seed=1)
    upsert_records(
        records,
        {territory.ti_id: territory},
        PlanImportReport("test", territory.phase_id, dry_run=False),
    )
    plan = ActionPlan.objects.get(territory=territory)
    for step in (
        "soumettre",
        "valider",
    ):  # validated through the workflow: its public version exists
        workflow.apply_step(plan, workflow.STEPS[step])
    plan_url = f"/territoires/{territory.phase_id}/{territory.ti_id}/plan/"
    code = records[0]["code"]
    uid = urlsafe_base64_encode(force_bytes(nobody.pk))
    token = send_invitation(
        Invitation(email="invitee@example.org", role=Role.EQUIPE_NATIONALE), invited_by=admin
    )
    return Scene(
        plan_url=plan_url,
        action_url=f"{plan_url}actions/{code}/",
        action_history_url=f"{plan_url}actions/{code}/historique/",
        reset_url=f"/compte/mot-de-passe/{uid}/{default_token_generator.make_token(nobody)}/",
        invitation_url=f"/compte/invitation/{token}/",
        admin=admin,
        nobody=nobody,
        plan=plan,
        import_job=ImportJob.objects.create(
            kind="plans",
            target=f"{territory.phase_id}/{territory.ti_id}",
            owner=admin,
            file_name="plan.xlsx",
            upload="",
            rows=4,
            state=ImportJob.State.DONE,
            summary="plan.xlsx — 4 actions modifiées.",
        ),
    )


def xfail(reason: str):
    return pytest.mark.xfail(reason=reason, strict=True)


# (id, who, target). who: "anonyme", "admin" (signed in, every right), "sans-role" (signed in, no
# role). target: a path, a name from _url (URLs of the test's plan and tokens), or "!<name>" for a
# page reached by a POST (SPECIAL below). Expected status: 200, or the one in the id (erreur-404…).
PAGES = [
    ("accueil", "anonyme", "/"),
    ("accueil-connecte", "admin", "/"),
    ("recherche", "anonyme", "/recherche/?q=meaux"),
    ("recherche-vide", "anonyme", "/recherche/?q=zzzzzz"),
    ("carte", "anonyme", "/carte/"),
    ("territoire", "anonyme", "/territoires/2023-2027/ti-1108/"),
    ("territoire-avec-plan", "anonyme", "territory_with_plan"),
    ("territoire-phase-1", "anonyme", "/territoires/2019-2022/ti-1107/"),
    ("region", "anonyme", "/regions/11/"),
    ("departement", "anonyme", "/departements/77/"),
    ("commune", "anonyme", "/communes/77284/"),
    ("epci", "anonyme", "/intercommunalites/200072130/"),
    ("plan-du-site", "anonyme", "/plan-du-site/"),
    ("accessibilite", "anonyme", "/accessibilite/"),
    ("connexion", "anonyme", "/compte/connexion/"),
    ("mot-de-passe-oubli", "anonyme", "/compte/mot-de-passe/oubli/"),
    ("mot-de-passe-envoye", "anonyme", "/compte/mot-de-passe/envoye/"),
    ("mot-de-passe-nouveau", "anonyme", "reset_url"),
    ("mot-de-passe-change", "anonyme", "/compte/mot-de-passe/change/"),
    ("invitation-accepter", "anonyme", "invitation_url"),
    ("invitation-invalide", "anonyme", "/compte/invitation/lien-inconnu/"),
    ("plan-public", "anonyme", "public_plan_url"),
    ("mon-espace", "admin", "/compte/"),
    ("mon-espace-sans-role", "sans-role", "/compte/"),
    ("journal", "admin", "/compte/journal/"),
    ("utilisateurs", "admin", "/compte/utilisateurs/"),
    ("inviter", "admin", "/compte/invitations/nouvelle/"),
    ("plan", "admin", "plan_url"),
    ("action-nouvelle", "admin", "action_create_url"),
    ("action", "admin", "action_url"),
    ("action-modifier", "admin", "action_edit_url"),
    ("action-historique", "admin", "action_history_url"),
    ("import", "admin", "import_url"),
    ("import-apercu", "admin", "!import-preview"),
    ("import-erreurs", "admin", "!import-errors"),
    ("export", "admin", "/plans/export/"),
    ("suivi-des-plans", "admin", "/plans/suivi/"),
    ("import-suivi", "admin", "import_job_url"),
    ("historique-objet", "admin", "user_history_url"),
    ("erreur-404", "anonyme", "/nulle-part/"),
    ("erreur-403", "sans-role", "/compte/journal/"),
    ("erreur-500", "anonyme", "/test-erreurs/plantage/"),
    ("erreur-503", "anonyme", "/test-erreurs/verrou/"),
    ("erreur-400", "anonyme", "/test-erreurs/suspect/"),
    ("erreur-csrf", "anonyme", "!csrf"),
    ("contact", "anonyme", "/contact/?commune=77284"),
    ("contact-envoyee", "anonyme", "contact_sent_url"),
    ("contact-delais", "anonyme", "/contact/delais/"),
    ("demandes", "admin", "/contacts/demandes/"),
    ("demande", "admin", "contact_request_url"),
    ("annuaire-equipes", "admin", "/contacts/equipes/"),
    ("annuaire-equipe-nouvelle", "admin", "/contacts/equipes/nouvelle/"),
    ("annuaire-equipe", "admin", "!equipe"),
    ("annuaire-membre", "admin", "!membre"),
    ("annuaire-membre-erreurs", "admin", "!membre-erreurs"),
    ("annuaire-couverture", "admin", "/contacts/couverture/"),
    ("commune-avec-contacts", "anonyme", "!commune-contacts"),
    ("offre", "anonyme", "!offre"),
    ("offre-erreur", "anonyme", "/offre/?commune=zzzz"),
    ("offre-service", "anonyme", "!offre-service"),
    ("demandes-de-service", "admin", "/demandes-de-service/"),
    ("demande-de-service-nouvelle", "admin", "!demande-de-service-nouvelle"),
    ("demande-de-service", "admin", "!demande-de-service"),
    ("offre-gestion", "admin", "!offre-gestion"),
    ("offre-gestion-service", "admin", "!offre-gestion-service"),
    ("offre-import", "admin", "/offre/gestion/import/"),
    ("offre-import-apercu", "admin", "!offre-import-apercu"),
    ("offre-import-erreurs", "admin", "!offre-import-erreurs"),
    ("registre-operateurs", "admin", "/registre/?regroupement=detail"),
    ("actions-a-accompagner", "admin", "/registre/actions-a-accompagner/"),
    ("etiquetage", "sans-role", "/etiquetage/"),
    ("etiquetage-erreurs", "sans-role", "!etiquetage-erreurs"),
    ("etiquetage-suivi", "admin", "!etiquetage-suivi"),
    ("jetons-api", "admin", "/compte/jetons/"),
    ("jeton-api-cree", "admin", "!jeton-api-cree"),
    ("fiche-territoire", "anonyme", "/territoires/2023-2027/ti-1108/fiche/"),
    ("communique-departement", "anonyme", "/departements/77/communique/"),
    ("communique-region", "anonyme", "/regions/11/communique/"),
    ("document-en-preparation", "anonyme", "!document-en-preparation"),
    ("donnees-ouvertes", "anonyme", "/donnees/"),
    ("tableau-de-bord", "anonyme", "/tableaux-de-bord/"),
    ("tableau-de-bord-comparaison", "admin", "/tableaux-de-bord/departements/?tri=-population"),
]

# Pages whose templates other parts of the site own, with what axe-core found (to fix there): none
# today. A page listed here is xfail(strict): fixing it makes the test fail until the entry goes.
KNOWN_VIOLATIONS: dict[str, str] = {}


def _url(scene: Scene, target: str) -> str:
    if target in ("contact_request_url", "contact_sent_url"):
        from contacts.tests.factories_requests import request_page_url

        url = request_page_url()  # one example request, made once
        return (
            url
            if target == "contact_request_url"
            else url.replace("/contacts/demandes/", "/contact/envoyee/")
        )
    derived = {
        "public_plan_url": scene.plan_url + "public/",
        "action_create_url": scene.plan_url + "actions/nouvelle/",
        "action_edit_url": scene.action_url + "modifier/",
        "import_url": scene.plan_url + "import/",
        "territory_with_plan": scene.plan_url.removesuffix("plan/"),
        "user_history_url": f"/compte/historique/auth/user/{scene.nobody.pk}/",
        "import_job_url": scene.plan_url + f"import/suivi/{scene.import_job.pk}/",
    }
    if target.startswith("/") or target.startswith("!"):
        return target
    return derived.get(target) or getattr(scene, target)


def _client(scene: Scene, who: str) -> Client:
    client = Client()
    client.raise_request_exception = False  # the error pages are what a visitor gets
    if who == "admin":
        client.force_login(scene.admin)
    elif who == "sans-role":
        client.force_login(scene.nobody)
    return client


def _upload(name: str, content: bytes) -> io.BytesIO:
    upload = io.BytesIO(content)
    upload.name = name
    return upload


def _import_preview(client: Client, scene: Scene):
    """The import page after a file: the preview of what it would change (one title changed)."""
    stream = io.BytesIO()
    export_actions(Action.objects.filter(plan=scene.plan), stream, "csv")
    first = scene.plan.actions.order_by("code").first()
    content = stream.getvalue().decode().replace(first.title, first.title + " (modifié)", 1)
    return client.post(
        scene.plan_url + "import/", {"file": _upload("plan.csv", content.encode())}, follow=True
    )


def _import_errors(client: Client, scene: Scene):
    """The import page listing a file's problems."""
    content = "Code de l'action;Intitulé;Axe\nA-1;Titre;Axe inconnu\n".encode()
    return client.post(scene.plan_url + "import/", {"file": _upload("casse.csv", content)})


def _csrf_failure(client: Client, scene: Scene):
    """A form posted without its token: the CSRF failure view."""
    strict = Client(enforce_csrf_checks=True)
    return strict.post("/compte/connexion/", {"username": "a@example.org", "password": "x"})


def _catalogue(client: Client, scene: Scene):
    """The public catalogue, with two pages of services (offers/tests/factories.py)."""
    from offers.tests.factories import accessibility_catalogue

    accessibility_catalogue(scene.plan)
    return client.get("/offre/?tri=titre")


def _service_page(client: Client, scene: Scene):
    """A service's public page, mobilised by a public action of the scene's plan."""
    from offers.tests.factories import accessibility_catalogue

    return client.get(f"/offre/{accessibility_catalogue(scene.plan).slug}/")


def _service_request(scene: Scene):
    """A request for a service from the scene's first action (offers), made once."""
    from offers.tests.factories_requests import make_request, make_service

    action = scene.plan.actions.order_by("code").first()
    return action.service_requests.first() or make_request(
        scene.plan.territory, scene.admin, make_service(), action
    )


def _request_page(client: Client, scene: Scene):
    """A request's page (messages, answer forms) after it was accepted with an amount."""
    from offers.services import requests as requests_service

    request = _service_request(scene)
    if request.state == "envoyee":
        requests_service.accept(request, scene.admin, "envoyee", granted_amount=1000)
    return client.get(f"/demandes-de-service/{request.pk}/")


def _request_form(client: Client, scene: Scene):
    action = scene.plan.actions.order_by("code").first()
    territory = scene.plan.territory
    return client.get(
        f"/demandes-de-service/nouvelle/{territory.phase_id}/{territory.ti_id}/?action={action.code}"
    )


SPECIAL = {
    "/!csrf": _csrf_failure,
    "/!import-preview": _import_preview,
    "/!import-errors": _import_errors,
    "/!equipe": pages_directory.team_page,
    "/!membre": pages_directory.member_page,
    "/!membre-erreurs": pages_directory.member_add_errors,
    "/!commune-contacts": pages_directory.commune_with_contacts,
    "/!offre": _catalogue,
    "/!offre-service": _service_page,
    "/!demande-de-service": _request_page,
    "/!demande-de-service-nouvelle": _request_form,
}


# --- Offers catalogue management (issue 11): the initial catalogue loaded, then the page.


def _offers_loaded(client: Client, path: str):
    from offers.services.initial_catalogue import load

    load()
    return client.get(path, follow=True)


def _offers_import(client: Client, content: str):
    return client.post(
        "/offre/gestion/import/", {"file": _upload("catalogue.csv", content.encode())}
    )


OFFERS_CSV_HEADER = "identifiant;intitule;operateur;type;source\n"
SPECIAL.update(
    {
        "/!offre-gestion": lambda client, scene: _offers_loaded(client, "/offre/gestion/"),
        "/!offre-gestion-service": lambda client, scene: _offers_loaded(
            client, "/offre/gestion/services/france-foncier-plus/modifier/"
        ),
        "/!offre-import-apercu": lambda client, scene: (
            _offers_loaded(client, "/")
            and _offers_import(
                client, OFFERS_CSV_HEADER + "s-1;Service;anct;prêt;https://example.org/\n"
            )
        ),
        "/!offre-import-erreurs": lambda client, scene: _offers_import(
            client, OFFERS_CSV_HEADER + "s-1;Service;inconnu;don;\n"
        ),
    }
)


# --- File tagging (issue 14): a refused file (its problems), a finished job's page.


def _tagging_errors(client: Client, scene: Scene):
    data = {"phase": "2023-2027", "mode": "commune", "column": "code"}
    data["file"] = _upload("communes.csv", b"nom;insee\nMeaux;77284\n")
    return client.post("/etiquetage/", data)


def _tagging_job(client: Client, scene: Scene):
    from tagging.tests.factories import done_job

    return client.get(f"/etiquetage/{done_job(scene.admin).pk}/")


SPECIAL.update({"/!etiquetage-erreurs": _tagging_errors, "/!etiquetage-suivi": _tagging_job})


# --- Personal API tokens (issue 13): the page right after a creation, its secret shown once.

SPECIAL["/!jeton-api-cree"] = lambda client, scene: client.post(
    "/compte/jetons/", {"name": "Script du plan", "days": "30"}
)
# --- Reports (issue 13): a PDF asked for while no worker runs (« Document en préparation », 202).


def _pdf_in_preparation(client: Client, scene: Scene):
    import tempfile

    from django.test import override_settings

    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
        MEDIA_ROOT=tempfile.mkdtemp(),
    ):
        return client.get("/territoires/2023-2027/ti-1108/fiche.pdf")


SPECIAL.update({"/!document-en-preparation": _pdf_in_preparation})


def _fetch(client: Client, scene: Scene, path: str):
    if path in SPECIAL:  # pages reached by a POST: the browser asks, the test posts
        return SPECIAL[path](client, scene)
    return client.get(path, follow=True)


def _answer(scene: Scene):
    """Pages reached by a POST: the browser asks for "/!name", the test posts (SPECIAL); the others
    are followed through their redirects by the test client (a password-reset link redirects to a
    tokenless URL that chromium did not hand back to the router)."""

    def answer(client, method, path, request):
        return _fetch(client, scene, path)

    return answer


def _expected_status(name: str) -> int:
    if name == "erreur-csrf":
        return 403
    if name in (
        "import-erreurs",
        "annuaire-membre-erreurs",
        "offre-import-erreurs",
        "etiquetage-erreurs",
    ):
        return 400
    if name == "invitation-invalide":
        return 410
    if name == "document-en-preparation":
        return 202
    return int(name.removeprefix("erreur-")) if name.startswith("erreur-") else 200


def _params():
    for name, who, target in PAGES:
        marks = [xfail(KNOWN_VIOLATIONS[name])] if name in KNOWN_VIOLATIONS else []
        yield pytest.param(who, target, _expected_status(name), id=name, marks=marks)


@pytest.mark.urls("core.tests.urls_errors")  # the project's URLs plus pages that fail on purpose
@pytest.mark.parametrize(("who", "target", "status"), list(_params()))
def test_page_has_no_serious_or_critical_axe_violation(
    who, target, status, scene, browser_context, settings
):
    settings.DEBUG = False  # the error pages as in production
    path = _url(scene, target)
    client = _client(scene, who)
    context = browser_context(client=client, answer=_answer(scene), bypass_csp=True, locale="fr-FR")
    page = context.new_page()
    response = page.goto("/" + path.lstrip("/"))
    assert response.status == status, f"{path}: {response.status} ({page.title()})"
    if page.locator("#carte").count():  # maps: audit once drawn (Leaflet adds its controls)
        page.wait_for_selector("#carte[data-ready=true]", timeout=30_000)
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").count() >= 1, f"{path}: no <h1> (page did not render?)"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]
    assert violations == [], f"{path} ({who}):\n" + "\n".join(violations)


# Templates that are not pages: layouts extended by pages, and fragments included in them.
NOT_PAGES = {"base.html", "errors/error.html"}


@pytest.mark.urls("core.tests.urls_errors")
def test_every_page_template_is_in_the_list(scene, settings):
    """A new page template fails this test until PAGES lists a URL rendering it (no browser here)."""
    settings.DEBUG = False
    rendered: set[str] = set()
    for name, who, target in PAGES:
        path = _url(scene, target)
        response = _fetch(_client(scene, who), scene, path if path.startswith("/") else f"/{path}")
        assert response.status_code == _expected_status(name), name
        rendered |= {t.name for t in response.templates if t.name}
    base = Path(settings.BASE_DIR)
    project_apps = [
        Path(c.path)
        for c in apps.get_app_configs()
        if base in Path(c.path).parents and "site-packages" not in Path(c.path).parts
    ]
    roots = [base / "templates"] + [path / "templates" for path in project_apps]
    on_disk = {
        str(path.relative_to(root))
        for root in roots
        if root.is_dir()
        for path in root.rglob("*.html")
        if "includes" not in path.parts and "emails" not in path.parts
    }
    assert on_disk - NOT_PAGES - rendered == set()
