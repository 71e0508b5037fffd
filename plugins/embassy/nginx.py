"""The nginx configuration written from nginx/, and Debian's nginx run on loopback.

nginx/ holds the configuration with placeholders (@ROOT@, @LISTEN@…). Two server
files include site.conf, what the site serves, so they never differ in it:
local.conf, plain HTTP on loopback (`invoke nginx`, the tests, the benchmarks),
and production.conf, HTTPS with HTTP redirected to it (`invoke
nginx-production`, and the tests on loopback). The build never runs nginx; the
former site's addresses it moves for good, and the site's languages (negotiated at
/, each with its 404 page), come from the built site's _redirects: nginx serves the
languages that pelicanconf.py's SITE_LANGUAGES declares, with nothing to edit here.
"""

import os
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .hosting import moved_addresses, negotiated_languages

if TYPE_CHECKING:
    import subprocess  # for the annotation alone: running_nginx imports it when it runs

NGINX_CONF = Path(__file__).resolve().parents[2] / "nginx"

PLACEHOLDER = re.compile(r"@[A-Z_]+@")
INCLUDE = re.compile(r"^(?P<indent>[ \t]*)include @CONF@/(?P<name>[\w.-]+);[ \t]*$")


def render_configuration(name: str, values: dict[str, str | tuple[str, ...]],
                         conf: str | Path = NGINX_CONF, opening_comment: bool = True) -> str:
    """The text of nginx/<name> with its placeholders filled in, and each file of that
    folder it includes (`include @CONF@/<file>;`) written in place of the include.

    The result is one file, to copy as it is wherever nginx reads it. A value that
    is a tuple repeats its placeholder's line once per item (a listen line per
    address). Comments are copied as written, but an included file's opening
    comment, replaced by the file's name."""
    source = (Path(conf) / name).read_text(encoding="utf-8").splitlines()
    if not opening_comment:  # its first paragraph of comment lines
        while source and source[0].lstrip().startswith("#"):
            source.pop(0)
        while source and not source[0].strip():
            source.pop(0)
    rendered = []
    for line in source:
        if line.lstrip().startswith("#"):
            rendered.append(line)
            continue
        copies = [line]
        for placeholder in dict.fromkeys(PLACEHOLDER.findall(line)):
            if placeholder == "@CONF@":
                continue
            if placeholder not in values:
                raise KeyError(f"nginx/{name}: no value for {placeholder}")
            items = values[placeholder]
            items = items if isinstance(items, tuple) else (items,)
            copies = [copy.replace(placeholder, item) for copy in copies for item in items]
        for copy in copies:
            included = INCLUDE.match(copy)
            if included:
                # The file's name stands for its opening comment: a pointer to
                # the file to edit (the rendered one is a copy) and to its why.
                lines = [f"# nginx/{included['name']}"] + _dedented(render_configuration(
                    included["name"], values, conf, opening_comment=False).splitlines())
                rendered += [included["indent"] + part if part else part for part in lines]
            elif "@CONF@" in copy:
                raise ValueError(f"nginx/{name}: @CONF@ outside an include: {copy.strip()}")
            else:
                rendered.append(copy)
    return "\n".join(rendered) + "\n"


def _dedented(lines):
    """lines without the indentation their directives share (site.conf is written
    indented, as the inside of a server block)."""
    directives = [line for line in lines if line.strip() and not line.lstrip().startswith("#")]
    margin = min((len(line) - len(line.lstrip()) for line in directives), default=0)
    return [line[margin:] if line[:margin].isspace() else line for line in lines]


# A path nginx may be given as it is (no space, quote, brace or ';' to end a directive).
_PLAIN_PATH = re.compile(r"/[A-Za-z0-9._~/-]*")


def redirect_locations(moves: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """nginx's lines for [(old address, new path)]: an exact location each, answering
    with a permanent redirect to the new path (on the reader's host: site.conf
    turns absolute_redirect off)."""
    for path in (path for move in moves for path in move):
        if not _PLAIN_PATH.fullmatch(path):
            raise ValueError(f"not a path to write into nginx's configuration: {path!r}")
    return tuple(f"location = {old} {{ return 301 {new}; }}" for old, new in moves)


# A language's code as nginx's configuration may hold it: ISO 639 letters, in a
# regex, a map's key and a location (pt, or a region: pt-br).
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})*")


def _home(lang):
    """maps.conf's line from a language found to its home: any case ("ES" is /es/)."""
    found = f'"~*^{lang}$"'
    return f"{found:<16}/{lang}/;"


