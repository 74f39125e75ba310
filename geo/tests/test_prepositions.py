"""French prepositions of place from the COG's typeLiaison, on real régions and départements."""

import pytest

from geo.models import Departement, Region
from geo.text import place_in, place_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("model", "code", "where", "of"),
    [
        (Departement, "59", "dans le Nord", "du Nord"),
        (Departement, "77", "en Seine-et-Marne", "de Seine-et-Marne"),
        (Departement, "92", "dans les Hauts-de-Seine", "des Hauts-de-Seine"),
        (Departement, "974", "à La Réunion", "de La Réunion"),
        (Departement, "13", "dans les Bouches-du-Rhône", "des Bouches-du-Rhône"),
        (Departement, "75", "à Paris", "de Paris"),
        (Departement, "01", "dans l'Ain", "de l'Ain"),
        (Departement, "33", "en Gironde", "de la Gironde"),
        (Region, "11", "en Île-de-France", "d'Île-de-France"),
        (Region, "84", "en Auvergne-Rhône-Alpes", "d'Auvergne-Rhône-Alpes"),
        (Region, "32", "dans les Hauts-de-France", "des Hauts-de-France"),
        (Region, "44", "dans le Grand Est", "du Grand Est"),
        (Region, "04", "à La Réunion", "de La Réunion"),
    ],
)
def test_prepositions_of_real_areas(model, code, where, of):
    area = model.objects.get(code=code)
    assert area.type_liaison is not None  # loaded from the COG by load-geo
    assert (area.name_in, area.name_of) == (where, of)


def test_without_type_liaison_the_common_forms():
    assert place_in("Ardèche", None) == "en Ardèche"
    assert place_of("Ardèche", None) == "d'Ardèche"
