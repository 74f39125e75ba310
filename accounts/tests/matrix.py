"""The permission matrix: one table of editing endpoints x profiles, extended by every app.

Test support, not production code (it lived in core, which must know no role, and imported upward).
Each app that has editing endpoints writes ``<app>/tests/permission_matrix.py`` with::

    from accounts.tests.matrix import Endpoint, ADMIN, COORDINATORS_IN, LEADS_IN

    PERMISSION_MATRIX = [
        Endpoint("plans:edit", "page", "POST", allowed=ADMIN | LEADS_IN, url=..., data=..., state=...),
    ]
    NOT_EDITING = {"plans:detail": "lecture publique"}  # its other URL names, with why they need no row

``accounts/tests/test_permission_matrix.py`` runs every row for every profile, and fails when a
guarded view, an API operation or an editable admin has no row, or when docs/roles.md's table (written
by ``roles_table``) no longer matches the rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Every profile: a role whose scope covers the target ("-hors": the same role, another scope).
PROFILES = (
    "anonyme",
    "sans-role",
    "administrateur",
    "equipe-nationale",
    "coordinateur-region",
    "coordinateur-region-hors",
    "coordinateur-departement",
    "coordinateur-departement-hors",
    "chef-de-projet",
    "chef-de-projet-hors",
    "binome",
    "binome-hors",
    "operateur",
    "operateur-hors",
)

ADMIN = frozenset({"administrateur"})
NATIONAL = frozenset({"equipe-nationale"})
STAFF = ADMIN | NATIONAL
COORDINATORS_IN = frozenset({"coordinateur-region", "coordinateur-departement"})
LEADS_IN = frozenset({"chef-de-projet"})
READERS_IN = STAFF | COORDINATORS_IN | LEADS_IN | frozenset({"binome"})
OPERATORS_IN = frozenset({"operateur"})
SIGNED_IN = frozenset(PROFILES) - {"anonyme"}

KINDS = ("page", "api", "admin", "export")


@dataclass
class World:
    """What every row can use: a target territory, one outside every "-hors" scope, operators, users."""

    territory: Any
    other_territory: Any
    operator: Any
    other_operator: Any
    users: dict[str, Any] = field(default_factory=dict)


def _nothing(world: World) -> Any:
    return None


def _no_state(world: World, target: Any) -> Any:
    return None


@dataclass(frozen=True)
class Endpoint:
    """One editing endpoint.

    name: the URL name it exercises (``"accounts:invite"``, ``"accounts-api:create_role"``,
    ``"admin:accounts_operator_change"``); kind: page, api, admin or export; allowed: the profiles
    expected to succeed; setup(world) creates the target and returns it; url(world, target);
    data(world, target) the body (JSON for the API); state(world, target) a snapshot of what the
    request may change, compared before/after for every denied profile; ok: success statuses.
    """

    name: str
    kind: str
    method: str
    allowed: frozenset[str]
    url: Callable[[World, Any], str]
    setup: Callable[[World], Any] = _nothing
    data: Callable[[World, Any], dict] | None = None
    state: Callable[[World, Any], Any] = _no_state
    ok: frozenset[int] = frozenset({200, 201, 204, 302})
    label: str = ""  # distinguishes two rows of the same URL name (e.g. GET and POST)
    # "session": the profile signs in; "jeton": it sends a personal API token of its own instead
    # (API v1's writing operations, api/v1/auth.py), and no session.
    auth: str = "session"

    @property
    def id(self) -> str:
        return f"{self.name}{'[' + self.label + ']' if self.label else ''}"

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"{self.name} : type « {self.kind} » inconnu ({', '.join(KINDS)}).")
        unknown = set(self.allowed) - set(PROFILES)
        if unknown:
            raise ValueError(f"{self.name} : profils inconnus {sorted(unknown)}.")


def build_world() -> World:
    """Users for every profile around one 2023-2027 territory (it writes to the database: built once
    per module inside a transaction rolled back at its end, see test_permission_matrix.py)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from accounts.models import Role
    from accounts.services.roles import grant_role
    from offers.models import Operator
    from territories.models import Territory

    candidates = Territory.objects.filter(
        phase_id="2023-2027", principal_departement__isnull=False
    ).defer(
        "geometry",
        "geometry_simplified",  # megabytes of GeoJSON that no row needs
    )
    territory = (
        candidates.annotate(region_count=Count("regions"))
        .filter(region_count=1)
        .order_by("ti_id")
        .first()
    )
    region = territory.regions.get()
    other_territory = (
        candidates.exclude(regions=region)
        .exclude(departements__in=territory.departements.all())
        .order_by("ti_id")
        .first()
    )
    operator = Operator.objects.create(slug="operateur-cible", name="Opérateur cible")
    other_operator = Operator.objects.create(slug="autre-operateur", name="Autre opérateur")
    scopes = {
        "sans-role": None,
        "administrateur": (Role.ADMINISTRATEUR, {}),
        "equipe-nationale": (Role.EQUIPE_NATIONALE, {}),
        "coordinateur-region": (Role.COORDINATEUR, {"region": region}),
        "coordinateur-region-hors": (
            Role.COORDINATEUR,
            {"region": other_territory.principal_region},
        ),
        "coordinateur-departement": (
            Role.COORDINATEUR,
            {"departement": territory.principal_departement},
        ),
        "coordinateur-departement-hors": (
            Role.COORDINATEUR,
            {"departement": other_territory.principal_departement},
        ),
        "chef-de-projet": (Role.CHEF_DE_PROJET, {"territory": territory}),
        "chef-de-projet-hors": (Role.CHEF_DE_PROJET, {"territory": other_territory}),
        "binome": (Role.BINOME, {"territory": territory}),
        "binome-hors": (Role.BINOME, {"territory": other_territory}),
        "operateur": (Role.OPERATEUR, {"operator": operator}),
        "operateur-hors": (Role.OPERATEUR, {"operator": other_operator}),
    }
    world = World(
        territory=territory,
        other_territory=other_territory,
        operator=operator,
        other_operator=other_operator,
    )
    User = get_user_model()
    for profile, scope in scopes.items():
        user = User(username=f"{profile}@matrice.test", email=f"{profile}@matrice.test")
        user.set_unusable_password()
        user.save()
        if scope:
            grant_role(user, scope[0], **scope[1])
            user.refresh_from_db()  # is_staff follows the role
        world.users[profile] = user
    return world


