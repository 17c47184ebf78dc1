"""Every event knows when it arrived (issue 17): each version's entry into the store and its source's report day, and
ACLED's deletions, which take an event out of the views and keep it, with its deletion, in the history."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from builders import shipped, store_of, write_dataset

from components.sidecars import read_sidecar

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIRST, REVISED = 1592524800, 1593129600  # acled_revision_1/_2's timestamps for LBY90801 (19 and 26 June 2020)
UID = "ACLED:Libya:LBY90801"


def deletions(path: Path, rows: list[tuple[str, str]]) -> Path:
    """An ACLED deletions list as its API gives it: event_id_cnty, deleted_timestamp."""
    path.write_text("event_id_cnty,deleted_timestamp\n" + "".join(f"{a},{b}\n" for a, b in rows), encoding="utf-8")
    return path


def versions(store, uid: str) -> list[tuple]:
    """(version, current, arrived, known) of every stored version of an event, oldest first."""
    return store.rows("SELECT version, current, arrived, known FROM events WHERE uid = $uid ORDER BY version, seq",
                      {"uid": uid})  # fmt: skip


@pytest.fixture
def store(tmp_path):
    """A store of the tiny dataset with ACLED's first download imported."""
    made = store_of(*write_dataset(tmp_path), tmp_path)
    made.import_file(FIXTURES / "acled_revision_1.csv")
    return made


def test_each_version_knows_when_it_entered_and_when_its_source_reported_it(store):
    """An ACLED version: entered when its file was imported (the sidecar's time), reported on its timestamp's day."""
    store.import_file(FIXTURES / "acled_revision_2.csv")
    (first, shown_1, arrived_1, known_1), (later, shown_2, arrived_2, known_2) = versions(store, UID)
    assert (first, later) == (FIRST, REVISED) and (shown_1, shown_2) == (False, True)
    assert known_1 == dt.date(2020, 6, 19) and known_2 == dt.date(2020, 6, 26)
    sidecar = read_sidecar(next((store.data / "sources" / "acled").glob("acled_revision_2.csv")))
    assert arrived_2 == dt.datetime.fromisoformat(sidecar["imported_at"]).replace(tzinfo=None)
    assert arrived_1 <= arrived_2


def test_a_deletion_takes_the_event_out_of_the_views_and_keeps_its_history(store, tmp_path):
    """LBY90801 deleted after its first version: not shown, its rows kept; an id the store lacks is counted;
    the import line says both; a later version (ACLED publishing it again) shows again."""
    result = store.import_file(deletions(tmp_path / "deleted.csv", [("LBY90801", str(FIRST + 3600)),
                                                                    ("LBY99999", str(FIRST))]))  # fmt: skip
    assert (result.deletions, result.removed, result.unknown, result.problem_rows) == (2, 1, 1, 0)
    assert "2 deletions (1 events removed from the views, kept in their history; 1 not in the store)" in result.line()
    assert [(v, shown) for v, shown, *_ in versions(store, UID)] == [(FIRST, False)]
    assert store.value("SELECT count(*) FROM events WHERE current AND event_id = 'LBY90802'") == 1  # others stay
    kept = store.rows("SELECT event_id, deleted, source_file FROM deletions ORDER BY event_id")
    assert kept == [("LBY90801", FIRST + 3600, "sources/acled-deletions/deleted.csv"),
                    ("LBY99999", FIRST, "sources/acled-deletions/deleted.csv")]  # fmt: skip
    store.import_file(FIXTURES / "acled_revision_2.csv")  # a later timestamp: published again
    assert [(v, shown) for v, shown, *_ in versions(store, UID)] == [(FIRST, False), (REVISED, True)]


def test_removing_a_deletions_file_shows_its_events_again(store, tmp_path):
    """The files are the truth: the deletions file gone, the event is shown as before."""
    store.import_file(deletions(tmp_path / "deleted.csv", [("LBY90801", str(FIRST))]))
    assert store.value(f"SELECT count(*) FROM events WHERE current AND uid = '{UID}'") == 0
    (store.data / "sources" / "acled-deletions" / "deleted.csv").unlink()
    store.refresh()
    assert store.value(f"SELECT count(*) FROM events WHERE current AND uid = '{UID}'") == 1


def test_a_bad_deletion_row_is_a_listed_problem(store, tmp_path):
    """A timestamp that is not one, an empty id: problems with line, column, value and what was expected; the
    good row still deletes."""
    result = store.import_file(deletions(tmp_path / "bad.csv", [("LBY90801", "yesterday"), ("", "1592524800"),
                                                                ("LBY90802", str(FIRST))]))  # fmt: skip
    assert (result.rows_read, result.deletions, result.problem_rows) == (3, 1, 2)
    found = {(p.line, p.column, p.value) for p in result.problems}
    assert found == {(2, "deleted_timestamp", "yesterday"), (3, "event_id_cnty", "")}
    assert store.value("SELECT count(*) FROM events WHERE current AND event_id = 'LBY90802'") == 0


