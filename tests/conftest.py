"""Shared fixtures: the site is built once per session, as tasks.py builds it, and
one Chromium serves the session's browser tests.

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
from helpers import PRODUCTION_URL, copy_project, git, require, run_build, run_gate, write_settings

# A shell starts a background job (`make test &`, a runner without job control) with
# Ctrl+C ignored, and every process it starts inherits that: the builds that
# test_interruptions stops with SIGINT would never see it. The suite's processes
# get Ctrl+C as in a terminal.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(scope="session")
def site_project(tmp_path_factory):
    """The project with the test corpus, shared by the session's builds (never edited)."""
    return copy_project(tmp_path_factory.mktemp("site") / "project")


def _build_site(project, output, settings, siteurl):
    result = run_build(settings, output, cwd=project, siteurl=siteurl)
    assert result.returncode == 0, result.stderr + result.stdout
    return BuiltSite(output, siteurl)


@pytest.fixture(scope="session")
def dev_site(site_project, tmp_path_factory):
    """The development build (root-relative URLs)."""
    return _build_site(site_project, tmp_path_factory.mktemp("dev") / "output",
                       "pelicanconf.py", "")


@pytest.fixture(scope="session")
def prod_site(site_project, tmp_path_factory):
    """The production build (absolute URLs under PRODUCTION_URL)."""
    return _build_site(site_project, tmp_path_factory.mktemp("prod") / "output",
                       "publishconf.py", PRODUCTION_URL)


@pytest.fixture(scope="session")
def paginated_site(site_project, tmp_path_factory):
    """A development build with two news items a page, to reach every list page."""
    settings = write_settings(site_project, "paginatedconf.py", DEFAULT_PAGINATION=2)
    return _build_site(site_project, tmp_path_factory.mktemp("paginated") / "output",
                       settings, "")


@pytest.fixture(scope="session")
def own_site(tmp_path_factory):
    """The development build of the site's own content (no news posted yet)."""
    project = copy_project(tmp_path_factory.mktemp("own") / "project", corpus=False)
    return _build_site(project, project / "output", "pelicanconf.py", "")


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
