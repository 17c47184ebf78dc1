"""What changed since a day (issue 17, components/queries/changes.py and components/charts/changes.py), on the
monitor's fixtures (tests/fixtures/monitor/README.md lists what each file holds and what must come out), in both
ways of counting; the events as known on a day; and the weekly counts and force changes on crafted cases."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from builders import TEXT, store_of, write_dataset
from monitor import BEFORE_SECOND, SINCE, WEEK_1, lay_out, monitor_store

from components import filters, snapshot
from components.charts import changes as words
from components.filter_types import HAPPENED, REPORTED, Filters, Params, Where
from components.queries import changes, history

# What the fixtures must give, since 8 March 2021 (the README's tables).
NEW = {
    REPORTED: {"LBY96108", "LBY96109", "LBY96110", "LBY96111", "900203", "LBY-A900-0001"},
    HAPPENED: {"LBY96108", "LBY96109", "LBY96111"},
}
CLASH = "On 1 March 2021, GNA forces clashed with LNA forces and Wagner Group fighters west of Sirte (Surt)."
PROTEST = "On 2 March 2021, residents protested against power cuts in {}."
REVISED = {
    "LBY96103": {"fatalities": [1, 4], "evidence": [
        f"{CLASH} 1 fatality reported.", f"{CLASH} 4 fatalities reported, including 2 Wagner Group fighters."]},
    "LBY96104": {"admin2": ["Tripoli", "Tajura wa an Nawahi al Arba"], "location": ["Tripoli", "Tajura"],
                 "latitude": [32.8872, 32.8817], "longitude": [13.1913, 13.3506], "evidence": [
                     PROTEST.format("Tripoli (Tripoli)"), PROTEST.format("Tajura (Tajura wa an Nawahi al Arba)")]},
    "900201": {"fatalities": [2, 3], "fatalities_low": [2, 3], "fatalities_high": [2, 3]},
}  # fmt: skip
DELETED = {"LBY96105"}
FORCES = {
    REPORTED: {("Turkish armed forces", "withdrawn", None, "present", "withdrawn"),
               ("Wagner Group", "first in admin1", "Al Wahat", None, "Al Wahat"),
               ("Wagner Group", "moved", "Brega", "Sirte", "Brega")},
    HAPPENED: {("Wagner Group", "first in admin1", "Al Wahat", None, "Al Wahat"),
               ("Wagner Group", "moved", "Brega", "Sirte", "Brega")},
}  # fmt: skip
ACTORS = {
    REPORTED: {"Unidentified Armed Group (Libya)", "Civilians (Libya)", "Labour Group (Libya)"},
    HAPPENED: {"Labour Group (Libya)"},
}


@pytest.fixture(scope="module")
def fortnight(tmp_path_factory) -> snapshot.Prepared:
    """The store after both weeks' files, prepared (the filter options, the curated actors)."""
    return snapshot.prepare(monitor_store(tmp_path_factory.mktemp("fortnight")))


def view(prepared: snapshot.Prepared, chosen: Filters | None = None) -> Where:
    """A view's condition as `changes` takes it (everything by default)."""
    return changes.view_where(chosen or Filters(), prepared.options, prepared.registry, prepared.names)


def ids(frame: pd.DataFrame) -> set[str]:
    """The event ids of a section's lines."""
    return set(frame["event_id"])


def none(value: object) -> object:
    """NaN as None, for comparing lines."""
    return None if pd.isna(value) else value


@pytest.mark.parametrize("mode", [REPORTED, HAPPENED])
def test_the_fixtures_give_exactly_their_changes_in_both_ways_of_counting(fortnight, mode):
    """New, revised, deleted events, the forces' changes and the new actors are exactly the README's."""
    found = changes.changes(fortnight.store, view(fortnight), SINCE, mode)
    assert ids(found.new) == NEW[mode] and found.new_total == len(NEW[mode])
    assert {r.event_id: r.changes for r in found.revised.itertuples()} == REVISED
    assert ids(found.deleted) == DELETED and found.deleted_total == 1
    assert set(found.deleted["day"].map(pd.Timestamp)) == {pd.Timestamp("2021-03-12")}
    lines = {(r.force, r.change, none(r.place), none(r.before), r.after) for r in found.forces.itertuples()}
    assert lines == FORCES[mode]
    assert set(found.actors["actor"]) == ACTORS[mode]


