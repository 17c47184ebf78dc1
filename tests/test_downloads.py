"""The sidebar's exports in real Chromium: every button answers every click, many times in a row on one page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from serving import CHARTS_DRAWN

pytestmark = pytest.mark.browser

EXPORTS = ("Events CSV", "Events GeoJSON", "Briefing image (PNG", "Briefing image (PDF")


def test_every_export_downloads_twenty_times_in_a_row(page: Page, app_url: str) -> None:
    """Each export button, clicked 20 times on one page, is answered with the whole file each time: none is left
    spinning (a click during a rerun once asked for a file id the rerun had replaced). The file is awaited as the
    page receives it, not as a saved download: Chromium throttles a page's many downloads in a row by itself."""
    page.goto(app_url)
    page.wait_for_function(CHARTS_DRAWN)  # the page has run once: its buttons hold their files
    side = page.get_by_test_id("stSidebar")
    for label in EXPORTS:
        button = side.get_by_role("button", name=re.compile(re.escape(label)))
        sizes = []
        for _ in range(20):
            with page.expect_response(lambda r: "/media/" in r.url, timeout=30_000) as answer:
                button.click()
            response = answer.value
            assert response.status == 200, (label, response.status)
            sizes.append(len(response.body()))
        assert len(set(sizes)) == 1 and sizes[0] > 100, (label, sizes)  # the same whole file each time
    expect(page.get_by_test_id("stException")).to_have_count(0)
