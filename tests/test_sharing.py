"""A page shared on social media shows a card: a 1200 × 630 picture drawn at build
time with the site's colours, the embassy's name and the page's title in the
page's language, with a text alternative (issue 18, point 3)."""

import os
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image

from embassy import cards
from embassy.gates import links
from helpers import PRODUCTION_URL, ROOT, assert_refused, copy_project, run_build, write_settings

THEME = ROOT / "theme"
# With SCREENSHOTS=docs/images, the README's picture of a card is taken again.
SCREENSHOTS = os.environ.get("SCREENSHOTS")
SITENAMES = {"en": "Embassy of Peru in Canada", "es": "Embajada del Perú en Canadá",
             "fr": "Ambassade du Pérou au Canada"}
# Every letter and sign the three languages' titles use, typography's included:
# French no-break spaces, guillemets, curly quotes, dashes, the ellipsis.
ALPHABETS = ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
             "àâäæçéèêëîïôöœùûüÿÀÂÄÆÇÉÈÊËÎÏÔÖŒÙÛÜŸáíñóúÁÍÑÓÚ¿¡«»‹›‘’“”–—…·°№"
             "\u00a0\u202f.,;:!?()[]/&%$#'\"-")


def _meta(soup, key):
    element = soup.find("meta", property=key) or soup.find("meta", attrs={"name": key})
    return element["content"] if element else None


def _card_of(site, path):
    """(card file, og:image:alt) of a built page."""
    soup = site.soup(path)
    return site.file_for(_meta(soup, "og:image"), base=site.url_of(path)), _meta(
        soup, "og:image:alt")


def test_every_page_names_its_card_and_describes_it(site):
    # but the pages at the former site's addresses, which open their new page at once
    pages = [path for path in site.html_files() if site.page_type(path) != "redirect"]
    assert len(pages) > 30
    for path in pages:
        soup, where = site.soup(path), site.relative(path)
        url = _meta(soup, "og:image")
        assert url and re.search(r"/media/cards/[0-9a-f]{32}\.png$", url), where
        if site.siteurl:  # production: absolute under SITEURL, as sharing sites need
            assert url.startswith(f"{PRODUCTION_URL}/media/cards/"), where
        assert (_meta(soup, "og:image:type"), _meta(soup, "og:image:width"),
                _meta(soup, "og:image:height")) == ("image/png", "1200", "630"), where
        assert _meta(soup, "twitter:card") == "summary_large_image", where
        alt = _meta(soup, "og:image:alt")
        assert alt and _meta(soup, "twitter:image:alt") == alt, where
        card, _alt = _card_of(site, path)
        with Image.open(card) as image:
            assert (image.format, image.size) == ("PNG", (1200, 630)), where
        title = _meta(soup, "og:title")
        lang = where.split("/")[0]
        if lang in SITENAMES:  # a language's page: its site's name and its title
            assert alt.startswith(SITENAMES[lang]), where
            if title != SITENAMES[lang]:
                assert alt.endswith(title), where
        else:  # the trilingual root pages: a line per language
            assert alt.count(" · ") == 2, where


def test_a_card_shows_the_embassy_and_the_title_in_the_page_language(dev_site):
    theme = cards.design(THEME)
    for page, lang, title in [("fr/accords/index.html", "fr",
                               "Accords entre le Canada et le Pérou"),
                              ("es/tratados/index.html", "es", "Tratados entre el Perú y Canadá"),
                              ("en/agreements/index.html", "en",
                               "Agreements between Canada and Peru")]:
        card, alt = _card_of(dev_site, dev_site.root / page)
        assert alt in (f"{SITENAMES[lang]}: {title}", f"{SITENAMES[lang]}\u00a0: {title}")
        expected = cards.draw(cards.Card(SITENAMES[lang], title), theme)
        with Image.open(card) as published:
            assert published.convert("RGB").tobytes() == expected.convert("RGB").tobytes(), page
        if SCREENSHOTS and lang == "fr":  # the README's picture of a card
            shutil.copyfile(card, Path(SCREENSHOTS) / "card.fr.png")
    root, alt = _card_of(dev_site, dev_site.root / "index.html")
    assert alt == " · ".join(SITENAMES.values())
    expected = cards.draw(cards.Card("", "\n".join(SITENAMES.values())), theme)
    with Image.open(root) as published:
        assert published.convert("RGB").tobytes() == expected.convert("RGB").tobytes()


