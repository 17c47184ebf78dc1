"""The dashboard in a real browser: charts drawn, filters driven through the UI and links, nothing fetched off-host.

Each test waits on conditions in the page (locators, wait_for_function), never on a fixed sleep. The tests share one
tab (see the fixture page below): each opens its own URL in it, so each has a session of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from playwright.sync_api import Page, expect
from serving import CHARTS_DRAWN, DEFAULT_TIMEOUT_MS, VIEWPORT, free_port, start_streamlit, stop

from components.charts import places_map, timeline
from components.config import DATA_ENV, SEEDS_ENV, STORE_ENV

pytestmark = pytest.mark.browser
expect.set_options(timeout=30_000)  # a rerun with charts can take seconds on a busy 2-core machine

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
TOPOJSON = "/app/static/topojson/africa_50m.json"

# The map (the plot with a geo subplot) has its countries drawn, and the timeline (another plot) has its points.
CONTENT_HEIGHT = """() => Math.max(720, ...[...document.querySelectorAll(
    '[data-testid="stMain"], [data-testid="stAppViewContainer"], [data-testid="stSidebarContent"]'
)].map((e) => e.scrollHeight))"""
MAP_TEXT = "() => [...document.querySelectorAll('.js-plotly-plot .geo text')].map((t) => t.textContent.trim())"
MAP_NOTE = (  # the map's note under it: the first chart's annotations
    "() => [...document.querySelector('.js-plotly-plot').querySelectorAll('.annotation-text')]"
    ".map((t) => t.textContent.trim())"
)


DATA_LINK = "Import dataset files, ingest and review articles"


@pytest.fixture(scope="module")
def tab(browser) -> Iterator[dict]:
    """One browser context for the module, and the tab the tests share in it (made again if a test closed it)."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        yield {"context": context, "page": None}
    finally:
        context.close()


@pytest.fixture(scope="module")
def fresh_url(tmp_path_factory) -> Iterator[str]:
    """The dashboard on a copy of the shipped data and articles of its own, for the tests that import or ingest. One
    server for both (conftest.py starts one per test: its start, first page and stop cost seconds); so each checks
    what its own change adds to what the page showed before, not what the other did."""
    from builders import REPO, copy_seeds, shipped

    root = tmp_path_factory.mktemp("fresh-app")
    data, _ = shipped(root)
    env = {DATA_ENV: str(data), SEEDS_ENV: str(copy_seeds(root / "seeds")), STORE_ENV: str(root / "store")}
    port = free_port()
    server = start_streamlit(REPO / "dashboard.py", port, root / "streamlit.log", cwd=REPO, env=env)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(server)


@pytest.fixture
def page(tab) -> Page:
    """The shared tab at 1280x720 with `page.requests` emptied: it lists every URL requested during this test.
    (conftest.py's page opens a new tab per test: a new renderer that compiles Streamlit's and plotly's scripts
    again, 3-4 s a test on 2 cores; a tab that navigates keeps them compiled. Nothing of a session is kept: each
    test opens its URL, a new Streamlit session. A request that left the host could not be cached, so every
    test still sees every such request it causes.)"""
    shared = tab["page"]
    if shared is None or shared.is_closed():
        shared = tab["page"] = tab["context"].new_page()
        shared.on("request", lambda request: shared.requests.append(request.url))
    shared.requests = []
    shared.set_viewport_size(VIEWPORT)
    return shared


def uploader(page: Page, label: str):
    """The file input of the uploader whose label starts with `label`."""
    return page.get_by_test_id("stFileUploader").filter(has_text=label).get_by_test_id("stFileUploaderDropzoneInput")


def forces_table(page: Page):
    """The foreign forces table."""
    return page.locator("table.cm-forces")


def wait_for_dashboard(page: Page) -> None:
    """Wait until the map, the timeline, the forces table and the events table are drawn."""
    page.wait_for_function(CHARTS_DRAWN)
    expect(forces_table(page)).to_be_visible()
    expect(page.locator("table.cm-events")).to_be_visible()


def chip_remover(page: Page, value: str):
    """The button that removes one chosen value from a multiselect (its accessible name in Streamlit 1.67)."""
    return page.get_by_role("button", name=f"Remove {value}", exact=True)


def is_local(url: str) -> bool:
    """A request that stays on the dashboard's host, or needs no network at all."""
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob") or parts.hostname in LOCAL_HOSTS


def assert_only_local(page: Page) -> None:
    """Every request the page made went to the app's own host."""
    assert page.requests, "no request was recorded"
    outside = [url for url in page.requests if not is_local(url)]
    assert not outside, f"requests left the dashboard's host: {outside}"


