"""components.review and the `ingest` command: candidates of an ingested article, accepted into events.csv only
once the loader validates them (atomically, the previous version kept, under a lock), or rejected and remembered."""

import json
import shutil
import threading
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from builders import FROZEN_DATA, FROZEN_SEEDS, copy_seeds, shipped
from builders import run_command as run

from components import dates, loader, review
from components.articles import ingest
from components.extract import recall
from components.review import ACCEPTED, CODED, PENDING, REJECTED, ReviewError
from components.schema import Events, Reviews

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PAGE = HERE / "articles" / "libya_page.html"
SEED = FROZEN_SEEDS / "000_a73a2923047b2e61.txt"


@pytest.fixture
def folders(tmp_path):
    """A copy of the shipped data files and of the seed article: what ingest and accept write into."""
    data, _ = shipped(tmp_path)
    seeds = tmp_path / "seeds"
    copy_seeds(seeds)
    return data, seeds


def proposals_of(data, seeds, name):
    """The article `name`, and its candidates with their status, as the review page lists them."""
    curated = loader.load(data, seeds)
    [article] = [a for a in review.articles(curated, seeds) if a.name == name]
    found = review.candidates(article, curated)
    return article, review.proposals(article, found, curated.events, review.read_decisions(data))


@pytest.fixture
def page_article(folders):
    """The saved page ingested: the article and its proposals."""
    data, seeds = folders
    done = ingest(PAGE, seeds)
    return (data, seeds, *proposals_of(data, seeds, done.article))


def pending(proposals, location=None):
    """The first pending candidate (at a place, when given)."""
    return next(
        p.candidate for p in proposals if p.status == PENDING and (location is None or p.candidate.location == location)
    )


def test_the_seed_article_proposes_its_hand_coded_events_as_already_events(folders):
    data, seeds = folders
    _, listed = proposals_of(data, seeds, SEED.name)
    coded = {p.event_id for p in listed if p.status == CODED}
    events = pd.read_csv(data / Events.file, dtype=str)
    assert coded == set(events[Events.event_id_cnty]), "every hand-coded event is recognised, none proposed again"
    assert [p for p in listed if p.status == PENDING] == [p for p in listed if not p.event_id]


def test_accept_writes_a_validated_event_atomically_and_keeps_the_previous_version(page_article):
    data, seeds, article, listed = page_article
    before = (data / Events.file).read_bytes()
    candidate = pending(listed, "Sirte")
    event_id = review.accept(data, seeds, article, candidate, review.proposed(candidate))
    after = (data / Events.file).read_bytes()
    assert after.startswith(before) and after != before, "the file grows by the new row only"
    [kept] = (data / review.HISTORY).iterdir()
    assert kept.read_bytes() == before
    loaded = loader.load(data, seeds)
    assert loaded.problems == [] and loaded.file_problems == []
    row = loaded.events.set_index(Events.event_id_cnty).loc[event_id]
    assert row[Events.quote] == candidate.quote and candidate.quote in article.text
    assert (row[Events.location], row[Events.article]) == ("Sirte", article.name)
    assert row[Events.event_date].date() == candidate.start
    assert candidate.date_words in row[Events.notes], "the row says how its date was resolved"
    assert not list(data.glob(".*.tmp")), "no temporary file left behind"
    _, again = proposals_of(data, seeds, article.name)
    assert [(p.status, p.event_id) for p in again if p.candidate == candidate] == [(ACCEPTED, event_id)]


def test_accepting_one_place_of_a_sentence_leaves_its_other_place_proposed(folders, tmp_path):
    """'Sirte and Tripoli' gives a candidate per place: the Sirte event does not stand for the Tripoli one."""
    data, seeds = folders
    text = tmp_path / "two.txt"
    text.write_text("Forces stay\n\nTurkish forces are based around the cities of Sirte and Tripoli.\n", "utf-8")
    done = ingest(text, seeds, published=date(2021, 2, 3), publisher="Example News")
    article, listed = proposals_of(data, seeds, done.article)
    assert {p.candidate.location for p in listed if p.status == PENDING} == {"Sirte", "Tripoli"}
    review.accept(data, seeds, article, pending(listed, "Sirte"), review.proposed(pending(listed, "Sirte")))
    _, again = proposals_of(data, seeds, done.article)
    assert {(p.candidate.location, p.status) for p in again} == {("Sirte", ACCEPTED), ("Tripoli", PENDING)}


def test_corrections_are_written_as_the_analyst_set_them(page_article):
    data, seeds, article, listed = page_article
    candidate = pending(listed)
    edit = replace(review.proposed(candidate), location="Tripoli", geo_precision=2, event_kind="statement",
                   actor2="Russia")  # fmt: skip
    event_id = review.accept(data, seeds, article, candidate, edit)
    row = loader.load(data, seeds).events.set_index(Events.event_id_cnty).loc[event_id]
    assert (row[Events.location], row[Events.geo_precision], row[Events.event_kind]) == ("Tripoli", 2, "statement")
    assert row[Events.actor2] == "Russia" and "corrected by the analyst" in row[Events.notes]


