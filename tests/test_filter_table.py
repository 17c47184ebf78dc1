"""The filter table (components/filters.py FILTERS): each filter declared once, and everything derived from it; a
toy filter added to the table alone shows up in links, the command line, the header, file names and the SQL."""

import dataclasses
import datetime as dt
import re

import pandas as pd
import pytest
from builders import kept_ids, tiny_store

from components import cli, exports, filter_types, filters, snapshot
from components.filter_types import Filters, Refusal
from components.filters import Filter
from components.pages import briefing_view
from components.schema import Model

AS_OF = pd.Timestamp("2021-03-02")


@pytest.fixture
def data(tmp_path):
    """The tiny dataset's store, prepared (options, names, registry)."""
    return snapshot.prepare(tiny_store(tmp_path))


ID = re.compile(r"T\d+")  # the toy filter's ids: anything else is refused


def _read_ids(f, values, opts, chosen):
    """The toy filter's reader: ids that look like ids."""
    good = tuple(v for v in dict.fromkeys(values) if ID.fullmatch(v))
    refused = [f.refuse(v, "expected an event id such as T1") for v in values if not ID.fullmatch(v)]
    return dataclasses.replace(chosen, event_ids=good), refused


def _ids_clause(f, chosen, scope, bind):
    """The toy filter's SQL: one of the ids, as a parameter."""
    values = chosen.event_ids
    return f"list_contains({bind('event_ids', list(values))}::VARCHAR[], {Model.event_id})" if values else None


@pytest.fixture
def with_ids(monkeypatch):
    """The table with one more entry, and Filters with its field: all that adding a filter takes."""

    @dataclasses.dataclass(frozen=True)
    class WithIds(Filters):
        event_ids: tuple[str, ...] = ()

    toy = Filter("event_ids", "event_id", "Event", "event id", "--event-id", "an event's id; repeat for several",
                 True, read=_read_ids, clause=_ids_clause,
                 slug=lambda f, chosen: [f"id-{v}" for v in chosen.event_ids])  # fmt: skip
    monkeypatch.setattr(filters, "Filters", WithIds)
    monkeypatch.setattr(filters, "FILTERS", [*filters.FILTERS, toy])
    return WithIds


def test_a_filter_added_to_the_table_is_in_links_both_ways(data, with_ids):
    """Written to the link, read back the same; a value it refuses is a notice naming it."""
    chosen = with_ids(actors=("Ruritania",), event_ids=("T1", "T2"))
    query = filters.to_query(chosen)
    assert query == {"actor": ["Ruritania"], "event_id": ["T1", "T2"]}
    assert filters.from_query(query, data.options) == (chosen, [])
    back, notices = filters.from_query({"event_id": ["T3", "drop table"]}, data.options)
    assert back == with_ids(event_ids=("T3",))
    assert notices == ["Ignored event_id='drop table' from the link: expected an event id such as T1."]


def test_a_filter_added_to_the_table_is_on_the_command_line(data, with_ids, capsys):
    """--help lists it; its flag is parsed into the filters, and refused values stop in the command's words."""
    with pytest.raises(SystemExit):
        cli.parse(["briefing", "--help"])
    assert "--event-id" in capsys.readouterr().out
    args = cli.parse(["briefing", "--event-id", "T1", "--event-id", "T4", "--place", "Alpha", "--out", "x.csv"])
    assert filters.from_arguments(args, data.options) == (with_ids(places=("Alpha",), event_ids=("T1", "T4")), [])
    bad = cli.parse(["briefing", "--event-id", "nope", "--out", "x.csv"])
    [refused] = filters.from_arguments(bad, data.options)[1]
    assert refused.cli == "unknown event_id='nope': expected an event id such as T1."
    line = briefing_view.command(with_ids(event_ids=("T4",)), "e.csv")
    assert line == "conflict-monitor briefing --event-id T4 --out e.csv"


def test_a_filter_added_to_the_table_is_in_the_words_and_file_names(data, with_ids):
    """The header's words, the empty notice and export file names name it."""
    chosen = with_ids(types=("presence",), event_ids=("T1",))
    assert filters.describe(chosen, data.options) == "Type: presence · Event: T1"
    assert filters.widen(chosen) == "No events match the filters. Widen event type (presence); event id (T1)."
    assert exports.file_name("events", AS_OF, chosen, "csv") == "libya-events-2021-03-02-type-presence-id-t1.csv"


def test_a_filter_added_to_the_table_narrows_the_events(data, with_ids):
    """Its clause joins the others, its values as parameters."""
    assert kept_ids(data, with_ids(event_ids=("T1", "T3"))) == ["T1", "T3"]
    assert kept_ids(data, with_ids(actors=("Ruritania",), event_ids=("T1", "T4"))) == ["T1"]


