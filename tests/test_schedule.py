"""What the time a build runs decides: notices shown between their start and their end,
news items published at their time. EMBASSY_NOW fixes the clock on either side of a
time (Ottawa time); no test waits for the clock."""

from pathlib import Path

import pytest

from embassy import clock, notices
from embassy.errors import SiteError
from embassy.gates import BuiltSite
from embassy.gates.browser import BrowserSession, axe_violations
from helpers import (
    END,
    LANGUAGES,
    NOTICE,
    PRODUCTION_URL,
    ROOT,
    START,
    assert_refused,
    copy_project,
    differences,
    front_matter,
    needs_fast_build,
    run_build,
    set_field,
    synthetic_project,
    write_notice,
    write_settings,
)

BEFORE, DURING, AFTER = "2026-07-27 08:59", "2026-07-28 10:00", "2026-07-30 00:00"
DUE = "2026-07-28 09:00"  # a scheduled news item's time, between DURING's day start and DURING
# The heading as a reader sees it, the level said in words, in each language.
LEVEL = {"info": {"en": "Information: ", "es": "Información: ", "fr": "Information\u00a0: "},
         "warning": {"en": "Warning: ", "es": "Importante: ", "fr": "Important\u00a0: "}}


def language_pages(site):
    """Every page of a language's site (the trilingual root pages have none, nor the
    pages at the former site's addresses, left at once by their refresh)."""
    return [path for path in site.html_files() if site.lang(path) in LANGUAGES
            and site.page_type(path) not in ("chooser", "root-not-found", "redirect")]


def shown_notices(site, path):
    return [(region.h2.get_text(" ", strip=True),
             [p.get_text(strip=True) for p in region.find_all("p")])
            for region in site.soup(path).select("div[role=region].epc-site-notice")]


def build(project, output, now, monkeypatch, settings="pelicanconf.py"):
    monkeypatch.setenv(clock.VARIABLE, now)
    result = run_build(settings, output, cwd=project,
                       siteurl="" if settings == "pelicanconf.py" else PRODUCTION_URL)
    assert result.returncode == 0, result.stderr + result.stdout
    return result


def assert_same_as_full_build(project, output, folder):
    """What a build from scratch (its own cache and output) writes, byte for byte."""
    fresh = write_settings(project, "fresh.py", CACHE_PATH=str(folder / "cache"))
    try:
        result = run_build(fresh, folder / "output", cwd=project, siteurl="")
    finally:
        (project / fresh).unlink()
    assert result.returncode == 0, result.stderr
    assert not differences(output, folder / "output")


@pytest.fixture(scope="module")
def noticed_site(tmp_path_factory):
    """The site's own content during two notices, an information and a warning."""
    project = copy_project(tmp_path_factory.mktemp("noticed") / "project", corpus=False)
    write_notice(project)
    write_notice(project, key="consular-section-moves", level="warning")
    output = project / "output"
    with pytest.MonkeyPatch.context() as monkeypatch:
        build(project, output, DURING, monkeypatch)
    return BuiltSite(output, "")


def test_every_page_of_a_language_shows_its_notices_in_its_language(noticed_site):
    site = noticed_site
    pages = language_pages(site)
    assert len(pages) > 20
    for path in pages:
        lang = site.lang(path)
        title, text = NOTICE[lang]
        # in the order of their start, then of their folders
        assert shown_notices(site, path) == [
            (LEVEL["warning"][lang] + title, [text]), (LEVEL["info"][lang] + title, [text])
        ], site.relative(path)
        # named by its heading, right under the page's title, left out of the search index
        region = site.soup(path).select_one("div[role=region].epc-site-notice")
        assert region["aria-labelledby"] == region.h2["id"]
        assert region.find_previous("h1") is not None
        assert region["data-pagefind-ignore"] == "all"
    assert not site.soup("index.html").select(".epc-site-notice")  # the trilingual chooser


def test_a_notice_reads_well_in_both_schemes_and_on_a_phone(noticed_site, chromium):
    """axe finds nothing in the light and dark schemes; on a phone (375 × 667) the <h1>
    still starts within 200 px of the top; nothing moves once the page is shown."""
    site = noticed_site
    pages = [site.root / "es" / "index.html", site.root / "fr" / "accords" / "index.html"]
    session = BrowserSession(site, chromium)
    for scheme in ("light", "dark"):
        page = session.new_page(1280, scheme=scheme)
        for path in pages:
            session.visit(page, path)
            assert page.locator(".epc-site-notice").count() == 2
            assert axe_violations(page) == [], (scheme, site.relative(path))
    phone = session.new_page(375, height=667)
    for path in pages:
        session.visit(phone, path)
        top = phone.evaluate("document.querySelector('h1').getBoundingClientRect().top")
        assert top <= 200, (site.relative(path), top)
        assert phone.locator(".epc-site-notice").first.is_visible()
        shifts = phone.evaluate("""() => new Promise((done) => {
            new PerformanceObserver((list) => done(list.getEntries().map((e) => e.value)))
              .observe({type: 'layout-shift', buffered: true});
            setTimeout(() => done([]), 500);  // no shift: no entry ever comes
        })""")
        assert sum(shifts) == 0, (site.relative(path), shifts)
    assert not session.console_errors and not session.third_party


