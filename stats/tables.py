"""The dashboards' tables and charts, built from stats/services' figures: each ``Table`` is shown as a
DSFR Chart web component (when it has a chart), as an HTML table beside it, and as a CSV download of
exactly the same rows (``?format=csv&graphique=<name>``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal

from stats.definitions import DEFINITIONS
from stats.services.late import KINDS as LATE_KINDS
from stats.services.territories import LINEAGE_STATUSES


@dataclass
class Table:
    name: str  # the ``graphique`` parameter of its CSV download, and the HTML id
    title: str
    headers: list[str]
    rows: list[list]
    definition: str
    chart: dict | None = None  # {"tag": "bar-chart", "attrs": {...}}
    numeric_from: int = 1  # first column holding numbers (right-aligned)
    sort_keys: list[str] = field(default_factory=list)  # server-side sort (comparison tables)
    links: list[str] | None = None  # one URL per row for the first cell

    @property
    def chart_attrs(self) -> list[tuple[str, str]]:
        return list(self.chart["attrs"].items()) if self.chart else []

    def sorted_by(self, key: str) -> tuple[str, bool]:
        """Sort the rows by ``key`` (a sort key, "-key" descending); returns (key, descending) applied."""
        descending = key.startswith("-")
        key = key.lstrip("-")
        if key not in self.sort_keys:
            return "", False
        index = self.sort_keys.index(key)
        order = sorted(
            range(len(self.rows)),
            key=lambda i: _sort_value(self.rows[i][index]),
            reverse=descending,
        )
        self.rows = [self.rows[i] for i in order]
        if self.links:
            self.links = [self.links[i] for i in order]
        return key, descending

    def cells(self) -> list[list[tuple]]:
        """(value, link) per cell, for the template."""
        return [
            [(value, self.links[i] if self.links and j == 0 else "") for j, value in enumerate(row)]
            for i, row in enumerate(self.rows)
        ]


def _sort_value(value):
    if value is None:
        return (0, 0)
    if isinstance(value, int | float | Decimal):
        return (1, value)
    return (2, str(value).casefold())


def _chart(tag: str, labels: list[str], series: list[list], names: list[str], **extra) -> dict:
    attrs = {
        "x": json.dumps([labels], ensure_ascii=False),
        "y": json.dumps([[float(v) if isinstance(v, Decimal) else v for v in s] for s in series]),
        "name": json.dumps(names, ensure_ascii=False),
        **extra,
    }
    return {"tag": tag, "attrs": attrs}


def coverage_table(figures: dict) -> Table:
    coverage = figures["couverture"]
    return Table(
        "couverture",
        "Territoires, communes et population",
        ["Chiffre", "Valeur"],
        [
            ["Territoires (périmètre principal)", coverage["territoires"]],
            ["Territoires qui touchent le périmètre", coverage["territoires_touching"]],
            ["Communes couvertes", coverage["communes"]],
            ["Population couverte", coverage["population"]],
        ],
        " ".join(
            DEFINITIONS[name]
            for name in ("territoires_principal", "territoires_touching", "communes_perimetre")
        ),
    )


def lineage_table(figures: dict) -> Table:
    lineage = figures["filiation"]
    rows = [[label, lineage[code]] for code, label in LINEAGE_STATUSES]
    if lineage["non_reconduits"] is not None:
        rows.append(["Non reconduits (phase précédente)", lineage["non_reconduits"]])
    labels = [row[0] for row in rows[: len(LINEAGE_STATUSES)]]
    return Table(
        "filiation",
        "Filiation avec la phase précédente",
        ["Statut", "Territoires"],
        rows,
        DEFINITIONS["filiation"],
        chart=_chart(
            "bar-chart",
            labels,
            [[lineage[code] for code, _ in LINEAGE_STATUSES]],
            ["Territoires"],
            **{"selected-palette": "categorical"},
        ),
    )


def axis_status_table(figures: dict) -> Table:
    actions = figures["actions"]
    statuses = actions["statuts"]
    rows = [
        [row["libelle"], *(row["statuts"][code] for code, _ in statuses), row["total"]]
        for row in actions["par_axe_statut"]
    ]
    rows.append(
        [
            "Total",
            *(sum(r["statuts"][code] for r in actions["par_axe_statut"]) for code, _ in statuses),
            actions["total"],
        ]
    )
    return Table(
        "actions-axe-statut",
        "Actions par axe et par statut",
        ["Axe", *(label for _, label in statuses), "Total"],
        rows,
        f"{DEFINITIONS['actions_axe_statut']} {DEFINITIONS['actions']}",
        chart=_chart(
            "bar-chart",
            [row["libelle"] for row in actions["par_axe_statut"]],
            [[row["statuts"][code] for row in actions["par_axe_statut"]] for code, _ in statuses],
            [label for _, label in statuses],
            stacked="true",
            horizontal="true",
            **{"selected-palette": "categorical"},
        ),
    )


def maturity_table(figures: dict) -> Table:
    rows = [[row["libelle"], row["nombre"]] for row in figures["actions"]["par_maturite"]]
    return Table(
        "actions-maturite",
        "Actions par maturité",
        ["Maturité", "Actions"],
        rows,
        DEFINITIONS["actions_maturite"],
        chart=_chart(
            "bar-chart",
            [row[0] for row in rows],
            [[row[1] for row in rows]],
            ["Actions"],
            **{"selected-palette": "categorical"},
        ),
    )


MONEY_HEADERS = ["Sollicité (€)", "Accordé (€)", "Versé (€)"]


def _amounts(row: dict) -> list[Decimal]:
    return [row["sollicite"], row["accorde"], row["verse"]]


def funders_table(figures: dict) -> Table:
    money = figures["financements"]
    rows = [[row["financeur"], *_amounts(row)] for row in money["financeurs"]]
    rows.append(["Total", *_amounts(money["total"])])
    return Table(
        "financeurs",
        "Financements par financeur : sollicité, accordé, versé",
        ["Financeur", *MONEY_HEADERS],
        rows,
        " ".join(DEFINITIONS[name] for name in ("sollicite", "accorde", "verse")),
        chart=_chart(
            "bar-chart",
            [row["financeur"] for row in money["financeurs"]],
            [[_amounts(row)[i] for row in money["financeurs"]] for i in range(3)],
            ["Sollicité", "Accordé", "Versé"],
            **{"unit-tooltip": "€", "selected-palette": "categorical"},
        ),
    )


def schemes_table(figures: dict) -> Table:
    money = figures["financements"]
    return Table(
        "dispositifs",
        "Financements par financeur et dispositif",
        ["Financeur", "Dispositif", *MONEY_HEADERS],
        [[row["financeur"], row["dispositif"], *_amounts(row)] for row in money["lignes"]],
        " ".join(DEFINITIONS[name] for name in ("sollicite", "accorde", "verse")),
        numeric_from=2,
    )


def requests_table(figures: dict) -> Table:
    requests = figures["demandes"]
    states = requests["etats"]
    rows = [
        [
            row["operateur"],
            *(row["etats"][code] for code, _ in states),
            row["total"],
            row["taux_refus"],
            row["delai_median_jours"],
        ]
        for row in requests["operateurs"]
    ]
    rows.append(
        [
            "Total",
            *(requests["par_etat"][code] for code, _ in states),
            requests["total"],
            requests["taux_refus"],
            requests["delai_median_jours"],
        ]
    )
    return Table(
        "demandes-services",
        "Demandes de services par opérateur et par état",
        [
            "Opérateur",
            *(label for _, label in states),
            "Total",
            "Taux de refus (%)",
            "Délai médian de décision (jours)",
        ],
        rows,
        DEFINITIONS["demandes_services"],
        chart=_chart(
            "bar-chart",
            [row["operateur"] for row in requests["operateurs"]],
            [[row["etats"][code] for row in requests["operateurs"]] for code, _ in states],
            [label for _, label in states],
            stacked="true",
            **{"selected-palette": "categorical"},
        )
        if requests["operateurs"]
        else None,
    )


def contacts_table(figures: dict) -> Table:
    contacts = figures["contacts"]
    return Table(
        "contacts",
        "Demandes de contact et délais de réponse (12 derniers mois)",
        ["Chiffre", "Valeur"],
        [
            ["Demandes reçues", contacts["recues"]],
            ["Demandes comptées (répondues ou en attente au-delà du délai)", contacts["comptees"]],
            [
                f"Répondues en {contacts['objectif_jours']} jours ouvrés au plus",
                contacts["dans_le_delai"],
            ],
            ["Part dans le délai (%)", contacts["part_dans_le_delai"]],
            ["Délai médian de première réponse (jours ouvrés)", contacts["delai_median_jours"]],
        ],
        DEFINITIONS["contacts"],
    )


def late_table(figures: dict) -> Table | None:
    late = figures["retards"]
    if late is None:
        return None
    rows = [[label, late["par_type"][code]] for code, label in LATE_KINDS.items()]
    rows.append(["Total", late["nombre"]])
    return Table(
        "retards",
        f"Territoires en retard (plan ni déposé ni modifié depuis {late['mois']} mois)",
        ["Situation", "Territoires"],
        rows,
        DEFINITIONS["retards"],
    )


def dashboard_tables(figures: dict) -> list[Table]:
    tables = [
        coverage_table(figures),
        lineage_table(figures),
        axis_status_table(figures),
        maturity_table(figures),
        funders_table(figures),
        schemes_table(figures),
        requests_table(figures),
        contacts_table(figures),
        late_table(figures),
    ]
    return [table for table in tables if table is not None]


AREA_COLUMNS = [
    ("nom", "Nom"),
    ("code", "Code"),
    ("territoires", "Territoires (principal)"),
    ("territoires_touching", "Territoires (touchant)"),
    ("communes", "Communes couvertes"),
    ("population", "Population couverte"),
    *LINEAGE_STATUSES,
    ("actions", "Actions"),
    ("sollicite", "Sollicité (€)"),
    ("accorde", "Accordé (€)"),
    ("verse", "Versé (€)"),
]


def area_table(rows: list[dict], by: str, links: list[str]) -> Table:
    name = "comparaison-regions" if by == "region" else "comparaison-departements"
    title = "Comparaison des régions" if by == "region" else "Comparaison des départements"
    return Table(
        name,
        title,
        [label for _, label in AREA_COLUMNS],
        [[row[key] for key, _ in AREA_COLUMNS] for row in rows],
        " ".join(
            DEFINITIONS[n]
            for n in ("territoires_principal", "territoires_touching", "actions", "accorde")
        ),
        numeric_from=2,
        sort_keys=[key for key, _ in AREA_COLUMNS],
        links=links,
    )


PHASE_COLUMNS = [
    ("libelle", "Phase"),
    ("territoires", "Territoires (principal)"),
    ("territoires_touching", "Territoires (touchant)"),
    ("communes", "Communes couvertes"),
    ("population", "Population couverte"),
    *LINEAGE_STATUSES,
    ("non_reconduits", "Non reconduits"),
    ("actions", "Actions"),
    ("sollicite", "Sollicité (€)"),
    ("accorde", "Accordé (€)"),
    ("verse", "Versé (€)"),
]


def phases_table(rows: list[dict]) -> Table:
    return Table(
        "comparaison-phases",
        "Comparaison des phases",
        [label for _, label in PHASE_COLUMNS],
        [[row[key] for key, _ in PHASE_COLUMNS] for row in rows],
        DEFINITIONS["filiation"],
    )
