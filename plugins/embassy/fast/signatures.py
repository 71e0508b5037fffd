"""Signatures of every input a build reads, computed once before it starts.

What a rebuild compares with the last build's record (record.py):

- the *site's own files* (settings, theme, catalogs, plugin, data files,
  images, git's last commit, package versions) and what the time the build
  runs decides (the notices in force, the news items still waiting for their
  date: every page shows the first, lists show the second): any change, and
  everything is built again;
- each *language*: its own Markdown files in full, and the metadata lines of
  the others' (all its pages read from them). A language whose inputs did
  not change is not built at all: its pages and search index stay as they
  are in the output;
- each *page* of a language that is built: see reuse.py.
"""

import functools
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from .. import due, sources
from ..errors import SiteError
from .cache_file import read_cache, write_cache

# Packages whose versions change what a build writes.
PACKAGES = ("pelican", "pelican-i18n-subsites", "markdown", "jinja2", "markupsafe", "typogrify",
            "smartypants", "babel", "pillow", "pagefind", "feedgenerator", "rcssmin", "rjsmin",
            "pyyaml", "nh3", "python-dateutil", "pelican-yaml-metadata")
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown")


def digest(*parts: object) -> str:
    """A short signature of parts (any values, compared by their text)."""
    hashed = hashlib.sha256()
    for part in parts:
        hashed.update(str(part).encode("utf-8", "surrogateescape"))
        hashed.update(b"\0")
    return hashed.hexdigest()[:32]


def _tree_files(folder, skip_suffixes=()):
    return [Path(folder, relative) for relative in sorted(walk(folder))
            if "__pycache__" not in relative.split(os.sep) and not relative.endswith(skip_suffixes)]


def _file_digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:32]


def _stable(value):
    """A setting's value that JSON cannot hold, as text that is the same in every run
    (functions and classes by name: their code is among the site's files)."""
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    if isinstance(value, Path):
        return str(value)
    name = getattr(value, "__qualname__", None) or type(value).__qualname__
    return f"{getattr(value, '__module__', '')}.{name}"


def _git_head(folder):
    result = subprocess.run(["git", "rev-parse", "HEAD"], cwd=folder, capture_output=True,
                            text=True)
    return result.stdout.strip() if result.returncode == 0 else ""


class _Known:
    """What earlier builds worked out from each file (its signatures, its checked
    header), kept in CACHE_PATH/files.pickle for as long as the file's size,
    times and inode stay the same, and what worked it out (the checks of
    sources.py, this module, Python, the PATH_METADATA setting) is the same:
    reading and hashing every file again was most of what a build with nothing
    to do spent."""

    def __init__(self, cache, path_metadata):
        self.path = Path(cache) / "files.pickle"
        self.code = digest(sys.version, path_metadata, *(_file_digest(module.__file__)
                                          for module in (sources, sys.modules[__name__])))
        made_by, entries = read_cache(self.path, ("", {}))
        self.entries = entries if made_by == self.code else {}
        self.seen, self.changed = {}, False

    def get(self, path: Path,
            compute: Callable[[Path, os.stat_result], tuple]) -> tuple[tuple, os.stat_result]:
        """compute(path, its stat), or what it gave for the file as it is now;
        and the file's stat."""
        stat = os.stat(path)
        stamp = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
        entry = self.entries.get(str(path))
        if entry is None or entry[0] != stamp:
            entry, self.changed = (stamp, compute(path, stat)), True
        self.seen[str(path)] = entry
        return entry[1], stat

    def save(self) -> None:
        if self.changed or self.seen.keys() != self.entries.keys():
            write_cache(self.path, (self.code, self.seen))


def _source_facts(path, stat, settings):
    """A Markdown file's (lang, metadata signature, full signature, checked header,
    text signature)."""
    raw = path.read_bytes()
    header, lang = sources.header_text(raw), sources.path_fields(path, settings).get("lang")
    try:
        # once here: the language processes share the result
        fields = sources.check_source(path, raw)
    except SiteError:
        fields = None  # reported by the build, with the file's name
    text = digest(path, hashlib.sha256(raw).hexdigest())
    full = digest(text, stat.st_mtime_ns)
    return lang, digest(path, header), full, fields, text