def test_cards_are_drawn_in_the_stylesheet_colours():
    stylesheet = (THEME / "static" / "css" / "site.css").read_text(encoding="utf-8")
    light = re.search(r":root\s*\{([^}]*)\}", stylesheet)[1]
    token = dict(re.findall(r"(--epc-[\w-]+):\s*(#[0-9a-f]{6})", light))
    image = cards.draw(cards.Card("Embassy of Peru in Canada", "Agreements"),
                       cards.design(THEME)).convert("RGB")

    def colour(x, y):
        return "#{:02x}{:02x}{:02x}".format(*image.getpixel((x, y)))

    assert colour(cards.WIDTH - 5, 5) == token["--epc-red"]  # the band
    assert colour(cards.WIDTH - 5, cards.BAND + 5) == token["--epc-red-dark"]  # its strip
    assert colour(cards.WIDTH - 5, cards.HEIGHT - 20) == token["--epc-paper"]
    assert colour(cards.MARGIN + 5, cards.BAND // 2) == token["--epc-flag"]
    assert token["--epc-text"] in {colour(x, y) for x in range(cards.MARGIN, 500)
                                   for y in range(cards.TITLE_TOP, cards.TITLE_TOP + 80)}


def _ink(image, box):
    """Whether anything but the paper is drawn inside box (left, top, right, bottom)."""
    paper = image.getpixel((cards.WIDTH - 5, cards.HEIGHT - 20))
    return any(image.getpixel((x, y)) != paper for x in range(box[0], box[2], 2)
               for y in range(box[1], box[3], 2))


def test_every_letter_of_the_three_languages_is_drawn():
    theme = cards.design(THEME)
    assert cards.drawable(ALPHABETS, theme.font) == ALPHABETS
    # a character the font lacks is left out, not drawn as a box
    assert cards.drawable("Visite officielle 😀 漢字", theme.font) == "Visite officielle"
    with_emoji = cards.draw(cards.Card("Embassy", "Official visit 😀"), theme)
    assert with_emoji.tobytes() == cards.draw(cards.Card("Embassy", "Official visit"),
                                              theme).tobytes()


def test_a_long_title_shrinks_then_ends_in_an_ellipsis_inside_the_card():
    theme = cards.design(THEME)
    title = " ".join(["Relations entre le Canada et le Pérou"] * 12)
    font, lines = cards.fit_title(title, theme.font)
    assert font.size == min(cards.TITLE_SIZES) and lines[-1].endswith("…")
    assert lines[-1][:-1].split()[-1] in title.split()  # a whole word, then the ellipsis
    image = cards.draw(cards.Card("Ambassade du Pérou au Canada", title), theme).convert("RGB")
    below = cards.TITLE_TOP + cards.TITLE_BOX[1]
    assert not _ink(image, (0, below, cards.WIDTH, cards.HEIGHT - cards.STRIP))
    assert not _ink(image, (cards.WIDTH - cards.MARGIN + 2, cards.BAND + cards.STRIP,
                            cards.WIDTH, cards.HEIGHT - cards.STRIP))
    # a short title stays large
    assert cards.fit_title("Agreements", theme.font)[0].size == max(cards.TITLE_SIZES)


def test_lines_break_at_spaces_never_at_no_break_spaces_and_long_words_fit():
    font_file = cards.design(THEME).font
    font = cards._font(font_file, 76, cards.TITLE_WEIGHT)
    text = "Le Pérou\u202f: un partenaire\u00a0clé"
    width = max(font.getlength("Le Pérou\u202f:"), font.getlength("partenaire")) + 5
    assert font.getlength("partenaire\u00a0clé") > width
    # never a line that starts with the colon or ends with a one- or two-letter word;
    # a group too wide is cut at its no-break space
    assert cards.wrap(text, font, width) == (
        ["Le\u00a0Pérou\u202f:", "un", "partenaire", "clé"], True)
    assert cards.wrap(text, font, 2000) == (
        ["Le\u00a0Pérou\u202f: un\u00a0partenaire\u00a0clé"], False)
    title = "Accords entre le Canada et le Pérou"
    assert cards.wrap(title, font, cards.TITLE_BOX[0]) == (
        ["Accords entre le\u00a0Canada", "et\u00a0le\u00a0Pérou"], False)
    # a word wider than the line: cut between letters, each piece within the line
    address = "https://www.international.gc.ca/trade-commerce/peru-perou"
    pieces, cut = cards.wrap(address, font, cards.TITLE_BOX[0])
    assert cut and "".join(pieces) == address and len(pieces) > 1
    assert all(font.getlength(piece) <= cards.TITLE_BOX[0] for piece in pieces)
    # but only at the smallest size: a smaller size that fits the words whole comes first
    for title in ("Nuevo portal: www.gob.pe/rree-consuladoenottawa",
                  "Acuerdo Perú–Canadá–Chile–Colombia–México–Ecuador–Bolivia"):
        _font, lines = cards.fit_title(title, font_file)
        assert lines == cards.wrap(title, _font, cards.TITLE_BOX[0])[0]
        assert set(" ".join(lines).split()) == set(title.split()), lines


def test_cards_are_cached_like_image_variants(tmp_path):
    """A second build into another output draws nothing: the output's cards are the
    cache's very files; a changed title is a new card."""
    project = copy_project(tmp_path / "project")
    settings = write_settings(project, "cachedconf.py", CACHE_PATH=str(tmp_path / "cache"))
    first = run_build(settings, tmp_path / "first", cwd=project, siteurl="")
    assert first.returncode == 0, first.stderr + first.stdout
    cache = tmp_path / "cache" / "cards"
    drawn = {path.name: path.stat().st_mtime_ns for path in cache.glob("*.png")}
    published = sorted((tmp_path / "first" / "media" / "cards").glob("*.png"))
    assert published and {path.name for path in published} == set(drawn)
    second = run_build(settings, tmp_path / "second", cwd=project, siteurl="")
    assert second.returncode == 0, second.stderr + second.stdout
    assert {path.name: path.stat().st_mtime_ns for path in cache.glob("*.png")} == drawn
    published = sorted((tmp_path / "second" / "media" / "cards").glob("*.png"))
    assert {path.name for path in published} == set(drawn)
    for path in published:
        assert os.path.samefile(path, cache / path.name)


@pytest.mark.parametrize("damage, messages", [
    (lambda theme: (theme / "fonts" / "SourceSans3-Variable.ttf").unlink(),
     ["SourceSans3-Variable.ttf", "the sharing cards' font is missing", "git checkout theme/"]),
    (lambda theme: (theme / "static" / "css" / "site.css").write_text(
        (theme / "static" / "css" / "site.css").read_text(encoding="utf-8").replace(
            "  --epc-flag: #d91023;\n", ""), encoding="utf-8"),
     ["site.css", "--epc-flag", "first :root block"]),
])
def test_a_theme_without_the_card_font_or_colours_stops_the_build(project_copy, good_output,
                                                                   damage, messages):
    damage(project_copy / "theme")
    result = run_build("pelicanconf.py", good_output, cwd=project_copy)
    assert_refused(result, good_output, *messages)


def test_the_link_gate_finds_a_missing_card(dev_site, tmp_path):
    shutil.copytree(dev_site.root, tmp_path / "site")
    from embassy.gates import BuiltSite

    site = BuiltSite(tmp_path / "site", "")
    card, _alt = _card_of(site, site.root / "en" / "index.html")
    Path(card).unlink()
    _count, problems = links.check(site)
    assert any(problem.startswith("en/index.html: /media/cards/") and "no such file" in problem
               for problem in problems)
