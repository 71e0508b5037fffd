"""A bounded load check of nginx serving the built site, on loopback only.

Sends N requests (default 20,000) over keep-alive connections from a few
client threads, across the site's pages, assets and 404s, and reports the
errors (any unexpected status or failed request) and the throughput.
Run: `invoke load-test --requests 20000` (after `invoke build`).
"""

import argparse
import http.client
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

from embassy.nginx import nginx_server  # noqa: E402


def targets(output):
    """(path, expected status) for every page and asset, plus a few 404s; a page at one
    of the former site's addresses (for GitHub Pages) is a 301 in nginx, as
    _redirects says."""
    output = Path(output)
    redirects = output / "_redirects"
    moved = {line.split()[0] for line in (redirects.read_text(encoding="utf-8").splitlines()
                                          if redirects.exists() else [])
             if len(line.split()) >= 3 and line.split()[2].startswith("301")}
    paths = []
    for file in sorted(output.rglob("*")):
        if file.is_file() and not file.name.startswith("_") and file.suffix != ".gz":
            path = "/" + file.relative_to(output).as_posix().removesuffix("index.html")
            paths.append((path, 301 if path in moved else 200))
    paths += [("/en/missing/", 404), ("/es/falta/", 404), ("/nope", 404)]
    return paths


def load(base, paths, requests, threads=4):
    """Send requests spread over threads; return (errors, seconds)."""
    host = urlsplit(base)
    errors, lock = [], threading.Lock()
    per_thread = [requests // threads + (i < requests % threads) for i in range(threads)]

    def worker(count, offset):
        connection = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
        for number in range(count):
            path, status = paths[(offset + number) % len(paths)]
            try:
                connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
                response = connection.getresponse()
                response.read()
                if response.status != status and not (status == 200 and response.status == 302):
                    raise ValueError(f"{path}: {response.status}, expected {status}")
            except Exception as error:  # noqa: BLE001 - every failure is counted
                with lock:
                    errors.append(str(error))
                connection.close()
                connection = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
        connection.close()

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(count, i * 7919))
            for i, count in enumerate(per_thread)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return errors, time.perf_counter() - started


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=str(ROOT / "output"))
    parser.add_argument("--requests", type=int, default=20000)
    args = parser.parse_args(argv)
    paths = targets(args.output)
    with tempfile.TemporaryDirectory() as folder, nginx_server(args.output, folder) as base:
        errors, seconds = load(base, paths, args.requests)
    print(f"nginx load check: {args.requests} requests over {len(paths)} URLs in "
          f"{seconds:.1f} s ({args.requests / seconds:.0f} requests/s), {len(errors)} errors")
    for error in errors[:10]:
        print(f"  - {error}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
