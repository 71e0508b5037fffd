"""What readers expect of a public-sector site: a way to report a problem on a page
(Canada.ca's convention), and the site following their own preferences (less motion;
the dark scheme is checked by the browser gate, test_gates.py)."""

import io
import os
import re
import runpy
import unicodedata
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from embassy.gates import BuiltSite
from embassy.gates.browser import BrowserSession, representative_pages
from helpers import CORPUS, LANGUAGES, PRODUCTION_URL, ROOT, edit_source, front_matter, run_build

SETTINGS = runpy.run_path(str(ROOT / "pelicanconf.py"))
# With SCREENSHOTS=docs/images, the README's pictures of a phone, the dark scheme and a
# printed page are taken again (else into the test's folder).
SCREENSHOTS = os.environ.get("SCREENSHOTS")


def _picture(page, name, folder, **options):
    folder = Path(SCREENSHOTS or folder)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name), animations="disabled", **options)
    return folder / name

REPORT = {"en": "Report a problem on this page",
          "es": "Reportar un problema en esta página",
          "fr": "Signaler un problème sur cette page"}
SUBJECT = {"en": "Problem on the page ", "es": "Problema en la página ",
           "fr": "Problème sur la page "}


def test_no_report_link_while_the_embassy_address_is_unknown(own_site):
    """content/data/embassy.yaml has no e-mail address yet: no link, hidden not broken."""
    for path in own_site.html_files():
        for text in REPORT.values():
            assert not own_site.soup(path).find("a", string=text), own_site.relative(path)
        assert not own_site.soup(path).select(".epc-footer a[href^='mailto:']")


def test_every_page_reports_a_problem_in_its_language_with_its_address(project_copy,
                                                                       tmp_path):
    edit_source(project_copy, "content/data/embassy.yaml", "  city: Ottawa\n",
                "  city: Ottawa\n  email:\n    value: embassy@example.org\n"
                "    source: {url: 'https://embassy.example/contact', read: 2026-12-02}\n")
    output = tmp_path / "output"
    result = run_build("publishconf.py", output, cwd=project_copy)
    assert result.returncode == 0, result.stderr + result.stdout
    site = BuiltSite(output, PRODUCTION_URL)
    pages = [path for path in site.html_files() if site.relative(path)[:3] in
             {f"{lang}/" for lang in LANGUAGES}]
    assert len(pages) > 30
    for path in pages:
        soup, lang = site.soup(path), site.lang(path)
        link = soup.find("a", string=REPORT[lang])
        assert link is not None, site.relative(path)
        address = urlsplit(link["href"])
        assert (address.scheme, address.path) == ("mailto", "embassy@example.org")
        subject = parse_qs(address.query)["subject"][0]
        canonical = soup.find("link", rel="canonical")
        address = canonical["href"] if canonical else site.url_of(path)  # 404s: no canonical
        assert unquote(subject) == SUBJECT[lang] + address, site.relative(path)


def test_nothing_moves_for_a_reader_who_asked_for_less_motion(dev_site, chromium):
    """Under prefers-reduced-motion, the stylesheet stops every animation, transition
    and smooth scroll (the site has none today; this keeps any later one in check)."""
    session = BrowserSession(dev_site, chromium)
    page = session.new_page(1280)
    page.emulate_media(reduced_motion="reduce")
    session.visit(page, dev_site.root / "en" / "index.html")
    rules = page.evaluate("""() => [...document.styleSheets].flatMap((sheet) =>
        [...sheet.cssRules].filter((rule) => rule.media && rule.media.mediaText.includes(
          'prefers-reduced-motion: reduce') && window.matchMedia(rule.media.mediaText).matches)
        .flatMap((rule) => [...rule.cssRules].map((inner) => inner.cssText)))""")
    assert any(rule.startswith("*, ::before, ::after") and "transition-duration: 0.01ms"
               in rule and "animation-duration: 0.01ms" in rule and "scroll-behavior: auto"
               in rule for rule in rules), rules


