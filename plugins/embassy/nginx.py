"""Debian's nginx serving a built site on loopback, with the repository's configuration.

Used by `invoke nginx`, the tests and the benchmarks; the build never runs it.
"""

import os
from contextlib import contextmanager
from pathlib import Path

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
