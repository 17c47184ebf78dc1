"""One rule book: the curated files (pandas) and the datasets (SQL) apply the same precision spans, country boxes,
ranges and distances, each declared once."""

import csv
import datetime as dt
import re
import warnings
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from geopy.distance import geodesic

from components import cells as cell_checks
from components import corroboration, countries, dates, geo, importer, precision, schema
from components.actors import Registry
from components.formats import acled, base, csvfile, ucdp
from components.formats.detect import detect
from components.schema import LINE, Events

README = Path(__file__).resolve().parent.parent / "README.md"
SIRTE = (31.20892, 16.58866)  # in Libya: under country Sudan it is outside Sudan's box
TRIPOLI = (32.88743, 13.18733)
D = dt.date

# (coded date, time_precision, first day, last day): written out by hand, not computed from the rule.
CASES = [
    (D(2020, 6, 10), 1, D(2020, 6, 10), D(2020, 6, 10)),  # a day is itself
    (D(2020, 2, 29), 1, D(2020, 2, 29), D(2020, 2, 29)),
    (D(2020, 6, 8), 2, D(2020, 6, 5), D(2020, 6, 11)),  # Monday: a week is the 7 days around the coded day
    (D(2020, 6, 10), 2, D(2020, 6, 7), D(2020, 6, 13)),  # Wednesday (the codebook's middle of the week)
    (D(2020, 6, 11), 2, D(2020, 6, 8), D(2020, 6, 14)),  # Thursday (the other middle)
    (D(2020, 6, 13), 2, D(2020, 6, 10), D(2020, 6, 16)),  # Saturday (a weekend)
    (D(2020, 6, 29), 2, D(2020, 6, 26), D(2020, 7, 2)),  # across a month end
    (D(2020, 12, 30), 2, D(2020, 12, 27), D(2021, 1, 2)),  # across a year end
    (D(2021, 1, 1), 2, D(2020, 12, 29), D(2021, 1, 4)),  # and back across it
    (D(2024, 3, 2), 2, D(2024, 2, 28), D(2024, 3, 5)),  # across a leap day
    (D(2020, 6, 10), 3, D(2020, 6, 1), D(2020, 6, 30)),  # a month is its calendar month, whichever day is coded
    (D(2020, 6, 1), 3, D(2020, 6, 1), D(2020, 6, 30)),  # events.csv writes a month on its first day
    (D(2024, 2, 15), 3, D(2024, 2, 1), D(2024, 2, 29)),  # February of a leap year
    (D(2023, 2, 28), 3, D(2023, 2, 1), D(2023, 2, 28)),  # and of a common year
    (D(2020, 12, 31), 3, D(2020, 12, 1), D(2020, 12, 31)),
]
LIBYA_ROW = {
    "event_type": "Battles", "actor1": "Wagner Group", "iso": "434", "region": "Northern Africa",
    "country": "Libya", "location": "Tripoli", "latitude": str(TRIPOLI[0]), "longitude": str(TRIPOLI[1]),
    "geo_precision": "1", "fatalities": "0", "timestamp": "1592236800",
}  # fmt: skip


