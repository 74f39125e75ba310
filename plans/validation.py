"""Business rules of an action, shared by the model, the forms and the spreadsheet import.

Each rule is a plain function so the import can apply it to 10,000 rows without building model
instances, and the model's ``clean()`` applies the very same functions.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError

ACTION_CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")
ACTION_CODE_EXPECTED = "1 à 20 caractères : lettres, chiffres, « . », « _ » ou « - », sans espace"


def luhn_is_valid(digits: str) -> bool:
    """The Luhn checksum used by SIREN and SIRET numbers."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


# La Poste's establishments share the SIREN 356 000 000, whose SIRETs do not follow Luhn but have a
# digit sum divisible by 5 (INSEE rule).
_LA_POSTE_SIREN = "356000000"


def siret_is_valid(value: str) -> bool:
    if not (len(value) == 14 and value.isdigit()):
        return False
    if value.startswith(_LA_POSTE_SIREN):
        return sum(int(c) for c in value) % 5 == 0
    return luhn_is_valid(value)


def validate_siret(value: str) -> None:
    if value and not siret_is_valid(value):
        raise ValidationError(
            "SIRET invalide : 14 chiffres dont le dernier est la clé de contrôle (algorithme de Luhn).",
            code="siret",
        )


def validate_action_code(value: str) -> None:
    if not ACTION_CODE_PATTERN.match(value or ""):
        raise ValidationError(
            f"Code d'action invalide : {ACTION_CODE_EXPECTED}.", code="action_code"
        )


def validate_not_negative(value: Decimal | int | None) -> None:
    if value is not None and value < 0:
        raise ValidationError("Le montant ou le nombre doit être positif ou nul.", code="negative")


def date_order_error(
    start: date | None, end: date | None, start_label: str, end_label: str
) -> str | None:
    """The message when ``end`` comes before ``start`` (both optional)."""
    if start and end and end < start:
        return f"{end_label} ({end:%d/%m/%Y}) précède {start_label.lower()} ({start:%d/%m/%Y})."
    return None
