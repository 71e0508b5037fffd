"""The browser editor (/admin/, Sveltia CMS): its configuration follows the settings
the build checks against; it opens in Chromium, served by nginx, under its own strict
policy and without an error; and a news item a staff member writes in it, in three
languages, with an image described in each, is built and published.

The editor works on a copy of the project's content in the browser's origin-private
file system, handed to it in place of the folder picker: Sveltia's local repository
mode, as on a staff member's computer with `make serve`, which saves into the folder
(Sveltia's editorial workflow, configured here, is GitHub's only). GitHub itself is not
reached (no network here): its status check, which the sign-in page makes, is answered
by the test; signing in with a token, the pull requests and Publish are Sveltia's own
code, configured by admin.py and checked by test_editor_configuration_follows_the_settings.

The steps are photographed as they go: with SCREENSHOTS=docs/images, as the writing
guides' pictures (SCREENSHOTS=docs/images .venv/bin/python -m pytest tests/test_editor.py).
"""

import base64
import json
import os
import re
import runpy
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from babel import Locale
from bs4 import BeautifulSoup
from PIL import Image
from playwright.sync_api import expect

from embassy import admin, run_summary, sources
from embassy.content import SLUG
from embassy.images import FORMATS
from embassy.nginx import nginx_server
from helpers import IN_CI, NOTICE, PRODUCTION_URL, ROOT, copy_project, run_build

SETTINGS = runpy.run_path(str(ROOT / "pelicanconf.py"))
SCREENSHOTS = os.environ.get("SCREENSHOTS")
NEWS_ITEM = {  # what the staff member writes, in each language
    "en": ("Official visit to Ottawa", "official-visit-to-ottawa",
           "The minister visited Ottawa.", "The minister visited Ottawa on 28 November.",
           "The minister at the embassy in Ottawa"),
    "es": ("Visita oficial a Ottawa", "visita-oficial-a-ottawa",
           "El ministro visitó Ottawa.", "El ministro visitó Ottawa el 28 de noviembre.",
           "El ministro en la Embajada en Ottawa"),
    "fr": ("Visite officielle à Ottawa", "visite-officielle-a-ottawa",
           "Le ministre a visité Ottawa.", "Le ministre a visité Ottawa le 28 novembre.",
           "Le ministre à l’ambassade à Ottawa"),
}
NAMES = ("en", "es", "fr")
# The editor's interface language for a browser's (Sveltia CMS ships es-CO for Spanish).
EDITOR_LOCALES = {"en-CA": "en-CA", "es-PE": "es-CO"}
# The browser's origin-private file system stands for the checkout: a folder with .git.
PICK_CHECKOUT = """
window.showDirectoryPicker = async () =>
  (await navigator.storage.getDirectory()).getDirectoryHandle('checkout', { create: true });
window.__problems = [];
document.addEventListener('securitypolicyviolation', (event) =>
  window.__problems.push(`policy: ${event.violatedDirective} ${event.blockedURI}`));
"""
WRITE_CHECKOUT = """async (files) => {
  const root = await navigator.storage.getDirectory();
  await root.removeEntry('checkout', { recursive: true }).catch(() => {});
  const top = await root.getDirectoryHandle('checkout', { create: true });
  for (const [path, base64] of Object.entries(files)) {
    const parts = path.split('/');
    let folder = top;
    for (const part of parts.slice(0, -1)) {
      folder = await folder.getDirectoryHandle(part, { create: true });
    }
    const writer = await (await folder.getFileHandle(parts.at(-1), { create: true }))
      .createWritable();
    await writer.write(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
    await writer.close();
  }
}"""
# Polled while the editor saves: a file being written cannot be read (NotReadableError)
# until the editor's writer closes it; that is "not yet".
HAS_TEXT = """async ([path, text]) => {
  try {
    let folder = await (await navigator.storage.getDirectory()).getDirectoryHandle('checkout');
    const parts = path.split('/');
    for (const part of parts.slice(0, -1)) folder = await folder.getDirectoryHandle(part);
    const file = await (await folder.getFileHandle(parts.at(-1))).getFile();
    return (await file.text()) === text;
  } catch {
    return false;
  }
}"""
READ_CHECKOUT = """async () => {
  const files = {};
  const walk = async (folder, prefix) => {
    for await (const [name, handle] of folder.entries()) {
      if (handle.kind === 'directory') await walk(handle, `${prefix}${name}/`);
      else {
        const bytes = new Uint8Array(await (await handle.getFile()).arrayBuffer());
        files[`${prefix}${name}`] = btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(''));
      }
    }
  };
  await walk(await (await navigator.storage.getDirectory()).getDirectoryHandle('checkout'), '');
  return files;
}"""