def test_page_draws_map_timeline_and_tables(page: Page, app_url: str, artifacts) -> None:
    """The first page draws the map (Tripoli, Sirte, Jufra named), the timeline and both tables."""
    page.goto(app_url)
    wait_for_dashboard(page)
    # the charts' widths in a 1280-wide window: the narrowest the charts measure their names and legends for
    widths = page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot')].map((p) => p.clientWidth)")
    assert page.viewport_size["width"] == 1280
    assert widths[0] >= places_map.PAGE_WIDTH - 1 and widths[1] >= timeline.PAGE_WIDTH - 1, widths

    forces = forces_table(page)
    expect(forces).to_contain_text("Wagner Group")
    expect(forces).to_contain_text("Turkish armed forces")
    assert page.locator(".js-plotly-plot .geo path").count() > 0
    labels = page.evaluate(MAP_TEXT)
    for place in ("Tripoli", "Sirte", "Jufra"):
        assert place in labels, f"{place} is not named on the map; its texts are {labels}"
    expect(page.get_by_test_id("stException")).to_have_count(0)

    # Streamlit scrolls inside its main section, so a full-page shot alone stops at the viewport: grow it first.
    page.set_viewport_size({"width": 1280, "height": page.evaluate(CONTENT_HEIGHT)})
    page.wait_for_function(CHARTS_DRAWN)
    page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)
    assert_only_local(page)


def test_removing_an_actor_chip_updates_url_and_table(page: Page, app_url: str) -> None:
    """Removing an actor chip changes the table and the URL; reloading that URL restores the view."""
    page.goto(f"{app_url}/?actor=Russia&actor=Turkey")
    wait_for_dashboard(page)
    forces = forces_table(page)
    expect(forces).to_contain_text("Turkish armed forces")
    expect(forces).to_contain_text("Wagner Group")

    chip_remover(page, "Turkey").click()

    expect(page).to_have_url(re.compile(r"^(?!.*actor=Turkey).*[?&]actor=Russia"))
    expect(forces).not_to_contain_text("Turkish armed forces")
    expect(forces).to_contain_text("Wagner Group")
    expect(chip_remover(page, "Turkey")).to_have_count(0)

    # The link now in the address bar reopens the same view.
    shared = page.url
    page.reload()
    wait_for_dashboard(page)
    assert page.url == shared
    expect(chip_remover(page, "Russia")).to_be_visible()
    expect(chip_remover(page, "Turkey")).to_have_count(0)
    expect(forces_table(page)).to_contain_text("Wagner Group")
    expect(forces_table(page)).not_to_contain_text("Turkish armed forces")
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert_only_local(page)


def test_enter_in_a_filter_selects_the_first_match_only(page: Page, app_url: str) -> None:
    """Typing part of a name and pressing Enter adds one actor (the first match), not every actor that matches."""
    page.goto(app_url)
    wait_for_dashboard(page)
    actors = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(has_text="Actor")
    field = actors.locator("input")
    field.click()
    field.fill("Turk")  # matches Turkey and Turkish armed forces
    field.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]actor=Turkey(&|$)"))
    field.press("Escape")  # the list closes (while open, the rest of the page is hidden from assistive tools)
    wait_for_dashboard(page)
    assert page.url.count("actor=") == 1, page.url
    expect(chip_remover(page, "Turkey")).to_be_visible()
    expect(chip_remover(page, "Turkish armed forces")).to_have_count(0)


def test_unknown_link_values_are_named_in_a_notice(page: Page, app_url: str) -> None:
    """Values in a link that match nothing are named in a notice, and the page still works."""
    page.goto(f"{app_url}/?actor=Nobody&place=Atlantis")
    wait_for_dashboard(page)

    alerts = page.get_by_test_id("stAlert")
    expect(alerts.filter(has_text="Nobody")).to_be_visible()
    expect(alerts.filter(has_text="Atlantis")).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text("Traceback")
    # The ignored values filter nothing: every force is still listed.
    expect(forces_table(page)).to_contain_text("Wagner Group")
    expect(forces_table(page)).to_contain_text("Turkish armed forces")
    assert_only_local(page)


