"""Forms of the team screens (contacts/views_directory.py)."""

from __future__ import annotations

from django import forms
from dsfr.forms import DsfrBaseForm

from contacts.models import Level, Team, TeamMember
from contacts.validators import PHONE_VALIDATOR
from geo.models import Departement, Region
from territories.models import Territory


def _label(item) -> str:
    if isinstance(item, Territory):
        return f"{item.name} ({item.ti_id}, {item.phase_id})"
    return str(item)


# The lists' first line, in French (Django's « --------- » read as a glitch in the walk of 2026-12-04).
EMPTY_CHOICE = {
    "territory": "Choisissez un territoire",
    "departement": "Choisissez un département",
    "region": "Choisissez une région",
}


# What each level covers (contacts/models.py: one area for a local team, none for the national one).
AREA_OF_LEVEL = {
    Level.TERRITOIRE: "territory",
    Level.DEPARTEMENT: "departement",
    Level.REGION: "region",
}
AREA_FIELDS = ("territory", "departement", "region")
AREA_HELP = (
    "Une seule zone, celle du niveau choisi : un territoire pour une équipe de niveau « Territoire », "
    "un département pour « Département », une région pour « Région ». Aucune pour une équipe "
    "nationale, qui couvre tout le pays."
)

MISSING_AREA = {
    "territory": "Choisissez le territoire que couvre l'équipe : une équipe de niveau « Territoire » "
    "couvre un territoire.",
    "departement": "Choisissez le département que couvre l'équipe : une équipe de niveau "
    "« Département » couvre un département.",
    "region": "Choisissez la région que couvre l'équipe : une équipe de niveau « Région » couvre "
    "une région.",
}
EXTRA_AREA = {
    Level.TERRITOIRE: "Laissez ce choix vide : une équipe de niveau « Territoire » couvre un "
    "territoire seulement.",
    Level.DEPARTEMENT: "Laissez ce choix vide : une équipe de niveau « Département » couvre un "
    "département seulement.",
    Level.REGION: "Laissez ce choix vide : une équipe de niveau « Région » couvre une région "
    "seulement.",
    Level.NATIONAL: "Laissez ce choix vide : une équipe nationale couvre tout le pays.",
}


class TeamForm(forms.ModelForm, DsfrBaseForm):
    """A team and what it covers; the choices are limited to the person's scope (``scope``).

    The three area lists are drawn together under one legend (contacts/directory/includes/
    team_fields.html): each alone is not required, and django-dsfr marked each « (Optionnel) », which
    read as if a team could cover none or several (walk of 2026-12-04)."""

    area_help = AREA_HELP

    class Meta:
        model = Team
        fields = [
            "level",
            "territory",
            "departement",
            "region",
            "name",
            "organisation",
            "priority",
        ]

    def __init__(self, *args, scope: dict, **kwargs):
        super().__init__(*args, **kwargs)
        # Validation accepts any area (the view then answers 403 for one outside the person's scope,
        # through contacts.manage_team); the lists offer only the scope's, and the current value.
        offered = {
            "territory": scope["territories"]
            .defer("geometry", "geometry_simplified")
            .order_by("name", "phase_id"),
            "departement": scope["departements"].defer("geometry").order_by("code"),
            "region": scope["regions"].defer("geometry").order_by("name"),
        }
        self.fields["territory"].queryset = Territory.objects.defer(
            "geometry", "geometry_simplified"
        )
        self.fields["departement"].queryset = Departement.objects.defer("geometry")
        self.fields["region"].queryset = Region.objects.defer("geometry")
        for name, queryset in offered.items():
            current = getattr(self.instance, f"{name}_id", None)
            items = list(queryset)
            if current and current not in {item.pk for item in items}:
                items.insert(0, getattr(self.instance, name))
            self.fields[name].widget.choices = [("", EMPTY_CHOICE[name])] + [
                (item.pk, _label(item)) for item in items
            ]
        self.fields["level"].widget.choices = [
            (v, label) for v, label in Level.choices if v != Level.NATIONAL or scope["national"]
        ]
        self.fields["territory"].help_text = "Pour une équipe de niveau « Territoire »."
        self.fields["departement"].help_text = "Pour une équipe de niveau « Département »."
        self.fields["region"].help_text = "Pour une équipe de niveau « Région »."
        # Left empty: the default (teams nobody ordered keep the order by name).
        self.fields["priority"].required = False

    def clean_priority(self):
        value = self.cleaned_data.get("priority")
        return Team._meta.get_field("priority").default if value is None else value

    def area_fields(self):
        return [self[name] for name in AREA_FIELDS]

    def other_fields(self):
        """The fields after the area: name, organisation, priority."""
        return [self[name] for name in self.fields if name not in (*AREA_FIELDS, "level")]

    def clean(self):
        data = super().clean()
        level = data.get("level")
        wanted = AREA_OF_LEVEL.get(level)
        for name in AREA_FIELDS:
            if name == wanted and not data.get(name):
                self.add_error(name, MISSING_AREA[name])
            elif name != wanted and data.get(name) and level:
                self.add_error(name, EXTRA_AREA[level])
            elif name != wanted:
                data[name] = None
        # The import's key (niveau, code, phase, equipe): two teams of one area never share a name.
        same = Team.objects.filter(
            level=level,
            territory=data.get("territory"),
            departement=data.get("departement"),
            region=data.get("region"),
            name=(data.get("name") or "").strip(),
        )
        if self.instance.pk:
            same = same.exclude(pk=self.instance.pk)
        if level and same.exists():
            self.add_error("name", "Une équipe de ce nom couvre déjà ce périmètre.")
        return data


class MemberForm(forms.ModelForm, DsfrBaseForm):
    class Meta:
        model = TeamMember
        fields = ["name", "role_title", "email", "phone", "public"]

    def __init__(self, *args, team: Team, **kwargs):
        super().__init__(*args, **kwargs)
        self.team = team
        # Shown on the public pages when the member is public: a number, as the contact form asks
        # (the walk of 2026-12-04 saved « <script> » as a member's phone).
        self.fields["phone"].validators.append(PHONE_VALIDATOR)

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        others = self.team.members.filter(email__iexact=email)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError("Cette adresse est déjà celle d'un membre de l'équipe.")
        return email
