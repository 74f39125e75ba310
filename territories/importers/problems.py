"""Row-level problems found while reading or resolving an import file."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    row: int | None = None  # CSV line number (header = 1) or GeoJSON feature number (first = 1)
    column: str | None = None
    value: str | None = None
    expected: str | None = None
    row_label: str = "ligne"

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"{self.row_label} {self.row}")
        if self.column:
            where.append(f"colonne « {self.column} »")
        text = f"{', '.join(where)} : {self.message}"
        if self.value is not None:
            text += f" (valeur trouvée : « {self.value} »"
            text += f", attendu : {self.expected})" if self.expected else ")"
        elif self.expected:
            text += f" (attendu : {self.expected})"
        return text

    def as_dict(self) -> dict:
        return {
            "fichier": self.file,
            "ligne": self.row,
            "colonne": self.column,
            "valeur": self.value,
            "attendu": self.expected,
            "message": self.message,
        }


class ImportRefused(Exception):
    """The file cannot be imported; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
