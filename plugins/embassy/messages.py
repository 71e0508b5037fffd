"""The build's words to staff, said in Spanish and French where the catalog has them.

A SiteError's problem and fix are English text, as the terminal shows them and
the tests assert them. The mistakes staff make most (a missing language, a bad
field, a date, a link, a photo's description) are written with staff_text():
the same English string, which also keeps its gettext msgid and its named
parameters, so that the workflow run's summary (run_summary.py) can say it in
the other languages from the build's own catalog,
translations/<lang>/LC_MESSAGES/build.po (`invoke translations` extracts it
from this package). A message that has no translation there is said in
English, and the summary says so: nothing is guessed.
"""

import functools
from collections.abc import Callable
from pathlib import Path

from babel.messages.pofile import read_po

DOMAIN = "build"  # translations/build.pot, translations/<lang>/LC_MESSAGES/build.po


class StaffText(str):
    """English text that remembers its msgid and parameters (the parameters may be
    StaffText too: "news item" and "page" are said in each language as well)."""

    msgid: str
    params: dict

    def __new__(cls, msgid: str, **params) -> "StaffText":
        text = super().__new__(cls, msgid % params if params else msgid)
        text.msgid, text.params = msgid, params
        return text

    def __reduce__(self) -> tuple[Callable, tuple[str, dict]]:
        # a SiteError raised in a worker process crosses back with its msgid
        return (_rebuild, (self.msgid, self.params))


def _rebuild(msgid, params):
    return StaffText(msgid, **params)


def staff_text(msgid: str, **params) -> StaffText:
    """A message for staff, in English, translatable: msgid with %(name)s placeholders
    (a literal string: `invoke translations` extracts it), filled with params."""
    return StaffText(msgid, **params)


@functools.lru_cache(maxsize=8)
def _catalog(folder, lang):
    path = Path(folder) / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.is_file():
        return {}
    with open(path, "rb") as fileobj:
        catalog = read_po(fileobj)
    return {message.id: message.string for message in catalog
            if message.id and message.string and not message.fuzzy}


def translate(text: str, lang: str, folder: str | Path) -> tuple[str, bool]:
    """(text in lang, whether it was translated): a StaffText from the catalog in folder
    (translations/), its parameters too; any other text, or a msgid the catalog lacks,
    as it is (English), with False."""
    if not isinstance(text, StaffText):
        return str(text), False
    translated = _catalog(str(folder), lang).get(text.msgid)
    if translated is None:
        return str(text), False
    params = {}
    for name, value in text.params.items():
        params[name], done = translate(value, lang, folder) if isinstance(
            value, StaffText) else (value, True)
        if not done:  # half a sentence in English reads worse than all of it
            return str(text), False
    return (translated % params if text.params else translated), True
