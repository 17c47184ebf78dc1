"""The README's team setup, run for real: deploy/nginx-site.conf in front of two `serve` replicas on one store, on
loopback ports, with a certificate made for the test. TLS, gzip and sessions through the proxy are checked; a
request through the proxy is treated as shared (read-only without sign-in).

Needs nginx and openssl (`.ci/run` installs nginx-light); skipped where they are missing, failed in CI.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
import urllib.request
from pathlib import Path
from string import Template

import pytest
from apptest import shown
from builders import shipped
from serving import free_port, start_replicas, stop
from sessions import crowd

REPO = Path(__file__).resolve().parent.parent
SITE = REPO / "deploy" / "nginx-site.conf"
MAIN = """{user}daemon off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 256; }}
http {{
    access_log off;
    types {{ text/html html; application/javascript js; text/css css; application/json json; }}
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    include {site};
}}
"""


def _tool(name: str) -> str:
    """The path of a program the test needs; skip (fail in CI) when it is missing."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
    if found is None:
        message = f"{name} not found: apt-get install nginx-light openssl"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def _wait_for_port(port: int, proc: subprocess.Popen, log: Path) -> None:
    """Wait until something listens on the port (or the process has died)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"nginx exited: {log.read_text() if log.exists() else ''}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError("nginx did not start listening")


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    """The proxy's https URL and a TLS context trusting its certificate."""
    nginx, openssl = _tool("nginx"), _tool("openssl")
    root = tmp_path_factory.mktemp("proxy")
    cert, key = root / "cert.pem", root / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)  # fmt: skip
    data, seeds = shipped(root)
    env = {"CONFLICT_MONITOR_DATA": str(data), "CONFLICT_MONITOR_STORE": str(root / "store")}
    replicas = start_replicas(REPO / "dashboard.py", [root / "replica-1.log", root / "replica-2.log"], REPO, env)
    ports = [int(proc.args[proc.args.index("--server.port") + 1]) for proc in replicas]
    listen = free_port()
    site = root / "site.conf"
    site.write_text(Template(SITE.read_text()).safe_substitute(
        SERVER_NAME="localhost", LISTEN=f"127.0.0.1:{listen}", CERT=cert, KEY=key,
        REPLICA_1=f"127.0.0.1:{ports[0]}", REPLICA_2=f"127.0.0.1:{ports[1]}"))  # fmt: skip
    assert "${" not in site.read_text(), "every placeholder of the README's file is filled"
    for folder in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (root / folder).mkdir()
    conf = root / "nginx.conf"
    conf.write_text(MAIN.format(user="user root;\n" if os.geteuid() == 0 else "", root=root, site=site))
    proxy = subprocess.Popen([nginx, "-p", str(root), "-c", str(conf)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        _wait_for_port(listen, proxy, root / "error.log")
        yield f"https://127.0.0.1:{listen}", ssl.create_default_context(cafile=str(cert))
    finally:
        proxy.terminate()
        proxy.wait(timeout=10)
        stop(*replicas)


def _get(url: str, tls: ssl.SSLContext, gzipped: bool) -> tuple[int, dict, bytes]:
    """Status, headers and body of a GET, asking for gzip or not."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip" if gzipped else "identity"})
    with urllib.request.urlopen(request, context=tls, timeout=30) as response:
        return response.status, dict(response.headers), response.read()


def test_the_page_is_served_over_tls_with_its_javascript_gzipped(proxied):
    """The first page over https; its largest script arrives gzipped, several times smaller, and unzips to the
    same bytes."""
    url, tls = proxied
    status, _, index = _get(url + "/", tls, gzipped=False)
    assert status == 200
    scripts = re.findall(rb'src="\.?/?(static/js/[^"]+\.js)"', index)
    assert scripts, "the page names its scripts"
    plain = _get(f"{url}/{scripts[0].decode()}", tls, gzipped=False)
    packed = _get(f"{url}/{scripts[0].decode()}", tls, gzipped=True)
    assert packed[1].get("Content-Encoding") == "gzip" and "Content-Encoding" not in plain[1]
    assert gzip.decompress(packed[2]) == plain[2] and len(packed[2]) < len(plain[2]) / 2


def test_sessions_through_the_proxy_finish_without_error(proxied):
    """Ten sessions at once over wss through the proxy: every page finishes, none shows a traceback."""
    url, tls = proxied
    pages = crowd([url], 10, tls=tls)
    assert all(p.ok for p in pages), [p.failure or p.exceptions for p in pages if not p.ok]


def test_through_the_proxy_the_data_page_is_read_only(proxied):
    """A replica on localhost behind the proxy is shared: without sign-in nobody may change data through it."""
    url, tls = proxied
    [page] = crowd([url], 1, query="view=review", tls=tls)
    assert page.ok
    said = [shown(text) for text in page.texts]
    assert any("Read-only: this server is shared without sign-in" in text for text in said), said[:5]
    assert not any(text.startswith("Editing as") for text in said)