@needs_fast_build
def test_rebuilds_follow_the_clock_byte_for_byte(tmp_path, monkeypatch):
    """Before a notice and a scheduled news item, during the notice once the item is
    due, after the notice: each rebuild writes what a full build writes."""
    project = synthetic_project(tmp_path / "project", 12)
    write_notice(project)
    item = project / "content" / "news" / "item-00003"
    for lang in LANGUAGES:
        set_field(item / f"index.{lang}.md", "date", f'date: "{DUE}"')
    title = front_matter(item / "index.en.md")["title"]
    output = project / "output"

    result = build(project, output, BEFORE, monkeypatch)
    site = BuiltSite(output, "")
    assert not any(shown_notices(site, path) for path in language_pages(site))
    assert f"scheduled: {title} (en) at {DUE} Ottawa time" in result.stdout
    assert not (output / "en" / "news" / "en-item-00003").exists()
    preview = (output / "en" / "drafts" / "en-item-00003" / "index.html").read_text()
    assert "Scheduled: this is a preview. It will be published on" in preview

    result = build(project, output, DURING, monkeypatch)
    site = BuiltSite(output, "")
    for path in language_pages(site):
        lang = site.lang(path)
        assert shown_notices(site, path) == [
            (LEVEL["info"][lang] + NOTICE[lang][0], [NOTICE[lang][1]])], site.relative(path)
    assert (output / "en" / "news" / "en-item-00003" / "index.html").is_file()
    assert not (output / "en" / "drafts" / "en-item-00003").exists()
    assert "scheduled:" not in result.stdout
    assert_same_as_full_build(project, output, tmp_path / "during")

    build(project, output, AFTER, monkeypatch)
    site = BuiltSite(output, "")
    assert not any(shown_notices(site, path) for path in language_pages(site))
    assert_same_as_full_build(project, output, tmp_path / "after")


def test_a_scheduled_item_publishes_nothing_before_its_time(tmp_path, monkeypatch):
    """Publishing before the item's time: no page, list, feed, sitemap entry or photo
    of it; at its time, all of them."""
    project = synthetic_project(tmp_path / "project", 12)
    news = project / "content" / "news"
    item = news / "item-00010"  # with a photo under its title
    for lang in LANGUAGES:
        set_field(item / f"index.{lang}.md", "date", f'date: "{DUE}"')
    titles = [front_matter(item / f"index.{lang}.md")["title"] for lang in LANGUAGES]
    before, after = tmp_path / "before", tmp_path / "after"
    # a published item linking to it would lead to a page not online yet: refused
    linking = sorted(path for path in news.glob("*/index.*.md") if path.parent != item
                     and "news/item-00010/" in path.read_text(encoding="utf-8"))
    assert linking
    before.mkdir()
    (before / "last-good.txt").write_text("kept")
    monkeypatch.setenv(clock.VARIABLE, "2026-07-28 08:59")
    assert_refused(run_build("publishconf.py", before, cwd=project), before,
                   "leads to a news item published only at 2026-07-28 09:00 (Ottawa time).",
                   "give this item the same date and time")
    (before / "last-good.txt").unlink()
    for path in linking:
        path.write_text(path.read_text(encoding="utf-8").replace(
            "news/item-00010/", "news/item-00011/"), encoding="utf-8")
    summary = tmp_path / "step_summary"  # as in the Pages workflow: the run's page lists them
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = build(project, before, "2026-07-28 08:59", monkeypatch, "publishconf.py")
    monkeypatch.delenv("GITHUB_STEP_SUMMARY")
    said = summary.read_text(encoding="utf-8")
    assert ("**Waiting for their time (Ottawa time) · A la espera de su hora (hora de Ottawa) · "
            "En attente de leur heure (heure d’Ottawa)**") in said
    for lang, title in zip(LANGUAGES, titles, strict=True):
        assert f"scheduled: {title} ({lang}) at {DUE} Ottawa time" in result.stdout
        assert f"- {DUE}: {title} ({lang})" in said, said
    build(project, after, DUE, monkeypatch, "publishconf.py")
    published = {path.relative_to(before) for path in before.rglob("*") if path.is_file()}
    later = {path.relative_to(after) for path in after.rglob("*") if path.is_file()}
    new = later - published
    for lang in LANGUAGES:
        assert any(str(path).startswith(f"{lang}/") and f"{lang}-item-00010" in str(path)
                   for path in new), lang
    assert any(path.parts[0] == "media" for path in new)  # the photo's variants
    assert not [path for path in published if "item-00010" in str(path)]
    for path in before.rglob("*"):
        if path.suffix in (".html", ".xml") and path.is_file():
            text = path.read_text(encoding="utf-8")
            assert "item-00010" not in text and not any(title in text for title in titles), \
                path


