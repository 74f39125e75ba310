"""Services suggested for an action, and actions that fit an operator's services (Sénat, recommendation 11).

A service **fits** an action when all of these hold:

- it is open today (status « ouvert », opening and closing dates around today);
- it lists the action's axis, or lists no axis at all (open to every axis);
- its phase is empty or the territory's phase;
- its geographic scope covers the action's territory: national, or one of the territory's régions,
  départements, or the territory itself;
- the applicant is eligible: the service is open to « territoire » (the territory's project team asks
  for it), or to the kind of the action's carrier, through ``CARRIER_APPLICANTS``: an entreprise →
  « entreprise »; a collectivité or an EPCI → « collectivité »; an association, the State or an
  operator, other or unknown carriers → only services open to « territoire ».

Suggestions are **ranked** by a score, the sum of:

- axis: 4 when the action's axis is the service's only axis, 3 when it is one of several, 1 when the
  service lists no axis;
- scope precision: territory 4, département 3, région 2, national 1;
- words in common: the number of distinct significant words shared by the action's title and
  description and the service's title and description (lowercase, accents removed, French stop words
  and words of fewer than 3 letters left out, a final « s » or « x » dropped), at most 5.

Ties are broken by the service's title. A service the project lead dismissed for the action
(``SuggestionDismissal``), or that the action already asked for, is not suggested again.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from offers.models import Applicant, ScopeKind, Service, SuggestionDismissal
from plans.models import Action, CarrierKind

CARRIER_APPLICANTS = {
    CarrierKind.ENTREPRISE: Applicant.ENTREPRISE,
    CarrierKind.COLLECTIVITE: Applicant.COLLECTIVITE,
    CarrierKind.EPCI: Applicant.COLLECTIVITE,
}
SCOPE_POINTS = {
    ScopeKind.TERRITOIRES: 4,
    ScopeKind.DEPARTEMENTS: 3,
    ScopeKind.REGIONS: 2,
    ScopeKind.NATIONAL: 1,
}
MAX_WORD_POINTS = 5
SUGGESTION_LIMIT = 5

STOP_WORDS = frozenset(
    """
    alors au aucun aussi autre aux avec avoir bon car ce cela ces ceux chaque ci comme comment dans de
    des du dedans dehors depuis devrait doit donc dos debut elle elles en encore est et etaient etat
    etre eu fait faites fois font hors ici il ils je juste la le les leur lui ma maintenant mais mes
    moins mon meme ni notre nous ou par parce pas peut peu plupart pour pourquoi quand que quel quelle
    quelles quels qui sa sans ses seulement si sien son sont sous soit sur ta tandis tellement tels tes
    ton tous tout toute toutes tres trop une un vos votre vous vu ca etc afin entre leurs selon ainsi
    dont cette cet via plus exemple
    """.split()
)


def words(text: str) -> set[str]:
    """The significant words of ``text`` (see the module's doc), for counting words in common."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    found = set()
    for word in re.findall(r"[a-z0-9]+", folded):
        if len(word) < 3 or word in STOP_WORDS:
            continue
        if len(word) > 3 and word[-1] in "sx":
            word = word[:-1]
        found.add(word)
    return found


def eligible_applicants(carrier_kind: str) -> list[str]:
    applicants = [Applicant.TERRITOIRE.value]
    if carrier_kind in CARRIER_APPLICANTS:
        applicants.append(CARRIER_APPLICANTS[carrier_kind].value)
    return applicants


def services_covering(territory, day=None) -> QuerySet[Service]:
    """Open services whose phase and geographic scope cover ``territory``."""
    covers = (
        Q(scope=ScopeKind.NATIONAL)
        | Q(scope=ScopeKind.REGIONS, regions__in=territory.regions.all())
        | Q(scope=ScopeKind.DEPARTEMENTS, departements__in=territory.departements.all())
        | Q(scope=ScopeKind.TERRITOIRES, territories=territory)
    )
    ids = Service.objects.filter(covers).values("pk")
    return (
        Service.objects.open_on(day or timezone.localdate())
        .filter(pk__in=ids)
        .filter(Q(phase__isnull=True) | Q(phase_id=territory.phase_id))
    )


def _axis_points(service: Service, axis: str) -> int:
    if not service.axes:
        return 1
    if axis not in service.axes:
        return 0
    return 4 if len(service.axes) == 1 else 3


def _applicant_fits(service: Service, applicants: list[str]) -> bool:
    return any(applicant in (service.applicants or []) for applicant in applicants)


@dataclass(frozen=True)
class Suggestion:
    service: Service
    score: int
    axis_points: int
    scope_points: int
    common_words: tuple[str, ...]


def score(action: Action, service: Service, action_words: set[str] | None = None) -> Suggestion:
    if action_words is None:
        action_words = words(f"{action.title} {action.description}")
    common = action_words & words(f"{service.title} {service.description}")
    axis_points = _axis_points(service, action.axis)
    scope_points = SCOPE_POINTS.get(service.scope, 0)
    return Suggestion(
        service,
        axis_points + scope_points + min(len(common), MAX_WORD_POINTS),
        axis_points,
        scope_points,
        tuple(sorted(common)),
    )


def suggestions_for(action: Action, limit: int | None = SUGGESTION_LIMIT) -> list[Suggestion]:
    """The open services that fit ``action``, best first (see the module's doc)."""
    territory = action.plan.territory
    excluded = set(
        SuggestionDismissal.objects.filter(action=action).values_list("service_id", flat=True)
    ) | set(action.service_requests.values_list("service_id", flat=True))
    applicants = eligible_applicants(action.carrier_kind)
    action_words = words(f"{action.title} {action.description}")
    found = []
    candidates = services_covering(territory).exclude(pk__in=excluded).select_related("operator")
    for service in candidates:
        if _axis_points(service, action.axis) == 0 or not _applicant_fits(service, applicants):
            continue
        found.append(score(action, service, action_words))
    found.sort(key=lambda s: (-s.score, s.service.title.casefold(), s.service.pk))
    return found[:limit] if limit else found


def _territories_covered_by(service: Service) -> Q:
    from territories.models import Territory

    if service.scope == ScopeKind.NATIONAL:
        covered = Q()
    elif service.scope == ScopeKind.REGIONS:
        covered = Q(
            plan__territory__in=Territory.objects.filter(regions__in=service.regions.all()).values(
                "pk"
            )
        )
    elif service.scope == ScopeKind.DEPARTEMENTS:
        covered = Q(
            plan__territory__in=Territory.objects.filter(
                departements__in=service.departements.all()
            ).values("pk")
        )
    else:
        covered = Q(plan__territory__in=service.territories.all().values("pk"))
    if service.phase_id:
        covered &= Q(plan__territory__phase_id=service.phase_id)
    return covered


def fitting_actions(service: Service) -> QuerySet[Action]:
    """Non-confidential, non-archived actions that ``service`` fits and that have not asked for it."""
    actions = Action.objects.filter(confidential=False, archived=False).filter(
        _territories_covered_by(service)
    )
    if service.axes:
        actions = actions.filter(axis__in=service.axes)
    if Applicant.TERRITOIRE.value not in (service.applicants or []):
        kinds = [
            kind
            for kind, applicant in CARRIER_APPLICANTS.items()
            if applicant in service.applicants
        ]
        actions = actions.filter(carrier_kind__in=kinds)
    return actions.exclude(service_requests__service=service)


def dismiss(action: Action, service: Service, user) -> SuggestionDismissal:
    dismissal, _ = SuggestionDismissal.objects.get_or_create(
        action=action, service=service, defaults={"dismissed_by": user}
    )
    return dismissal
