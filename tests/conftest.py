"""Shared fixtures: the site is built once per run, as tasks.py builds it, and one
Chromium serves each worker's browser tests.

`invoke test` runs the suite on every core (pytest-xdist): the workers share the
run's builds (helpers.made_once: the first worker to need one makes it, the others wait
for it), and the slowest tests (marked slow) start first, so that the workers
finish together.

Builds run in a subprocess (python -m embassy.safebuild) exactly as `invoke build`
and `invoke publish` do, into temporary folders. They build a copy of the
project whose content/news/ holds the test corpus (tests/corpus/news/): the
real site publishes only the news the embassy really posts, and every news
feature (lists, pagination, categories, feeds, drafts, images, search) is
tested on the corpus.
"""

import signal
import sys
from contextlib import ExitStack, nullcontext
from pathlib import Path

import pytest

from embassy.gates import BuiltSite
from embassy.gates import browser as browser_gate
from helpers import (
    PRODUCTION_URL,
    copy_project,
    git,
    made_once,
    require,
    run_build,
    run_gate,
    write_settings,
)

# A shell starts a background job (`make test &`, a runner without job control) with
# Ctrl+C ignored, and every process it starts inherits that: the builds that
# test_interruptions stops with SIGINT would never see it. The suite's processes
# get Ctrl+C as in a terminal.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_collection_modifyitems(items):
    """The tests marked slow first (in their order), then the others. (invoke test
    hands them to the workers one at a time, --maxschedchunk=1: by default the first
    worker would take the first 77 tests, every slow one among them.)"""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(scope="session")
def site_project(tmp_path_factory):
    """The project with the test corpus, shared by the run's builds (never edited)."""
    def make(folder):
        copy_project(folder)
        write_settings(folder, "paginatedconf.py", DEFAULT_PAGINATION=2)

    return made_once(tmp_path_factory, "site-project", make)


def _built_site(tmp_path_factory, name, project, settings, siteurl):
    """The site built from project with settings, once for the run, into <name>/output."""
    def build(folder):
        result = run_build(settings, folder / "output", cwd=project, siteurl=siteurl)
        assert result.returncode == 0, result.stderr + result.stdout

    return BuiltSite(made_once(tmp_path_factory, name, build) / "output", siteurl)


@pytest.fixture(scope="session")
def dev_site(site_project, tmp_path_factory):
    """The development build (root-relative URLs)."""
    return _built_site(tmp_path_factory, "dev", site_project, "pelicanconf.py", "")


@pytest.fixture(scope="session")
def prod_site(site_project, tmp_path_factory):
    """The production build (absolute URLs under PRODUCTION_URL)."""
    return _built_site(tmp_path_factory, "prod", site_project, "publishconf.py",
                       PRODUCTION_URL)


@pytest.fixture(scope="session")
def paginated_site(site_project, tmp_path_factory):
    """A development build with two news items a page, to reach every list page."""
    return _built_site(tmp_path_factory, "paginated", site_project, "paginatedconf.py", "")


@pytest.fixture(scope="session")
def own_site(tmp_path_factory):
    """The development build of the site's own content (no news posted yet)."""
    project = made_once(tmp_path_factory, "own-project",
                        lambda folder: copy_project(folder, corpus=False))
    return _built_site(tmp_path_factory, "own", project, "pelicanconf.py", "")


@pytest.fixture(params=["dev", "prod", "paginated"], scope="session")
def site(request):
    """Each build in turn."""
    return request.getfixturevalue(f"{request.param}_site")


@pytest.fixture
def project_copy(tmp_path):
    """A copy of the project's sources to break on purpose."""
    return copy_project(tmp_path / "project")


@pytest.fixture
def clone_copy(tmp_path):
    """A copy of the project as a fresh clone has it: the site's own content only."""
    return copy_project(tmp_path / "project", corpus=False)


@pytest.fixture
def good_output(project_copy):
    """An output folder holding a last good build (one marker file)."""
    output = project_copy / "output"
    output.mkdir()
    (output / "last-good.txt").write_text("kept")
    return output


@pytest.fixture
def project(clone_copy):
    """The project as a fresh clone is (the site's own content, its own git history),
    and the .venv that `make` would install (the one running these tests)."""
    project_copy = clone_copy
    venv = Path(sys.prefix)
    if not (venv / ".dev-installed").exists():  # else `make` in the copy would install into it
        pytest.fail("the tests must run from the project's .venv, as `make test` runs them")
    require("git")
    (project_copy / ".venv").symlink_to(venv)
    git(project_copy, "init", "--quiet", "--initial-branch=main")
    git(project_copy, "add", "--all")
    git(project_copy, "commit", "--quiet", "-m", "The site")
    return project_copy


@pytest.fixture(scope="session")
def session_chromium():
    """One Chromium for the session (launching one takes about as long as a failed
    build, and the suite once launched two dozen). From its launch on, the browser
    gate's browser() hands it out too: Playwright's synchronous API cannot start a
    second instance in this thread while one runs. Skipped without Chromium (failed
    in CI), as the browser gate is."""
    with ExitStack() as stack:
        instance = run_gate(lambda _site: stack.enter_context(browser_gate.browser()), None)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(browser_gate, "browser", lambda: nullcontext(instance))
            yield instance


@pytest.fixture
def chromium(session_chromium):
    """The session's Chromium for one test: the tabs (browser contexts) the test
    opened, itself or through the browser gate, are closed after it, so that no test
    sees another's pages, storage or routes."""
    yield session_chromium
    for context in session_chromium.contexts:
        context.close()
