"""Shared fixtures for the browser tests: the system Chromium, the app on a free port, a page that records requests.

Browser tests carry `@pytest.mark.browser`; deselect them with `pytest -m "not browser"`.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"  # git-ignored
START_TIMEOUT_S = 30.0
# Launch flags checked on these machines (see FACTS.md): Playwright's own browser download does not work here.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 720}
DEFAULT_TIMEOUT_MS = 45_000  # a first page with plotly charts takes 5-7 s; leave room on a busy 2-core machine


def free_port() -> int:
    """A TCP port nobody listens on at the moment."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _find_chromium() -> str | None:
    """$CHROMIUM, else /usr/bin/chromium, else chromium on the PATH."""
    from_env = os.environ.get("CHROMIUM")
    if from_env:
        return from_env
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """The system Chromium; a missing browser skips locally and fails in CI."""
    path = _find_chromium()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium not found in CI: install it (apt-get install chromium) or set CHROMIUM")
        pytest.skip("Chromium not found: install it (apt-get install chromium) or set CHROMIUM")
    return path


def _output(log: Path) -> str:
    """The server's output so far, for an error message."""
    try:
        return log.read_text(errors="replace")[-4000:]
    except OSError:
        return "(no output)"


def start_streamlit(script: Path, port: int, log: Path, cwd: Path) -> subprocess.Popen:
    """Start `streamlit run script` on the port and wait until /_stcore/health answers 200."""
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    health = f"http://127.0.0.1:{port}/_stcore/health"
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode} before it was ready:\n{_output(log)}")
        try:
            with urllib.request.urlopen(health, timeout=2) as response:
                if response.status == 200:
                    return proc
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            stop(proc)
            raise RuntimeError(f"streamlit was not ready within {START_TIMEOUT_S:.0f} s at {health}:\n{_output(log)}")
        time.sleep(0.2)


def stop(proc: subprocess.Popen) -> None:
    """Terminate the server, and kill it if it does not stop."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """The dashboard served by `streamlit run dashboard.py` on a free port, for the whole session."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="conflict-monitor-") as tmp:
        log = Path(tmp) / "streamlit.log"
        proc = start_streamlit(REPO / "dashboard.py", port, log, cwd=REPO)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            stop(proc)


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[object]:
    """The system Chromium, driven by Playwright's sync API."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    """A fresh page at 1280x720 in its own context; `page.requests` lists every URL it requested."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    new_page = context.new_page()
    new_page.requests = []
    new_page.on("request", lambda request: new_page.requests.append(request.url))
    try:
        yield new_page
    finally:
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """tests/artifacts/, for screenshots (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
