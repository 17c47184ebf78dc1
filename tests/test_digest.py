"""The dated digest (issue 17): `conflict-monitor digest` on the monitor's fixtures, its JSON listing exactly their
changes in both ways of counting, the same data giving the same bytes, watchlists (and a hostile watchlists file),
HTML that escapes what it quotes and asks no other host, the PDF, the command's errors, and the digest page."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from builders import run_entry
from monitor import SINCE, monitor_store
from serving import find_chromium
from test_changes import ACTORS, DELETED, FORCES, NEW, REVISED

from components import cli, digest, exports, snapshot, watchlists
from components.files import write_atomic
from components.filter_types import HAPPENED, REPORTED
from components.store import Store

PNG = b"\x89PNG\r\n\x1a\nstub"  # the map as the tests render it (kaleido's own rendering is the briefing tests')
MADE = re.compile(rb'(Made |"made": ")[0-9TZ:\\-]+')


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    """The folders of the fortnight's store: data, seeds and store under one root."""
    folder = tmp_path_factory.mktemp("digest")
    monitor_store(folder).close()
    return folder


@pytest.fixture(scope="module")
def prepared(root) -> snapshot.Prepared:
    """The fortnight's store, prepared, for the tests that call the digest's functions in this process."""
    return snapshot.prepare(Store(root / "data", root / "seeds", root / "store" / "events.duckdb"))


@pytest.fixture
def run(root, monkeypatch, capsys):
    """Run `conflict-monitor` on the fortnight's folders (exit code, stdout, stderr); the map rendered as a stub."""
    monkeypatch.setenv("CONFLICT_MONITOR_DATA", str(root / "data"))
    monkeypatch.setenv("CONFLICT_MONITOR_SEEDS", str(root / "seeds"))
    monkeypatch.setenv("CONFLICT_MONITOR_STORE", str(root / "store"))
    monkeypatch.setattr(exports, "render", lambda fig, fmt: PNG)
    (root / "data" / watchlists.FILE).unlink(missing_ok=True)

    def command(*args: str) -> tuple[int, str, str]:
        return run_entry(cli.main, capsys, ["digest", *args])

    return command


def digest_json(run, out: Path, *args: str) -> dict:
    """The JSON digest the command writes."""
    code, said, err = run(*args, "--out", str(out))
    assert code == 0, err
    assert said.startswith(f"wrote {out} (")
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.mark.parametrize("mode", [REPORTED, HAPPENED])
def test_the_json_digest_lists_exactly_the_fixtures_changes(run, prepared, tmp_path, mode):
    """Everything since 8 March: the new, revised and deleted events by dataset and id, each revision's fields old
    and new, the forces' changes, the new actors and the weekly counts, each with the ids behind it (the command's
    JSON in one way of counting, the same function's in the other)."""
    if mode == REPORTED:
        found = digest_json(run, tmp_path / "d.json", "--since", str(SINCE))
    else:
        found = json.loads(digest.to_json(digest.build(prepared, SINCE, mode)))
    assert (found["since"], found["as_of"], found["mode"]) == (str(SINCE), None, mode)
    (view,) = found["views"]
    assert view["watch"] is None
    assert {e["event_id"] for e in view["new"]} == NEW[mode]
    assert {e["event_id"]: e["changes"] for e in view["revised"]} == REVISED
    assert {e["event_id"] for e in view["deleted"]} == DELETED
    assert {(f["force"], f["change"], f["place"], f["before"], f["after"]) for f in view["forces"]} == FORCES[mode]
    assert {a["actor"] for a in view["actors"]} == ACTORS[mode]
    moved = next(f for f in view["forces"] if f["change"] == "moved")
    assert [e["event_id"] for e in moved["events"]] == ["LBY96109", "LBY96103"]  # the move's report, the one before
    assert moved["evidence"]["source_file"] == "sources/acled/acled_week_2.csv" and moved["evidence"]["line"] == 9
    tripoli = next(s for s in view["surges"] if s["admin1"] == "Tripoli")
    assert (tripoli["week"], tripoli["flagged"]) == (2, False)
    assert {e["event_id"] for e in tripoli["events"]} == {"LBY96111", "LBY-A900-0001"}
    assert view["totals"]["new"] == len(NEW[mode]) and view["week_end"] == "2021-03-10"


