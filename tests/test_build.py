"""Bad content stops the build with a clear message and the last good output stays."""

import pytest

from embassy.build import build
from helpers import assert_refused, edit_source, run_build

NEWS = "content/news/eighty-years-of-relations/fr.md"


@pytest.mark.parametrize("old,new,message", [
    ("Lang: fr", "Lang: de", f"{NEWS} (Lang): 'de' is not a language of this site."),
    ("Lang: fr\n", "", f"{NEWS} (Lang): the language is missing."),
    ("Category: events", "Category: sports", f"{NEWS} (Category): 'sports' is not a news category."),
    ("Key: eighty-years-of-relations\n", "", f"{NEWS} (Key): the key"),
    ("Lang: fr", "Lang: es", "is also in content/news/eighty-years-of-relations/"),
])
def test_content_mistake_stops_the_build_and_keeps_output(project_copy, good_output,
                                                          old, new, message):
    edit_source(project_copy, NEWS, old, new)
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
