"""components.extract: each date rule, names and places, kinds, clauses, and recall on the seed article."""

import json
from dataclasses import replace
from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from builders import FROZEN_DATA, FROZEN_SEEDS

from components.dating import WEEKDAYS, date_words
from components.extract import KINDS, event_kind, extract, recall

SEED = FROZEN_SEEDS / "000_a73a2923047b2e61.txt"
FRIDAY = datetime(2021, 1, 29, 15, 40)  # the seed article's publication: Friday 29 January 2021, 15:40
PUB = FRIDAY.date()


def read(name):
    """A data file as plain strings, as the extractor receives it."""
    return pd.read_csv(FROZEN_DATA / name, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def actors():
    """The frozen actors.csv (tests/fixtures/curated) as strings."""
    return read("actors.csv")


@pytest.fixture(scope="module")
def places():
    """The frozen places.csv (tests/fixtures/curated) as strings."""
    return read("places.csv")


@pytest.fixture(scope="module")
def seed():
    """The seed article's text, publication time and headline, read from its sidecar."""
    meta = json.loads(SEED.with_name(SEED.stem + ".meta.json").read_text(encoding="utf-8"))
    return SEED.read_text(encoding="utf-8"), datetime.fromisoformat(meta["published"]), meta["headline"]


@pytest.fixture(scope="module")
def seed_candidates(seed, actors, places):
    """The candidates of the seed article."""
    text, published, headline = seed
    return extract(text, published, actors, places, headline=headline)


@pytest.fixture(scope="module")
def seed_events():
    """The hand-coded events of the seed article."""
    events = read("events.csv")
    return events[events["article"] == SEED.name]


def one(text, actors, places, published=FRIDAY):
    """The single candidate of a text (fails if there are none or several)."""
    [candidate] = extract(text, published, actors, places)
    return candidate


def span(dating):
    """(start, end, precision) of a Dating."""
    return dating.start, dating.end, dating.precision


# --- Recall on the seed article -----------------------------------------------------------------------------------


def test_seed_recall_at_least_10_of_11(seed_candidates, seed_events):
    matched, total, extra = recall(seed_candidates, seed_events)
    print(f"\nseed article: recall {matched}/{total}, {extra} extra candidate(s) of {len(seed_candidates)}")
    assert total == len(seed_events) > 0
    assert matched >= 10, f"recall {matched}/{total}"
    assert extra <= 1, "the README reports one candidate that no hand-coded event matches: the lead"


def test_recall_counts_a_wrong_date_as_a_miss(seed_candidates, seed_events):
    shifted = [replace(c, start=c.start - timedelta(days=1)) for c in seed_candidates]
    matched, total, extra = recall(shifted, seed_events)
    assert matched == 0 and extra == len(shifted)


def test_no_day_precision_where_the_article_gives_a_month(seed_candidates, seed_events):
    monthly = seed_events[seed_events["time_precision"] == "3"]["quote"]
    assert len(monthly) > 0
    for quote in monthly:
        near = [c for c in seed_candidates if c.quote in quote or quote in c.quote]
        assert near, quote
        assert {c.precision for c in near} == {"month"}, quote
        assert all(c.start.day == 1 and (c.end + timedelta(days=1)).day == 1 for c in near)


def test_quotes_are_verbatim_spans(seed, seed_candidates):
    text = seed[0]
    assert seed_candidates
    for c in seed_candidates:
        assert text[c.offset : c.offset + len(c.quote)] == c.quote
        assert c.quote in c.paragraph and c.paragraph in text
        assert c.quote == c.quote.strip()


def test_extract_is_deterministic(seed, actors, places, seed_candidates):
    text, published, headline = seed
    assert extract(text, published, actors, places, headline=headline) == seed_candidates


def test_to_json_gives_iso_dates_and_lists(seed_candidates):
    record = json.loads(json.dumps(seed_candidates[0].to_json()))
    assert record["start"] == seed_candidates[0].start.isoformat()
    assert record["actors"] == list(seed_candidates[0].actors)
    assert set(record) >= {"quote", "offset", "paragraph", "precision", "date_basis", "date_words", "rule"}


# --- Date rules, one test each ------------------------------------------------------------------------------------


@pytest.mark.parametrize("weekday", WEEKDAYS)
def test_weekday_is_the_latest_such_day_strictly_before_publication(weekday):
    dating = date_words(f"The deadline ended on {weekday}.", PUB)
    assert dating.precision == "day" and dating.start == dating.end
    assert dating.start.strftime("%A") == weekday
    if weekday != "Friday":  # publication day: see the next test
        assert PUB - timedelta(days=7) < dating.start < PUB


def test_ended_on_saturday_says_how_it_was_resolved():
    dating = date_words("That deadline ended on Saturday, with neither Turkey", PUB)
    assert span(dating) == (date(2021, 1, 23), date(2021, 1, 23), "day")
    assert "'ended on Saturday'" in dating.words and "23 Jan 2021" in dating.words


def test_weekday_of_publication_is_the_publication_day_and_last_is_a_week_earlier():
    assert span(date_words("Talks were held on Friday.", PUB)) == (PUB, PUB, "day")
    week_before = PUB - timedelta(days=7)
    assert span(date_words("Talks were held last Friday.", PUB)) == (week_before, week_before, "day")


def test_weekday_in_future_tense_is_the_next_such_day():
    dating = date_words("The committee will meet on Monday.", PUB)
    assert dating.start == date(2021, 2, 1) and dating.start.strftime("%A") == "Monday"
    assert date_words("The deadline ends next Saturday.", PUB).start == date(2021, 1, 30)


def test_bare_weekday_before_a_capitalised_name_is_not_a_date():
    assert date_words("the Sunday Times reported", PUB) is None
    assert date_words("On Saturday Turkey withdrew", PUB).start == date(2021, 1, 23)


def test_yesterday_is_the_day_before_publication():
    dating = date_words("In a UN Security Council meeting yesterday, Mills said", PUB)
    assert span(dating) == (PUB - timedelta(days=1), PUB - timedelta(days=1), "day")


def test_today_is_the_publication_day():
    assert span(date_words("Turkey said today it would stay.", PUB)) == (PUB, PUB, "day")


@pytest.mark.parametrize("published", [date(2021, 1, 29), date(2021, 2, 1), date(2021, 1, 31)])
def test_last_week_is_the_previous_calendar_week(published):
    dating = date_words("Wagner moved air defences last week.", published)
    assert dating.precision == "week"
    assert dating.start.weekday() == 0 and dating.end == dating.start + timedelta(days=6)
    assert dating.end < published - timedelta(days=published.weekday()) <= dating.end + timedelta(days=1)


def test_this_week_runs_from_monday_to_publication():
    assert span(date_words("earlier this week", PUB)) == (date(2021, 1, 25), PUB, "week")


def test_month_last_year_is_that_month_of_the_year_before():
    dating = date_words("the ceasefire agreed in October last year", PUB)
    assert span(dating) == (date(2020, 10, 1), date(2020, 10, 31), "month")
    assert date_words("agreed in October last year", date(2021, 11, 5)).start == date(2020, 10, 1)


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        (date(2021, 1, 29), date(2020, 12, 1)),
        (date(2020, 12, 15), date(2020, 12, 1)),
        (date(2021, 6, 1), date(2020, 12, 1)),
        (date(2021, 12, 31), date(2021, 12, 1)),
    ],
)
def test_month_name_is_the_latest_such_month_on_or_before_publication(published, expected):
    dating = date_words("In December, Ankara approved plans", published)
    assert dating.precision == "month" and dating.start == expected
    assert dating.end == date(expected.year, 12, 31)


