"""Rebuilds redo only what an edit changed, and write exactly what a full build writes.

Each scenario edits the synthetic corpus, rebuilds the kept output, and
compares it, byte for byte, with a build from scratch (a fresh output and
cache) of the same sources.
"""

import fcntl
import io
import os
import pickle
import shutil
import subprocess
import sys
import time

import pytest
import yaml
from PIL import Image

from helpers import (
    ROOT,
    append,
    differences,
    front_matter,
    needs_fast_build,
    run_build,
    set_field,
    synthetic_project,
    write_settings,
)

pytestmark = needs_fast_build


def built_corpus(folder):
    """A synthetic corpus of 12 items, built once: (project, output)."""
    project = synthetic_project(folder / "project", 12)
    # links from an item to a page, as staff write them (a rebuild must resolve them
    # when the item itself comes from the cache of items read earlier)
    append(project / "content" / "news" / "item-00001" / "index.en.md",
           "\nSee the [agreements]({filename}/pages/agreements/index.en.md).\n")
    # and an image shown in one language only
    news = project / "content" / "news"
    shutil.copyfile(news / "item-00000" / "photo.jpg", news / "item-00002" / "photo.jpg")
    append(news / "item-00002" / "index.en.md",
           "\n![A photo for English readers]({static}photo.jpg)\n")
    output = project / "output"
    result = run_build("pelicanconf.py", output, cwd=project)
    assert result.returncode == 0, result.stderr
    return project, output


@pytest.fixture
def corpus(tmp_path):
    """Each test's own project (see built_corpus): the tests below damage caches,
    outputs and standbys, which must not reach another test."""
    return built_corpus(tmp_path)


@pytest.fixture(scope="module")
def edited_corpus(tmp_path_factory):
    """One project for the edits of EDITS, made one after the other: each is an edit
    a staff member makes to a site built before (the earlier edits included), and
    each rebuild is compared with a full build of the same sources, so sharing the
    project (and its cold build) loses no check. The edits only add to the content
    or settings (item-00099 is added once, deleted once), none damages a cache or
    an output as the tests with their own corpus do."""
    return built_corpus(tmp_path_factory.mktemp("edits"))


def rebuild(project, output):
    result = run_build("pelicanconf.py", output, cwd=project)
    assert result.returncode == 0, result.stderr
    return output


def assert_same_as_full_build(project, output, tmp_path):
    fresh = write_settings(project, "fresh.py", CACHE_PATH=str(tmp_path / "cache"))
    try:
        result = run_build(fresh, tmp_path / "full", cwd=project)
    finally:
        (project / fresh).unlink()
    assert result.returncode == 0, result.stderr
    assert not differences(output, tmp_path / "full")


def inodes(output, pattern):
    return {path.relative_to(output): path.stat().st_ino for path in output.glob(pattern)}


def add_item(news):
    """item-00099, a copy of item-00005 (no other item links to it)."""
    if (news / "item-00099").exists():
        return
    shutil.copytree(news / "item-00005", news / "item-00099")
    for lang in ("en", "es", "fr"):
        path = news / "item-00099" / f"index.{lang}.md"
        path.write_text(path.read_text(encoding="utf-8").replace("item-00005", "item-00099"),
                        encoding="utf-8")


def delete_item(news, project, output):
    add_item(news)
    rebuild(project, output)
    shutil.rmtree(news / "item-00099")


def retitle(path):
    """A new title, with ': ' in it (so written between quotes)."""
    title = f"New: {front_matter(path)['title']}"
    set_field(path, "title", yaml.safe_dump({"title": title}, allow_unicode=True,
                                            width=float("inf")).strip())
    assert front_matter(path)["title"] == title


EDITS = {
    "an English body": lambda news, *_: append(news / "item-00003" / "index.en.md",
                                               "\nOne more sentence for the test.\n"),
    "a Spanish title": lambda news, *_: retitle(news / "item-00004" / "index.es.md"),
    "a new item": lambda news, *_: add_item(news),
    "a deleted item": delete_item,
    "an image": lambda news, *_: shutil.copyfile(news / "item-00000" / "photo.jpg",
                                                 news / "item-00010" / "photo.jpg"),
    "the Markdown settings": lambda _news, project, _output: append(
        project / "pelicanconf.py",
        '\nMARKDOWN = {**MARKDOWN, "extension_configs": {**MARKDOWN["extension_configs"], '
        '"markdown.extensions.toc": {"permalink": True}}}\n'),
}


def edit_each_language(news, *_):
    """Three rebuilds in a row, one per language (items taken from the item cache)."""
    for lang in ("en", "es", "fr"):
        append(news / "item-00006" / f"index.{lang}.md", f"\nEdited in {lang}.\n")
        rebuild(news.parent.parent, news.parent.parent / "output")


