from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from dsfr.forms import DsfrBaseForm

from territories.services.tagging import Columns

EXTENSIONS = (".csv", ".xlsx")
MODES = [
    ("commune", "Code commune (code INSEE, actuel ou ancien)"),
    ("siren", "SIREN d'une commune ou d'une intercommunalité"),
    ("point", "Coordonnées (longitude et latitude en degrés WGS 84)"),
]


def _size(size: int) -> str:
    """« 200 Mo », « 12,5 Mo », « 40 ko », « 20 octets »."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".replace(".", ",").removesuffix(",0") + " Mo"
    if size >= 1024:
        return f"{size // 1024} ko"
    return f"{size} octet{'s' if size > 1 else ''}"


class TagForm(DsfrBaseForm):
    file = forms.FileField(
        label="Fichier à étiqueter",
        help_text="CSV (tout séparateur, UTF-8 ou Windows-1252) ou XLSX (première feuille), "
        "avec une ligne d'en-tête.",
    )
    phase = forms.ChoiceField(label="Phase du programme")
    mode = forms.ChoiceField(
        label="Comment chaque ligne est-elle située ?",
        choices=MODES,
        widget=forms.RadioSelect,
        initial="commune",
    )
    column = forms.CharField(
        label="Colonne du code commune ou du SIREN",
        help_text="Son nom exact dans la ligne d'en-tête, par exemple « Code INSEE ».",
        required=False,
        max_length=200,
    )
    lon_column = forms.CharField(
        label="Colonne de la longitude",
        help_text="Pour les coordonnées seulement, par exemple « longitude ».",
        required=False,
        max_length=200,
    )
    lat_column = forms.CharField(
        label="Colonne de la latitude",
        help_text="Pour les coordonnées seulement, par exemple « latitude ».",
        required=False,
        max_length=200,
    )

    def __init__(self, *args, phases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].choices = [(code, f"Phase {code}") for code in phases]
        if phases:
            self.fields["phase"].initial = phases[0]
        self.fields["file"].widget.attrs["accept"] = ",".join(EXTENSIONS)
        # Filled with a CSV's header by tagging/static/tagging/columns.js once a file is chosen.
        for name in ("column", "lon_column", "lat_column"):
            self.fields[name].widget.attrs.update(list="colonnes-du-fichier", autocomplete="off")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.TAG_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"Le fichier « {upload.name} » pèse {_size(upload.size)} : "
                f"la taille maximale est de {_size(limit)}. Découpez-le, ou utilisez la "
                "commande « territoires tag » (sans limite de taille)."
            )
        if Path(upload.name).suffix.lower() not in EXTENSIONS:
            raise forms.ValidationError(
                f"Le fichier « {upload.name} » n'est ni un CSV (.csv) ni un classeur XLSX (.xlsx)."
            )
        if upload.size == 0:
            raise forms.ValidationError(f"Le fichier « {upload.name} » est vide.")
        return upload

    def clean(self):
        data = super().clean()
        mode = data.get("mode")
        column = (data.get("column") or "").strip()
        lon, lat = (data.get("lon_column") or "").strip(), (data.get("lat_column") or "").strip()
        if mode in ("commune", "siren") and not column:
            self.add_error("column", "Indiquez la colonne du code commune ou du SIREN.")
        if mode == "point":
            if not lon:
                self.add_error("lon_column", "Indiquez la colonne de la longitude.")
            if not lat:
                self.add_error("lat_column", "Indiquez la colonne de la latitude.")
            if lon and lon == lat:
                self.add_error("lat_column", "La latitude et la longitude sont deux colonnes.")
        data["columns"] = Columns(
            commune=column if mode == "commune" else None,
            siren=column if mode == "siren" else None,
            lon=lon if mode == "point" else None,
            lat=lat if mode == "point" else None,
        )
        return data
