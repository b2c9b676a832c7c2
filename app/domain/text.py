"""Folding text for comparison: the one place that knows how to take accents off.

Search, country lookups and the demo store's WordPress-style sanitisers all compare names
without their accents; they share this rule so "João", "Zürich" and "Straße" fold alike
everywhere.
"""

from __future__ import annotations

import unicodedata

#: Letters with no Unicode decomposition, spelled the way their languages write them in ASCII.
_NO_DECOMPOSITION = str.maketrans(
    {
        "\u0131": "i",  # dotless i
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ł": "l",
        "Ł": "L",
        "œ": "oe",
        "Œ": "OE",
    }
)


def strip_accents(text: str) -> str:
    """``text`` without diacritics (``João`` → ``Joao``, ``Łódź`` → ``Lodz``); case is kept."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_NO_DECOMPOSITION))
    return "".join(char for char in decomposed if not unicodedata.combining(char))
