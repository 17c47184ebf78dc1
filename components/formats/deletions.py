"""ACLED's deletions list (its API's deleted/read, or a file of it): `event_id_cnty`, `deleted_timestamp`.

A deletion is not an event: its rows are checked and read by the format machinery like any file's (a row that breaks
a rule is a listed problem), then kept in the store's deletions table. An event whose latest version is no later than
its deletion leaves the views, and stays in the history with its deletion (docs/codebooks.md, *APIs*: ACLED
publishes deletions separately, [A4]). A later version (ACLED re-publishing the event) shows again.
"""

from __future__ import annotations

from components.formats.base import MAX_WHOLE, Check, Format, lit, not_whole_in, required, whole

DELETIONS = Format(
    name="acled-deletions",
    dataset="ACLED",
    columns=("event_id_cnty", "deleted_timestamp"),
    required=("event_id_cnty", "deleted_timestamp"),
    id_column="event_id_cnty",
    removes=True,
    parsed={"_deleted": whole("deleted_timestamp"), "_lat": "NULL::DOUBLE", "_lon": "NULL::DOUBLE", "country": "''"},
    checks=(
        *required("event_id_cnty", "deleted_timestamp"),
        Check(
            "deleted_timestamp",
            not_whole_in("deleted_timestamp", 0, MAX_WHOLE),
            lit(f"a Unix timestamp in seconds: a whole number from 0 to {MAX_WHOLE:,}"),
        ),
    ),  # fmt: skip
    mapping={  # the model's columns a deletion fills: which event, and when (in `version`, as ACLED's timestamps)
        "uid": "'ACLED-deletion:' || event_id_cnty",  # one deletion per id and time: a repeat is a listed problem
        "dataset": "'ACLED'",
        "event_id": "event_id_cnty",
        "version": "_deleted",
    },
)
