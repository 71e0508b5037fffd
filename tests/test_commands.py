"""Every command the README shows, run the way a user runs it: through `make` or
`.venv/bin/invoke`, in a copy of the project with its own git history.

`make test` itself is what CI runs (.ci/run); `invoke new-post` and
`invoke translations-status` are run in test_staff.py, `invoke benchmark`,
`invoke benchmark-publish` and `invoke lighthouse` in test_measurements.py.
"""

import contextlib
import http.client
import os
import re
import signal
import subprocess
import time
from urllib.parse import urlsplit

import pytest

from embassy.nginx import free_port
from helpers import (
    OLD_ADDRESSES,
    assert_built,
    assert_gates_passed,
    git,
    invoke,
    needs_fast_build,
    require,
    user_env,
)


@contextlib.contextmanager
def running(project, command, log):
    """A long-running command (a server) in its own process group, stopped at the end."""
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=project, env=user_env(), stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def request(url, method="GET", headers=None):
    """(status, headers, body) of one HTTP request on loopback."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request(method, parts.path + (f"?{parts.query}" if parts.query else ""),
                           headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8",
                                                                                     "replace")
    finally:
        connection.close()


def wait_for(url, process, log, contains="", limit=240):
    """Poll url until it answers 200 (with contains in its body); the server's own
    end, or the limit, fails the test with its log."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server stopped ({process.returncode}):\n{log.read_text()}")
        try:
            status, _headers, body = request(url)
            if status == 200 and contains in body:
                return body
        except OSError:
            pass
        time.sleep(0.25)
    pytest.fail(f"{url} did not answer with {contains!r} in {limit} s:\n{log.read_text()[-3000:]}")


def test_make_serve_builds_serves_and_shows_an_edit(project, tmp_path):
    port, log = free_port(), tmp_path / "serve.log"
    page = project / "content" / "pages" / "legal-framework" / "index.fr.md"
    with running(project, ["make", "serve", f"PORT={port}"], log) as server:
        wait_for(f"http://localhost:{port}/fr/cadre-juridique/", server, log,
                 contains="Cadre juridique")
        page.write_text(page.read_text(encoding="utf-8") + "\nPhrase ajoutée en direct.\n",
                        encoding="utf-8")
        wait_for(f"http://localhost:{port}/fr/cadre-juridique/", server, log,
                 contains="Phrase ajoutée en direct.")
        # the browser editor, working on this checkout (tests/test_editor.py drives it)
        wait_for(f"http://localhost:{port}/admin/", server, log, contains='src="editor.js"')
        wait_for(f"http://localhost:{port}/admin/config.yml", server, log,
                 contains="folder: content/news")


@needs_fast_build
@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2,
                    reason="one core builds the languages in one Pelican pass: "
                    "no per-language progress")
def test_a_build_in_a_terminal_shows_its_progress_per_language(project):
    """In a terminal the build shows what it is doing, then leaves only its summary;
    in a log (the other tests) there is no progress and no terminal codes."""
    # script(1) runs the command in a terminal of its own, as a user's shell does
    shown = subprocess.run(["script", "--quiet", "--return", "--command", ".venv/bin/invoke build",
                            "/dev/null"], cwd=project, env=user_env(TERM="xterm"),
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=600)
    assert shown.returncode == 0, shown.stdout.decode() + shown.stderr.decode()
    text = shown.stdout.decode()
    assert "Writing the pages of en, es, fr" in text
    assert re.search(r"Written: en \([\d.]+ s\)", text), text
    assert "Built the site in" in text
    result = invoke(project, "clean-build")
    assert_built(project, result)
    assert "Writing the pages" not in result.stdout and "\x1b[" not in result.stdout


@pytest.mark.slow
def test_invoke_build_check_clean_and_clean_build(project):
    require("java", "chromium")
    result = invoke(project, "build", "check")
    assert_built(project, result)
    assert "(development build)" in result.stdout
    assert_gates_passed(result.stdout)

    page = project / "content" / "pages" / "legal-framework" / "index.en.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    result = invoke(project, "build")  # a rebuild of English: it keeps a standby
    assert result.returncode == 0 and "es  Español   unchanged" in result.stdout, result.stdout
    assert (project / ".output-standby").is_dir()
    assert invoke(project, "clean").returncode == 0
    assert not (project / "output").exists() and not (project / ".output-standby").exists()
    (project / "cache" / "stale").write_text("from an earlier build")
    result = invoke(project, "clean-build")
    assert_built(project, result)
    assert (project / "output" / "es" / "index.html").is_file()
    assert not (project / "cache" / "stale").exists()  # built from scratch


