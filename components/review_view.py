"""The data page (`view=review`): ingest an article, then accept, correct or reject each candidate event (dataset
files are imported further down the same page: components/imports.py)."""

from __future__ import annotations

import hashlib
import html
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import streamlit as st

from components import dates, text
from components.articles import ArticleError, ingest
from components.extract import Candidate
from components.files import upload_name
from components.loader import Dataset
from components.review import (
    ACCEPTED,
    CODED,
    PENDING,
    PRECISION_CODE,
    REJECTED,
    Article,
    Edit,
    Proposal,
    ReviewError,
    accept,
    articles,
    candidates,
    proposals,
    proposed,
    read_decisions,
    reject,
)
from components.schema import DATE_BASES, EVENT_KINDS, GEO_PRECISION, Actors, Places

ARTICLE_KEY, SAID_KEY = "review_article", "_review_said"
MARK_STYLE = "background:#fde68a;padding:0 2px"  # the quote inside its paragraph: legible in a screenshot too


@dataclass(frozen=True)
class Card:
    """One pending candidate as the page shows it: its paragraph split around the quote, and the proposed fields."""

    number: int
    candidate: Candidate
    before: str
    after: str
    edit: Edit
    key: str


@dataclass(frozen=True)
class ReviewPage:
    """What the review page shows for the chosen article."""

    articles: list[Article]
    article: Article | None
    cards: list[Card]
    decided: list[Proposal]
    actors: list[str]
    places: list[str]


def around(article: Article, candidate: Candidate) -> tuple[str, str]:
    """The candidate's paragraph before and after its quote, found by offset (a quote may occur twice)."""
    start = article.text.rfind(candidate.paragraph, 0, candidate.offset + len(candidate.paragraph))  # starts <= offset
    at = candidate.offset - start
    return candidate.paragraph[:at], candidate.paragraph[at + len(candidate.quote) :]


def build_review(curated: Dataset, data: Path, seeds: Path, chosen: str | None) -> ReviewPage:
    """The articles, and the chosen one's candidates: pending ones as cards, the decided ones listed."""
    found = articles(curated, seeds)
    names = [a.name for a in found]
    article = found[names.index(chosen)] if chosen in names else (found[0] if found else None)
    actors = curated.actors[Actors.name].tolist()
    places = curated.places[Places.name].tolist()
    if article is None:
        return ReviewPage(found, None, [], [], actors, places)
    listed = proposals(article, candidates(article, curated), curated.events, read_decisions(data))
    cards, decided = [], []
    for number, proposal in enumerate(listed, start=1):
        if proposal.status != PENDING:
            decided.append(proposal)
            continue
        c = proposal.candidate
        before, after = around(article, c)
        digest = hashlib.sha256(f"{article.name}|{c.offset}|{c.quote}|{c.location}".encode()).hexdigest()[:12]
        cards.append(Card(number, c, before, after, proposed(c), digest))
    return ReviewPage(found, article, cards, decided, actors, places)


def _published(day: date | None, clock: time | None) -> date | datetime | None:
    """The publication date as given on the page: a day, a day and time, or nothing (then the page must say)."""
    if day is None:
        return None
    return datetime.combine(day, clock) if clock is not None else day


def render_upload(seeds: Path) -> None:
    """The upload form: the same ingestion and rules as `conflict-monitor ingest`."""
    with st.form("ingest", clear_on_submit=True):
        upload = st.file_uploader("An article: a text file, or a web page saved as HTML", type=["txt", "html", "htm"])
        day_column, time_column = st.columns(2)
        day = day_column.date_input("Published on (if the file does not say)", value=None, format="YYYY-MM-DD")
        clock = time_column.time_input("at (optional)", value=None)
        publisher = st.text_input("Publisher (if the file does not say: a text file never does)")
        headline = st.text_input("Headline (optional: overrides the page's)")
        submitted = st.form_submit_button("Ingest the article")
    if not submitted:
        return
    if upload is None:
        st.session_state[SAID_KEY] = (False, "Choose a file to ingest.")
        st.rerun()
    with tempfile.TemporaryDirectory(prefix="conflict-monitor-article-") as tmp:
        path = Path(tmp) / upload_name(upload.name, "article.txt")
        path.write_bytes(upload.getvalue())
        try:
            done = ingest(path, seeds, _published(day, clock), publisher or None, headline or None)
        except ArticleError as err:
            st.session_state[SAID_KEY] = (False, str(err).replace(f"{tmp}/", ""))
        else:
            st.session_state[ARTICLE_KEY] = done.article
            how = "stored as" if done.stored else "already in seeds/ as"
            st.session_state[SAID_KEY] = (True, f"{upload.name}: {how} {done.article}.")
    st.rerun()


