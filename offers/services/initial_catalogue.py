"""The initial catalogue: the operators and the services of the programme's public pages (issue 11).

Every entry says only what its sources say (``source`` is the page it was written from; ``link`` where
one applies or asks); a figure that no source gives stays empty. ``load()`` is idempotent: keyed by slug,
a second run changes nothing, and it says what it created or updated. Entries go through the catalogue's
own writes (offers/services/catalogue.py), as an imported spreadsheet would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction

from offers.models import Operator, OperatorKind, Service
from offers.services.catalogue import save_record
from offers.spreadsheet.records import catalogue_queryset, differences, service_record

OPERATORS = [
    {
        "slug": "anct",
        "name": "Agence nationale de la cohésion des territoires",
        "acronym": "ANCT",
        "kind": OperatorKind.AGENCE_ETAT,
        "website": "https://anct.gouv.fr",
    },
    {
        "slug": "banque-des-territoires",
        "name": "Banque des Territoires",
        "acronym": "",
        "kind": OperatorKind.BANQUE_PUBLIQUE,
        "website": "https://www.banquedesterritoires.fr",
    },
    {
        "slug": "bpifrance",
        "name": "Bpifrance",
        "acronym": "",
        "kind": OperatorKind.BANQUE_PUBLIQUE,
        "website": "https://www.bpifrance.fr",
    },
    {
        "slug": "ademe",
        "name": "Agence de la transition écologique",
        "acronym": "ADEME",
        "kind": OperatorKind.AGENCE_ETAT,
        "website": "https://www.ademe.fr",
    },
    {
        "slug": "cerema",
        "name": "Centre d'études et d'expertise sur les risques, l'environnement, la mobilité et "
        "l'aménagement",
        "acronym": "Cerema",
        "kind": OperatorKind.OPERATEUR,
        "website": "https://www.cerema.fr",
    },
]

FONDS_VERT_SOURCES = [
    "https://www.demarches-simplifiees.fr/commencer/fonds-vert-3-territoires-industrie",
    "https://mission-transition-ecologique.beta.gouv.fr/aides-entreprise/fond-vert-territoires-d-industrie",
    "https://portail.documentation.developpement-durable.gouv.fr/pub/"
    "MPDOUV00263831-fonds-vert-fonds-acceleration-transition-ecologiqu.html",
]
BDT_SOURCES = [
    "https://www.banquedesterritoires.fr/territoires-dindustrie/dispositif-de-reindustrialisation",
    "https://www.banquedesterritoires.fr/programme-territoires-dindustrie-renforcer-et-valoriser-le-"
    "dynamisme-industriel",
]


@dataclass(frozen=True)
class Entry:
    """One service of the initial catalogue. ``source`` is stored on the service; ``other_sources`` are
    the further pages the entry was checked against, named in its description."""

    slug: str
    title: str
    operator: str
    axes: tuple[str, ...]
    kind: str
    description: str
    applicants: tuple[str, ...]
    source: str
    other_sources: tuple[str, ...] = ()
    link: str = ""
    phase: str = ""
    envelope: Decimal | None = None
    amount_or_rate: str = ""
    opens_on: date | None = None
    closes_on: date | None = None
    scope: str = "national"
    codes: tuple[str, ...] = field(default_factory=tuple)

    def record(self) -> dict:
        description = self.description
        if self.other_sources:
            description += "\n\nAutres sources : " + " ; ".join(self.other_sources)
        return {
            "slug": self.slug,
            "title": self.title,
            "operator": self.operator,
            "axes": self.axes,
            "kind": self.kind,
            "description": description,
            "applicants": self.applicants,
            "scope": self.scope,
            "codes": self.codes,
            "phase": self.phase,
            "opens_on": self.opens_on,
            "closes_on": self.closes_on,
            "envelope": self.envelope,
            "amount_or_rate": self.amount_or_rate,
            "link": self.link,
            "source": self.source,
            "status": "ouvert",
        }


ENTRIES = [
    Entry(
        slug="fonds-vert-territoires-industrie",
        title="Fonds vert — Territoires d'industrie en transition écologique",
        operator="ademe",
        axes=("transition-ecologique", "competences"),
        kind="subvention",
        description=(
            "Mesure de l'axe 3 du Fonds d'accélération de la transition écologique dans les territoires "
            "(fonds vert), dotée de 100 millions d'euros (édition 2024). Volet 1, à titre principal : "
            "projets d'investissements industriels structurants et ambitieux sur le plan "
            "environnemental, qui contribuent à l'émergence, au renforcement ou à la réindustrialisation "
            "de chaînes de valeur clés pour la transition écologique. Volet 2, à titre auxiliaire : "
            "investissements contribuant au développement des compétences (école de production, centre "
            "de formation, plateau technique...). Porteurs : à titre principal les entreprises privées, "
            "avec l'accord de la gouvernance du Territoire d'industrie ; à titre secondaire des "
            "groupements d'employeurs, organismes de formation et collectivités. France métropolitaine "
            "et départements et régions d'outre-mer. Demande instruite par l'ADEME, en 3 mois en "
            "moyenne ; l'investissement ne doit pas avoir été réalisé au dépôt."
        ),
        applicants=("entreprise", "collectivite"),
        source=FONDS_VERT_SOURCES[0],
        other_sources=tuple(FONDS_VERT_SOURCES[1:]),
        link=FONDS_VERT_SOURCES[0],
        phase="2023-2027",
        envelope=Decimal("100000000"),
    ),
    Entry(
        slug="cofinancement-chef-de-projet",
        title="Cofinancement par l'État d'un chef de projet Territoires d'industrie",
        operator="anct",
        axes=(),
        kind="financement",
        description=(
            "Les territoires lauréats de la phase 2023-2027 bénéficient d'un cofinancement de l'État "
            "pour un chargé de projet dédié au programme (candidatures ouvertes le 27 juin 2023)."
        ),
        applicants=("territoire",),
        source="https://www.lagazettedescommunes.com/877579/les-prochains-territoires-dindustrie-"
        "tournes-vers-le-zan-et-le-developpement-des-competences/",
        phase="2023-2027",
    ),
    Entry(
        slug="france-foncier-plus",
        title="France Foncier+, portail national du foncier économique",
        operator="banque-des-territoires",
        axes=("foncier",),
        kind="donnees-outil",
        description=(
            "Portail lancé le 17 avril 2024 par le Cerema et la Banque des Territoires à la demande des "
            "ministères de la Transition écologique et de l'Industrie : il recense et qualifie le "
            "foncier économique disponible sur l'ensemble du territoire, pour mettre en relation les "
            "entreprises, à commencer par les industriels, en quête d'implantation et les territoires "
            "qui proposent du foncier, et outiller les collectivités dans la gestion et la valorisation "
            "de leur foncier économique. Copiloté avec le Cerema."
        ),
        applicants=("entreprise", "collectivite"),
        source="https://www.weka.fr/actualite/developpement-territorial/article/creation-d-un-"
        "portail-national-du-foncier-economique-179340/",
        opens_on=date(2024, 4, 17),
    ),
    Entry(
        slug="banque-des-territoires-ingenierie",
        title="Banque des Territoires — études d'ingénierie pour les Territoires d'industrie",
        operator="banque-des-territoires",
        axes=(),
        kind="ingenierie",
        description=(
            "Études à différents stades de maturité du projet : études stratégiques ou thématiques en "
            "amont, études de planification et de préfiguration, études pré-opérationnelles pour le "
            "montage juridique et financier."
        ),
        applicants=("territoire", "collectivite"),
        source=BDT_SOURCES[1],
        other_sources=(BDT_SOURCES[0],),
    ),
    Entry(
        slug="banque-des-territoires-prets",
        title="Banque des Territoires — prêts de moyen et long terme",
        operator="banque-des-territoires",
        axes=(),
        kind="pret",
        description=(
            "Offre de prêts de moyen et long terme, jusqu'à 40 ans, pour les projets des Territoires "
            "d'industrie."
        ),
        applicants=("territoire", "collectivite"),
        source=BDT_SOURCES[1],
        other_sources=(BDT_SOURCES[0],),
        amount_or_rate="Durée jusqu'à 40 ans",
    ),
    Entry(
        slug="bpifrance-entreprises-industrielles",
        title="Bpifrance — soutien aux entreprises industrielles des Territoires d'industrie",
        operator="bpifrance",
        axes=(),
        kind="accompagnement",
        description=(
            "Bpifrance accompagne et finance les entreprises industrielles des Territoires d'industrie, "
            "en synergie avec la Banque des Territoires au sein du groupe Caisse des Dépôts : Bpifrance "
            "auprès des entreprises, la Banque des Territoires pour le développement local "
            "(aménagement, foncier, immobilier, infrastructures)."
        ),
        applicants=("entreprise",),
        source="https://banquedesterritoires.fr/blog-des-territoires/la-banque-des-territoires-et-"
        "bpifrance-un-pas-de-deux-pour-la",
    ),
]


@dataclass
class LoadReport:
    operators_created: list[str] = field(default_factory=list)
    operators_updated: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        from core.french import quantity

        def names(items):
            return f" ({', '.join(items)})" if items else ""

        return [
            "Opérateurs : "
            + quantity(len(self.operators_created), "créé", "créés")
            + names(self.operators_created)
            + ", "
            + quantity(len(self.operators_updated), "mis à jour", "mis à jour")
            + names(self.operators_updated)
            + ".",
            "Services : "
            + quantity(len(self.created), "créé", "créés")
            + names(self.created)
            + ", "
            + quantity(len(self.updated), "mis à jour", "mis à jour")
            + names(self.updated)
            + ", "
            + quantity(len(self.unchanged), "inchangé", "inchangés")
            + ".",
        ]


REASON = "Catalogue initial (territoires load-offers)"


@transaction.atomic
def load() -> LoadReport:
    report = LoadReport()
    for data in OPERATORS:
        operator = Operator.objects.filter(slug=data["slug"]).first()
        if operator is None:
            Operator.objects.create(**data)
            report.operators_created.append(data["slug"])
        elif any(getattr(operator, key) != value for key, value in data.items()):
            for key, value in data.items():
                setattr(operator, key, value)
            operator._change_reason = REASON
            operator.save()
            report.operators_updated.append(data["slug"])
    existing = {
        s.slug: s
        for s in catalogue_queryset(Service.objects.filter(slug__in=[e.slug for e in ENTRIES]))
    }
    for entry in ENTRIES:
        record = entry.record()
        service = existing.get(entry.slug)
        if service is None:
            save_record(record, reason=REASON)
            report.created.append(entry.slug)
        elif differences(record, service_record(service)):
            save_record(record, service, reason=REASON)
            report.updated.append(entry.slug)
        else:
            report.unchanged.append(entry.slug)
    return report
