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

from components import audit, dates, loader, review
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


# --- Issue 15: the data page's places, twins, notes and an import's problem rows ------------------------------------

FIXTURES = HERE / "fixtures"
TWINS = "Wagner\n\nRussian mercenaries from the Wagner Group are based around the key cities of Sirte and Jufra.\n"


@pytest.fixture
def twins(folders, tmp_path):
    """An article whose one sentence gives a candidate at Sirte and one at Jufra, and a store with an ACLED file
    imported (its places: Hun, Misrata, Ain Zara...)."""
    from builders import store_of

    data, seeds = folders
    text = tmp_path / "twins.txt"
    text.write_text(TWINS, encoding="utf-8")
    done = ingest(text, seeds, published=date(2021, 2, 3), publisher="Example News")
    store = store_of(data, seeds, tmp_path)
    store.import_file(FIXTURES / "acled_current.csv")
    return data, seeds, store, done.article


def dataset_place(store, name):
    """A place of the imported datasets, as the data page offers it."""
    from components import gazetteer
    from components.queries import datapage

    offered = gazetteer.offered_places(loader.load(store.data, store.seeds).places, datapage.dataset_places(store, 500))
    return next(p for p in offered if p.name == name)


def fixture_line(name, line):
    """A physical line of a fixture file (the header is line 1)."""
    return (FIXTURES / name).read_text(encoding="utf-8").splitlines()[line - 1]


def test_the_places_offered_are_the_gazetteers_then_the_datasets_each_with_its_source(twins):
    from components.pages import review_view
    from components.queries import datapage

    data, seeds, store, name = twins
    curated = loader.load(data, seeds)
    page = review_view.build_review(curated, data, seeds, name, located=datapage.dataset_places(store, 500))
    assert page.places[:4] == ["Tripoli", "Sirte", "Jufra", "Libya"], "places.csv first, in its order"
    assert "GeoNames 2210554" in page.place_label("Sirte"), "a curated place says its coord_source"
    assert {"Hun", "Misrata", "Ain Zara", "Tarhuna", "Benghazi", "Tripoli - Abu Salim"} <= set(page.places[4:])
    assert page.places.count("Sirte") == page.places.count("Tripoli") == 1, "a place of places.csv is offered once"
    hun = page.place_of["Hun"]
    assert not hun.curated and (hun.latitude, hun.longitude, hun.country) == (29.1268, 15.9477, "Libya")
    assert page.place_label("Hun") == "Hun — ACLED file acled_current.csv line 3"
    assert hun.source == "ACLED file sources/acled/acled_current.csv line 3 (the point its one event uses)"
    assert ",Hun,29.1268,15.9477," in fixture_line("acled_current.csv", 3), "the line cited gives that point"
    assert review_view.find_place(curated, store, "hun") == hun, "a typed name, any case"
    assert review_view.find_place(curated, store, "sirte").curated
    assert review_view.find_place(curated, store, "Atlantis'; DROP TABLE events; --") is None


