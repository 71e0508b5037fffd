"""Staff tools: scaffold a news item in three languages; report translation status.

Used by `invoke new-post` and `invoke translations-status` (tasks.py).
"""

import datetime
import json
import unicodedata
from collections.abc import Collection, Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from pelican.utils import slugify

from .content import SLUG
from .errors import SiteError
from .modified import last_change
from .sources import check_date, read_front_matter

OTTAWA = ZoneInfo("America/Toronto")
PLACEHOLDERS = {
    "original": ("One sentence that sums up the news, for lists and feeds.",
                 "Write the news here, in Markdown. To add an image, see the writing "
                 "guide (docs/writing-guide.en.md)."),
    "translation": ("Translate the summary of the {original} file.",
                    "Translate the text of index.{original}.md here, then delete the line "
                    "'translated: false' above."),
}


def _file_text(fields, body):
    """A content file as the browser editor writes it: YAML front matter (text between
    double quotes: a JSON string is one), then the text."""
    header = "".join(f"{name}: {json.dumps(value, ensure_ascii=False)}\n"
                     for name, value in fields.items())
    return f"---\n{header}---\n\n{body}\n"


def new_post(content: str | Path, title: str, languages: Sequence[str],
             categories: Collection[str], category: str = "news", date: str | None = None,
             original: str = "en") -> list[Path]:
    """Write a draft news item in every language; return the files written."""
    if not title.strip():
        raise SiteError("new-post", "the title is empty.", 'give one: --title "…"')
    if any(unicodedata.category(character).startswith("C") for character in title):
        raise SiteError("new-post", "the title contains a line break or another control "
                        "character.", 'write the title on one line: --title "…"')
    if original not in languages:
        raise SiteError("new-post", f"'{original}' is not a language of this site.",
                        f"use --lang with one of {', '.join(languages)}.")
    if category not in categories:
        raise SiteError("new-post", f"'{category}' is not a news category.",
                        f"use --category with one of {', '.join(categories)}.")
    if date:
        check_date(Path("new-post"), date, 1)
    else:
        date = datetime.datetime.now(OTTAWA).strftime("%Y-%m-%d %H:%M")
    key = slugify(title, regex_subs=[(r"[^\w\s-]", ""), (r"(?u)\s+", "-")])
    if not SLUG.fullmatch(key):
        raise SiteError("new-post", f"the title {title!r} gives no usable key for the item's "
                        "folder (it needs letters or digits).",
                        'give a title with words: --title "Official visit to Ottawa"')
    folder = Path(content) / "news" / key
    if folder.exists():
        raise SiteError(folder, f"a news item with the key '{key}' already exists.",
                        "choose another title, or edit the existing item's files.")
    files = {}
    for lang in languages:
        kind = "original" if lang == original else "translation"
        summary, body = (text.format(original=original) for text in PLACEHOLDERS[kind])
        fields = {"title": title, "date": date, "category": category, "slug": key,
                  "summary": summary, "status": "draft", "original": original}
        if kind == "translation":
            fields["translated"] = False
        files[folder / f"index.{lang}.md"] = _file_text(fields, body)
    folder.mkdir(parents=True)
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    return list(files)


def translation_status(content: str | Path,
                       languages: Sequence[str]) -> list[tuple[str, str, dict[str, str]]]:
    """[(item, status, {lang: state})] for every news item and page.

    state is 'original', 'present', 'missing' or 'outdated' (the original
    changed after the translation); status is 'draft' or 'published'.
    """
    def changed(path):
        return last_change(path, {"PATH": str(content), "TIMEZONE": "UTC"})

    rows = []
    for folder in sorted(p for kind in ("news", "pages")
                         for p in (Path(content) / kind).iterdir() if p.is_dir()):
        headers = {}
        for lang in languages:
            path = folder / f"index.{lang}.md"
            if path.exists():
                headers[lang] = (path, read_front_matter(path)[1])
        def field(lang, name, headers=headers):
            return str(headers[lang][1].get(name, ("",))[0]).lower()

        original = next((field(lang, "original") for lang in headers if field(lang, "original")),
                        languages[0])
        draft = any(field(lang, "status") == "draft" for lang in headers)
        states = {}
        for lang in languages:
            if lang not in headers or field(lang, "translated") == "false":
                states[lang] = "missing"
            elif lang == original:
                states[lang] = "original"
            elif original in headers and (changed(headers[original][0])
                                          > changed(headers[lang][0])):
                states[lang] = "outdated"
            else:
                states[lang] = "present"
        rows.append((folder.relative_to(content).as_posix(),
                     "draft" if draft else "published", states))
    return rows


def blocks_publishing(rows: list[tuple[str, str, dict[str, str]]]) -> list[tuple[str, str]]:
    """The (item, language) pairs that would stop `invoke publish`."""
    return [(item, lang) for item, status, states in rows if status == "published"
            for lang, state in states.items() if state == "missing"]