EDITS["each language in turn"] = edit_each_language


def edit_taken_back(news, project, output):
    """An edit, built, then undone: the items come back from the item cache of an
    earlier build (with what Pelican pickled along with them)."""
    path = news / "item-00011" / "index.en.md"
    original = path.read_text(encoding="utf-8")
    append(path, "\nFor a moment.\n")
    rebuild(project, output)
    path.write_text(original, encoding="utf-8")


EDITS["an edit taken back"] = edit_taken_back


@pytest.mark.parametrize("edit", list(EDITS))
def test_a_rebuild_writes_what_a_full_build_writes(edited_corpus, tmp_path, edit):
    project, output = edited_corpus
    EDITS[edit](project / "content" / "news", project, output)
    assert_same_as_full_build(project, rebuild(project, output), tmp_path)


ABOUT_IN_FOOTER = ('{% set about = page_by_key("about") %}'
                   '{% if about %}<div>{{ about.content }}</div>{% endif %}\n</footer>')


def test_a_page_that_reads_another_item_s_text_follows_its_edit(tmp_path):
    """A template global reaches any item's text (page_by_key("about").content in the
    footer): edited, the About page's new text shows on every page a rebuild
    leaves, as after a full build (a rebuild kept every news page with the old)."""
    project = synthetic_project(tmp_path / "project", 4)
    footer = project / "theme" / "templates" / "partials" / "site-footer.html"
    footer.write_text(footer.read_text(encoding="utf-8").replace("</footer>", ABOUT_IN_FOOTER),
                      encoding="utf-8")
    output = rebuild(project, project / "output")
    append(project / "content" / "pages" / "about" / "index.en.md",
           "\nA sentence only the edit adds.\n")
    rebuild(project, output)
    news = sorted(output.glob("en/news/*/index.html"))
    assert news
    assert [page for page in news
            if "A sentence only the edit" not in page.read_text(encoding="utf-8")] == []
    assert_same_as_full_build(project, output, tmp_path)


def test_a_body_edit_rebuilds_only_that_language_and_its_changed_pages(corpus):
    project, output = corpus
    rebuild(project, output)  # settle any earlier test's edit
    before = {lang: inodes(output, f"{lang}/**/*.html") for lang in ("en", "es", "fr")}
    edited = next(name for name in before["en"] if "item-00007" in str(name))
    append(project / "content" / "news" / "item-00007" / "index.en.md", "\nA late addition.\n")
    rebuild(project, output)
    after = {lang: inodes(output, f"{lang}/**/*.html") for lang in ("en", "es", "fr")}
    assert after["es"] == before["es"] and after["fr"] == before["fr"]  # linked, not written
    assert after["en"][edited] != before["en"][edited]
    assert "A late" in (output / edited).read_text(encoding="utf-8")
    unchanged = [name for name in before["en"] if after["en"][name] == before["en"][name]]
    assert len(unchanged) > len(before["en"]) / 2  # other English pages were not rendered


def test_a_build_with_nothing_changed_leaves_the_output_alone(corpus):
    project, output = corpus
    rebuild(project, output)
    identity = output.stat().st_ino
    rebuild(project, output)
    assert output.stat().st_ino == identity


def test_an_output_changed_by_hand_is_built_again_in_full(corpus, tmp_path):
    project, output = corpus
    rebuild(project, output)
    os.unlink(output / "fr" / "index.html")
    append(project / "content" / "news" / "item-00002" / "index.en.md", "\nEdited again.\n")
    assert_same_as_full_build(project, rebuild(project, output), tmp_path)