def test_a_datasets_place_is_offered_once_with_the_point_most_of_its_events_use():
    """Built from rows as the store's query gives them: a place of places.csv (by name or alias, any case) is not
    offered again; each place says where its point was read and how many of its events use it."""
    from components import gazetteer

    places = pd.DataFrame([
        {"name": "Tripoli", "aliases": "the capital Tripoli", "country": "Libya", "admin1": "Tripoli",
         "latitude": 32.88743, "longitude": 13.18733, "precision": "town", "coord_source": "GeoNames 2210247"},
        {"name": "Libya", "aliases": "", "country": "Libya", "admin1": "", "latitude": pd.NA, "longitude": pd.NA,
         "precision": "country", "coord_source": ""},
    ])  # fmt: skip
    columns = ["location", "latitude", "longitude", "country", "admin1", "dataset", "source_file", "line", "finest",
               "events_here", "events", "points"]  # fmt: skip
    located = pd.DataFrame([
        ("Al Watiyah", 32.4736, 11.8977, "Libya", "Nuqat al Khams", "ACLED", "sources/acled/a.csv", 12, 1, 3, 5, 2),
        ("TRIPOLI", 32.8872, 13.1913, "Libya", "Tripoli", "ACLED", "sources/acled/a.csv", 2, 1, 9, 9, 1),
        ("The Capital Tripoli", 32.9, 13.2, "Libya", "Tripoli", "ACLED", "sources/acled/a.csv", 3, 1, 1, 1, 1),
        ("Al Jufrah district", 28.98, 15.85, "Libya", "Al Jufrah", "UCDP GED", "sources/ucdp/u.csv", 4, 3, 4, 4, 1),
        ("Brak", 27.55, 14.27, "Libya", "Wadi al Shatii", "ACLED", "sources/acled/a.csv", 7, 2, 1, 1, 1),
    ], columns=columns)  # fmt: skip
    offered = gazetteer.offered_places(places, located)
    assert [p.name for p in offered] == ["Tripoli", "Libya", "Al Watiyah", "Al Jufrah district", "Brak"]
    tripoli, libya, watiya, jufrah, brak = offered
    assert tripoli.label() == "Tripoli — GeoNames 2210247" and libya.latitude is None
    assert libya.label() == f"Libya — {gazetteer.NO_SOURCE}"
    assert watiya.label() == "Al Watiyah — ACLED file a.csv line 12"
    assert watiya.source == "ACLED file sources/acled/a.csv line 12 (the point 3 of its 5 events use)"
    assert jufrah.source.endswith("(the point all 4 of its events use)") and jufrah.precision == "district"
    assert brak.source.endswith("(the point its one event uses)") and brak.precision == "town"
    row = gazetteer.place_row(watiya, date(2026, 11, 30))
    assert (row["latitude"], row["longitude"], row["admin1"]) == ("32.4736", "11.8977", "Nuqat al Khams")
    assert row["coord_source"] == f"{watiya.source}; added to places.csv by review on 2026-11-30"
    with pytest.raises(ValueError, match="no coordinate"):
        gazetteer.place_row(libya, date(2026, 11, 30))


def test_an_event_at_a_dataset_place_writes_that_place_with_its_source_and_gets_its_point(twins):
    data, seeds, store, name = twins
    article, listed = proposals_of(data, seeds, name)
    places_before = (data / "places.csv").read_bytes()
    candidate = pending(listed, "Sirte")
    hun = dataset_place(store, "Hun")
    event_id = review.accept(data, seeds, article, candidate, replace(review.proposed(candidate), location="Hun"),
                             place=hun)  # fmt: skip
    after = (data / "places.csv").read_bytes()
    assert after.startswith(places_before) and after.count(b"\n") == places_before.count(b"\n") + 1
    assert places_before in [p.read_bytes() for p in (data / review.HISTORY).glob("places.*.csv")], "the one before"
    loaded = loader.load(data, seeds)
    assert loaded.problems == [] and loaded.file_problems == []
    place = loaded.places.set_index("name").loc["Hun"]
    assert (place["latitude"], place["longitude"], place["country"], place["admin1"]) == (29.1268, 15.9477, "Libya",
                                                                                          "Al Jufrah")  # fmt: skip
    assert place["coord_source"].startswith("ACLED file sources/acled/acled_current.csv line 3")
    row = loaded.events.set_index(Events.event_id_cnty).loc[event_id]
    assert (row[Events.location], row[Events.latitude], row[Events.longitude]) == ("Hun", 29.1268, 15.9477)
    assert review.read_decisions(data).iloc[-1][Reviews.location] == "Sirte", "decided as the Sirte candidate"
    [entry] = [e for e in audit.read(data) if e.action == audit.ACCEPT]
    assert "Hun added to places.csv, its point from ACLED file sources/acled/acled_current.csv line 3" in entry.detail


