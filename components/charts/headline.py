"""The page header and headline figures: title, as-of date, filters in words, source, and three counts."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from components import dates, text
from components.charts.forces import counted_once, present_count
from components.dates import Anchors
from components.schema import ArticleMeta

TITLE = "Foreign military forces in {where}"
TITLE_LINE = 22  # pixels a chart title needs for each line it wraps onto


def title_layout(title: str) -> dict:
    """A chart title pinned to the top, so that it grows downwards as the filters wrap (top margin: title_height)."""
    return {"text": title, "x": 0.01, "font": {"size": 18}, "yref": "container", "y": 1, "yanchor": "top",
            "pad": {"t": 26}}  # fmt: skip


def title_height(title: str) -> int:
    """Pixels the pinned title takes, whatever number of lines it has."""
    return 30 + TITLE_LINE * (title.count("<br>") + 1)


STYLE = """<style>
.block-container {padding: 1.5rem 2rem 1rem 2rem}
h1 {font-size: 2rem !important; padding-bottom: 0.2rem}
.figure-label {font-size: 0.95rem; color: #333}
.figure-value {font-size: 2.4rem; line-height: 1.2; font-weight: 600}
</style>
<link rel="preload" href="app/static/topojson/africa_50m.json" as="fetch" crossorigin="anonymous">
"""  # a denser page, so that more of it fits one screenshot; the map's file fetched before plotly asks for it
FIGURE, VALUE, NOTE = "Figure", "Value", "Note"


@dataclass(frozen=True)
class Context:
    """What every chart states about itself so that a screenshot explains itself."""

    as_of: str
    filters: str
    source: str
    source_short: str  # for charts: publisher and date only
    empty: str = "No events match the filters."  # what a view says when nothing matches: which filters to widen
    where: str = "Libya"  # the countries shown, in words

    @property
    def heading(self) -> str:
        """The page's and the briefing's title: 'Foreign military forces in Libya — as of 29 Jan 2021'."""
        return f"{TITLE.format(where=self.where)} — {self.as_of}"

    def title(self, what: str, width: int) -> str:
        """A chart title: what it shows and the as-of date, then the filters wrapped to the chart's width."""
        filters = text.lines(self.filters, width)
        return f"{what} — {self.as_of}<br><span style='font-size:13px;color:#444'>{filters}</span>"


def context(
    articles: pd.DataFrame,
    anchors: Anchors,
    described: str,
    empty: str = Context.empty,
    where: str = Context.where,
    datasets: tuple[str, ...] = (),
) -> Context:
    """The context of the current view; `datasets` names the dataset files loaded ('ACLED: 2 files')."""
    return Context(
        as_of=as_of(anchors),
        filters=described,
        source=source_line(articles, datasets=datasets),
        source_short=source_line(articles, short=True, datasets=datasets),
        empty=empty,
        where=where,
    )


def source_line(articles: pd.DataFrame, short: bool = False, datasets: tuple[str, ...] = ()) -> str:
    """'Source: Middle East Monitor, “headline”, 29 Jan 2021; ACLED: 1 file' for every source the data cites."""
    cited = [
        f"{row[ArticleMeta.publisher]}, "
        + ("" if short else f"“{row[ArticleMeta.headline]}”, ")
        + dates.day(row[ArticleMeta.published])
        for _, row in articles.sort_values(ArticleMeta.published).iterrows()
    ]
    cited += [d.split(":")[0] for d in datasets] if short else list(datasets)
    return "Source: " + "; ".join(cited) if cited else "Source: none loaded"


def as_of(anchors: Anchors) -> str:
    """'as of 29 Jan 2021': the latest report in the data."""
    return f"as of {dates.day(anchors.latest_report)}" if anchors.latest_report is not None else "no reports loaded"


def build_headline(shown: int, forces: pd.DataFrame, anchors: Anchors) -> pd.DataFrame:
    """The three headline figures, each with a note saying what it counts."""
    overdue = anchors.days_overdue
    linked = counted_once(forces)
    return pd.DataFrame(
        [
            (
                "Foreign forces present",
                str(present_count(forces)),
                "forces the sources place in Libya and do not report withdrawn" + (f" ({linked})" if linked else ""),
            ),
            (
                "Days since the deadline",
                "—" if overdue is None else str(overdue),
                f"deadline {dates.day(anchors.deadline)}, {as_of(anchors)}" if anchors.deadline is not None else "",
            ),
            ("Events shown", f"{shown:,}", "after the filters"),
        ],
        columns=[FIGURE, VALUE, NOTE],
    )
