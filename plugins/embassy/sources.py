"""Checks on a content file before Pelican reads it: encoding, emptiness, dates.

Pelican would skip such a file with a bare exception; these checks name the
file, the line or field, and the fix. The checked Markdown reader and the
fast build's content cache live here too.
"""

import datetime
import functools
import hashlib
import re
import zlib
from pathlib import Path

from markdown import Markdown
from markdown.extensions.meta import MetaPreprocessor
from pelican.readers import METADATA_PROCESSORS, MarkdownReader
from pelican.utils import get_date, pelican_open

from .errors import SiteError
from .incremental import read_cache, write_cache

_FIELD = re.compile(r"^(?P<name>[A-Za-z][\w-]*):(?P<value>.*)$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$")
DATE_FIX = "write the date as YYYY-MM-DD, or YYYY-MM-DD HH:MM (Ottawa time), e.g. 2026-11-28 14:30."


def read_metadata_header(path, raw=None):
    """The file's text and its metadata lines {name: (value, line number)}
    (raw: the file's bytes, when already read)."""
    raw = path.read_bytes() if raw is None else raw
    if not raw.strip():
        raise SiteError(path, "the file is empty.",
                        "write its metadata lines (Title, Key, Lang, …) and its text, "
                        "or delete the file.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise SiteError(path, f"the file is not UTF-8 text (a byte at line {line} is not).",
                        "open it in your editor and save it again with the UTF-8 encoding.") from None
    fields = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            break
        match = _FIELD.match(line)
        if match is None:
            if number == 1:
                raise SiteError(path, "the file does not start with its metadata.",
                                "start it with lines like 'Title: …', 'Key: …', 'Lang: …', "
                                "then a blank line, then the text.")
            continue  # a continuation line of the previous field
        fields[match["name"].lower()] = (match["value"].strip(), number)
    return text, fields


def header_text(raw):
    """(the metadata lines, the Lang: value or None) of a file's bytes, never failing:
    what a build's record compares (see incremental.py); checks come later."""
    lines, lang = [], None
    for line in raw.decode("utf-8-sig", errors="replace").splitlines():
        if not line.strip():
            break  # as read_metadata_header: the metadata ends at the first blank line
        lines.append(line)
        match = _FIELD.match(line)
        if match and match["name"].lower() == "lang":
            lang = match["value"].strip()
    return "\n".join(lines), lang


def check_date(path, value, line):
    match = _DATE.match(value)
    if match is None:
        raise SiteError(path, f"line {line}: '{value}' is not a date as the site writes them.",
                        DATE_FIX, field="Date")
    numbers = [int(part) if part else 0 for part in match.groups()]
    try:
        datetime.datetime(*numbers)
    except ValueError as error:
        raise SiteError(path, f"line {line}: '{value}' is not a real date ({error}).",
                        DATE_FIX, field="Date") from None


# Checked headers, by (path, modification time, size): every (sub)site reads every
# file, and the fast build checks them all once, before its processes start.
_CHECKED = {}


def check_source(path, raw=None):
    """Stop on an empty, non-UTF-8 or badly dated file, naming the line; return its metadata
    (raw: the file's bytes, when already read)."""
    stat = path.stat()
    key = (Path(path), stat.st_mtime_ns, stat.st_size)
    if key not in _CHECKED:
        _CHECKED[key] = _checked_header(path, raw)
    return _CHECKED[key]


def remember_checked(path, stat, fields):
    """What check_source returned for the file as it is (stat) in an earlier build."""
    _CHECKED[Path(path), stat.st_mtime_ns, stat.st_size] = fields


def _checked_header(path, raw=None):
    _text, fields = read_metadata_header(path, raw)
    for name in ("date", "modified"):
        if name in fields:
            check_date(path, *fields[name])
    return fields