def test_as_of_the_first_week_the_digest_shows_its_values(prepared):
    """As of 7 March, since 1 March: the first week's events are new, with the first week's values (1 death at
    Sirte); nothing is revised or deleted yet."""
    found = json.loads(digest.to_json(digest.build(prepared, dt.date(2021, 3, 1), as_of=dt.date(2021, 3, 7))))
    (view,) = found["views"]
    deaths = {e["event_id"]: e["fatalities"] for e in view["new"]}
    assert deaths["LBY96103"] == 1 and "LBY96108" not in deaths and view["revised"] == view["deleted"] == []


def test_the_same_data_gives_the_same_digest_byte_for_byte(run, prepared, tmp_path, monkeypatch):
    """Two digests of the same data differ only in the time they were made: the command's JSON and this process's,
    and the Markdown and HTML of two digests made one after the other."""
    assert run("--since", str(SINCE), "--out", str(tmp_path / "a.json"))[0] == 0
    made = [digest.build(prepared, SINCE) for _ in range(2)]
    pairs = {s: [digest.render_bytes(prepared, d, s) for d in made] for s in (".md", ".html")}
    pairs[".json"] = [(tmp_path / "a.json").read_bytes(), digest.to_json(made[0])]
    for suffix, (a, b) in pairs.items():
        assert MADE.search(a) and MADE.sub(b"", a) == MADE.sub(b"", b) and len(a) > 2000, suffix
    monkeypatch.setattr(digest, "made_now", lambda: "2030-01-01T00:00:00Z")
    assert b"2030-01-01T00:00:00Z" in digest.to_markdown(digest.build(prepared, SINCE)).replace(b"\\", b"")


WATCHLISTS = """name,link,last_digest
Wagner,actor=Wagner+Group,2021-03-08
Near Tripoli,http://localhost:8501/?place=Tripoli&radius_km=30,
<img src=x onerror=alert(1)>,dataset=ACLED,2021-03-08
=HYPERLINK("http://x"),actor=Wagner+Group,
Unknown filter,colour=red&actor=Wagner+Group,
Unknown actor,actor=Nobody,
Wagner,type=Battles,
Bad day,,2021-02-30
Future,,2999-01-01
Since in link,since=2021-01-01,
Too many,a,b,c
"""


def test_watchlists_each_a_view_of_the_digest_and_bad_lines_warned(run, root, tmp_path):
    """Every good watchlist is a view after everything; each bad line is a warning with its line, column, value and
    what was expected; --watch picks one, from its last digest when --since is not given; --record sets it."""
    (root / "data" / watchlists.FILE).write_text(WATCHLISTS, encoding="utf-8")
    code, said, err = run("--since", str(SINCE), "--out", str(tmp_path / "d.json"))
    assert code == 0, err
    views = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))["views"]
    assert [v["watch"] for v in views] == [None, "Wagner", "Near Tripoli", "<img src=x onerror=alert(1)>"]
    assert {e["event_id"] for e in views[1]["new"]} == {"LBY96108", "LBY96109"}
    assert {e["event_id"] for e in views[2]["new"]} == {"LBY96111", "LBY-A900-0001"}
    warned = [line for line in err.splitlines() if line.startswith("warning: ")]
    assert [int(re.search(r"line (\d+)", w)[1]) for w in warned] == [5, 6, 7, 8, 9, 10, 11, 12]
    assert "line 6, column link: \"'colour=red&actor=Wagner+Group'\" — expected a filter of a view" in err
    assert "no such actor in the data" in err and "a name not already used on line 2" in err
    assert "line 12, column (row): '4 fields' — expected 3 fields" in err
    code, said, err = run("--watch", "wagner", "--out", str(tmp_path / "w.json"), "--record", "--as-of", "2021-03-15")
    assert code == 0 and "last digest set for 1 watchlist" in said, err
    only = json.loads((tmp_path / "w.json").read_text(encoding="utf-8"))["views"]
    assert [(v["watch"], v["since"]) for v in only] == [("Wagner", "2021-03-08")]
    kept = list(csv.reader(io.StringIO((root / "data" / watchlists.FILE).read_text(encoding="utf-8"))))
    before = list(csv.reader(io.StringIO(WATCHLISTS)))
    assert kept[1] == ["Wagner", "actor=Wagner+Group", "2021-03-15"] and kept[2:] == before[2:]  # the rest as it was


