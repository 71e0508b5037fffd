"""The build's "now", in Ottawa time: what is due (news published at a time, notices).

What a build publishes depends on the time it runs: a news item dated in the
future waits for its time, a notice shows between its start and its end. The
Pages workflow builds on a schedule, so the site follows the clock within the
schedule's step. EMBASSY_NOW (YYYY-MM-DD HH:MM, Ottawa time) sets the clock for
one build: the tests fix it on either side of a time, and staff can preview the
site as it will be at a date.
"""

import datetime
import os
import re
from zoneinfo import ZoneInfo

from pelican.settings import Settings

from .errors import SiteError
from .messages import staff_text

VARIABLE = "EMBASSY_NOW"
_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})$")
TIME_FIX = staff_text("write the date and time as YYYY-MM-DD HH:MM (Ottawa time), e.g. "
                      "2026-07-28 09:00.")


def zone(settings: Settings) -> ZoneInfo:
    return ZoneInfo(settings["TIMEZONE"])


def now(settings: Settings) -> datetime.datetime:
    """The time the build publishes for: EMBASSY_NOW when set, else the clock."""
    fixed = os.environ.get(VARIABLE, "").strip()
    if not fixed:
        return datetime.datetime.now(zone(settings))
    local = parse_time(fixed)
    if local is None:
        raise SiteError(VARIABLE, f"'{fixed}' is not a date and time.", TIME_FIX,
                        field="environment variable")
    return local.replace(tzinfo=zone(settings))


def parse_time(value: str | datetime.datetime) -> datetime.datetime | None:
    """A naive datetime from 'YYYY-MM-DD HH:MM' (or a datetime YAML read), or None."""
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None, second=0, microsecond=0)
    match = _TIME.match(str(value).strip())
    if match is None:
        return None
    try:
        return datetime.datetime(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def local(value: datetime.datetime, settings: Settings) -> datetime.datetime:
    """An item's date (Pelican's: naive in Ottawa time, or aware) as an aware time."""
    if value.tzinfo is None:
        return value.replace(tzinfo=zone(settings))
    return value.astimezone(zone(settings))


def is_future(value: datetime.datetime, settings: Settings,
              at: datetime.datetime | None = None) -> bool:
    """Whether an item's date comes after now (at: now, when already known)."""
    return local(value, settings) > (now(settings) if at is None else at)
