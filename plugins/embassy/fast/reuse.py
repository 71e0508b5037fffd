"""A rebuild's page reuse: a page whose inputs did not change is not rendered again.

Each page and feed a language's process writes gets a signature of what it
was rendered from (see signatures.py): the metadata of every item, the items it
was given in full, the items whose text it read through any other way (a
template global such as page_by_key("about").content: every read of an
item's text while the page renders is noted, see patches.py), and, when it
shows the language's newest change, every file of the language. A rebuild
compares each page's signature with the last build's record and keeps the
last output's page when they match (the new site is made from the last
output's files, see standby.py).

Nothing else a page shows can change without a full build: the settings,
theme, data files and what the clock decides are the site's inputs.
"""

import contextlib
import datetime
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from pelican.contents import Content

from .. import cards, modified
from .record import PageRecord
from .signatures import digest


class PageReuse:
    """A language process's pages: kept from the last output when unchanged.

    previous: the last build's LanguageRecord of this language (None for a full
    build); pages collects this build's {name: PageRecord}, for the next one;
    sitemap and cards are the build's sitemap entries ({name: entry}) and
    sharing cards ({name: Card}), where a kept page's entry and card go.
    """

    def __init__(self, inputs, lang, staging, build, previous=None, previous_output=None):
        self.inputs, self.lang, self.staging = inputs, lang, Path(staging)
        self.sitemap, self.cards = build.sitemap, build.cards
        self.previous = previous.pages if previous else {}
        self.previous_cards = previous.cards if previous else {}
        self.previous_output = Path(previous_output) if previous_output else None
        self.pages = {}
        self._reads = None  # while a page renders: the source files whose text it reads

    def shown(self, items: Iterable[Content]) -> str:
        """One signature for the items a page is given, in full."""
        full = self.inputs.full
        return digest(*[full(item.source_path) for item in items])

    def signature(self, name: str, shown: str, site_wide: bool,
                  reads: Iterable[str] = ()) -> str:
        full = self.inputs.full
        return digest(self.inputs.metadata, name, shown,
                      self.inputs.languages[self.lang] if site_wide else "",
                      *(full(source_path) for source_path in reads))

    @contextlib.contextmanager
    def noting_reads(self) -> Iterator[set[str]]:
        """While a page renders: the set of the source files whose text it reads."""
        self._reads = reads = set()
        try:
            yield reads
        finally:
            self._reads = None

    def note_read(self, item: Content) -> None:
        """An item's text was read (Content.get_content or get_summary, see patches.py)."""
        if self._reads is not None and item.source_path:
            self._reads.add(str(item.source_path))

    def name(self, site_output: str, path: str) -> str:
        """A page's path in the whole site (a subsite writes below its language)."""
        return os.path.relpath(os.path.join(site_output, path), self.staging)

    def reuse(self, name: str, shown: str) -> bool:
        """Keep the last output's page if what it shows is unchanged; True if kept."""
        previous = self.previous.get(name)
        if previous is None or self.previous_output is None:
            return False
        if previous.signature != self.signature(name, shown, previous.site_wide,
                                                previous.reads):
            return False
        if not os.path.isfile(os.path.join(self.previous_output, name)):
            return False  # deleted by hand: written again
        self.pages[name] = previous
        if previous.sitemap is not None:
            self.sitemap[name] = previous.sitemap
        if previous.card is not None:
            self.cards[previous.card] = self.previous_cards[previous.card]
        return True

    def written(self, name: str, shown: str, site_wide: bool, card: str | None = None,
                reads: Iterable[str] = ()) -> None:
        """Record a page this build rendered (its sitemap entry is in by now)."""
        reads = tuple(sorted(reads))
        self.pages[name] = PageRecord(self.signature(name, shown, site_wide, reads),
                                      self.sitemap.get(name), site_wide, card, reads)


def items_of(values: Iterable[object]) -> list[Content]:
    """The news items and pages a template is given (the others it shows by metadata)."""
    items = []
    for value in values:
        if isinstance(value, Content):
            items.append(value)
        elif isinstance(value, (list, tuple)):
            items += [item for item in value if isinstance(item, Content)]
    return items


class Rendering:
    """A template as the fast writer hands it to Pelican: keeps the last output's page
    when unchanged, else renders it and records what it showed."""

    def __init__(self, template, reuse, site_output, items):
        self.template, self.reuse, self.site_output, self.items = (template, reuse, site_output,
                                                                   items)
        self.all_shown = None
        self.kept = set()  # pages left to the last output (the writer writes nothing)
        self.rendered = []  # (name, shown, site-wide, card, reads) of the pages rendered

    def _shown(self, context):
        """A page of a list shows that page's items in full (and the list by metadata)."""
        pages = [context[key] for key in ("articles_page", "dates_page") if key in context]
        if pages:
            return self.reuse.shown([item for page in pages for item in page.object_list])
        if self.all_shown is None:
            self.all_shown = self.reuse.shown(self.items)
        return self.all_shown

    def render(self, context: dict) -> str:
        name = self.reuse.name(self.site_output, context["output_file"])
        shown = self._shown(context)
        if self.reuse.reuse(name, shown):
            self.kept.add(name)
            return ""
        reads, named = [], []

        # the template global, noting that it was read
        @pass_context
        def site_modified(page_context: Context) -> datetime.datetime | None:
            reads.append(True)
            return modified.site_modified(page_context)

        # noting the card the page names
        @pass_context
        def sharing_card(page_context: Context, *args: Any, **kwargs: Any) -> cards.CardImage:
            card = cards.sharing_card(page_context, *args, **kwargs)
            named.append(card.name)
            return card

        with self.reuse.noting_reads() as texts:
            html = self.template.render({**context, "site_modified": site_modified,
                                         "sharing_card": sharing_card})
        self.rendered.append((name, shown, bool(reads), named[-1] if named else None, texts))
        return html

    def record(self) -> None:
        """Once Pelican has written the pages (and the sitemap read them): record them."""
        for name, shown, site_wide, card, texts in self.rendered:
            self.reuse.written(name, shown, site_wide, card, texts)
