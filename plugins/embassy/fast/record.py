"""What a rebuild can keep from the last build: signatures of every input, and records.

After each successful build, a record of it is kept in CACHE_PATH/builds/:
what every language's site was built from, and, for every page and feed
Pelican wrote, a signature of what it was rendered from. The next build to
the same output compares:

- the *site's own files* (settings, theme, catalogs, plugin, data files,
  images, git's last commit, package versions) and what the time the build
  runs decides (the notices in force, the news items still waiting for their
  date: every page shows the first, lists show the second): any change, and
  everything is built again;
- each *language*: its own Markdown files in full, and the metadata lines of
  the others' (all its pages read from them). A language whose inputs did
  not change is not built at all: its pages and search index stay as they
  are in the output;
- each *page* of a language that is built: the metadata lines of every
  file, the full files of the items it was given (the news item, the news
  on a list page or in a feed), and, when it shows the language's newest
  change, every file of its language. A page whose signature did not change
  is not rendered: the output keeps it.

A rebuild renders what changed into a staging folder; the new site is the
last output's files (hard links, made meanwhile) with those moved in, and it
replaces the output in one step, as a full build's does (see standby.py).
Anything unexpected (a record from another configuration, a file missing
from the output) means a full build.
"""

import contextlib
import functools
import hashlib
import json
import os
import pickle
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import NamedTuple

from .. import due, sources
from ..cards import Card
from ..errors import SiteError
from ..sitemap import Entry

# Packages whose versions change what a build writes.
PACKAGES = ("pelican", "pelican-i18n-subsites", "markdown", "jinja2", "markupsafe", "typogrify",
            "smartypants", "babel", "pillow", "pagefind", "feedgenerator", "rcssmin", "rjsmin",
            "pyyaml", "nh3", "python-dateutil")
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown")


def digest(*parts):
    """A short signature of parts (any values, compared by their text)."""
    hashed = hashlib.sha256()
    for part in parts:
        hashed.update(str(part).encode("utf-8", "surrogateescape"))
        hashed.update(b"\0")
    return hashed.hexdigest()[:32]


def read_cache(path, empty):
    """A cache file's data, or empty if the file is missing or cannot be read back as
    data of empty's type (damaged on the disk, say): a cache missed, never a
    stopped build."""
    try:
        with open(path, "rb") as file:
            data = pickle.load(file)
    except Exception:  # noqa: BLE001 - unpickling a damaged file can raise anything
        return empty
    return data if isinstance(data, type(empty)) else empty


def write_cache(path, data):
    """Write a cache file whole or not at all (a partial file, then renamed): a build
    stopped halfway must not leave one the next cannot read."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    with partial.open("wb") as file:
        pickle.dump(data, file, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(partial, path)


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

    def get(self, path, compute):
        """compute(path, its stat), or what it gave for the file as it is now;
        and the file's stat."""
        stat = os.stat(path)
        stamp = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
        entry = self.entries.get(str(path))
        if entry is None or entry[0] != stamp:
            entry, self.changed = (stamp, compute(path, stat)), True
        self.seen[str(path)] = entry
        return entry[1], stat

    def save(self):
        if self.changed or self.seen.keys() != self.entries.keys():
            write_cache(self.path, (self.code, self.seen))


def _source_facts(path, stat, settings):
    """A Markdown file's (lang, metadata signature, full signature, checked header,
    text signature)."""
    raw = path.read_bytes()
    header, lang = sources.header_text(raw), sources.path_fields(path, settings).get("lang")
    try:
        fields = sources.check_source(path, raw)  # once here: the language processes share the result
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

    def full(self, source_path):
        """The signature of a Markdown file's path, bytes and time."""
        return self.sources.get(str(source_path), (None, None, "?", "?"))[2]

    def text(self, source_path):
        """The signature of a Markdown file's path and bytes (what the memo's entries
        are made from)."""
        return self.sources.get(str(source_path), (None, None, "?", "?"))[3]


class PageRecord(NamedTuple):
    """A page or feed a build wrote: the signature of what it was rendered from,
    its sitemap entry (a sitemap.Entry, or None), whether it shows its
    language's newest change (then every file of the language is among its
    inputs) and its sharing card's name under media/ (None for a feed)."""

    signature: str
    sitemap: Entry | None
    site_wide: bool
    card: str | None = None


class LanguageRecord(NamedTuple):
    """What a language's process built: its inputs' signature, its pages
    ({name: PageRecord}), its items' URLs (for the other languages' links),
    the image variants its pages show ({name: (source, width)}), its counts,
    the sharing cards its pages name ({name: cards.Card}) and the former site's
    addresses its pass moved ({old address: new path}, see redirects.py)."""

    signature: str
    pages: dict
    urls: dict
    images: dict
    counts: dict
    cards: dict
    moved: dict

    @classmethod
    def from_json(cls, data):
        signature, pages, urls, images, counts, cards, moved = data
        pages = {name: PageRecord(page_signature, Entry(*entry) if entry else None, site_wide,
                                  card)
                 for name, (page_signature, entry, site_wide, card) in pages.items()}
        return cls(signature, pages,
                   urls, {name: tuple(image) for name, image in images.items()}, counts,
                   {name: Card(*card) for name, card in cards.items()}, moved)


def record_path(settings, output):
    name = hashlib.sha256(str(Path(output).resolve()).encode()).hexdigest()[:16]
    return Path(settings["CACHE_PATH"]) / "builds" / f"{name}.json"


def identity(output):
    stat = Path(output).stat()
    return [stat.st_ino, stat.st_mtime_ns]


def load_record(settings, output, inputs):
    """The last build's {lang: LanguageRecord}, if it describes the output as it is
    and the same site; else None."""
    path = record_path(settings, output)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        if record["site"] == inputs.site and record["output"] == identity(output):
            return {lang: LanguageRecord.from_json(data)
                    for lang, data in record["languages"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def forget_record(settings, output):
    with contextlib.suppress(OSError):
        record_path(settings, output).unlink()


def save_record(settings, output, inputs, languages):
    """Remember this build ({lang: LanguageRecord}), once its output is in place."""
    record = {"site": inputs.site, "output": identity(output), "languages": languages}
    path = record_path(settings, output)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    partial.write_text(json.dumps(record), encoding="utf-8")
    os.replace(partial, path)


def walk(folder):
    """Every file below folder, as paths relative to it."""
    found = []
    for parent, _dirs, files in os.walk(folder):
        relative = os.path.relpath(parent, folder)
        found += [os.path.normpath(os.path.join(relative, name)) for name in files]
    return found