def test_last_month_name_is_before_the_publication_month():
    assert date_words("last October", date(2021, 11, 5)).start == date(2021, 10, 1)
    assert date_words("last October", date(2021, 10, 5)).start == date(2020, 10, 1)


def test_month_name_never_gets_an_invented_day():
    for words in ("In December, Ankara", "since May", "in mid-March", "in early June"):
        dating = date_words(words, PUB)
        assert dating.precision == "month" and dating.start.day == 1, words


def test_may_the_verb_is_not_a_month():
    assert date_words("Turkey may withdraw its forces", PUB) is None


@pytest.mark.parametrize("words", ["on Oct. 23 the talks", "on 23 October the talks", "on October 23rd the talks"])
def test_day_and_month_take_the_latest_such_date_on_or_before_publication(words):
    assert span(date_words(words, PUB)) == (date(2020, 10, 23), date(2020, 10, 23), "day")


def test_day_and_month_on_the_publication_day_and_the_day_after():
    assert date_words("on Jan. 29 troops", PUB).start == PUB
    assert date_words("on January 30 troops", PUB).start == date(2020, 1, 30)


@pytest.mark.parametrize("words", ["on June 15, 2020", "on 15 June 2020", "on 15th of June 2020"])
def test_explicit_date_with_year_is_that_day(words):
    assert span(date_words(words, PUB)) == (date(2020, 6, 15), date(2020, 6, 15), "day")


