"""Issue 18's rules, one sentence in and the candidate out: knowledge, main actors, dates of clauses and neighbours,
ranges, denial, kinds from the governing verb, place precision and mentions that are not places."""

from datetime import date, datetime

import pandas as pd
import pytest
from builders import FROZEN_DATA

from components.dating import date_words
from components.extract import event_kind, extract

FRIDAY = datetime(2021, 1, 29, 15, 40)
MONDAY = datetime(2021, 11, 1)


@pytest.fixture(scope="module")
def curated():
    """The frozen curated actors and places."""
    read = lambda name: pd.read_csv(FROZEN_DATA / name, dtype=str, keep_default_na=False)  # noqa: E731
    return read("actors.csv"), read("places.csv")


def run(text, curated, published=FRIDAY):
    """The candidates of a text."""
    return extract(text, published, *curated)


def test_known_names_from_the_knowledge(curated):
    [c] = run("UNSMIL called for the withdrawal of all foreign forces from Libya.", curated)
    assert (c.actors[0], c.event_kind) == ("UNSMIL", "statement")
    [c] = run("Russian Wagner mercenaries have dug trenches near Sirte.", curated)
    assert c.actors[0] == "Wagner Group" and c.event_kind == "ground activity"
    [c] = run("Turkish troops are stationed in Tripoli.", curated)
    assert c.actors[0] == "Turkish armed forces"


def test_a_meeting_abroad_keeps_its_own_place(curated):
    [c] = run("The 5+5 Joint Military Commission agreed on a plan in Cairo on Saturday.", curated, MONDAY)
    assert (c.location, c.actors[0], c.event_kind) == ("Cairo", "Joint Military Commission", "agreement")


def test_a_name_that_is_an_actor_is_no_place_without_a_preposition(curated):
    [c] = run("Ankara said so in Tripoli.", curated)
    assert (c.actors, c.location) == (("Turkey",), "Tripoli")
    [c] = run("Haftar signed the truce in Moscow on Monday.", curated)
    assert c.location == "Moscow"


def test_the_main_actor_of_a_withdrawal_is_the_force(curated):
    [c] = run("About 1,600 fighters of PMC Wagner left western Libya, a representative of Libyan government forces "
              "said.", curated)  # fmt: skip
    assert (c.actors[0], c.event_kind) == ("Wagner Group", "withdrawal")


def test_a_states_troops_are_its_armed_forces(curated):
    [c] = run("Turkey is beginning to send troops into Libya.", curated)
    assert c.actors[0] == "Turkish armed forces" and c.event_kind == "presence"


def test_the_speaker_is_who_speaks_not_whom_it_names(curated):
    [c] = run("In a UN Security Council meeting yesterday, US Ambassador Richard Mills said Russia must leave "
              "Libya.", curated)  # fmt: skip
    assert c.actors[0] == "Richard Mills"


def test_a_pronoun_speaker_is_the_speaker_before_and_the_next_sentence_dates_him(curated):
    text = ("Guterres called on foreign fighters to leave Libya. “The cease-fire is holding,” Guterres told "
            "reporters Thursday. “We call on Turkey and Russia to withdraw their forces,” he said.")  # fmt: skip
    found = run(text, curated)
    assert [c.actors[0] for c in found] == ["Antonio Guterres"] * 3
    assert {c.start for c in found} == {date(2021, 1, 28)}
    assert "same speaker (next sentence)" in found[0].rule


def test_a_range_is_its_whole_span_never_one_of_its_days():
    d = date_words("a two-day meeting in Cairo on 30-31 October 2021", date(2021, 11, 1))
    assert (d.start, d.end, d.precision) == (date(2021, 10, 30), date(2021, 10, 31), "week")


def test_a_date_of_another_thing_does_not_date_the_clause():
    assert date_words("a threat to the transition leading to December 24 elections", date(2021, 3, 26)) is None
    d = date_words("Last Thursday, parliament approved it, starting from January 2, 2024", date(2023, 12, 5))
    assert d.start == date(2023, 11, 30)


def test_a_weekday_after_a_past_verb_is_past_whatever_future_follows():
    d = date_words("Erdogan said on Thursday, days before a summit which will address it", date(2020, 1, 16))
    assert d.start == date(2020, 1, 16)


def test_denial_is_not_presence_and_hyphenated_words_are_not_triggers():
    assert event_kind("Russia denies that it has any troops in Libya")[0] == "statement"
    assert event_kind("the east- and west-based rivals met")[1] == "no trigger: default"  # "based" did not fire
    assert event_kind("Turkey began to withdraw its forces")[0] == "withdrawal"
    assert event_kind("The ministry called for calm")[0] == "statement"
    assert event_kind("drones destroyed a convoy")[0] == "ground activity"


def test_a_name_is_no_trigger_and_backing_is_no_event(curated):
    [c] = run("The Government of National Accord said on Thursday that Turkish forces are in Tripoli.", curated)
    assert c.event_kind != "agreement"
    assert run("Russia backs Haftar.", curated) == []


def test_an_air_base_near_a_town_is_approximate_and_an_operations_room_is_no_place(curated):
    [c] = run("Wagner mercenaries are based at an air base near Sirte.", curated)
    assert (c.location, c.geo_precision) == ("Sirte", 2)
    found = run("Wagner mercenaries joined the Sirte-Jufra Operations Room.", curated)
    assert "Jufra" not in {c.location for c in found}


def test_a_town_owning_a_site_is_approximate_and_a_describing_place_is_none(curated):
    found = run("Wagner mercenaries are stationed at Sirte's al-Ghardabiya air base.", curated)
    assert {(c.location, c.geo_precision) for c in found} == {("Sirte", 2), ("Ghardabiya air base", 1)}
    [c] = run("Wagner forces are based in Sirte, a city southeast of Tripoli.", curated)
    assert (c.location, c.geo_precision) == ("Sirte", 1)


