"""The data dictionary of the open data page: every column of every file, explained in French.

A test compares each table's columns, in order, with the header of the file actually built.
"""

from __future__ import annotations

from plans.models import ActionStatus, Axis, CarrierKind, Maturity


def _codes(choices) -> str:
    return ", ".join(f"{value} ({label})" for value, label in choices)


STATUTS = "nouveau, reconduit, etendu, reduit ou recompose (vide en première phase)"

TERRITORY_COLUMNS = {
    "phase": "Phase du programme (2019-2022, 2023-2027).",
    "id": "Identifiant du territoire, ti-RRNN (RR : code de la région). Numéroté à part dans "
    "chaque phase : la clé d'un territoire est (phase, id).",
    "nom": "Nom du territoire d'industrie.",
    "statut": f"Par rapport à la phase précédente : {STATUTS}.",
    "statut_libelle": "Le statut en toutes lettres.",
    "region_principale": "Code INSEE de la région qui porte la plus grande part de sa population.",
    "region_principale_nom": "Nom de cette région.",
    "departement_principal": "Code du département qui porte la plus grande part de sa population.",
    "departement_principal_nom": "Nom de ce département.",
    "regions": "Codes des régions que le territoire touche, séparés par des virgules.",
    "regions_noms": "Noms de ces régions.",
    "departements": "Codes des départements que le territoire touche, séparés par des virgules.",
    "departements_noms": "Noms de ces départements.",
    "population": "Population municipale de ses communes (recensement du COG en vigueur).",
    "nombre_communes": "Nombre de ses communes (COG en vigueur).",
    "longitude": "Longitude d'un point situé dans le territoire (degrés WGS 84).",
    "latitude": "Latitude de ce point.",
    "url": "Page publique du territoire.",
}

GEOJSON_PROPERTIES = {
    "id": TERRITORY_COLUMNS["id"],
    "nom": TERRITORY_COLUMNS["nom"],
    "phase": TERRITORY_COLUMNS["phase"],
    "statut": TERRITORY_COLUMNS["statut"],
    "statut_libelle": TERRITORY_COLUMNS["statut_libelle"],
    "region": "Code de la région principale.",
    "departement": "Code du département principal.",
    "regions": "Codes des régions touchées (liste).",
    "departements": "Codes des départements touchés (liste).",
    "population": TERRITORY_COLUMNS["population"],
    "communes": TERRITORY_COLUMNS["nombre_communes"],
    "point": "Un point dans le territoire, [longitude, latitude].",
    "url": "Adresse de la page publique du territoire, relative au site.",
}

COMMUNES = {
    "insee_com": "Code INSEE de la commune, dans le millésime du COG de la source ANCT.",
    "lib_com": "Nom de la commune dans ce millésime.",
    "id_ti": "Identifiant du territoire d'industrie.",
    "lib_ti": "Nom du territoire d'industrie.",
}

GROUPEMENTS = {
    "id_ti": "Identifiant du territoire d'industrie.",
    "lib_ti": "Nom du territoire d'industrie.",
    "siren_groupement": "SIREN du membre : un EPCI, un EPT (Grand Paris) ou une commune.",
    "lib_groupement": "Nom du membre tel que l'ANCT le liste.",
    "nature_juridique": "CC (communauté de communes), CA (d'agglomération), CU (urbaine), METRO "
    "(métropole), MET69 (métropole de Lyon), EPT (établissement public territorial) ou COM "
    "(commune membre à titre individuel).",
}

LINEAGE = {
    "phase_precedente": "Phase du prédécesseur (vide pour un territoire nouveau).",
    "id_ti_precedent": "Identifiant du prédécesseur.",
    "lib_ti_precedent": "Nom du prédécesseur.",
    "devenir": "Ce que le prédécesseur devient : reconduit, etendu, reduit, recompose ou "
    "non-reconduit.",
    "phase": "Phase du successeur (vide pour un territoire non reconduit).",
    "id_ti": "Identifiant du successeur.",
    "lib_ti": "Nom du successeur.",
    "statut": f"Statut du successeur : {STATUTS}.",
    "communes_en_commun": "Nombre de communes communes aux deux territoires.",
    "part_communes": "Part des communes du successeur qui étaient dans le prédécesseur (0 à 1).",
    "part_communes_precedent": "Part des communes du prédécesseur qui sont dans le successeur.",
}

ACTIONS = {
    "phase": "Phase du territoire.",
    "id_ti": "Identifiant du territoire.",
    "lib_ti": "Nom du territoire.",
    "publie_le": "Date de la validation dont l'action est tirée (ISO 8601).",
    "code": "Code de l'action dans son plan.",
    "titre": "Intitulé de l'action.",
    "description": "Description de l'action.",
    "axe": "Axe : " + _codes(Axis.choices) + ".",
    "axe_libelle": "L'axe en toutes lettres.",
    "sous_theme": "Sous-thème choisi par l'équipe du territoire.",
    "statut": "Avancement : " + _codes(ActionStatus.choices) + ".",
    "statut_libelle": "Le statut en toutes lettres.",
    "maturite": "Maturité du projet : " + _codes(Maturity.choices) + ".",
    "maturite_libelle": "La maturité en toutes lettres.",
    "porteur_type": "Type de porteur : " + _codes(CarrierKind.choices) + ".",
    "porteur": "Nom du porteur public ; vide pour un porteur privé (jamais publié).",
    "cout_total": "Coût total en euros (nombre décimal, point comme séparateur).",
    "date_fin": "Date de fin prévue (AAAA-MM-JJ).",
    "communes": "Communes concernées, séparées par des virgules.",
    "financements": "Financements, séparés par « | » : financeur ; dispositif ; montant "
    "sollicité en euros ; état.",
}

TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "territoires": ("Territoires (CSV et XLSX)", TERRITORY_COLUMNS),
    "territoires-geojson": (
        "Territoires (GeoJSON) : propriétés de chaque contour",
        GEOJSON_PROPERTIES,
    ),
    "communes": ("Communes des territoires (format data.gouv.fr)", COMMUNES),
    "groupements": ("Groupements membres (format data.gouv.fr)", GROUPEMENTS),
    "filiation": ("Filiation entre phases", LINEAGE),
    "actions": ("Actions publiques (CSV et XLSX)", ACTIONS),
}
