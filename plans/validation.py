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


# Thousands separators people type or paste: space, no-break space, narrow no-break space (what
# LibreOffice and Intl.NumberFormat write in French), and the apostrophe of Swiss formats.
_THOUSANDS = str.maketrans("", "", " \u00a0\u202f'")


def parse_french_decimal(text: str) -> str:
    """« 750 000,50 € » → « 750000.50 » (a string for Decimal); « » → « ». Raises ValueError.

    A comma is the decimal separator; a point is one too when it is the only one (« 750000.50 »),
    and a thousands separator when there are several or a comma as well (« 1.250.000,50 »).
    """
    text = text.strip().removesuffix("€").removesuffix("EUR").strip().translate(_THOUSANDS)
    if not text:
        return ""
    if "," in text:
        if text.count(",") > 1:
            raise ValueError(text)
        text = text.replace(".", "").replace(",", ".")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        raise ValueError(text)
    return text


# Financement states, as plain strings so the import can check 10,000 rows without the models.
_ASKED, _GRANTED, _PAID, _REFUSED = "sollicite", "accorde", "verse", "refuse"


def complete_funding_amounts(
    amount: Decimal | None, granted: Decimal | None, paid: Decimal | None, state: str
) -> tuple[Decimal | None, Decimal | None, list[tuple[str, str]]]:
    """(granted, paid, problems) of one financement line; a problem is (field, French message).

    The state says whether a line counts as granted or paid, the amounts say how much:
    - « Accordé » or « Versé » with no amount granted: the whole amount asked was granted (the meaning
      of a line before the granted and paid amounts existed, and of plans migration 0004). « Versé »
      with no amount paid: the whole amount granted was paid.
    - « Sollicité » or « Refusé » carry no amount granted or paid, « Accordé » no amount paid (a first
      payment makes the line « Versé », partly or wholly).
    - The amount paid never exceeds the amount granted. The amount granted may exceed the amount
      asked (a funder may grant more than asked, or the asked amount may be a first estimate).
    """
    problems = []
    if state in (_GRANTED, _PAID) and granted is None:
        granted = amount
    if state == _PAID and paid is None:
        paid = granted
    if state in (_ASKED, _REFUSED):
        label = "sollicité" if state == _ASKED else "refusé"
        if granted is not None:
            problems.append(
                (
                    "granted_amount",
                    f"Un financement {label} n'a pas de montant accordé : "
                    "choisissez l'état « Accordé » ou « Versé », ou videz le montant accordé.",
                )
            )
        if paid is not None:
            problems.append(
                (
                    "paid_amount",
                    f"Un financement {label} n'a pas de montant versé : "
                    "choisissez l'état « Versé », ou videz le montant versé.",
                )
            )
    elif state == _GRANTED and paid is not None:
        problems.append(
            (
                "paid_amount",
                "Un financement accordé n'a pas encore de montant versé : "
                "choisissez l'état « Versé » pour enregistrer un versement.",
            )
        )
    if granted is not None and paid is not None and paid > granted:
        problems.append(
            (
                "paid_amount",
                f"Le montant versé ({_euros(paid)}) dépasse le montant accordé ({_euros(granted)}).",
            )
        )
    return granted, paid, problems


def implausible_amounts(total_cost: Decimal | None, fundings) -> list[str]:
    """Warnings, never errors, on amounts that look mistyped; ``fundings`` are
    (amount asked, state, amount granted, amount paid) tuples.

    What can be implausible is a total against the action's cost: the amounts asked (refusals apart),
    granted or paid. A line's own amounts are checked by complete_funding_amounts (errors).
    """
    warnings = []
    requested = granted = paid = Decimal(0)
    for amount, state, granted_amount, paid_amount in fundings:
        if amount is not None and state != _REFUSED:
            requested += amount
        if granted_amount is not None and state in (_GRANTED, _PAID):
            granted += granted_amount
        if paid_amount is not None and state == _PAID:
            paid += paid_amount
    if total_cost and granted > total_cost:
        warnings.append(
            f"Taux de financement de {round(100 * granted / total_cost)} % : "
            f"{_euros(granted)} accordés pour un coût total de {_euros(total_cost)}. "
            "Vérifiez les montants (une virgule oubliée ?)."
        )
    elif total_cost and requested > total_cost:
        warnings.append(
            f"Les financements sollicités ({_euros(requested)}) dépassent le coût total "
            f"({_euros(total_cost)})."
        )
    if total_cost and paid > total_cost:
        warnings.append(f"Les montants versés ({_euros(paid)}) dépassent le coût total.")
    return warnings


def _euros(amount: Decimal) -> str:
    whole, _, cents = f"{amount:,.2f}".partition(".")
    text = whole.replace(",", "\u202f") + ("" if cents == "00" else "," + cents)
    return text + "\u00a0€"
