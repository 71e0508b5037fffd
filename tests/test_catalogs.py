"""Theme strings go through gettext; a bad catalog stops the build, naming the string."""

import re
import shutil

import pytest
from babel.messages.pofile import read_po, write_po
from bs4 import BeautifulSoup

from embassy.catalogs import check_catalogs
from embassy.errors import SiteError
from helpers import ROOT, run_build

TEMPLATES = ROOT / "theme" / "templates"


def catalog(lang):
    with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po)


def theme_text(path):
    """What the theme (not the content) shows or announces on a page."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")  # edited below
    for prose in soup.select(".epc-prose, .epc-table tbody"):
        prose.decompose()
    texts = [soup.get_text(" ")]
    for element in soup.find_all(attrs={"aria-label": True}):
        texts.append(element["aria-label"])
    for element in soup.find_all(["link", "meta"], attrs={"title": True}):
        texts.append(element["title"])
    return " ".join(" ".join(texts).split())


@pytest.mark.parametrize("lang", ["es", "fr"])
def test_spanish_and_french_pages_carry_no_english_theme_text(dev_site, lang):
    def word(text):
        return rf"(?<!\w){re.escape(text)}(?!\w)"

    # English strings, less those that are words of the language too ("Type d'instrument")
    english = {m.id for m in catalog(lang)
               if m.id and m.string != m.id and len(m.id) > 3 and "%(" not in m.id
               and not re.search(word(m.id), m.string)}
    assert english, "the catalog should have translated strings"
    for path in (dev_site.root / lang).rglob("*.html"):
        text = theme_text(path)
        # whole words: "Instrument" is not in "Instrumento"
        found = [msgid for msgid in english if re.search(word(msgid), text)]
        assert not found, f"{path}: English theme text {found}"


@pytest.mark.parametrize("lang,skip,news", [
    ("es", "Saltar al contenido principal", "Noticias"),
    ("fr", "Passer au contenu principal", "Nouvelles"),
])
def test_reader_sees_the_theme_in_their_language(dev_site, lang, skip, news):
    soup = dev_site.soup(f"{lang}/index.html")
    assert soup.select_one(".epc-skip-link").get_text() == skip
    assert news in [a.get_text() for a in soup.select(".epc-nav a")]


@pytest.fixture
def translations(tmp_path):
    folder = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", folder, ignore=shutil.ignore_patterns("*.mo"))
    return folder


def edit_po(folder, lang, change):
    path = folder / lang / "LC_MESSAGES" / "messages.po"
    with open(path, "rb") as po:
        cat = read_po(po)
    change(cat)
    with open(path, "wb") as po:
        write_po(po, cat)
    return path


def test_the_real_catalogs_pass(translations):
    assert set(check_catalogs(TEMPLATES, translations, ["es", "fr"])) == {"es", "fr"}


def test_untranslated_string_is_named(translations):
    edit_po(translations, "fr", lambda cat: setattr(cat["Home"], "string", ""))
    with pytest.raises(SiteError, match="'Home' is not translated"):
        check_catalogs(TEMPLATES, translations, ["es", "fr"])


def test_fuzzy_string_is_named(translations):
    edit_po(translations, "es", lambda cat: cat["News"].flags.add("fuzzy"))
    with pytest.raises(SiteError, match="'News' is marked fuzzy"):
        check_catalogs(TEMPLATES, translations, ["es", "fr"])


def test_missing_catalog_is_named(translations):
    (translations / "fr" / "LC_MESSAGES" / "messages.po").unlink()
    with pytest.raises(SiteError, match="'fr' catalog is missing"):
        check_catalogs(TEMPLATES, translations, ["es", "fr"])


def test_broken_placeholder_is_named(translations):
    edit_po(translations, "es", lambda cat: setattr(
        cat["Published on %(date)s"], "string", "Publicado el %(fecha)s"))
    with pytest.raises(SiteError, match="Published on"):
        check_catalogs(TEMPLATES, translations, ["es", "fr"])


def test_stale_catalog_names_the_new_string(translations, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    skip_link = templates / "partials" / "skip-link.html"
    skip_link.write_text(skip_link.read_text().replace("Skip to main content", "Skip to content"))
    with pytest.raises(SiteError, match="'Skip to content' used in .*skip-link.html"):
        check_catalogs(templates, translations, ["es", "fr"])


def test_build_stops_on_an_untranslated_string_without_traceback(project_copy):
    edit_po(project_copy / "translations", "fr",
            lambda cat: setattr(cat["Latest news"], "string", ""))
    output = project_copy / "output"
    result = run_build("pelicanconf.py", output, cwd=project_copy)
    assert result.returncode == 1
    assert "translations/fr/LC_MESSAGES/messages.po" in result.stderr
    assert "'Latest news' is not translated" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not output.exists()
