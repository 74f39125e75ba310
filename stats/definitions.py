"""The short French definition of every figure (shown one click away on screen, and in the API).

Keys are the names the API and the CLI use. A new figure gets its definition here, in the same
commit as its service.
"""

DEFINITIONS: dict[str, str] = {
    "territoires_principal": (
        "Nombre de territoires d'industrie de la phase dont la région (ou le département) principal "
        "est celui-ci : la région ou le département qui réunit la plus grande part de la population "
        "du territoire. Chaque territoire est compté une seule fois : la somme sur toutes les régions "
        "(ou tous les départements) est le nombre de territoires de la phase."
    ),
    "territoires_touching": (
        "Nombre de territoires d'industrie de la phase qui comptent au moins une commune dans cette "
        "région (ou ce département). Un territoire à cheval sur plusieurs régions ou départements est "
        "compté dans chacun : la somme dépasse le nombre de territoires de la phase."
    ),
    "territoires": "Nombre de territoires d'industrie retenus pour la phase.",
    "communes": (
        "Nombre de communes (au code officiel géographique en vigueur) comprises dans au moins un "
        "territoire d'industrie de la phase, chacune comptée une fois."
    ),
    "population": (
        "Population totale des communes couvertes par les territoires d'industrie de la phase, "
        "chaque commune comptée une fois."
    ),
    "regions": "Nombre de régions touchées par au moins un territoire d'industrie de la phase.",
    "departements": (
        "Nombre de départements touchés par au moins un territoire d'industrie de la phase."
    ),
}


def counts_definition(mode: str) -> str:
    """The definition of ``territory_counts(..., mode=mode)``'s ``nombre``."""
    return DEFINITIONS[f"territoires_{mode}"]
