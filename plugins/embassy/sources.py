"""Checks on a content file before Pelican reads it: encoding, front matter, dates.

Each news item or page is a folder, `<news|pages>/<key>/`, holding one file per
language, `index.<lang>.md`: Markdown with YAML front matter, the format the
browser editor (Sveltia CMS, see admin.py) writes and pelican-yaml-metadata
reads. The key and the language come from the path (PATH_METADATA), never
from the front matter. pelican-yaml-metadata logs a bad header and reads the
file without it; these checks stop the build instead, naming the file, the
line or field, and the fix.
"""

import datetime
import os
import re
from pathlib import Path

import yaml
from pelican.plugins.yaml_metadata import YAMLMetadataReader
from pelican.readers import Readers
from pelican.settings import Settings

from .errors import SiteError
from .messages import staff_text

# The front matter as pelican-yaml-metadata finds it: its own HEADER_RE, copied
# rather than imported (a private name, which an upgrade may move before the fast
# build's version check can say so); tests/test_content.py compares the two.
FRONT_MATTER = re.compile(r"\s*^---$(?P<metadata>.+?)^(?:---|\.\.\.)$(?P<content>.*)",
                          re.MULTILINE | re.DOTALL)
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$")
DATE_FIX = staff_text("write the date as YYYY-MM-DD, or YYYY-MM-DD HH:MM (Ottawa time), e.g. "
                      "2026-11-28 14:30.")
START = staff_text("Start it with a line '---', then its metadata ('title: …', 'summary: …', "
                   "one per line), then a line '---', then the text.")
QUOTE = staff_text("put the value between double quotes, e.g. title: \"1944: the first year\" "
                   "(a value that contains ': ' or starts with a quote, '#', '[', '{', '&' or "
                   "'*' needs them).")
# Fields whose value is not text: dates, and the maintainers' 'translated: false'.
DATE_FIELDS = ("date", "modified")
FLAG_FIELDS = ("translated",)
# Pelican knows more ('hidden' skips the language and draft checks): the site has two.
STATUSES = ("draft", "published")
FROM_PATH = {"key": "the folder's name", "lang": "the file's name (index.<lang>.md)"}


def path_fields(path: str | Path, settings: Settings) -> dict[str, str]:
    """{key, lang} of a content file, from its path under PATH (the PATH_METADATA
    setting), or {} for a file named otherwise."""
    relative = Path(path).resolve().relative_to(Path(settings["PATH"]).resolve()).as_posix()
    match = re.fullmatch(settings["PATH_METADATA"], relative)
    return match.groupdict() if match else {}


def front_matter(text: str) -> tuple[str, int, str] | None:
    """(the front matter's text, the line it starts on, the body), or None when the
    text does not start with front matter. Line endings may be Windows' (CRLF), as
    Pelican reads them."""
    match = FRONT_MATTER.fullmatch(text.replace("\r\n", "\n").replace("\r", "\n"))
    if match is None:
        return None
    first = text[: match.start("metadata")].count("\n") + 1
    return match["metadata"], first, match["content"]


def read_front_matter(path: Path, raw: bytes | None = None) -> tuple[str, dict[str, tuple]]:
    """The file's text and its metadata {name: (value, line number)}
    (raw: the file's bytes, when already read)."""
    raw = path.read_bytes() if raw is None else raw
    if not raw.strip():
        raise SiteError(path, staff_text("the file is empty."),
                        staff_text("%(start)s Or delete the file.", start=START))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise SiteError(path, staff_text("the file is not UTF-8 text (a byte at line %(line)s "
                                         "is not).", line=line),
                        staff_text("open it in your editor and save it again with the UTF-8 "
                                   "encoding.")) from None
    parts = front_matter(text)
    if parts is None:
        raise SiteError(path, staff_text("the file does not start with its metadata."), START)
    header, first, _body = parts
    loader = yaml.SafeLoader(header)
    try:
        node = loader.get_single_node()
        if not isinstance(node, yaml.MappingNode):
            raise SiteError(path, "the metadata is not a list of 'name: value' lines.", START)
        fields = {}
        for key, value in node.value:
            name, line = str(key.value).lower(), first + key.start_mark.line
            try:
                fields[name] = (loader.construct_object(value, deep=True), line)
            except ValueError:  # YAML reads 2024-02-30 as a date, and finds none
                raise SiteError(path, staff_text("line %(line)s: '%(value)s' is not a real "
                                                 "date.", line=line, value=value.value),
                                DATE_FIX, field=name) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        raise SiteError(path, staff_text("line %(line)s: the metadata cannot be read "
                                         "(%(problem)s).", line=first + mark.line,
                                         problem=problem) if mark else
                        f"the metadata cannot be read ({problem}).", QUOTE) from None
    finally:
        loader.dispose()
    return text, fields