# --- The configuration ---------------------------------------------------------------

def _collections():
    config = admin.config({**SETTINGS, "EDITOR_REPOSITORY": "embassy/site"}, ROOT)
    return config, {collection["name"]: collection for collection in config["collections"]}


def test_editor_configuration_follows_the_settings():
    config, collections = _collections()
    languages = list(SETTINGS["LANGUAGES"])
    assert config["i18n"] == {"structure": "multiple_files", "locales": languages,
                              "default_locale": SETTINGS["DEFAULT_LANG"]}
    assert config["backend"] == {"name": "github", "repo": "embassy/site", "branch": "main",
                                 "auth_methods": ["token"]}
    # on GitHub, each save is a branch and a pull request, which the required content-only
    # check must pass before Publish merges it (.github/workflows/content-only.yml)
    assert config["publish_mode"] == "editorial_workflow"
    # no collection opts out (publish_mode: simple would commit straight onto main)
    assert all("publish_mode" not in collection and "publish" not in collection
               for collection in config["collections"])
    assert config["media_libraries"]["stock_assets"] is False  # no third-party images
    # text between double quotes, so that YAML 1.1 (the build) reads what 1.2 (the editor)
    # wrote: a title "No" or "1944" stays text
    assert config["output"]["yaml"] == {"quote": "double"}
    # folder names (keys) that the build accepts; photos in the formats it publishes
    assert config["slug"] == {"encoding": "ascii", "clean_accents": True}
    content = Path(SETTINGS["PATH"]).relative_to(ROOT).as_posix()
    for name, paths in (("news", "ARTICLE_PATHS"), ("pages", "PAGE_PATHS")):
        collection = collections[name]
        assert collection["folder"] == f"{content}/{SETTINGS[paths][0]}"
        for lang in languages:
            # where the editor writes an item (multiple_files: <path>.<locale>.<extension>)
            written = (ROOT / collection["folder"] / collection["path"].replace(
                "{{slug}}", "an-item")).with_name(f"index.{lang}.{collection['extension']}")
            assert sources.path_fields(written, SETTINGS) == {"key": "an-item", "lang": lang}
        fields = {field["name"]: field for field in collection["fields"]}
        # every field the editor asks for is required (Sveltia's default), but the photo
        # (the build requires its description when there is one); in each language or
        # once for all
        assert [name for name, field in fields.items() if field.get("required") is False] == [
            "image", "image_alt"]
        assert {name for name, field in fields.items() if field.get("i18n") is True} == {
            "title", "slug", "summary", "image_alt", "body"}
        slug = re.compile(fields["slug"]["pattern"][0])
        for sample in ("official-visit", "a1", "visita-oficial-2026", "Visita", "visita oficial",
                       "visita--oficial", "-visita", "visité", "../es/index", ""):
            assert bool(slug.search(sample)) == bool(SLUG.fullmatch(sample)), sample
        status = [option["value"] for option in fields["status"]["options"]]
        assert status == ["draft", "published"] and fields["status"]["default"] == "draft"
    news = {field["name"]: field for field in collections["news"]["fields"]}
    assert [option["value"] for option in news["category"]["options"]] == list(
        SETTINGS["CATEGORIES"])
    for option in news["category"]["options"]:
        for lang in languages:
            assert SETTINGS["CATEGORIES"][option["value"]][lang] in option["label"]
    # the dates the editor writes are dates the build reads, in Ottawa time
    assert news["date"]["format"] == "YYYY-MM-DD HH:mm"
    assert news["date"]["input_timezone"] == SETTINGS["TIMEZONE"]
    assert {f".{kind.split('/')[1]}" for kind in news["image"]["accept"].split(", ")} <= set(
        FORMATS) and "image/jpeg" in news["image"]["accept"]
    sources.check_date(Path("news"), "2026-11-28 10:30", 3)
    assert list(news) == ["title", "date", "category", "slug", "summary", "status", "image",
                          "image_alt", "body"]


