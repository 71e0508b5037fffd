"""The house style's rules that a program can check, on every text the site shows.

The glossary (content/data/glossary.yaml) holds the terms and the rules a
writer follows; the ones below are checked on content, data and catalogs, so
a slip stops the build with the file, the field and the fix. They read the
text a reader sees: a tag's name and attributes (a link's address) are not
text, but <sup> is, as French writes "n<sup>o</sup>" and "80<sup>e</sup>".
"""

import re
from pathlib import Path

from .errors import SiteError

_SPACE = "[ \u00a0\u202f]+"
_FRENCH_MONTHS = ("janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|"
                  "novembre|décembre")
_TAG = re.compile(r"<(?!/?sup>)[^>]*>")

# lang -> [(pattern, problem, fix)]; {found} is the text the pattern matched.
RULES = {
    "fr": [
        (re.compile(rf"(?<![\w.,])1{_SPACE}(?:{_FRENCH_MONTHS})\b", re.IGNORECASE),
         "'{found}': in French the first day of a month is written '1er'.",
         "write '1er' before the month (e.g. '1er août 2009')."),
        (re.compile(r"\bCTS\b"),
         "'CTS' is the English name of Canada's treaty series.",
         "write 'RTC' (Recueil des traités du Canada) in French text."),
        # OQLF: n + superscript o; never the degree sign, the ordinal indicator or a plain o
        (re.compile(r"(?<![\w])[nN](?:[°º]|o\.?(?=[ \u00a0\u202f]*\d))[ \u00a0\u202f]*\d*"),
         "'{found}': in French the abbreviation of 'numéro' is n with a superscript o (OQLF).",
         "write 'n<sup>o</sup> 13' (the build puts a no-break space before the number)."),
        (re.compile(r"(?<![\w.,])\d+(?:e|es|re|res)\b"),
         "'{found}': in French an ordinal's ending is a superscript (OQLF).",
         "write it '80<sup>e</sup>' (or '1<sup>re</sup>', '2<sup>es</sup>')."),
        (re.compile(r"\w+–\w+"),
         "'{found}': French joins two words with a hyphen (trait d'union), not an en dash.",
         "write 'Canada-Pérou', '2012-2015'."),
    ],
    "es": [
        (re.compile(r"\w+ ?– ?\w+"),
         "'{found}': Spanish joins two words with a hyphen (guion), never an en dash.",
         "write 'Perú-Canadá', '2012-2015'."),
        # the glossary's rule for 'peru': Peru first (a treaty's own title, 'entre Canadá y
        # la República del Perú', is not running text and is not caught)
        (re.compile(r"\bCanadá(?: y (?:el )?|[-–])Perú\b"),
         "'{found}': in Spanish Peru comes first (the glossary's rule for 'peru').",
         "write 'el Perú y Canadá' (or 'Perú-Canadá')."),
        (re.compile(r"\bCanadá ?:[^.\n]{0,80}?\bPerú ?:"),
         "'{found}': in Spanish Peru comes first (the glossary's rule for 'peru').",
         "give Peru's date first: 'Perú: …; Canadá: …'."),
    ],
    "en": [
        (re.compile(r"\b(?:Canada-Peru|Peru-Canada)\b"),
         "'{found}': English joins the two countries with an en dash (Canada.ca style).",
         "write 'Canada–Peru' with an en dash (–)."),
    ],
}

# Theme strings are shown as written: the typography of pages (typography.py) does not
# reach them, so French ones carry their own no-break space before high punctuation.
CATALOG_RULES = {
    "fr": [
        (re.compile(r"\S* [:;!?»]|« "),
         "'{found}': in French a breakable space beside ':', ';', '!', '?', '«' or '»' "
         "lets the mark begin or end a line alone.",
         "write a no-break space (U+00A0) before ':' and '»' and after '«', a narrow one "
         "(U+202F) before ';', '!' and '?'."),
    ],
}


def check_text(text: str | None, lang: str, path: str | Path, field: str | None = None,
               catalog: bool = False) -> None:
    """Raise a SiteError for the first house-style rule text breaks (catalog: a theme
    string, shown as written)."""
    visible = _TAG.sub(" ", text or "")
    rules = RULES.get(lang, []) + (CATALOG_RULES.get(lang, []) if catalog else [])
    for pattern, problem, fix in rules:
        found = pattern.search(visible)
        if found:
            raise SiteError(path, problem.format(found=" ".join(found.group(0).split())), fix,
                            field=field)
