"""The house style's rules that a program can check, on every text the site shows.

The glossary (content/data/glossary.yaml) holds the terms and the rules a
writer follows; the ones below are checked on content, data and catalogs, so
a slip stops the build with the file, the field and the fix.
"""

import re

from .errors import SiteError

_SPACE = "[ \u00a0\u202f]+"
_FRENCH_MONTHS = ("janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|"
                  "novembre|décembre")

# lang -> [(pattern, problem, fix)]; {found} is the text the pattern matched.
RULES = {
    "fr": [
        (re.compile(rf"(?<![\w.,])1{_SPACE}(?:{_FRENCH_MONTHS})\b", re.IGNORECASE),
         "'{found}': in French the first day of a month is written '1er'.",
         "write '1er' before the month (e.g. '1er août 2009')."),
        (re.compile(r"\bCTS\b"),
         "'CTS' is the English name of Canada's treaty series.",
         "write 'RTC' (Recueil des traités du Canada) in French text."),
    ],
}


def check_text(text, lang, path, field=None):
    """Raise a SiteError for the first house-style rule text breaks."""
    for pattern, problem, fix in RULES.get(lang, ()):
        found = pattern.search(text or "")
        if found:
            raise SiteError(path, problem.format(found=" ".join(found.group(0).split())), fix,
                            field=field)
