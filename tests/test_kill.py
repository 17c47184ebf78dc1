"""`kill -9` in the middle of an accept: events.csv stays whole (the old bytes, never a part), the store built from
it is consistent, and what the killed writer left is cleaned by the next decision."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from builders import copy_seeds, shipped, store_of

from components import loader
from components.articles import ingest
from components.schema import Events

REPO = Path(__file__).resolve().parent.parent
PAGE = Path(__file__).resolve().parent / "articles" / "libya_page.html"
CHILD = """
import sys, os
sys.path.insert(0, {repo!r})
from pathlib import Path
from components import files, loader, review
from components.review import PENDING

data, seeds, marker = Path({data!r}), Path({seeds!r}), Path({marker!r})
real_fsync = os.fsync

def stalled(fd):
    real_fsync(fd)
    if "/.events.csv." in os.readlink(f"/proc/self/fd/{{fd}}"):  # the new events.csv, not yet renamed over the old
        marker.write_text("writing")
        sys.stdin.read()  # blocks: the parent kills this process here, halfway through the atomic write

files.os.fsync = stalled
curated = loader.load(data, seeds)
[article] = [a for a in review.articles(curated, seeds) if a.name == {article!r}]
found = review.proposals(article, review.candidates(article, curated), curated.events, review.read_decisions(data))
candidate = next(p.candidate for p in found if p.status == PENDING)
review.accept(data, seeds, article, candidate, review.proposed(candidate), who="tester")
"""


def test_a_kill_during_an_accept_leaves_events_whole_and_the_next_decision_cleans_up(tmp_path):
    data, _ = shipped(tmp_path)
    seeds = copy_seeds(tmp_path / "seeds")
    done = ingest(PAGE, seeds)
    before = (data / Events.file).read_bytes()
    store = store_of(data, seeds, tmp_path)
    count = store.value("SELECT count(*) FROM events WHERE current")
    marker = tmp_path / "marker"
    code = CHILD.format(repo=str(REPO), data=str(data), seeds=str(seeds), marker=str(marker), article=done.article)
    child = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not marker.exists() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)  # polling a condition: the child writes the marker once it is inside the write
    assert marker.exists(), "the child reached the write"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert (data / Events.file).read_bytes() == before, "the old bytes, whole"
    assert not loader.load(data, seeds).problems
    assert store.refresh() is False and store.value("SELECT count(*) FROM events WHERE current") == count
    assert list(data.glob(".*.tmp")), "the killed writer left its temporary file"

    from components import review
    from components.review import PENDING

    curated = loader.load(data, seeds)
    [article] = [a for a in review.articles(curated, seeds) if a.name == done.article]
    found = review.proposals(article, review.candidates(article, curated), curated.events, review.read_decisions(data))
    candidate = next(p.candidate for p in found if p.status == PENDING)
    review.accept(data, seeds, article, candidate, review.proposed(candidate), who="tester")
    assert not list(data.glob(".*.tmp")), "the next decision removed it"
    assert store.refresh() is True and store.value("SELECT count(*) FROM events WHERE current") == count + 1
