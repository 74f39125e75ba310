"""Who answers for a commune (API v1: /equipes): the routing of the contact form, public part only.

The teams come from ``contacts.services.routing`` (the one routing, also behind ``territoires route``,
the public pages' contacts block and the contact form), asked for public members only; the answer is
then rebuilt from an allow-list of fields, so that a field added to the CLI's JSON never reaches the
API by accident (contacts/tests/test_directory_public.py looks for a private member's traces here).
"""

from __future__ import annotations

from ninja import Router, Status
from ninja.errors import HttpError

from contacts.services.routing import route_commune, route_json
from territories.services import lookup

from .base import BAD_REQUEST, TerritoryUrls, param, resolve_phase
from .schemas import LookupErrorOut
from .schemas_offers import TeamsAnswer

router = Router(tags=["Contacts"])

MEMBER_FIELDS = ("nom", "fonction", "email", "telephone")
TEAM_FIELDS = ("niveau", "code", "nom", "organisation")


def public_answer(route) -> dict:
    """The public fields of ``route_json``: public members only, and never their ``public`` flag."""
    answer = route_json(route)
    urls = TerritoryUrls()
    return {
        "commune": {"code": answer["commune"]["code"], "nom": answer["commune"]["nom"]},
        "phase": route.phase.code if route.phase else None,
        "territoires": [
            urls.ref({"phase": t.phase_id, "id": t.ti_id, "nom": t.name}) for t in route.territories
        ],
        "equipes": [
            {
                **{key: team[key] for key in TEAM_FIELDS},
                "membres": [
                    {key: member[key] for key in MEMBER_FIELDS}
                    for member in team["membres"]
                    if member["public"] is True
                ],
            }
            for team in answer["equipes"]
        ],
    }


@router.get(
    "/equipes",
    response={200: TeamsAnswer, **BAD_REQUEST, 404: LookupErrorOut},
    summary="Qui contacter pour une commune ?",
    url_name="teams",
)
def teams(
    request,
    commune: str = param("Code INSEE, SIREN ou nom exact d'une commune.", "77284"),
    phase: str = param("Phase des territoires ; vide : la plus récente.", "2023-2027"),
):
    """Les équipes à qui s'adresse une demande venant de la commune, de la plus locale à la
    nationale : celles de ses territoires d'industrie, de son département, de sa région, puis
    l'équipe nationale (une commune hors de tout territoire a toujours son département et sa
    région). Seuls les membres publics sont nommés (nom, fonction, adresse et téléphone
    professionnels) ; une équipe sans membre public a une liste `membres` vide.
    404 si la commune est inconnue ou homonyme (`candidats`)."""
    if not commune.strip():
        raise HttpError(400, "Indiquez commune (code INSEE, SIREN ou nom exact).")
    selected = resolve_phase(phase)
    try:
        found = lookup.find_commune(commune)
    except lookup.LookupError as error:
        return Status(404, {"detail": str(error), "candidats": error.candidates})
    return public_answer(route_commune(found, phase=selected, public_only=True))
