"""Rebuilds redo only what an edit changed, and write exactly what a full build writes.

Each scenario edits the synthetic corpus, rebuilds the kept output, and
compares it, byte for byte, with a build from scratch (a fresh output and
cache) of the same sources.
"""

import fcntl
import os
import shutil
import subprocess
import sys
import time

import pytest

from conftest import ROOT, run_build
from test_speed import differences


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    sys.path.insert(0, str(ROOT))
    from benchmarks.corpus import make_project

    project = make_project(tmp_path_factory.mktemp("rebuild") / "project", 12)
    # links from an item to a page, as staff write them (a rebuild must resolve them
    # when the item itself comes from the cache of items read earlier)
    append(project / "content" / "news" / "item-00001" / "en.md",
           "\nSee the [agreements]({filename}/pages/agreements/en.md).\n")
    # and an image shown in one language only
    news = project / "content" / "news"
    shutil.copyfile(news / "item-00000" / "photo.jpg", news / "item-00002" / "photo.jpg")
    append(news / "item-00002" / "en.md", "\n![A photo for English readers]({static}photo.jpg)\n")
    output = project / "output"
    result = run_build("pelicanconf.py", output, cwd=project)
    assert result.returncode == 0, result.stderr
    return project, output


def rebuild(project, output):
    result = run_build("pelicanconf.py", output, cwd=project)
    assert result.returncode == 0, result.stderr
    return output


def assert_same_as_full_build(project, output, tmp_path):
    fresh = project / "fresh.py"
    fresh.write_text(f"from pelicanconf import *  # noqa\nCACHE_PATH = {str(tmp_path / 'cache')!r}\n",
                     encoding="utf-8")
    try:
        result = run_build(fresh.name, tmp_path / "full", cwd=project)
    finally:
        fresh.unlink()
    assert result.returncode == 0, result.stderr
    assert not differences(output, tmp_path / "full")


def inodes(output, pattern):
    return {path.relative_to(output): path.stat().st_ino for path in output.glob(pattern)}


def append(path, text):
    with path.open("a", encoding="utf-8") as file:
        file.write(text)


def add_item(news):
    """item-00099, a copy of item-00005 (no other item links to it)."""
    if (news / "item-00099").exists():
        return
    shutil.copytree(news / "item-00005", news / "item-00099")
    for lang in ("en", "es", "fr"):
        path = news / "item-00099" / f"{lang}.md"
        path.write_text(path.read_text(encoding="utf-8").replace("item-00005", "item-00099"),
                        encoding="utf-8")


def delete_item(news, project, output):
    add_item(news)
    rebuild(project, output)
    shutil.rmtree(news / "item-00099")


def retitle(path):
    path.write_text(path.read_text(encoding="utf-8").replace("Title: ", "Title: New: ", 1),
                    encoding="utf-8")


