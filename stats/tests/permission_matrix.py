"""The stats rows of the permission matrix (collected by accounts/tests/matrix.py), one module per screen
family: `stats/tests/matrix_<family>.py` defines `ROWS` (and optionally `NOT_EDITING`)."""

from __future__ import annotations

import importlib
import pkgutil

from stats import tests as _tests

PERMISSION_MATRIX = []
NOT_EDITING: dict[str, str] = {}
for _info in sorted(pkgutil.iter_modules(_tests.__path__), key=lambda info: info.name):
    if _info.name.startswith("matrix_"):
        _module = importlib.import_module(f"stats.tests.{_info.name}")
        PERMISSION_MATRIX += _module.ROWS
        NOT_EDITING.update(getattr(_module, "NOT_EDITING", {}))
