"""The form of « Mon espace » › Jetons d'API (the checks are in accounts/services/tokens.py)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from dsfr.forms import DsfrBaseForm

from accounts.services.tokens import NAME_MAX_LENGTH


class TokenCreateForm(DsfrBaseForm):
    name = forms.CharField(
        label="Nom du jeton",
        max_length=NAME_MAX_LENGTH,
        help_text="Ce qui l'utilise, pour le reconnaître : « script de mise à jour du plan »…",
    )
    days = forms.IntegerField(label="Durée de validité (jours)", min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        maximum = settings.API_TOKEN_MAX_DAYS
        self.fields["days"].max_value = maximum
        self.fields["days"].validators.append(forms.IntegerField(max_value=maximum).validators[-1])
        self.fields["days"].widget.attrs["max"] = maximum
        self.fields["days"].initial = settings.API_TOKEN_DEFAULT_DAYS
        self.fields[
            "days"
        ].help_text = f"Au plus {maximum} jours ; le jeton cesse ensuite de marcher."
