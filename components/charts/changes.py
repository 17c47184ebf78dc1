"""What changed, in words (issue 17): the Changes panel's lines and the digest's content, built from the query's
results (components/queries/changes.py); no SQL, no Streamlit.

Every line says what changed, quotes the evidence of one event it rests on (an article's quote, ACLED's notes, UCDP's
headlines) with where it was read, and lists the events it counts (uid, dataset, id) for a link to them.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from components import dates, evidence
from components.queries.changes import (
    BANDS,
    FLAG_MIN_BASELINE,
    FLAG_MIN_WEEK,
    FLAG_PERCENT,
    HAPPENED,
    NO_BASELINE,
    REPORTED,
    ChangesData,
)
from components.schema import Model

SECTIONS = {  # each section's key (as in the digest's JSON) and title
    "new": "New events",
    "revised": "Revised events",
    "deleted": "Deleted events",
    "forces": "Foreign forces",
    "actors": "New actors",
    "surges": "Events per admin1 against their baseline",
}
LINE_COLUMNS = ["section", "what", "evidence", "source", "uids", "events", "flagged"]
VALUE_CHARS = 160  # an old or new value in a line's words (the JSON keeps it whole)
MODE_WORDS = {
    REPORTED: "counted by when they were reported and entered (a source's report day; an accepted article event's "
    "decision day when later)",
    HAPPENED: "counted by when they happened (an event's first possible day)",
}
SURGE_RULE = (
    f"Weekly counts: the seven days to the week's last day against the average of the 4 and 52 weeks before (the "
    f"weeks the data covers whole), in ACLED's bands ({', '.join(BANDS)}); flagged at {FLAG_PERCENT:+.0f}% or more "
    f"over the 4-week average, with at least {FLAG_MIN_WEEK} events this week and an average of at least "
    f"{FLAG_MIN_BASELINE:g} a week before. An event counts in a week only when its whole span lies in it."
)


def day(value: object) -> str:
    """A day in words ('9 Mar 2021'); '' for none."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return ""
    return dates.day(pd.Timestamp(value))


def iso(value: object) -> str | None:
    """A day as YYYY-MM-DD for the JSON (None for none)."""
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def said(frame: pd.DataFrame) -> pd.Series:
    """Each event's evidence as every view writes it (evidence.words), over whole columns."""
    ev, kind = frame[Model.evidence].fillna(""), frame[Model.evidence_kind].fillna("")
    quoted = "“" + ev + "”"
    written = quoted.where(kind == evidence.QUOTE, kind + ": " + ev)
    return written.where(ev != "", "(" + kind + ": none given)")


def sources(frame: pd.DataFrame) -> pd.Series:
    """Where each event was read, with its id: 'LBY96109 · ACLED (Libya Observer) · sources/acled/x.csv line 9'."""
    if frame.empty:
        return pd.Series([], dtype=object, index=frame.index)
    cited = evidence.cite(frame.assign(**{Model.source: frame[Model.source].fillna("")}))
    return frame[Model.event_id] + " · " + cited


def _about(frame: pd.DataFrame) -> pd.Series:
    """An event in a few words: 'ACLED LBY96103 (1 Mar 2021, Sirte (near or part of the place))'."""
    if frame.empty:
        return pd.Series([], dtype=object, index=frame.index)
    return frame[Model.dataset] + " " + frame[Model.event_id] + " (" + dates.labels(frame) + ", " + \
        evidence.places(frame.assign(**{Model.location: frame[Model.location].fillna("")})) + ")"  # fmt: skip


def _frame(section: str, frame: pd.DataFrame, what: pd.Series, flagged: pd.Series | None = None) -> pd.DataFrame:
    """A section's lines in the panel's columns."""
    if frame.empty:
        return pd.DataFrame(columns=LINE_COLUMNS)
    has_event = frame[Model.uid].notna() if Model.uid in frame else pd.Series(False, index=frame.index)
    if "events" in frame:
        events = frame["events"]
    else:  # a line of one event: that event
        ids = zip(frame[Model.uid], frame[Model.dataset], frame[Model.event_id])
        events = pd.Series([[{"uid": u, "dataset": d, "event_id": i}] for u, d, i in ids], index=frame.index)
    return pd.DataFrame({
        "section": section,
        "what": what,
        "evidence": said(frame).where(has_event, "") if Model.evidence in frame else "",
        "source": sources(frame).where(has_event, "") if Model.event_id in frame else "",
        "uids": [[e["uid"] for e in listed] for listed in events],
        "events": events,
        "flagged": flagged if flagged is not None else False,
    }).reset_index(drop=True)  # fmt: skip


def _short(value: object) -> str:
    """A field's value in a line: lists joined, long text cut (the JSON has it whole)."""
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    text = "none" if value is None or value == "" else str(value)
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…"


