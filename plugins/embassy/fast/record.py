"""The record of each build: what a rebuild can keep of it.

After each successful build, a record of it is kept in CACHE_PATH/builds/:
what every language's site was built from (signatures.py), and, for every
page and feed Pelican wrote, a signature of what it was rendered from
(reuse.py). The next build to the same output renders only what changed
into a staging folder; the new site is the last output's files (hard links,
made meanwhile) with those moved in, and it replaces the output in one step,
as a full build's does (see standby.py). Anything unexpected (a record from
another configuration, a file missing from the output) means a full build.
"""

import contextlib
import hashlib
import json
from pathlib import Path
from typing import NamedTuple

from pelican.settings import Settings

from .. import atomic
from ..cards import Card
from ..sitemap import Entry
from .signatures import Inputs


class PageRecord(NamedTuple):
    """A page or feed a build wrote: the signature of what it was rendered from,
    its sitemap entry (a sitemap.Entry, or None), whether it shows its
    language's newest change (then every file of the language is among its
    inputs), its sharing card's name under media/ (None for a feed) and the
    source files whose text it read (reuse.py)."""

    signature: str
    sitemap: Entry | None
    site_wide: bool
    card: str | None = None
    reads: tuple[str, ...] = ()


class LanguageRecord(NamedTuple):
    """What a language's process built: its inputs' signature, its pages
    ({name: PageRecord}), its items' URLs (for the other languages' links),
    the image variants its pages show ({name: (source, width)}), its counts,
    the sharing cards its pages name ({name: cards.Card}) and the former site's
    addresses its pass moved ({old address: new path}, see redirects.py)."""

    signature: str
    pages: dict[str, PageRecord]
    urls: dict  # what the language sent the others (fork.py), as it sent it
    images: dict[str, tuple[Path, int]]
    counts: dict  # summary.count_items'
    cards: dict[str, Card]
    moved: dict[str, str]

    @classmethod
    def from_json(cls, data: list) -> "LanguageRecord":
        signature, pages, urls, images, counts, cards, moved = data
        pages = {name: PageRecord(page_signature, Entry(*entry) if entry else None, site_wide,
                                  card, tuple(reads))
                 for name, (page_signature, entry, site_wide, card, reads) in pages.items()}
        return cls(signature, pages,
                   urls, {name: tuple(image) for name, image in images.items()}, counts,
                   {name: Card(*card) for name, card in cards.items()}, moved)


def record_path(settings: Settings, output: str | Path) -> Path:
    name = hashlib.sha256(str(Path(output).resolve()).encode()).hexdigest()[:16]
    return Path(settings["CACHE_PATH"]) / "builds" / f"{name}.json"


def identity(output: str | Path) -> list[int]:
    stat = Path(output).stat()
    return [stat.st_ino, stat.st_mtime_ns]


def load_record(settings: Settings, output: str | Path,
                inputs: Inputs) -> dict[str, LanguageRecord] | None:
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


def forget_record(settings: Settings, output: str | Path) -> None:
    with contextlib.suppress(OSError):
        record_path(settings, output).unlink()


def save_record(settings: Settings, output: str | Path, inputs: Inputs,
                languages: dict[str, LanguageRecord]) -> None:
    """Remember this build ({lang: LanguageRecord}), once its output is in place."""
    record = {"site": inputs.site, "output": identity(output), "languages": languages}
    atomic.write_text(record_path(settings, output), json.dumps(record))
