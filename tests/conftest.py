"""Shared fixtures: an event store of the tests' own; for the browser tests, the system Chromium, the app on a free port
and a page that records requests.

Browser tests carry `@pytest.mark.browser`; deselect them with `pytest -m "not browser"`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from serving import CHROMIUM_ARGS, DEFAULT_TIMEOUT_MS, VIEWPORT, find_chromium, free_port, start_streamlit, stop

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"  # git-ignored
STORE_ENV, DATA_ENV, SEEDS_ENV = "CONFLICT_MONITOR_STORE", "CONFLICT_MONITOR_DATA", "CONFLICT_MONITOR_SEEDS"
os.environ["CONFLICT_MONITOR_VALIDATE_FIGURES"] = "1"  # every figure the tests build is checked by plotly


@pytest.fixture(scope="session", autouse=True)
def own_data(tmp_path_factory) -> Iterator[Path]:
    """The frozen data files and article (tests/fixtures/curated, tests/fixtures/seeds), copied, with a store of
    their own: the tests never read or write data/ and seeds/ (which analysts change by accepting, ingesting and
    importing), and never open data/.store, which a running dashboard may hold. The data folder is returned."""
    from builders import copy_data, copy_seeds

    root = tmp_path_factory.mktemp("shipped")
    data, seeds = copy_data(root / "data"), copy_seeds(root / "seeds")
    previous = {key: os.environ.get(key) for key in (STORE_ENV, DATA_ENV, SEEDS_ENV)}
    os.environ[DATA_ENV] = str(data)
    os.environ[SEEDS_ENV] = str(seeds)
    os.environ[STORE_ENV] = str(root / "store")
    yield data
    for key, value in previous.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """The system Chromium; a missing browser skips locally and fails in CI."""
    path = find_chromium()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium not found in CI: install it (apt-get install chromium) or set CHROMIUM")
        pytest.skip("Chromium not found: install it (apt-get install chromium) or set CHROMIUM")
    return path


def _served(root: Path, data: Path, seeds: Path) -> Iterator[str]:
    """The dashboard on these folders, with a store and a log in root, on a free port: its URL, until closed."""
    port = free_port()
    env = {DATA_ENV: str(data), SEEDS_ENV: str(seeds), STORE_ENV: str(root / "store")}
    proc = start_streamlit(REPO / "dashboard.py", port, root / "streamlit.log", cwd=REPO, env=env)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory) -> Iterator[str]:
    """The dashboard served as `make run` serves it, on its own copy of the shipped data."""
    from builders import shipped

    root = tmp_path_factory.mktemp("app")
    yield from _served(root, *shipped(root))


@pytest.fixture
def fresh_url(tmp_path) -> Iterator[str]:
    """The dashboard on a copy of the shipped data and articles of its own, for a test that imports or ingests."""
    from builders import copy_seeds, shipped

    data, _ = shipped(tmp_path)
    yield from _served(tmp_path, data, copy_seeds(tmp_path / "seeds"))


@pytest.fixture(scope="session")
def hostile_url(tmp_path_factory) -> Iterator[str]:
    """The dashboard on a dataset whose names are markdown and HTML pointing at another host."""
    from builders import write_hostile

    root = tmp_path_factory.mktemp("hostile-app")
    yield from _served(root, *write_hostile(root))


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


@pytest.fixture
def small(tmp_path):
    """The tiny dataset's store (tests/builders.py), prepared."""
    from builders import tiny_store

    from components import snapshot

    return snapshot.prepare(tiny_store(tmp_path))


@pytest.fixture(scope="module")
def article(tmp_path_factory):
    """The shipped data of the source article, in a store of its own, prepared."""
    from builders import shipped, store_of

    from components import snapshot

    root = tmp_path_factory.mktemp("article")
    return snapshot.prepare(store_of(*shipped(root), root))


# The files that take longest (measured: `pytest --durations=0`, summed per file), sent to the two workers first:
# a long file started last would leave one worker idle while the other finishes it. Only the order changes.
SLOWEST_FIRST = ("test_browser.py", "test_downloads.py", "test_store.py", "test_hostile_csv.py", "test_normal_use.py",
                 "test_access.py", "test_app.py", "test_chart_boxes.py", "test_briefing_boxes.py", "test_changes.py",
                 "test_digest.py", "test_bounds.py", "test_sessions.py", "test_filters.py", "test_pull.py",
                 "test_proxy.py")  # fmt: skip


def pytest_collection_modifyitems(items: list) -> None:
    """Order the tests by file, slowest files first (a stable sort keeps each file's own order)."""
    rank = {name: i for i, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@pytest.fixture(scope="module")
def renderer(browser):
    """One page with plotly.js loaded (tests/boxes.py), for every figure a box test of a file measures."""
    from boxes import Renderer

    drawn = Renderer(browser)
    yield drawn
    drawn.close()
