"""Rebuilds that redo only what an edit changed (used by build.py's fast build).

After each successful build, a record of it is kept in CACHE_PATH/builds/:
what every language's site was built from, and, for every page and feed
Pelican wrote, a signature of what it was rendered from. The next build to
the same output compares:

- the *site's own files* (settings, theme, catalogs, plugin, data files,
  images, git's last commit, package versions): any change, and everything
  is built again;
- each *language*: its own Markdown files in full, and the metadata lines of
  the others' (all its pages read from them). A language whose inputs did
  not change is not built at all: its pages and search index stay as they
  are in the output;
- each *page* of a language that is built: the metadata lines of every
  file, the full files of the items it was given (the news item, the news
  on a list page or in a feed), and, when it shows the language's newest
  change, every file of its language. A page whose signature did not change
  is not rendered: the output keeps it.

A rebuild renders what changed into a staging folder; only when the whole
build succeeded does Update move those files into the output and delete the
pages the sources no longer make, then the languages built are indexed
again for search. Any failure there puts the output back as it was.
Anything unexpected (a record from another configuration, a file missing
from the output) means a full build, into a fresh folder swapped in whole.
"""

import hashlib
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

# Packages whose versions change what a build writes.
PACKAGES = ("pelican", "markdown", "jinja2", "typogrify", "smartypants", "babel", "pillow",
            "pagefind", "feedgenerator", "rcssmin", "rjsmin", "pyyaml")
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
    times and inode stay the same: reading and hashing every file again was
    most of what a build with nothing to do spent."""

    def __init__(self, cache):
        self.path = Path(cache) / "files.pickle"
        self.entries = read_cache(self.path, {})
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
            write_cache(self.path, self.seen)


def _source_facts(path, stat):
    """A Markdown file's (lang, metadata signature, full signature, checked header)."""
    from .errors import SiteError
    from .sources import check_source, header_text

    raw = path.read_bytes()
    header, lang = header_text(raw)
    try:
        fields = check_source(path, raw)  # once here: the language processes share the result
    except SiteError:
        fields = None  # reported by the build, with the file's name
    full = digest(path, hashlib.sha256(raw).hexdigest(), stat.st_mtime_ns)
    return lang, digest(path, header), full, fields


def _file_stamp(path, stat):
    return f"{path} {_file_digest(path)} {stat.st_mtime_ns}"


class Inputs:
    """What a build reads, summed up as signatures (computed once, before the build)."""

    def __init__(self, settings_file, settings, overrides):
        from .sources import remember_checked

        project = Path(settings_file).resolve().parent
        self.cache = Path(settings["CACHE_PATH"])
        known = _Known(self.cache)
        content = Path(settings["PATH"])
        site_files = [Path(settings_file).resolve(), *sorted(project.glob("*.py"))]
        site_files += _tree_files(settings["THEME"])
        site_files += _tree_files(settings["I18N_GETTEXT_LOCALEDIR"], skip_suffixes=(".mo",))
        plugin_files = [path for folder in settings["PLUGIN_PATHS"]
                        for path in _tree_files(folder, skip_suffixes=(".pyc",))]
        self.sources = {}  # Markdown file -> (lang, metadata signature, full signature)
        for path in _tree_files(content):
            if path.suffix.lower() not in MARKDOWN_SUFFIXES:
                site_files.append(path)  # images and data files: every language shows them
                continue
            (lang, meta, full, fields), stat = known.get(path, _source_facts)
            if fields is not None:
                remember_checked(path, stat, fields)
            self.sources[str(path)] = (lang, meta, full)
        versions = []
        for package in PACKAGES:
            try:
                versions.append(f"{package} {metadata.version(package)}")
            except metadata.PackageNotFoundError:
                versions.append(f"{package} -")
        code = [*versions, *(known.get(path, _file_stamp)[0] for path in plugin_files)]
        # What the content cache's HTML and typography come from, besides each file.
        self.contents = digest(sys.version, *code, json.dumps(
            settings["MARKDOWN"], sort_keys=True, default=_stable))
        values = {name: value for name, value in settings.items() if name != "OUTPUT_PATH"}
        self.site = digest(
            self.contents, *code, _git_head(content),
            # the settings' values too: some come from the environment (SITEURL)
            json.dumps(values, sort_keys=True, default=_stable),
            *(known.get(path, _file_stamp)[0] for path in site_files),
        )
        known.save()
        # Every item's metadata (titles, dates, URLs: what lists and links show).
        self.metadata = digest(self.site, *(f"{path} {meta}" for path, (_lang, meta, _full)
                                           in sorted(self.sources.items())))
        self.languages = {lang: self._language(lang) for lang in settings["LANGUAGES"]}

    def _language(self, lang):
        """A language's site reads its own files in full and the others' metadata."""
        return digest(self.metadata, *(full for _path, (file_lang, _meta, full)
                                      in sorted(self.sources.items()) if file_lang == lang))

    def full(self, source_path):
        return self.sources.get(str(source_path), (None, None, "?"))[2]


