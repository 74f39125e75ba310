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
    # --- Dashboards (stats/services/: coverage, lineage, actions, money, requests, contacts, late) ---
    "communes_perimetre": (
        "Nombre de communes du périmètre (situées dans la région ou le département, ou membres du "
        "territoire) comprises dans au moins un territoire d'industrie de la phase, chacune comptée "
        "une fois ; la population est celle de ces communes."
    ),
    "filiation": (
        "Statut de chaque territoire de la phase par rapport à la phase précédente, d'après les "
        "communes partagées : nouveau (aucune commune en commun), reconduit (un seul prédécesseur, "
        "mêmes communes), étendu (un prédécesseur dont toutes les communes sont reprises, plus "
        "d'autres), réduit (toutes ses communes viennent d'un prédécesseur qui en avait plus), "
        "recomposé (plusieurs prédécesseurs ou recouvrement partiel). Non reconduits : territoires "
        "de la phase précédente dont aucune commune n'est reprise."
    ),
    "actions": (
        "Nombre de fiches action des plans d'actions validés, telles que publiées lors de la "
        "dernière validation de chaque plan : ni les actions confidentielles, ni les actions "
        "archivées, ni les modifications postérieures à la validation. Une personne habilitée à "
        "lire le plan d'un territoire voit aussi, dans les totaux, ses actions confidentielles non "
        "archivées. Une région ou un département compte les territoires dont il est le périmètre "
        "principal."
    ),
    "actions_axe_statut": (
        "Actions comptées (voir « actions ») réparties par axe du plan et par statut d'avancement "
        "(à venir, en cours, réalisé, en pause, bloqué, abandonné)."
    ),
    "actions_maturite": (
        "Actions comptées (voir « actions ») réparties par maturité du projet : idée, à l'étude, "
        "prêt à démarrer, en cours, réalisé."
    ),
    "sollicite": (
        "Montant sollicité : somme des montants demandés de tous les financements des actions "
        "comptées, quel que soit leur état (y compris refusés). Les résumés par axe des plans "
        "d'action (page du territoire, page du plan) montrent, eux, le sollicité hors refus : ce qui "
        "reste en jeu pour le territoire."
    ),
    "accorde": (
        "Montant accordé : somme des montants accordés des financements à l'état « Accordé » ou "
        "« Versé » (un financement versé a d'abord été accordé)."
    ),
    "verse": "Montant versé : somme des montants versés des financements à l'état « Versé ».",
    "demandes_services": (
        "Demandes de services adressées par les territoires du périmètre aux opérateurs de l'offre "
        "de services, par opérateur et par état (envoyée, en cours d'examen, acceptée, refusée, "
        "close), comptées par le registre des opérateurs. Taux de refus : demandes refusées parmi "
        "les demandes décidées. Délai médian : jours entre la demande et la décision. Une demande "
        "liée à une action confidentielle n'est comptée que pour les personnes habilitées."
    ),
    "contacts": (
        "Demandes « Contactez-nous » reçues sur les 12 derniers mois pour une commune du "
        "périmètre. Part dans le délai : demandes ayant reçu une première réponse en 5 jours "
        "ouvrés au plus, parmi celles qui ont reçu une réponse ou attendent depuis plus de 5 jours "
        "ouvrés. Délai médian : jours ouvrés jusqu'à la première réponse (jours fériés exclus)."
    ),
    "retards": (
        "Territoires d'une phase en cours dont le plan d'actions n'a été ni déposé ni modifié (le "
        "plan ou l'une de ses actions) depuis le nombre de mois réglé (6 par défaut) ; sans plan, "
        "depuis le début de la phase. Le nombre est public ; la liste des territoires n'est "
        "montrée qu'aux personnes qui peuvent lire leur plan."
    ),
}


def counts_definition(mode: str) -> str:
    """The definition of ``territory_counts(..., mode=mode)``'s ``nombre``."""
    return DEFINITIONS[f"territoires_{mode}"]
