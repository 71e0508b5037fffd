"""Typography per language.

English gets typogrify. French and Spanish get their own quotation marks and
spacing, which no maintained library provides: typogrify and SmartyPants only
know English quotes, so they are hand-written here, on text nodes only. A
language without rules here keeps its text as written: straight quotes are
safer than another language's marks or spacing.
"""

import html
import re
from collections.abc import Callable

import smartypants
from pelican.contents import Article, Content, Page
from typogrify.filters import typogrify

from . import state

NBSP, NNBSP = "\u00a0", "\u202f"  # no-break space, narrow no-break space
SKIPPED_TAGS = {"pre", "code", "kbd", "samp", "script", "style", "math"}
# Elements inside a line of text: the text that follows one continues the same
# words, so "<a …>page</a> ; la suite" needs the same space before ";" as "page ;".
INLINE_TAGS = {"a", "abbr", "b", "cite", "code", "em", "i", "kbd", "mark", "q", "s", "samp",
               "small", "span", "strong", "sub", "sup", "time", "u", "var"}
_TOKEN = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z0-9]+)")


class _Quotes:
    """Turns straight double quotes into guillemets, alternating open/close."""

    def __init__(self, opening, closing):
        self.marks, self.is_open = (opening, closing), False

    def __call__(self, text):
        def swap(_match):
            mark = self.marks[1] if self.is_open else self.marks[0]
            self.is_open = not self.is_open
            return mark

        return re.sub('"', swap, text)


def _apostrophes(text):
    # In French and Spanish a straight quote after a letter is an apostrophe,
    # also when a link follows it ("l'<a …>ambassade</a>").
    return re.sub(r"(?<=\w)'", "\u2019", text)


# OQLF: the abbreviation of "numéro" is n + superscript o, a no-break space before the number.
_NUMERO = re.compile(r"(\bn<sup>os?</sup>)[ \t]+(?=\d)")


def french_text(text: str, quotes: Callable[[str], str], after_element: bool = False) -> str:
    """French rules on one text node (already unescaped). after_element: the node
    follows an inline element (a link…), so its first punctuation mark follows a word."""
    text = _apostrophes(quotes(text))
    text = re.sub(r"«\s*", "«" + NBSP, text)
    text = re.sub(r"\s*»", NBSP + "»", text)
    start = "(?:(?<=\\S)|^)" if after_element else "(?<=\\S)"
    text = re.sub(start + r"\s*([;!?])(?=\s|$|[»)\]])", NNBSP + r"\1", text)
    text = re.sub(start + r"\s*:(?=\s|$)", NBSP + ":", text)
    return _NUMERO.sub("\\1" + NBSP, text)


def spanish_text(text: str, quotes: Callable[[str], str], after_element: bool = False) -> str:
    """Spanish rules on one text node: angular quotes, typographic apostrophe."""
    return _apostrophes(quotes(text))


RULES = {"fr": (french_text, "«", "»"), "es": (spanish_text, "«", "»")}


def has_rules(lang: str) -> bool:
    """Whether the language has typography of its own (else its text is kept as written)."""
    return lang == "en" or lang in RULES


def localize_html(fragment: str, lang: str) -> str:
    """Apply the language's rules to the text of an HTML fragment."""
    rule, opening, closing = RULES[lang]
    quotes = _Quotes(opening, closing)
    if lang == "fr":
        fragment = _NUMERO.sub("\\1" + NBSP, fragment)
    out, skipping, after_element = [], [], False
    for token in _TOKEN.split(fragment):
        if token.startswith("<"):
            match = _TAG_NAME.match(token)
            name = match.group(1).lower() if match else ""
            after_element = token.startswith("</") and name in INLINE_TAGS
            if name in SKIPPED_TAGS and not token.endswith("/>"):
                if token.startswith("</"):
                    if skipping:
                        skipping.pop()
                else:
                    skipping.append(name)
            out.append(token)
        elif token and not skipping:
            out.append(html.escape(rule(html.unescape(token), quotes, after_element),
                                   quote=False))
        else:
            out.append(token)
    return "".join(out)


def localize_text(text: str, lang: str) -> str:
    """Typography for plain text such as a title (no markup is produced)."""
    if not has_rules(lang):
        return text
    if lang == "en":
        return smartypants.smartypants(text, smartypants.Attr.default | smartypants.Attr.u)
    rule, opening, closing = RULES[lang]
    return rule(text, _Quotes(opening, closing))


def localize_fragment(fragment: str, lang: str) -> str:
    """Typography for rendered HTML such as an item's body."""
    if not has_rules(lang):
        return fragment
    return typogrify(fragment) if lang == "en" else localize_html(fragment, lang)


def apply(instance: Content) -> None:
    """content_object_init handler: typography for a news item or page."""
    if not isinstance(instance, (Article, Page)) or not has_rules(instance.lang):
        return
    lang, memo = instance.lang, state.of(instance.settings).text_memo

    def kept(kind, localize):
        """localize(value, lang), through the build's memo (the fast build's keeps
        results from one build to the next)."""
        return lambda value: memo.result(instance.source_path, f"{kind} {lang}", value,
                                         lambda value: localize(value, lang))

    fragment, text = kept("html", localize_fragment), kept("text", localize_text)
    instance._content = fragment(instance._content)
    instance.title = text(instance.title)
    instance.metadata["title"] = instance.title
    if "summary" in instance.metadata:  # plain text (FORMATTED_FIELDS is empty)
        instance._summary = text(instance.metadata["summary"])
        instance.metadata["summary"] = instance._summary