def test_editor_is_left_out_saying_so_without_its_package(tmp_path):
    project = copy_project(tmp_path / "project", corpus=False)
    shutil.rmtree(project / "admin" / "dist")
    result = run_build("pelicanconf.py", tmp_path / "output", cwd=project, siteurl="")
    assert result.returncode == 0, result.stderr
    assert "The browser editor (/admin/) is left out: it is not installed" in result.stdout
    assert not (tmp_path / "output" / "admin").exists()
    assert (tmp_path / "output" / "en" / "index.html").exists()
    required = project / "requiredconf.py"
    required.write_text("from pelicanconf import *\nEDITOR_REQUIRED = True\n")
    result = run_build("requiredconf.py", tmp_path / "output", cwd=project, siteurl="")
    assert result.returncode == 1
    assert "admin/package-lock.json: the browser editor is not installed" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("siteurl, origin", [
    ("https://owner.github.io/embassy", "https://owner.github.io"),  # a project site
    ("https://Owner.GitHub.io/embassy/", "https://owner.github.io"),
    ("https://owner.github.io", None),  # the owner's user site, at the root
    ("https://owner.github.io/", None),
    ("https://embassyofperu.ca", None),  # a custom domain
    ("https://www.example.org/embassy", None),  # a path of a domain of its own
    ("", None),  # a development build
])
def test_editor_knows_a_shared_github_pages_origin(siteurl, origin):
    assert admin.shared_origin(siteurl) == origin


def test_editor_is_left_out_at_a_github_pages_project_address(tmp_path):
    """The editor keeps the staff member's token in the browser, for its origin; at a
    project address every GitHub Pages site of the owner shares that origin. The site is
    built without /admin/, and the build says why in one line."""
    project = copy_project(tmp_path / "project", corpus=False)
    output = tmp_path / "output"
    result = run_build("publishconf.py", output, cwd=project,
                       siteurl="https://owner.github.io/embassy")
    assert result.returncode == 0, result.stderr
    assert [line for line in result.stdout.splitlines() if "(/admin/)" in line] == [
        "The browser editor (/admin/) is left out: at https://owner.github.io/embassy it "
        "would share its origin, https://owner.github.io, with every GitHub Pages site of "
        "owner, any of which could read the staff's token; give the site a custom domain "
        "(README.md, \"A custom domain for the editor\")."]
    assert not (output / "admin").exists()
    assert (output / "en" / "index.html").exists()


# --- In the browser -------------------------------------------------------------------

@pytest.fixture(scope="module")
def editor_project(tmp_path_factory):
    """The site's own content (no news yet), built for production as the Pages workflow
    does, with the editor."""
    project = copy_project(tmp_path_factory.mktemp("editor") / "project", corpus=False)
    if not (project / "admin" / "dist").exists():
        if IN_CI:
            pytest.fail("CI must test the editor: it is not installed (make does it)")
        pytest.skip("the editor is not installed: npm ci --prefix admin; "
                    "npm run --prefix admin build")
    result = run_build("publishconf.py", project / "output", cwd=project,
                       siteurl=PRODUCTION_URL)
    assert result.returncode == 0, result.stderr + result.stdout
    return project


@pytest.fixture(scope="module")
def editor_url(editor_project, tmp_path_factory):
    try:
        with nginx_server(editor_project / "output", tmp_path_factory.mktemp("nginx")) as base:
            # the local repository mode is offered on localhost only
            yield base.replace("127.0.0.1", "localhost") + "/admin/"
    except FileNotFoundError as error:
        if IN_CI:
            pytest.fail(f"CI must test with nginx: {error}")
        pytest.skip(str(error))


def _open_editor(chromium, url, locale="en-CA"):
    """(the editor's page, the problems it logs, the page's response)."""
    page = chromium.new_page(viewport={"width": 1280, "height": 900}, locale=locale)
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(
        f"console: {message.text}"))
    page.on("pageerror", lambda error: problems.append(f"error: {error}"))
    page.on("request", lambda request: request.url.startswith(
        ("http://localhost:", "blob:", "data:", "https://www.githubstatus.com/"))
        or problems.append(f"request to another host: {request.url}"))
    page.route("https://www.githubstatus.com/**", lambda route: route.fulfill(
        json={"status": {"indicator": "none", "description": "All Systems Operational"}}))
    page.add_init_script(PICK_CHECKOUT)
    with page.expect_request("https://www.githubstatus.com/**"):  # the sign-in page asks it
        response = page.goto(url)
    page.locator("button").first.wait_for()
    page.evaluate("document.fonts.ready")  # the fonts, from the site
    return page, problems, response