@pytest.mark.parametrize(
    ("start", "level", "first", "last"),
    [
        (date(2020, 12, 28), "week", date(2020, 12, 28), date(2021, 1, 3)),  # a week across the new year
        (date(2021, 1, 18), "week", date(2021, 1, 18), date(2021, 1, 24)),
        (date(2021, 2, 1), "month", date(2021, 2, 1), date(2021, 2, 28)),
    ],
)
def test_an_accepted_week_or_month_reads_back_as_the_span_the_analyst_set(page_article, start, level, first, last):
    """A week is written on its middle day (ACLED's rule, components/precision.py): read back, it is the week the
    analyst chose, never three days early; its year is the middle day's."""
    data, seeds, article, listed = page_article
    candidate = pending(listed)
    event_id = review.accept(data, seeds, article, candidate, replace(review.proposed(candidate), start=start,
                                                                       precision=level))  # fmt: skip
    events = loader.load(data, seeds).events
    row = events[events[Events.event_id_cnty] == event_id]
    assert (dates.starts(row).iloc[0].date(), dates.ends(row).iloc[0].date()) == (first, last)
    assert int(row[Events.year].iloc[0]) == pd.Timestamp(row[Events.event_date].iloc[0]).year


def test_an_event_the_loader_rejects_is_not_written(page_article):
    data, seeds, article, listed = page_article
    before = (data / Events.file).read_bytes()
    candidate = pending(listed)
    with pytest.raises(ReviewError, match="actor1"):
        review.accept(data, seeds, article, candidate, replace(review.proposed(candidate), actor1=""))
    assert (data / Events.file).read_bytes() == before
    assert not (data / review.HISTORY).exists() and not (data / Reviews.file).exists()


def test_a_year_is_not_written_as_a_finer_date(page_article):
    data, seeds, article, listed = page_article
    candidate = pending(listed)
    with pytest.raises(ReviewError, match="day, week or month"):
        review.accept(data, seeds, article, candidate, replace(review.proposed(candidate), precision="year"))


def test_a_rejected_candidate_is_remembered_and_not_proposed_again(page_article):
    data, seeds, article, listed = page_article
    candidate = pending(listed)
    review.reject(data, article, candidate)
    _, again = proposals_of(data, seeds, article.name)
    assert [p.status for p in again if p.candidate == candidate] == [REJECTED]
    assert candidate not in [p.candidate for p in again if p.status == PENDING]
    with pytest.raises(ReviewError, match="decided meanwhile"):
        review.accept(data, seeds, article, candidate, review.proposed(candidate))


def test_two_tabs_accepting_at_once_lose_no_row(page_article):
    data, seeds, article, listed = page_article
    chosen = [p.candidate for p in listed if p.status == PENDING and p.candidate.actors][:2]
    assert len(chosen) == 2
    start, ids, errors = threading.Barrier(len(chosen)), [], []

    def tab(candidate):
        """One tab's accept, started at the same moment as the other's."""
        start.wait()
        try:
            ids.append(review.accept(data, seeds, article, candidate, review.proposed(candidate)))
        except Exception as err:  # collected: a failure in a thread must fail the test
            errors.append(err)

    threads = [threading.Thread(target=tab, args=(c,)) for c in chosen]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(set(ids)) == 2
    loaded = loader.load(data, seeds)
    assert loaded.problems == [] and set(ids) <= set(loaded.events[Events.event_id_cnty])
    assert len(list((data / review.HISTORY).iterdir())) == 2
    assert len(review.read_decisions(data)) == 2


def test_the_same_candidate_accepted_twice_is_written_once(page_article):
    data, seeds, article, listed = page_article
    candidate = pending(listed)
    review.accept(data, seeds, article, candidate, review.proposed(candidate))
    rows = len(pd.read_csv(data / Events.file))
    with pytest.raises(ReviewError, match="decided meanwhile"):
        review.accept(data, seeds, article, candidate, review.proposed(candidate))
    assert len(pd.read_csv(data / Events.file)) == rows


# --- The command ---------------------------------------------------------------------------------------------------


def test_ingest_json_gives_every_field(folders, capsys):
    data, seeds = folders
    code, out, err = run(["--data", str(data), "--seeds", str(seeds), "ingest", str(PAGE), "--json"], capsys)
    assert code == 0 and err.startswith("stored: ")
    listed = json.loads(out)
    fields = {"quote", "start", "end", "precision", "date_basis", "date_words", "actors", "actor_words", "location",
              "geo_precision", "event_kind", "confidence", "rule"}  # fmt: skip
    assert listed and all(fields <= set(c) for c in listed)
    [stored] = [p for p in seeds.glob("001_*.txt")]
    assert all(c["quote"] in stored.read_text(encoding="utf-8") for c in listed)
    assert {(c["location"], c["geo_precision"]) for c in listed} >= {("Tripoli", 2), ("Sirte", 2)}