def test_each_line_carries_its_evidence_and_the_events_it_counts(fortnight):
    """The panel's lines: the revision's old and new values in words, the deletion with its file and line, each with
    the quote or notes of the event behind it and where it was read, and the ids of the events it counts."""
    lines = words.build_lines(changes.changes(fortnight.store, view(fortnight), SINCE, REPORTED))
    by = {(r.section, r.uids[0] if r.uids else r.what): r for r in lines.itertuples()}
    revised = by["revised", "ACLED:Libya:LBY96103"]
    assert "fatalities: 1 → 4" in revised.what and "acled_week_1.csv line 4" in revised.what
    assert revised.source == "LBY96103 · ACLED (Libya Observer) · sources/acled/acled_week_2.csv line 4"
    deleted = by["deleted", "ACLED:Libya:LBY96105"]
    assert "deleted on 12 Mar 2021 (sources/acled-deletions/acled_deletions.csv line 2)" in deleted.what
    assert deleted.evidence.startswith("ACLED notes: On 3 March 2021, a drone strike")
    withdrawn = by["forces", "article:LBY-A900-0001"]
    assert withdrawn.what == "Turkish armed forces: reported withdrawn on 9 Mar 2021 (reported present before)"
    assert withdrawn.evidence == "“Turkish forces withdrew from a base south of Tripoli yesterday”"
    assert withdrawn.uids == ["article:LBY-A900-0001", "ACLED:Libya:LBY96102"]  # the withdrawal, and the report before
    assert all(lines.loc[lines["section"] != "surges", "evidence"] != "")
    assert words.build_summary(changes.changes(fortnight.store, view(fortnight), SINCE, HAPPENED)) == (
        "3 new events · 3 revised · 1 deleted · 2 changes of foreign forces · 1 new actor · no admin1 flagged"
    )


def test_the_view_filters_every_section_deleted_events_included(fortnight):
    """An actor's view lists only its events; a type filter keeps the deleted drone strike (its last version passes
    the filters though it is not current); a radius is a costly filter, and works the same."""
    wagner = changes.changes(fortnight.store, view(fortnight, Filters(actors=("Wagner Group",))), SINCE, REPORTED)
    assert ids(wagner.new) == {"LBY96108", "LBY96109"} and ids(wagner.revised) == {"LBY96103"}
    assert wagner.deleted.empty and {r.force for r in wagner.forces.itertuples()} == {"Wagner Group"}
    strikes = Filters(types=("Explosions/Remote violence",))
    assert ids(changes.changes(fortnight.store, view(fortnight, strikes), SINCE, REPORTED).deleted) == DELETED
    near = changes.changes(fortnight.store, view(fortnight, Filters(places=("Tripoli",), radius_km=30)), SINCE,
                           REPORTED)  # fmt: skip
    assert ids(near.new) == {"LBY96111", "LBY-A900-0001"} and ids(near.revised) == {"LBY96104"}
    with pytest.raises(ValueError, match="current"):
        changes.changes(fortnight.store, Where("dataset = 'ACLED'"), SINCE, REPORTED)


def test_an_event_deleted_twice_at_one_time_cites_one_deletion_whole(tmp_path):
    """A second deletions file deleting the drone strike at the same time: its line says one file and that file's own
    line (the file last in order), never one file's name with the other's line."""
    data, seeds = lay_out(tmp_path)
    folder = data / "sources" / "acled-deletions"
    again = "event_id_cnty,deleted_timestamp\nLBY96199,1615507200\nLBY96188,1615507200\nLBY96105,1615507200\n"
    (folder / "acled_deletions_again.csv").write_text(again, encoding="utf-8")
    sidecar = {"format": "acled-deletions", "imported_at": "2021-03-15T09:06:00+00:00", "original": "a repeated pull"}
    (folder / "acled_deletions_again.csv.meta.json").write_text(json.dumps(sidecar), encoding="utf-8")
    prepared = snapshot.prepare(store_of(data, seeds, tmp_path))
    [line] = changes.changes(prepared.store, view(prepared), SINCE, REPORTED).deleted.itertuples()
    cited = (line.event_id, line.deletion_file.rsplit("/", 1)[-1], line.deletion_line)
    assert cited == ("LBY96105", "acled_deletions_again.csv", 4)