def test_month_and_year_is_that_month():
    assert span(date_words("in October 2020", PUB)) == (date(2020, 10, 1), date(2020, 10, 31), "month")


def test_earlier_this_month_is_the_publication_month_up_to_publication():
    assert span(date_words("Earlier this month, Turkey", PUB)) == (date(2021, 1, 1), PUB, "month")


def test_last_month_is_the_month_before_publication():
    assert span(date_words("last month", PUB)) == (date(2020, 12, 1), date(2020, 12, 31), "month")


def test_last_year_and_in_a_year_are_year_precision():
    assert span(date_words("last year", PUB)) == (date(2020, 1, 1), date(2020, 12, 31), "year")
    assert span(date_words("in 2019", PUB)) == (date(2019, 1, 1), date(2019, 12, 31), "year")
    assert span(date_words("earlier this year", PUB)) == (date(2021, 1, 1), PUB, "year")


def test_the_finest_date_words_win():
    assert date_words("Last year, on June 15, 2020, troops", PUB).precision == "day"


def test_present_tense_is_dated_to_the_report(actors, places):
    c = one("Turkish forces are based south of Tripoli.", actors, places)
    assert (c.date_basis, c.start, c.end, c.precision) == ("report", PUB, PUB, "day")
    assert "are based" in c.date_words


def test_present_perfect_is_dated_to_the_report(actors, places):
    c = one("Wagner Group mercenaries have been digging trenches near Sirte.", actors, places)
    assert (c.date_basis, c.start, c.precision) == ("report", PUB, "day")


def test_undated_past_is_dated_to_the_report_with_low_confidence(actors, places):
    past = one("Turkish forces arrived in Tripoli.", actors, places)
    ongoing = one("Turkish forces are stationed in Tripoli.", actors, places)
    assert past.date_basis == ongoing.date_basis == "report"
    assert past.confidence < ongoing.confidence
    assert "low confidence" in past.date_words


def test_same_occasion_takes_the_previous_event_date(actors, places):
    text = "Turkey signed an agreement with the Libyan government yesterday.\n\nAt the same meeting, Russia agreed."
    first, second = extract(text, FRIDAY, actors, places)
    assert second.date_basis == "event" and (second.start, second.precision) == (first.start, "day")
    assert "same meeting" in second.date_words


def test_same_speaker_continues_a_dated_statement_and_no_one_else(actors, places):
    said = "Mills said yesterday: “We call on Turkey to leave Libya.”"
    text = f"{said}\n\nMills stressed that “we urge Russia to leave.”\n\nTurkey urged Russia to leave."
    first, second, third = extract(text, FRIDAY, actors, places)
    assert (second.start, second.date_basis) == (first.start, "event") == (PUB - timedelta(days=1), "event")
    assert third.date_basis == "report"


# --- Names, places, kinds, clauses --------------------------------------------------------------------------------


def test_aliases_are_case_insensitive_whole_words(actors, places):
    assert one("TURKISH FORCES are based in Tripoli.", actors, places).actors == ("Turkish armed forces",)
    assert one("Ankara said so in Tripoli.", actors, places).actors == ("Turkey",)
    assert extract("Non-Turkishness and Turkeys and Ankaran food.", FRIDAY, actors, places) == []