def test_a_hostile_watchlists_file_is_named_never_raised(prepared, tmp_path):
    """A file too big, not UTF-8, with another header, or holding names and links that break every rule: each is
    a problem with its line, column, value and what was expected; the good lines are used."""
    opts = prepared.options
    data = tmp_path / "hostile"
    data.mkdir()
    path = data / watchlists.FILE
    cases = {
        b"name,link,last_digest\nok,,\n" + b"x" * (watchlists.MAX_BYTES + 1): ("(file)", "at most 262,144 bytes"),
        b"name,link,last_digest\nW\xe9,,\n": ("(file)", "text in UTF-8"),
        b"nom,lien\nW,,\n": ("(header)", "name,link,last_digest"),
    }
    for content, (column, expected) in cases.items():
        path.write_bytes(content)
        found = watchlists.read(data, opts)
        assert found.watches == [] and [(p.column, p.expected) for p in found.problems] == [(column, expected)]
    long_name, long_link = "N" * (watchlists.MAX_NAME + 1), "actor=" + "W" * watchlists.MAX_LINK
    many = "&".join(["type=Battles"] * (watchlists.MAX_FIELDS + 1))
    path.write_text(
        f'last_digest,name,link\n2021-03-01,Good,actor=Wagner+Group\n,{long_name},\n,"tab\there",\n'
        f',Long link,{long_link}\n,Many,{many}\n,@sum,\n\n,Open,"type=Battles\n',
        encoding="utf-8",
    )
    found = watchlists.read(data, opts)
    assert [(w.name, w.last_digest) for w in found.watches] == [("Good", dt.date(2021, 3, 1))]
    assert [(p.line, p.column) for p in found.problems] == [(3, "name"), (4, "name"), (5, "link"), (6, "link"),
                                                            (7, "name"), (9, "(row)")]  # fmt: skip
    assert not found.readable  # a record it could not read whole: never rewritten
    assert watchlists.mark(data, ["Good"], dt.date(2021, 3, 9), opts) == []


def test_saving_checks_every_row_and_writes_whole(prepared, tmp_path):
    """The editor's table: a bad row refuses the whole save (nothing written); good rows are written atomically,
    the file read back the same."""
    opts = prepared.options
    data = tmp_path / "d"
    data.mkdir()
    write_atomic(data / watchlists.FILE, b"name,link,last_digest\nOld,,\n")
    bad = [{"name": "A", "link": "actor=Wagner+Group", "last_digest": ""}, {"name": "B", "link": "actor=Nobody"}]
    problems = watchlists.save(data, bad, opts)
    assert [(p.line, p.column) for p in problems] == [(3, "link")]
    assert (data / watchlists.FILE).read_bytes() == b"name,link,last_digest\nOld,,\n"
    good = [{"name": "A, with a comma", "link": "actor=Wagner+Group", "last_digest": "2021-03-08"}, {"name": ""}]
    assert watchlists.save(data, good, opts) == []
    assert (data / watchlists.FILE).read_text(encoding="utf-8") == (
        'name,link,last_digest\n"A, with a comma",actor=Wagner+Group,2021-03-08\n'
    )
    assert [w.name for w in watchlists.read(data, opts).watches] == ["A, with a comma"]