def _record_path(settings, output):
    name = hashlib.sha256(str(Path(output).resolve()).encode()).hexdigest()[:16]
    return Path(settings["CACHE_PATH"]) / "builds" / f"{name}.json"


def _identity(output):
    stat = Path(output).stat()
    return [stat.st_ino, stat.st_mtime_ns]


def load_record(settings, output, inputs):
    """The last build's record, if it describes the output as it is and the same site."""
    path = _record_path(settings, output)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        if record["site"] == inputs.site and record["output"] == _identity(output):
            return record
    except (OSError, ValueError, KeyError):
        pass
    return None


def save_record(settings, output, inputs, languages):
    """Remember this build (once its output is in place)."""
    path = _record_path(settings, output)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"site": inputs.site, "output": _identity(output), "languages": languages}
    partial = path.with_suffix(".part")
    partial.write_text(json.dumps(record), encoding="utf-8")
    os.replace(partial, path)


def check_pages(output, names):
    """Raise OSError if a page of the last build is missing from its output."""
    for name in names:
        os.stat(os.path.join(output, name))


def walk(folder):
    """Every file below folder, as paths relative to it."""
    found = []
    for parent, _dirs, files in os.walk(folder):
        relative = os.path.relpath(parent, folder)
        found += [os.path.normpath(os.path.join(relative, name)) for name in files]
    return found


class Update:
    """A rebuild's changes to the last output, made in place and undone on failure.

    A rebuild writes only what changed (in a staging folder); the rest of the
    output is left as it is. move_in() puts the staging folder's files in
    the output, remove() deletes what the new build no longer has; each
    replaced or deleted file is kept aside until commit(), so undo() puts the
    output back as it was. While an update runs, the build's record is gone:
    if it is interrupted, the next build is a full one.
    """

    def __init__(self, settings, output):
        self.output = Path(output)
        self.aside = Path(tempfile.mkdtemp(prefix=f".{self.output.name}.undo-",
                                           dir=self.output.parent))
        self.done = []  # (output file, its earlier version aside, or None if it is new)
        _record_path(settings, output).unlink(missing_ok=True)

    def _put_aside(self, target):
        backup = self.aside / str(len(self.done))
        os.replace(target, backup)
        return backup

    def move_in(self, staging, into="", unchanged=None):
        """Move every file of staging into output/into; unchanged(relative path, old
        file) says an existing file is the same and is kept (the staged one is not moved)."""
        target_root = self.output / into
        for relative in walk(staging):
            source, target = Path(staging) / relative, target_root / relative
            exists = target.exists()
            if exists and unchanged is not None and unchanged(relative, target):
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            backup = self._put_aside(target) if exists else None
            self.done.append((target, backup))
            try:
                os.replace(source, target)
            except OSError:  # staging on another file system (see build.fast_temporary_folder)
                shutil.copyfile(source, target)

    def replace_folder(self, new, within, unchanged=None):
        """Make output/within hold new's files (see move_in), and no others."""
        new_files = set(walk(new))  # before move_in moves them away
        self.move_in(new, into=within, unchanged=unchanged)
        self.remove(set(walk(self.output / within)) - new_files, within=within)

    def remove(self, names, within=""):
        """Delete output/within/name for each name, and the folders left empty."""
        for name in names:
            target = self.output / within / name
            if target.is_file():
                self.done.append((target, self._put_aside(target)))
                self._remove_empty(target.parent)

    def _remove_empty(self, folder):
        while folder != self.output and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent

    def undo(self):
        for target, backup in reversed(self.done):
            if backup is None:
                target.unlink(missing_ok=True)
                self._remove_empty(target.parent)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(backup, target)
        shutil.rmtree(self.aside, ignore_errors=True)

    def commit(self):
        shutil.rmtree(self.aside, ignore_errors=True)
