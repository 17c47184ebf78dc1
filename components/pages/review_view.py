"""The data page (`view=review`): ingest an article, then accept, correct or reject each candidate event (dataset
files are imported further down the same page: components/pages/uploads.py). A candidate's place may be any place of
data/places.csv or of the imported datasets, each shown with where its coordinate comes from."""

from __future__ import annotations

import hashlib
import html
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd
import streamlit as st

from components import access, audit, dates, gazetteer, review, text
from components.access import Access
from components.articles import EARLIEST, PUBLISHED, PUBLISHER, ArticleError, ingest, latest
from components.errors import log_unexpected
from components.extract import Candidate
from components.files import upload_name
from components.gazetteer import Place
from components.loader import Dataset
from components.pages import cache, signin
from components.queries import datapage
from components.queries.reader import Reader
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
from components.schema import DATE_BASES, EVENT_KINDS, GEO_PRECISION, Actors

ARTICLE_KEY, SAID_KEY = "review_article", "_review_said"
MARK_STYLE = "background:#fde68a;padding:0 2px"  # the quote inside its paragraph: legible in a screenshot too
PAGE_KEY = "review_page"  # + the article's name: each article keeps its own page of candidates
PAGE_SIZE = 20  # candidate cards per page: an article of thousands of candidates is shown a page at a time
CONTEXT_CHARS = 600  # of the paragraph either side of a quote: a paragraph of a megabyte is cut, not sent whole
DECIDED_SHOWN, DECIDED_QUOTE = 200, 300  # decided candidates listed, and characters of each quote
# The imported datasets' places offered in each card's list, most events first (each card carries its list: a million
# events name thousands of places); any other is chosen by typing its name as the dataset writes it. The same places
# are found in the articles' text (components/review.py's DATASET_PLACES, shared with the ingest command).
DATASET_PLACES = review.DATASET_PLACES
PLACE_HELP = (
    "The places of places.csv first, then those the imported datasets give a point (most events first), each with "
    "where its coordinate comes from. An event at a dataset's place adds that place to places.csv, citing the file and "
    "line. A dataset place not listed: type its name as the file writes it."
)
# What the page's own fields are called when an article misses something (the command line names its flags).
FIELDS = {PUBLISHED: "set the publication date above", PUBLISHER: "set the publisher above"}
# An absolute path's folders in a message (a temporary folder, the server's data folder): the page names plain files.
FOLDERS = re.compile(r"(?<![\w./-])/(?:[\w.-]+/)+")


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
    places: list[str]  # the names offered: places.csv's, then the datasets'
    pending: int = 0  # pending candidates of the article, on every page
    page: int = 1
    pages: int = 1
    first: int = 0  # how many pending candidates come before this page's
    place_of: dict[str, Place] = field(default_factory=dict)  # each offered name: where it lies, and its source

    def place_label(self, name: str) -> str:
        """A place as the list shows it: its name and where its coordinate comes from."""
        place = self.place_of.get(name)
        return place.label() if place else (name or "(none)")


def around(article: Article, candidate: Candidate) -> tuple[str, str]:
    """The candidate's paragraph before and after its quote, found by offset (a quote may occur twice)."""
    start = article.text.rfind(candidate.paragraph, 0, candidate.offset + len(candidate.paragraph))  # starts <= offset
    at = candidate.offset - start
    return candidate.paragraph[:at], candidate.paragraph[at + len(candidate.quote) :]


