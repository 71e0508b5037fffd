"""The site's data files: loaded once, checked field by field.

content/data/agreements.yaml feeds the agreements table; content/data/embassy.yaml
the contact details (only those with a source: what is not known is left out);
content/data/chronology.yaml, with the agreements' dates, the chronology.

A source is a web address (an official source), or a set of fields:
  url: the address, or one address per language, {en: …, fr: …}, where the page
                        exists in each of Canada's official languages: each page links
                        its own language's version (Spanish: the 'es' one if given, else
                        the English one)
  label: {en, es, fr}   a short name for the link, shown with the site's name (where two
                        sources share a site, the site alone would not tell them apart)
  official: false       a secondary source (press, law firm, a copy on a non-government
                        host), shown as such: kept only where no official one was found
  former_site: true     a page of the embassy's former site, embassyofperu.ca, which
                        this site replaces: its address will lead here, so it is cited
                        as read (with `read`), not linked
  lang: en              the language of the page at url, where it exists in one
                        language only: a page in another language than the reader's
                        says so beside its link ("in French"); addresses per language
                        say it by their keys
  read: YYYY-MM-DD      the day it was read
  outdated: true        it may be out of date (an older page)
"""

import datetime
import re
from collections.abc import Sequence
from pathlib import Path

import yaml
from markupsafe import Markup, escape
from pelican import Pelican

from . import style
from .content import SLUG
from .errors import SiteError
from .typography import localize_text

_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")
# The page marks our own translations itself (the glossary's 'unofficial-title').
_UNOFFICIAL_MARK = re.compile(r"unofficial translation|traducción no oficial|"
                              r"traduction non officielle", re.IGNORECASE)
_SUPERSCRIPT = re.compile(r"&lt;sup&gt;([^&<>]{1,4})&lt;/sup&gt;")
SOURCE_FIELDS = {"url": (str, dict), "label": dict, "official": bool, "former_site": bool,
                 "lang": str, "read": datetime.date, "outdated": bool}
# The language whose version of a source a page links when its own is not given.
SOURCE_FALLBACK_LANG = "en"
# The order of the two countries in each language ("Perú: …; Canadá: …" in Spanish,
# as the glossary's rule for 'peru' says); the other languages name Canada first.
PARTY_ORDER = {"es": ("peru", "canada")}
DEFAULT_PARTY_ORDER = ("canada", "peru")


