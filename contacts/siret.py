"""SIRET numbers checked by their key, with no external service.

A SIRET is 14 digits (SIREN then NIC) whose Luhn key is valid. La Poste (SIREN 356000000) has more
establishments than a Luhn-keyed NIC can number: INSEE gives them SIRETs whose digits add up to a
multiple of 5 instead; its head office (35600000000048) keeps a Luhn key.
"""

from __future__ import annotations

LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE = "35600000000048"


def compact(value: str) -> str:
    """The digits typed, without the spaces, dots and dashes people group them with."""
    return "".join(ch for ch in (value or "") if ch not in " .-\u00a0")


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def siret_problem(value: str) -> str | None:
    """None for a valid SIRET, else what is wrong with it, in French."""
    digits = compact(value)
    if not digits.isdigit() or len(digits) != 14:
        return "Un SIRET a 14 chiffres (par exemple 732 829 320 00074)."
    if digits.startswith(LA_POSTE_SIREN) and digits != LA_POSTE_HEAD_OFFICE:
        valid = sum(int(char) for char in digits) % 5 == 0
    else:
        valid = luhn_valid(digits)
    if not valid:
        return "Ce SIRET n'existe pas : un chiffre est sans doute mal recopié (clé de contrôle)."
    return None
