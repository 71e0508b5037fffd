"""Embassy staff: one command scaffolds a news item in three languages; drafts are
previewed, never published; translation status; every mistake is named and the
last good output stays."""

import os
import subprocess
import sys
import time

import pytest
from PIL import Image

from helpers import (
    CORPUS,
    assert_refused,
    edit_source,
    field_line,
    front_matter,
    run_build,
    user_env,
)


def invoke(project, *args):
    """`invoke ARGS` in the project, with a user's environment (see test_commands)."""
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=project, env=user_env(),
                          capture_output=True, text=True, timeout=300)


def test_new_post_scaffolds_a_draft_in_three_languages(project_copy):
    result = invoke(project_copy, "new-post", "--title", "Visita oficial a Ottawa",
                    "--lang", "es", "--category", "events", "--date", "2026-11-28 10:30")
    assert result.returncode == 0, result.stderr
    folder = project_copy / "content" / "news" / "visita-oficial-a-ottawa"
    assert "change 'status: draft' to 'status: published'" in result.stdout
    assert sorted(path.name for path in folder.iterdir()) == [
        "index.en.md", "index.es.md", "index.fr.md"]
    for lang in ("en", "es", "fr"):
        assert f"content/news/visita-oficial-a-ottawa/index.{lang}.md" in result.stdout
        meta = front_matter(folder / f"index.{lang}.md")
        # the key and the language are the file's path, never written in it
        assert "key" not in meta and "lang" not in meta, meta
        assert meta["title"] == "Visita oficial a Ottawa"
        assert meta["slug"] == "visita-oficial-a-ottawa"
        assert meta["status"] == "draft" and meta["original"] == "es"
        assert str(meta["date"]) == "2026-11-28 10:30" and meta["category"] == "events"
        assert ("translated" in meta) == (lang != "es")
        assert meta.get("translated", False) is False  # YAML's false, not the text 'no'
    again = invoke(project_copy, "new-post", "--title", "Visita oficial a Ottawa")
    assert again.returncode != 0
    assert "already exists" in again.stderr + again.stdout


def test_new_post_dates_default_to_ottawa_time(project_copy):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    def today():
        return datetime.now(ZoneInfo("America/Toronto")).strftime("%Y-%m-%d")

    before = today()
    assert invoke(project_copy, "new-post", "--title", "Ottawa time").returncode == 0
    after = today()  # the command may run across midnight
    meta = front_matter(project_copy / "content/news/ottawa-time/index.en.md")
    assert str(meta["date"])[:10] in {before, after}, meta


@pytest.mark.parametrize("args,message", [
    (["--date", "2026-02-30"], "not a real date"),
    (["--category", "sports"], "'sports' is not a news category"),
    (["--lang", "de"], "'de' is not a language"),
])
def test_new_post_refuses_bad_options(project_copy, args, message):
    result = invoke(project_copy, "new-post", "--title", "Bad", *args)
    assert result.returncode != 0
    assert message in result.stderr + result.stdout


@pytest.mark.parametrize("title,message", [
    ("Visit\nstatus: published", "a line break or another control character"),
    ("Visit\x07 to Ottawa", "a line break or another control character"),
    ("\U0001F1F5\U0001F1EA \U0001F91D", "gives no usable key"),
    ("   ", "the title is empty"),
])
def test_new_post_refuses_a_title_that_breaks_the_header_or_the_key(project_copy, title, message):
    result = invoke(project_copy, "new-post", "--title", title)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Nothing was created." in result.stderr + result.stdout
    assert message in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    news = {p.name for p in (project_copy / "content" / "news").iterdir() if p.is_dir()}
    assert news == {p.name for p in (CORPUS / "news").iterdir()}  # no new folder
    assert not (project_copy / "content/news/bad").exists()


def test_drafts_are_previewed_with_a_notice_and_never_published(project_copy, tmp_path):
    assert invoke(project_copy, "new-post", "--title", "Draft preview").returncode == 0
    dev = run_build("pelicanconf.py", tmp_path / "dev", cwd=project_copy)
    assert dev.returncode == 0, dev.stderr
    draft = (tmp_path / "dev/fr/brouillons/draft-preview/index.html").read_text()
    assert "Brouillon" in draft and 'content="noindex"' in draft
    prod = run_build("publishconf.py", tmp_path / "prod", cwd=project_copy)
    assert prod.returncode == 0, prod.stderr
    assert not list((tmp_path / "prod").rglob("*draft-preview*"))
    assert "draft-preview" not in "".join(
        path.read_text() for path in (tmp_path / "prod").rglob("*.xml"))