def with_superscripts(text: str) -> Markup:
    """Markup of a data text in which only <sup>…</sup> is markup: French 'n<sup>o</sup>',
    '80<sup>e</sup>' (OQLF), which plain text cannot write."""
    return Markup(_SUPERSCRIPT.sub(r"<sup>\1</sup>", str(escape(text))))  # noqa: S704 - escaped


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when installed
    """Leaves an impossible date (2008-13-45) as text, for the field checks to name."""

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def read_yaml(path: Path, label: str) -> dict:
    """Parse a YAML file, turning every mistake into a SiteError."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SiteError(path, f"the {label} file is missing.",
                        "restore it from git (git checkout -- <file>).") from None
    except UnicodeDecodeError:
        raise SiteError(path, "the file is not UTF-8 text.",
                        "save it again with the UTF-8 encoding.") from None
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or "malformed YAML"
        raise SiteError(path, f"the YAML is malformed{where}: {problem}.",
                        "check the indentation and the ':' after each field name.") from None
    if not isinstance(data, dict):
        raise SiteError(path, "the file should be a set of 'name: value' fields.",
                        "restore it from git and make your change again.")
    return data


class _Checker:
    """Field checks for one data file; each failure names the entry and field."""

    def __init__(self, path, languages):
        self.path, self.languages = path, languages

    def fail(self, field, problem, fix):
        raise SiteError(self.path, problem, fix, field=field)

    def translated(self, value, field, optional=False, markup=False):
        """Check a {lang: text} field; return it with each language's typography
        (markup: as Markup in which <sup> is markup, for a text shown in a page)."""
        if value is None and optional:
            return None
        if not isinstance(value, dict) or set(value) != set(self.languages) or not all(
            isinstance(text, str) and text.strip() for text in value.values()
        ):
            self.fail(field, "it needs a text in each language.",
                      f"give it the sub-fields {', '.join(self.languages)}, each with a text.")
        for lang, text in value.items():
            style.check_text(text, lang, self.path, field=f"{field}.{lang}")
        typeset = with_superscripts if markup else str
        return {lang: typeset(localize_text(text, lang)) for lang, text in value.items()}

    def date(self, value, field, optional=False):
        if value is None and optional:
            return None
        if isinstance(value, datetime.date):
            return value
        self.fail(field, f"'{value}' is not a date.",
                  "write a real date as YYYY-MM-DD, without quotes (e.g. 2009-08-01).")

    def collection(self, data, field, kind, name, fix):
        """data[field], a non-empty kind (dict or list) of name; else a SiteError."""
        value = data.get(field)
        if not isinstance(value, kind) or not value:
            self.fail(field, f"the list of {name} is missing.", fix)
        return value

    def url(self, url, field):
        if not isinstance(url, str) or not _URL.match(url):
            self.fail(field, f"'{url}' is not a web address.",
                      "write a full address starting with https:// or http://.")
        return url

    def source_urls(self, value, field):
        """A source's address in each language, {lang: url}: one address for all, or one
        per language ({en, fr[, es]}), a language not given reading the English one."""
        if not isinstance(value, dict):
            url = self.url(value, field)
            return {lang: url for lang in self.languages}
        unknown = set(value) - set(self.languages)
        if unknown:
            lang = sorted(unknown)[0]
            self.fail(f"{field}.{lang}", f"'{lang}' is not a language of the site.",
                      f"give the addresses under {', '.join(self.languages)}.")
        if SOURCE_FALLBACK_LANG not in value or len(value) < 2:
            self.fail(field, "addresses per language give the English one and at least one "
                      "other (the page in each language links its own).",
                      "write {en: https://…, fr: https://…}, or a single address.")
        if len(set(value.values())) < len(value):
            self.fail(field, "two languages give the same address.",
                      "give each language its own version, or write a single address.")
        for lang, url in value.items():
            self.url(url, f"{field}.{lang}")
        return {lang: value.get(lang, value[SOURCE_FALLBACK_LANG]) for lang in self.languages}

    def source(self, value, field):
        """One source, as {url, official, former_site, read, outdated}."""
        if not isinstance(value, dict):
            value = {"url": value}
        for name, item in value.items():
            if name not in SOURCE_FIELDS:
                self.fail(f"{field}.{name}", f"'{name}' is not a field of a source.",
                          f"use only {', '.join(SOURCE_FIELDS)}.")
            if not isinstance(item, SOURCE_FIELDS[name]):
                kind = {(str, dict): "a web address, or one per language ({en: …, fr: …})",
                        dict: "a text in each language ({en: …, es: …, fr: …})",
                        bool: "true or false",
                        datetime.date: "a date, YYYY-MM-DD"}[SOURCE_FIELDS[name]]
                self.fail(f"{field}.{name}", f"'{item}' should be {kind}.", f"write {kind}.")
        urls = self.source_urls(value.get("url"), f"{field}.url")
        if value.get("former_site") and not value.get("read"):
            self.fail(f"{field}.read", "a page of the former site is cited with the day it "
                      "was read.", "add 'read: YYYY-MM-DD'.")
        label = self.translated(value.get("label"), f"{field}.label", optional=True)
        if "lang" in value and (value["lang"] not in self.languages
                                or isinstance(value.get("url"), dict)):
            self.fail(f"{field}.lang", f"'{value['lang']}' is not the language of one address.",
                      f"write one of {', '.join(self.languages)} beside a single address "
                      "(addresses per language say their languages by their keys).")
        given = value.get("url") if isinstance(value.get("url"), dict) else {}
        linked = {lang: (lang if lang in given else SOURCE_FALLBACK_LANG) if given
                  else value.get("lang") for lang in self.languages}
        return {"url": urls[SOURCE_FALLBACK_LANG], "urls": urls, "label": label,
                "linked_langs": linked,
                "official": value.get("official", True),
                "former_site": value.get("former_site", False), "read": value.get("read"),
                "outdated": value.get("outdated", False)}

    def source_list(self, value, field):
        if not isinstance(value, list) or not value:
            self.fail(field, "no source is given.", "list at least one source URL.")
        return [self.source(item, f"{field}[{number}]")
                for number, item in enumerate(value, start=1)]


def load_instrument_types(path: Path, languages: Sequence[str]) -> dict[str, dict[str, str]]:
    """The glossary's instrument types: {type: {lang: name}}, the only agreement types."""
    glossary = read_yaml(path, "glossary")
    check = _Checker(path, languages)
    types = check.collection(glossary, "instrument-types", dict, "instrument types",
                             "add 'instrument-types:' with a name in each language for each type.")
    return {name: check.translated({lang: (entry or {}).get(lang) for lang in languages},
                                   f"instrument-types.{name}")
            for name, entry in types.items()}