def test_acronym_us_matches_only_in_capitals(actors, places):
    assert one("The US urged restraint in Tripoli.", actors, places).actors == ("United States",)
    assert one("They told us about Tripoli.", actors, places).actors == ()


def test_the_longest_alias_wins(actors, places):
    c = one("Russian mercenaries from the Kremlin-linked Wagner Group are based in Sirte.", actors, places)
    assert c.actors == ("Wagner Group",)
    assert c.actor_words == ("Russian mercenaries from the Kremlin-linked Wagner Group",)


def test_geo_precision_place_approximate_and_country(actors, places):
    assert one("Turkish forces are based in Tripoli.", actors, places).geo_precision == 1
    for words in ("south of", "near", "around", "outside", "the areas south of the capital"):
        c = one(f"Turkish forces are based {words} Tripoli.", actors, places)
        assert (c.location, c.geo_precision) == ("Tripoli", 2), words
    c = one("Wagner Group mercenaries are digging trenches across the country.", actors, places)
    assert (c.location, c.geo_precision) == ("Libya", 3)
    pair = extract("Turkish forces are based around the cities of Sirte and Tripoli.", FRIDAY, actors, places)
    assert [(c.location, c.geo_precision) for c in pair] == [("Sirte", 2), ("Tripoli", 2)]  # coordinated: shared


def test_a_country_beside_a_town_is_context_unless_countrywide(actors, places):
    c = one("Foreign militaries in Libya are centred around Sirte.", actors, places)
    assert c.location == "Sirte"
    many = extract("Wagner Group fighters around Sirte and Jufra dig across the country.", FRIDAY, actors, places)
    assert [(c.location, c.geo_precision) for c in many] == [("Sirte", 2), ("Jufra", 3), ("Libya", 3)]


def test_kind_precedence_follows_the_lexicon():
    order = list(KINDS)
    assert event_kind("Mills stressed the ceasefire agreement")[0] == "statement"
    assert event_kind("the ceasefire agreed in October ordered them to withdraw")[0] == "agreement"
    assert event_kind("Ankara approved plans to extend its military presence")[0] == "decision"
    assert event_kind("mercenaries have been digging trenches where forces are based")[0] == "ground activity"
    assert order.index("statement") < order.index("agreement") < order.index("presence")


def test_attribution_and_negation_do_not_decide_the_kind():
    assert event_kind("Turkish forces are based in Tripoli, officials said")[0] == "presence"
    assert event_kind("officials said")[0] == "statement"
    assert event_kind("nor Russia pulling out its mercenaries", "That deadline ended, nor Russia")[0] == "deadline"
    assert event_kind("Turkey has not withdrawn and Russia withdrew")[0] == "withdrawal"


def test_neither_nor_sentence_gives_two_candidates(seed_candidates):
    deadline = [c for c in seed_candidates if c.date_words.startswith("'ended on Saturday'")]
    # The main actor of a force's doing is the force (issue 18): the seed codes Turkish armed forces and Russian
    # mercenaries as actor1 of LBY-MEMO-0004/0005.
    assert [c.actors[0] for c in deadline] == ["Turkish armed forces", "Russian mercenaries"]
    assert deadline[0].quote.endswith("pulling out its military") and deadline[1].quote.startswith("nor Russia")
    assert {c.event_kind for c in deadline} == {"deadline"}


def test_quoted_list_is_not_split(seed_candidates):
    said = [c for c in seed_candidates if "the UAE" in c.quote]
    assert len(said) == 1 and said[0].quote.startswith("In a UN Security Council meeting yesterday")


def test_teasers_headline_and_photo_credit_are_not_candidates(seed, seed_candidates, actors, places):
    text, published, headline = seed
    assert not [c for c in seed_candidates if "OPINION" in c.quote or c.quote == headline]
    assert not [c for c in seed_candidates if "Getty Images" in c.quote]
    assert [c for c in extract(text, published, actors, places) if c.quote == headline]  # kept when not named
