"""What static hosts need besides the pages: fingerprinted assets and headers.

- Theme CSS and JS are published minified (rcssmin, rjsmin) as
  name.<hash>.ext, so hosts may cache them for a year; templates link them
  through asset_url().
- output/_headers carries the security and caching headers for Netlify and
  Cloudflare Pages; output/_redirects the former site's addresses, moved for
  good (redirects.py; nginx.py reads them there too), the language negotiation
  at / and the per-language 404 pages that Netlify supports.
"""

import functools
import gzip
import hashlib
import os
from pathlib import Path

import rcssmin
import rjsmin
from jinja2 import pass_context

from . import redirects

FINGERPRINTED = (".css", ".js", ".svg")


@functools.lru_cache(maxsize=None)
def _digest(path, _mtime):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


def fingerprinted_name(relative, source):
    """'css/site.css' -> 'css/site.<hash of the source>.css'."""
    return _fingerprinted_name(str(relative), str(source), os.stat(source).st_mtime_ns)


@functools.lru_cache(maxsize=None)
def _fingerprinted_name(relative, source, mtime):
    relative = Path(relative)
    digest = _digest(source, mtime)
    return relative.with_name(f"{relative.stem}.{digest}{relative.suffix}").as_posix()


@pass_context
def asset_url(context, relative):
    """Template global: the URL of a fingerprinted theme asset (every page asks twice)."""
    return _asset_url(context["THEME"], context["THEME_STATIC_DIR"], context["main_siteurl"],
                      relative, os.stat(os.path.join(context["THEME"], "static", relative)).st_mtime_ns)


@functools.lru_cache(maxsize=None)
def _asset_url(theme, static_dir, siteurl, relative, _mtime):
    source = Path(theme) / "static" / relative
    return f"{siteurl}/{static_dir.replace('../', '')}/{fingerprinted_name(relative, source)}"


MINIFIERS = {".css": rcssmin.cssmin, ".js": rjsmin.jsmin}


def fingerprint_assets(output, theme, static_dir):
    """Minify the copied theme CSS and JS under their fingerprinted names, each with
    a precompressed .gz beside it (nginx's gzip_static serves it)."""
    folder = Path(output) / static_dir
    for path in sorted(folder.rglob("*")):
        if path.suffix in FINGERPRINTED:
            relative = path.relative_to(folder)
            target = folder / fingerprinted_name(relative, Path(theme) / "static" / relative)
            text = path.read_text(encoding="utf-8")
            minified = MINIFIERS.get(path.suffix, str.strip)(text).encode("utf-8")
            path.unlink()
            target.write_bytes(minified)
            target.with_name(target.name + ".gz").write_bytes(
                gzip.compress(minified, compresslevel=9, mtime=0))


def meta_content_security_policy(policy):
    """The policy for <meta http-equiv>, which ignores frame-ancestors."""
    return "; ".join(part.strip() for part in policy.split(";")
                     if part.strip() and not part.strip().startswith("frame-ancestors"))


PERMANENT = "301"  # in _redirects: a permanent redirect (Netlify and Cloudflare Pages)


def write_host_files(output, settings, moved):
    """Write output/_headers and output/_redirects; moved: the build's moves of the
    former site's addresses (BuildState.moved)."""
    output = Path(output)
    # A later rule for the same header overrides an earlier one (Netlify).
    lines = ["/*"] + [f"  {name}: {value}" for name, value in settings["SECURITY_HEADERS"].items()]
    for pattern, value in settings["RESOURCE_POLICY"].items():
        lines += [pattern, f"  Cross-Origin-Resource-Policy: {value}"]
    for pattern, value in settings["CACHE_CONTROL"].items():
        lines += [pattern, f"  Cache-Control: {value}"]
    if settings.get("EDITOR_SAVE_AS"):  # the browser editor: its own policy, revalidated
        lines += [f"/{settings['EDITOR_SAVE_AS']}*",
                  f"  Content-Security-Policy: {settings['EDITOR_CONTENT_SECURITY_POLICY']}",
                  "  Cache-Control: no-cache"]
    (output / "_headers").write_text("\n".join(lines) + "\n", encoding="utf-8")
    languages = settings["LANGUAGES"]
    rules = ["# The former site's addresses (content/data/redirects.yaml), moved for good.",
             "# Netlify serves the page the build leaves at each (for GitHub Pages) unless",
             "# the rule is forced (301!); Cloudflare Pages always redirects, and ignores a",
             "# forced rule: hence both lines."]
    for old, new in redirects.permanent_redirects(settings, moved):
        rules += [f"{old}  {new}  {PERMANENT}!", f"{old}  {new}  {PERMANENT}"]
    rules += ["# Netlify: the language chooser at / sends each reader to their language."]
    rules += [f"/  /{lang}/  302  Language={lang}" for lang in languages]
    rules += ["# Each language's own 404 page."]
    rules += [f"/{lang}/*  /{lang}/404.html  404" for lang in languages]
    (output / "_redirects").write_text("\n".join(rules) + "\n", encoding="utf-8")


def moved_addresses(output):
    """[(old address, new path)] of a built site's _redirects (none without one)."""
    try:
        text = (Path(output) / "_redirects").read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    rules = [line.split() for line in text.splitlines()]
    return list(dict.fromkeys((rule[0], rule[1]) for rule in rules
                              if len(rule) == 3 and rule[2] == PERMANENT))


def negotiated_languages(output):
    """The languages a built site's _redirects negotiates at /, in site order (none
    without one): the site's languages, for nginx's configuration."""
    try:
        text = (Path(output) / "_redirects").read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    rules = [line.split() for line in text.splitlines()]
    return [rule[3].removeprefix("Language=") for rule in rules
            if len(rule) == 4 and rule[0] == "/" and rule[3].startswith("Language=")]


def add_meta_policy(pelican):
    """initialized handler: the <meta> form of the policy, for the templates."""
    settings = pelican.settings
    settings["META_CONTENT_SECURITY_POLICY"] = meta_content_security_policy(
        settings["CONTENT_SECURITY_POLICY"])
    settings["META_SEARCH_CONTENT_SECURITY_POLICY"] = meta_content_security_policy(
        settings["SEARCH_CONTENT_SECURITY_POLICY"])


GLOBALS = {"asset_url": asset_url}