def test_no_request_leaves_the_host_while_filtering(page: Page, app_url: str) -> None:
    """Choosing a place through the UI redraws the charts with no request to another host."""
    page.goto(app_url)
    wait_for_dashboard(page)

    place = page.get_by_test_id("stMultiSelect").filter(has_text="Place")
    place.locator("input").fill("Sirte")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")  # close the open option list, which hides the rest of the page from the a11y tree
    expect(page).to_have_url(re.compile(r"[?&]place=Sirte"))
    expect(chip_remover(page, "Sirte")).to_be_visible()
    page.wait_for_function(CHARTS_DRAWN)
    expect(page.get_by_test_id("stException")).to_have_count(0)

    assert_only_local(page)


def test_map_draws_country_borders_from_the_app_host(page: Page, app_url: str) -> None:
    """The borders come from the Natural Earth file the app serves itself, and are drawn."""
    with page.expect_response(lambda response: response.url.endswith("africa_50m.json")) as topojson:
        page.goto(app_url)
    wait_for_dashboard(page)

    response = topojson.value
    assert response.status == 200
    assert urlsplit(response.url).hostname in LOCAL_HOSTS
    assert urlsplit(response.url).path == TOPOJSON
    assert any(urlsplit(url).path == TOPOJSON and is_local(url) for url in page.requests)

    borders = page.locator(".js-plotly-plot .geo .countries path")
    assert borders.count() > 0
    drawn = borders.evaluate_all("(paths) => paths.map((p) => (p.getAttribute('d') || '').length)")
    assert max(drawn) > 1000, f"country paths are (nearly) empty: {drawn}"
    assert page.locator(".js-plotly-plot .geo .coastlines path").count() > 0
    assert_only_local(page)


