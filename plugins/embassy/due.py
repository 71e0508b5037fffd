"""What the clock decides, as one signature, published with the site in build-state.json.

What a build publishes depends on the time it runs (clock.py): the notices in
force (notices.py) and the news items still waiting for their time
(content.is_scheduled). Their signature is among what a rebuild compares
(fast/signatures.py), and every build writes it at the site's root. The Pages
workflow's scheduled run (every 15 minutes) works it out again for the
checkout and deploys only when it differs from the live site's: a run with
nothing newly due does not deploy. The file holds a signature only, never the
name of an item not yet published.
"""

import datetime
import hashlib
import json
import urllib.error
import urllib.request
from pathlib import Path

from pelican.settings import Settings

from . import clock, content, notices, sources
from .errors import SiteError

STATE_FILE = "build-state.json"


def news_dates(settings: Settings) -> dict[str, tuple]:
    """{news file: (status, date)}, from each news item's front matter."""
    found = {}
    for folder in settings["ARTICLE_PATHS"]:
        for path in sorted((Path(settings["PATH"]) / folder).glob("*/index.*.md")):
            try:
                fields = sources.check_source(path)
            except SiteError:
                continue  # the build names the mistake
            found[str(path)] = (fields.get("status", (None,))[0], fields.get("date", (None,))[0])
    return found


def signature(settings: Settings, dated: dict[str, tuple],
              at: datetime.datetime | None = None) -> str:
    """The signature of what the clock decides at `at` (default: now): the notices in
    force, in full, and the news items of dated ({path: (status, date)}) still waiting."""
    try:
        at = clock.now(settings) if at is None else at
        shown = notices.shown(settings, at)
    except SiteError as error:
        return str(error)  # the build stops on it, naming the file
    root = Path(settings["PATH"])
    waiting = sorted(Path(path).relative_to(root).as_posix() for path, (status, date)
                     in dated.items() if content.is_scheduled(status, date, settings, at))
    hashed = hashlib.sha256(repr((sorted(shown.items()), waiting)).encode("utf-8"))
    return hashed.hexdigest()[:32]


def write_state(output: str | Path, settings: Settings) -> None:
    """Write build-state.json: what the clock decided for this build."""
    state = {"due": signature(settings, news_dates(settings))}
    (Path(output) / STATE_FILE).write_text(json.dumps(state) + "\n", encoding="utf-8")


def newly_due(settings: Settings, deployed: str) -> tuple[bool, str]:
    """(whether to deploy, why, in a line) given the address of the live site's
    build-state.json: yes when it cannot be read (a first deploy, say) or says
    another thing than what the clock decides now for this checkout."""
    request = urllib.request.Request(deployed,  # noqa: S310 - the live site's own address
                                     headers={"Cache-Control": "no-cache"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - the site's own
            live = json.loads(answer.read().decode("utf-8")).get("due")
    except (OSError, ValueError, AttributeError) as error:
        return True, f"the live site's {STATE_FILE} cannot be read ({error}): deploying."
    if live != signature(settings, news_dates(settings)):
        return True, "a notice or a news item fell due since the last deploy: deploying."
    return False, "nothing fell due since the last deploy: no deploy."