def test_on_a_phone_the_title_comes_first_and_the_menu_folds(dev_site, tmp_path, chromium):
    """At 375 × 667, every page type's <h1> starts within 200 px of the top, in the
    three languages; the menu is a <details> (its state announced by the browser) that
    opens by touch, mouse or keyboard without JavaScript; the language switcher stays in
    view. Wide screens show the whole menu."""
    session = BrowserSession(dev_site, chromium)
    phone = session.new_page(375, height=667, javascript=False)
    for path in representative_pages(dev_site):
        if dev_site.page_type(path) in ("chooser", "root-not-found", "redirect"):
            # the trilingual root pages (a title and three links), and the pages at the
            # former site's addresses (a title and one link, left at once by their
            # refresh): the chooser's layout, with no menu to come before the title
            continue
        session.visit(phone, path)
        top = phone.evaluate("document.querySelector('h1').getBoundingClientRect().top")
        assert top <= 200, (dev_site.relative(path), top)
        assert phone.locator(".epc-language-switcher a").first.is_visible()
    session.visit(phone, dev_site.root / "en" / "index.html")
    assert _picture(phone, "site-phone.en.png", tmp_path).exists()
    dark = session.new_page(375, height=667, scheme="dark")
    session.visit(dark, dev_site.root / "en" / "index.html")
    assert _picture(dark, "site-dark.en.png", tmp_path).exists()
    session.visit(phone, dev_site.root / "es" / "index.html")
    menu = phone.locator("details.epc-menu")
    links = menu.locator(".epc-nav__link")
    assert not links.first.is_visible() and not phone.locator(".epc-nav--wide").is_visible()
    menu.locator("summary").click()
    assert links.first.is_visible() and menu.get_attribute("open") == ""
    menu.locator("summary").click()
    assert not links.first.is_visible()
    menu.locator("summary").focus()
    phone.keyboard.press("Enter")
    assert links.first.is_visible()
    desktop = session.new_page(1280)
    session.visit(desktop, dev_site.root / "es" / "index.html")
    # Home, News and the five NAV_PAGES (the chronology joined the menu: review 25)
    assert desktop.locator(".epc-nav--wide .epc-nav__link").count() == 7
    assert all(link.is_visible() for link in
               desktop.locator(".epc-nav--wide .epc-nav__link").all())
    assert not desktop.locator("details.epc-menu").is_visible()


def _printed(session, page, path, paper):
    """The text of a page printed to PDF by Chromium on paper ('Letter' or 'A4'), without
    whitespace (lines break anywhere in print), and its page count."""
    from pypdf import PdfReader

    session.visit(page, path)
    reader = PdfReader(io.BytesIO(page.pdf(format=paper, print_background=False)))
    text = "".join(sheet.extract_text() for sheet in reader.pages)
    return _squeezed(unicodedata.normalize("NFKC", text)), len(reader.pages)  # ﬁ: fi


def _squeezed(text):
    return re.sub(r"\s", "", text)


def test_agreements_legal_framework_and_news_print_whole(prod_site, tmp_path, chromium):
    """Printed on Letter and A4 paper, in each language: every row and column of the
    agreements table, the address of each link to another site, the page's address and
    date modified; no menu, language switcher, search or footer links."""
    legal = {lang: front_matter(ROOT / "content/pages/legal-framework" / f"index.{lang}.md")
             for lang in LANGUAGES}
    news = {lang: front_matter(CORPUS / "news/eighty-years-of-relations" / f"index.{lang}.md")
            for lang in LANGUAGES}
    session = BrowserSession(prod_site, chromium)
    page = session.new_page(1280)
    for lang in LANGUAGES:
        sections = SETTINGS["SECTIONS"][lang]
        agreements = next(path for path in prod_site.html_files()
                          if prod_site.page_type(path) == "agreements"
                          and prod_site.lang(path) == lang)
        paths = [agreements, prod_site.root / lang / legal[lang]["slug"] / "index.html",
                 prod_site.root / lang / sections["news"] / news[lang]["slug"] / "index.html"]
        for path in paths:
            soup = prod_site.soup(path)
            main = soup.find("main")
            expected = [soup.find("link", rel="canonical")["href"],
                        soup.select_one(".epc-modified").get_text(" ", strip=True)]
            expected += [link["href"] for link in main.select(
                ".epc-prose a[href^='http'], .epc-table a[href^='http']")
                if not link["href"].startswith(PRODUCTION_URL)]
            expected += [text for cell in main.select(
                ".epc-table thead th, .epc-table tbody td") for text in cell.stripped_strings]
            expected += [row.find(string=True).strip() for row in main.select(
                ".epc-table tbody th")]
            # the menu's first entry (its others are also linked from the text), the
            # other languages, search, the footer's links
            absent = [link.get_text(strip=True) for link in soup.select(
                ".epc-nav--wide li:first-child a, .epc-language-switcher a, "
                ".epc-header__search, .epc-footer__links a")]
            if lang == "en" and path == agreements:  # as printed (Letter's width)
                printed = session.new_page(816, height=1056)
                printed.emulate_media(media="print")
                session.visit(printed, path)
                assert _picture(printed, "site-print.en.png", tmp_path).exists()
            for paper in ("Letter", "A4"):
                text, _sheets = _printed(session, page, path, paper)
                where = f"{prod_site.relative(path)} on {paper}"
                for item in expected:
                    assert _squeezed(item) in text, (where, item)
                for item in absent:
                    assert _squeezed(item) not in text, (where, item)