def test_a_short_list_keeps_its_totals(fortnight):
    """At most `limit` lines a list, and events a line; the totals count every one."""
    found = changes.changes(fortnight.store, view(fortnight), SINCE, REPORTED, limit=2)
    assert (len(found.new), found.new_total, len(found.revised), found.revised_total) == (2, 6, 2, 3)
    assert list(found.new["event_id"]) == ["LBY96111", "900203"]  # the newest first


def test_as_of_before_the_second_snapshot_the_first_snapshots_values(fortnight, tmp_path):
    """As of 7 March (nothing of the second week known), every event has the values it had in a store of the first
    week's files alone: 1 death at Sirte, the protest in Tripoli, the drone strike not deleted, no later event."""
    first = monitor_store(tmp_path, WEEK_1)
    said = "uid, version, start_date, location, admin2, latitude, fatalities, evidence"
    kb = changes.known_by_where(BEFORE_SECOND)
    then = fortnight.store.rows(f"SELECT {said} FROM events WHERE {kb} AND dataset <> 'article' ORDER BY uid",
                                kb.params)  # fmt: skip
    before = first.rows(f"SELECT {said} FROM events WHERE current AND dataset <> 'article' ORDER BY uid")
    assert then == before and len(then) == 9
    assert ("ACLED:Libya:LBY96103", 1) in {(r[0], r[6]) for r in then}
    found = changes.changes(fortnight.store, view(fortnight), dt.date(2021, 3, 1), REPORTED, until=BEFORE_SECOND)
    assert ids(found.new) == {
        "LBY96101",
        "LBY96102",
        "LBY96103",
        "LBY96104",
        "LBY96105",
        "LBY96106",
        "LBY96107",
        "900201",
        "900202",
    }  # fmt: skip (the article's accepted event was decided on 9 March)
    assert found.revised.empty and found.deleted.empty


# The rule of the views as of a day, written the plain way (every event's versions ranked, deletions joined): what
# queries/history.known_by computes faster by ranking only the events that have versions besides their current one.
REFERENCE = """rowid IN (
    SELECT arg_max(k.rid, (k.version, k.seq, k.line)) FROM (
        SELECT rowid AS rid, uid, version, seq, line, dataset, event_id FROM events
        WHERE known <= $day AND start_date <= $day) k
    LEFT JOIN (SELECT dataset, event_id, max(deleted) AS gone FROM deletions
               WHERE make_timestamp(deleted * 1000000)::DATE <= $day GROUP BY ALL) d USING (dataset, event_id)
    GROUP BY k.uid HAVING coalesce(max(d.gone) < max(k.version), true))"""


def test_known_by_is_the_rule_of_the_views(fortnight):
    """history.known_by picks the same version of every event as the rule written the plain way, on every day
    around the fixtures' (revisions, a deletion, a Candidate revision, a later accept)."""
    for day in pd.date_range("2021-02-27", "2021-03-16").date:
        ours = Params()
        a = fortnight.store.rows(f"SELECT uid, source_file, line FROM events WHERE {REFERENCE} ORDER BY ALL",
                                 {"day": day})  # fmt: skip
        b = fortnight.store.rows(f"SELECT uid, source_file, line FROM events WHERE {history.known_by(day, ours)} "
                                 "ORDER BY ALL", ours.values)  # fmt: skip
        assert a == b, day