def test_translation_status_reports_missing_and_outdated(project_copy):
    now = time.time()  # the copy has no history: each file's time is its last change
    for path in (project_copy / "content").rglob("index.*.md"):
        os.utime(path, (now, now))
    result = invoke(project_copy, "translations-status")
    assert result.returncode == 0, result.stdout
    assert "news/tax-convention-in-force" in result.stdout
    original = project_copy / "content/news/tax-convention-in-force/index.en.md"
    later = time.time() + 60
    os.utime(original, (later, later))
    spanish = project_copy / "content/news/cptpp-in-force-for-peru/index.es.md"
    spanish.unlink()
    result = invoke(project_copy, "translations-status")
    assert result.returncode == 1
    rows = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines()
            if line.startswith(("news/", "pages/"))}
    assert rows["news/tax-convention-in-force"] == ["published", "original", "outdated",
                                                    "outdated"]
    assert rows["news/cptpp-in-force-for-peru"] == ["published", "original", "missing",
                                                    "present"]
    assert "news/cptpp-in-force-for-peru: es" in result.stdout


def test_missing_language_builds_with_a_notice_but_blocks_publish(project_copy, good_output,
                                                                   tmp_path):
    (project_copy / "content/news/cptpp-in-force-for-peru/index.fr.md").unlink()
    dev = run_build("pelicanconf.py", tmp_path / "dev", cwd=project_copy)
    assert dev.returncode == 0, dev.stderr
    page = (tmp_path / "dev/en/news/cptpp-enters-into-force-for-peru/index.html").read_text()
    assert "Not yet available in:" in page and '<span lang="fr">Français</span>' in page
    prod = run_build("publishconf.py", good_output, cwd=project_copy)
    assert_refused(prod, good_output, "content/news/cptpp-in-force-for-peru/",
                   "'cptpp-in-force-for-peru' is not ready in: fr")


NEWS = "content/news/eighty-years-of-relations/index.fr.md"
QUOTE_FIX = "How to fix: put the value between double quotes"


# The metadata of the French file: line 1 is '---', title on line 2, date on line 3.
@pytest.mark.parametrize("old,new,messages", [
    (field_line("title"), "", [f"{NEWS} (title): the title is missing."]),
    (field_line("date"), "date: 29/01/2024\n",
     [f"{NEWS} (date): line 3: '29/01/2024' is not a date"]),
    (field_line("date"), "date: '2024-02-30'\n",
     [f"{NEWS} (date): line 3: '2024-02-30' is not a real date"]),
    (field_line("date"), "date: 2024-02-30\n",  # unquoted: YAML reads it as a date
     [f"{NEWS} (date): line 3: '2024-02-30' is not a real date"]),
    (field_line("date"), "", [f"{NEWS} (date): the date is missing."]),
    (field_line("category"), "category: sports\n",
     [f"{NEWS} (category): 'sports' is not a news category"]),
    # YAML: a value with ': ' in it needs quotes; the line is named
    (field_line("title"), 'title: Il a dit: "oui"\n',
     [f"{NEWS}: line 2: the metadata cannot be read (mapping values are not allowed here).",
      QUOTE_FIX]),
    (field_line("title"), "title: 1944\n",
     [f"{NEWS} (title): line 2: 'title' is read as int, not text.", QUOTE_FIX]),
    (field_line("summary"), "summary:\n  - un\n  - deux\n",
     [f"{NEWS} (summary): line 6: 'summary' holds a list, not one value."]),
    ("---\n", "---\nlang: fr\n",
     [f"{NEWS} (lang): line 2: 'lang' is not written in the file: it is the file's name "
      "(index.<lang>.md).", "How to fix: remove the line 'lang: …'."]),
    # the first '---' line missing (see below for a file without any)
    ("---\n", "", [f"{NEWS}: the file does not start with its metadata.",
                    "How to fix: Start it with a line '---'"]),
    ("{filename}/pages/agreements/index.fr.md", "{filename}/pages/agreement/index.fr.md",
     [f"{NEWS}: the link to '/pages/agreement/index.fr.md' points to a file that does not exist."]),
    ("Pour en savoir plus", "![]({static}photo.jpg) Pour en savoir plus",
     [f"{NEWS}: the link to 'photo.jpg'"]),
    ("Pour en savoir plus", '<p onclick="x()">Pour en savoir plus</p>',
     [f"{NEWS}: the text contains onclick= on <p>, which the site does not allow"]),
])
def test_content_mistakes_are_named(project_copy, good_output, old, new, messages):
    edit_source(project_copy, NEWS, old, new)
    assert_refused(run_build("pelicanconf.py", good_output, cwd=project_copy), good_output,
                   *messages)


def test_image_without_alt_text_is_named(project_copy, good_output):
    Image.new("RGB", (800, 400), "white").save(
        project_copy / "content/news/eighty-years-of-relations/photo.jpg")
    edit_source(project_copy, NEWS, "Pour en savoir plus",
                "![]({static}photo.jpg)\n\nPour en savoir plus")
    assert_refused(run_build("pelicanconf.py", good_output, cwd=project_copy), good_output,
                   f"{NEWS}: an image has no alternative text.")


