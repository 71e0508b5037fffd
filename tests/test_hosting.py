"""Free hosting: the GitHub Pages workflow, files for other static hosts, the CSP meta,
and the frame guard for hosts that cannot forbid framing."""

import html
import re

import yaml

from embassy.gates.browser import BrowserSession
from helpers import BUILD_WORKFLOW, ROOT, WORKFLOW, require


def test_github_pages_workflow_has_least_privilege_and_pinned_actions():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    triggers = workflow[True]  # YAML reads the key `on` as True
    assert triggers["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    build = yaml.safe_load(BUILD_WORKFLOW.read_text())["jobs"]["build"]  # the job it calls
    assert jobs["build"]["permissions"] == build["permissions"] == {"contents": "read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    steps = build["steps"] + jobs["deploy"]["steps"]
    lines = WORKFLOW.read_text().splitlines() + BUILD_WORKFLOW.read_text().splitlines()
    for step in steps:
        if "uses" in step:
            action, _, ref = step["uses"].partition("@")
            assert re.fullmatch(r"[0-9a-f]{40}", ref), f"{action} is not pinned to a commit"
            line = next(line for line in lines if step["uses"] in line)
            assert re.search(r"#\s*v\d+(\.\d+)*\s*$", line), f"{action}: no tag in a comment"
    checkout = next(step for step in steps if step.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["persist-credentials"] is False
    publish = next(step for step in steps if step.get("run") == "invoke publish")
    assert publish["env"]["SITEURL"] == "${{ steps.pages.outputs.base_url }}"
    assert jobs["deploy"]["steps"][0]["uses"].startswith("actions/deploy-pages@")


def test_redirects_negotiate_language_and_serve_each_language_404(prod_site):
    lines = [line for line in (prod_site.root / "_redirects").read_text().splitlines()
             if line and not line.startswith("#")]
    assert "/  /fr/  302  Language=fr" in lines
    assert "/es/*  /es/404.html  404" in lines


def test_every_page_carries_the_policy_for_hosts_without_headers(prod_site):
    import runpy

    settings = runpy.run_path(str(ROOT / "pelicanconf.py"))
    for path in prod_site.html_files():
        search = prod_site.page_type(path) == "search"
        policy = settings["SEARCH_CONTENT_SECURITY_POLICY" if search else "CONTENT_SECURITY_POLICY"]
        meta = prod_site.soup(path).find("meta", attrs={"http-equiv": "Content-Security-Policy"})
        assert meta["content"] == policy.replace("; frame-ancestors 'none'", ""), path
        assert ("'wasm-unsafe-eval'" in meta["content"]) == search, path
        head = prod_site.soup(path).head.find_all(True)
        first_resource = next(i for i, tag in enumerate(head) if tag.name in ("link", "script"))
        assert head.index(meta) < first_resource, path  # the policy precedes every resource


def locked_packages():
    """{name: (version, number of hashes)} of requirements.lock."""
    text = (ROOT / "requirements.lock").read_text()
    entries = re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)((?: \\\n +--hash=sha256:[0-9a-f]{64})*)",
                         text, re.MULTILINE)
    return {name.lower(): (version, hashes.count("--hash=")) for name, version, hashes in entries}


def test_every_package_is_locked_with_its_hashes():
    """Each pin of requirements*.txt is in the lock at its version, and every package the
    lock installs (transitive ones too) carries hashes: pip installs with --require-hashes."""
    locked = locked_packages()
    assert len(locked) > 40
    assert all(hashes for _version, hashes in locked.values()), locked
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (ROOT / name).read_text().splitlines():
            pin = re.match(r"^([A-Za-z0-9_.-]+)(?:\[[^]]*\])?==(\S+)", line)
            if pin:
                assert locked.get(pin.group(1).lower(), ("?",))[0] == pin.group(2), (name, line)
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes -r requirements.lock" in makefile
    assert "--require-hashes -r requirements.lock" in BUILD_WORKFLOW.read_text()


# GitHub Pages sends no header, and a <meta> policy cannot carry frame-ancestors: the
# frame guard (theme/static/js/frame-guard.js) keeps every page out of other sites'
# frames. A language's pages (one with a module script of its own), the root chooser
# and the root 404 (what a missing address gets), opened as BrowserSession opens them:
# the published files at their own address, with no header at all.
GUARDED = ["en/", "es/tratados/", "fr/nouvelles/", "", "no-such-page/"]
ANOTHER_SITE = "https://another-site.example"


def _title(site, relative):
    """The <title> of the page a reader gets at relative (the root 404 when none)."""
    target = site.file_for(relative)
    path = target if target.is_file() else site.root / "404.html"
    return site.soup(path).title.get_text()


def _framed(session, address, sandbox=None):
    """A tab showing a page of another site whose <iframe> (sandboxed when sandbox is
    given: its allow- tokens) frames address."""
    page = session.new_page(1280)
    attribute = "" if sandbox is None else f' sandbox="{sandbox}"'
    framing = (f'<!DOCTYPE html><html lang="en"><title>Another site</title>'
               f'<iframe src="{html.escape(address)}"{attribute} width="1200" height="800">'
               "</iframe></html>")
    # The last route registered answers first: this origin, not the session's "abort".
    page.context.route(f"{ANOTHER_SITE}/**",
                       lambda route: route.fulfill(body=framing, content_type="text/html"))
    page.goto(f"{ANOTHER_SITE}/", wait_until="load")
    return page


def test_no_page_shows_in_another_sites_frame(prod_site, chromium):
    """Framed by another site, the page loads but nothing of it is drawn (Chromium lets
    no frame navigate the top window without a click); sandboxed with scripts too. A
    frame allowed to navigate the top window makes the page replace the framing one."""
    require("chromium")
    session = BrowserSession(prod_site, chromium)
    for relative in GUARDED:
        address = session.address(relative)
        for sandbox in (None, "allow-scripts"):
            page = _framed(session, address, sandbox)
            frame = page.frame(url=address)
            where = (relative or "/", sandbox)
            assert frame is not None and frame.title() == _title(prod_site, relative), where
            assert frame.locator("h1").count() == 1, where  # the whole page is there…
            assert not frame.locator("h1").is_visible(), where  # …and none of it drawn
            assert frame.evaluate("document.body.getClientRects().length") == 0, where
            page.context.close()
        page = _framed(session, address, "allow-scripts allow-top-navigation")
        page.wait_for_url(address)
        assert page.title() == _title(prod_site, relative)
        assert page.locator("h1").is_visible(), relative or "/"
        page.context.close()
    assert not session.third_party


def test_unframed_pages_read_as_before_with_or_without_javascript(prod_site, chromium):
    """On its own, each page is drawn, without a console error; with JavaScript off,
    the guard cannot run and the page reads the same."""
    require("chromium")
    session = BrowserSession(prod_site, chromium)
    for javascript in (True, False):
        page = session.new_page(375, javascript=javascript)
        for relative in GUARDED:
            page.goto(session.address(relative), wait_until="load")
            where = (relative or "/", javascript)
            assert page.title() == _title(prod_site, relative), where
            assert page.locator("h1").is_visible(), where
            assert page.locator("main").inner_text().strip(), where
            assert not page.evaluate("document.documentElement.hidden"), where
        page.context.close()
    assert not session.third_party
    missing = f"{session.address('no-such-page/')}: Failed to load resource: the server " \
              "responded with a status of 404"  # the root 404's own status, as it should be
    assert [error for error in session.console_errors
            if not error.startswith(missing)] == []
