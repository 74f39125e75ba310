"""Text normalisation shared by every search over names (communes, EPCI, territories)."""

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalize_search(text: str) -> str:
    """Lower case, accents removed, hyphens/apostrophes/punctuation as single spaces.

    ``"Saint-Étienne"`` and ``"saint etienne"`` both give ``"saint etienne"``.
    """
    decomposed = unicodedata.normalize("NFKD", text or "")
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    ascii_text = ascii_text.replace("œ", "oe").replace("æ", "ae")
    return _NON_ALNUM.sub(" ", ascii_text).strip()


# The COG's typeLiaison (« type de nom en clair », TNCC) says which article a name takes: 0 none
# (consonant), 1 none (vowel), 2 « le », 3 « la », 4 « les », 5 « l' ». The names of régions and
# départements never carry it (« Nord », TNCC 2), so the preposition comes from it:
# 0, 1, 3 → « en » (en Seine-et-Marne, en Île-de-France, en Gironde); 2 → « dans le » (dans le Nord,
# dans le Grand Est); 4 → « dans les » (dans les Hauts-de-Seine); 5 → « dans l' » (dans l'Ain).
# Islands and cities with TNCC 0 take « à »: the COG has no code for that, so they are listed.
_IN = {0: "en ", 1: "en ", 2: "dans le ", 3: "en ", 4: "dans les ", 5: "dans l'"}
_OF = {0: "de ", 1: "d'", 2: "du ", 3: "de la ", 4: "des ", 5: "de l'"}
_AT = {
    "Paris",
    "La Réunion",
    "Mayotte",
    "Saint-Pierre-et-Miquelon",
    "Saint-Barthélemy",
    "Saint-Martin",
    "Wallis et Futuna",
    "Île de Clipperton",
}
_PLURAL_NO_ARTICLE = {"Terres australes et antarctiques françaises"}  # TNCC 0, « dans les TAAF »


def place_in(name: str, type_liaison: int | None) -> str:
    """The name with the preposition of place: « dans le Nord », « en Seine-et-Marne », « à La Réunion ».

    With no typeLiaison (a geography loaded before it was stored), « en » : right for most names.
    """
    if name in _AT:
        return f"à {name}"
    if name in _PLURAL_NO_ARTICLE:
        return f"dans les {name}"
    return _IN.get(type_liaison, "en ") + name


def place_of(name: str, type_liaison: int | None) -> str:
    """The name after « de »: « du Nord », « de Seine-et-Marne », « d'Île-de-France », « des Hauts-de-Seine »."""
    if name in _PLURAL_NO_ARTICLE:
        return f"des {name}"
    if type_liaison is None:
        return ("d'" if name[:1].lower() in "aeiouyéèêîôâ" else "de ") + name
    return _OF[type_liaison] + name