def _card(page: ReviewPage, card: Card, data: Path, seeds: Path) -> None:
    """One candidate: its quote in its paragraph, the fields to correct, accept or reject."""
    c, edit = card.candidate, card.edit
    precisions = list(PRECISION_CODE) + ([c.precision] if c.precision not in PRECISION_CODE else [])
    with st.form(f"candidate-{card.key}", border=True):
        st.markdown(f"**Candidate {card.number}** · confidence {c.confidence:.2f}")
        mark = f'<mark style="{MARK_STYLE}">{html.escape(c.quote)}</mark>'
        st.html(f'<p class="cm-paragraph">{html.escape(card.before)}{mark}{html.escape(card.after)}</p>')
        st.caption(text.md(f"Date words: {c.date_words}. Rule: {c.rule}."))
        when, precision, basis = st.columns(3)
        start = when.date_input("Date (a week or month: its first day)", value=edit.start, format="YYYY-MM-DD")
        chosen_precision = precision.selectbox("Precision", precisions, index=precisions.index(edit.precision))
        chosen_basis = basis.selectbox(
            "Date basis", DATE_BASES, index=DATE_BASES.index(edit.date_basis),
            help="report: stated as ongoing on the publication date, start not stated",
        )  # fmt: skip
        first, assoc, second = st.columns(3)
        actor_choices = [""] + page.actors
        actor1 = first.selectbox("Actor 1", actor_choices, index=actor_choices.index(edit.actor1))
        with_actors = assoc.multiselect("Associated actors", page.actors, default=list(edit.assoc_actor_1))
        actor2 = second.selectbox("Actor 2", actor_choices, index=0)
        where, precise, kind = st.columns(3)
        place_choices = [""] + page.places
        location = where.selectbox(
            "Place", place_choices, index=place_choices.index(edit.location), format_func=lambda p: p or "(none)"
        )
        geo_choices = [None, *GEO_PRECISION]
        geo = precise.selectbox(
            "Place precision", geo_choices, index=geo_choices.index(edit.geo_precision),
            format_func=lambda g: "(no place)" if g is None else f"{g}: {GEO_PRECISION[g]}",
        )  # fmt: skip
        event_kind = kind.selectbox("Event kind", EVENT_KINDS, index=EVENT_KINDS.index(edit.event_kind))
        yes, no = st.columns(2)
        accepted = yes.form_submit_button("Accept", type="primary", width="stretch")
        rejected = no.form_submit_button("Reject", width="stretch")
    if not (accepted or rejected):
        return
    article = page.article
    try:
        if accepted:
            chosen = Edit(start, chosen_precision, chosen_basis, actor1, tuple(with_actors), actor2, location, geo,
                          event_kind)  # fmt: skip
            event_id = accept(data, seeds, article, c, chosen)
            said = (True, f"Accepted as {event_id}: it is on the dashboard now.")
        else:
            reject(data, article, c)
            said = (True, f"Rejected candidate {card.number}: it will not be proposed again.")
    except ReviewError as err:
        said = (False, f"Candidate {card.number} not recorded: {err}")
    st.session_state[SAID_KEY] = said
    st.rerun()


def render_review(curated: Dataset, data: Path, seeds: Path, back: str) -> None:
    """The review page: the upload, the article chosen, its pending candidates, then those decided."""
    st.title("New data")
    st.html(f'<a href="?{html.escape(back)}" target="_self">Back to the dashboard</a>')
    st.header("Articles: candidate events to review")
    said = st.session_state.pop(SAID_KEY, None)
    if said:
        (st.success if said[0] else st.error)(text.md(said[1]))
    with st.expander("Add an article", expanded=not curated.sources.shape[0]):
        render_upload(seeds)
    page = build_review(curated, data, seeds, st.session_state.get(ARTICLE_KEY))
    if page.article is None:
        st.info("No article yet: add one above.")
        return
    names = [a.name for a in page.articles]
    by_name = {a.name: a for a in page.articles}
    st.session_state[ARTICLE_KEY] = page.article.name
    st.selectbox(
        "Article", names, key=ARTICLE_KEY,
        format_func=lambda n: f"{by_name[n].headline or n} — {by_name[n].publisher or 'publisher unknown'}, "
        f"{dates.day(by_name[n].published)} ({n})",
    )  # fmt: skip
    st.caption(
        text.md(f"{len(page.cards)} candidate(s) to review; {len(page.decided)} decided or already events. "
                "Each quote stands verbatim in the article; dates are as precise as its words.")
    )  # fmt: skip
    for card in page.cards:
        _card(page, card, data, seeds)
    if page.decided:
        with st.expander(f"Decided or already events ({len(page.decided)})"):
            for proposal in page.decided:
                label = {ACCEPTED: "accepted as", REJECTED: "rejected", CODED: "already an event:"}[proposal.status]
                st.markdown(text.md(f"{label} {proposal.event_id} — “{proposal.candidate.quote}”"))