def load_agreements(path: Path, languages: Sequence[str],
                    instrument_types: dict[str, dict[str, str]]) -> dict:
    """The agreements table's data, checked; titles resolved per language; each
    agreement's type one of the glossary's instrument types."""
    data = read_yaml(path, "agreements")
    check = _Checker(path, languages)
    if "types" in data:
        check.fail("types", "agreement types are named in the glossary, not here.",
                   "remove 'types:' and name a new type in content/data/glossary.yaml.")
    data["types"] = instrument_types
    scopes = check.collection(data, "scopes", dict, "scopes",
                              "add 'scopes:' with a label in each language for each one.")
    for name, labels in scopes.items():
        scopes[name] = check.translated(labels, f"scopes.{name}")
    entries = check.collection(data, "agreements", list, "agreements",
                               "add 'agreements:' followed by one '- id: …' entry per agreement.")
    seen = set()
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            check.fail(f"agreements #{number}", "the entry is not a set of fields.",
                       "start it with '- id: …' and indent its fields.")
        ident = entry.get("id")
        where = f"agreements[{ident or f'#{number}'}]"
        if not isinstance(ident, str) or not SLUG.fullmatch(ident) or ident in seen:
            check.fail(f"{where}.id", f"the id '{ident}' is missing, malformed or repeated.",
                       "give each agreement a unique id in lowercase words joined by hyphens.")
        seen.add(ident)
        if entry.get("type") not in instrument_types:
            check.fail(f"{where}.type", f"'{entry.get('type')}' is not an instrument type of "
                       "the glossary.", f"use one of {', '.join(instrument_types)}, or add it "
                       "to 'instrument-types' in content/data/glossary.yaml.")
        if entry.get("scope") not in data["scopes"]:
            check.fail(f"{where}.scope", f"'{entry.get('scope')}' is not a known scope.",
                       f"use one of {', '.join(data['scopes'])}, or add it to 'scopes'.")
        official = entry.get("title") or {}
        unofficial = entry.get("title_unofficial") or {}
        # an instrument no source gives a title: described, and marked so in each language
        described = entry.get("description") or {}
        if described and set(described) != set(languages):
            check.fail(f"{where}.description", "a description stands for the title in every "
                       "language.", f"give it in {', '.join(languages)}, and no 'title'.")
        named = [set(official), set(unofficial), set(described)]
        if (sum(len(langs) for langs in named) != len(languages)
                or set().union(*named) != set(languages)):
            check.fail(f"{where}.title", "each language needs exactly one title, "
                       "official ('title') or our translation ('title_unofficial'), "
                       "or a description ('description') in all of them.",
                       f"give titles in {', '.join(languages)}, each in one of the fields.")
        title_sources = entry.get("title_sources") or {}
        if not isinstance(title_sources, dict):
            check.fail(f"{where}.title_sources", "it should give sources per language.",
                       "write 'title_sources:' then one line per language, e.g. 'fr: [https://…]'.")
        for lang in title_sources:
            if lang in unofficial:  # a source gives it: the page must not call it ours
                check.fail(f"{where}.title_unofficial.{lang}", "this title has a source "
                           f"(title_sources.{lang}): it is not our translation, and the page "
                           "would mark it 'unofficial translation' (traduction non officielle, "
                           "traducción no oficial).", "move it from 'title_unofficial' to "
                           "'title'.")
            if lang not in official:
                check.fail(f"{where}.title_sources", "it gives sources for titles that are not "
                           "under 'title'.", "give sources only for the languages under 'title'.")
        for field, group in (("title", official), ("title_unofficial", unofficial),
                             ("description", described)):
            for lang, text in group.items():
                if not isinstance(text, str) or not text.strip():
                    check.fail(f"{where}.{field}.{lang}", "the title is empty.", "write it.")
                if _UNOFFICIAL_MARK.search(text):
                    check.fail(f"{where}.{field}.{lang}", "the title says it is an unofficial "
                               "translation: the page says so itself, and only of a title "
                               "under 'title_unofficial'.", "write the title alone, under "
                               "'title' if a source gives it, else under 'title_unofficial'.")
                style.check_text(text, lang, path, field=f"{where}.{field}.{lang}")
        titles = official | unofficial | described
        entry["titles"] = {
            lang: {"text": localize_text(titles[lang], lang), "official": lang in official,
                   "description": lang in described}
            for lang in languages
        }
        title_notes = entry.get("title_notes") or {}
        if not isinstance(title_notes, dict) or set(title_notes) - set(official):
            check.fail(f"{where}.title_notes", "it gives notes, per language, on titles "
                       "under 'title'.", "write 'title_notes:' then 'es: …' for a title "
                       "under 'title'.")
        for lang, text in title_notes.items():
            if not isinstance(text, str) or not text.strip():
                check.fail(f"{where}.title_notes.{lang}", "the note is empty.", "write it.")
            style.check_text(text, lang, path, field=f"{where}.title_notes.{lang}")
        entry["title_notes"] = {lang: with_superscripts(localize_text(text, lang))
                                for lang, text in title_notes.items()}
        check.date(entry.get("signed"), f"{where}.signed")
        in_force = entry.get("in_force")
        if isinstance(in_force, dict):
            for party, date in in_force.items():
                if party not in DEFAULT_PARTY_ORDER:
                    check.fail(f"{where}.in_force.{party}", f"'{party}' is not a party.",
                               f"use {' and '.join(DEFAULT_PARTY_ORDER)}.")
                check.date(date, f"{where}.in_force.{party}")
            entry["in_force_by_party"] = {
                lang: [(party, in_force[party])
                       for party in PARTY_ORDER.get(lang, DEFAULT_PARTY_ORDER) if party in in_force]
                for lang in languages}
        else:
            check.date(in_force, f"{where}.in_force", optional=True)
        check.date(entry.get("applies_from"), f"{where}.applies_from", optional=True)
        entry["signed_at"] = check.translated(entry.get("signed_at"), f"{where}.signed_at",
                                              optional=True)
        entry["notes"] = check.translated(entry.get("notes"), f"{where}.notes", optional=True,
                                          markup=True)
        entry["sources"] = check.source_list(entry.get("sources"), f"{where}.sources")
        entry["title_sources"] = {
            lang: check.source_list(items, f"{where}.title_sources.{lang}")
            for lang, items in title_sources.items()}
    return data


