"""The theme's gettext catalogs: checked against the templates, then compiled.

A build stops, naming the string, when messages.pot is stale or a language's
catalog is missing, incomplete or fuzzy. The .mo files are compiled here by
every build (a fast rebuild of an unchanged theme finds them compiled), and
never committed.
"""

from collections.abc import Sequence
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from pelican import Pelican
from pelican.settings import Settings

from . import style
from .atomic import atomic_write
from .errors import SiteError

# gettext_in(lang, message) translates into a given language (languages.py).
KEYWORDS = {**DEFAULT_KEYWORDS, "gettext_in": (2,)}
FIX_STALE = "run 'invoke translations' to update the catalogs, then translate the new strings."


def _msgid(message_id):
    return message_id[0] if isinstance(message_id, (tuple, list)) else message_id


def template_strings(templates: str | Path, mapping_file: str | Path) -> dict[str, str]:
    """{msgid: first template using it} for every gettext string in the theme."""
    with open(mapping_file, encoding="utf-8") as fileobj:
        method_map, options_map = parse_mapping_cfg(fileobj, mapping_file)
    strings = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        templates, method_map, options_map, keywords=KEYWORDS
    ):
        strings.setdefault(_msgid(message), f"{Path(templates) / filename}")
    return strings


def _read(path):
    with open(path, "rb") as fileobj:
        return read_po(fileobj)


def check_catalogs(templates: str | Path, folder: str | Path,
                   languages: Sequence[str]) -> dict[str, tuple[Path, Catalog]]:
    """Check messages.pot and each language's .po; return the checked catalogs."""
    folder = Path(folder)
    used = template_strings(templates, folder / "babel.cfg")
    pot_path = folder / "messages.pot"
    if not pot_path.exists():
        raise SiteError(pot_path, "the theme's string catalog is missing.", FIX_STALE)
    extracted = {_msgid(message.id) for message in _read(pot_path) if message.id}
    for msgid in used.keys() - extracted:
        raise SiteError(pot_path, f"the string '{msgid}' used in {used[msgid]} is "
                        "not in the catalog (it is stale).", FIX_STALE)
    for msgid in extracted - used.keys():
        raise SiteError(pot_path, f"the string '{msgid}' is no longer used by the "
                        "templates (the catalog is stale).", FIX_STALE)
    catalogs = {}
    for lang in languages:
        po_path = folder / lang / "LC_MESSAGES" / "messages.po"
        if not po_path.exists():
            raise SiteError(po_path, f"the '{lang}' catalog is missing.",
                            "run 'invoke translations' to create it, then translate it.")
        catalog = _read(po_path)
        for msgid in sorted(used):
            message = catalog.get(msgid)
            if message is None:
                raise SiteError(po_path, f"the string '{msgid}' is missing.", FIX_STALE)
            if not message.string or (message.pluralizable and not all(message.string)):
                raise SiteError(po_path, f"the string '{msgid}' is not translated.",
                                "write its translation on the msgstr line below it.")
            if message.fuzzy:
                raise SiteError(po_path, f"the translation of '{msgid}' is marked fuzzy "
                                "(a guess that needs checking).",
                                "check the translation, then delete the '#, fuzzy' line above it.")
            for error in message.check(catalog):
                raise SiteError(po_path, f"the translation of '{msgid}' is wrong: {error}.",
                                "keep every %(name)s placeholder of the English text.")
            style.check_text(message.string, lang, po_path, field=f"msgstr of '{msgid}'",
                             catalog=True)
        catalogs[lang] = (po_path, catalog)
    return catalogs


def compile_catalogs(catalogs: dict[str, tuple[Path, Catalog]]) -> None:
    """Write each language's .mo beside its .po (atomically: readers never see half a file)."""
    for po_path, catalog in catalogs.values():
        with atomic_write(po_path.with_suffix(".mo")) as fileobj:
            write_mo(fileobj, catalog)


def check_and_compile(pelican: Pelican) -> None:
    """initialized handler: once, for the main site, before anything is read."""
    settings = pelican.settings
    if settings["DEFAULT_LANG"] != settings["I18N_TEMPLATES_LANG"] or settings.get(
            "CATALOGS_COMPILED"):
        return  # a subsite, or a run whose catalogs were compiled before it (a language's process)
    compile_for(settings)


def compiled(settings: Settings) -> bool:
    """Whether every language's .mo is there and newer than its .po."""
    folder = Path(settings["I18N_GETTEXT_LOCALEDIR"])
    for lang in settings["LANGUAGES"]:
        if lang == settings["I18N_TEMPLATES_LANG"]:
            continue
        po_path = folder / lang / "LC_MESSAGES" / "messages.po"
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime_ns < po_path.stat().st_mtime_ns:
            return False
    return True


def compile_for(settings: Settings) -> None:
    """Check and compile the catalogs that settings name."""
    languages = [lang for lang in settings["LANGUAGES"] if lang != settings["I18N_TEMPLATES_LANG"]]
    templates = Path(settings["THEME"]) / "templates"
    compile_catalogs(check_catalogs(templates, settings["I18N_GETTEXT_LOCALEDIR"], languages))