def _problems(page, problems):
    """What the page logged: console errors, page errors, requests to other hosts, and
    the policy's violations."""
    return problems + page.evaluate("window.__problems")


def _words(locale):
    """The editor's own words the tests use, in the language it shows a browser set to
    locale (from the package's locale files, as the editor reads them)."""
    folder = ROOT / "admin" / "node_modules" / "@sveltia" / "cms" / "locales"
    strings = json.loads((folder / f"{EDITOR_LOCALES[locale]}.json").read_text("utf-8"))
    saved = re.search(r"one \{\{(.*?)\}\}", strings["entry_saved"])[1]  # MessageFormat 2
    names = Locale.parse(locale, sep="-").languages
    return {"local": strings["work_with_local_repo"], "new": strings["create_new_entry"],
            "save": strings["save"], "saved": saved, "browse": strings["browse"],
            "insert": strings["insert"],
            **{lang: names[lang][0].upper() + names[lang][1:] for lang in NAMES}}


@pytest.fixture
def editor(editor_url, request, chromium):
    """(the editor's page in Chromium, the problems it logged, its response, its words),
    in the language of request.param (a browser locale; English by default)."""
    locale = getattr(request, "param", "en-CA")
    words = _words(locale)
    page, problems, response = _open_editor(chromium, editor_url, locale)
    page.get_by_role("button", name=words["local"]).wait_for()
    yield page, problems, response, words


@pytest.mark.parametrize("locale, sign_in", [
    ("es-PE", "Iniciar sesión con un token de acceso"),
    ("fr-CA", "Se connecter avec un jeton d’accès"),
])
def test_editor_speaks_the_staff_members_language(editor_url, locale, sign_in, chromium):
    """The editor's own words in the browser's language, from the site (no CDN)."""
    page, problems, _response = _open_editor(chromium, editor_url, locale)
    page.get_by_role("button", name=sign_in).wait_for()
    assert _problems(page, problems) == []


def _screenshot(shown, name, words, folder):
    """A picture for the writing guides of the page, or of one part of it (a locator):
    docs/images/editor-<name>.<en|es>.png when SCREENSHOTS=docs/images, else into the
    test's folder."""
    folder = Path(SCREENSHOTS or folder)
    folder.mkdir(parents=True, exist_ok=True)
    lang = "es" if words["save"] != "Save" else "en"
    shown.screenshot(path=str(folder / f"editor-{name}.{lang}.png"),
                     animations="disabled")  # transitions at their end


def _open_checkout(page, project, words):
    """Hand the editor a copy of the project's content, as its folder picker would;
    return its files {path: bytes}."""
    files = {".git/HEAD": b"ref: refs/heads/main\n"}
    files.update((path.relative_to(project).as_posix(), path.read_bytes())
                 for path in (project / "content").rglob("*") if path.is_file())
    page.evaluate(WRITE_CHECKOUT, {path: base64.b64encode(data).decode()
                                   for path, data in files.items()})
    page.get_by_role("button", name=words["local"]).click()
    page.get_by_role("button", name=words["new"]).first.wait_for()
    return files


def _changed_files(page, before):
    """{path: bytes} of the files the editor wrote or changed in the checkout."""
    after = {path: base64.b64decode(data) for path, data in page.evaluate(READ_CHECKOUT).items()}
    assert set(before) <= set(after), "the editor removed files"
    return {path: data for path, data in after.items() if before.get(path) != data}


def test_editor_opens_under_its_own_policy_without_errors(editor, editor_project):
    page, problems, response, _words = editor
    assert page.get_by_role("button", name="Sign In Using Access Token").is_visible()
    policy = SETTINGS["EDITOR_CONTENT_SECURITY_POLICY"]
    assert response.headers["content-security-policy"] == policy
    assert "script-src 'self';" in policy and "unsafe-eval" not in policy
    html = BeautifulSoup((editor_project / "output/admin/index.html").read_text(), "lxml")
    assert html.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert not html.find("script", src=False)  # no inline script
    config = yaml.safe_load((editor_project / "output/admin/config.yml").read_text())
    assert config == admin.config({**SETTINGS, "PATH": str(editor_project / "content")},
                                  editor_project)
    # left out of the sitemap and of search
    sitemap = (editor_project / "output/sitemap.xml").read_text()
    assert "/admin" not in sitemap and "/en/" in sitemap
    assert not list((editor_project / "output").glob("pagefind*/**/*admin*"))
    assert _problems(page, problems) == []


