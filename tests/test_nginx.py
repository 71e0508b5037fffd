"""The real web server: Debian's nginx, started on loopback with the repository's
configuration over the production build, answering real HTTP requests: the local
server (plain HTTP), then the production one (HTTPS, HTTP redirected to it)."""

import gzip
import http.client
import os
import re
import runpy
import shutil
import socket
import ssl
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from embassy.hosting import moved_addresses, negotiated_languages
from embassy.nginx import (
    Production,
    free_port,
    nginx_binary,
    nginx_server,
    production_configuration,
    redirect_locations,
    running_nginx,
    write_runner,
)
from helpers import IN_CI, OLD_ADDRESSES, ROOT

SETTINGS = runpy.run_path(str(ROOT / "pelicanconf.py"))


@pytest.fixture(scope="module")
def server(prod_site, tmp_path_factory):
    try:
        with nginx_server(prod_site.root, tmp_path_factory.mktemp("nginx")) as base:
            yield base
    except FileNotFoundError as error:
        if IN_CI:
            pytest.fail(f"CI must test with nginx: {error}")
        pytest.skip(str(error))


def get(server, path, method="GET", context=None, **headers):
    url = urlsplit(server)
    if url.scheme == "https":
        connection = http.client.HTTPSConnection(url.hostname, url.port, timeout=10,
                                                 context=context)
    else:
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    connection.request(method, path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def nginx_headers(name="security-headers.conf"):
    text = (ROOT / "nginx" / name).read_text()
    return dict(re.findall(r'^add_header ([\w-]+) "(.*)" always;$', text, re.MULTILINE))


EDITOR_HEADERS = {**SETTINGS["SECURITY_HEADERS"],
                  "Content-Security-Policy": SETTINGS["EDITOR_CONTENT_SECURITY_POLICY"]}


def test_nginx_configuration_carries_the_site_policy():
    assert nginx_headers() == SETTINGS["SECURITY_HEADERS"]
    assert nginx_headers("editor-headers.conf") == EDITOR_HEADERS


def test_editor_has_its_own_policy_and_the_pages_keep_theirs(server, prod_site):
    response, _body = get(server, "/admin/")
    assert response.status == 200
    for name, value in EDITOR_HEADERS.items():
        assert response.getheader(name) == value, name
    assert response.getheader("Cache-Control") == "no-cache"
    for path in ("/en/", "/admin/../en/"):
        response, _body = get(server, path)
        assert response.getheader("Content-Security-Policy") == SETTINGS[
            "SECURITY_HEADERS"]["Content-Security-Policy"]
    text = (prod_site.root / "_headers").read_text()
    assert (f"/admin/*\n  Content-Security-Policy: "
            f"{SETTINGS['EDITOR_CONTENT_SECURITY_POLICY']}\n  Cache-Control: no-cache") in text


def test_headers_file_carries_the_site_policy(prod_site):
    text = (prod_site.root / "_headers").read_text()
    for name, value in SETTINGS["SECURITY_HEADERS"].items():
        assert f"\n  {name}: {value}\n" in text
    assert "/theme/*\n  Cache-Control: public, max-age=31536000, immutable" in text


def test_policy_is_strict():
    policy = SETTINGS["CONTENT_SECURITY_POLICY"]
    assert "unsafe-inline" not in policy and "'unsafe-eval'" not in policy
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    for name in ("default-src", "script-src", "style-src", "img-src", "font-src"):
        assert directives[name].split()[0] in ("'self'", "'none'"), name
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'none'" and directives["form-action"] == "'self'"


@pytest.mark.parametrize("path", ["/en/", "/es/tratados/", "/fr/feeds/all.atom.xml", "/"])
def test_every_response_has_the_security_headers(server, path):
    response, _body = get(server, path)
    for name, value in SETTINGS["SECURITY_HEADERS"].items():
        assert response.getheader(name) == value, (path, name)
    assert response.getheader("Server") == "nginx"  # no version


@pytest.mark.parametrize("language,location", [
    ("es-PE,es;q=0.9", "/es/"), ("fr-CA,fr;q=0.9,en;q=0.8", "/fr/"), ("en", "/en/"),
    ("en-US,en;q=0.9", "/en/"), ("ES", "/es/"),
    # q-values: the reader's preference, not the header's order
    ("fr;q=0.1, es", "/es/"), ("es;q=0.8, fr;q=0.9", "/fr/"), ("pt-BR,es;q=0.8", "/es/"),
    ("de, fr;q=0.5", "/fr/"), ("fr-CA;q=1.0, en", "/fr/"),
])
def test_root_negotiates_the_reader_language(server, language, location):
    response, _body = get(server, "/", **{"Accept-Language": language})
    assert response.status == 302
    assert response.getheader("Location") == location
    assert "Accept-Language" in response.getheader("Vary")


@pytest.mark.parametrize("language", [None, "de-DE,de;q=0.9", "*", "fr;q=0", "esperanto"])
def test_other_languages_get_the_chooser(server, language):
    headers = {"Accept-Language": language} if language else {}
    response, body = get(server, "/", **headers)
    assert response.status == 200
    assert b'hreflang="es"' in body and b"Embajada del Per" in body


def test_negotiation_never_overrides_an_address(server):
    response, body = get(server, "/en/", **{"Accept-Language": "fr-CA"})
    assert response.status == 200 and b'<html lang="en">' in body
    response, _body = get(server, "/es/noticias/", **{"Accept-Language": "en"})
    assert response.status == 200


@pytest.mark.parametrize("path,lang", [
    ("/es/no-existe/", "es"), ("/fr/nouvelles/rien/", "fr"), ("/en/missing", "en"),
])
def test_missing_pages_get_the_404_of_their_language(server, path, lang):
    response, body = get(server, path)
    assert response.status == 404
    assert f'<html lang="{lang}">'.encode() in body


def test_missing_pages_elsewhere_get_the_trilingual_404(server):
    response, body = get(server, "/nothing/here")
    assert response.status == 404
    for lang in ("en", "es", "fr"):
        assert f'<section class="epc-chooser__section" lang="{lang}"'.encode() in body


def stylesheet(prod_site):
    return "/" + next(prod_site.root.glob("theme/css/site.*.css")).relative_to(
        prod_site.root).as_posix()


def test_html_is_compressed_and_cached_briefly(server):
    response, body = get(server, "/es/", **{"Accept-Encoding": "gzip"})
    assert response.getheader("Content-Encoding") == "gzip"
    assert b"<html lang=\"es\">" in gzip.decompress(body)
    assert response.getheader("Cache-Control") == "public, max-age=300"
    assert "charset=utf-8" in response.getheader("Content-Type")


def test_fingerprinted_assets_are_precompressed_and_cached_long(server, prod_site):
    path = stylesheet(prod_site)
    assert re.search(r"site\.[0-9a-f]{10}\.css$", path)
    response, body = get(server, path, **{"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(body) == (prod_site.root / path.lstrip("/")).read_bytes()
    assert response.getheader("Cache-Control") == "public, max-age=31536000, immutable"
    assert response.getheader("Content-Security-Policy")  # still carries the policy


def test_feeds_have_their_media_types(server):
    response, _ = get(server, "/fr/feeds/all.atom.xml")
    assert response.getheader("Content-Type").startswith("application/atom+xml")
    response, _ = get(server, "/es/feeds/all.rss.xml")
    assert response.getheader("Content-Type").startswith("application/rss+xml")


@pytest.mark.parametrize("old,new", OLD_ADDRESSES.items())
def test_the_former_sites_addresses_are_moved_for_good(server, old, new):
    for method in ("GET", "HEAD"):
        response, _body = get(server, old, method=method)
        assert (response.status, response.getheader("Location")) == (301, new), method
        assert response.getheader("Content-Security-Policy")  # the site's headers too
    response, body = get(server, new)
    assert response.status == 200 and b'<h1 class="epc-title">' in body


def test_only_the_former_sites_own_spelling_is_moved(server):
    """nginx matches an old address exactly, as it was written (no source shows
    another spelling): a variant is a missing page."""
    for path in ("/es/es_bilaterales.html", "/ingles/Bilaterals.html", "/ingles/bilaterals.html/"):
        assert get(server, path)[0].status == 404, path


def test_nginx_is_given_only_plain_paths():
    assert redirect_locations([("/ES/es_bilaterales.html", "/es/marco-juridico/")]) == (
        "location = /ES/es_bilaterales.html { return 301 /es/marco-juridico/; }",)
    for move in [("/a b.html", "/en/"), ("/a.html", "/en/; return 200 x"), ("/a.html", "/{x}")]:
        with pytest.raises(ValueError):
            redirect_locations([move])


def test_host_files_are_not_served(server):
    assert get(server, "/_headers")[0].status == 404
    assert get(server, "/_redirects")[0].status == 404


def request(server, method, path):
    url = urlsplit(server)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    connection.request(method, path)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_only_get_and_head_are_served(server, method):
    assert request(server, method, "/en/").status == 405
    assert request(server, "HEAD", "/en/").status == 200


def test_dot_files_are_refused_but_well_known_and_images_are_shareable(tmp_path):
    site = tmp_path / "site"
    (site / ".well-known").mkdir(parents=True)
    (site / ".well-known" / "security.txt").write_text("Contact: mailto:x@example.ca\n")
    (site / ".git").mkdir()
    (site / ".git" / "config").write_text("[core]\n")
    (site / ".env").write_text("SECRET=1\n")
    (site / "en").mkdir()
    (site / "en" / ".htpasswd").write_text("x:y\n")
    (site / "media" / "news").mkdir(parents=True)
    (site / "media" / "news" / "photo-480w.jpg").write_bytes(b"\xff\xd8\xff\xd9")
    try:
        with nginx_server(site, tmp_path / "nginx") as base:
            assert get(base, "/.well-known/security.txt")[0].status == 200
            for path in ("/.git/config", "/.env", "/en/.htpasswd"):
                assert get(base, path)[0].status == 404, path
            # images, like feeds, may be shown by feed readers on other sites
            response, _ = get(base, "/media/news/photo-480w.jpg")
            assert response.status == 200
            assert response.getheaders().count(
                ("Cross-Origin-Resource-Policy", "cross-origin")) == 1
    except FileNotFoundError as error:
        if IN_CI:
            raise
        pytest.skip(str(error))


def test_search_entry_files_are_revalidated_and_index_files_kept(server, prod_site):
    """After a deploy, a reader's cached entry file must never point at index files
    that are gone: entry files are revalidated, content-named files kept a year."""
    for name in ("pagefind.js", "pagefind-entry.json", "wasm.en.pagefind"):
        assert get(server, f"/pagefind/en/{name}")[0].getheader("Cache-Control") == "no-cache"
    fragment = next((prod_site.root / "pagefind" / "en" / "fragment").iterdir()).name
    response, _ = get(server, f"/pagefind/en/fragment/{fragment}")
    assert response.status == 200
    assert response.getheader("Cache-Control") == "public, max-age=31536000, immutable"


@pytest.mark.parametrize("path,policy", [
    ("/en/", "same-origin"), ("/theme/favicon.svg", None),
    ("/fr/feeds/all.atom.xml", "cross-origin"),
    ("/es/feeds/all.rss.xml", "cross-origin"),
])
def test_feeds_and_images_may_be_shown_by_feed_readers(server, prod_site, path, policy):
    if path == "/theme/favicon.svg":
        path = "/" + next(prod_site.root.glob("theme/favicon.*.svg")).relative_to(
            prod_site.root).as_posix()
        policy = "same-origin"
    response, _ = get(server, path)
    assert response.status == 200, path
    assert response.getheaders().count(("Cross-Origin-Resource-Policy", policy)) == 1, path


# The production configuration (nginx/production.conf), on loopback.

# Debian's OpenSSL refuses TLS 1.0 and 1.1 by itself (its security level); the
# production server runs with this one, which allows them, so that what refuses
# them in these tests is production.conf, as on a host whose OpenSSL allows them.
PERMISSIVE_OPENSSL = """\
openssl_conf = openssl_init
[openssl_init]
ssl_conf = ssl_configuration
[ssl_configuration]
system_default = permissive
[permissive]
MinProtocol = TLSv1
CipherString = DEFAULT:@SECLEVEL=0
"""


@dataclass
class Deployment:
    """The production servers on loopback, and a client's trust in their certificate."""
    http: str
    https: str
    certificate: str
    acme_root: Path  # certbot's webroot

    def context(self, version=None):
        """A client trusting the test's certificate; with a version, offering only it."""
        context = ssl.create_default_context(cafile=self.certificate)
        if version:
            with warnings.catch_warnings():  # TLS 1.0 and 1.1 are deprecated: what we test
                warnings.simplefilter("ignore", DeprecationWarning)
                context.minimum_version = context.maximum_version = version
            context.set_ciphers("ALL:@SECLEVEL=0")  # else this client would not offer them
        return context


def self_signed_certificate(folder):
    """A certificate (and its key) for localhost and 127.0.0.1, valid for two days."""
    openssl = shutil.which("openssl")
    if not openssl:
        raise FileNotFoundError("openssl is not installed: apt-get install openssl")
    certificate, key = folder / "certificate.pem", folder / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(certificate)],
                   check=True, capture_output=True)
    return certificate, key


@pytest.fixture(scope="module")
def production(prod_site, tmp_path_factory):
    folder = tmp_path_factory.mktemp("nginx-production")
    try:
        nginx_binary()
        certificate, key = self_signed_certificate(folder)
    except FileNotFoundError as error:
        if IN_CI:
            pytest.fail(f"CI must test with nginx and openssl: {error}")
        pytest.skip(str(error))
    acme_root = folder / "acme"
    (acme_root / ".well-known" / "acme-challenge").mkdir(parents=True)
    http_port, https_port = free_port(), free_port()
    while https_port == http_port:
        https_port = free_port()
    site = Production("embassy.example", root=str(prod_site.root), acme_root=str(acme_root),
                      http_listen=(f"127.0.0.1:{http_port}",),
                      https_listen=(f"127.0.0.1:{https_port}",),
                      certificate=str(certificate), certificate_key=str(key),
                      redirects=tuple(moved_addresses(prod_site.root)),
                      languages=tuple(negotiated_languages(prod_site.root)))
    (folder / "openssl.cnf").write_text(PERMISSIVE_OPENSSL)
    environment = {**os.environ, "OPENSSL_CONF": str(folder / "openssl.cnf")}
    conf = write_runner(folder, "production.conf", site.values())
    with running_nginx(conf, folder, [http_port, https_port], env=environment):
        yield Deployment(f"http://127.0.0.1:{http_port}", f"https://127.0.0.1:{https_port}",
                         str(certificate), acme_root)


def test_shipped_production_configuration_names_certbots_files_and_both_ip_versions():
    text = production_configuration(Production("embassyofperu.ca www.embassyofperu.ca"))
    live = "/etc/letsencrypt/live/embassyofperu.ca"
    for line in ("listen 80;", "listen [::]:80;", "listen 443 ssl;", "listen [::]:443 ssl;",
                 "server_name embassyofperu.ca www.embassyofperu.ca;",
                 f"ssl_certificate {live}/fullchain.pem;",
                 f"ssl_certificate_key {live}/privkey.pem;",
                 "root /var/www/embassy;", "root /var/www/html;"):
        assert re.search(rf"^\s*{re.escape(line)}$", text, re.MULTILINE), line
    directives = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    assert not [line for line in directives if "@" in line]  # every placeholder filled in


@pytest.mark.parametrize("path,method,status", [
    ("/", "GET", 200), ("/en/", "GET", 200), ("/es/tratados/", "GET", 200),
    ("/fr/feeds/all.atom.xml", "GET", 200), ("/es/no-existe/", "GET", 404),
    ("/nothing/here", "GET", 404), ("/en/", "POST", 405),
])
def test_every_https_answer_has_the_security_headers_errors_too(production, path, method, status):
    response, _body = get(production.https, path, method, production.context())
    assert response.status == status
    for name, value in SETTINGS["SECURITY_HEADERS"].items():
        assert response.getheader(name) == value, (path, name)


def test_https_serves_the_site_as_the_local_server_does(production):
    response, _body = get(production.https, "/", context=production.context(),
                          **{"Accept-Language": "fr-CA,fr;q=0.9"})
    assert (response.status, response.getheader("Location")) == (302, "/fr/")
    response, body = get(production.https, "/es/", context=production.context(),
                         **{"Accept-Encoding": "gzip"})
    assert response.getheader("Content-Encoding") == "gzip"
    assert b'<html lang="es">' in gzip.decompress(body)
    for old, new in OLD_ADDRESSES.items():  # the former site's addresses, from the upload
        response, _body = get(production.https, old, context=production.context())
        assert (response.status, response.getheader("Location")) == (301, new), old


@pytest.mark.parametrize("version,accepted", [
    (ssl.TLSVersion.TLSv1, False), (ssl.TLSVersion.TLSv1_1, False),
    (ssl.TLSVersion.TLSv1_2, True), (ssl.TLSVersion.TLSv1_3, True),
])
def test_tls_1_2_and_1_3_only(production, version, accepted):
    url = urlsplit(production.https)
    context = production.context(version)
    with socket.create_connection((url.hostname, url.port), timeout=10) as connection:
        if accepted:
            with context.wrap_socket(connection, server_hostname=url.hostname) as tls:
                assert tls.version() == version.name.replace("_", ".")
        else:
            # Refused for its version: not for want of a cipher, nor by this client.
            with pytest.raises(ssl.SSLError) as refusal:
                context.wrap_socket(connection, server_hostname=url.hostname)
            assert refusal.value.reason == "TLSV1_ALERT_PROTOCOL_VERSION"


@pytest.mark.parametrize("path", ["/", "/es/", "/fr/nouvelles/", "/nothing/here",
                                  "/es/noticias/?page=2", "/.well-known/security.txt"])
@pytest.mark.parametrize("host", ["embassy.example", "www.embassy.example", None])
def test_plain_http_is_moved_to_the_same_host_and_path_on_https(production, path, host):
    headers = {"Host": host} if host else {}
    response, _body = get(production.http, path, **headers)
    assert response.status == 301
    assert response.getheader("Location") == f"https://{host or '127.0.0.1'}{path}"


def test_certbot_challenges_are_answered_over_plain_http(production):
    challenge = production.acme_root / ".well-known" / "acme-challenge" / "token-1"
    challenge.write_text("token-1.thumbprint")
    response, body = get(production.http, "/.well-known/acme-challenge/token-1")
    assert (response.status, body) == (200, b"token-1.thumbprint")
    assert response.getheader("Content-Type") == "text/plain"
    assert get(production.http, "/.well-known/acme-challenge/missing")[0].status == 404


# The Mozilla HTTP Observatory's tests of headers, one rule each, as its analyzer
# (mdn/mdn-http-observatory, src/analyzer/tests/) passes them, on what a browser
# meets: the plain-HTTP answer, then the HTTPS page it leads to.

@dataclass
class Visit:
    location: str  # where the plain-HTTP answer sends the browser
    status: int  # the plain-HTTP answer's
    headers: http.client.HTTPMessage  # the HTTPS page's


def policy(visit):
    """The Content-Security-Policy's directives, each a set of sources."""
    text = visit.headers.get("Content-Security-Policy", "")
    return {part.split()[0].lower(): set(part.split()[1:]) for part in text.split(";")
            if part.strip()}


BROAD_SOURCES = {"ftp:", "http:", "https:", "*", "http://*", "http://*.*", "https://*",
                 "https://*.*"}


def csp_passes(visit):
    """No inline, data: or broad script source, no broad object source, no
    'unsafe-eval', no active content over http: or ftp:."""
    directives = policy(visit)
    fallback = directives.get("default-src", {"*"})
    scripts = directives.get("script-src", fallback)
    styles = directives.get("style-src", fallback)
    objects = directives.get("object-src", fallback)
    active = set().union(*(sources for name, sources in directives.items()
                           if name not in ("img-src", "media-src")))
    return bool(directives) and not (
        scripts & (BROAD_SOURCES | {"'unsafe-inline'", "data:"}) or objects & BROAD_SOURCES
        or "'unsafe-eval'" in scripts | styles
        or any(source.startswith(("http:", "ftp:")) for source in active))


def hsts_max_age(visit):
    for part in visit.headers.get("Strict-Transport-Security", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name.lower() == "max-age" and value.strip('" ').isdigit():
            return int(value.strip('" '))
    return 0


REFERRER_POLICIES = {"no-referrer": True, "same-origin": True, "strict-origin": True,
                     "strict-origin-when-cross-origin": True, "origin": False,
                     "origin-when-cross-origin": False, "unsafe-url": False,
                     "no-referrer-when-downgrade": False}


def referrer_policy(visit):
    """The policy a browser applies: the last one it knows in the list."""
    known = [value.strip().lower()
             for value in visit.headers.get("Referrer-Policy", "").split(",")
             if value.strip().lower() in REFERRER_POLICIES]
    return known[-1] if known else None


def framing_refused(visit):
    ancestors = policy(visit).get("frame-ancestors")
    return (visit.headers.get("X-Frame-Options", "").strip().upper() in ("DENY", "SAMEORIGIN")
            or ancestors is not None and not ancestors & BROAD_SOURCES)


OBSERVATORY_RULES = {
    "content-security-policy: present, no unsafe source": csp_passes,
    "cross-origin-resource-sharing: no Access-Control-Allow-Origin: *": lambda visit: (
        visit.headers.get("Access-Control-Allow-Origin", "").strip() != "*"),
    "redirection: first to HTTPS on the same host": lambda visit: (
        300 <= visit.status < 400
        and urlsplit(visit.location)[:2] == ("https", "embassy.example")),
    "referrer-policy: a private one": lambda visit: (
        REFERRER_POLICIES.get(referrer_policy(visit), False)),
    "strict-transport-security: six months or more": lambda visit: (
        hsts_max_age(visit) >= 15768000),
    "x-content-type-options: nosniff": lambda visit: (
        visit.headers.get("X-Content-Type-Options", "").strip().lower() == "nosniff"),
    "x-frame-options: DENY, SAMEORIGIN or a narrow frame-ancestors": framing_refused,
    "cross-origin-resource-policy: present": lambda visit: (
        visit.headers.get("Cross-Origin-Resource-Policy", "").strip().lower()
        in {"same-origin", "same-site", "cross-origin"}),
}

VISITED = ["/", "/en/", "/es/noticias/", "/fr/feeds/all.atom.xml", "/es/no-existe/"]


@pytest.fixture(scope="module")
def visits(production):
    found = {}
    for path in VISITED:
        answer, _body = get(production.http, path, Host="embassy.example")
        https = urlsplit(answer.getheader("Location") or "")
        page, _body = get(production.https, https.path or path, context=production.context(),
                          Host="embassy.example")
        found[path] = Visit(answer.getheader("Location") or "", answer.status, page.headers)
    return found


@pytest.mark.parametrize("path", VISITED)
@pytest.mark.parametrize("rule", OBSERVATORY_RULES)
def test_observatory_rule_passes(visits, rule, path):
    assert OBSERVATORY_RULES[rule](visits[path]), f"{rule}: fails on {path}"
