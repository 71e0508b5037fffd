"""Free hosting: the GitHub Pages workflow, files for other static hosts, the CSP meta."""

import re

import yaml

from helpers import ROOT, WORKFLOW


def test_github_pages_workflow_has_least_privilege_and_pinned_actions():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    triggers = workflow[True]  # YAML reads the key `on` as True
    assert triggers["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    steps = jobs["build"]["steps"] + jobs["deploy"]["steps"]
    lines = WORKFLOW.read_text().splitlines()
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
    assert "--require-hashes -r requirements.lock" in WORKFLOW.read_text()