def _field(page, pane, name):
    """A field of the left (0) or right (1) pane."""
    return page.locator(f'section[data-key-path="{name}"]').nth(pane)


def _write(page, pane, lang):
    """Write the item's text in one language, and describe its photo."""
    title, slug, summary, body, description = NEWS_ITEM[lang]
    # the text first: its editor keeps what is typed once the next field is used
    _field(page, pane, "body").locator("[contenteditable=true]").fill(body)
    _field(page, pane, "title").locator("input").fill(title)
    _field(page, pane, "slug").locator("input").fill(slug)
    _field(page, pane, "summary").locator("input").fill(summary)
    _field(page, pane, "image_alt").locator("input").fill(description)


def _upload_photo(page, photo, words):
    """Upload the item's photo (one for the three languages: in the first pane)."""
    _field(page, 0, "image").get_by_role("button", name=words["browse"]).click()
    dialog = page.get_by_role("dialog")
    dialog.locator("input[type=file]").set_input_files(photo)
    dialog.get_by_role("button", name=words["insert"]).click()
    _field(page, 0, "image").get_by_text("photo.jpg").wait_for()


def _show_in_right_pane(page, lang, words):
    page.get_by_role("radio", name=words[lang]).nth(1).click()
    page.locator('section[data-key-path="title"]').nth(1).locator("input").wait_for()


@pytest.mark.parametrize("editor", ["en-CA", "es-PE"], indirect=True)
def test_staff_member_writes_a_news_item_in_three_languages(editor, editor_project, tmp_path):
    page, problems, _response, words = editor
    _screenshot(page, "sign-in", words, tmp_path)
    before = _open_checkout(page, editor_project, words)
    _screenshot(page, "collections", words, tmp_path)
    page.get_by_role("button", name=words["new"]).first.click()
    page.locator('section[data-key-path="date"] input').first.fill("2026-11-28T10:30")
    _screenshot(_field(page, 0, "date"), "date", words, tmp_path)  # publishing at a time
    page.get_by_role("radio", name=re.compile("^Events")).first.click()
    photo = tmp_path / "photo.jpg"
    Image.new("RGB", (1600, 1000), (217, 16, 35)).save(photo)
    _upload_photo(page, photo, words)
    _write(page, 0, "en")
    # the right pane shows the preview at first: the item as the site will
    page.frame_locator("iframe.preview").get_by_text(NEWS_ITEM["en"][0]).first.wait_for()
    _screenshot(page, "preview", words, tmp_path)
    _show_in_right_pane(page, "es", words)
    _write(page, 1, "es")
    _show_in_right_pane(page, "fr", words)
    _write(page, 1, "fr")
    page.get_by_role("radio", name=re.compile("^Published")).first.click()
    for pane in (0, 1):
        _field(page, pane, "title").scroll_into_view_if_needed()
    _screenshot(page, "new-item", words, tmp_path)
    page.get_by_role("button", name=words["save"]).click()
    page.get_by_text(words["saved"]).wait_for()
    page.wait_for_url(re.compile(r"#/collections/news$"))  # back to the list of news
    page.get_by_role("button", name=words["new"]).first.wait_for()
    _screenshot(page, "saved", words, tmp_path)
    saved = _changed_files(page, before)
    _show_notice_form(page, words)
    _screenshot(page, "notice", words, tmp_path)
    lang = "es" if words["save"] != "Save" else "en"
    assert {path.name for path in Path(SCREENSHOTS or tmp_path).glob(f"editor-*.{lang}.png")} == {
        f"editor-{name}.{lang}.png" for name in ("sign-in", "collections", "date", "preview",
                                                 "new-item", "saved", "notice")}
    folder = "content/news/official-visit-to-ottawa"
    assert sorted(saved) == [
        f"{folder}/index.en.md", f"{folder}/index.es.md", f"{folder}/index.fr.md",
        f"{folder}/photo.jpg"]
    for lang, (title, slug, summary, body, description) in NEWS_ITEM.items():
        text = saved[f"{folder}/index.{lang}.md"].decode("utf-8")
        assert text == (f'---\ntitle: "{title}"\ndate: "2026-11-28 10:30"\n'
                        f'category: "events"\nslug: "{slug}"\nsummary: "{summary}"\n'
                        f'status: "published"\nimage: "photo.jpg"\n'
                        f'image_alt: "{description}"\n---\n\n{body}\n')
    assert _problems(page, problems) == []

    # Saved into the checkout, the item is built and published in its three languages.
    project = copy_project(tmp_path / "project", corpus=False)
    for path, data in saved.items():
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_bytes(data)
    output = tmp_path / "output"
    result = run_build("publishconf.py", output, cwd=project, siteurl=PRODUCTION_URL)
    assert result.returncode == 0, result.stderr + result.stdout
    sections = {lang: SETTINGS["SECTIONS"][lang]["news"] for lang in NEWS_ITEM}
    pages = {lang: output / lang / sections[lang] / NEWS_ITEM[lang][1] / "index.html"
             for lang in NEWS_ITEM}
    for lang, path in pages.items():
        html = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        assert html.h1.get_text(strip=True) == NEWS_ITEM[lang][0]
        image = html.find("img", alt=NEWS_ITEM[lang][4])
        assert image is not None and "srcset" in image.attrs, lang
        alternates = {link["hreflang"]: link["href"] for link in
                      html.find_all("link", rel="alternate", hreflang=True)}
        for other in NEWS_ITEM:
            assert alternates[other] == (f"{PRODUCTION_URL}/{other}/{sections[other]}/"
                                         f"{NEWS_ITEM[other][1]}/"), (lang, other)
        home = (output / lang / "index.html").read_text(encoding="utf-8")
        assert NEWS_ITEM[lang][1] in home, lang


