"""The site's data files: loaded once, checked field by field.

content/data/agreements.yaml feeds the agreements table; content/data/embassy.yaml
the contact details (an empty field means "not known yet");
content/data/chronology.yaml, with the agreements' dates, the chronology.
"""

import datetime
import re
from pathlib import Path

import yaml
from jinja2 import pass_context

from . import style
from .content import SLUG
from .errors import SiteError
from .typography import localize_text

_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when installed
    """Leaves an impossible date (2008-13-45) as text, for the field checks to name."""

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def read_yaml(path, label):
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

    def translated(self, value, field, optional=False):
        """Check a {lang: text} field; return it with each language's typography."""
        if value is None and optional:
            return None
        if not isinstance(value, dict) or set(value) != set(self.languages) or not all(
            isinstance(text, str) and text.strip() for text in value.values()
        ):
            self.fail(field, "it needs a text in each language.",
                      f"give it the sub-fields {', '.join(self.languages)}, each with a text.")
        for lang, text in value.items():
            style.check_text(text, lang, self.path, field=f"{field}.{lang}")
        return {lang: localize_text(text, lang) for lang, text in value.items()}

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

    def url_list(self, value, field):
        if not isinstance(value, list) or not value:
            self.fail(field, "no source is given.", "list at least one source URL.")
        for url in value:
            if not isinstance(url, str) or not _URL.match(url):
                self.fail(field, f"'{url}' is not a web address.",
                          "write a full address starting with https:// or http://.")
        return value


def load_instrument_types(path, languages):
    """The glossary's instrument types: {type: {lang: name}}, the only agreement types."""
    glossary = read_yaml(path, "glossary")
    check = _Checker(path, languages)
    types = check.collection(glossary, "instrument-types", dict, "instrument types",
                             "add 'instrument-types:' with a name in each language for each type.")
    return {name: check.translated({lang: (entry or {}).get(lang) for lang in languages},
                                   f"instrument-types.{name}")
            for name, entry in types.items()}


def load_agreements(path, languages, instrument_types):
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
        if set(official) & set(unofficial) or set(official) | set(unofficial) != set(languages):
            check.fail(f"{where}.title", "each language needs exactly one title, "
                       "official ('title') or our translation ('title_unofficial').",
                       f"give titles in {', '.join(languages)}, each in one of the two fields.")
        titles = official | unofficial
        entry["titles"] = {
            lang: {"text": localize_text(titles[lang], lang), "official": lang in official}
            for lang in languages
        }
        check.date(entry.get("signed"), f"{where}.signed")
        in_force = entry.get("in_force")
        if isinstance(in_force, dict):
            for party, date in in_force.items():
                check.date(date, f"{where}.in_force.{party}")
        else:
            check.date(in_force, f"{where}.in_force", optional=True)
        check.date(entry.get("applies_from"), f"{where}.applies_from", optional=True)
        for field in ("signed_at", "notes"):
            entry[field] = check.translated(entry.get(field), f"{where}.{field}", optional=True)
        check.url_list(entry.get("sources"), f"{where}.sources")
        title_sources = entry.get("title_sources") or {}
        if not isinstance(title_sources, dict) or not set(title_sources) <= set(official):
            check.fail(f"{where}.title_sources", "it gives sources for titles that are not "
                       "under 'title'.", "give sources only for the languages under 'title'.")
        for lang, urls in title_sources.items():
            check.url_list(urls, f"{where}.title_sources.{lang}")
        entry["title_sources"] = title_sources
    return data


def load_chronology(path, languages, agreements):
    """The chronology's milestones, oldest first: the events of chronology.yaml and
    the signature and entries into force of each agreement (an unconfirmed date is
    left out: the agreements page shows it with its caveat).

    Each milestone: {date, year_only, text {lang} or None, agreement, kind, party, sources}.
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
            "text": check.translated(event.get("text"), f"{where}.text"),
            "agreement": None, "sources": check.url_list(event.get("sources"), f"{where}.sources"),
        })
    for agreement in agreements["agreements"]:
        dates = [("signed", None, agreement["signed"])]
        in_force = agreement.get("in_force")
        if isinstance(in_force, dict):
            dates += [("in-force", party, date) for party, date in in_force.items()]
        elif in_force and not agreement.get("in_force_unconfirmed"):
            dates.append(("in-force", None, in_force))
        milestones += [{"date": date, "year_only": False, "kind": kind, "party": party,
                        "text": None, "agreement": agreement, "sources": agreement["sources"]}
                       for kind, party, date in dates]
    # a year alone comes before that year's dated milestones
    return sorted(milestones, key=lambda milestone: (
        milestone["date"].year, not milestone["year_only"], milestone["date"]))


@pass_context
def street_address(context, office):
    """Template global: an office's street in the page's language, with its number
    if known: '150 Albert Street', '150, rue Albert' (Canada Post's French form)."""
    street = (office.get("street") or {}).get(context["DEFAULT_LANG"], "")
    number = office.get("street_number") or ""
    if not number:
        return street
    return f"{number}, {street}" if context["DEFAULT_LANG"] == "fr" else f"{number} {street}"


def load_embassy(path, languages):
    """The embassy's contact details; empty fields stay empty."""
    data = read_yaml(path, "embassy")
    check = _Checker(path, languages)
    for field, value in (data.get("embassy") or {}).items():
        if isinstance(value, dict) and field != "street":
            check.fail(f"embassy.{field}", "only the street is written per language.",
                       "give one value for the whole site.")
    offices = [("embassy", data.get("embassy"))] + [
        (f"consulates[{number}]", office)
        for number, office in enumerate(data.get("consulates") or [], start=1)
    ]
    for where, office in offices:
        if not isinstance(office, dict) or not office.get("city"):
            check.fail(f"{where}.city", "the office has no city.", "add 'city: …'.")
        for field, value in office.items():
            if field == "outdated":
                if not isinstance(value, bool):
                    check.fail(f"{where}.outdated", "it should be true or false.",
                               "write true or false.")
            elif value is not None and not isinstance(value, str) and field != "street":
                check.fail(f"{where}.{field}", "it should be plain text.",
                           "put the value between quotes, or leave it empty.")
        email = office.get("email") or ""
        if email and not _EMAIL.match(email):
            check.fail(f"{where}.email", f"'{email}' is not an e-mail address.",
                       "write it as name@example.ca, or leave it empty.")
        street = office.get("street")
        if isinstance(street, dict):  # as each language writes it: rue Albert, Albert Street
            office["street"] = check.translated(street, f"{where}.street")
        elif street:
            office["street"] = {lang: street for lang in languages}
    return data


def tel_uri(phone):
    """Template filter: a tel: URI for a Canadian number, '(604) 662-8880' -> tel:+16046628880."""
    digits = re.sub(r"\D", "", phone)
    return f"tel:+1{digits}" if len(digits) == 10 else f"tel:+{digits}"


FILTERS = {"tel_uri": tel_uri}
GLOBALS = {"street_address": street_address}


def load_into_settings(pelican):
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