def new_lines(data: ChangesData) -> pd.DataFrame:
    """'9 Mar 2021 · Strategic developments · Brega (near or part of the place) · Wagner Group'."""
    f = data.new
    if f.empty:
        return _frame("new", f, pd.Series(dtype=object))
    actors = pd.Series([", ".join(a) for a in f[Model.actors]], index=f.index)
    what = (f[Model.dataset] + " " + f[Model.event_id] + ": " + dates.labels(f) + " · " + f[Model.event_type] + " · "
            + evidence.places(f.assign(**{Model.location: f[Model.location].fillna("")})) + " · " + actors
            + " · counted on " + f["day"].map(day))  # fmt: skip
    return _frame("new", f, what)


def revised_lines(data: ChangesData) -> pd.DataFrame:
    """'ACLED LBY96103 (1 Mar 2021, Sirte) revised on 10 Mar 2021: fatalities 1 → 4; ...' (a page of lines: each
    line's few changed fields are joined in Python)."""
    f = data.revised
    if f.empty:
        return _frame("revised", f, pd.Series(dtype=object))
    changed = ["; ".join(f"{field}: {_short(old)} → {_short(new)}" for field, (old, new) in c.items())
               for c in f["changes"]]  # fmt: skip
    what = _about(f) + " revised on " + f["day"].map(day) + ": " + pd.Series(changed, index=f.index) + \
        " (before: " + f["before_file"] + " line " + f["before_line"].astype(str) + ")"  # fmt: skip
    return _frame("revised", f, what)


def deleted_lines(data: ChangesData) -> pd.DataFrame:
    """'ACLED LBY96105 (3 Mar 2021, Benghazi) deleted on 12 Mar 2021 (its deletions file, line 2)'."""
    f = data.deleted
    if f.empty:
        return _frame("deleted", f, pd.Series(dtype=object))
    what = _about(f) + " deleted on " + f["day"].map(day) + " (" + f["deletion_file"] + " line " + \
        f["deletion_line"].astype(str) + "); its last version:"  # fmt: skip
    return _frame("deleted", f, what)


def force_lines(data: ChangesData) -> pd.DataFrame:
    """A force's first report in an admin1 or at a place, its move, its withdrawal or return (one line each)."""
    f = data.forces
    if f.empty:
        return _frame("forces", f, pd.Series(dtype=object))
    on = f["day"].map(day)
    many = f["n"].map(lambda n: f" ({dates.plural(int(n), 'event')})" if n and int(n) > 1 else "")
    place, before = f["place"].fillna(""), f["before"].fillna("")
    was_present = before.map(lambda b: " (reported present before)" if b == "present" else "")
    words = {
        "first in admin1": f["force"] + ": first reported in " + place + " (admin1) on " + on + many,
        "first at place": f["force"] + ": first reported at " + place + " on " + on + many,
        "moved": f["force"] + ": latest place " + before + " → " + f["after"].fillna("") + " (reported " + on + ")",
        "withdrawn": f["force"] + ": reported withdrawn on " + on + was_present,
        "back": f["force"] + ": reported present again on " + on + ", after a withdrawal",
    }
    what = pd.Series("", index=f.index, dtype=object)
    for change, text in words.items():
        what = what.where(f["change"] != change, text)
    return _frame("forces", f, what)


def actor_lines(data: ChangesData) -> pd.DataFrame:
    """'New actor: Labour Group (Libya), first on 10 Mar 2021 (1 event)'."""
    f = data.actors
    if f.empty:
        return _frame("actors", f, pd.Series(dtype=object))
    what = "New actor: " + f["actor"] + ", first on " + f["day"].map(day) + " (" + \
        f["n"].map(lambda n: dates.plural(int(n), "event")) + ")"  # fmt: skip
    return _frame("actors", f, what)


def _percent(value: float) -> str:
    """'+700%', '−100%'; '' for none."""
    if value is None or math.isnan(value):
        return ""
    return f"{value:+.0f}%".replace("-", "−")


def surge_lines(data: ChangesData) -> pd.DataFrame:
    """'Tripoli: 2 events in the week to 10 Mar 2021 · 4-week average 0.2 (≥ +25%, +700%) · 52-week average ...'."""
    f = data.surges
    if f.empty:
        return _frame("surges", f, pd.Series(dtype=object))
    end = day(data.week_end)

    def against(avg: pd.Series, bands: pd.Series, change: pd.Series, weeks: str) -> pd.Series:
        """'4-week average 0.2 (≥ +25%, +700%)', or 'no baseline'."""
        text = weeks + "-week average " + avg.map(lambda a: "" if math.isnan(a) else f"{a:.2f}") + " (" + bands + \
            ", " + change.map(_percent) + ")"  # fmt: skip
        return text.where(bands != NO_BASELINE, f"no {weeks}-week baseline")

    what = (f["admin1"].where(f["admin1"] != "", "no admin1") + ": " + f["week"].map(lambda n: dates.plural(int(n),
            "event")) + f" in the week to {end} · " + against(f["avg4"], f["band4"], f["change4"], "4") + " · "
            + against(f["avg52"], f["band52"], f["change52"], "52"))  # fmt: skip
    what = what.where(~f["flagged"], "Flagged: " + what)
    return _frame("surges", f, what, flagged=f["flagged"].astype(bool))


