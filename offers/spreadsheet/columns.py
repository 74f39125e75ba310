"""THE table of the catalogue spreadsheet: one entry per column (header, record field, cell type, validators).

It reuses the plan spreadsheet's machinery (plans/spreadsheet: ``Column``, the cell types, the readers and
the CSV writer), so the catalogue is read and written like the action plans: a service becomes a *record*
(offers/spreadsheet/records.py), a dict keyed by the ``field`` names below.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.validators import URLValidator, validate_slug

from core.exports import neutralize, unneutralize
from offers import models
from plans.models import Axis
from plans.spreadsheet import cells
from plans.spreadsheet.columns import Column

SHEET_CATALOGUE = "Catalogue"
SHEET_README = "Lisez-moi"


@dataclass
class MultiChoice(cells.CellType):
    """Several values of a TextChoices list separated by « ; », each by its code or its label; kept as a
    tuple of codes in the list's order (so an unchanged cell compares equal whatever the order typed)."""

    choices: object = None

    def __post_init__(self):
        self.one = cells.Choice(self.choices)
        self.order = [code for code, _ in self.choices.choices]
        self.expected = (
            "une ou plusieurs valeurs séparées par « ; », par leur code ou leur libellé : "
            + ", ".join(f"« {code} »" for code in self.order)
        )

    def parse(self, raw):
        codes = set()
        for item in cells.raw_text(raw).split(";"):
            if not item.strip():
                continue
            try:
                codes.add(self.one.parse(item.strip()))
            except cells.CellError:
                raise cells.CellError(
                    f"valeur hors liste « {item.strip()} »", self.expected
                ) from None
        return tuple(code for code in self.order if code in codes)

    def format(self, value):
        return "; ".join(value) if value else None

    def blank(self):
        return ()


class Codes(cells.CellType):
    """Codes of the régions, départements or territories covered, separated by « ; »."""

    expected = (
        "des codes séparés par « ; » : codes INSEE de régions (11; 32) ou de départements "
        "(59; 2A), ou identifiants de territoires (ti-1108; ti-1103)"
    )

    def parse(self, raw):
        text = unneutralize(cells.raw_text(raw))
        # Corsica's départements are written 2A and 2B in the geo tables.
        codes = {c.strip().upper() if len(c.strip()) == 2 else c.strip() for c in text.split(";")}
        return tuple(sorted(code for code in codes if code))

    def format(self, value):
        return neutralize("; ".join(value)) if value else None

    def blank(self):
        return ()


_url = URLValidator(schemes=["http", "https"])
S = models.Service


def _text(name: str) -> cells.Text:
    return cells.Text(max_length=S._meta.get_field(name).max_length)


COLUMNS: list[Column] = [
    Column(
        "identifiant",
        "slug",
        _text("slug"),
        required=True,
        validators=(validate_slug,),
        width=30,
        help="Unique dans le catalogue ; sert à reconnaître le service lors d'un nouvel import. "
        "Lettres minuscules, chiffres et tirets, par exemple fonds-vert-ti.",
    ),
    Column("intitule", "title", _text("title"), required=True, width=40),
    Column(
        "operateur",
        "operator",
        cells.Text(max_length=60),
        required=True,
        width=24,
        help="Identifiant de l'opérateur, par exemple banque-des-territoires (liste « Opérateurs » de "
        "la feuille « Lisez-moi »).",
    ),
    Column(
        "axes",
        "axes",
        MultiChoice(Axis),
        width=30,
        help="Axes du programme, codes ou libellés séparés par « ; ».",
    ),
    Column("type", "kind", cells.Choice(models.ServiceKind), required=True, width=16),
    Column("description", "description", cells.Text(), width=60),
    Column(
        "demandeurs",
        "applicants",
        MultiChoice(models.Applicant),
        width=24,
        help="Demandeurs éligibles, codes ou libellés séparés par « ; ».",
    ),
    Column(
        "perimetre",
        "scope",
        cells.Choice(models.ScopeKind),
        default=models.ScopeKind.NATIONAL,
        width=14,
        help="« National » si vide.",
    ),
    Column(
        "codes",
        "codes",
        Codes(),
        width=24,
        help="Selon le périmètre : codes des régions, des départements ou identifiants des territoires "
        "(avec la colonne « phase ») séparés par « ; » ; vide pour un périmètre national.",
    ),
    Column(
        "phase",
        "phase",
        cells.Text(max_length=9),
        width=12,
        help="Code de la phase, par exemple 2023-2027 ; vide : toutes les phases.",
    ),
    Column("ouverture", "opens_on", cells.Date(), width=13),
    Column("cloture", "closes_on", cells.Date(), width=13),
    Column("enveloppe", "envelope", cells.Number(decimal_places=2), width=16),
    Column(
        "montant_ou_taux",
        "amount_or_rate",
        _text("amount_or_rate"),
        width=24,
        help="Vide quand il n'est pas public.",
    ),
    Column(
        "lien",
        "link",
        _text("link"),
        validators=(_url,),
        width=40,
        help="une adresse http ou https : la page pour candidater ou s'informer",
    ),
    Column(
        "source",
        "source",
        _text("source"),
        required=True,
        validators=(_url,),
        width=40,
        help="une adresse http ou https : la page publique dont la fiche est tirée",
    ),
    Column(
        "statut",
        "status",
        cells.Choice(models.ServiceStatus),
        default=models.ServiceStatus.OUVERT,
        width=10,
        help="« Ouvert » si vide.",
    ),
]

FIELDS = [column.field for column in COLUMNS]
REQUIRED = [column for column in COLUMNS if column.required]


@dataclass
class Layout:
    """The columns of the catalogue sheet, as plans/spreadsheet/files.write_csv expects them."""

    columns: list[Column]

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]


LAYOUT = Layout(COLUMNS)


def known_headers() -> dict[str, Column]:
    from geo.text import normalize_search

    return {normalize_search(column.header): column for column in COLUMNS}
