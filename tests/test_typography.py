"""Typography per language: typogrify for English, French and Spanish rules for the rest."""

import re

import pytest
from bs4 import BeautifulSoup

from embassy.typography import NBSP, NNBSP, localize_fragment, localize_text

ENGLISH_QUOTES = "“”‘"


def test_french_quotes_and_spaces():
    html = '<p>Il a dit "bonjour" : merci! Vraiment? Oui; l\'ambassade.</p>'
    assert localize_fragment(html, "fr") == (
        f"<p>Il a dit «{NBSP}bonjour{NBSP}»{NBSP}: merci{NNBSP}! Vraiment{NNBSP}? "
        f"Oui{NNBSP}; l’ambassade.</p>"
    )


def test_french_quotes_pair_across_tags_and_skip_code():
    html = '<p>"<em>Accord</em>" <code>a: "b"</code> l\'<a href="x?y=1">OTAN</a></p>'
    assert localize_fragment(html, "fr") == (
        f'<p>«{NBSP}<em>Accord</em>{NBSP}» <code>a: "b"</code> l’<a href="x?y=1">OTAN</a></p>'
    )


def test_french_punctuation_after_a_link_or_other_element_gets_its_space():
    # The text after </a> starts with " ;": its space used to stay breakable,
    # so ";" could begin a line.
    html = ('<p>la page <a href="x">Accords</a> ; la page <em>Cadre</em>: voir '
            '<a href="y">ici</a>! <code>a</code>?</p><p>; en tête</p>')
    assert localize_fragment(html, "fr") == (
        f'<p>la page <a href="x">Accords</a>{NNBSP}; la page <em>Cadre</em>{NBSP}: voir '
        f'<a href="y">ici</a>{NNBSP}! <code>a</code>{NNBSP}?</p><p>; en tête</p>'
    )


def test_french_numero_gets_a_no_break_space_before_its_number():
    assert localize_fragment("<p>RTC 1957, n<sup>o</sup> 13</p>", "fr") == (
        f"<p>RTC 1957, n<sup>o</sup>{NBSP}13</p>")
    assert localize_text("(RTC 1957, n<sup>o</sup> 13)", "fr") == (
        f"(RTC 1957, n<sup>o</sup>{NBSP}13)")


def test_french_rules_keep_entities_and_urls_safe():
    html = "<p>R&amp;D: voir https://example.org/a?b=c &lt;ici&gt;</p>"
    assert localize_fragment(html, "fr") == (
        f"<p>R&amp;D{NBSP}: voir https://example.org/a?b=c &lt;ici&gt;</p>"
    )


def test_spanish_gets_angular_quotes():
    assert localize_fragment('<p>El "Tratado" de Canadá</p>', "es") == (
        "<p>El «Tratado» de Canadá</p>"
    )


def test_english_gets_typogrify():
    html = localize_fragment('<p>He said "yes" to Canada\'s offer.</p>', "en")
    assert "&#8220;" in html and "&#8221;" in html and "&#8217;" in html
    assert localize_text('The "FTA"', "en") == "The “FTA”"


@pytest.mark.parametrize("lang", ["es", "fr"])
def test_no_english_quotes_reach_spanish_or_french_pages(site, lang):
    for path in (site.root / lang).rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not any(mark in text for mark in ENGLISH_QUOTES), path
        assert "&#8220;" not in text and "&ldquo;" not in text, path


def test_french_pages_and_feeds_have_french_punctuation(site):
    page = (site.root / "fr/accords/index.html").read_text(encoding="utf-8")
    assert f"Canada{NBSP}: " in page
    assert f"n<sup>o</sup>{NBSP}13" in page
    # after a link: "…la page <a>Accords…</a> ; la page…" could start a line with ";"
    chronology = (site.root / "fr/chronologie/index.html").read_text(encoding="utf-8")
    assert f"Pérou</a>{NNBSP}; la page" in chronology
    for path in (site.root / "fr").rglob("*.html"):
        main = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").main
        text = main.get_text() if main else ""
        assert not re.search(r" [;:!?»]|« ", text), (path, re.findall(r".{20} [;:!?»]", text))
    feed = (site.root / "fr/feeds/all.atom.xml").read_text(encoding="utf-8")
    assert "l’ambassadeur" in feed and "l'ambassadeur" not in feed


def test_a_language_without_rules_keeps_its_text_as_written():
    """A new language (pelicanconf.py's SITE_LANGUAGES) needs no typography to build:
    no other language's quotes or spaces, and no KeyError."""
    assert localize_text('O "Tratado" d\'água: sim', "pt") == 'O "Tratado" d\'água: sim'
    html = '<p>O "Tratado" : <a href="/pt/">sim</a> ; n<sup>o</sup> 13</p>'
    assert localize_fragment(html, "pt") == html