@pytest.mark.slow
def test_invoke_gh_pages_pushes_the_site_published_under_a_project_path(project, tmp_path):
    """A GitHub Pages project site lives under a path: https://owner.github.io/embassy."""
    require("java", "chromium")
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", str(remote))
    git(project, "remote", "add", "origin", str(remote))
    siteurl = "https://owner.github.io/embassy"
    result = invoke(project, "gh-pages", SITEURL=siteurl)
    assert_built(project, result)
    assert_gates_passed(result.stdout)
    pushed = set(git(remote, "ls-tree", "-r", "--name-only", "gh-pages").split())
    published = {path.relative_to(project / "output").as_posix()
                 for path in (project / "output").rglob("*") if path.is_file()}
    assert pushed == published | {".nojekyll"}
    # the editor's origin would be shared with every Pages site of the owner
    assert not [name for name in pushed if name.startswith("admin/")]
    assert f"The browser editor (/admin/) is left out: at {siteurl} it would share" in (
        result.stdout)
    home = git(remote, "show", "gh-pages:en/index.html")
    assert f'<link rel="canonical" href="{siteurl}/en/">' in home
    for old, new in OLD_ADDRESSES.items():  # the former site's pages lead on, under the path
        moved = git(remote, "show", f"gh-pages:{old[1:]}")
        assert f'<link rel="canonical" href="{siteurl}{new}">' in moved, old
        assert f'<meta http-equiv="refresh" content="0; url={siteurl}{new}">' in moved, old
        assert f'<a class="epc-chooser__link" href="{siteurl}{new}">' in moved, old


def test_invoke_build_nginx_serves_the_site_with_its_headers(project, tmp_path):
    require("nginx")
    port, log = free_port(), tmp_path / "nginx.log"
    command = [".venv/bin/invoke", "build", "nginx", "--port", str(port)]
    with running(project, command, log) as server:
        wait_for(f"http://127.0.0.1:{port}/en/", server, log, contains='lang="en"')
        status, headers, _body = request(f"http://127.0.0.1:{port}/",
                                         headers={"Accept-Language": "fr-CA,fr;q=0.9"})
        assert (status, urlsplit(headers["Location"]).path) == (302, "/fr/")
        status, headers, _body = request(f"http://127.0.0.1:{port}/es/", method="HEAD")
        assert status == 200 and "script-src 'self'" in headers["Content-Security-Policy"]
        assert request(f"http://127.0.0.1:{port}/es/no-existe/")[0] == 404


def test_invoke_nginx_production_prints_the_https_configuration(project):
    command = ("nginx-production", "--domain", "embassyofperu.ca", "--root", "/srv/embassy")
    result = invoke(project, *command)  # the site is not built: its old addresses are unknown
    assert result.returncode == 1 and "publish the site first" in result.stderr, result.stderr
    (project / "output").mkdir()  # what the build writes there, for the former site's addresses
    (project / "output" / "_redirects").write_text(
        "/ES/es_bilaterales.html  /es/marco-juridico/  301!\n"
        "/ES/es_bilaterales.html  /es/marco-juridico/  301\n", encoding="utf-8")
    result = invoke(project, *command)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("# The production servers")  # nothing but the file
    for line in ("    ssl_certificate /etc/letsencrypt/live/embassyofperu.ca/fullchain.pem;",
                 "    server_name embassyofperu.ca;", "    root /srv/embassy;",
                 "        return 301 https://$host$request_uri;",
                 "    location = /ES/es_bilaterales.html { return 301 /es/marco-juridico/; }"):
        assert f"\n{line}\n" in result.stdout, line


def test_invoke_serve_serves_the_built_site(project, tmp_path):
    assert_built(project, invoke(project, "build"))
    port, log = free_port(), tmp_path / "serve.log"
    with running(project, [".venv/bin/invoke", "serve", "--port", str(port)], log) as server:
        wait_for(f"http://localhost:{port}/es/", server, log, contains='lang="es"')


def test_invoke_load_test_with_a_small_count(project):
    require("nginx")
    assert_built(project, invoke(project, "build"))
    result = invoke(project, "load-test", "--requests", "300")
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"300 requests over \d+ URLs .*, 0 errors", result.stdout), result.stdout


def test_invoke_lock_finds_the_lock_file_up_to_date(project):
    """requirements.lock is what `invoke lock` writes from the pins (a registry is
    asked for each package's hashes)."""
    before = (project / "requirements.lock").read_text()
    result = invoke(project, "lock")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / "requirements.lock").read_text() == before


def test_invoke_translations_finds_the_catalogs_up_to_date(project):
    """Extracting again and updating the catalogs (the theme's and the build's messages)
    changes no message and no translation."""
    before = {path: catalog_messages(path) for path in catalog_files(project)}
    result = invoke(project, "translations")
    assert result.returncode == 0, result.stdout + result.stderr
    assert {path: catalog_messages(path) for path in catalog_files(project)} == before


def catalog_files(project):
    return sorted((project / "translations").rglob("*.po")) + [
        project / "translations" / "messages.pot", project / "translations" / "build.pot"]


def catalog_messages(path):
    from babel.messages.pofile import read_po

    with path.open("rb") as file:
        return {message.id: (message.string, sorted(message.flags))
                for message in read_po(file) if message.id}