def acled_file(path: Path, rows: list[dict[str, str]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Write an ACLED export of these rows, then read, check and map it as `import` does: its events and problems."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(acled.CURRENT), lineterminator="\n")
        writer.writeheader()
        writer.writerows({c: row.get(c, "") for c in acled.CURRENT} for row in rows)
    con = duckdb.connect()
    found = detect(path)
    assert found.format is acled.ACLED
    events, problems = found.format.load(con, csvfile.read(con, path, found.names), path.name)
    return con.execute(f"SELECT * FROM {events}").df(), con.execute(f"SELECT * FROM {problems}").df()


@pytest.fixture(scope="module")
def dataset_spans(tmp_path_factory) -> dict[str, tuple[D, D]]:
    """Every case of CASES as an ACLED row, loaded by the dataset pipeline: (start, end) by event id."""
    rows = [
        {**LIBYA_ROW, "event_id_cnty": f"LBY{i}", "event_date": day.isoformat(), "year": str(day.year),
         "time_precision": str(code)}
        for i, (day, code, _, _) in enumerate(CASES)
    ]  # fmt: skip
    events, problems = acled_file(tmp_path_factory.mktemp("acled") / "spans.csv", rows)
    assert problems.empty, problems
    return {e: (s.date(), t.date()) for e, s, t in zip(events["event_id"], events["start_date"], events["end_date"])}


@pytest.mark.parametrize(("i", "case"), list(enumerate(CASES)), ids=[f"{c[0]}-p{c[1]}" for c in CASES])
def test_the_curated_and_the_dataset_path_give_the_same_span(i, case, dataset_spans):
    """A coded date and its precision give one (start, end) whether events.csv or an ACLED file holds it."""
    day, code, first, last = case
    events = pd.DataFrame(
        {Events.event_date: pd.to_datetime([day]), Events.time_precision: pd.array([code], dtype="Int64")}
    )  # as cell_checks.check_cells types events.csv
    curated = (dates.starts(events).iloc[0].date(), dates.ends(events).iloc[0].date())
    assert curated == (first, last)
    assert dataset_spans[f"LBY{i}"] == (first, last)


def test_the_span_rule_is_declared_once_and_both_paths_read_it():
    """The ACLED mapping's SQL is generated from precision.SPANS, and a week is centred on its coded day."""
    assert acled.ACLED.mapping["start_date"] == precision.sql_start("_day", "_tp")
    assert acled.ACLED.mapping["end_date"] == acled.ACLED.mapping["reported"] == precision.sql_end("_day", "_tp")
    week = precision.SPANS[precision.WEEK]
    assert week.unit == "day" and week.first == -week.last  # the codebook's "middle of the period"


def test_an_unknown_precision_code_has_no_span():
    """A code outside the rule is no span (the checks list such a row as a problem), never a guessed one."""
    frame = pd.DataFrame({Events.event_date: pd.to_datetime(["2020-06-10"]), Events.time_precision: [4]})
    assert dates.starts(frame).isna().all() and dates.ends(frame).isna().all()
    day = "DATE '2020-06-10'"
    spans = duckdb.connect().execute(f"SELECT {precision.sql_start(day, '4')}, {precision.sql_end(day, '4')}")
    assert spans.fetchone() == (None, None)


def test_the_readme_says_what_the_rule_does():
    """README describes a week as the days around its coded (middle) day, as many as the rule spans."""
    week = precision.SPANS[precision.WEEK]
    text = " ".join(README.read_text(encoding="utf-8").split())
    days = week.last - week.first + 1
    assert text.count(f"the {days} days around it") == 2  # the events.csv sentence and the precision table
    assert "a week is written on its middle day" in text
    assert "a month is stored as its first day" in text and precision.SPANS[precision.MONTH].unit == "month"


def test_both_paths_reject_a_point_outside_its_country_with_the_same_words(tmp_path):
    """Sirte's point under country Sudan: the same column, point and expected text from the loader and the SQL."""
    sudan = countries.box("Sudan")
    assert sudan is not None and not sudan[0] <= SIRTE[0] <= sudan[2]
    frame = pd.DataFrame(
        {Events.country: ["Sudan", "Libya"], Events.latitude: pd.array([SIRTE[0], SIRTE[0]], dtype="Float64"),
         Events.longitude: pd.array([SIRTE[1], SIRTE[1]], dtype="Float64"), LINE: [2, 3]}
    )  # fmt: skip
    [curated] = cell_checks.check_in_country(frame, Events.file, Events.country, Events.latitude, Events.longitude)
    row = {**LIBYA_ROW, "event_id_cnty": "SDN1", "event_date": "2020-06-10", "year": "2020", "time_precision": "1",
           "country": "Sudan", "latitude": str(SIRTE[0]), "longitude": str(SIRTE[1])}  # fmt: skip
    events, problems = acled_file(tmp_path / "sudan.csv", [row])
    assert events.empty and len(problems) == 1
    sql = problems.iloc[0]
    expected = (
        "a point in Sudan (latitude 8.4 to 22.5, longitude 21.6 to 38.9, from Natural Earth); "
        "are latitude and longitude swapped?"
    )
    assert expected == countries.EXPECTED.format(country="Sudan", box=countries.describe(sudan))
    assert (curated.line, curated.column, curated.expected) == (2, "latitude, longitude", expected)
    assert (sql["line"], sql["column"], sql["expected"]) == (2, "latitude, longitude", expected)
    assert [float(v) for v in curated.value.split(", ")] == pytest.approx(SIRTE, abs=1e-3)
    assert [float(v) for v in sql["value"].split(", ")] == pytest.approx(SIRTE, abs=1e-9)


def test_the_box_table_is_the_one_statement_of_the_boxes():
    """Countries the map holds get their box and words; others (and repeats) are left out: only ranges apply."""
    table = countries.box_table(["Libya", "Libya", "Atlantis", "Sudan"])
    assert list(table["country"]) == ["Libya", "Sudan"]
    assert tuple(table.iloc[0][["south", "west", "north", "east"]]) == countries.box("Libya")
    assert tuple(table.columns) == countries.BOX_COLUMNS


def test_the_datasets_check_the_columns_of_events_csv_by_its_rules():
    """Every dataset check of a column schema.Events declares too is that column's compiled rule (Col.invalid), not
    SQL written by hand; a parsed helper it reads is the rule's own reading of the cell (Col.value); the country-box
    check is schema.outside_box on both paths."""
    # column -> (whether an empty cell is a problem: None as declared, False when the files need not give the column;
    # the parsed helper holding the cell's value, "" when none)
    acled_columns = {"event_id_cnty": (None, ""), "event_type": (None, ""), "actor1": (None, ""),
                     "country": (None, ""), "time_precision": (None, "_tp"), "geo_precision": (None, "_geo"),
                     "latitude": (None, "_lat"), "longitude": (None, "_lon"), "fatalities": (False, "_fatalities"),
                     "iso": (False, "")}  # fmt: skip
    ucdp_columns = {"country": (None, ""), "latitude": (None, "_lat"), "longitude": (None, "_lon")}
    for fmt, columns in ((acled.ACLED, acled_columns), (ucdp.UCDP, ucdp_columns)):
        bad = {(c.column, c.bad) for c in fmt.checks}
        for column, (required, helper) in columns.items():
            rule = Events.spec(column)
            assert (column, rule.invalid(column, required, helper)) in bad, (fmt.name, column)
            assert not helper or fmt.parsed[helper] == rule.value(column), (fmt.name, helper)
        assert set(base.coordinates()) <= set(fmt.checks)
    [timestamp] = [c for c in acled.ACLED.checks if c.column == "timestamp"]  # ACLED's own column: whole numbers
    assert schema.sql_whole("timestamp") in timestamp.bad  # as the schema reads them
    assert base._point_check("_lat", "_lon").bad == schema.outside_box("_lat", "_lon")


def test_changing_only_the_schema_bound_changes_both_paths(monkeypatch):
    """A latitude bound of 80 in schema.Events alone: the SQL check, its words and the loader's check all follow."""
    monkeypatch.setattr(Events.spec(Events.latitude), "high", 80)
    latitude = next(c for c in base.coordinates() if c.column == "latitude")
    assert "BETWEEN -90 AND 80" in latitude.bad and latitude.expected == "'a latitude from -90 to 80'"
    assert "_lat BETWEEN -90 AND 80" in base._point_check("_lat", "_lon").bad
    con = duckdb.connect()
    bad = con.execute(f"SELECT {latitude.bad} FROM (SELECT '85' AS latitude, 85.0 AS _lat)").fetchone()[0]
    assert bad is True
    raw = pd.DataFrame({c: [""] for c in Events.names()} | {Events.latitude: ["85"], LINE: [2], "_width": [0]})
    _, problems = cell_checks.check_cells(raw, Events, Events.file)
    assert any(p.column == Events.latitude and p.expected == "a latitude from -90 to 80" for p in problems)


# One rule book, table-driven: cells of each declared column, valid (True) or not, written out by hand. Each is
# checked by the curated files' loader (cell_checks.check_cells) and by the column's compiled SQL alone (Col.invalid).
# fmt: off
RULES: dict[type[schema.Table], dict[str, list[tuple[str, bool]]]] = {
    schema.Events: {
        "event_id_cnty": [("LBY-MEMO-0001", True), ("", False)],
        "event_date": [("2020-06-01", True), ("2020-6-1", True), ("2024-02-29", True), ("2021-02-29", False),
                       ("29/01/2021", False), ("99-06-01", False), ("2020-06-01T00:00", False), ("June 2020", False),
                       ("", False)],
        "year": [("1900", True), ("2100", True), ("2020.0", True), ("1899", False), ("2101", False),
                 ("2020.5", False), ("twenty", False), ("", False)],
        "time_precision": [("1", True), ("3", True), ("2.0", True), ("0", False), ("4", False), ("1.5", False),
                           ("day", False), ("", False)],
        "iso": [("0", True), ("434", True), ("999", True), ("1000", False), ("-1", False), ("LBY", False),
                ("", False)],
        "latitude": [("32.88743", True), ("-90", True), ("90", True), ("+1e1", True), ("", True), ("90.0001", False),
                     ("-91", False), ("1_0", False), ("nan", False), ("inf", False), ("32,8", False)],
        "longitude": [("13.18733", True), ("180", True), ("-180", True), ("", True), ("180.5", False),
                      ("east", False)],
        "geo_precision": [("1", True), ("3", True), ("", True), ("4", False), ("0", False), ("x", False)],
        "fatalities": [("0", True), ("1000000", True), ("1e3", True), ("1000001", False), ("-1", False),
                       ("2.5", False), ("1e19", False), ("1_000", False), ("", False)],
        "assoc_actor_1": [("Wagner Group; Turkish armed forces", True), ("", True)],
        "actor1": [("Wagner Group", True), ("", False)],
        "notes": [("anything", True), ("", True)],
        "event_kind": [("agreement", True), ("ground activity", True), ("Agreement", False), ("battle", False),
                       ("", False)],
        "date_basis": [("event", True), ("report", True), ("Event", False), ("", False)],
        "milestone": [("ceasefire", True), ("withdrawal deadline", True), ("", True), ("truce", False)],
    },
    schema.Actors: {
        "kind": [("state", True), ("armed group", True), ("State", False), ("", False)],
        "foreign": [("yes", True), ("No", True), ("YES", True), ("true", False), ("y", False), ("", False)],
        "military_role": [("force", True), ("", True), ("army", False)],
        "dataset_names": [("Wagner Group; Military Forces of Russia (2000-)", True), ("", True)],
    },
    schema.Places: {
        "latitude": [("31.2", True), ("", True), ("91", False), ("31.2N", False)],
        "longitude": [("16.5", True), ("-181", False)],
        "precision": [("town", True), ("country", True), ("city", False), ("", False)],
    },
    schema.Reviews: {
        "offset": [("0", True), ("1234", True), ("-1", False), ("1.5", False), ("1e19", False), ("", False)],
        "decision": [("accepted", True), ("rejected", True), ("pending", False), ("", False)],
    },
}
# fmt: on
RULE_CASES = [(table, column, cells) for table, columns in RULES.items() for column, cells in columns.items()]


@pytest.mark.parametrize(("table", "column", "cells"), RULE_CASES, ids=[f"{t.__name__}.{c}" for t, c, _ in RULE_CASES])
def test_the_curated_path_and_the_compiled_rule_agree(table, column, cells):
    """Each cell is valid or not, as the table says, for the loader and for the column's SQL; a bad cell's problem
    says the column's words (Col.expected)."""
    rule = table.spec(column)
    values = [cell for cell, _ in cells]
    lines = list(range(2, len(cells) + 2))
    raw = pd.DataFrame({c: [""] * len(cells) for c in table.names()} | {column: values}, dtype=str)
    raw[LINE], raw["_width"] = lines, len(table.names())
    typed, problems = cell_checks.check_cells(raw, table, table.file)
    mine = [p for p in problems if p.column == column]
    assert {p.line for p in mine} == {line for line, (_, valid) in zip(lines, cells) if not valid}
    assert {p.expected for p in mine} <= {rule.expected()}
    con = duckdb.connect()
    con.register("cells", pd.DataFrame({"cell": values}))
    compiled = [row[0] for row in con.execute(f"SELECT {rule.invalid('cell')} FROM cells").fetchall()]
    assert compiled == [not valid for _, valid in cells]
    typed_sql = [row[0] for row in con.execute(f"SELECT {rule.typed('cell')} FROM cells").fetchall()]
    for (cell, valid), value, sql in zip(cells, typed[column], typed_sql):
        if valid and cell and rule.kind in (schema.INT, schema.FLOAT):
            assert value == sql == float(cell)  # the loader's typed frame holds the compiled cast's value
        elif valid and cell and rule.kind == schema.DATE:
            assert value.date() == sql


def test_a_repeated_unique_cell_is_a_problem_on_its_later_lines():
    """A unique column: the second and later uses of a value are problems (not the first, not empty cells)."""
    values = ["A", "B", "A", "", "", "A"]
    raw = pd.DataFrame({c: [""] * len(values) for c in Events.names()} | {Events.event_id_cnty: values}, dtype=str)
    raw[LINE], raw["_width"] = range(2, len(values) + 2), len(Events.names())
    _, problems = cell_checks.check_cells(raw, Events, Events.file)
    repeated = [p.line for p in problems if p.column == Events.event_id_cnty and p.expected == schema.REPEATED]
    assert repeated == [4, 7]


@pytest.mark.parametrize(
    ("column", "cell"),
    [("latitude", "91"), ("latitude", "-90.5"), ("latitude", "north"), ("longitude", "181"), ("fatalities", "1000001"),
     ("fatalities", "2.5"), ("fatalities", "-1"), ("fatalities", "1_000"), ("iso", "1000"), ("geo_precision", "4"),
     ("time_precision", "5")],
)  # fmt: skip
def test_a_bad_cell_is_a_problem_on_both_paths_with_the_same_words(tmp_path, column, cell):
    """An ACLED row through the real import and an events.csv cell: both a problem of that column; the same words,
    but where ACLED's tests pin its own (time and geo precision, whose rule is still events.csv's)."""
    row = {**LIBYA_ROW, "event_id_cnty": "LBY1", "event_date": "2020-06-10", "year": "2020", "time_precision": "1",
           column: cell}  # fmt: skip
    events, problems = acled_file(tmp_path / "bad.csv", [row])
    assert events.empty
    [dataset] = problems[problems["column"] == column].to_dict("records")
    assert (dataset["line"], dataset["value"]) == (2, cell)
    raw = pd.DataFrame({c: [""] for c in Events.names()} | {column: [cell], LINE: [2], "_width": [0]}, dtype=str)
    [curated] = [p for p in cell_checks.check_cells(raw, Events, Events.file)[1] if p.column == column]
    assert curated.expected == Events.spec(column).expected()
    words = {"time_precision": "1 (day), 2 (week) or 3 (month)", "geo_precision": "1, 2 or 3"}
    assert dataset["expected"] == words.get(column, curated.expected)
    if column in ("latitude", "fatalities"):
        assert dataset["expected"] in ("a latitude from -90 to 90", "a whole number of deaths from 0 to 1,000,000")


def test_an_empty_cell_acled_need_not_give_is_no_problem(tmp_path):
    """fatalities and iso are required in events.csv, but ACLED's reduced exports may lack them: an empty cell is no
    problem there (its value, when given, follows events.csv's rule: above)."""
    row = {**LIBYA_ROW, "event_id_cnty": "LBY1", "event_date": "2020-06-10", "year": "2020", "time_precision": "1",
           "fatalities": "", "iso": ""}  # fmt: skip
    events, problems = acled_file(tmp_path / "reduced.csv", [row])
    assert problems.empty and len(events) == 1 and events["fatalities"].isna().all()


def test_the_numpy_distance_matches_geopy_and_the_store_macro():
    """geo.km (corroboration) is within 0.1% of geopy's geodesic, and equal to the store's distance_km macro."""
    rng = np.random.default_rng(11)
    lat1, lon1 = rng.uniform(-60, 60, 400), rng.uniform(-170, 170, 400)
    spread = np.repeat([0.01, 0.5, 5, 20], 100)  # degrees: from about a kilometre to a few thousand
    lat2, lon2 = lat1 + rng.uniform(-1, 1, 400) * spread, lon1 + rng.uniform(-1, 1, 400) * spread
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exact = np.array([geodesic(a, b).km for a, b in zip(zip(lat1, lon1), zip(lat2, lon2))])
    ours = geo.km(lat1, lon1, lat2, lon2)
    assert np.max(np.abs(ours - exact) / exact) < 0.001
    con = duckdb.connect()
    for macro in importer.DISTANCE_MACROS:
        con.execute(macro)
    con.register("points", pd.DataFrame({"a": lat1, "b": lon1, "c": lat2, "d": lon2}))
    stored = con.execute("SELECT distance_km(a, b, c, d) FROM points").fetchnumpy()["distance_km(a, b, c, d)"]
    assert np.allclose(stored, ours, rtol=1e-12, atol=0)
    assert geo.km(*TRIPOLI, *TRIPOLI) == 0 and con.execute("SELECT distance_km(1, 2, 1, 2)").fetchone()[0] == 0


def test_the_distance_formula_is_written_once():
    """The store's macros are generated from geo's formula, and corroboration measures with geo.km."""
    assert importer.DISTANCE_MACROS is geo.DISTANCE_MACROS
    assert not hasattr(corroboration, "_km")
    assert re.search(r"MACRO distance_km\(lat1, lon1, lat2, lon2\)", geo.DISTANCE_MACROS[-1])


def test_corroboration_reports_the_store_distance():
    """An article event at Tripoli and a dataset event at Sirte: the km corroboration reports is geo.km's."""
    from components.loader import load

    registry = Registry(load().actors)
    article = pd.Series({"uid": "article:A", "start_date": D(2020, 6, 15), "end_date": D(2020, 6, 15),
                         "date_basis": "event", "actors": ["Turkish armed forces"], "latitude": TRIPOLI[0],
                         "longitude": TRIPOLI[1], "geo_precision": 2, "admin1": "Sirte",
                         "country": "Libya"})  # fmt: skip
    pairs = pd.DataFrame([{"uid": "ACLED:Libya:X", "dataset": "ACLED", "event_id": "X", "start_date": D(2020, 6, 15),
                           "end_date": D(2020, 6, 15), "actors": ["Military Forces of Turkey (2016-)"],
                           "latitude": SIRTE[0], "longitude": SIRTE[1], "geo_precision": 2, "admin1": "Sirte",
                           "country": "Libya"}])  # fmt: skip
    [km] = corroboration.agrees(article, pairs, registry)["km"]
    assert km == pytest.approx(float(geo.km(*TRIPOLI, *SIRTE)), rel=1e-12) and 350 < km < 500


@pytest.mark.parametrize(
    ("start", "code"), [(D(2020, 6, 8), 2), (D(2020, 12, 28), 2), (D(2024, 2, 1), 3), (D(2020, 6, 10), 1)]
)
def test_the_coded_day_of_a_span_gives_its_start_back(start, code):
    """precision.coded is the rule's inverse: a week written from its Monday starts on that Monday again."""
    frame = pd.DataFrame(
        {Events.event_date: pd.to_datetime([precision.coded(start, code)]), Events.time_precision: [code]}
    )
    assert dates.starts(frame).iloc[0].date() == start