# Step 1 of the second round: no date finer than the text gives for the fact a clause states.


def test_two_facts_in_one_clause_are_dated_each_by_its_own_date_words():
    text = "a truce in March was followed by the arrival last week of a new envoy"
    d = date_words(text, FRIDAY.date(), anchor=text.index("truce"))
    assert (d.start, d.end, d.precision) == (date(2020, 3, 1), date(2020, 3, 31), "month")
    d = date_words(text, FRIDAY.date(), anchor=text.index("arrival"))
    assert (d.start, d.precision) == (date(2021, 1, 18), "week")
    d = date_words("a truce in March was followed by the arrival last week of a new envoy", FRIDAY.date())
    assert d.precision == "month"  # no verb to anchor: the first fact's date, never the finer one of the second
    assert date_words("Last year, on June 15, 2020, troops", FRIDAY.date()).precision == "day"  # nested: refines


def test_a_list_of_names_closed_by_and_is_no_second_clause(curated):
    [c] = run("Turkey, Egypt, and Qatar sent observers to Misrata.", curated)
    assert c.quote == "Turkey, Egypt, and Qatar sent observers to Misrata."


def test_the_meeting_a_clause_refers_to_dates_it(curated):
    text = ("Turkish and Russian envoys held a meeting in Berlin on 12 January. Egypt's delegates at the Berlin "
            "meeting stressed that foreign forces must leave Libya.")  # fmt: skip
    [c] = run(text, curated)
    assert (c.start, c.precision, c.date_basis) == (date(2021, 1, 12), "day", "event")
    assert "same occasion" in c.rule


def test_an_undated_lead_takes_the_occasion_the_next_paragraph_dates(curated):
    text = (
        "UNSMIL agreed with the Joint Military Commission on a plan to remove mercenaries from Libya.\n\n"
        "UNSMIL officials and the commission held a two-day meeting in Geneva on 14-15 January 2021."
    )
    [c] = run(text, curated)
    assert (c.start, c.end, c.precision) == (date(2021, 1, 14), date(2021, 1, 15), "week")
    assert "lead's occasion" in c.rule
    c = run("UNSMIL agreed with the Joint Military Commission on a plan.\n\nTurkish forces are in Misrata.", curated)[0]
    assert (c.start, c.date_basis) == (FRIDAY.date(), "report")  # no occasion dated after it: the report's day


# Step 2: what the review page should not propose (background history, events elsewhere, no one acting).


def test_a_forces_doing_abroad_is_an_event_elsewhere(curated):
    assert run("About 300 Wagner fighters have left Mali for the Central African Republic.", curated) == []
    assert run("Wagner mercenaries are deployed elsewhere too.", curated) == []
    [c] = run("Apart from Mali, Wagner mercenaries are deployed in Sirte.", curated)
    assert c.location == "Sirte"
    [c] = run("Turkish forces trained soldiers in Syria and in Misrata.", curated)  # Libya named too: kept
    assert c.location == "Misratah"


def test_a_meeting_abroad_is_still_an_event(curated):
    [c] = run("Russia and Turkey agreed in Moscow on Monday to a truce in Libya.", curated, MONDAY)
    assert c.event_kind == "agreement"


def test_history_the_article_recalls_is_no_candidate(curated):
    assert run("Turkish forces have been present in Libya since the 2014 civil war began.", curated) == []
    [c] = run("Turkish forces arrived in Misrata in 2019.", curated, datetime(2022, 6, 1))  # three years: kept
    assert c.start == date(2019, 1, 1)


def test_libyan_politics_without_anyone_foreign_is_no_candidate(curated):
    assert run("Haftar ordered an offensive on Tripoli on Monday.", curated) == []
    assert run("The Government of National Accord, based in Tripoli, met on Monday.", curated) == []
    [c] = run("Haftar's forces said on Monday that foreign mercenaries left Sirte.", curated)
    assert c.actors[0] == "foreign fighters and mercenaries"


def test_descriptions_quoted_names_and_frames_are_no_events(curated):
    assert run("PMC Wagner is a private army linked to the Kremlin.", curated) == []
    assert run("“They are Wagner mercenaries,” a witness wrote.", curated) == []
    assert run("Under the security agreement, Turkey supports the Government of National Accord.", curated) == []
    assert run("The report said that it had tried to reach the Russian government.", curated) == []


def test_a_sentence_only_naming_the_speaker_attributes_the_quote_before_it(curated):
    found = run("“Foreign forces must leave Libya now.” Williams stated during a visit to Rome.", curated)
    assert [c.quote for c in found] == ["“Foreign forces must leave Libya now.”"] or found == []


# Step 4: kinds from the governing verb, and "the group" as the named group.


def test_an_agreement_named_as_a_frame_or_reference_is_no_trigger():
    assert event_kind("The deadline set in the ceasefire agreement expired on Saturday")[0] == "deadline"
    assert event_kind("The mandate came into force after the agreement")[0] == "decision"
    assert event_kind("The two sides signed an agreement in Rome")[0] == "agreement"
    assert event_kind("The gazette published the decision extending the mission of the troops")[0] == "decision"


def test_the_group_is_the_force_named_as_a_group(curated):
    text = ("The Wagner Group sent 200 fighters to Sirte. Russian mercenaries were seen in Sirte too, and the group "
            "has dug trenches near Jufra.")  # fmt: skip
    found = run(text, curated)
    assert found[-1].actors[0] == "Wagner Group"