def header_text(raw: bytes) -> str:
    """The front matter of a file's bytes, never failing: what a build's record
    compares (see fast/signatures.py); checks come later."""
    parts = front_matter(raw.decode("utf-8-sig", errors="replace"))
    return parts[0] if parts else ""


def check_date(path: str | Path, value, line: int, field: str = "date") -> None:
    if isinstance(value, datetime.date):  # YAML reads 2026-11-28 as a date
        return
    match = _DATE.match(str(value))
    if match is None:
        raise SiteError(path, staff_text("line %(line)s: '%(value)s' is not a date as the site "
                                         "writes them.", line=line, value=value),
                        DATE_FIX, field=field)
    numbers = [int(part) if part else 0 for part in match.groups()]
    try:
        datetime.datetime(*numbers)
    except ValueError as error:
        raise SiteError(path, staff_text("line %(line)s: '%(value)s' is not a real date "
                                         "(%(error)s).", line=line, value=value, error=error),
                        DATE_FIX, field=field) from None


def _check_value(path, name, value, line):
    if name in FROM_PATH:
        raise SiteError(path, f"line {line}: '{name}' is not written in the file: it is "
                        f"{FROM_PATH[name]}.", f"remove the line '{name}: …'.", field=name)
    if name == "status" and value not in STATUSES:
        problem = staff_text("line %(line)s: the status is empty.", line=line) \
            if value is None else staff_text("line %(line)s: '%(value)s' is not a status of "
                                             "this site.", line=line, value=value)
        raise SiteError(path, problem, staff_text("write status: \"draft\" (never published) "
                                                  "or status: \"published\"."), field=name)
    if name in FLAG_FIELDS:
        if not isinstance(value, bool):  # the text "false" would count as translated
            raise SiteError(path, f"line {line}: '{name}' is {_shown(value)}, not true or false.",
                            f"write {name}: false (without quotes), or remove the line once "
                            "the file is translated.", field=name)
        return
    if value is None:  # 'date:' alone: no value (pelican-yaml-metadata leaves it out)
        return
    if name in DATE_FIELDS:
        check_date(path, value, line, field=name)
    elif isinstance(value, str):
        return
    elif isinstance(value, (list, dict)):
        raise SiteError(path, f"line {line}: '{name}' holds a list, not one value.",
                        f"write one value on the line: {name}: …", field=name)
    else:
        raise SiteError(path, f"line {line}: '{name}' is read as {type(value).__name__}, "
                        "not text.", QUOTE, field=name)


def _shown(value):
    return "empty" if value is None else f"the text '{value}'" if isinstance(value, str) \
        else f"'{value}'"


# Checked headers, by (path, modification time, size): every (sub)site reads every
# file, and the fast build checks them all once, before its processes start.
_CHECKED = {}


def check_source(path: Path, raw: bytes | None = None) -> dict[str, tuple]:
    """Stop on an empty, non-UTF-8 or badly dated file, or unreadable metadata,
    naming the line; return its metadata (raw: the file's bytes, when already read)."""
    stat = path.stat()
    key = (Path(path), stat.st_mtime_ns, stat.st_size)
    if key not in _CHECKED:
        _CHECKED[key] = _checked_header(path, raw)
    return _CHECKED[key]


def remember_checked(path: str | Path, stat: os.stat_result, fields: dict[str, tuple]) -> None:
    """What check_source returned for the file as it is (stat) in an earlier build."""
    _CHECKED[Path(path), stat.st_mtime_ns, stat.st_size] = fields


def _checked_header(path, raw=None):
    _text, fields = read_front_matter(path, raw)
    for name, (value, line) in fields.items():
        _check_value(path, name, value, line)
    return fields


class CheckedMarkdownReader(YAMLMetadataReader):
    """pelican-yaml-metadata's reader, after check_source."""

    def read(self, source_path: str) -> tuple[str, dict]:
        check_source(Path(source_path))
        return super().read(source_path)


def use_checked_reader(readers: Readers) -> None:
    """readers_init handler: read Markdown through CheckedMarkdownReader (or the
    subclass of it that the READERS setting names), and nothing else."""
    # The site is Markdown only. Pelican's reStructuredText reader would warn, and
    # so stop the build, for each language its docutils has no words for
    # (Portuguese, 'pt', among them).
    readers.reader_classes["rst"] = None
    for extension in CheckedMarkdownReader.file_extensions:
        configured = readers.reader_classes.get(extension)
        if not (isinstance(configured, type) and issubclass(configured, CheckedMarkdownReader)):
            readers.reader_classes[extension] = CheckedMarkdownReader