class CheckedMarkdownReader(MarkdownReader):
    """Pelican's Markdown reader, after check_source.

    In the fast build, a file whose page another process writes is read for
    its metadata only (see speed.reading_mode; a site another process builds
    does not even list the files).
    """

    def read(self, source_path):
        from .speed import reading_mode

        fields = check_source(Path(source_path))
        mode = reading_mode(self.settings, fields.get("lang", (self.settings["DEFAULT_LANG"],))[0])
        if mode == "full":
            if self.settings.get("FAST_BUILD"):
                return self._read_reusing_markdown(source_path)
            return super().read(source_path)
        # FORMATTED_FIELDS is empty: every field is plain text, as for a full read.
        return "", {name: self.process_metadata(name, value)
                    for name, (value, _line) in fields.items()}

    def _read_reusing_markdown(self, source_path):
        """MarkdownReader.read, with one Markdown instance for every file of the process,
        and the HTML of files unchanged since the last build taken from CONTENT_CACHE.

        Pelican makes a new instance per file, which costs as much as a
        third of the conversion; Python-Markdown supports reuse with reset().
        Pelican's metadata parsing removes the instance's "meta" preprocessor;
        it is put back as markdown.extensions.meta registers it.
        """
        if getattr(self, "_reused", None) is None:
            self._reused = Markdown(**self.settings["MARKDOWN"])
        self._md = self._reused.reset()
        if "meta" not in self._md.preprocessors:
            self._md.preprocessors.register(MetaPreprocessor(self._md), "meta", 27)
        self._source_path = source_path
        cached = CONTENT_CACHE.get(source_path) if CONTENT_CACHE else None
        if cached is None:
            with pelican_open(source_path) as text:
                content = self._md.convert(text)
            meta = getattr(self._md, "Meta", None)
            if CONTENT_CACHE is not None:
                CONTENT_CACHE.put(source_path, content, meta)
        else:
            content, meta = cached
        return content, self._parse_metadata(meta) if meta is not None else {}


class ContentCache:
    """The fast build's content cache: the HTML of each Markdown file (and its
    metadata lines as Markdown read them), kept from one build to the next.

    An entry counts only for the exact file it was made from (its
    signature, see incremental.Inputs), and the whole cache only for the
    Markdown settings, plugin code and package versions it was made with.
    """

    def __init__(self, path, inputs):
        self.path, self.inputs = Path(path), inputs
        cached = read_cache(self.path, ())
        if len(cached) == 3 and cached[0] == inputs.contents:
            _made_by, self.previous, self.previous_results = cached
        else:  # none yet, made with other Markdown settings, plugin or packages, or damaged
            self.previous, self.previous_results = {}, {}
        self.current, self.results = {}, {}

    def result(self, kind, text, compute):
        """compute(text), kept from the last build when text is the same (typography)."""
        key = hashlib.sha256(f"{kind}\0{text}".encode("utf-8", "surrogateescape")).digest()
        result = self.previous_results.get(key)
        if result is None:
            result = compute(text)
        self.results[key] = result
        return result

    def get(self, source_path):
        entry = self.previous.get(str(source_path))
        if entry is None or entry[0] != self.inputs.full(source_path):
            return None
        self.current[str(source_path)] = entry
        return zlib.decompress(entry[1]).decode("utf-8"), entry[2]

    def put(self, source_path, content, meta):
        # compressed: a language's HTML stays in memory until the cache is saved
        self.current[str(source_path)] = (self.inputs.full(source_path),
                                          zlib.compress(content.encode("utf-8"), 1), meta)

    def save(self):
        """Keep this build's entries and the earlier ones of files unchanged since (which
        Pelican's item cache may have spared reading); files since deleted or
        changed are forgotten."""
        for path, entry in self.previous.items():
            if path not in self.current and entry[0] == self.inputs.full(path):
                self.current[path] = entry
        self.results = {**self.previous_results, **self.results}
        write_cache(self.path, (self.inputs.contents, self.current, self.results))


# This process's content cache during a fast build (see build.py), else None.
CONTENT_CACHE = None


@functools.lru_cache(maxsize=None)
def _date(value):
    return get_date(value)


def use_checked_reader(readers):
    """readers_init handler: read Markdown through CheckedMarkdownReader.

    Dates are parsed once a process (dateutil is slow, and every (sub)site
    reads every file); the processor is Pelican's own.
    """
    if readers.settings.get("FAST_BUILD"):
        METADATA_PROCESSORS["date"] = lambda value, _settings: _date(value.replace("_", " "))
        METADATA_PROCESSORS["modified"] = lambda value, _settings: _date(value)
    for extension in CheckedMarkdownReader.file_extensions:
        readers.reader_classes[extension] = CheckedMarkdownReader
        readers.readers[extension] = CheckedMarkdownReader(readers.settings)
