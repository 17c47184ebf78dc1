"""The article checked against the datasets: for each article event, the dataset events that agree with it.

One rule, in `agrees`, with a test of each clause. A dataset event agrees with an article event when
- their dates overlap, each taken at its own precision (an article's "as of" report covers the REPORT_DAYS before it);
- they name an actor in common, or the same state behind their actors (Turkey for "Military Forces of Turkey");
- their places agree: both points within NEAR_KM when both are exact places, within AREA_KM (or the same admin1)
  when either is approximate, and the same country when the article names no single point.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from components import dates, geo
from components.actors import Registry
from components.queries.reader import Reader
from components.schema import Model

NEAR_KM = 50.0  # two exact places this close are the same place for this purpose
AREA_KM = 100.0  # "near Tripoli", "around Sirte": a wider circle
REPORT_DAYS = 30  # "are based south of Tripoli" (as of a report): dataset events of the month before agree
SHOWN = 3  # matches written out per article event; the rest are counted


def window(events: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The days each article event covers: its span, or for an ongoing report the REPORT_DAYS up to the report."""
    start = pd.to_datetime(events[Model.start_date])
    end = pd.to_datetime(events[Model.end_date])
    report = events[Model.date_basis] == "report"
    return start.where(~report, end - pd.Timedelta(days=REPORT_DAYS)), end


def candidates(store: Reader, article: pd.DataFrame) -> pd.DataFrame:
    """Dataset events whose dates overlap an article event (the store does the range join), one row per pair."""
    if article.empty:
        return pd.DataFrame()
    first, last = window(article)
    spans = pd.DataFrame({"uid": article[Model.uid], "a_start": first.dt.date, "a_end": last.dt.date})
    return store.df(
        f"""SELECT s.uid AS article_uid, d.uid, d.dataset, d.event_id, d.start_date, d.end_date, d.actors,
                   d.latitude, d.longitude, d.geo_precision, d.admin1, d.country
            FROM (SELECT unnest(?::VARCHAR[]) AS uid, unnest(?::DATE[]) AS a_start, unnest(?::DATE[]) AS a_end) s
            JOIN {Model.file} d ON d.current AND d.dataset <> 'article'
                 AND d.start_date <= s.a_end AND d.end_date >= s.a_start""",
        [list(spans["uid"]), list(spans["a_start"]), list(spans["a_end"])],
    )


def who(names: list[str], registry: Registry) -> set[str]:
    """The curated actors a list of written names stands for, with the states behind them."""
    curated = {c for c in (registry.canonical(n) for n in names) if c}
    return curated | {registry.state_of(c) for c in curated}


def agrees(article: pd.Series, pairs: pd.DataFrame, registry: Registry) -> pd.DataFrame:
    """The candidate dataset events (dates already overlapping) that agree with one article event, with distances."""
    mine = who(list(article[Model.actors]), registry)
    same_actor = pairs[Model.actors].map(lambda names: bool(mine & who(list(names), registry)))
    has_point = pd.notna(article[Model.latitude]) and pd.notna(article[Model.longitude])
    if has_point:
        km = pd.Series(
            geo.km(np.float64(article[Model.latitude]), np.float64(article[Model.longitude]),
                pairs[Model.latitude].to_numpy(float), pairs[Model.longitude].to_numpy(float)),
            index=pairs.index,
        )  # fmt: skip
        exact = pairs[Model.geo_precision].eq(1) & bool(article[Model.geo_precision] == 1)
        admin1 = str(article[Model.admin1] or "").lower()
        same_admin = pairs[Model.admin1].str.lower().eq(admin1) & bool(admin1)
        same_place = (exact & (km <= NEAR_KM)) | (~exact & ((km <= AREA_KM) | same_admin))
    else:  # a country-wide event, or one with no place named: the same country is as close as it gets
        km = pd.Series(np.nan, index=pairs.index)
        same_place = pairs[Model.country] == article[Model.country]
    keep = same_actor & same_place.fillna(False).astype(bool)
    return pairs[keep].assign(km=km[keep])


def corroborate(store: Reader, article: pd.DataFrame, registry: Registry) -> dict[str, str]:
    """For each article event, the dataset events that agree: 'also in ACLED: LBY9968, 9 May 2020, 12 km'."""
    pairs = candidates(store, article)
    found: dict[str, str] = {}
    for _, event in article.iterrows():  # the article events of one page: a few dozen at most
        own = pairs[pairs["article_uid"] == event[Model.uid]] if len(pairs) else pairs
        matches = agrees(event, own, registry) if len(own) else own
        if matches.empty:
            continue
        matches = matches.sort_values(["km", Model.start_date], na_position="last")
        parts = []
        for _, m in matches.head(SHOWN).iterrows():
            distance = f", {m['km']:.0f} km" if pd.notna(m["km"]) else f", {m[Model.country]}"
            parts.append(f"{m[Model.event_id]}, {dates.span(m[Model.start_date], m[Model.end_date])}{distance}")
        more = f" and {len(matches) - SHOWN:,} more" if len(matches) > SHOWN else ""
        by = " and ".join(sorted(set(matches[Model.dataset])))
        found[event[Model.uid]] = f"also in {by}: " + "; ".join(parts) + more
    return found
