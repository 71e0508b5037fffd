"""A fourth language by configuration: a copy of the project declares Portuguese
(`pt`) in pelicanconf.py's SITE_LANGUAGES, as docs/architecture.md ("A new
language") tells a maintainer to, with a catalog, a text in every data field and
a version of every page and of one news item, all made here and marked as test
text (the real site has no Portuguese). One publish build with the quality gates
(--check) is read by every test: pages, switcher, hreflang, feeds, sitemap,
search, sharing cards, the editor's configuration, nginx's negotiation."""

import runpy
import shutil

import pytest
import yaml
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from embassy import gates
from embassy.gates import BuiltSite
from embassy.hosting import negotiated_languages
from embassy.nginx import nginx_server
from helpers import (
    IN_CI,
    PRODUCTION_URL,
    ROOT,
    assert_refused,
    copy_project,
    edit_source,
    front_matter,
    made_once,
    run_build,
    run_gate,
)

TEST_TEXT = "Texto de teste (não publicar)"  # every Portuguese text here says it is a test's
PORTUGUESE = '''    "pt": {
        "locale": "pt_BR",
        "site_name": "Embaixada do Peru no Canadá (teste)",
        "description": "Texto de teste (não publicar): a descrição do site em português.",
        "sections": {"news": "noticias", "category": "categoria", "archives": "arquivo",
                     "page": "pagina", "drafts": "rascunhos", "search": "pesquisa"},
        "categories": {"news": "Comunicados", "events": "Eventos"},
    },
'''
NEWS = "air-services-agreement"  # the one news item, from the test corpus


def declare_portuguese(project):
    """Step 1 of "A new language": the language's entry in SITE_LANGUAGES."""
    edit_source(project, "pelicanconf.py", '    },\n}\nDEFAULT_LANG = "en"',
                f'    }},\n{PORTUGUESE}}}\nDEFAULT_LANG = "en"')


def write_catalog(project):
    """Step 2: translations/pt/, every string of the theme 'translated' as test text."""
    with (project / "translations" / "messages.pot").open("rb") as file:
        template = read_po(file)
    catalog = Catalog(locale="pt", domain="messages")
    for message in template:
        if not message.id:
            continue
        string = (tuple(f"[pt] {form}" for form in (message.id[0], message.id[1]))
                  if message.pluralizable else f"[pt] {message.id}")
        catalog.add(message.id, string, flags=message.flags - {"fuzzy"})
    folder = project / "translations" / "pt" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.po").open("wb") as file:
        write_po(file, catalog)


def with_portuguese(value):
    """A data file's value with a 'pt' text beside each English text (not addresses)."""
    if isinstance(value, list):
        return [with_portuguese(item) for item in value]
    if not isinstance(value, dict):
        return value
    value = {key: with_portuguese(item) for key, item in value.items()}
    english, languages = value.get("en"), {"en", "es", "fr"}
    translated = languages >= set(value) or languages <= set(value)  # or with a 'rule'
    if isinstance(english, str) and translated and not english.startswith("http"):
        value["pt"] = f"{TEST_TEXT}: {english}"
    return value


def translate_data(project):
    """Step 3: a 'pt' text in every translated field of content/data/."""
    for path in (project / "content" / "data").glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        path.write_text(yaml.safe_dump(with_portuguese(data), allow_unicode=True,
                                       sort_keys=False), encoding="utf-8")


def portuguese_version(english, slug, title):
    """Step 4: an item's index.pt.md, from its English one's metadata, test text as body."""
    meta = front_matter(english)
    meta.update(title=f"{title} (teste)", slug=slug, summary=f"{TEST_TEXT}: {title}.")
    def dumped(value):
        return yaml.safe_dump(value, allow_unicode=True).strip().removesuffix("...").strip()

    lines = [f"{name}: {dumped(value)}" for name, value in meta.items()]
    english.with_name("index.pt.md").write_text(
        "---\n" + "\n".join(lines) + f"\n---\n\n{TEST_TEXT}. Esta página existe só para o "
        "teste de uma quarta língua.\n", encoding="utf-8")


