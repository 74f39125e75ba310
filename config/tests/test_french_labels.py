"""Every field the admin, the journal and the forms show has a French label, not its attribute name."""

from __future__ import annotations

from django.apps import apps

PROJECT_APPS = ("geo", "territories", "accounts", "plans", "core")
# Attribute names that are already the French word a person reads.
FRENCH_NAMES = {"phase", "code", "description", "version", "plan", "action", "date", "population"}
FRENCH_NAMES |= {"communes", "commune", "groupement"}


def test_no_field_shows_its_english_attribute_name():
    untranslated = [
        f"{model._meta.label}.{field.name}"
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
        if not model.__name__.startswith("Historical")
        for field in model._meta.get_fields()
        if field.concrete and not field.auto_created
        if str(field.verbose_name) == field.name.replace("_", " ")
        and field.name not in FRENCH_NAMES
    ]
    assert untranslated == [], "verbose_name manquant (en français) : " + ", ".join(untranslated)
