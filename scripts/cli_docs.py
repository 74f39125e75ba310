"""Rewrite the option blocks of docs/cli.md from the commands' own ``--help`` (datasette's way).

    .venv/bin/python scripts/cli_docs.py           # rewrites docs/cli.md
    .venv/bin/python scripts/cli_docs.py --check   # exit 1 when docs/cli.md is out of date

A block is marked ``<!-- cli-help: COMMAND -->`` ... ``<!-- /cli-help -->``; everything between the
markers is replaced, everything around them is left as written. Django's options common to every
command (--verbosity, --settings, --traceback...) are left out: they say nothing about the command.
config/tests/test_cli_docs.py fails when the file differs from what this script writes.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI_DOC = ROOT / "docs" / "cli.md"
BLOCK = re.compile(r"(<!-- cli-help: (?P<command>[\w-]+) -->\n).*?(<!-- /cli-help -->)", re.DOTALL)
DJANGO_COMMON_OPTIONS = {
    "--version",
    "-v",
    "--settings",
    "--pythonpath",
    "--traceback",
    "--no-color",
    "--force-color",
    "--skip-checks",
}
WIDTH = 100  # fixed, so the output does not depend on the terminal


def command_help(name: str) -> str:
    """``territoires NAME --help`` without Django's common options, at a fixed width."""
    from django.core.management import get_commands, load_command_class

    command = load_command_class(get_commands()[name], name)
    parser = command.create_parser("territoires", name)
    for action in parser._actions:  # --skip-checks is not a "base argument" Django lets us suppress
        if DJANGO_COMMON_OPTIONS.intersection(action.option_strings):
            action.help = argparse.SUPPRESS
    parser.formatter_class = functools.partial(parser.formatter_class, width=WIDTH)
    return parser.format_help()


def render(text: str) -> str:
    """``text`` (docs/cli.md) with every marked block holding its command's current help."""

    def block(match: re.Match) -> str:
        return (
            f"{match.group(1)}```text\n{command_help(match.group('command'))}```\n{match.group(3)}"
        )

    return BLOCK.sub(block, text)


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    current = CLI_DOC.read_text(encoding="utf-8")
    expected = render(current)
    if "--check" in argv:
        if current != expected:
            print("docs/cli.md diffère de --help : lancez .venv/bin/python scripts/cli_docs.py")
            return 1
        return 0
    CLI_DOC.write_text(expected, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
