"""Shared fixtures: the site is built once per session, as tasks.py builds it.

Builds run in a subprocess (python -m embassy.build) exactly as `invoke build`
and `invoke publish` do, into temporary folders.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("en", "es", "fr")
PRODUCTION_URL = "https://embassy.example"
sys.path.insert(0, str(ROOT / "plugins"))


def run_build(settings, output, cwd=ROOT, siteurl=PRODUCTION_URL):
    """Build with settings into output; return the finished process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins"), "SITEURL": siteurl}
    return subprocess.run(
        [sys.executable, "-m", "embassy.build", settings, str(output)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
    )


class Site:
    """A built site, read as a reader would: files, parsed pages, resolved links."""

    def __init__(self, root, siteurl=""):
        self.root, self.siteurl = Path(root), siteurl
        self._soups = {}

    def html_files(self):
        return sorted(self.root.rglob("*.html"))

    def feed_files(self):
        return sorted(self.root.rglob("*.xml"))

    def soup(self, path):
        path = self.root / path if not Path(path).is_absolute() else Path(path)
        if path not in self._soups:
            self._soups[path] = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        return self._soups[path]

    def url_of(self, path):
        """The URL a file is served at (…/index.html is served as …/)."""
        relative = Path(path).relative_to(self.root).as_posix()
        if relative.endswith("index.html"):
            relative = relative[: -len("index.html")]
        return f"{self.siteurl}/{relative}"

    def file_for(self, url, base=None):
        """The output file a URL resolves to, or None when it leaves the site."""
        absolute = urljoin(base or f"{self.siteurl}/", url)
        parts = urlsplit(absolute)
        site = urlsplit(self.siteurl or "/")
        if self.siteurl and (parts.scheme, parts.netloc) != (site.scheme, site.netloc):
            return None
        if not self.siteurl and parts.netloc:
            return None
        path = parts.path.lstrip("/")
        target = self.root / path
        if path == "" or path.endswith("/"):
            target = target / "index.html"
        return target


def _build_site(tmp_path_factory, settings, name, siteurl):
    output = tmp_path_factory.mktemp(name) / "output"
    result = run_build(settings, output, siteurl=siteurl)
    assert result.returncode == 0, result.stderr + result.stdout
    return Site(output, siteurl)


@pytest.fixture(scope="session")
def dev_site(tmp_path_factory):
    """The development build (root-relative URLs)."""
    return _build_site(tmp_path_factory, "pelicanconf.py", "dev", "")


@pytest.fixture(scope="session")
def prod_site(tmp_path_factory):
    """The production build (absolute URLs under PRODUCTION_URL)."""
    return _build_site(tmp_path_factory, "publishconf.py", "prod", PRODUCTION_URL)


@pytest.fixture(scope="session")
def paginated_site(tmp_path_factory):
    """A development build with two news items a page, to reach every list page."""
    folder = tmp_path_factory.mktemp("paginated")
    settings = folder / "paginatedconf.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n"
        "from pelicanconf import *  # noqa\nDEFAULT_PAGINATION = 2\n",
        encoding="utf-8",
    )
    result = run_build(str(settings), folder / "output", siteurl="")
    assert result.returncode == 0, result.stderr + result.stdout
    return Site(folder / "output", "")


@pytest.fixture(params=["dev", "prod", "paginated"], scope="session")
def site(request):
    """Each build in turn."""
    return request.getfixturevalue(f"{request.param}_site")


@pytest.fixture
def project_copy(tmp_path):
    """A copy of the project's sources to break on purpose."""
    copy = tmp_path / "project"
    ignore = shutil.ignore_patterns(".venv", ".git", "output", "__pycache__", "*.mo",
                                    ".pytest_cache", "artifacts")
    shutil.copytree(ROOT, copy, ignore=ignore)
    return copy


def content_items():
    """(kind, key) for every news item and page folder in content/."""
    return sorted(
        (kind, folder.name)
        for kind in ("news", "pages")
        for folder in (ROOT / "content" / kind).iterdir() if folder.is_dir()
    )
