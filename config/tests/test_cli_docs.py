"""docs/cli.md cannot drift from the CLI: its help blocks are the commands' current --help (datasette's way)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import get_commands

REGENERATE = "lancez `.venv/bin/python scripts/cli_docs.py` puis relisez le diff de docs/cli.md"


def _cli_docs():
    path = settings.BASE_DIR / "scripts" / "cli_docs.py"
    spec = importlib.util.spec_from_file_location("cli_docs", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_md_shows_each_commands_current_help():
    cli_docs = _cli_docs()
    written = cli_docs.CLI_DOC.read_text(encoding="utf-8")
    assert written == cli_docs.render(written), f"docs/cli.md ne suit plus --help : {REGENERATE}."


def test_every_command_of_the_project_has_its_help_in_cli_md():
    cli_docs = _cli_docs()
    project_apps = {  # the apps of this repository, not the installed packages'
        app.name
        for app in apps.get_app_configs()
        if Path(app.path).is_relative_to(settings.BASE_DIR) and ".venv" not in Path(app.path).parts
    }
    ours = {name for name, app in get_commands().items() if app in project_apps}
    documented = {
        match.group("command")
        for match in cli_docs.BLOCK.finditer(cli_docs.CLI_DOC.read_text(encoding="utf-8"))
    }
    assert "import-ti" in ours and "lookup" in ours  # the project's commands are found
    missing = sorted(ours - documented)
    assert not missing, (
        f"Commandes sans bloc d'aide dans docs/cli.md : {missing}. Ajoutez pour chacune "
        f"« <!-- cli-help: COMMANDE --> » et « <!-- /cli-help --> », puis {REGENERATE}."
    )
    assert documented <= ours, f"Blocs d'aide de commandes disparues : {sorted(documented - ours)}"