def test_ingest_without_a_publication_date_stops_with_one_line(folders, tmp_path, capsys):
    data, seeds = folders
    text = tmp_path / "note.txt"
    text.write_text("Forces stay\n\nTurkish forces are based south of Tripoli.\n", encoding="utf-8")
    code, out, err = run(["--data", str(data), "--seeds", str(seeds), "ingest", str(text)], capsys)
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1 and "--published" in err
    assert sorted(p.name for p in seeds.iterdir()) == sorted(p.name for p in FROZEN_SEEDS.iterdir())
    code, out, _ = run(["--data", str(data), "--seeds", str(seeds), "ingest", str(text), "--published", "2021-02-03",
                        "--publisher", "Example News"], capsys)  # fmt: skip
    assert code == 0 and "3 Feb 2021 (day, report)" in out, "'are based' with no date: dated to the report"
    [meta] = seeds.glob("001_*.meta.json")
    assert json.loads(meta.read_text(encoding="utf-8"))["published"] == "2021-02-03", "no time invented"


def test_the_seed_article_ingested_from_a_copy_gives_the_recall(folders, tmp_path, capsys):
    data, _ = folders
    seeds = tmp_path / "fresh-seeds"
    copy = tmp_path / "memo.txt"
    shutil.copyfile(SEED, copy)
    meta = json.loads(SEED.with_name(SEED.stem + ".meta.json").read_text(encoding="utf-8"))
    argv = ["--data", str(data), "--seeds", str(seeds), "ingest", str(copy), "--published", meta["published"],
            "--publisher", meta["publisher"], "--headline", meta["headline"], "--json"]  # fmt: skip
    code, out, _ = run(argv, capsys)
    assert code == 0
    [stored] = seeds.glob("*.txt")
    assert stored.read_bytes() == SEED.read_bytes()
    from components.extract import Candidate  # rebuilt from the JSON, to score as the README reports

    found = [
        Candidate(**{**c, "start": pd.Timestamp(c["start"]).date(), "end": pd.Timestamp(c["end"]).date(),
                     "actors": tuple(c["actors"]), "actor_words": tuple(c["actor_words"])})
        for c in ({k: v for k, v in c.items() if k not in ("status", "event_id")} for c in json.loads(out))
    ]  # fmt: skip
    events = pd.read_csv(data / Events.file, dtype=str, keep_default_na=False)
    matched, total, _ = recall(found, events[events[Events.article] == SEED.name])
    assert (total, matched >= 10) == (11, True)
    code, again, err = run(argv, capsys)
    assert code == 0 and err.startswith("already stored") and len(list(seeds.glob("*.txt"))) == 1


# --- The page ------------------------------------------------------------------------------------------------------


def test_the_quote_is_marked_where_it_stands_in_its_paragraph(page_article):
    from components.pages.review_view import around

    _, _, article, listed = page_article
    for proposal in listed:
        c = proposal.candidate
        before, after = around(article, c)
        assert before + c.quote + after == c.paragraph
        assert article.text[c.offset - len(before) : c.offset + len(c.quote) + len(after)] == c.paragraph


def test_a_repeated_sentence_is_marked_at_its_own_offset():
    from components.pages.review_view import around
    from components.review import Article

    sentence = "Turkish forces are based south of Tripoli."
    text = f"{sentence} {sentence}\n"
    curated = loader.load(FROZEN_DATA, FROZEN_SEEDS)
    article = Article("x.txt", "", "", pd.Timestamp("2021-02-03"), text)
    found = review.candidates(article, curated)
    assert [c.offset for c in found] == [0, len(sentence) + 1]
    assert around(article, found[1]) == (f"{sentence} ", "")


def test_the_review_page_lists_pending_candidates_and_accepts_one(folders, monkeypatch):
    from apptest import ok, start
    from builders import use_data

    data, seeds = folders
    use_data(monkeypatch, data, seeds, data.parent / "store")
    done = ingest(PAGE, seeds)
    at = start({"view": "review"})
    assert at.title[0].value == "New data"
    assert at.selectbox(key="review_article").value == done.article, "the newest article first"
    _, listed = proposals_of(data, seeds, done.article)
    accepts = [b for b in at.button if b.label == "Accept"]
    assert len(accepts) == sum(p.status == PENDING for p in listed) > 0
    ok(accepts[0].click().run())
    [said] = [s.value for s in at.success]
    assert said.startswith("Accepted as LBY") and len(pd.read_csv(data / Events.file)) == 12
    assert len([b for b in at.button if b.label == "Accept"]) == len(accepts) - 1
