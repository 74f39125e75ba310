"""Reference geography: régions, départements, intercommunalités and communes (current COG)."""

from django.db import models

from geo.text import place_in, place_of


class PlaceNameMixin:
    """The French prepositions before a région's or département's name, from its ``type_liaison``."""

    @property
    def name_in(self) -> str:
        """« en Seine-et-Marne », « dans le Nord », « à La Réunion » (geo/text.py)."""
        return place_in(self.name, self.type_liaison)

    @property
    def name_of(self) -> str:
        """« de Seine-et-Marne », « du Nord », « de La Réunion » (geo/text.py)."""
        return place_of(self.name, self.type_liaison)


class Region(PlaceNameMixin, models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)
    geometry = models.JSONField("contour (GeoJSON)", null=True, blank=True)
    # The COG's « type de nom en clair » (typeLiaison, TNCC 0-5): which article the name takes, hence
    # the preposition before it ("dans le Nord", "en Seine-et-Marne"; geo/text.py place_in).
    type_liaison = models.PositiveSmallIntegerField(
        "type de nom en clair (COG)", null=True, blank=True
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "région"

    def __str__(self) -> str:
        return self.name


class Departement(PlaceNameMixin, models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="departements", verbose_name="région"
    )
    geometry = models.JSONField("contour (GeoJSON)", null=True, blank=True)
    # The COG's « type de nom en clair » (typeLiaison, TNCC 0-5): which article the name takes, hence
    # the preposition before it ("dans le Nord", "en Seine-et-Marne"; geo/text.py place_in).
    type_liaison = models.PositiveSmallIntegerField(
        "type de nom en clair (COG)", null=True, blank=True
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "département"

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Groupement(models.Model):
    """An EPCI à fiscalité propre (CC, CA, CU, métropole) or an EPT of the Métropole du Grand Paris."""

    class Nature(models.TextChoices):
        CC = "CC", "Communauté de communes"
        CA = "CA", "Communauté d'agglomération"
        CU = "CU", "Communauté urbaine"
        METRO = "METRO", "Métropole"
        MET69 = "MET69", "Métropole de Lyon"
        EPT = "EPT", "Établissement public territorial"

    siren = models.CharField("SIREN", max_length=9, primary_key=True)
    name = models.CharField("nom", max_length=200)
    nature = models.CharField("nature juridique", max_length=5, choices=Nature.choices)
    population = models.PositiveIntegerField("population", default=0)
    search_name = models.CharField(
        "nom de recherche", max_length=200, db_index=True, editable=False
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "intercommunalité"

    def __str__(self) -> str:
        return self.name

    @property
    def is_ept(self) -> bool:
        return self.nature == self.Nature.EPT


class Commune(models.Model):
    code = models.CharField("code INSEE", max_length=5, primary_key=True)
    name = models.CharField("nom", max_length=200)
    siren = models.CharField("SIREN", max_length=9, unique=True, null=True, blank=True)
    postcodes = models.JSONField("codes postaux", default=list)
    population = models.PositiveIntegerField("population", default=0)
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="communes", verbose_name="département"
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="communes", verbose_name="région"
    )
    epci = models.ForeignKey(
        Groupement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communes",
        verbose_name="EPCI",
    )
    ept = models.ForeignKey(
        Groupement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ept_communes",
        verbose_name="EPT",
    )
    search_name = models.CharField(
        "nom de recherche", max_length=200, db_index=True, editable=False
    )

    class Meta:
        ordering = ["name", "code"]
        verbose_name = "commune"

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