def test_a_place_no_file_gives_a_point_is_refused_and_nothing_is_written(twins):
    data, seeds, _, name = twins
    article, listed = proposals_of(data, seeds, name)
    events, places = (data / Events.file).read_bytes(), (data / "places.csv").read_bytes()
    candidate = pending(listed, "Sirte")
    with pytest.raises(ReviewError, match="no imported dataset gives it a point"):
        review.accept(data, seeds, article, candidate, replace(review.proposed(candidate), location="Atlantis"))
    assert (data / Events.file).read_bytes() == events and (data / "places.csv").read_bytes() == places
    assert not (data / Reviews.file).exists()


def test_twins_of_one_quote_are_decided_each_on_its_own(twins):
    """Sirte and Jufra of one sentence: accepting the Sirte candidate (here at a place the analyst corrected) leaves
    the Jufra one pending, and it is accepted in its turn: one quote, two events, as the seed codes LBY-MEMO-0009/10."""
    data, seeds, _, name = twins
    article, listed = proposals_of(data, seeds, name)
    assert {p.candidate.location for p in listed if p.status == PENDING} == {"Sirte", "Jufra"}
    sirte = pending(listed, "Sirte")
    first = review.accept(data, seeds, article, sirte, replace(review.proposed(sirte), location="Tripoli"))
    _, again = proposals_of(data, seeds, name)
    assert {(p.candidate.location, p.status) for p in again} == {("Sirte", ACCEPTED), ("Jufra", PENDING)}
    jufra = pending(again, "Jufra")
    second = review.accept(data, seeds, article, jufra, review.proposed(jufra))
    _, last = proposals_of(data, seeds, name)
    assert {(p.candidate.location, p.status, p.event_id) for p in last} == {("Sirte", ACCEPTED, first),
                                                                            ("Jufra", ACCEPTED, second)}  # fmt: skip
    events = loader.load(data, seeds).events.set_index(Events.event_id_cnty)
    assert events.loc[first, Events.quote] == events.loc[second, Events.quote] == sirte.quote
    assert (events.loc[first, Events.location], events.loc[second, Events.location]) == ("Tripoli", "Jufra")


def test_a_corrected_field_is_noted_as_the_analysts_choice_and_the_rest_keeps_the_machines_reasoning(page_article):
    data, seeds, article, listed = page_article
    candidate = next(p.candidate for p in listed if p.status == PENDING and p.candidate.event_kind != "presence")
    machine_kind = f"kind {candidate.event_kind} ("
    assert machine_kind in candidate.rule
    as_proposed = review.accept(data, seeds, article, candidate, review.proposed(candidate))
    other = next(p.candidate for p in listed if p.status == PENDING and p.candidate != candidate)
    edit = replace(review.proposed(other), event_kind="presence", start=date(2021, 1, 1), precision="month")
    corrected = review.accept(data, seeds, article, other, edit)
    events = loader.load(data, seeds).events.set_index(Events.event_id_cnty)
    kept = events.loc[as_proposed, Events.notes]
    assert "(as proposed)" in kept and candidate.rule in kept and candidate.date_words in kept
    notes = events.loc[corrected, Events.notes]
    assert "corrected by the analyst: date, kind" in notes
    assert "kind set by the analyst: presence" in notes and f"kind {other.event_kind} (" not in notes
    assert f"Date: set by the analyst: 2021-01-01 (month, basis {other.date_basis})" in notes
    assert other.date_words not in notes
    assert "date rule" not in notes, "the machine's date reasoning goes with its date"
    who = f"clause names actor {', '.join(other.actors)}" if other.actors else "clause names no actor"
    assert who in notes and f"place {other.location or 'none'}" in notes, "unchanged fields keep their reasoning"


def test_every_candidates_rule_is_read_field_by_field():
    """The notes cut the extraction's rule into its fields (components/review_notes.py): every candidate of the seed
    article and of the saved page must parse, or a corrected field could keep the machine's reasoning."""
    from components.review_notes import reasoning

    curated = loader.load(FROZEN_DATA, FROZEN_SEEDS)
    found = [c for a in review.articles(curated, FROZEN_SEEDS) for c in review.candidates(a, curated)]
    assert found and all(reasoning(c) is not None for c in found)
    assert all(reasoning(c)["kind"].startswith(f"kind {c.event_kind} (") for c in found)