def test_as_of_after_the_deletion_and_the_link_to_a_deleted_event(fortnight):
    """As of the 11th the strike is shown and its deletion (the 12th) is not yet a change; as of the 12th it is. The
    condition `counted` gives the events a line counts, a deleted one by its last version."""
    where = view(fortnight)
    assert changes.changes(fortnight.store, where, SINCE, REPORTED, until=dt.date(2021, 3, 11)).deleted.empty
    assert ids(changes.changes(fortnight.store, where, SINCE, REPORTED, until=dt.date(2021, 3, 12)).deleted) == DELETED
    link = changes.counted(["ACLED:Libya:LBY96105", "ACLED:Libya:LBY96103"])
    rows = fortnight.store.rows(f"SELECT event_id, fatalities FROM events WHERE {link} ORDER BY 1", link.params)
    assert rows == [("LBY96103", 4), ("LBY96105", 0)]


@pytest.mark.parametrize("mode", [REPORTED, HAPPENED])
def test_the_new_events_condition_is_the_lists(fortnight, mode):
    """new_where (the map of new events, a link to them) keeps exactly the events the list counts."""
    where = changes.new_where(view(fortnight), SINCE, mode)
    assert {r[0] for r in fortnight.store.rows(f"SELECT event_id FROM events WHERE {where}", where.params)} == NEW[mode]


WEEK_END = dt.date(2021, 6, 27)  # a Sunday: the week counted is 21 to 27 June


def crafted_counts(root: Path) -> str:
    """An ACLED file of crafted weekly counts per admin1, for the 8 weeks before the week to WEEK_END and that week."""
    from components.formats.acled import CURRENT

    rows = []
    plan = {  # admin1: (events a week before, events this week)
        "Surge": (1, 6), "Steady": (2, 2), "Fresh": (0, 7), "Few": (1, 3), "Down": (4, 3), "Dip": (5, 4),
    }  # fmt: skip
    n = 0
    for admin1, (before, now) in plan.items():
        for week in range(9):
            count = now if week == 0 else before
            for i in range(count):
                n += 1
                day = WEEK_END - dt.timedelta(days=7 * week + i % 7)
                rows.append({"event_id_cnty": f"LBY96{200 + n}", "event_date": day.isoformat(), "admin1": admin1,
                             "time_precision": "1"})  # fmt: skip
    rows.append({"event_id_cnty": "LBY96400", "event_date": "2021-06-15", "admin1": "Month", "time_precision": "3"})
    lines = [",".join(CURRENT)]
    for r in rows:
        cells = {
            **dict.fromkeys(CURRENT, ""),
            "year": "2021",
            "disorder_type": "Political violence",
            "event_type": "Battles",
            "sub_event_type": "Armed clash",
            "actor1": "Wagner Group",
            "iso": "434",
            "region": "Northern Africa",
            "country": "Libya",
            "location": r["admin1"] + " town",
            "latitude": "31.2",
            "longitude": "16.5",
            "geo_precision": "1",
            "source": "Crafted",
            "source_scale": "National",
            "notes": "Crafted.",
            "fatalities": "0",
            "timestamp": "1624700000",
            **r,
        }  # known on 26 June, by the week's end
        lines.append(",".join(cells[c] for c in CURRENT))
    return "\n".join(lines) + "\n"