def test_empty_non_utf8_and_headerless_files_are_named(project_copy, good_output):
    (project_copy / NEWS).write_text("  \n", encoding="utf-8")
    assert_refused(run_build("pelicanconf.py", good_output, cwd=project_copy), good_output,
                   f"{NEWS}: the file is empty.")
    (project_copy / NEWS).write_bytes("---\ntitle: Été\n---\n".encode("latin-1"))
    assert_refused(run_build("pelicanconf.py", good_output, cwd=project_copy), good_output,
                   f"{NEWS}: the file is not UTF-8 text (a byte at line 2 is not).")
    # a file in the format Pelican reads without pelican-yaml-metadata (the site's former one)
    (project_copy / NEWS).write_text("Title: Été\nDate: 2024-01-29\nCategory: events\n\nTexte.\n",
                                     encoding="utf-8")
    assert_refused(run_build("pelicanconf.py", good_output, cwd=project_copy), good_output,
                   f"{NEWS}: the file does not start with its metadata.\n  How to fix: Start it "
                   "with a line '---', then its metadata")


@pytest.mark.parametrize("path,old,new,message", [
    ("content/data/agreements.yaml", "in_force: 2017-03-01", "in_force: 2017-03-32",
     "content/data/agreements.yaml (agreements[social-security].in_force): "
     "'2017-03-32' is not a date."),
    ("content/data/agreements.yaml", "scopes:", "scopes: [",
     "content/data/agreements.yaml: the YAML is malformed"),
    ("content/data/embassy.yaml", "value: infovan@consuladoperu.ca", "value: infovan",
     "content/data/embassy.yaml (consulates[2].email.value): 'infovan' is not an e-mail address."),
    ("translations/es/LC_MESSAGES/messages.po", 'msgstr "Inicio"', 'msgstr ""',
     "translations/es/LC_MESSAGES/messages.po: the string 'Home' is not translated."),
    ("translations/fr/LC_MESSAGES/messages.po", '\nmsgid "Home"', '\n#, fuzzy\nmsgid "Home"',
     "translations/fr/LC_MESSAGES/messages.po: the translation of 'Home' is marked fuzzy"),
])
def test_data_and_catalog_mistakes_are_named(project_copy, good_output, path, old, new, message):
    edit_source(project_copy, path, old, new)
    assert_refused(run_build("pelicanconf.py", good_output, cwd=project_copy), good_output,
                   message)


def test_markup_in_metadata_is_shown_as_text_everywhere(project_copy, tmp_path):
    edit_source(project_copy, "content/news/tax-convention-in-force/index.en.md",
         'title: "', 'title: "<script>alert(1)</script> ')
    edit_source(project_copy, "content/news/tax-convention-in-force/index.en.md",
         'summary: "', 'summary: "<b>bold</b> ')
    result = run_build("publishconf.py", tmp_path / "out", cwd=project_copy)
    assert result.returncode == 0, result.stderr
    for path in list((tmp_path / "out/en").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        assert "<script>" not in text and "<b>bold" not in text, path
    article = next((tmp_path / "out/en/news").glob("*/index.html"))
    archives = (tmp_path / "out/en/archives/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in archives
    feed = (tmp_path / "out/en/feeds/all.atom.xml").read_text(encoding="utf-8")
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; " in feed
    assert article.exists()


def test_an_image_is_published_once_in_responsive_sizes(project_copy, tmp_path):
    folder = project_copy / "content/news/eighty-years-of-relations"
    Image.new("RGB", (2000, 1000), "red").save(folder / "photo.jpg")
    for lang, alt in {"en": "The flags", "es": "Las banderas", "fr": "Les drapeaux"}.items():
        edit_source(project_copy, f"content/news/eighty-years-of-relations/index.{lang}.md",
                    "\n\n", f"\n\n![{alt}]({{static}}photo.jpg)\n\n")
    result = run_build("publishconf.py", tmp_path / "out", cwd=project_copy)
    assert result.returncode == 0, result.stderr
    published = sorted(p.relative_to(tmp_path / "out").as_posix()
                       for p in (tmp_path / "out").rglob("photo*"))
    assert published == [f"media/news/eighty-years-of-relations/photo-{w}w.jpg"
                         for w in (1600, 480, 960)]
    with Image.open(tmp_path / "out" / published[0]) as image:
        assert image.size == (1600, 800) and not image.info.get("exif")
    page = (tmp_path / "out/es/noticias/ochenta-anos-de-relaciones-diplomaticas/index.html")
    text = page.read_text(encoding="utf-8")
    assert 'alt="Las banderas"' in text and 'width="1600" height="800"' in text
    assert ('srcset="https://embassy.example/media/news/eighty-years-of-relations/photo-480w.jpg'
            ' 480w') in text
    assert 'loading="lazy"' in text