def build_lines(data: ChangesData) -> pd.DataFrame:
    """The panel's lines, section by section: section, what (words), evidence, source, uids, events, flagged."""
    parts = [new_lines(data), revised_lines(data), deleted_lines(data), force_lines(data), actor_lines(data),
             surge_lines(data)]  # fmt: skip
    return pd.concat([p for p in parts if not p.empty] or [pd.DataFrame(columns=LINE_COLUMNS)], ignore_index=True)


def build_summary(data: ChangesData) -> str:
    """'6 new events · 3 revised · 1 deleted · 3 changes of foreign forces · 3 new actors · no admin1 flagged'."""
    flagged = int(data.surges["flagged"].sum()) if len(data.surges) else 0
    return " · ".join([
        dates.plural(data.new_total, "new event"), f"{data.revised_total:,} revised", f"{data.deleted_total:,} deleted",
        dates.plural(len(data.forces), "change") + " of foreign forces", dates.plural(len(data.actors), "new actor"),
        dates.plural(flagged, "admin1") + " flagged" if flagged else "no admin1 flagged",
    ])  # fmt: skip


def window(data: ChangesData) -> str:
    """'Since 8 Mar 2021, as known on 15 Mar 2021; counted by when they were reported and entered (...)'."""
    upto = f", as known on {day(data.until)}" if data.until else ""
    return f"Since {day(data.since)}{upto}; {MODE_WORDS[data.mode]}."


def _json_value(value: object) -> object:
    """A cell as JSON: days as YYYY-MM-DD, arrays as lists, NaN and NA as null, numbers as numbers."""
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        return _json_value(value.tolist())
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    if isinstance(value, (pd.Timestamp, dt.date)):
        return pd.Timestamp(value).date().isoformat()
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float):
        return round(value, 4)
    return value


def _event(frame: pd.DataFrame, extra: list[str]) -> list[dict]:
    """Each row as the JSON lists an event: its ids, dates, place, type, evidence and where it was read, and the
    section's own fields (converted over whole columns: a digest may list thousands)."""
    fields = [Model.dataset, Model.event_id, Model.uid, Model.start_date, Model.end_date, Model.precision,
              Model.event_type, Model.location, Model.admin1, Model.country, Model.actors, Model.fatalities,
              Model.evidence, Model.evidence_kind, Model.source_file, Model.line, *extra]  # fmt: skip
    out = frame[[c for c in fields if c in frame]].copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            values = values.dt.strftime("%Y-%m-%d")
        elif values.dtype == object and len(values) and isinstance(values.iloc[0], np.ndarray):
            values = values.map(list)  # the store's lists arrive as arrays
        elif pd.api.types.is_float_dtype(values):
            values = values.round(6)
        out[column] = values.astype(object).where(values.notna(), None)
    return out.to_dict("records")


def _lines_json(frame: pd.DataFrame, fields: list[str]) -> list[dict]:
    """A section of lines (forces, actors, surges) as JSON: its own fields, the events it counts, and the evidence of
    the event it quotes."""
    quoted = [Model.dataset, Model.event_id, Model.evidence, Model.evidence_kind, Model.source_file, Model.line]
    out = []
    for row in frame.to_dict("records"):
        line = {k: _json_value(row.get(k)) for k in fields}
        line["events"] = [{"dataset": e["dataset"], "event_id": e["event_id"]} for e in row.get("events", [])]
        if row.get(Model.event_id) is not None and not pd.isna(row.get(Model.event_id)):
            line["evidence"] = {k: _json_value(row.get(k)) for k in quoted}
        out.append(line)
    return out


def view_json(data: ChangesData, watch: str | None, link: str, described: str) -> dict:
    """One view of the digest as JSON: the watchlist (None for everything), what it filters, its window and rules,
    the totals, and every line with the events behind it (the ids a script checks)."""
    return {
        "watch": watch,
        "link": link,
        "filters": described,
        "since": iso(data.since),
        "as_of": iso(data.until),
        "mode": data.mode,
        "week_end": iso(data.week_end),
        "totals": {"new": data.new_total, "revised": data.revised_total, "deleted": data.deleted_total,
                   "forces": len(data.forces), "actors": len(data.actors),
                   "flagged": int(data.surges["flagged"].sum()) if len(data.surges) else 0},  # fmt: skip
        "new": _event(data.new, ["day"]),
        "revised": [{**e, "changes": _json_value(c)} for e, c in
                    zip(_event(data.revised, ["day", "before_file", "before_line"]), data.revised["changes"])],
        "deleted": _event(data.deleted, ["day", "deletion_file", "deletion_line"]),
        "forces": _lines_json(data.forces, ["force", "change", "place", "before", "after", "day", "n"]),
        "actors": _lines_json(data.actors, ["actor", "day", "n"]),
        "surges": _lines_json(data.surges, ["admin1", "week", "avg4", "avg52", "change4", "change52", "band4",
                                            "band52", "flagged"]),
    }  # fmt: skip