def test_weekly_counts_against_their_baseline_in_acleds_bands(tmp_path):
    """The week to 27 June against the 4 and 52 weeks before (the data starts on 1 February: the 52-week average is
    over the 20 whole weeks it covers): +500% with 6 events is flagged; 0 → 7 has no baseline and is not; +200% with
    3 events is too few; −25% and −20% fall in their bands; a month-precision event counts in no week."""
    data, seeds = write_dataset(tmp_path)
    store = store_of(data, seeds, tmp_path)
    (tmp_path / "counts.csv").write_text(crafted_counts(tmp_path), encoding="utf-8")
    store.import_file(tmp_path / "counts.csv")
    prepared = snapshot.prepare(store)
    where = view(prepared, Filters(countries=()))
    with store.session() as db:
        end, surges = changes.surge_counts(changes.Ask(db, where, SINCE, HAPPENED, WEEK_END))
    assert end == WEEK_END
    got = {r.admin1: (r.week, r.avg4, r.band4, r.flagged) for r in surges.itertuples()}
    assert got["Surge"] == (6, 1.0, "≥ +25%", True)
    assert got["Steady"] == (2, 2.0, "±10%", False)
    assert got["Fresh"] == (7, 0.0, "no baseline", False)
    assert got["Few"] == (3, 1.0, "≥ +25%", False)
    assert got["Down"][2] == "≤ −25%" and got["Dip"][2] == "−25 to −10%"
    assert "Month" not in got
    assert list(surges["admin1"])[0] == "Surge"  # flagged first
    surge = surges[surges["admin1"] == "Surge"].iloc[0]
    assert surge["avg52"] == 8 / 20 and len(surge["events"]) == 6
    assert (
        words.surge_lines(
            changes.ChangesData(
                SINCE, WEEK_END, HAPPENED, end, *[pd.DataFrame(), 0] * 3, pd.DataFrame(), pd.DataFrame(), surges
            )
        )["flagged"].sum()
        == 1
    )


def test_bands_at_their_edges():
    """ACLED's bands: ≤ −25%, −25 to −10%, ±10%, +10 to +25%, ≥ +25%; no baseline for none."""
    said = changes.band(pd.Series([-100, -25, -24.9, -10, -9.9, 0, 9.9, 10, 24.9, 25, 300, float("nan")]))
    assert list(said) == ["≤ −25%", "≤ −25%", "−25 to −10%", "−25 to −10%", "±10%", "±10%", "±10%", "+10 to +25%",
                          "+10 to +25%", "≥ +25%", "≥ +25%", "no baseline"]  # fmt: skip


RURITANIA = TEXT + (
    "Ruritanian troops are based near Alpha since 1 March.\n"
    "Ruritanian troops left Alpha on 5 March.\n"
    "Ruritanian troops returned to Beta on 10 March.\n"
)


def test_a_force_back_after_a_withdrawal_and_its_new_place(tmp_path):
    """Counted by when they happened, since 8 March: the force withdrawn on the 5th is present again at Beta on the
    10th: back (after a withdrawal), a first report at Beta, and its latest place Alpha → Beta."""
    events = [
        {"event_id_cnty": "R1", "event_date": "2021-03-01", "actor1": "Ruritanian armed forces", "location": "Alpha",
         "geo_precision": "2", "quote": "Ruritanian troops are based near Alpha", "event_kind": "presence"},
        {"event_id_cnty": "R2", "event_date": "2021-03-05", "actor1": "Ruritanian armed forces", "location": "Alpha",
         "geo_precision": "1", "quote": "Ruritanian troops left Alpha on 5 March", "event_kind": "withdrawal"},
        {"event_id_cnty": "R3", "event_date": "2021-03-10", "actor1": "Ruritanian armed forces", "location": "Beta",
         "geo_precision": "1", "quote": "Ruritanian troops returned to Beta on 10 March", "event_kind": "presence"},
    ]  # fmt: skip
    store = store_of(*write_dataset(tmp_path, events=events, text=RURITANIA), tmp_path)
    prepared = snapshot.prepare(store)
    assert not prepared.curated.problems
    found = changes.changes(store, view(prepared), SINCE, HAPPENED)
    lines = {(r.force, r.change, none(r.before), r.after, r.event_id) for r in found.forces.itertuples()}
    assert lines == {
        ("Ruritanian armed forces", "first at place", None, "Beta", "R3"),
        ("Ruritanian armed forces", "moved", "Alpha", "Beta", "R3"),
        ("Ruritanian armed forces", "back", "withdrawn", "present", "R3"),
    }
    said = set(words.force_lines(found)["what"])
    assert "Ruritanian armed forces: reported present again on 10 Mar 2021, after a withdrawal" in said
    assert filters.where(Filters(), prepared.options, prepared.registry, prepared.names).sql.startswith("current")
