"""The store's history read back: which version of each event the sources had reported by a given day.

Every version of every event is kept (components/eventrows.py: `known`, the day its source reported it; `arrived`,
when it entered the store), and ACLED's deletions beside them. `current` is the latest version known today; as of an
earlier day it is the latest version reported by then, unless the dataset had deleted the event by then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from components.schema import Model, StoredDeletions

EVENTS, DELETIONS = Model.file, StoredDeletions.file
RANK = "version DESC, seq DESC, line DESC"  # the versions of an event, latest first (eventrows.mark_current's order)


def deletion_day(column: str = "deleted") -> str:
    """SQL: the UTC day of a deletion's Unix time (NULL past year 5138, as eventrows.KNOWN bounds timestamps)."""
    return f"(CASE WHEN {column} BETWEEN 0 AND {10**11} THEN make_timestamp({column} * 1000000)::DATE END)"


def known_by(as_of: dt.date, bind: Callable[[str, object], str]) -> str:
    """SQL in place of `current`: the events as the sources had reported them by `as_of` (its value bound through
    `bind`, a filter_types.Params): each event's latest version (the store's order: timestamp, then import) whose
    `known` day and first day are on or before it, unless a deletion dated by then came after that version.

    Fast at a million events: a current version known by then is the one (it is the latest of any subset of its
    versions, and no deletion came after it, or it would not be current); only events with other versions (revised
    or deleted: those with rows that are not current) are ranked."""
    on = bind("as_of", as_of)
    then = f"known <= {on} AND start_date <= {on}"
    return (
        f"({then} AND (current OR rowid IN (SELECT rid FROM ("
        f"SELECT rowid AS rid, dataset, event_id, version FROM {EVENTS} WHERE {then} AND uid IN "
        f"(SELECT uid FROM {EVENTS} WHERE NOT current) QUALIFY row_number() OVER (PARTITION BY uid ORDER BY {RANK}) = 1"
        f") v WHERE NOT EXISTS (SELECT 1 FROM {DELETIONS} d WHERE d.dataset = v.dataset AND d.event_id = v.event_id "
        f"AND d.deleted >= v.version AND {deletion_day('d.deleted')} <= {on}))))"
    )