def load_chronology(path: Path, languages: Sequence[str], agreements: dict) -> list[dict]:
    """The chronology's milestones, oldest first: the events of chronology.yaml and
    the signature and entries into force of each agreement (a date no official source
    confirmed is marked 'unconfirmed', as on the agreements page).

    Each milestone: {date, year_only, text {lang} or None, agreement, kind, party,
    unconfirmed, sources}.
    """
    data = read_yaml(path, "chronology")
    check = _Checker(path, languages)
    events = check.collection(data, "events", list, "events",
                              "add 'events:' followed by one '- date: …' entry per event.")
    milestones = []
    for number, event in enumerate(events, start=1):
        where = f"events #{number}"
        if not isinstance(event, dict):
            check.fail(where, "the entry is not a set of fields.",
                       "start it with '- date: …' and indent its fields.")
        date = event.get("date")
        year_only = isinstance(date, int) and not isinstance(date, bool) and 1800 <= date <= 2100
        if year_only:
            date = datetime.date(date, 1, 1)
        else:
            check.date(date, f"{where}.date")
        milestones.append({
            "date": date, "year_only": year_only, "kind": "event", "party": None,
            "text": check.translated(event.get("text"), f"{where}.text", markup=True),
            "agreement": None, "unconfirmed": False,
            "sources": check.source_list(event.get("sources"), f"{where}.sources"),
        })
    for agreement in agreements["agreements"]:
        dates = [("signed", None, agreement["signed"], False)]
        in_force = agreement.get("in_force")
        if isinstance(in_force, dict):
            dates += [("in-force", party, date, False) for party, date in in_force.items()]
        elif in_force:
            dates.append(("in-force", None, in_force,
                          bool(agreement.get("in_force_unconfirmed"))))
        milestones += [{"date": date, "year_only": False, "kind": kind, "party": party,
                        "text": None, "agreement": agreement, "unconfirmed": unconfirmed,
                        "sources": agreement["sources"]}
                       for kind, party, date, unconfirmed in dates]
    # a year alone comes before that year's dated milestones
    return sorted(milestones, key=lambda milestone: (
        milestone["date"].year, not milestone["year_only"], milestone["date"]))


# An office's contact details, in the order the page shows them; those written in
# each language (a French address is written "150, rue Albert") and those written once.
DETAILS = ("address", "postal_code", "phone", "email", "hours")
TRANSLATED_DETAILS = ("address", "hours")
# What a placeholder says: a detail that is not known is left out, never written as such.
_PLACEHOLDER = re.compile(r"not (yet )?available|no disponible|non disponible|unknown|"
                          r"desconocid|inconnu|tbd|to be confirmed|n/a", re.IGNORECASE)