def test_an_accepted_article_event_entered_when_the_analyst_decided(tmp_path):
    """An article event accepted on the data page entered the store at its decision (data/reviews.csv); the
    hand-coded ones came with the project (no time)."""
    data, seeds = shipped(tmp_path)
    (data / "reviews.csv").write_text(
        "article,offset,quote,location,decision,event_id,decided\n"
        "000_a73a2923047b2e61.txt,10,quote,,accepted,LBY-MEMO-0011,2026-11-30T09:00:00+00:00\n",
        encoding="utf-8",
    )
    store = store_of(data, seeds, tmp_path)
    arrived = dict(store.rows("SELECT event_id, arrived FROM events WHERE dataset = 'article'"))
    assert arrived["LBY-MEMO-0011"] == dt.datetime(2026, 11, 30, 9, 0)
    assert arrived["LBY-MEMO-0001"] is None
    known = store.value("SELECT known FROM events WHERE event_id = 'LBY-MEMO-0011'")
    assert known == dt.date(2021, 1, 29)  # the article's publication


def test_as_of_a_day_the_views_show_what_the_sources_had_reported_by_then(tmp_path):
    """LBY90801: as of 20 June 2020 its first version (2 deaths); as of today its revision (5); deleted on 1 July:
    as of 2 July gone, as of 30 June still there. An event first reported later is not shown before."""
    from builders import kept_ids

    from components import snapshot
    from components.filter_types import Filters

    store = store_of(*write_dataset(tmp_path), tmp_path)
    store.import_file(FIXTURES / "acled_revision_1.csv")
    store.import_file(FIXTURES / "acled_revision_2.csv")
    july = int(dt.datetime(2020, 7, 1, 12, tzinfo=dt.timezone.utc).timestamp())
    store.import_file(deletions(tmp_path / "deleted.csv", [("LBY90801", str(july))]))
    prepared = snapshot.prepare(store)

    def deaths(day: dt.date) -> list:
        """LBY90801's fatalities in the view as of a day."""
        where = snapshot.select(prepared, Filters(as_of=day, countries=())).where
        return [r[0] for r in store.rows(f"SELECT fatalities FROM events WHERE {where} AND event_id = 'LBY90801'",
                                         where.params)]  # fmt: skip

    assert deaths(dt.date(2020, 6, 18)) == []  # not reported yet
    assert deaths(dt.date(2020, 6, 20)) == [2]
    assert deaths(dt.date(2020, 6, 30)) == [5]
    assert deaths(dt.date(2020, 7, 2)) == []  # deleted by then
    june = kept_ids(prepared, Filters(as_of=dt.date(2020, 6, 20), countries=()))
    assert "LBY90804" not in june and "LBY90803" in june  # 90804 came with the second download (26 June)
    assert "LBY90804" in kept_ids(prepared, Filters(countries=()))
    view = snapshot.select(prepared, Filters(as_of=dt.date(2020, 6, 20), countries=()))
    assert view.ctx.as_of == "as of 20 Jun 2020"


def test_a_deletions_list_saved_badly_still_ends_every_row_as_a_deletion_or_a_problem(store, tmp_path):
    """A spreadsheet's BOM and CRLF, a line break inside a quoted id, a bad time and a short row: rows read are
    deletions plus problem rows; the file lacking a column is refused naming the deletions format."""
    from components.formats.refusal import UnreadableFile

    saved = tmp_path / "saved.csv"
    saved.write_bytes(b'\xef\xbb\xbfevent_id_cnty,deleted_timestamp\r\n"LBY90801",1592530000\r\n'
                      b'"LBY9\r\n0802",1592530000\r\nLBY90803,notatime\r\nLBY90804\r\n')  # fmt: skip
    result = store.import_file(saved)
    assert (result.rows_read, result.deletions, result.problem_rows) == (4, 2, 2)
    assert {(p.line, p.column) for p in result.problems} == {(5, "deleted_timestamp"), (6, "(row)")}
    assert store.value(f"SELECT count(*) FROM events WHERE current AND uid = '{UID}'") == 0
    lacking = tmp_path / "lacking.csv"
    lacking.write_text("event_id_cnty,when\nLBY90801,1\n", encoding="utf-8")
    with pytest.raises(UnreadableFile, match="ACLED deletions \\(missing deleted_timestamp\\)"):
        store.import_file(lacking)