def _show_notice_form(page, words):
    """A new notice, its English heading and text written (for the guides' picture;
    not saved): the collection Notices · Avisos, then New."""
    # once the news item's save is over (its "saved" gone): a form opened sooner loses the
    # heading typed into it, and the guides' picture would show that message
    page.get_by_text(words["saved"]).wait_for(state="hidden")
    page.get_by_text("Notices · Avisos", exact=True).first.click()
    page.get_by_role("button", name=words["new"]).first.click()
    title, text = NOTICE["en"]
    # the times of helpers.NOTICE, Ottawa time (start's default is now: the picture would
    # vary); then the texts (a time set afterwards would empty the heading)
    _field(page, 0, "start").locator("input").first.fill("2026-07-27T09:00")
    _field(page, 0, "end").locator("input").first.fill("2026-07-29T23:59")
    _field(page, 0, "title").locator("input").fill(title)
    _field(page, 0, "body").locator("textarea").fill(text)
    page.frame_locator("iframe.preview").get_by_text(title).first.wait_for()


def _edit_page(page, before, key, summary_end, text_end=None):
    """Open a page, add to its English summary (and text), save; return the file as the
    build expects it after those edits."""
    path = f"content/pages/{key}/index.en.md"
    original = before[path].decode("utf-8")
    fields = yaml.safe_load(original.split("---\n")[1])
    page.get_by_text("Pages · Páginas", exact=True).first.click()
    page.get_by_text(fields["title"], exact=True).first.click()
    _field(page, 0, "summary").locator("input").fill(fields["summary"] + summary_end)
    expected = original.replace(fields["summary"], fields["summary"] + summary_end)
    if text_end:
        text = _field(page, 0, "body").locator("[contenteditable=true]")
        text.click()
        text.press("Control+End")
        text.press_sequentially(text_end)
        expected = expected.rstrip("\n") + text_end + "\n"
    return path, expected.encode("utf-8")


def test_editor_keeps_the_files_it_did_not_change(editor, editor_project):
    """Changing a page's summary, and adding to its text, rewrites those lines only: the
    editor and the build share one format, byte for byte, links between pages and the
    fields the editor does not show (a page's template) included."""
    page, problems, _response, words = editor
    before = _open_checkout(page, editor_project, words)
    assert "{filename}" in before["content/pages/legal-framework/index.en.md"].decode()
    assert "template:" in before["content/pages/about/index.en.md"].decode()
    expected = {}
    for key, edits in (("legal-framework", (" Updated.", " More.")), ("about", (" Updated.",))):
        path, data = _edit_page(page, before, key, *edits)
        expected[path] = data
        page.get_by_role("button", name=words["save"]).click()
        page.wait_for_function(HAS_TEXT, arg=[path, data.decode("utf-8")])  # saved
    assert _changed_files(page, before) == expected
    assert _problems(page, problems) == []


