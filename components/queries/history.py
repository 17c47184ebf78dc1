"""The store's history read back: which version of each event the sources had reported by a given day.

Every version of every event is kept (components/eventrows.py: `known`, the day its source reported it; `arrived`,
when it entered the store), and ACLED's deletions beside them. `current` is the latest version known today; as of an
earlier day it is the latest version reported by then, unless the dataset had deleted the event by then.
"""

from __future__ import annotations

import datetime as dt

from components.filter_types import Params
from components.schema import Model, StoredDeletions

DAY_SECONDS = 86_400


def known_by(day: dt.date, bind: Params) -> str:
    """SQL over the events table: true for the one version per event the views show as of `day` (its value bound
    as a parameter). One pass groups the versions reported by then; a deletion counts from its own day."""
    on = bind("as_of", day)
    end = bind("as_of_end", int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp())
               + DAY_SECONDS - 1)  # fmt: skip
    return f"""rowid IN (
        SELECT arg_max(k.rid, (k.version, k.seq, k.line)) FROM (
            SELECT rowid AS rid, uid, version, seq, line, dataset, event_id FROM {Model.file}
            WHERE known <= {on} AND start_date <= {on}) k
        LEFT JOIN (SELECT dataset, event_id, max(deleted) AS gone FROM {StoredDeletions.file}
                   WHERE deleted <= {end} GROUP BY ALL) d USING (dataset, event_id)
        GROUP BY k.uid HAVING coalesce(max(d.gone) < max(k.version), true))"""
