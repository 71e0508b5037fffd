"""Shared fixtures: the site is built once per session, as tasks.py builds it.

Builds run in a subprocess (python -m embassy.build) exactly as `invoke build`
and `invoke publish` do, into temporary folders. They build a copy of the
project whose content/news/ holds the test corpus (tests/corpus/news/): the
real site publishes only the news the embassy really posts, and every news
feature (lists, pagination, categories, feeds, drafts, images, search) is
tested on the corpus.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
LANGUAGES = ("en", "es", "fr")
PRODUCTION_URL = "https://embassy.example"
sys.path.insert(0, str(ROOT / "plugins"))

from embassy.gates import BuiltSite, GateUnavailable  # noqa: E402

IN_CI = os.environ.get("CI") == "true"


def run_build(settings, output, cwd=ROOT, siteurl=PRODUCTION_URL):
    """Build with settings into output; return the finished process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins"), "SITEURL": siteurl}
    return subprocess.run(
        [sys.executable, "-m", "embassy.build", settings, str(output)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
    )


IGNORED = shutil.ignore_patterns(".venv", ".git", "output", ".output*", "cache", "__pycache__",
                                 "*.mo", ".pytest_cache", "artifacts", "node_modules")


def copy_project(target, corpus=True):
    """A copy of the project's sources, with the test corpus's news in content/news/
    (corpus=False: the site's own content, as a clone has it)."""
    shutil.copytree(ROOT, target, ignore=IGNORED)
    if corpus:
        shutil.copytree(CORPUS / "news", target / "content" / "news", dirs_exist_ok=True)
    return target


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
    settings = site_project / "paginatedconf.py"
    settings.write_text("from pelicanconf import *  # noqa\nDEFAULT_PAGINATION = 2\n",
                        encoding="utf-8")
    return _build_site(site_project, tmp_path_factory.mktemp("paginated") / "output",
                       settings.name, "")


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


def edit_source(project, path, old, new):
    """Replace old by new (once) in one of the project's files."""
    target = project / path
    text = target.read_text(encoding="utf-8")
    assert old in text, old
    target.write_text(text.replace(old, new, 1), encoding="utf-8")


def assert_refused(result, output, *messages):
    """The build failed with these messages, no traceback, and kept the last output."""
    assert result.returncode == 1, result.stdout + result.stderr
    for message in messages:
        assert message in result.stderr, result.stderr
    assert "How to fix:" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert [path.name for path in output.iterdir()] == ["last-good.txt"]


def run_gate(check, site, **options):
    """Run a quality gate; without its tool, skip here but fail in CI."""
    try:
        return check(site, **options)
    except GateUnavailable as error:
        if IN_CI:
            pytest.fail(f"CI must run every gate: {error}")
        pytest.skip(str(error))


def content_items():
    """(kind, key) for every news item of the corpus and every page of content/."""
    return sorted(
        (kind, folder.name)
        for kind, parent in (("news", CORPUS / "news"), ("pages", ROOT / "content" / "pages"))
        for folder in parent.iterdir() if folder.is_dir()
    )


def source_file(kind, key, lang):
    """The source of an item of content_items() in a language."""
    return (CORPUS if kind == "news" else ROOT / "content") / kind / key / f"{lang}.md"
