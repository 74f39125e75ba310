"""THE table of the plan spreadsheet: one entry per column (header, record field, cell type, validators).

The XLSX template, its « Listes » and « Lisez-moi » sheets, the XLSX and CSV exports and the import all
read this table, so a column is added, renamed or validated in one place. An action becomes a *record*
(plans/services/records.py): a dict keyed by the ``field`` names below, with ``fundings`` and
``indicators`` as tuples of dicts keyed by their group's fields.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from plans import models, validation
from plans.spreadsheet import cells

SHEET_ACTIONS = "Actions"
SHEET_LISTS = "Listes"
SHEET_README = "Lisez-moi"

# Group counts of the empty template; exports widen them when an action has more.
TEMPLATE_FUNDING_GROUPS = 5
TEMPLATE_INDICATOR_GROUPS = 3


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    cell: cells.CellType
    required: bool = False
    validators: tuple[Callable[[Any], None], ...] = ()
    help: str = ""
    width: int = 18
    computed: bool = False  # written by exports for readers, ignored by imports
    default: Any = None  # value of a blank cell when not the cell type's blank

    def parse(self, raw: Any) -> Any:
        """Cell → value; raises cells.CellError."""
        if cells.is_blank(raw):
            if self.required:
                raise cells.CellError(
                    "valeur obligatoire manquante", self.cell.expected or "une valeur"
                )
            return self.default if self.default is not None else self.cell.blank()
        value = self.cell.parse(raw)
        for validator in self.validators:
            try:
                validator(value)
            except ValidationError as error:
                raise cells.CellError(
                    " ".join(error.messages), self.help or self.cell.expected
                ) from None
        return value


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def _text(model, name, **kwargs) -> cells.Text:
    return cells.Text(max_length=_max_length(model, name), **kwargs)


A = models.Action
AMOUNT = cells.Number(decimal_places=2)

# Territory columns come first: an export may span several territories (a département, the programme).
TERRITORY_COLUMN = Column(
    "Territoire (identifiant)",
    "territory",
    cells.Text(max_length=20),
    help="Identifiant ANCT du territoire, par exemple ti-1108. Facultatif quand le fichier "
    "est importé dans un plan donné.",
    width=16,
)
TERRITORY_NAME_COLUMN = Column(
    "Territoire (nom)",
    "territory_name",
    cells.Text(),
    computed=True,
    width=30,
    help="Rappel du nom du territoire ; ignoré à l'import.",
)

ACTION_COLUMNS: list[Column] = [
    TERRITORY_COLUMN,
    TERRITORY_NAME_COLUMN,
    Column(
        "Code de l'action",
        "code",
        cells.Text(max_length=20),
        required=True,
        validators=(validation.validate_action_code,),
        width=12,
        help=f"Unique dans le plan ; sert à reconnaître l'action lors d'un nouvel import. "
        f"{validation.ACTION_CODE_EXPECTED}.",
    ),
    Column("Intitulé", "title", _text(A, "title"), required=True, width=40),
    Column(
        "Axe",
        "axis",
        cells.Choice(models.Axis),
        required=True,
        width=30,
        help="Un des quatre axes du programme (liste « Axes »).",
    ),
    Column("Sous-thème", "sub_theme", _text(A, "sub_theme"), help="Libre, facultatif."),
    Column("Description", "description", cells.Text(), width=50),
    Column("Objectifs", "objectives", cells.Text(), width=40),
    Column("Porteur", "carrier_name", _text(A, "carrier_name"), width=30),
    Column("Type de porteur", "carrier_kind", cells.Choice(models.CarrierKind)),
    Column(
        "SIRET du porteur",
        "carrier_siret",
        cells.Digits(max_length=14),
        validators=(validation.validate_siret,),
        help="14 chiffres dont une clé de contrôle (Luhn) ; facultatif.",
        width=17,
    ),
    Column("Partenaires", "partners", cells.Text(), width=30),
    Column(
        "Maturité",
        "maturity",
        cells.Choice(models.Maturity),
        default=models.Maturity.IDEE,
        help="« Idée » si vide.",
    ),
    Column(
        "Statut",
        "status",
        cells.Choice(models.ActionStatus),
        default=models.ActionStatus.A_VENIR,
        help="« À venir » si vide.",
    ),
    Column("Priorité", "priority", cells.Choice(models.Priority), width=12),
    Column("Date de début", "start_date", cells.Date(), width=13),
    Column("Date de fin", "end_date", cells.Date(), width=13),
    Column(
        "Communes concernées (codes INSEE)",
        "communes",
        cells.CodeList(),
        width=30,
        help="Communes du territoire, codes INSEE séparés par « ; ».",
    ),
    Column("Coût total (€ HT)", "total_cost", AMOUNT, width=16),
    Column("Investissement industriel annoncé (€)", "industrial_investment", AMOUNT, width=16),
    Column("Emplois créés", "jobs_created", cells.Integer(), width=10),
    Column("Emplois maintenus", "jobs_maintained", cells.Integer(), width=10),
    Column(
        "Confidentielle",
        "confidential",
        cells.Boolean(),
        width=10,
        help="« oui » : l'action n'apparaît jamais sur le site public.",
    ),
    Column("Archivée", "archived", cells.Boolean(), width=10),
    Column(
        "Notes de suivi",
        "notes",
        cells.Notes(),
        width=50,
        help="Une note par ligne, commençant par sa date : « 2025-01-15 : comité de pilotage ».",
    ),
]

F = models.Funding
FUNDING_COLUMNS: list[Column] = [
    Column("financeur", "funder", _text(F, "funder"), required=True, width=24),
    Column(
        "dispositif",
        "scheme",
        _text(F, "scheme"),
        width=30,
        help="Par exemple « Fonds vert — Territoires d'industrie en transition écologique ».",
    ),
    Column("montant (€)", "amount", AMOUNT, required=True, width=14, help="Montant sollicité."),
    Column(
        "état",
        "state",
        cells.Choice(models.FundingState),
        default=models.FundingState.SOLLICITE,
        width=12,
    ),
    Column(
        "montant accordé (€)",
        "granted_amount",
        AMOUNT,
        width=14,
        help="Vide pour un financement accordé ou versé : le montant sollicité ; vide pour un "
        "financement sollicité ou refusé. Peut dépasser le montant sollicité.",
    ),
    Column(
        "montant versé (€)",
        "paid_amount",
        AMOUNT,
        width=14,
        help="Seulement pour un financement versé (vide : le montant accordé) ; "
        "jamais plus que le montant accordé.",
    ),
    Column("sollicité le", "requested_on", cells.Date(), width=13),
    Column("décidé le", "decided_on", cells.Date(), width=13),
    Column("versé le", "paid_on", cells.Date(), width=13),
]

I = models.Indicator
INDICATOR_COLUMNS: list[Column] = [
    Column("nom", "name", _text(I, "name"), required=True, width=24),
    Column("unité", "unit", _text(I, "unit"), width=10),
    Column("cible", "target", cells.Number(decimal_places=4), width=10),
    Column("valeurs datées", "values", cells.DatedValues(), width=30),
]

COMPUTED_COLUMNS: list[Column] = [
    Column(
        "Montant accordé (calculé)",
        "amount_granted",
        AMOUNT,
        computed=True,
        width=16,
        help="Somme des montants accordés des financements accordés ou versés ; ignoré à l'import.",
    ),
    Column(
        "Montant versé (calculé)",
        "amount_paid",
        AMOUNT,
        computed=True,
        width=16,
        help="Somme des montants versés des financements versés ; ignoré à l'import.",
    ),
    Column(
        "Taux de financement (calculé)",
        "financing_rate",
        cells.Number(decimal_places=4),
        computed=True,
        width=12,
        help="Montant accordé ÷ coût total ; ignoré à l'import.",
    ),
    Column(
        "En retard (calculé)",
        "is_late",
        cells.Boolean(),
        computed=True,
        width=10,
        help="Date de fin passée et action ni réalisée ni abandonnée ; ignoré à l'import.",
    ),
]


@dataclass(frozen=True)
class GroupSpec:
    """A repeated group of columns (financements, indicators): « Financement 2 — montant (€) »."""

    record_field: str
    title: str
    columns: list[Column]

    def header(self, number: int, column: Column) -> str:
        return f"{self.title} {number} — {column.header}"


FUNDING_GROUP = GroupSpec("fundings", "Financement", FUNDING_COLUMNS)
INDICATOR_GROUP = GroupSpec("indicators", "Indicateur", INDICATOR_COLUMNS)
GROUPS = (FUNDING_GROUP, INDICATOR_GROUP)


@dataclass(frozen=True)
class PlacedColumn:
    """A column at its place in a sheet: its header and, inside a repeated group, which occurrence."""

    header: str
    column: Column
    group: GroupSpec | None = None
    number: int = 0  # 1-based occurrence within its group


@dataclass
class Layout:
    """The ordered columns of one sheet."""

    columns: list[PlacedColumn] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return [placed.header for placed in self.columns]


def layout(
    funding_groups: int = TEMPLATE_FUNDING_GROUPS,
    indicator_groups: int = TEMPLATE_INDICATOR_GROUPS,
    with_computed: bool = True,
) -> Layout:
    placed = [PlacedColumn(column.header, column) for column in ACTION_COLUMNS]
    for group, count in ((FUNDING_GROUP, funding_groups), (INDICATOR_GROUP, indicator_groups)):
        for number in range(1, count + 1):
            placed += [
                PlacedColumn(group.header(number, column), column, group, number)
                for column in group.columns
            ]
    if with_computed:
        placed += [PlacedColumn(column.header, column) for column in COMPUTED_COLUMNS]
    return Layout(placed)


def known_headers() -> dict[str, Column]:
    """Headers that an import recognises outside repeated groups (by normalised text)."""
    from geo.text import normalize_search

    return {normalize_search(c.header): c for c in ACTION_COLUMNS + COMPUTED_COLUMNS}