def test_a_notice_missing_a_language_stops_publishing(project_copy, good_output, monkeypatch):
    write_notice(project_copy, languages=("en", "es"))
    monkeypatch.setenv(clock.VARIABLE, DURING)
    result = run_build("publishconf.py", good_output, cwd=project_copy)
    assert_refused(result, good_output, "content/notices/national-holidays/index.en.md",
                   "the notice 'national-holidays' is not ready in: fr.",
                   "write its fr file(s) in the same folder")


def _settings(tmp_path, require=True):
    return {"PATH": str(tmp_path / "content"), "NOTICES_PATH": "notices",
            "LANGUAGES": LANGUAGES, "REQUIRE_ALL_LANGUAGES": require,
            "TIMEZONE": "America/Toronto"}


@pytest.mark.parametrize(("edit", "field", "message"), [
    ({"end": "2026-07-27 08:00"}, "end", "the notice ends before it starts."),
    ({"level": "urgent"}, "level", "'urgent' is not a level of notice."),
    ({"start": "28 July 2026"}, "start", "'28 July 2026' is not a date and time."),
    ({"start": "2026-07-28"}, "start", "'2026-07-28' is not a date and time."),
    ({"title": ""}, "title", "the notice's title is missing."),
])
def test_a_notice_with_a_mistake_is_refused_naming_the_field(tmp_path, edit, field, message):
    folder = write_notice(tmp_path, **{name: value for name, value in edit.items()
                                       if name in ("start", "end", "level")})
    if "title" in edit:
        set_field(folder / "index.es.md", "title", 'title: ""')
    with pytest.raises(SiteError) as caught:
        notices.load(_settings(tmp_path))
    assert caught.value.field == field
    assert message in caught.value.problem
    assert caught.value.path.endswith("index.en.md" if "title" not in edit else "index.es.md")


def test_a_notice_keeps_one_time_and_level_in_every_language(tmp_path):
    folder = write_notice(tmp_path)
    set_field(folder / "index.fr.md", "end", 'end: "2026-07-30 23:59"')
    with pytest.raises(SiteError) as caught:
        notices.load(_settings(tmp_path))
    assert (caught.value.field, caught.value.problem) == (
        "end", "the end is not the same as in index.en.md.")


def test_the_times_of_a_notice_are_ottawas(tmp_path, monkeypatch):
    """Shown from its start (included) to its end (excluded), in Ottawa time; a notice
    missing a language is shown in the others while developing."""
    write_notice(tmp_path, languages=("en", "es"))
    settings = _settings(tmp_path, require=False)
    for now, shown in (("2026-07-27 08:59", False), (START, True), ("2026-07-29 23:58", True),
                       (END, False)):
        monkeypatch.setenv(clock.VARIABLE, now)
        result = notices.shown(settings)
        assert [len(result[lang]) for lang in LANGUAGES] == [int(shown), int(shown), 0], now
    utc = clock.now(settings).astimezone(clock.zone({"TIMEZONE": "UTC"}))
    assert utc.strftime("%H:%M") == "03:59"  # 23:59 in Ottawa in summer (EDT) is 03:59 UTC
    monkeypatch.setenv(clock.VARIABLE, "tomorrow")
    with pytest.raises(SiteError) as caught:
        clock.now(settings)
    assert caught.value.path == clock.VARIABLE


def test_the_editor_writes_notices_where_the_build_reads_them():
    import runpy

    from embassy import admin, sources

    settings = runpy.run_path(str(ROOT / "pelicanconf.py"))
    config = admin.config({**settings, "EDITOR_REPOSITORY": "embassy/site"}, ROOT)
    collection = next(item for item in config["collections"] if item["name"] == "notices")
    assert collection["folder"] == "content/notices"
    fields = {field["name"]: field for field in collection["fields"]}
    assert list(fields) == ["title", "start", "end", "level", "body"]
    assert [option["value"] for option in fields["level"]["options"]] == list(notices.LEVELS)
    for name in ("start", "end"):
        assert fields[name]["format"] == "YYYY-MM-DD HH:mm"
        assert fields[name]["i18n"] == "duplicate"  # one time for every language
    assert {name for name, field in fields.items() if field["i18n"] is True} == {"title", "body"}
    # the news item's date and time, for publishing at a time
    news = next(item for item in config["collections"] if item["name"] == "news")
    date = next(field for field in news["fields"] if field["name"] == "date")
    assert date["format"] == "YYYY-MM-DD HH:mm"
    sources.check_date(Path("news"), "2026-07-28 09:00", 3)


def test_what_the_clock_decides_changes_when_an_item_falls_due(tmp_path, monkeypatch):
    """The signature a rebuild compares and the scheduled workflow deploys on: the same
    while an item waits, another once it is due; a draft's date decides nothing."""
    from embassy import due

    settings = _settings(tmp_path)
    item = str(tmp_path / "content" / "news" / "statement" / "index.en.md")

    def signature(status, now):
        monkeypatch.setenv(clock.VARIABLE, now)
        return due.signature(settings, {item: (status, DUE)})

    waiting = signature("published", "2026-07-28 08:00")
    assert signature("published", "2026-07-28 08:59") == waiting
    assert signature("published", "2026-07-28 09:01") != waiting
    assert signature("draft", "2026-07-28 08:00") == signature("draft", "2026-07-28 09:01")
