"""How an event's evidence is written on the page: the article's quote, ACLED's notes, UCDP's source headlines.

Every view shows the same words for the same event, and says which kind of evidence it is and where it was read.
"""

from __future__ import annotations

import pandas as pd

from components import dates, legend, text
from components.schema import GEO_PRECISION, Model

QUOTE = "article quote"


def words(evidence: str, kind: str) -> str:
    """The evidence as shown: a quote in quotation marks, a dataset's own text under its name."""
    if not evidence:
        return f"({kind}: none given)"
    return f"“{evidence}”" if kind == QUOTE else f"{kind}: {evidence}"


def hover(samples: list[dict], total: int, width: int = 70) -> str:
    """Hover text for a mark: its latest few events in full (oldest first), then how many others it stands for."""
    shown = sorted(samples, key=lambda s: s["start"])
    parts = []
    for s in shown:
        actors = ", ".join(a for a in (s["actor1"], s["actor2"]) if a)
        where = "approximate: " + s["location"] if s["geo"] in (2, 3) else s["location"] or "no place named"
        head = text.plot(f"{s['type']} · {actors}")
        source = text.plot(f"{s['dataset']} {s['id']}")
        parts.append(
            f"<b>{text.plot(dates.label(s['start'], s['stop'], s['basis']))}</b> · {head}<br>"
            f"<i>{text.plot(where)}</i> · {source}<br>{text.lines(words(s['evidence'], s['kind']), width)}"
        )
    others = total - len(shown)
    return "<br><br>".join(parts) + legend.more(others) if parts else f"{total:,} events"


def cite(events: pd.DataFrame) -> pd.Series:
    """Where each event was read: 'Middle East Monitor, 29 Jan 2021', or 'ACLED (source) · <file> line 12'."""
    reported = pd.to_datetime(events[Model.reported])
    article = events[Model.source] + ", " + reported.dt.day.astype(str) + reported.dt.strftime(" %b %Y")
    source = ("(" + events[Model.source] + ") ").where(events[Model.source] != "", "")
    dataset = (
        events[Model.dataset]
        + " "
        + source
        + "· "
        + events[Model.source_file]
        + " line "
        + events[Model.line].astype(str)
    )
    return article.where(events[Model.dataset] == "article", dataset)


def places(events: pd.DataFrame) -> pd.Series:
    """Every event's place with its precision in words: 'Alpha (near or part of the place)', or just 'Beta'."""
    location, precision = events[Model.location], events[Model.geo_precision]
    words = [
        GEO_PRECISION.get(int(p), "precision unknown") if pd.notna(p) else "precision not given" for p in precision
    ]  # fmt: skip, a page of rows
    said = location + " (" + pd.Series(words, index=events.index, dtype=object) + ")"
    said = said.where(precision != 1, location)
    return said.where(location != "", "no place named")
