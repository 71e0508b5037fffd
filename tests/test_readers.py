"""What readers expect of a public-sector site: a way to report a problem on a page
(Canada.ca's convention), and the site following their own preferences (less motion;
the dark scheme is checked by the browser gate, test_gates.py)."""

from urllib.parse import parse_qs, unquote, urlsplit

from embassy.gates import BuiltSite
from embassy.gates.browser import BrowserSession, browser, representative_pages
from helpers import LANGUAGES, PRODUCTION_URL, edit_source, run_build

REPORT = {"en": "Report a problem on this page",
          "es": "Informar de un problema en esta página",
          "fr": "Signaler un problème sur cette page"}
SUBJECT = {"en": "Problem on the page ", "es": "Problema en la página ",
           "fr": "Problème sur la page "}


def test_no_report_link_while_the_embassy_address_is_unknown(own_site):
    """content/data/embassy.yaml has no e-mail address yet: no link, hidden not broken."""
    for path in own_site.html_files():
        for lang, text in REPORT.items():
            assert not own_site.soup(path).find("a", string=text), own_site.relative(path)
        assert not own_site.soup(path).select(".epc-footer a[href^='mailto:']")


def test_every_page_reports_a_problem_in_its_language_with_its_address(project_copy,
                                                                       tmp_path):
    edit_source(project_copy, "content/data/embassy.yaml", '  email: ""',
                "  email: embassy@example.org")
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


def test_nothing_moves_for_a_reader_who_asked_for_less_motion(dev_site):
    """Under prefers-reduced-motion, the stylesheet stops every animation, transition
    and smooth scroll (the site has none today; this keeps any later one in check)."""
    with browser() as chromium:
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


def test_on_a_phone_the_title_comes_first_and_the_menu_folds(dev_site):
    """At 375 × 667, every page type's <h1> starts within 200 px of the top, in the
    three languages; the menu is a <details> (its state announced by the browser) that
    opens by touch, mouse or keyboard without JavaScript; the language switcher stays in
    view. Wide screens show the whole menu."""
    with browser() as chromium:
        session = BrowserSession(dev_site, chromium)
        phone = session.new_page(375, height=667, javascript=False)
        for path in representative_pages(dev_site):
            if dev_site.page_type(path) in ("chooser", "root-not-found"):
                continue  # the trilingual root pages: a title and three links, no menu
            session.visit(phone, path)
            top = phone.evaluate("document.querySelector('h1').getBoundingClientRect().top")
            assert top <= 200, (dev_site.relative(path), top)
            assert phone.locator(".epc-language-switcher a").first.is_visible()
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
        assert desktop.locator(".epc-nav--wide .epc-nav__link").count() == 6
        assert all(link.is_visible() for link in
                   desktop.locator(".epc-nav--wide .epc-nav__link").all())
        assert not desktop.locator("details.epc-menu").is_visible()