def portuguese_project(folder):
    project = copy_project(folder, corpus=False)
    shutil.copytree(ROOT / "tests" / "corpus" / "news" / NEWS, project / "content" / "news" / NEWS)
    declare_portuguese(project)
    write_catalog(project)
    translate_data(project)
    for page in sorted((project / "content" / "pages").iterdir()):
        portuguese_version(page / "index.en.md", f"teste-{page.name}", f"Página {page.name}")
    portuguese_version(project / "content" / "news" / NEWS / "index.en.md", "noticia-de-teste",
                       "Notícia de teste")
    return project


@pytest.fixture(scope="session")
def pt_site(tmp_path_factory):
    """The Portuguese project, published: the one build here, made once for the run
    (its gates' test starts first, with the slow ones, and the others follow)."""
    def build(folder):
        project = portuguese_project(folder / "project")
        result = run_build("publishconf.py", project / "output", cwd=project)
        assert result.returncode == 0, result.stderr + result.stdout

    return BuiltSite(made_once(tmp_path_factory, "pt", build) / "project" / "output",
                     PRODUCTION_URL)


class NewPages(BuiltSite):
    """The build as the quality gates see it, less the English, Spanish and French
    pages: the gates check those on the site itself (tests/test_gates.py), and
    here they would take three quarters of the time again."""

    def html_files(self):
        return [path for path in super().html_files()
                if self.relative(path).split("/")[0] not in ("en", "es", "fr")]


@pytest.mark.slow
def test_the_publish_gates_pass(pt_site):
    """Each gate `invoke publish` runs (--check), on the Portuguese pages, the root's
    and the editor's, the feeds, the files."""
    site = NewPages(pt_site.root, PRODUCTION_URL)
    assert any(site.relative(path).startswith("pt/") for path in site.html_files())
    for name, (check, _unit) in gates.GATES.items():
        count, problems = run_gate(check, site)
        assert count and not problems, (name, problems[:10])


def test_every_page_is_built_in_portuguese(pt_site):
    pages = [path.relative_to(pt_site.root).as_posix()
             for path in pt_site.root.glob("pt/**/index.html")]
    for page in ("pt/index.html", "pt/teste-about/index.html", "pt/noticias/index.html",
                 "pt/noticias/noticia-de-teste/index.html", "pt/arquivo/index.html",
                 "pt/pesquisa/index.html", "pt/categoria/comunicados/index.html"):
        assert page in pages, pages
    soup = pt_site.soup(pt_site.root / "pt" / "teste-about" / "index.html")
    assert soup.html["lang"] == "pt"
    assert TEST_TEXT in soup.get_text()
    assert (pt_site.root / "pt" / "404.html").exists()


def test_the_catalog_speaks_on_portuguese_pages(pt_site):
    text = pt_site.soup(pt_site.root / "pt" / "index.html").get_text()
    assert "[pt] " in text


def test_the_switcher_and_hreflang_name_portuguese(pt_site):
    for lang in ("en", "pt"):
        soup = pt_site.soup(pt_site.root / lang / "index.html")
        switcher = {link["hreflang"]: link.get_text(strip=True)
                    for link in soup.select("a.epc-language-switcher__link")}
        alternates = {link["hreflang"]: link["href"]
                      for link in soup.select('link[rel="alternate"][hreflang]')}
        assert "pt" in alternates and alternates["pt"].endswith("/pt/"), alternates
        # Babel names the language; the page being read is not linked to itself
        assert switcher.get("pt", "Português") == "Português" and len(switcher) >= 3, switcher
    chooser = pt_site.soup(pt_site.root / "index.html")
    assert chooser.select_one('a[hreflang="pt"]').get_text(strip=True) == "Português"


