"""What static hosts need besides the pages: their headers and redirects.

- output/_headers carries the security and caching headers for Netlify and
  Cloudflare Pages; output/_redirects the former site's addresses, moved for
  good (redirects.py; nginx.py reads them there too), the language negotiation
  at / and the per-language 404 pages that Netlify supports.
"""

from pathlib import Path

from pelican import Pelican
from pelican.settings import Settings

from . import redirects


def meta_content_security_policy(policy: str) -> str:
    """The policy for <meta http-equiv>, which ignores frame-ancestors."""
    return "; ".join(part.strip() for part in policy.split(";")
                     if part.strip() and not part.strip().startswith("frame-ancestors"))


PERMANENT = "301"  # in _redirects: a permanent redirect (Netlify and Cloudflare Pages)


def write_host_files(output: str | Path, settings: Settings, moved: dict[str, str]) -> None:
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


def moved_addresses(output: str | Path) -> list[tuple[str, str]]:
    """[(old address, new path)] of a built site's _redirects (none without one)."""
    try:
        text = (Path(output) / "_redirects").read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    rules = [line.split() for line in text.splitlines()]
    return list(dict.fromkeys((rule[0], rule[1]) for rule in rules
                              if len(rule) == 3 and rule[2] == PERMANENT))


def negotiated_languages(output: str | Path) -> list[str]:
    """The languages a built site's _redirects negotiates at /, in site order (none
    without one): the site's languages, for nginx's configuration."""
    try:
        text = (Path(output) / "_redirects").read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    rules = [line.split() for line in text.splitlines()]
    return [rule[3].removeprefix("Language=") for rule in rules
            if len(rule) == 4 and rule[0] == "/" and rule[3].startswith("Language=")]


def add_meta_policy(pelican: Pelican) -> None:
    """initialized handler: the <meta> form of the policy, for the templates."""
    settings = pelican.settings
    settings["META_CONTENT_SECURITY_POLICY"] = meta_content_security_policy(
        settings["CONTENT_SECURITY_POLICY"])
    settings["META_SEARCH_CONTENT_SECURITY_POLICY"] = meta_content_security_policy(
        settings["SEARCH_CONTENT_SECURITY_POLICY"])

