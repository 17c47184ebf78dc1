"""A team at once: twenty sessions opening the page together see no error, and two `serve` replicas on one store
both show a file imported while they run (the smaller version of `make bench`'s 20 and 50 sessions)."""

from __future__ import annotations

import re
from pathlib import Path

import generate
import pytest
from builders import shipped
from serving import start_replicas, stop
from sessions import crowd, open_together, summary

from components import cli
from components.store import Store

REPO = Path(__file__).resolve().parent.parent
EVENTS_SHOWN = re.compile(r"Events shown</div><div class=\"figure-value\">([\d,]+)<")


def shown(page) -> int:
    """The headline's count of events shown."""
    found = [EVENTS_SHOWN.search(text) for text in page.texts]
    return int(next(m for m in found if m)[1].replace(",", ""))


@pytest.fixture(scope="module")
def replicas(tmp_path_factory):
    """Two servers on one store of the shipped data and 5,000 generated ACLED events, and the folders."""
    root = tmp_path_factory.mktemp("team")
    data, seeds = shipped(root)
    store = Store(data, seeds, root / "store" / "events.duckdb")
    store.import_file(generate.write(root / "acled-5k.csv", 5_000))
    store.close()
    env = {"CONFLICT_MONITOR_DATA": str(data), "CONFLICT_MONITOR_SEEDS": str(seeds),
           "CONFLICT_MONITOR_STORE": str(root / "store")}  # fmt: skip
    servers = start_replicas(REPO / "dashboard.py", [root / "serve-1.log", root / "serve-2.log"], REPO, env)
    urls = [f"http://127.0.0.1:{proc.args[proc.args.index('--server.port') + 1]}" for proc in servers]
    try:
        yield urls, data, seeds, root
    finally:
        stop(*servers)


def test_twenty_analysts_at_once_see_no_error(replicas):
    """Ten sessions on each replica open the first page at the same moment: every page finishes, none shows a
    traceback."""
    pages = crowd(replicas[0], 10)
    found = summary(pages)
    assert found["errors"] == 0, found
    assert len({shown(p) for p in pages}) == 1, "every session counts the same events"


def test_an_import_while_both_replicas_run_shows_on_both(replicas, tmp_path, monkeypatch):
    """`conflict-monitor import` while both servers hold the store: the next page of each counts the new events."""
    urls, data, seeds, root = replicas
    before = [shown(open_together(url, 1)[0]) for url in urls]
    extra = generate.write(tmp_path / "more.csv", 300, seed=7, first_id=6_000_000)
    monkeypatch.setenv("CONFLICT_MONITOR_STORE", str(root / "store"))
    with pytest.raises(SystemExit) as done:
        cli.main(["--data", str(data), "--seeds", str(seeds), "import", str(extra)])
    assert done.value.code in (0, None)
    after = [shown(open_together(url, 1)[0]) for url in urls]
    assert before[0] == before[1] and after == [before[0] + 300] * 2