@pytest.mark.parametrize(
    "chosen",
    [
        Filters(),
        Filters(actors=("Ruritania",)),
        Filters(actors=("Borduria", "Syldavia")),
        Filters(places=("Alpha", "Gamma"), radius_km=50),
        Filters(places=("Alpha",), radius_km=800),
        Filters(types=("presence",), start=dt.date(2021, 3, 1), end=dt.date(2021, 3, 2)),
        Filters(countries=("Tunisia",)),
        Filters(datasets=("article",), countries=()),
    ],
)
def test_every_value_of_a_condition_is_a_named_parameter(data, chosen):
    """No value is written into the SQL: each is a `$f_...` parameter, and each parameter is used in the text."""
    where = filters.where(chosen, data.options, data.registry, data.names)
    assert "?" not in where.sql and where.params
    assert all(name.startswith("f_") and f"${name}" in where.sql for name in where.params)
    for value in (v for values in (chosen.actors, chosen.places, chosen.types) for v in values):
        assert value not in where.sql
    assert kept_ids(data, chosen) == sorted(set(kept_ids(data, chosen)))  # runs, and keeps each event once


def test_a_radius_binds_each_place_under_its_own_names(data):
    """Two places with a radius: every corner and centre a value of its own, none overwritten by the next place."""
    where = filters.where(Filters(places=("Alpha", "Gamma"), radius_km=50), data.options, data.registry, data.names)
    assert where.costly and len(where.params) == 1 + 2 * 6 + 1  # places, 2 x (a box's 4 edges, its points), countries
    assert kept_ids(data, Filters(places=("Alpha", "Gamma"), radius_km=50)) == ["T1", "T2", "T4"]


def test_the_command_line_flags_of_filters_read_back_as_the_same_filters(data):
    """briefing_view's command line for a view, parsed by the CLI, chooses that view's filters."""
    chosen = Filters(actors=("Ruritania",), places=("Alpha",), radius_km=25, start=dt.date(2021, 2, 1),
                     end=dt.date(2021, 3, 1), countries=(), datasets=("article",), extent="all")  # fmt: skip
    line = briefing_view.command(chosen, "e.csv").split()
    assert line[:2] == ["conflict-monitor", "briefing"]
    args = cli.parse(line[1:])
    assert filters.from_arguments(args, data.options) == (chosen, [])
    assert (
        "--country all" in " ".join(line) and "--timeline all" in " ".join(line) and "--radius-km 25" in " ".join(line)
    )


@pytest.mark.parametrize(
    ("argv", "cli_words"),
    [
        (["--actor", "Nobody"], "unknown actor='Nobody': no such actor in the data."),
        (["--from", "2021-03-01", "--to", "2021-02-01"], "--from 2021-03-01 is after --to 2021-02-01."),
        (["--radius-km", "5"], "unknown radius_km='5': a distance needs a place to measure from."),
    ],
)
def test_refusals_are_worded_for_the_command_line_by_the_table(data, argv, cli_words):
    """The command's error is the entry's own wording, with nothing of the page's 'from the link'."""
    args = cli.parse(["briefing", *argv, "--out", "x.csv"])
    chosen, refused = filters.from_arguments(args, data.options)
    assert [r.cli for r in refused] == [cli_words]
    assert all(isinstance(r, Refusal) and "from the link" in r.link for r in refused)
    assert chosen.start is None and chosen.end is None and chosen.actors == ()


def test_a_query_parameter_named_like_a_filter_parameter_is_refused():
    """The forces query adds $wanted and $deadline: a filter of that name would silently change what it counts."""
    where = filter_types.Where("list_contains($wanted, location)", {"wanted": ["x"]})
    with pytest.raises(ValueError, match="wanted"):
        where.bind(wanted=[], deadline=None)
    assert filter_types.Where("true", {"f_places": ["Alpha"]}).bind(wanted=[]) == {"f_places": ["Alpha"], "wanted": []}


def test_every_clause_says_which_columns_it_reads():
    """Each entry that writes SQL names the events' columns its clause reads (the views' summaries serve a condition
    only on columns they keep); only the as-of entry reads the versions' history, and says nothing."""
    writing = [f for f in filters.FILTERS if f.clause is not filter_types.nothing]
    assert {f.field for f in writing if f.reads is None} == {"as_of"}
    assert all(set(f.reads) <= set(Model.names()) for f in writing if f.reads is not None)
    assert len(writing) >= 7
