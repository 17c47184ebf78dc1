"""Measure the dashboard's speed in Chromium against a one-chart hello-world Streamlit page, and its script rerun time.

    .venv/bin/python tests/benchmark.py [--runs 5] [--apptest-runs 10]

A measurement, not a test: it always exits 0, and prints "TARGET MISSED" lines for the targets it misses.
Not collected by pytest (the name does not start with test_).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import traceback
from pathlib import Path

from serving import CHROMIUM_ARGS, VIEWPORT, find_chromium, free_port, start_streamlit, stop

REPO = Path(__file__).resolve().parent.parent
TIMEOUT_MS = 60_000
RATIO_TARGET = 1.3  # dashboard first page / hello-world first page
RERUN_TARGET_MS = 100.0  # server-side script rerun after a filter change

HELLO = """import plotly.graph_objects as go
import streamlit as st

st.title("Hello world")
st.plotly_chart(go.Figure(go.Scatter(x=[1, 2, 3], y=[1, 3, 2], mode="markers")))
"""

# The dashboard is drawn: map with its countries, timeline with its points, and the forces table.
DASHBOARD_DRAWN = """() => {
    const plots = [...document.querySelectorAll('.js-plotly-plot')];
    const map = plots.find((p) => p.querySelector('.geo'));
    const timeline = plots.find((p) => !p.querySelector('.geo') && p.querySelector('.scatterlayer .point'));
    const forces = document.querySelector('table.cm-forces');
    return Boolean(map && timeline && forces) && map.querySelectorAll('.geo .countries path').length > 0;
}"""
HELLO_DRAWN = "() => document.querySelectorAll('.js-plotly-plot .scatterlayer .point').length === 3"
# What each chart shows, as drawn: its legend entries and its number of markers.
CHARTS_SIGNATURE = """() => [...document.querySelectorAll('.js-plotly-plot')].map((p) => [
    [...p.querySelectorAll('.legendtext')].map((t) => t.textContent).join('|'),
    p.querySelectorAll('.point').length,
].join('#'))"""
# Turkey removed: forces table without its row, and every chart redrawn (its signature changed) and complete.
REDRAWN_WITHOUT_TURKEY = (
    """(before) => {
    const drawn = ("""
    + DASHBOARD_DRAWN
    + """)();
    const forces = document.querySelector('table.cm-forces');
    const now = ("""
    + CHARTS_SIGNATURE
    + """)();
    return drawn && !forces.textContent.includes('Turkish armed forces') && forces.textContent.includes('Wagner Group')
        && now.length === before.length && now.every((signature, i) => signature !== before[i]);
}"""
)
PAGE_STATE = """() => ({
    plots: [...document.querySelectorAll('.js-plotly-plot')].map((p) => ({
        geo: Boolean(p.querySelector('.geo')),
        countries: p.querySelectorAll('.geo .countries path').length,
        points: p.querySelectorAll('.scatterlayer .point').length,
    })),
    tables: [...document.querySelectorAll('table.cm-table')].map((t) => t.textContent.slice(0, 60)),
    exceptions: [...document.querySelectorAll('[data-testid="stException"]')].map((e) => e.innerText.slice(0, 500)),
    text: document.body.innerText.slice(0, 300),
})"""


def wait(page, condition: str, arg: object = None) -> None:
    """Wait for a condition in the page; on a timeout, say what the page showed."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(condition, arg=arg, polling="raf")
    except PlaywrightTimeout as error:
        shown, charts = page.evaluate(PAGE_STATE), page.evaluate(CHARTS_SIGNATURE)
        message = f"timed out at {page.url}; the page showed {shown}; charts {charts} (before: {arg})"
        raise RuntimeError(message) from error


def first_page(browser, url: str, drawn: str) -> float:
    """Seconds from navigation to the drawn page, in a fresh context (no cache, no session)."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        start = time.perf_counter()
        page.goto(url + "/", wait_until="commit")
        wait(page, drawn)
        return time.perf_counter() - start
    finally:
        context.close()


def filter_change(browser, base: str) -> float:
    """Seconds from removing the Turkey chip to the forces table and both charts redrawn without Turkey."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(f"{base}/?actor=Russia&actor=Turkey")
        wait(page, DASHBOARD_DRAWN)
        before = page.evaluate(CHARTS_SIGNATURE)
        chip = page.get_by_role("button", name="Remove Turkey", exact=True)
        chip.wait_for()
        start = time.perf_counter()
        chip.click()
        wait(page, REDRAWN_WITHOUT_TURKEY, before)
        return time.perf_counter() - start
    finally:
        context.close()


def apptest_rerun_ms(runs: int) -> list[float]:
    """Milliseconds of the dashboard's script rerun after an actor filter change, with AppTest (no browser)."""
    from streamlit.testing.v1 import AppTest

    os.chdir(REPO)
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=30)
    at.run()
    if at.exception:
        raise RuntimeError(f"dashboard.py raised: {at.exception[0].value}")
    choices = (["Russia"], ["Russia", "Turkey"])
    times = []
    for i in range(runs):
        widget = at.sidebar.multiselect(key="actor").set_value(choices[i % 2])
        start = time.perf_counter()
        widget.run()
        times.append((time.perf_counter() - start) * 1000)
        if at.exception:
            raise RuntimeError(f"dashboard.py raised on rerun: {at.exception[0].value}")
    return times