def language_values(languages: Sequence[str]) -> dict[str, str | tuple[str, ...]]:
    """The values of the per-language placeholders for languages (site order): the codes
    Accept-Language may name (maps.conf), each one's home (maps.conf) and each one's
    location with its own 404 page (site.conf)."""
    for lang in languages:
        if not _LANGUAGE_CODE.fullmatch(lang):
            raise ValueError(f"not a language code to write into nginx's configuration: {lang!r}")
    return {"@LANGUAGE_CODES@": "|".join(languages),
            "@LANGUAGE_HOMES@": tuple(_home(lang) for lang in languages),
            "@LANGUAGE_LOCATIONS@": tuple(
                f"location /{lang}/ {{ error_page 404 /{lang}/404.html; "
                "try_files $uri $uri/ =404; }"
                for lang in languages)}


def write_runner(folder: str | Path, servers: str, values: dict[str, str | tuple[str, ...]],
                 conf: str | Path = NGINX_CONF) -> Path:
    """Write folder/nginx.conf, nginx in the foreground with its files in folder, around
    the servers file (local.conf or production.conf); return its path."""
    import pwd

    folder = Path(folder).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    # As root, workers run as root too, to read output/ wherever it is: local
    # preview and tests only, on loopback.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    values = {**values, "@TMP@": str(folder), "@USER@": user, "@SERVERS@": servers}
    (folder / "nginx.conf").write_text(render_configuration("nginx.conf", values, conf),
                                       encoding="utf-8")
    return folder / "nginx.conf"


def render_nginx(root: str | Path, listen: str, folder: str | Path,
                 conf: str | Path = NGINX_CONF) -> Path:
    """Write a runnable nginx.conf into folder, the local server (plain HTTP on listen)
    serving root, with the moves and the languages of root's _redirects; return its path."""
    return write_runner(folder, "local.conf",
                        {"@LISTEN@": listen, "@ROOT@": str(Path(root).resolve()),
                         "@PERMANENT_REDIRECTS@": redirect_locations(moved_addresses(root)),
                         **language_values(negotiated_languages(root))},
                        conf)


@dataclass(frozen=True)
class Production:
    """What production.conf needs to know; by default Debian's paths and certbot's."""

    # The names the servers answer to, space-separated; certbot's folder is named
    # after the first.
    domain: str
    root: str = "/var/www/embassy"
    # Debian's default site serves this folder, so certbot's first certificate
    # comes through it, before production.conf replaces that site; the renewals
    # then come through production.conf from the same folder.
    acme_root: str = "/var/www/html"
    https_listen: tuple[str, ...] = ("443", "[::]:443")
    http_listen: tuple[str, ...] = ("80", "[::]:80")
    certificate: str = ""  # default: certbot's fullchain.pem
    certificate_key: str = ""  # default: certbot's privkey.pem
    # The former site's addresses and their new paths: those of the site that is
    # uploaded (hosting.moved_addresses of the built output/).
    redirects: tuple[tuple[str, str], ...] = ()
    # The site's languages, in its order: those of the site that is uploaded
    # (hosting.negotiated_languages of the built output/).
    languages: tuple[str, ...] = ()

    def values(self) -> dict:
        live = f"/etc/letsencrypt/live/{self.domain.split()[0]}"
        return {"@SERVER_NAME@": self.domain, "@ROOT@": self.root,
                "@ACME_ROOT@": self.acme_root,
                "@HTTPS_LISTEN@": self.https_listen, "@HTTP_LISTEN@": self.http_listen,
                "@CERTIFICATE@": self.certificate or f"{live}/fullchain.pem",
                "@CERTIFICATE_KEY@": self.certificate_key or f"{live}/privkey.pem",
                "@PERMANENT_REDIRECTS@": redirect_locations(self.redirects),
                **language_values(self.languages)}


def production_configuration(site: Production, conf: str | Path = NGINX_CONF) -> str:
    """production.conf for site, as one file for the http block (sites-available/)."""
    return render_configuration("production.conf", site.values(), conf)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def nginx_binary() -> str:
    import shutil

    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        raise FileNotFoundError("nginx is not installed: apt-get install nginx")
    return binary


@contextmanager
def running_nginx(conf: str | Path, folder: str | Path, ports: Iterable[int],
                  env: dict[str, str] | None = None) -> Iterator["subprocess.Popen"]:
    """Debian's nginx on conf until the block ends, once each of its loopback ports answers."""
    import socket
    import subprocess
    import time

    process = subprocess.Popen([nginx_binary(), "-c", str(conf), "-p", str(folder)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        for port in ports:
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        process.terminate()  # so that reading its output ends
                        raise RuntimeError(
                            f"nginx did not start: {process.stdout.read().decode()}") from None
                    time.sleep(0.05)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def nginx_server(root: str | Path, folder: str | Path, port: int | None = None) -> Iterator[str]:
    """Debian's nginx serving root on a loopback port (a free one by default); yields its URL."""
    nginx_binary()
    port = port or free_port()
    conf = render_nginx(root, f"127.0.0.1:{port}", folder)
    with running_nginx(conf, folder, [port]):
        yield f"http://127.0.0.1:{port}"