def test_briefing_view_fits_one_screen_and_states_its_filters(page: Page, app_url: str, artifacts) -> None:
    """view=briefing at 1920x1080: the frame alone, no scrollbar, no sidebar, the filters in words."""
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{app_url}/?view=briefing&actor=Russia")
    frame = page.locator("img.briefing-frame")
    expect(frame).to_be_visible(timeout=60_000)
    page.wait_for_function("() => document.querySelector('img.briefing-frame').naturalWidth > 0")
    assert frame.evaluate("(img) => [img.naturalWidth, img.naturalHeight]") == [1920, 1080]
    expect(frame).to_have_attribute("alt", re.compile(r"Actor: Russia \(incl\. Russian mercenaries, Wagner Group\)"))
    box = frame.bounding_box()
    assert box["width"] <= 1920 and box["height"] <= 1080
    scroll = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stMain"], html, body')]
            .map((e) => e.scrollHeight - e.clientHeight)"""
    )
    assert max(scroll) <= 0, f"the briefing scrolls: {scroll}"
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()
    page.screenshot(path=str(artifacts / "briefing.png"))
    assert_only_local(page)


HOSTILE_LINK = {
    "actor": "![x](http://other-host.invalid/pix.png)",
    "place": "[bait](http://other-host.invalid/)",
    "type": "**x**",
}


def test_a_hostile_link_shows_its_values_as_text(page: Page, app_url: str) -> None:
    """Markdown in a shared link: no image fetched from another host, no link, no bold; the values are shown."""
    page.goto(f"{app_url}/?{urlencode(HOSTILE_LINK)}")
    wait_for_dashboard(page)
    alerts = page.get_by_test_id("stAlert").filter(has_text="from the link")  # one notice per refused value
    expect(alerts).to_have_count(len(HOSTILE_LINK))
    shown = " ".join(alerts.all_inner_texts()).replace("\u2060", "")  # the invisible joiners that stop autolinks
    for value in HOSTILE_LINK.values():
        assert value in shown
    assert alerts.locator("a, img, strong, em").count() == 0
    assert_only_local(page)


def test_hostile_names_in_the_data_stay_text(page: Page, hostile_url: str) -> None:
    """Names written as markdown or HTML in the files: shown as written on the map, in the legend and tables."""
    from builders import EVIL_FORCE, EVIL_PLACE, EVIL_STATE, OTHER_HOST

    page.goto(hostile_url)
    page.wait_for_function(CHARTS_DRAWN)
    expect(forces_table(page)).to_contain_text(EVIL_FORCE)
    # named on the map, or, too long for its frame, listed in its note (wrapped): as written, either way
    texts = "".join(page.evaluate(MAP_TEXT) + page.evaluate(MAP_NOTE))
    assert EVIL_PLACE.replace(" ", "") in texts.replace(" ", "")
    legend = " ".join(page.locator(".js-plotly-plot .legendtext").all_text_contents())
    assert EVIL_STATE in legend
    assert page.locator(f'a[href*="{OTHER_HOST}"], img[src*="{OTHER_HOST}"]').count() == 0
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert_only_local(page)


def test_an_imported_file_shows_on_the_map(page: Page, fresh_url: str) -> None:
    """Upload an ACLED export on the data page: back on the dashboard its events are counted and its places named."""
    fixture = Path(__file__).resolve().parent / "fixtures" / "acled_current.csv"
    page.goto(fresh_url)
    wait_for_dashboard(page)
    assert "Tarhuna" not in page.evaluate(MAP_TEXT)
    shown = page.locator(".figure-label", has_text="Events shown").locator("xpath=following-sibling::div")
    expect(shown).to_have_text(re.compile(r"^[\d,]+$"))
    before = int(shown.inner_text().replace(",", ""))  # the article's 11 (and one more if its review ran first)
    page.get_by_role("link", name=DATA_LINK).click()
    expect(page.get_by_role("heading", name="Dataset files")).to_be_visible()
    uploader(page, "Import an ACLED or UCDP file").set_input_files(str(fixture))
    expect(page.get_by_test_id("stAlert").filter(has_text="7 added")).to_be_visible(timeout=60_000)
    page.get_by_role("link", name="Back to the dashboard").click()
    wait_for_dashboard(page)
    # Tarhuna, a place of the file only: named on the map, or listed under it when its name finds no room by Tripoli
    named = "/^Tarhuna$|Not named, for want of room: .*Tarhuna/"
    page.wait_for_function(f"() => [...document.querySelectorAll('.js-plotly-plot text')]"
                           f".some((t) => {named}.test(t.textContent.trim()))")  # fmt: skip
    expect(page.locator("body")).to_contain_text("Events shown")
    expect(shown).to_have_text(f"{before + 7:,}")  # and ACLED's 7
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert_only_local(page)


PLOT_DATA = """([geo, id]) => [...document.querySelectorAll('.js-plotly-plot')]
    .filter((p) => Boolean(p.querySelector('.geo')) === geo)
    .some((p) => JSON.stringify(p.data || []).includes(id))"""


def test_an_ingested_article_is_reviewed_into_the_map_and_timeline(page: Page, fresh_url: str) -> None:
    """Upload a saved page on the review page, accept one candidate (it is on the map and the timeline), reject
    another (it is not proposed again)."""
    saved = Path(__file__).resolve().parent / "articles" / "libya_page.html"
    page.goto(fresh_url)
    wait_for_dashboard(page)
    link = page.get_by_role("link", name=DATA_LINK)
    expect(link).to_have_attribute("href", "?view=review")
    link.click()
    expect(page.get_by_role("heading", name="New data")).to_be_visible()
    page.get_by_text("Add an article").click()
    uploader(page, "An article").set_input_files(str(saved))
    expect(page.get_by_test_id("stFileChipName")).to_have_text(saved.name)
    expect(page.get_by_test_id("stFileChipIconSpinner")).to_have_count(0)  # uploaded: now the form may be sent
    page.get_by_role("button", name="Ingest the article").click()
    expect(page.get_by_test_id("stAlert").filter(has_text="stored as 001_")).to_be_visible(timeout=60_000)

    trenches = page.get_by_test_id("stForm").filter(has_text="digging trenches near Sirte")
    expect(trenches.locator("mark")).to_contain_text("digging trenches near Sirte")
    trenches.get_by_role("button", name="Accept").click()
    accepted = page.get_by_test_id("stAlert").filter(has_text="Accepted as")
    expect(accepted).to_be_visible(timeout=60_000)
    event_id = re.search(r"Accepted as (\S+):", accepted.inner_text()).group(1)
    expect(trenches).to_have_count(0)

    december = page.get_by_test_id("stForm").filter(has_text="Ankara approved plans")
    december.get_by_role("button", name="Reject").click()
    expect(page.get_by_test_id("stAlert").filter(has_text="will not be proposed again")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="New data")).to_be_visible()
    expect(page.get_by_test_id("stForm").filter(has_text="digging trenches")).to_have_count(0)
    expect(page.get_by_test_id("stForm").filter(has_text="Ankara approved plans")).to_have_count(0)
    expect(page.get_by_test_id("stForm").filter(has_text="based south of Tripoli")).to_be_visible()  # still proposed

    page.get_by_role("link", name="Back to the dashboard").click()
    wait_for_dashboard(page)
    page.wait_for_function(PLOT_DATA, arg=[True, event_id])  # on the map
    page.wait_for_function(PLOT_DATA, arg=[False, event_id])  # and on the timeline
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert_only_local(page)
