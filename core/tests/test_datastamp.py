"""The data stamp moves with every write, including those that bypass the models (database triggers,
core/datastamp.py), and a writing transaction sees its own change at once."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from core.datastamp import data_stamp, parts

pytestmark = pytest.mark.django_db


def test_raw_sql_and_queryset_updates_move_only_their_part():
    assert "territories" in parts() and "offers" in parts()
    territories, offers = data_stamp("territories"), data_stamp("offers")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE territories_phase SET label = label")
    assert data_stamp("territories") != territories
    assert data_stamp("offers") == offers


def test_each_statement_of_a_transaction_gives_a_version_never_seen_again():
    from offers.models import Operator

    seen = {data_stamp()}
    with transaction.atomic():
        Operator.objects.create(name="[Exemple] Un", slug="exemple-un")
        seen.add(data_stamp())
        Operator.objects.filter(slug="exemple-un").update(name="[Exemple] Deux")
        seen.add(data_stamp())
        with pytest.raises(RuntimeError), transaction.atomic():
            Operator.objects.filter(slug="exemple-un").delete()
            seen.add(data_stamp())
            raise RuntimeError("annulation")
    assert len(seen) == 4
    Operator.objects.filter(slug="exemple-un").delete()
    assert data_stamp() not in seen