def load_embassy(path: Path, languages: Sequence[str]) -> dict:
    """The embassy's and consulates' contact details, each with its source and the day it
    was read; what is not known is not written, and the page does not show it.

    Each office: {city, sources, details {name: {value {lang: text}, source}},
    detail_sources (each source once), outdated (a detail's source may be out of date)}.
    """
    data = read_yaml(path, "embassy")
    check = _Checker(path, languages)
    if not isinstance(data.get("consulates", []), list):
        check.fail("consulates", "it should be a list of offices.",
                   "write one '- city: …' entry per consulate.")
    offices = [("embassy", data.get("embassy"))] + [
        (f"consulates[{number}]", office)
        for number, office in enumerate(data.get("consulates") or [], start=1)
    ]
    for where, office in offices:
        if not isinstance(office, dict) or not isinstance(office.get("city"), str):
            check.fail(f"{where}.city", "the office has no city.", "add 'city: …'.")
        for field in office:
            if field not in ("city", "sources", *DETAILS):
                check.fail(f"{where}.{field}", f"'{field}' is not a field of an office.",
                           f"use city, sources and the details {', '.join(DETAILS)}, each "
                           "with its value and source.")
        if where != "embassy" or "sources" in office:  # the embassy's own city needs none
            office["sources"] = check.source_list(office.get("sources"), f"{where}.sources")
        details = {}
        for name in DETAILS:
            if name in office:
                details[name] = _contact_detail(check, office[name], name, f"{where}.{name}")
        office["details"] = details
        office["detail_sources"] = []
        for detail in details.values():
            if detail["source"] not in office["detail_sources"]:
                office["detail_sources"].append(detail["source"])
        office["outdated"] = any(source["outdated"] for source in office["detail_sources"])
    return data


def _contact_detail(check, detail, name, field):
    """One contact detail, {value {lang: text}, source}; its source gives the day it was read."""
    if not isinstance(detail, dict) or set(detail) != {"value", "source"}:
        check.fail(field, "a contact detail is written with its value and its source.",
                   "write 'value: …' and 'source:' (url and read, the day it was read), or "
                   "leave the detail out: what is not known is not shown.")
    value = detail["value"]
    if name in TRANSLATED_DETAILS and isinstance(value, dict):
        value = check.translated(value, f"{field}.value")
    elif isinstance(value, str) and value.strip():
        value = {lang: value.strip() for lang in check.languages}
    else:
        check.fail(f"{field}.value", "the value is missing.",
                   "write it, or leave the detail out: what is not known is not shown.")
    for text in value.values():
        if _PLACEHOLDER.search(text):
            check.fail(f"{field}.value", f"'{text}' says the detail is not known.",
                       "leave the detail out: what is not known is not shown.")
    if name == "email" and not _EMAIL.match(value[check.languages[0]]):
        check.fail(f"{field}.value", f"'{value[check.languages[0]]}' is not an e-mail address.",
                   "write it as name@example.ca.")
    source = check.source(detail["source"], f"{field}.source")
    if not source["read"]:
        check.fail(f"{field}.source.read", "a contact detail's source gives the day it was read.",
                   "add 'read: YYYY-MM-DD' to its source.")
    return {"value": value, "source": source}


def tel_uri(phone: str) -> str:
    """Template filter: a tel: URI for a Canadian number, '(604) 662-8880' -> tel:+16046628880."""
    digits = re.sub(r"\D", "", phone)
    return f"tel:+1{digits}" if len(digits) == 10 else f"tel:+{digits}"


FILTERS = {"tel_uri": tel_uri}


def load_into_settings(pelican: Pelican) -> None:
    """initialized handler: load and check the data files (subsites inherit them)."""
    settings = pelican.settings
    if "AGREEMENTS" in settings:
        return  # a subsite: its settings are a copy of the main site's
    folder = Path(settings["PATH"]) / settings["DATA_PATH"]
    languages = settings["LANGUAGES"]
    settings["AGREEMENTS"] = load_agreements(
        folder / "agreements.yaml", languages,
        load_instrument_types(folder / "glossary.yaml", languages))
    settings["EMBASSY"] = load_embassy(folder / "embassy.yaml", languages)
    settings["CHRONOLOGY"] = load_chronology(folder / "chronology.yaml", languages,
                                             settings["AGREEMENTS"])
