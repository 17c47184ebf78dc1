"""ACLED files as analysts download them: the current export, older exports and API files, reduced field sets, and
the monadic export (one row per actor of an event).

Sources for every rule: docs/codebooks.md (the ACLED codebook and real files read there).
"""

from __future__ import annotations

from components import precision
from components.formats.base import (
    MAX_WHOLE,
    ActorRows,
    Check,
    Format,
    coordinates,
    declared,
    in_history,
    lit,
    not_whole_in,
    number,
    required,
    whole,
)

COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
    "event_id_no_cnty", "data_id", "iso3", "gwno",  # older files only
)  # fmt: skip
CURRENT = COLUMNS[: COLUMNS.index("timestamp") + 1]  # the current export, in its order
OLD_NAMES = {"ally_actor_1": "assoc_actor_1", "ally_actor_2": "assoc_actor_2"}  # before the associated actors
# The date forms seen in real files: ISO; the export tool's "04 June 2020"; a spreadsheet's "4-Jun-20" (with
# "Sept"); "29-September-2018"; and day-first "18/04/2001", as ACLED writes slashes (never guessed month-first).
DATE_FORMATS = ["%Y-%m-%d", "%d %B %Y", "%d-%b-%y", "%d-%B-%Y", "%d/%m/%Y"]
INTER = {
    1: "State forces",
    2: "Rebel group",
    3: "Political militia",
    4: "Identity militia",
    5: "Rioters",
    6: "Protesters",
    7: "Civilians",
    8: "External/Other forces",
}
# The codebook's interaction codes: the two actor types, lowest first; "N0" for one actor; 78 written the other way.
INTERACTIONS = {
    **{f"{a}0": f"{INTER[a]} only" for a in INTER},
    **{f"{a}{b}": f"{INTER[a]}-{INTER[b]}" for a in INTER for b in INTER if a <= b},
    "78": f"{INTER[8]}-{INTER[7]}",
}


def _words(column: str, codes: dict) -> str:
    """SQL: a cell written as a numeric code, in words; already words (or empty), as written."""
    cases = " ".join(f"WHEN '{code}' THEN '{words}'" for code, words in codes.items())
    return f"CASE {column} {cases} WHEN '0' THEN '' ELSE {column} END"


# The monadic export (API `export_type=monadic`) has one row per actor of an event and no columns for a second actor:
# the first row of an event gives actor1, the second row's actor1, assoc_actor_1 and inter1 are the event's actor2,
# assoc_actor_2 and inter2, every other column is the event's (docs/codebooks.md, *Monadic files*).
MONADIC = ActorRows(own=("actor1", "assoc_actor_1", "inter1"), second=("actor2", "assoc_actor_2", "inter2"))
START = precision.sql_start("_day", "_tp")  # the one rule of components/precision.py, as the curated file's
END = precision.sql_end("_day", "_tp")

# fmt: off
ACLED = Format(
    name="acled",
    dataset="ACLED",
    columns=COLUMNS,
    required=("event_id_cnty", "event_date", "time_precision", "event_type", "actor1", "country", "latitude",
              "longitude"),  # fmt: skip
    old_names=OLD_NAMES,
    id_column="event_id_cnty",
    actor_rows=MONADIC,
    parsed={
        "_day": f"try_strptime(replace(event_date, '-Sept-', '-Sep-'), {DATE_FORMATS})::DATE",
        "_tp": whole("time_precision"),
        "_year": whole("year"),
        "_lat": number("latitude"),
        "_lon": number("longitude"),
        "_geo": whole("geo_precision"),
        "_fatalities": whole("fatalities"),
        "_timestamp": whole("timestamp"),
    },
    checks=(
        # The columns events.csv declares too, by its rules (schema.Events): the same cell is valid in both.
        *(declared(c) for c in ("event_id_cnty", "event_type", "actor1", "country")),  # required text
        declared("time_precision", "1 (day), 2 (week) or 3 (month)", value="_tp"),  # in ACLED's words
        declared("geo_precision", "1, 2 or 3", value="_geo"),
        *coordinates(),
        declared("fatalities", required=False, value="_fatalities"),  # a file need not have these columns (2016's
        declared("iso", required=False),  # exports have no iso): an empty cell is no problem, a given one is checked
        # ACLED's own: the date in its several forms (events.csv writes YYYY-MM-DD), its year, the timestamp.
        *required("event_date"),
        Check("event_date", "event_date <> '' AND _day IS NULL",
              lit("a date such as 2020-06-04, 04 June 2020 or 4-Jun-20")),
        in_history("event_date", "_day"),
        Check("year", "year <> '' AND _day IS NOT NULL AND _year IS DISTINCT FROM year(_day)",
              "'the year of event_date, ' || year(_day)"),
        Check("timestamp", not_whole_in("timestamp", 0, MAX_WHOLE),
              lit(f"a Unix timestamp in seconds: a whole number from 0 to {MAX_WHOLE:,}")),
    ),  # fmt: skip
    mapping={
        "uid": "'ACLED:' || country || ':' || event_id_cnty",  # old ids repeat across countries (LIB: Libya, Liberia)
        "dataset": "'ACLED'",
        "event_id": "event_id_cnty",
        "version": "coalesce(_timestamp, 0)",
        "start_date": START,  # a week is written on its middle day, a month on any of its days: the span is the fact
        "end_date": END,
        "precision": "CASE _tp WHEN 1 THEN 'day' WHEN 2 THEN 'week' ELSE 'month' END",
        "date_basis": "'event'",
        "reported": END,
        "event_type": "event_type",
        "sub_event_type": "sub_event_type",
        "actor1": "actor1",
        "assoc_actor_1": "assoc_actor_1",
        "actor2": "actor2",
        "assoc_actor_2": "assoc_actor_2",
        "actors": "list_filter(list_transform(flatten([[actor1], string_split(assoc_actor_1, ';'), [actor2], "
        "string_split(assoc_actor_2, ';')]), lambda x: trim(x)), lambda x: x <> '')",
        "inter1": _words("inter1", INTER),
        "inter2": _words("inter2", INTER),
        "interaction": _words("interaction", INTERACTIONS),
        "country": "country",
        "admin1": "admin1",
        "admin2": "admin2",
        "location": "location",
        "latitude": "_lat",
        "longitude": "_lon",
        "geo_precision": "_geo",
        "fatalities": "_fatalities",
        "evidence": "notes",
        "evidence_kind": "'ACLED notes'",
        "source": "source",
    },
)
# fmt: on