def collect_rows() -> list[Endpoint]:
    """Every ``PERMISSION_MATRIX`` of the installed apps (``<app>/tests/permission_matrix.py``)."""
    return [row for matrix in _matrix_modules().values() for row in matrix.PERMISSION_MATRIX]


def collect_not_editing() -> dict[str, str]:
    exempt: dict[str, str] = {}
    for matrix in _matrix_modules().values():
        exempt.update(getattr(matrix, "NOT_EDITING", {}))
    return exempt


def _matrix_modules() -> dict:
    import importlib
    import importlib.util

    from django.apps import apps

    modules = {}
    for config in apps.get_app_configs():
        name = f"{config.name}.tests.permission_matrix"
        try:
            found = importlib.util.find_spec(name) is not None
        except ModuleNotFoundError:
            found = False
        if found:
            modules[config.name] = importlib.import_module(name)
    return modules


# --- docs/roles.md's table, generated from the rows -----------------------------------------------

DOC_BEGIN = "<!-- matrice des permissions : début (généré, ne pas modifier à la main) -->"
DOC_END = "<!-- matrice des permissions : fin -->"
PROFILE_GROUPS = (
    (SIGNED_IN, "toute personne connectée"),
    (frozenset(PROFILES), "tout le monde"),
)


def _allowed_label(allowed: frozenset[str]) -> str:
    for group, label in PROFILE_GROUPS:
        if allowed == group:
            return label
    return ", ".join(profile for profile in PROFILES if profile in allowed) or "personne"


def roles_table() -> str:
    """The Markdown table of docs/roles.md: every row, who succeeds (every other profile is refused)."""
    lines = [
        DOC_BEGIN,
        "",
        "| Point d'entrée | Type | Méthode | Autorisés (périmètre couvrant l'objet) |",
        "|---|---|---|---|",
    ]
    for row in collect_rows():
        kind = f"{row.kind} (jeton)" if row.auth == "jeton" else row.kind
        lines.append(f"| `{row.id}` | {kind} | {row.method} | {_allowed_label(row.allowed)} |")
    return "\n".join([*lines, "", DOC_END])