def test_the_problem_rows_of_an_import_are_listed_capped_and_counted(tmp_path):
    from builders import store_of

    from components.pages import uploads
    from components.queries import datapage

    data, seeds = shipped(tmp_path)
    store = store_of(data, seeds, tmp_path)
    done = store.import_file(FIXTURES / "bad_lines.csv")
    store.import_file(FIXTURES / "acled_current.csv")
    found = uploads.build_import_problems(store, done.file)
    assert (found.file, found.rows, found.problems, found.more) == ("sources/acled/bad_lines.csv", 6, 7, 0)
    assert list(found.table.columns) == ["File", "Line", "Column", "Value", "Expected"]
    assert sorted(set(found.table["Line"])) == [3, 4, 5, 7, 8, 9]
    swapped = found.table[found.table["Line"] == 9].iloc[0]
    assert swapped["Column"] == "latitude, longitude" and "swapped" in swapped["Expected"]
    capped = uploads.build_import_problems(store, done.file, rows=2)
    assert (list(capped.table["Line"]), capped.more) == ([3, 4], 4)
    assert len(datapage.all_file_problems(store, done.file)) == 7, "the download has every problem"
    clean = uploads.build_import_problems(store, "sources/acled/acled_current.csv")
    assert (clean.rows, len(clean.table)) == (0, 0)


def test_the_data_page_lists_an_imports_problems_and_offers_its_places(folders, tmp_path, monkeypatch):
    """Through the page: the import's problem rows under the uploader; a dataset's place chosen in a card and
    accepted: the event has its point."""
    from apptest import ok, table
    from builders import use_data
    from streamlit.testing.v1 import AppTest

    from components.pages import uploads

    data, seeds = folders
    text = tmp_path / "twins.txt"
    text.write_text(TWINS, encoding="utf-8")
    ingest(text, seeds, published=date(2021, 2, 3), publisher="Example News")
    use_data(monkeypatch, data, seeds, tmp_path / "store")
    at = ok(AppTest.from_file(str(HERE / "data_page.py"), default_timeout=60).run())
    ok(at.file_uploader(key=f"{uploads.UPLOAD_KEY}-0").set_value(
        ("bad_lines.csv", (FIXTURES / "bad_lines.csv").read_bytes(), "text/csv")).run())  # fmt: skip
    rows = table(at, "import-problems")
    assert sorted({int(r["Line"]) for r in rows}) == [3, 4, 5, 7, 8, 9]
    assert {r["File"] for r in rows} == {"sources/acled/bad_lines.csv"}
    assert any("6 row(s) with 7 problem(s) are not loaded" in w.value.replace("\\", "") for w in at.warning)
    assert any(b.label == "Problems of bad_lines.csv (CSV)" for b in at.get("download_button"))
    ok(at.file_uploader(key=f"{uploads.UPLOAD_KEY}-1").set_value(
        ("acled.csv", (FIXTURES / "acled_current.csv").read_bytes(), "text/csv")).run())  # fmt: skip
    place = next(s for s in at.selectbox if s.label == "Place")
    assert "Hun — ACLED file acled.csv line 3" in place.options
    place.set_value("Hun")
    ok(next(b for b in at.button if b.label == "Accept").click().run())
    [said] = [s.value for s in at.success]
    event_id = said.replace("\\", "").split()[2].rstrip(":")
    row = loader.load(data, seeds).events.set_index(Events.event_id_cnty).loc[event_id]
    assert (row[Events.location], row[Events.latitude], row[Events.longitude]) == ("Hun", 29.1268, 15.9477)


