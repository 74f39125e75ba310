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
