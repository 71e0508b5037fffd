"""Checks on a content file before Pelican reads it: encoding, emptiness, dates.

Pelican would skip such a file with a bare exception; these checks name the
file, the line or field, and the fix.
"""

import datetime
import re
from pathlib import Path

from pelican.readers import MarkdownReader

from .errors import SiteError

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
    what a build's record compares (see fast/record.py); checks come later."""
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
    """Pelican's Markdown reader, after check_source."""

    def read(self, source_path):
        check_source(Path(source_path))
        return super().read(source_path)


def use_checked_reader(readers):
    """readers_init handler: read Markdown through CheckedMarkdownReader (or the
    subclass of it that the READERS setting names)."""
    for extension in CheckedMarkdownReader.file_extensions:
        configured = readers.reader_classes.get(extension)
        if not (isinstance(configured, type) and issubclass(configured, CheckedMarkdownReader)):
            readers.reader_classes[extension] = CheckedMarkdownReader
