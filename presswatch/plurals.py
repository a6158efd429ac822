"""A count and its noun in the right number ("1 source", "2 sources"; "0 article" in French).

The choice between the singular and the plural is Babel's plural rule of the language (CLDR):
English takes the singular for 1 only, French for 0 and 1 as well as 1.5.
"""

from __future__ import annotations

from functools import cache

from babel import Locale


@cache
def _locale(language: str) -> Locale:
    return Locale.parse(language)


def counted(count: int | float, singular: str, plural: str, language: str = "en") -> str:
    """``count`` followed by the singular or the plural noun, by the language's rule."""
    form = _locale(language).plural_form(count)
    return f"{count} {singular if form == 'one' else plural}"