def browser_medians(runs: int, results: dict[str, float]) -> None:
    """Start both apps, then time first pages (alternating) and the filter change in Chromium; fill `results`."""
    from playwright.sync_api import sync_playwright

    chromium = find_chromium()
    if chromium is None:
        raise RuntimeError("Chromium not found: install it (apt-get install chromium) or set CHROMIUM")
    with tempfile.TemporaryDirectory(prefix="cm-bench-") as tmp:
        hello = Path(tmp) / "hello.py"
        hello.write_text(HELLO)
        dash_port, hello_port = free_port(), free_port()
        dash = start_streamlit(REPO / "dashboard.py", dash_port, Path(tmp) / "dashboard.log", cwd=REPO)
        try:
            hello_proc = start_streamlit(hello, hello_port, Path(tmp) / "hello.log", cwd=Path(tmp))
            try:
                dash_url, hello_url = f"http://127.0.0.1:{dash_port}", f"http://127.0.0.1:{hello_port}"
                with sync_playwright() as p:
                    browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                    try:
                        # One warm-up load each (not counted): the first session pays for the server's imports.
                        first_page(browser, dash_url, DASHBOARD_DRAWN)
                        first_page(browser, hello_url, HELLO_DRAWN)
                        dash_times, hello_times = [], []
                        for _ in range(runs):  # alternate, so that both see the same machine load
                            dash_times.append(first_page(browser, dash_url, DASHBOARD_DRAWN))
                            hello_times.append(first_page(browser, hello_url, HELLO_DRAWN))
                        print("  dashboard first page (s): " + ", ".join(f"{v:.2f}" for v in dash_times))
                        print("  hello-world first page (s): " + ", ".join(f"{v:.2f}" for v in hello_times))
                        results["dashboard"] = statistics.median(dash_times)
                        results["hello"] = statistics.median(hello_times)
                        change = [filter_change(browser, dash_url) for _ in range(runs)]
                        print("  filter change (s): " + ", ".join(f"{v:.2f}" for v in change))
                        results["change"] = statistics.median(change)
                    finally:
                        browser.close()
            finally:
                stop(hello_proc)
        finally:
            stop(dash)


def export_seconds(runs: int) -> tuple[float, list[float], list[float]]:
    """The first briefing PNG of a process (starts kaleido's browser), then the following PNGs and PDFs."""
    from components import briefing, exports, selection
    from components.filters import Filters
    from components.loader import load

    prepared = selection.prepare(load())
    actors = [(a,) for a in prepared.options.actors] * runs
    frames = [briefing.build_briefing(selection.select(prepared, Filters(actors=a)), prepared.dataset) for a in actors]

    def timed(fig, fmt: str) -> float:
        """Seconds to render one figure."""
        start = time.perf_counter()
        exports.render(fig, fmt)
        return time.perf_counter() - start

    first = timed(frames[0], "png")
    return first, [timed(f, "png") for f in frames[1 : runs + 1]], [timed(f, "pdf") for f in frames[1 : runs + 1]]


def main() -> int:
    """Measure everything, print a table, exit 0."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="browser runs per measure (default 5)")
    parser.add_argument("--apptest-runs", type=int, default=10, help="AppTest reruns (default 10)")
    args = parser.parse_args()

    missed: list[str] = []
    rows: list[tuple[str, str, str]] = []
    print(f"Runs: {args.runs} in the browser, {args.apptest_runs} with AppTest (medians below)")
    b: dict[str, float] = {}
    try:
        browser_medians(args.runs, b)
    except Exception:
        traceback.print_exc()
        missed.append("MEASUREMENT FAILED: browser timings (see the error above)")
    if "hello" in b:
        ratio = b["dashboard"] / b["hello"]
        rows += [
            ("dashboard first page (map, timeline, forces table)", f"{b['dashboard']:.2f} s", ""),
            ("hello-world first page (one plotly chart)", f"{b['hello']:.2f} s", ""),
            ("ratio dashboard / hello-world", f"{ratio:.2f}", f"<= {RATIO_TARGET}"),
        ]
        if ratio > RATIO_TARGET:
            missed.append(f"TARGET MISSED: first page ratio {ratio:.2f} > {RATIO_TARGET}")
    if "change" in b:
        rows.append(("filter change in browser (remove Turkey chip)", f"{b['change']:.2f} s", ""))
    try:
        rerun = statistics.median(apptest_rerun_ms(args.apptest_runs))
        rows.append(("AppTest rerun after an actor change", f"{rerun:.0f} ms", f"< {RERUN_TARGET_MS:.0f} ms"))
        if rerun >= RERUN_TARGET_MS:
            missed.append(f"TARGET MISSED: AppTest rerun {rerun:.0f} ms >= {RERUN_TARGET_MS:.0f} ms")
    except Exception:
        traceback.print_exc()
        missed.append("MEASUREMENT FAILED: AppTest rerun (see the error above)")

    try:
        first, pngs, pdfs = export_seconds(args.runs)
        rows += [
            ("briefing PNG, first of a server (starts Chromium)", f"{first:.2f} s", ""),
            ("briefing PNG, following ones", f"{statistics.median(pngs):.2f} s", ""),
            ("briefing PDF, following ones", f"{statistics.median(pdfs):.2f} s", ""),
        ]
    except Exception:
        traceback.print_exc()
        missed.append("MEASUREMENT FAILED: briefing exports (see the error above)")

    print()
    print(f"{'measure':<52} {'median':>10}  target")
    for name, value, target in rows:
        print(f"{name:<52} {value:>10}  {target}")
    for line in missed:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