def test_the_html_digest_escapes_what_it_quotes_and_asks_no_other_host(run, root, prepared):
    """A watchlist's name written as HTML is shown as text; the only image is the map, inline."""
    (root / "data" / watchlists.FILE).write_text(WATCHLISTS, encoding="utf-8")
    page = digest.render_bytes(prepared, digest.build(prepared, SINCE), ".html").decode("utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img src=x" not in page
    assert re.findall(r"<img [^>]*src=\"([^\"]{0,22})", page) == ["data:image/png;base64,"] * 4  # a map a view
    assert not re.search(r"(src|href)=\"(https?:|//)", page)
    assert "“Turkish forces withdrew from a base south of Tripoli yesterday”" in page


@pytest.mark.skipif(find_chromium() is None, reason="Chromium not found: the PDF is printed by it")
def test_the_pdf_digest_opens_with_its_words(run, prepared, tmp_path):
    """The PDF is the HTML printed by headless Chromium: it opens, and says what changed."""
    from pypdf import PdfReader

    (tmp_path / "d.pdf").write_bytes(digest.render_bytes(prepared, digest.build(prepared, SINCE), ".pdf"))
    words = " ".join(page.extract_text() for page in PdfReader(tmp_path / "d.pdf").pages)
    assert "What changed" in words and "LBY96109" in words


def test_the_commands_errors_are_one_line(run, tmp_path):
    """A wrong extension, a missing folder, --since after --as-of, an unknown watchlist, no day to start from: one
    line and exit 1; a date that is no date: exit 2, as every usage error."""
    out = str(tmp_path / "d.json")
    for args, said in (
        (["--since", "2021-03-08", "--out", str(tmp_path / "d.txt")], "the extension must be one of"),
        (["--since", "2021-03-08", "--out", str(tmp_path / "no" / "d.json")], "does not exist"),
        (["--since", "2021-03-09", "--as-of", "2021-03-08", "--out", out], "is after --as-of"),
        (["--since", "2021-03-08", "--watch", "Nobody", "--out", out], "no watchlist named 'Nobody'"),
        (["--out", out], "the digest of everything: give --since YYYY-MM-DD"),
    ):
        code, _, err = run(*args)
        assert code == 1 and said in err and len(err.strip().splitlines()) == 1, (args, err)
    assert run("--since", "2021-02-30", "--out", out)[0] == 2


def test_the_digest_page_shows_the_same_changes(root, monkeypatch):
    """`?view=digest`'s render function: the view's words and lines, for a viewer (no editor's buttons)."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("CONFLICT_MONITOR_DATA", str(root / "data"))
    monkeypatch.setenv("CONFLICT_MONITOR_SEEDS", str(root / "seeds"))
    monkeypatch.setenv("CONFLICT_MONITOR_STORE", str(root / "store"))
    (root / "data" / watchlists.FILE).write_text(WATCHLISTS, encoding="utf-8")
    script = """
import datetime as dt
from components.access import Access
from components.filter_types import Filters
from components.pages import cache, digest_view
store = cache.store()
prepared = cache.prepared(store, store.key)
digest_view.render_digest(prepared, Filters(since=dt.date(2021, 3, 8)), Access(False, "", "Read-only."), back="")
"""
    at = AppTest.from_string(script, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    shown = " ".join(h.proto.body for h in at.get("html"))
    assert "6 new events · 3 revised · 1 deleted" in shown and "Turkish armed forces: reported withdrawn" in shown
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown and "Wagner Group: latest place Sirte → Brega" in shown
    assert not at.button and "Unknown filter" in shown  # the file's rows, read-only; its problems listed
