"""Forms of the team screens (contacts/views_directory.py)."""

from __future__ import annotations

from django import forms
from dsfr.forms import DsfrBaseForm

from contacts.models import Level, Team, TeamMember
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


class TeamForm(forms.ModelForm, DsfrBaseForm):
    """A team and what it covers; the choices are limited to the person's scope (``scope``)."""

    class Meta:
        model = Team
        fields = ["level", "territory", "departement", "region", "name", "organisation"]

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

    def clean(self):
        data = super().clean()
        level = data.get("level")
        wanted = {
            Level.TERRITOIRE: "territory",
            Level.DEPARTEMENT: "departement",
            Level.REGION: "region",
        }.get(level)
        for name in ("territory", "departement", "region"):
            if name == wanted:
                if not data.get(name):
                    self.add_error(name, "Choisissez ce que couvre l'équipe à ce niveau.")
            else:
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

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        others = self.team.members.filter(email__iexact=email)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError("Cette adresse est déjà celle d'un membre de l'équipe.")
        return email