def test_staff_can_zoom_the_editor(editor):
    """The editor adds a viewport tag of its own, with maximum-scale=1, when it starts;
    editor.js keeps every viewport tag free of zoom limits (WCAG 1.4.4: text can be
    enlarged to 200%; axe's meta-viewport rule)."""
    from axe_playwright_python.sync_playwright import Axe

    page, problems, _response, _words = editor
    viewports = page.evaluate("""() => Array.from(
        document.querySelectorAll('meta[name="viewport"]'), (meta) => meta.content)""")
    # the page's own tag, and the editor's (its other settings kept)
    assert len(viewports) == 2 and "interactive-widget=resizes-content" in viewports[1], viewports
    assert not [content for content in viewports
                if "maximum-scale" in content or "user-scalable" in content], viewports
    results = Axe().run(page, options={"runOnly": {"type": "rule", "values": ["meta-viewport"]}})
    assert results.response["violations"] == []
    assert [rule["id"] for rule in results.response["passes"]] == ["meta-viewport"]
    assert _problems(page, problems) == []



# What the preview frame shows of an item: its title and text, their look as the
# browser computes it from the stylesheets, and those stylesheets.
PREVIEW_LOOK = """(document) => {
  const look = (element) => {
    const style = getComputedStyle(element);
    return { text: element.innerText, font: style.fontFamily, size: style.fontSize,
             weight: style.fontWeight, color: style.color };
  };
  return { title: look(document.querySelector('section[data-key-path="title"]')),
           body: look(document.querySelector('section[data-key-path="body"]')),
           link: getComputedStyle(document.querySelector('section[data-key-path="body"] a')).color,
           styles: Array.from(document.querySelectorAll('link[rel=stylesheet]'),
                              (link) => link.href) };
}"""


def test_preview_shows_an_item_styled_as_the_site_in_the_panes_language(editor, editor_project):
    """Sveltia's preview pane, beside an item, shows it with the site's (fingerprinted)
    stylesheets, in the language of the pane it previews, under the editor's policy."""
    page, problems, _response, words = editor
    before = _open_checkout(page, editor_project, words)
    site_font = re.search(r"body \{[^}]*font-family: ([^;]+);",
                          (ROOT / "theme/static/css/site.css").read_text())[1]
    output = editor_project / "output"
    styles = [f"/theme/{name}" for name in ("css/site.css", "css/preview.css")]
    texts = {lang: before[f"content/pages/legal-framework/index.{lang}.md"].decode()
             for lang in ("en", "es")}
    page.get_by_text("Pages · Páginas", exact=True).first.click()
    page.get_by_text(yaml.safe_load(texts["en"].split("---\n")[1])["title"], exact=True).click()
    # the address of an item in the editor, as the run's summary links to it
    address = run_summary.editor_address(PRODUCTION_URL, Path(SETTINGS["PATH"]) / "pages" /
                                         "legal-framework" / "index.en.md", SETTINGS)
    page.wait_for_url(re.compile(re.escape(urlsplit(address).fragment) + "$"))
    for lang, text in texts.items():
        if lang != "en":  # the left pane in Spanish: the preview follows it
            page.get_by_role("radio", name=words[lang]).first.click()
        _front, fields, body = text.split("---\n", 2)
        frame = page.frame_locator("iframe.preview")
        frame.locator('section[data-key-path="body"]').get_by_text(
            body.strip().split(".")[0]).wait_for()
        expect(frame.locator("html")).to_have_attribute("lang", lang)
        look = frame.locator("html").evaluate(f"(html) => ({PREVIEW_LOOK})(html.ownerDocument)")
        # the stylesheets the site publishes, under their fingerprinted names
        assert [re.sub(r"\.[0-9a-f]{10}\.css$", ".css", urlsplit(url).path)
                for url in look["styles"]] == styles, look["styles"]
        assert all((output / urlsplit(url).path.lstrip("/")).is_file() for url in look["styles"])
        # the site's type and colours (site.css), the title as a page's heading
        assert look["title"]["text"] == yaml.safe_load(fields)["title"]
        assert look["title"]["font"] == look["body"]["font"] == site_font
        assert (look["title"]["size"], look["title"]["weight"]) == ("32px", "700")
        assert look["title"]["color"] == look["body"]["color"] == "rgb(27, 27, 27)"
        assert look["link"] == "rgb(158, 11, 27)"  # the site's link red
        # what the page does not show is not previewed either
        assert not frame.locator('section[data-key-path="summary"]').count()
    assert _problems(page, problems) == []
