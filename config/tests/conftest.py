"""Fixtures of config's tests: scratch databases that `territoires` child processes can see."""

from __future__ import annotations

import pytest

from config.tests.scratch import Scratch


@pytest.fixture(scope="module")
def migrated(tmp_path_factory, django_db_setup, django_db_blocker):
    """One migrated database that each test copies (a migration costs seconds of CPU)."""
    with django_db_blocker.unblock():
        template = Scratch(tmp_path_factory.mktemp("modele"), "modele")
        template.run("migrate", "--noinput", "-v", "0")
        yield template
        template.drop()


@pytest.fixture
def scratch(tmp_path, migrated):
    made = []

    def make(name: str, migrate: bool = True) -> Scratch:
        made.append(Scratch(tmp_path, name, template=migrated if migrate else None))
        return made[-1]

    yield make
    for database in made:
        database.drop()
