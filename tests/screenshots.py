"""Screenshots of the dashboard for docs/screenshots/, before and after an import, taken in real Chromium.

    .venv/bin/python tests/screenshots.py FILE [--out docs/screenshots] [--width 1600]

Serves a copy of the frozen article data (tests/fixtures), photographs the default page, actor=Turkey,
place=Sirte within 50 km and the briefing, imports FILE with `conflict-monitor import` (as an analyst would), and
photographs the same four views again. Nothing of the live data/ is read or written.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from builders import FROZEN_SEEDS, copy_data
from playwright.sync_api import sync_playwright
from serving import CHARTS_DRAWN, CHROMIUM_ARGS, DASHBOARD, find_chromium, free_port, start_streamlit, stop

from components.config import DATA_ENV, SEEDS_ENV, STORE_ENV

VIEWS = {  # name in the file: the link's query
    "default": "",
    "actor-turkey": "?actor=Turkey",
    "sirte-50km": "?place=Sirte&radius_km=50",
    "briefing": "?view=briefing",
}
DONE = """() => document.querySelector('[data-testid="stApp"]')?.dataset.testScriptState === "notRunning"
    && !document.querySelector('[data-testid="stSkeleton"]')"""
CONTENT_HEIGHT = """() => Math.max(...[...document.querySelectorAll(
    '[data-testid="stMain"], [data-testid="stMainBlockContainer"], [data-testid="stSidebarContent"]')]
    .map((e) => e.scrollHeight))"""
MAX_PX = 3200  # the charts, the forces table and the first events: the rest of a long table says nothing more
BRIEFING_DRAWN = "() => [...document.images].some((i) => i.complete && i.naturalWidth >= 1000)"


def photograph(url: str, out: Path, prefix: str, width: int) -> list[Path]:
    """Each view at `url`, as a whole page `width` pixels wide, saved as <prefix>-<view>.png."""
    saved = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": 1000})
        for name, query in VIEWS.items():
            page.set_viewport_size({"width": width, "height": 1000})
            page.goto(url + query)
            page.wait_for_function(BRIEFING_DRAWN if name == "briefing" else CHARTS_DRAWN, timeout=60_000)
            page.wait_for_function(DONE, timeout=60_000)
            # Streamlit scrolls inside its main block, not the page: the window is made as tall as the content
            tall = page.evaluate(CONTENT_HEIGHT)
            page.set_viewport_size({"width": width, "height": max(int(tall) + 40, 1000)})
            page.wait_for_function(DONE, timeout=60_000)
            path = out / f"{prefix}-{name}.png"
            page.screenshot(
                path=path, full_page=True, clip={"x": 0, "y": 0, "width": width, "height": min(tall, MAX_PX)}
            )
            saved.append(path)
        browser.close()
    return saved


def main() -> None:
    """Serve the frozen data, photograph, import the file, photograph again."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="a dataset file to import between the two sets")
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--width", type=int, default=1600)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="screenshots-"))
    data = copy_data(root / "data")
    env = {DATA_ENV: str(data), SEEDS_ENV: str(FROZEN_SEEDS), STORE_ENV: str(root / "store" / "events.duckdb")}
    port = free_port()
    server = start_streamlit(DASHBOARD, port, root / "server.log", DASHBOARD.parent, env)
    try:
        url = f"http://127.0.0.1:{port}/"
        saved = photograph(url, args.out, "before", args.width)
        subprocess.run([sys.executable, "-m", "components", "import", str(args.file.resolve())],
                       env={**os.environ, **env}, check=True, cwd=DASHBOARD.parent)  # fmt: skip
        saved += photograph(url, args.out, "after", args.width)
    finally:
        stop(server)
    print("\n".join(str(p) for p in saved))


if __name__ == "__main__":
    main()