def _file_stamp(path, stat):
    """A file's (path and bytes, time): pages may show the time (a file changed since
    git's last commit), what Markdown and typography make of it cannot."""
    return f"{path} {_file_digest(path)}", stat.st_mtime_ns


class Inputs:
    """What a build reads, summed up as signatures (computed once, before the build)."""

    def __init__(self, settings_file, settings):
        project = Path(settings_file).resolve().parent
        self.cache = Path(settings["CACHE_PATH"])
        known = _Known(self.cache, settings["PATH_METADATA"])
        content = Path(settings["PATH"])
        site_files = [Path(settings_file).resolve(), *sorted(project.glob("*.py"))]
        site_files += _tree_files(settings["THEME"])
        site_files += _tree_files(settings["I18N_GETTEXT_LOCALEDIR"], skip_suffixes=(".mo",))
        if settings.get("EDITOR_PATH"):  # the editor's page and bundle (installed, upgraded)
            editor = Path(settings["EDITOR_PATH"])
            site_files += [path for path in (editor / "index.html", editor / "dist" / "editor.js")
                           if path.exists()]
        plugin_files = [path for folder in settings["PLUGIN_PATHS"]
                        for path in _tree_files(folder, skip_suffixes=(".pyc",))]
        # Markdown file -> (lang, metadata signature, full signature, text signature)
        self.sources = {}
        dated = {}  # news file -> (status, date) from its front matter
        news = [content / folder for folder in settings["ARTICLE_PATHS"]]
        for path in _tree_files(content):
            if path.suffix.lower() not in MARKDOWN_SUFFIXES:
                site_files.append(path)  # images and data files: every language shows them
                continue
            (lang, meta, full, fields, text), stat = known.get(
                path, functools.partial(_source_facts, settings=settings))
            if fields is not None:
                sources.remember_checked(path, stat, fields)
                if any(path.is_relative_to(folder) for folder in news):
                    dated[str(path)] = (fields.get("status", (None,))[0],
                                        fields.get("date", (None,))[0])
            self.sources[str(path)] = (lang, meta, full, text)
        versions = []
        for package in PACKAGES:
            try:
                versions.append(f"{package} {metadata.version(package)}")
            except metadata.PackageNotFoundError:
                versions.append(f"{package} -")
        code = [*versions, *(known.get(path, _file_stamp)[0] for path in plugin_files)]
        # What the content cache's HTML and typography come from, besides each file's
        # text: no file's time, so that it holds in a fresh checkout (the Pages
        # workflow restores cache/contents/ on a new machine).
        self.contents = digest(sys.version, *(part if isinstance(part, str) else part[0]
                                              for part in code), json.dumps(
            settings["MARKDOWN"], sort_keys=True, default=_stable))
        values = {name: value for name, value in settings.items() if name != "OUTPUT_PATH"}
        self.site = digest(
            self.contents, *code, _git_head(content),
            # the settings' values too: some come from the environment (SITEURL)
            json.dumps(values, sort_keys=True, default=_stable),
            *(known.get(path, _file_stamp)[0] for path in site_files),
            due.signature(settings, dated),
        )
        known.save()
        # Every item's metadata (titles, dates, URLs: what lists and links show).
        self.metadata = digest(self.site, *(f"{path} {meta}" for path, (_lang, meta, *_full)
                                           in sorted(self.sources.items())))
        self.languages = {lang: self._language(lang) for lang in settings["LANGUAGES"]}

    def _language(self, lang):
        """A language's site reads its own files in full and the others' metadata."""
        return digest(self.metadata, *(full for _path, (file_lang, _meta, full, _text)
                                      in sorted(self.sources.items()) if file_lang == lang))

    def full(self, source_path: str | Path) -> str:
        """The signature of a Markdown file's path, bytes and time."""
        return self.sources.get(str(source_path), (None, None, "?", "?"))[2]

    def text(self, source_path: str | Path) -> str:
        """The signature of a Markdown file's path and bytes (what the memo's entries
        are made from)."""
        return self.sources.get(str(source_path), (None, None, "?", "?"))[3]


def walk(folder: str | Path) -> list[str]:
    """Every file below folder, as paths relative to it."""
    found = []
    for parent, _dirs, files in os.walk(folder):
        relative = os.path.relpath(parent, folder)
        found += [os.path.normpath(os.path.join(relative, name)) for name in files]
    return found