def build_review(curated: Dataset, data: Path, seeds: Path, chosen: str | None, page: int = 1,
                 located: pd.DataFrame | None = None) -> ReviewPage:  # fmt: skip
    """The articles, and the chosen one's candidates: the pending ones of one page as cards, the decided listed; the
    places offered are places.csv's and those of `located` (components/queries/datapage.py: the datasets' places)."""
    found = articles(curated, seeds)
    names = [a.name for a in found]
    article = found[names.index(chosen)] if chosen in names else (found[0] if found else None)
    # actors.csv's actors, then those only the knowledge files know (an accept writes the one it names to actors.csv)
    actors = curated.actors[Actors.name].tolist() + review.knowledge_actors(curated.actors)
    offered = gazetteer.offered_places(curated.places, located if located is not None else pd.DataFrame())
    named = {o.name for o in offered}
    offered += [p for p in review.knowledge_places(curated.places) if p.name not in named]
    place_of = {p.name: p for p in offered}
    places = list(place_of)
    if article is None:
        return ReviewPage(found, None, [], [], actors, places, place_of=place_of)
    listed = proposals(article, candidates(article, curated, data, located), curated.events, read_decisions(data))
    waiting = [(number, p.candidate) for number, p in enumerate(listed, start=1) if p.status == PENDING]
    decided = [p for p in listed if p.status != PENDING]
    pages = max(1, -(-len(waiting) // PAGE_SIZE))
    page = min(max(page, 1), pages)  # fewer pages once candidates are decided: the last one
    first = (page - 1) * PAGE_SIZE
    cards = [_card_of(article, number, c) for number, c in waiting[first : first + PAGE_SIZE]]  # this page's only
    return ReviewPage(found, article, cards, decided, actors, places, len(waiting), page, pages, first, place_of)


def find_place(curated: Dataset, reader: Reader | None, name: str) -> Place | None:
    """A place typed by name (any case): places.csv's, else the one an imported dataset writes so, else None."""
    wanted = name.strip().casefold()
    located = datapage.dataset_place(reader, name.strip()) if reader is not None and wanted else pd.DataFrame()
    return next((p for p in gazetteer.offered_places(curated.places, located) if p.name.casefold() == wanted), None)


def _card_of(article: Article, number: int, c: Candidate) -> Card:
    """The card of one pending candidate: its paragraph around the quote, cut to CONTEXT_CHARS either side."""
    before, after = around(article, c)
    before = before if len(before) <= CONTEXT_CHARS else "…" + before[-CONTEXT_CHARS:]
    after = after if len(after) <= CONTEXT_CHARS else after[:CONTEXT_CHARS] + "…"
    digest = hashlib.sha256(f"{article.name}|{c.offset}|{c.quote}|{c.location}".encode()).hexdigest()[:12]
    return Card(number, c, before, after, proposed(c), digest)


def plain(message: str, *folders: str) -> str:
    """A message as the page shows it: any absolute path's folders and these folders left out, the file names kept."""
    message = FOLDERS.sub("", message)
    for folder in folders:  # a relative folder the pattern does not see
        message = message.replace(f"{folder}/", "")
    return message


def _published(day: date | None, clock: time | None) -> date | datetime | None:
    """The publication date as given on the page: a day, a day and time, or nothing (then the page must say)."""
    if day is None:
        return None
    return datetime.combine(day, clock) if clock is not None else day


def render_upload(seeds: Path, data: Path, user: Access) -> None:
    """The upload form: the same ingestion and rules as `conflict-monitor ingest` (an editor's only)."""
    if user.read_only:
        st.caption(text.md(f"{user.says} Adding an article needs an editor."))
        return
    with st.form("ingest", clear_on_submit=True):
        upload = st.file_uploader("An article: a text file, or a web page saved as HTML", type=["txt", "html", "htm"])
        day_column, time_column = st.columns(2)
        day = day_column.date_input("Published on (if the file does not say)", value=None, format="YYYY-MM-DD",
                                    min_value=EARLIEST, max_value=latest())  # fmt: skip
        clock = time_column.time_input("at (optional)", value=None)
        publisher = st.text_input("Publisher (if the file does not say: a text file never does)")
        headline = st.text_input("Headline (optional: overrides the page's)")
        submitted = st.form_submit_button("Ingest the article")
    if not submitted:
        return
    if upload is None:
        st.session_state[SAID_KEY] = (False, "Choose a file to ingest.")
        st.rerun()
    try:  # checked again on the server: a viewer never reaches ingest, whatever the page showed
        who = access.require(user, "adding an article")
    except access.NotAllowed as err:
        st.session_state[SAID_KEY] = (False, str(err))
        st.rerun()
    try:
        with tempfile.TemporaryDirectory(prefix="conflict-monitor-article-") as tmp:
            path = Path(tmp) / upload_name(upload.name, "article.txt")
            path.write_bytes(upload.getvalue())
            try:
                done = ingest(path, seeds, _published(day, clock), publisher or None, headline or None)
            except ArticleError as err:  # what is missing, in the words of this page: its fields
                st.session_state[SAID_KEY] = (False, plain(err.worded(FIELDS), tmp))
            else:
                st.session_state[ARTICLE_KEY] = done.article
                audit.ingested(data, who, done, f"an upload named {upload.name}")
                how = "stored as" if done.stored else "already in seeds/ as"
                st.session_state[SAID_KEY] = (True, f"{upload.name}: {how} {done.article}.")
    except Exception as err:  # anything else (a full disk...): one line with an id, the traceback to the log only
        st.session_state[SAID_KEY] = (False, log_unexpected(err, "ingesting the article"))
    st.rerun()


def _card(page: ReviewPage, card: Card, data: Path, seeds: Path, user: Access, curated: Dataset,
          reader: Reader | None) -> None:  # fmt: skip
    """One candidate: its quote in its paragraph, the fields to correct, accept or reject (a viewer: read only)."""
    c, edit = card.candidate, card.edit
    if user.read_only:
        _read_only_card(card)
        return
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
            "Place", place_choices, index=place_choices.index(edit.location), format_func=page.place_label,
            accept_new_options=True, help=PLACE_HELP,
        )  # fmt: skip
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
        who = access.require(user, f"candidate {card.number}")  # on the server, before any change
        if accepted:
            place = page.place_of.get(location or "") or (find_place(curated, reader, location) if location else None)
            location = place.name if place else (location or "")  # a typed name as its file writes it
            chosen = Edit(start, chosen_precision, chosen_basis, actor1, tuple(with_actors), actor2, location, geo,
                          event_kind)  # fmt: skip
            event_id = accept(data, seeds, article, c, chosen, who=who, place=place)
            said = (True, f"Accepted as {event_id}: it is on the dashboard now.")
        else:
            reject(data, article, c, who=who)
            said = (True, f"Rejected candidate {card.number}: it will not be proposed again.")
    except ReviewError as err:
        said = (False, f"Candidate {card.number} not recorded: {plain(str(err), str(data), str(seeds))}")
    except access.NotAllowed as err:
        said = (False, str(err))
    except Exception as err:  # anything else: one line with an id, the traceback to the server log only
        said = (False, log_unexpected(err, f"{'accepting' if accepted else 'rejecting'} candidate {card.number}"))
    st.session_state[SAID_KEY] = said
    st.rerun()


def _read_only_card(card: Card) -> None:
    """A candidate as a viewer sees it: its quote in its paragraph and the proposed fields, nothing to press."""
    c, edit = card.candidate, card.edit
    with st.container(border=True):
        st.markdown(f"**Candidate {card.number}** · confidence {c.confidence:.2f}")
        mark = f'<mark style="{MARK_STYLE}">{html.escape(c.quote)}</mark>'
        st.html(f'<p class="cm-paragraph">{html.escape(card.before)}{mark}{html.escape(card.after)}</p>')
        actors = ", ".join([edit.actor1, *edit.assoc_actor_1]) if edit.actor1 else "no actor"
        st.caption(text.md(f"Proposed: {edit.start.isoformat()} ({edit.precision}, {edit.date_basis}) · "
                           f"{edit.event_kind} · {actors} · {edit.location or 'no place'}. Date words: {c.date_words}. "
                           f"Rule: {c.rule}."))  # fmt: skip


@st.cache_resource(max_entries=4, show_spinner=False)
def _located(_reader: Reader, key: str) -> pd.DataFrame:
    """The datasets' places offered, once per store and version (`key`: Store.key)."""
    return datapage.dataset_places(_reader, DATASET_PLACES)


def render_review(curated: Dataset, data: Path, seeds: Path, back: str, user: Access | None = None,
                  reader: Reader | None = None) -> None:  # fmt: skip
    """The review page: who the user is, the upload, the article chosen, its pending candidates, then those decided
    (a viewer sees them all, with no button that changes data). `reader`: the event store (by default the page's)."""
    user = user or signin.current()
    reader = reader if reader is not None else cache.store()
    st.title("New data")
    st.html(f'<a href="?{html.escape(back)}" target="_self">Back to the dashboard</a>')
    signin.render_status(user)
    st.header("Articles: candidate events to review")
    said = st.session_state.pop(SAID_KEY, None)
    if said:
        (st.success if said[0] else st.error)(text.md(said[1]))
    with st.expander("Add an article", expanded=not curated.articles.shape[0]):
        render_upload(seeds, data, user)
    chosen = st.session_state.get(ARTICLE_KEY)
    try:
        key = getattr(reader, "key", "")  # a Store's: which store at which version
        located = _located(reader, key) if key else datapage.dataset_places(reader, DATASET_PLACES)
        page = build_review(curated, data, seeds, chosen, st.session_state.get(f"{PAGE_KEY}:{chosen}", 1), located)
    except ReviewError as err:  # reviews.csv damaged by hand, say: one line; the upload above still works
        st.error(text.md(plain(str(err), str(data), str(seeds))))
        return
    except Exception as err:  # anything else: one line with an id, the traceback to the server log only
        st.error(text.md(log_unexpected(err, "listing the article's candidates")))
        return
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
    shown = f"candidates {page.first + 1:,}–{page.first + len(page.cards):,} of " if page.cards else ""
    st.caption(
        text.md(f"{shown}{page.pending:,} to review; {len(page.decided):,} decided or already events. "
                "Each quote stands verbatim in the article; dates are as precise as its words.")
    )  # fmt: skip
    if page.pages > 1:
        page_key = f"{PAGE_KEY}:{page.article.name}"
        st.session_state[page_key] = page.page  # set before the widget: a page that no longer exists is not kept
        st.number_input(f"Page (of {page.pages:,}, {PAGE_SIZE} candidates each)", min_value=1,
                        max_value=page.pages, step=1, key=page_key)  # fmt: skip
    for card in page.cards:
        _card(page, card, data, seeds, user, curated, reader)
    if page.decided:
        with st.expander(f"Decided or already events ({len(page.decided):,})"):
            for proposal in page.decided[:DECIDED_SHOWN]:  # bounded: an article may have thousands
                label = {ACCEPTED: "accepted as", REJECTED: "rejected", CODED: "already an event:"}[proposal.status]
                quote = proposal.candidate.quote
                quote = quote if len(quote) <= DECIDED_QUOTE else quote[:DECIDED_QUOTE] + "…"
                st.markdown(text.md(f"{label} {proposal.event_id} — “{quote}”"))
            if len(page.decided) > DECIDED_SHOWN:
                st.caption(f"… and {len(page.decided) - DECIDED_SHOWN:,} more.")