def test_accepting_a_knowledge_actor_and_place_writes_their_rows_with_the_event(folders, tmp_path):
    """UNSMIL and the Ghardabiya air base are in data/knowledge/ only: the accept writes UNSMIL to actors.csv (the
    accepted quote as its evidence) and the air base to places.csv (its cited point), atomically, with the event."""
    data, seeds = folders
    text = tmp_path / "unsmil.txt"
    said = "UNSMIL said on Thursday that foreign mercenaries had left Ghardabiya air base."
    text.write_text(f"Mercenaries leave a base\n\n{said}\n", encoding="utf-8")
    done = ingest(text, seeds, date(2021, 1, 29), "Example News", None)
    article, listed = proposals_of(data, seeds, done.article)
    candidate = pending(listed, "Ghardabiya air base")
    edit = replace(review.proposed(candidate), actor1="UNSMIL", assoc_actor_1=())
    actors_before, places_before = (data / "actors.csv").read_bytes(), (data / "places.csv").read_bytes()
    event_id = review.accept(data, seeds, article, candidate, edit)
    assert (data / "actors.csv").read_bytes().startswith(actors_before)
    assert actors_before in [p.read_bytes() for p in (data / review.HISTORY).glob("actors.*.csv")], "the one before"
    loaded = loader.load(data, seeds)
    assert loaded.problems == [] and loaded.file_problems == []
    unsmil = loaded.actors.set_index("name").loc["UNSMIL"]
    assert (unsmil["kind"], unsmil["article"], unsmil["quote"]) == ("international body", done.article,
                                                                    candidate.quote)  # fmt: skip
    assert bool(unsmil["foreign"]) is True
    base = loaded.places.set_index("name").loc["Ghardabiya air base"]
    assert (base["latitude"], base["longitude"]) == (31.06056, 16.61167)
    assert base["coord_source"].startswith("data/knowledge: Wikipedia, Ghardabiya Air Base")
    assert (data / "places.csv").read_bytes().startswith(places_before)
    row = loaded.events.set_index(Events.event_id_cnty).loc[event_id]
    assert (row[Events.actor1], row[Events.location]) == ("UNSMIL", "Ghardabiya air base")
    [entry] = [e for e in audit.read(data) if e.action == audit.ACCEPT]
    assert "UNSMIL added to actors.csv from data/knowledge" in entry.detail


def test_a_knowledge_place_without_a_cited_point_is_refused_and_nothing_is_written(folders, tmp_path):
    data, seeds = folders
    text = tmp_path / "jufra.txt"
    text.write_text("Mercenaries leave a base\n\nUNSMIL said on Thursday that foreign mercenaries had left Jufra air "
                    "base.\n", encoding="utf-8")  # fmt: skip
    done = ingest(text, seeds, date(2021, 1, 29), "Example News", None)
    article, listed = proposals_of(data, seeds, done.article)
    candidate = pending(listed, "Jufra air base")
    files = {n: (data / n).read_bytes() for n in ("actors.csv", "places.csv", Events.file)}
    with pytest.raises(ReviewError, match="no imported dataset gives it a point"):
        review.accept(data, seeds, article, candidate, replace(review.proposed(candidate), actor1="UNSMIL"))
    assert {n: (data / n).read_bytes() for n in files} == files


def test_the_datasets_places_passed_are_found_in_the_article(folders, tmp_path):
    """The review page and `ingest` pass the places the imported datasets give a point: a town only a dataset names
    locates the candidate (and the cache keeps the two extractions apart)."""
    data, seeds = folders
    text = tmp_path / "hadi.txt"
    text.write_text("Mercenaries dig in\n\nWagner mercenaries dug trenches near Qasr Bu Hadi on Thursday.\n",
                    encoding="utf-8")  # fmt: skip
    done = ingest(text, seeds, date(2021, 1, 29), "Example News", None)
    curated = loader.load(data, seeds)
    [article] = [a for a in review.articles(curated, seeds) if a.name == done.article]
    located = pd.DataFrame({"location": ["Qasr Bu Hadi"], "country": ["Libya"], "finest": [1]})
    assert "Qasr Bu Hadi" not in {c.location for c in review.candidates(article, curated, data)}
    assert "Qasr Bu Hadi" in {c.location for c in review.candidates(article, curated, data, located)}