def test_settings_from_the_environment_count_as_inputs(corpus):
    project, _output = corpus
    output = project / "published"
    for siteurl in ("https://one.example", "https://two.example"):
        result = run_build("publishconf.py", output, cwd=project, siteurl=siteurl)
        assert result.returncode == 0, result.stderr
        assert siteurl in (output / "en" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("damage", ["text", "truncated"])
def test_a_damaged_item_cache_is_a_cache_missed(corpus, tmp_path, damage):
    project, output = corpus
    caches = list((project / "cache" / "items").rglob("ArticlesGenerator"))
    assert caches  # written by the earlier rebuilds
    for cache in caches:
        data = cache.read_bytes()
        cache.write_bytes(b"garbage\n" if damage == "text" else data[: len(data) // 2])
    append(project / "content" / "news" / "item-00003" / "index.en.md",
           f"\nOne more line ({damage}).\n")
    rebuild(project, output)
    assert_same_as_full_build(project, output, tmp_path)


def files_of(output):
    return {path.relative_to(output): (path.stat().st_ino, path.read_bytes())
            for path in output.rglob("*") if path.is_file()}


def test_a_rebuild_that_fails_leaves_the_output_as_it_was(corpus):
    project, output = corpus
    rebuild(project, output)
    before = files_of(output)
    source = project / "content" / "news" / "item-00008" / "index.fr.md"
    original = source.read_text(encoding="utf-8")
    set_field(source, "date", "date: 2026-13-45 10:00")
    append(source, "\nEdited.\n")
    try:
        result = run_build("pelicanconf.py", output, cwd=project)
    finally:
        source.write_text(original, encoding="utf-8")
    assert result.returncode == 1
    assert "item-00008/index.fr.md" in result.stderr
    assert files_of(output) == before


def waits_for_a_lock(pid):
    """Whether the kernel lists process pid as waiting for a file lock."""
    with open("/proc/locks", encoding="ascii") as locks:  # "1: -> POSIX ADVISORY WRITE pid ..."
        return any("->" in line.split()[:2] and str(pid) in line.split() for line in locks)


@pytest.mark.skipif(not os.path.exists("/proc/locks"), reason="Linux lists file locks there")
@pytest.mark.parametrize("lock_file", [
    "cache/build.lock",  # builds into other outputs share the cache
    ".output.lock",  # beside output/: taken by builds and `invoke clean`, whatever staff delete
])
def test_builds_wait_for_one_another(corpus, lock_file):
    project, output = corpus
    rebuild(project, output)
    append(project / "content" / "news" / "item-00004" / "index.en.md",
           "\nWhile another build runs.\n")
    before = files_of(output)
    with (project / lock_file).open("w") as lock:
        fcntl.lockf(lock, fcntl.LOCK_EX)  # as a build in progress holds it
        waiting = subprocess.Popen([sys.executable, "-m", "embassy.safebuild", "pelicanconf.py",
                                    str(output)], cwd=project, text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   env={**os.environ, "PYTHONPATH": str(ROOT / "plugins")})
        deadline = time.monotonic() + 120
        while not waits_for_a_lock(waiting.pid):
            assert waiting.poll() is None, f"the build did not wait: {waiting.stdout.read()}"
            assert time.monotonic() < deadline, "the build neither waited nor ended"
            time.sleep(0.05)
        assert files_of(output) == before
    assert waiting.wait(timeout=300) == 0, waiting.stdout.read()
    assert files_of(output) != before


def test_a_rebuild_never_writes_into_the_live_output(corpus, tmp_path):
    """The new site is the last output's files (hard links) with the changes moved
    in, and replaces the output in one step: no file of the live output is ever
    written to, so a reader (or a stop) during a rebuild sees the old site whole."""
    project, output = corpus
    rebuild(project, output)
    witness = tmp_path / "witness"  # the same files as the live output
    for path in output.rglob("*"):
        if path.is_file():
            (witness / path.relative_to(output)).parent.mkdir(parents=True, exist_ok=True)
            os.link(path, witness / path.relative_to(output))
    before = {name: data for name, (_inode, data) in files_of(witness).items()}
    folder = output.stat().st_ino
    append(project / "content" / "news" / "item-00005" / "index.es.md", "\nUna frase más.\n")
    rebuild(project, output)
    assert {name: data for name, (_inode, data) in files_of(witness).items()} == before
    assert files_of(output) != files_of(witness)
    assert output.stat().st_ino != folder  # replaced whole, not updated in place
    shared = files_of(output).items() & files_of(witness).items()
    assert len(shared) > len(before) / 2  # the unchanged files are the same files
    assert not [path for path in project.glob(".output.*") if path.is_dir()]


def test_a_standby_not_known_to_be_up_to_date_is_not_used(corpus, tmp_path):
    """A rebuild keeps the output it replaced beside it (.output-standby) and the next
    one brings it up to date instead of linking the whole site again; one that
    may not be what its record says (a stop while it was brought up to date) is
    deleted and the site linked anew."""
    project, output = corpus
    for number in range(2):
        append(project / "content" / "news" / "item-00004" / "index.fr.md",
               f"\nRetouche {number}.\n")
        rebuild(project, output)
    standby = project / ".output-standby"
    assert standby.is_dir()
    marker = next((project / "cache" / "builds").glob("*.standby.json"))
    marker.unlink()  # as the next build does before it touches the standby
    page = standby / "en" / "index.html"
    page.unlink()
    page.write_text("half brought up to date", encoding="utf-8")
    append(project / "content" / "news" / "item-00004" / "index.fr.md", "\nRetouche finale.\n")
    rebuild(project, output)
    assert_same_as_full_build(project, output, tmp_path)


def test_a_standby_kept_for_an_earlier_output_is_not_used(corpus, tmp_path):
    """A full build in between (here: a new theme) makes the standby two versions old:
    its marker, had a stop kept it, names an output that is no longer there."""
    project, output = corpus
    append(project / "content" / "news" / "item-00004" / "index.fr.md", "\nRetouche.\n")
    rebuild(project, output)
    standby = project / ".output-standby"
    marker = next((project / "cache" / "builds").glob("*.standby.json"))
    kept = marker.read_text(encoding="utf-8")
    os.rename(standby, tmp_path / "standby")
    append(project / "theme" / "static" / "css" / "site.css", "\n.epc-new { color: inherit; }\n")
    rebuild(project, output)  # a full build
    # as a stop between the full build's record and the standby's removal would leave them
    os.rename(tmp_path / "standby", standby)
    marker.write_text(kept, encoding="utf-8")
    append(project / "content" / "news" / "item-00004" / "index.fr.md", "\nRetouche finale.\n")
    rebuild(project, output)
    assert_same_as_full_build(project, output, tmp_path)


def test_an_edit_that_keeps_the_file_time_is_built(corpus, tmp_path):
    """Caches are keyed on what files hold, not on their times (an edit saved while a
    build reads, or a file restored from a copy, keeps or reuses a time)."""
    project, output = corpus
    rebuild(project, output)
    source = project / "content" / "news" / "item-00009" / "index.fr.md"
    stat = source.stat()
    append(source, "\nUne phrase ajoutée sans changer l’heure du fichier.\n")
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    rebuild(project, output)
    page = output / "fr" / "nouvelles" / "fr-item-00009" / "index.html"
    assert "sans changer" in page.read_text(encoding="utf-8")
    assert_same_as_full_build(project, output, tmp_path)


def test_an_image_replaced_with_the_same_size_and_time_is_published(corpus, tmp_path):
    project, output = corpus
    rebuild(project, output)
    photo = project / "content" / "news" / "item-00000" / "photo.jpg"
    stat, original = photo.stat(), photo.read_bytes()
    with Image.open(photo) as image:
        replacement = io.BytesIO()
        Image.new("RGB", image.size, (200, 30, 30)).save(replacement, "JPEG", quality=40)
    data = replacement.getvalue()
    assert len(data) < len(original)
    photo.write_bytes(data + b"\0" * (len(original) - len(data)))  # decoders stop at the end mark
    os.utime(photo, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    rebuild(project, output)
    assert_same_as_full_build(project, output, tmp_path)


def test_a_file_record_made_by_other_checks_is_not_trusted(corpus, tmp_path):
    """files.pickle keeps what the checks found in each file; checks of another
    version of the plugin start it anew."""
    project, output = corpus
    rebuild(project, output)
    known = project / "cache" / "files.pickle"
    code, entries = pickle.loads(known.read_bytes())
    source = str(project / "content" / "news" / "item-00001" / "index.es.md")
    stamp, (_lang, meta, full, fields, text) = entries[source]
    entries[source] = (stamp, ("fr", meta, full, fields, text))  # what other checks might find
    known.write_bytes(pickle.dumps(("other checks", entries)))
    append(project / "content" / "news" / "item-00002" / "index.en.md", "\nAnd again.\n")
    rebuild(project, output)
    assert_same_as_full_build(project, output, tmp_path)


def test_a_fresh_checkout_finds_the_html_of_its_files_in_a_restored_cache(corpus, tmp_path):
    """The Pages workflow restores cache/contents/ (Markdown's HTML and the typography)
    on a new machine, into a fresh checkout: the same paths and bytes, new times and
    inodes, no output and no files.pickle. Every file's HTML is found there, and the
    site built with it is the one a build from scratch writes."""
    from pelican.settings import read_settings

    from embassy.fast.memo import Memo
    from embassy.fast.signatures import Inputs

    project, output = corpus
    shutil.rmtree(output)
    for kept in ("files.pickle", "builds"):  # the workflow does not restore them
        path = project / "cache" / kept
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    later = time.time_ns() + 60 * 10**9
    for path in project.rglob("*"):
        if path.is_file() and "cache" not in path.relative_to(project).parts:
            shutil.copy2(path, f"{path}.new")  # a new inode
            os.replace(f"{path}.new", path)
            os.utime(path, ns=(later, later))
    settings = read_settings(str(project / "pelicanconf.py"))
    inputs = Inputs(project / "pelicanconf.py", settings)
    for lang in settings["LANGUAGES"]:
        memo = Memo(project / "cache" / "contents" / f"{lang}.pickle", inputs)
        sources = [path for path, (file_lang, *_signatures) in inputs.sources.items()
                   if file_lang == lang]
        assert sources and [path for path in sources if memo.get(path) is None] == [], lang
    rebuild(project, output)
    assert_same_as_full_build(project, output, tmp_path)
