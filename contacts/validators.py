"""Rules shared by the contacts' forms and importer, so that a value refused on screen is refused in a
file too."""

from django.core.validators import RegexValidator

# One rule for a phone number: the requester's, a team member's typed on screen or imported (the walk
# of 2026-12-04 saved « <script> » as a member's phone, from the form and from the file).
PHONE_VALIDATOR = RegexValidator(
    r"^\+?[0-9][0-9 .()-]{5,28}$",
    "Un numéro de téléphone : chiffres, espaces, points ou tirets (par exemple 01 23 45 67 89).",
)