EDITS = {
    "an English body": lambda news, *_: append(news / "item-00003" / "en.md",
                                               "\nOne more sentence for the test.\n"),
    "a Spanish title": lambda news, *_: retitle(news / "item-00004" / "es.md"),
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
        append(news / "item-00006" / f"{lang}.md", f"\nEdited in {lang}.\n")
        rebuild(news.parent.parent, news.parent.parent / "output")


EDITS["each language in turn"] = edit_each_language


@pytest.mark.parametrize("edit", list(EDITS))
def test_a_rebuild_writes_what_a_full_build_writes(corpus, tmp_path, edit):
    project, output = corpus
    EDITS[edit](project / "content" / "news", project, output)
    assert_same_as_full_build(project, rebuild(project, output), tmp_path)


def test_a_body_edit_rebuilds_only_that_language_and_its_changed_pages(corpus):
    project, output = corpus
    rebuild(project, output)  # settle any earlier test's edit
    before = {lang: inodes(output, f"{lang}/**/*.html") for lang in ("en", "es", "fr")}
    edited = next(name for name in before["en"] if "item-00007" in str(name))
    append(project / "content" / "news" / "item-00007" / "en.md", "\nA late addition.\n")
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
    append(project / "content" / "news" / "item-00002" / "en.md", "\nEdited again.\n")
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
    append(project / "content" / "news" / "item-00003" / "en.md", f"\nOne more line ({damage}).\n")
    rebuild(project, output)
    assert_same_as_full_build(project, output, tmp_path)


def snapshot(output):
    return {path.relative_to(output): (path.stat().st_ino, path.read_bytes())
            for path in output.rglob("*") if path.is_file()}


def test_a_rebuild_that_fails_leaves_the_output_as_it_was(corpus):
    project, output = corpus
    rebuild(project, output)
    before = snapshot(output)
    source = project / "content" / "news" / "item-00008" / "fr.md"
    original = source.read_text(encoding="utf-8")
    source.write_text(original.replace("Date: ", "Date: 2026-13-45 ", 1) + "\nEdited.\n",
                      encoding="utf-8")
    try:
        result = run_build("pelicanconf.py", output, cwd=project)
    finally:
        source.write_text(original, encoding="utf-8")
    assert result.returncode == 1
    assert "item-00008/fr.md" in result.stderr
    assert snapshot(output) == before


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
    # A rebuild updates the output in place: one build must not run into another.
    project, output = corpus
    rebuild(project, output)
    append(project / "content" / "news" / "item-00004" / "en.md", "\nWhile another build runs.\n")
    before = snapshot(output)
    with (project / lock_file).open("w") as lock:
        fcntl.lockf(lock, fcntl.LOCK_EX)  # as a build in progress holds it
        waiting = subprocess.Popen([sys.executable, "-m", "embassy.build", "pelicanconf.py",
                                    str(output)], cwd=project, text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   env={**os.environ, "PYTHONPATH": str(ROOT / "plugins")})
        deadline = time.monotonic() + 120
        while not waits_for_a_lock(waiting.pid):
            assert waiting.poll() is None, f"the build did not wait: {waiting.stdout.read()}"
            assert time.monotonic() < deadline, "the build neither waited nor ended"
            time.sleep(0.05)
        assert snapshot(output) == before
    assert waiting.wait(timeout=300) == 0, waiting.stdout.read()
    assert snapshot(output) != before


def test_an_interrupted_update_of_the_output_is_undone(tmp_path):
    """The in-place update of a rebuild (incremental.Update) puts everything back."""
    sys.path.insert(0, str(ROOT / "plugins"))
    from embassy.incremental import Update

    output, staging = tmp_path / "output", tmp_path / "staging"
    for folder, files in ((output, {"en/a/index.html": "old a", "en/b/index.html": "old b",
                                    "sitemap.xml": "old map"}),
                          (staging, {"en/a/index.html": "new a", "en/c/index.html": "new c",
                                     "sitemap.xml": "new map"})):
        for name, text in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")
    before = snapshot(output)
    update = Update({"CACHE_PATH": str(tmp_path / "cache")}, output)
    update.move_in(staging)
    update.remove(["en/b/index.html"])
    assert (output / "en" / "c" / "index.html").read_text(encoding="utf-8") == "new c"
    assert not (output / "en" / "b").exists()  # no empty folder left behind
    update.undo()  # as when the search index cannot be made
    assert snapshot(output) == before
    assert not (output / "en" / "c").exists()
    assert not list(tmp_path.glob(".output.undo-*"))


def test_an_update_replaces_a_folder_with_a_new_one_on_the_same_disk(tmp_path):
    """As a rebuild swaps in a language's new search index (files already there and
    named by their content are kept; the others are replaced; old ones go)."""
    sys.path.insert(0, str(ROOT / "plugins"))
    from embassy.incremental import Update

    output, new = tmp_path / "output", tmp_path / "new"
    for folder, files in ((output / "pagefind" / "en", {"kept.pf": "same", "entry.json": "old",
                                                       "gone.pf": "old"}),
                          (new, {"kept.pf": "same", "entry.json": "new", "added.pf": "new"})):
        folder.mkdir(parents=True)
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
    kept = (output / "pagefind" / "en" / "kept.pf").stat().st_ino
    update = Update({"CACHE_PATH": str(tmp_path / "cache")}, output)
    update.replace_folder(new, "pagefind/en", unchanged=lambda name, _old: name == "kept.pf")
    update.commit()
    bundle = output / "pagefind" / "en"
    assert {path.name: path.read_text(encoding="utf-8") for path in bundle.iterdir()} == {
        "kept.pf": "same", "entry.json": "new", "added.pf": "new"}
    assert (bundle / "kept.pf").stat().st_ino == kept
