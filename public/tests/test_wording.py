"""French wording of the public pages: plurals (0 and 1 singular), no doubled or English words."""

import re

import pytest
from django.template import Context, Template

pytestmark = pytest.mark.usefixtures("real_data")


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 territoire"), (1, "1 territoire"), (2, "2 territoires"), (183, "183 territoires")],
)
def test_pluriel_follows_french_rules(count, expected):
    template = Template("{% load humanize_fr %}{{ n }} territoire{{ n|pluriel }}")
    assert template.render(Context({"n": count})) == expected


def test_pluriel_with_two_forms():
    template = Template('{% load humanize_fr %}code{{ n|pluriel }} posta{{ n|pluriel:"l,ux" }}')
    assert template.render(Context({"n": 1})) == "code postal"
    assert template.render(Context({"n": 3})) == "codes postaux"


def text(client, url):
    html = client.get(url).content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/communes/77284/", "Code postal 77100"),  # Meaux: one postcode
        ("/communes/13055/", "Codes postaux 13001, 13002"),  # Marseille: many
        ("/communes/77284/", "56 905 habitants"),
    ],
)
def test_commune_facts_in_correct_french(client, url, expected):
    assert expected in text(client, url)


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/carte/",
        "/carte/?statut=nouveau",
        "/territoires/2023-2027/ti-1108/",
        "/departements/77/",
        "/departements/976/",
        "/regions/11/",
        "/communes/77284/",
        "/intercommunalites/200072130/",
        "/recherche/?q=77100",
    ],
)
def test_no_wording_slip(client, url):
    page = text(client, url)
    for slip in [
        "(s)",
        "dont c'est le département principal principal",
        "dont 4 dont",
        "postalaux",
        "Phase Phase",
        "phase Phase",
        "Commune · Commune",
        "(epci)",
        " 1 territoires",
        " 1 communes",
        "Zoom in",
        "Zoom out",
    ]:
        assert slip not in page, (url, slip)