def test_portuguese_feeds_carry_the_news(pt_site):
    feed = (pt_site.root / "pt" / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    assert 'xml:lang="pt"' in feed or "<language>pt" in feed or 'lang="pt"' in feed, feed[:400]
    assert "Notícia de teste" in feed
    assert (pt_site.root / "pt" / "feeds" / "all.rss.xml").exists()
    assert (pt_site.root / "pt" / "feeds" / "comunicados.atom.xml").exists()


def test_the_sitemap_lists_portuguese_pages_with_their_alternates(pt_site):
    sitemap = (pt_site.root / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{PRODUCTION_URL}/pt/teste-about/</loc>" in sitemap
    assert 'hreflang="pt"' in sitemap


def test_portuguese_has_its_own_search_index(pt_site):
    assert (pt_site.root / "pagefind" / "pt" / "pagefind.js").exists()
    entry = (pt_site.root / "pagefind" / "pt" / "pagefind-entry.json").read_text()
    assert '"pt' in entry


def test_portuguese_pages_have_their_sharing_cards(pt_site):
    soup = pt_site.soup(pt_site.root / "pt" / "noticias" / "noticia-de-teste" / "index.html")
    image = soup.select_one('meta[property="og:image"]')["content"]
    assert pt_site.file_for(image).is_file(), image
    locale = soup.select_one('meta[property="og:locale"]')["content"]
    assert locale == "pt_BR"


def test_the_editor_writes_portuguese(pt_site):
    config = yaml.safe_load((pt_site.root / "admin" / "config.yml").read_text(encoding="utf-8"))
    assert config["i18n"]["locales"] == ["en", "es", "fr", "pt"], config["i18n"]


def test_nginx_sends_portuguese_readers_to_pt(pt_site, tmp_path):
    from test_nginx import get

    assert negotiated_languages(pt_site.root) == ["en", "es", "fr", "pt"]
    try:
        with nginx_server(pt_site.root, tmp_path / "nginx") as base:
            response, _body = get(base, "/", **{"Accept-Language": "pt-BR,pt;q=0.9,en;q=0.8"})
            assert (response.status, response.getheader("Location")) == (302, "/pt/")
            response, _body = get(base, "/", **{"Accept-Language": "fr;q=0.5, pt;q=0.6"})
            assert response.getheader("Location") == "/pt/"
            response, body = get(base, "/pt/nada/")
            assert response.status == 404 and b'<html lang="pt">' in body
    except FileNotFoundError as error:
        if IN_CI:
            raise
        pytest.skip(str(error))


# What the build refuses, naming the file, the field and the fix: quick builds, which
# stop before reading any content.

@pytest.fixture
def declared_only(tmp_path):
    project = copy_project(tmp_path / "project", corpus=False)
    declare_portuguese(project)
    output = project / "output"
    output.mkdir()
    (output / "last-good.txt").write_text("kept")
    return project, output


def test_a_language_without_its_catalog_or_its_data_is_refused(declared_only):
    project, output = declared_only
    assert_refused(run_build("pelicanconf.py", output, cwd=project), output,
                   "translations/pt/LC_MESSAGES/messages.po: the 'pt' catalog is missing.",
                   "run 'invoke translations' to create it, then translate it.")
    write_catalog(project)
    assert_refused(run_build("pelicanconf.py", output, cwd=project), output,
                   "content/data/", "it needs a text in each language.",
                   "give it the sub-fields en, es, fr, pt, each with a text.")


def test_a_language_declared_in_part_is_refused(declared_only):
    project, output = declared_only
    write_catalog(project)  # the fast build checks the catalogs before Pelican starts
    edit_source(project, "pelicanconf.py", '"search": "pesquisa"', '"search": "Pesquisa!"')
    edit_source(project, "pelicanconf.py", '"locale": "pt_BR"', '"locale": "pt"')
    assert_refused(run_build("pelicanconf.py", output, cwd=project), output,
                   "pelicanconf.py (SITE_LANGUAGES['pt']['locale']): 'pt' is not a locale of "
                   "'pt' with its country.", "language_COUNTRY, e.g. 'es_PE', 'fr_CA'.")


def test_each_missing_word_of_a_declaration_is_named():
    from types import SimpleNamespace

    from embassy.errors import SiteError
    from embassy.languages import check_declaration
    declared = runpy.run_path(str(ROOT / "pelicanconf.py"))["SITE_LANGUAGES"]
    portuguese = {**declared["es"], "locale": "pt_PT", "sections": {**declared["es"]["sections"]},
                  "categories": {"news": "Comunicados"}}
    del portuguese["sections"]["search"]
    for problem, fix in [
        ("the section 'search' has no word for the language's URLs.", "write 'search' and its "
         "word in the language, in lower case, words joined by '-' (e.g. 'noticias')."),
        ("the news category 'events' has no name in the language.",
         "write 'events' and its name in the language."),
    ]:
        with pytest.raises(SiteError) as refused:
            check_declaration(SimpleNamespace(settings={
                "DEFAULT_LANG": "en", "SITE_LANGUAGES": {**declared, "pt": portuguese}}))
        assert refused.value.path == "pelicanconf.py" and refused.value.problem == problem
        assert refused.value.fix == fix
        portuguese["sections"]["search"] = "pesquisa"
