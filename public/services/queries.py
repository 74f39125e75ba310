"""Querysets without the polygons: the JSON geometry columns weigh up to 2 MB per table, and decoding
them on every page cost 100-300 ms; only the map services read them."""

from geo.models import Departement, Region
from territories.models import Territory


def territories():
    return Territory.objects.defer("geometry", "geometry_simplified")


def territories_with_areas():
    """Territories with their phase and principal département/région, still without any polygon."""
    return (
        territories()
        .select_related("phase", "principal_departement", "principal_region")
        .defer("principal_departement__geometry", "principal_region__geometry")
    )


def regions():
    return Region.objects.defer("geometry")


def departements():
    return Departement.objects.defer("geometry")
