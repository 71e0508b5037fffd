"""Bad content stops the build with a clear message and the last good output stays."""

import pytest

from embassy.safebuild import build
from helpers import assert_refused, edit_source, field_line, run_build

FOLDER = "content/news/eighty-years-of-relations"
NEWS = f"{FOLDER}/index.fr.md"
NAMES = "index.en.md, index.es.md, index.fr.md"


@pytest.mark.parametrize("old,new,message", [
    (field_line("category"), "category: sports\n",
     f"{NEWS} (category): 'sports' is not a news category."),
    ("---\n", "---\nlang: fr\n", f"{NEWS} (lang): line 2: 'lang' is not written in the file: "
     "it is the file's name (index.<lang>.md).\n  How to fix: remove the line 'lang: …'."),
    ("---\n", "---\nkey: eighty-years-of-relations\n", f"{NEWS} (key): line 2: 'key' is not "
     "written in the file: it is the folder's name.\n  How to fix: remove the line 'key: …'."),
])
def test_content_mistake_stops_the_build_and_keeps_output(project_copy, good_output,
                                                          old, new, message):
    edit_source(project_copy, NEWS, old, new)
    assert_refused(run_build("pelicanconf.py", good_output, cwd=project_copy), good_output,
                   message)


@pytest.mark.parametrize("name,message", [
    # the key and the language come from the path: a file named otherwise says neither
    (f"{FOLDER}/index.de.md", f"{FOLDER}/index.de.md (file name): 'de' is not a language of "
     f"this site.\n  How to fix: rename the file to one of {NAMES}."),
    (f"{FOLDER}/fr.md", f"{FOLDER}/fr.md (file name): the file's name or folder does not say "
     "which news item and language it is.\n  How to fix: put it in the news item's own folder "
     f"(news/<key>/ or pages/<key>/), named one of {NAMES}."),
    ("content/news/index.fr.md", "content/news/index.fr.md (file name): the file's name or "
     "folder does not say which news item and language it is."),
])
def test_a_file_named_otherwise_stops_the_build_and_keeps_output(project_copy, good_output,
                                                                 name, message):
    (project_copy / NEWS).rename(project_copy / name)
    assert_refused(run_build("pelicanconf.py", good_output, cwd=project_copy), good_output,
                   message)


def test_a_good_build_replaces_the_output(project_copy, good_output):
    result = run_build("pelicanconf.py", good_output, cwd=project_copy)
    assert result.returncode == 0, result.stderr
    assert not (good_output / "last-good.txt").exists()
    assert (good_output / "en" / "index.html").exists()
    # nothing beside output/ but the lock file that builds take turns with
    assert [path.name for path in good_output.parent.glob(".output*")] == [".output.lock"]


def test_publish_keeps_the_output_when_the_quality_gates_fail(project_copy, good_output,
                                                              monkeypatch):
    """`invoke publish` builds with --check: the gates see the new site before the swap."""
    monkeypatch.chdir(project_copy)
    seen = []

    def failing_gate(folder):
        seen.append((folder / "en" / "index.html").exists())
        return False

    report = build(project_copy / "publishconf.py", good_output, gate=failing_gate)
    assert seen == [True]
    assert [str(problem) for problem in report.problems] == [
        "the quality gates failed (see the report above); nothing was published."]
    assert [p.name for p in good_output.iterdir()] == ["last-good.txt"]
    assert [path.name for path in project_copy.glob(".output*")] == [".output.lock"]
