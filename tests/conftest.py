"""Shared fixtures for the browser tests: the system Chromium, the app on a free port, a page that records requests.

Browser tests carry `@pytest.mark.browser`; deselect them with `pytest -m "not browser"`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from serving import CHROMIUM_ARGS, DEFAULT_TIMEOUT_MS, VIEWPORT, find_chromium, free_port, start_streamlit, stop

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"  # git-ignored


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """The system Chromium; a missing browser skips locally and fails in CI."""
    path = find_chromium()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium not found in CI: install it (apt-get install chromium) or set CHROMIUM")
        pytest.skip("Chromium not found: install it (apt-get install chromium) or set CHROMIUM")
    return path


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
def hostile_url(tmp_path_factory) -> Iterator[str]:
    """The dashboard on a dataset whose names are markdown and HTML pointing at another host."""
    from builders import write_hostile

    root = tmp_path_factory.mktemp("hostile-app")
    data, seeds = write_hostile(root)
    port = free_port()
    env = {"CONFLICT_MONITOR_DATA": str(data), "CONFLICT_MONITOR_SEEDS": str(seeds)}
    proc = start_streamlit(REPO / "dashboard.py", port, root / "streamlit.log", cwd=REPO, env=env)
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
