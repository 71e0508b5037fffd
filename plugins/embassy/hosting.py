"""What static hosts need besides the pages: fingerprinted assets and headers.

- Theme CSS and JS are published minified (rcssmin, rjsmin) as
  name.<hash>.ext, so hosts may cache them for a year; templates link them
  through asset_url().
- output/_headers carries the security and caching headers for Netlify and
  Cloudflare Pages; output/_redirects the language negotiation at / and the
  per-language 404 pages that Netlify supports.
"""

import functools
import gzip
import hashlib
import os
from contextlib import contextmanager
from pathlib import Path

import rcssmin
import rjsmin
from jinja2 import pass_context

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


def write_host_files(output, settings):
    """Write output/_headers and output/_redirects."""
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
    redirects = ["# Netlify: the language chooser at / sends each reader to their language."]
    redirects += [f"/  /{lang}/  302  Language={lang}" for lang in languages]
    redirects += ["# Each language's own 404 page."]
    redirects += [f"/{lang}/*  /{lang}/404.html  404" for lang in languages]
    (output / "_redirects").write_text("\n".join(redirects) + "\n", encoding="utf-8")


def add_meta_policy(pelican):
    """initialized handler: the <meta> form of the policy, for the templates."""
    settings = pelican.settings
    settings["META_CONTENT_SECURITY_POLICY"] = meta_content_security_policy(
        settings["CONTENT_SECURITY_POLICY"])
    settings["META_SEARCH_CONTENT_SECURITY_POLICY"] = meta_content_security_policy(
        settings["SEARCH_CONTENT_SECURITY_POLICY"])


GLOBALS = {"asset_url": asset_url}


NGINX_CONF = Path(__file__).resolve().parents[2] / "nginx"


def render_nginx(root, listen, folder, conf=NGINX_CONF):
    """Write a runnable nginx.conf (and site.conf) into folder; return its path."""
    import pwd

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    # As root, workers run as root too, to read output/ wherever it is: local
    # preview and tests only, on loopback.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    values = {"@LISTEN@": listen, "@ROOT@": str(Path(root).resolve()), "@CONF@": str(conf),
              "@TMP@": str(folder.resolve()), "@USER@": user}
    for name in ("nginx.conf", "site.conf"):
        text = (Path(conf) / name).read_text(encoding="utf-8")
        for placeholder, value in values.items():
            text = text.replace(placeholder, value)
        (folder / name).write_text(text, encoding="utf-8")
    return folder / "nginx.conf"


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def nginx_server(root, folder, port=None):
    """Debian's nginx serving root on a loopback port (a free one by default); yields its URL."""
    import shutil
    import socket
    import subprocess
    import time

    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        raise FileNotFoundError("nginx is not installed: apt-get install nginx")
    port = port or free_port()
    conf = render_nginx(root, f"127.0.0.1:{port}", folder)
    process = subprocess.Popen([binary, "-c", str(conf), "-p", str(folder)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"nginx did not start: {process.stdout.read().decode()}")
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
