"""Candidate events from an article's text: each clause naming a known actor or place, dated by declared rules.

The rules stand in four modules: components/clauses.py cuts the text into clauses, components/mentions.py finds the
known names in them, components/dating.py reads their date words; this module gives each clause its kind, places,
date (with the rules for a clause without date words) and confidence.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date, datetime

import pandas as pd

from components.clauses import clauses_of, unquoted
from components.dating import Dating, date_words, day_label
from components.mentions import Mention, find_names, name_finder
from components.schema import TIME_PRECISION, Actors, Events, Places

# ---------------------------------------------------------------------------------------------------------------
# Lexicons and rules, declared once.
# ---------------------------------------------------------------------------------------------------------------

# Event kinds in order of precedence: the first kind with a trigger in the clause wins, then the first in its sentence
# (so "nor Russia ... pulling out" keeps the sentence's "deadline"). A call or demand comes first because what a
# speaker demands ("withdraw", "the ceasefire agreement") is what was said, not what happened; a deadline beats the
# withdrawals it was about; a decision beats the presence it decides on; an action (digging) beats a state (based).
KINDS: dict[str, tuple[str, ...]] = {
    "statement": (
        "called on", "calls on", "call on", "stressed", "urged", "urges", "warned", "demanded", "insisted",
    ),
    "agreement": ("ceasefire agreed", "agreed", "signed", "agreement", "accord", "truce"),
    "deadline": ("deadline", "expired", "expires"),
    "decision": ("approved", "decided", "extend", "extended", "extends", "voted", "ratified", "ordered"),
    "withdrawal": ("withdrew", "withdrawn", "pulled out", "pulling out", "left", "departed", "evacuated"),
    "ground activity": (
        "digging", "dug", "searches for landmines", "trenches", "clashes", "clashed", "attacked", "shelled",
        "shelling", "airstrike", "airstrikes", "fighting", "patrols", "fortifications",
    ),
    "presence": (
        "based", "stationed", "deployed", "present", "presence", "centred", "centered", "remain", "remains",
        "arrived", "positioned",
    ),
}  # fmt: skip
# Attribution ("officials said") makes a statement only when no kind above fires: it attributes the event it reports.
ATTRIBUTION = ("said", "says", "told", "announced", "according to")
# With no trigger at all, a named force at a named place is, in these sources, most often a statement of presence.
DEFAULT_KIND, NO_TRIGGER = "presence", "no trigger: default"

# A trigger after a negation ("neither Turkey ... pulling out") did not happen, unless a conjunction starts a new
# statement in between ("has not withdrawn and remains based").
NEGATION = re.compile(r"\b(?:not|never|neither|nor|without|failed\s+to|refused\s+to)\b|n[’']t\b", re.I)
CONJUNCTION = re.compile(r"\b(?:and|but|while|whereas)\b", re.I)

# Geo precision: ACLED's 1 the place itself, 2 near or part of it, 3 a larger region. A gazetteer district or
# country is a region; a town is itself unless the words before it make it approximate.
GEO_OF_PLACE = {"town": 1, "area": 2, "district": 3, "country": 3}
APPROXIMATE = re.compile(
    r"\b(?:(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?\s+(?:of|outskirts)|near|nearby|around|outside"
    r"|outskirts\s+of|areas?\s+of|vicinity\s+of|close\s+to|surroundings\s+of|region\s+of)\b",
    re.I,
)
# A country mention makes its own candidate only when the clause names no more specific place, or when the words
# before it make it the scope of the event ("across the country"); otherwise "foreign militaries in Libya" is context.
COUNTRYWIDE = re.compile(r"\b(?:across|throughout|all\s+over|nationwide|around)\b", re.I)
LOOKBACK_WORDS = 6  # how far before a place its modifier may stand ("around the key cities of Sirte")
COORDINATED = re.compile(r"\s*(?:,|,?\s*(?:and|or))\s*")  # "Sirte and Jufra": the second place shares the modifier

# Tense without date words: present or present perfect outside quoted speech is a report of something ongoing.
ONGOING = re.compile(r"\b(?:(?:is|are|am|has|have)(?:\s+been)?\b(?:\s+\w+)?|(?:remains?|continues?|stays?)\b)", re.I)
# Explicit continuation of the previous dated event ("at the same meeting").
SAME_OCCASION = re.compile(
    r"\b(?:at|during)\s+the\s+same\s+(?:meeting|session|conference|briefing|event|time)\b|\b(?:on\s+)?the\s+same\s+day"
    r"\b|\blater\s+that\s+day\b",
    re.I,
)

# Confidence: the sum of the weights of the rules that fired, at most 1.
WEIGHTS = {
    "base": 0.2,
    "actor": 0.2,
    "place": 0.1,
    "kind trigger": 0.1,
    "date words": 0.4,
    "same occasion": 0.3,
    "same speaker": 0.2,
    "ongoing": 0.3,
    "undated": 0.0,
}


# ---------------------------------------------------------------------------------------------------------------
# Candidates.
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """One candidate event: a verbatim quote, its date and place as precise as the text gives, actors and kind."""

    quote: str
    offset: int
    paragraph: str
    start: date
    end: date
    precision: str
    date_basis: str
    date_words: str
    actors: tuple[str, ...]
    actor_words: tuple[str, ...]
    location: str
    geo_precision: int | None
    event_kind: str
    confidence: float
    rule: str

    def to_json(self) -> dict:
        """The candidate as a JSON-ready dict: dates as ISO strings, tuples as lists."""
        record = asdict(self)
        record.update(start=self.start.isoformat(), end=self.end.isoformat())
        return {k: list(v) if isinstance(v, tuple) else v for k, v in record.items()}


# ---------------------------------------------------------------------------------------------------------------
# Kind and place of one clause.
# ---------------------------------------------------------------------------------------------------------------


def _triggers(words: tuple[str, ...]) -> re.Pattern:
    """One pattern for a list of trigger words: whole words, any spaces between them, case-insensitive."""
    return re.compile(r"\b(?:" + "|".join(r"\s+".join(map(re.escape, w.split())) for w in words) + r")\b", re.I)


KIND_PATTERNS = [(kind, _triggers(words)) for kind, words in KINDS.items()]
ATTRIBUTION_PATTERN = [("statement", _triggers(ATTRIBUTION))]


def event_kind(clause: str, sentence: str = "") -> tuple[str, str]:
    """The clause's kind and the trigger that gave it (see KINDS for the order); negated triggers do not count."""
    tiers = ((KIND_PATTERNS, clause, ""), (KIND_PATTERNS, sentence, " in the sentence"))
    tiers += ((ATTRIBUTION_PATTERN, clause, " (attribution)"), (ATTRIBUTION_PATTERN, sentence, " (attribution)"))
    for patterns, text, where in tiers:
        for kind, pattern in patterns:
            for m in pattern.finditer(text):
                negations = list(NEGATION.finditer(text, 0, m.start()))
                if not negations or CONJUNCTION.search(text, negations[-1].end(), m.start()):
                    return kind, f"'{m.group(0)}'{where}"
    return DEFAULT_KIND, NO_TRIGGER


def _locations(clause: str, mentions: list[Mention], precision: dict[str, str]) -> list[tuple[str, int]]:
    """The places a clause locates events at, with ACLED geo precision (see GEO_OF_PLACE and COUNTRYWIDE)."""
    found: list[tuple[str, int, bool]] = []  # name, geo precision, countrywide
    previous_end, approximate = 0, False
    for m in mentions:
        gap = clause[previous_end : m.start]
        window = " ".join(gap.split()[-LOOKBACK_WORDS:])
        if not (found and COORDINATED.fullmatch(gap)):  # "Sirte and Jufra": Jufra keeps Sirte's modifier
            approximate = bool(APPROXIMATE.search(window))
        geo = GEO_OF_PLACE.get(precision.get(m.name, ""), 1)
        found.append((m.name, max(geo, 2) if approximate else geo, bool(COUNTRYWIDE.search(window))))
        previous_end = m.end
    specific = any(precision.get(name) != "country" for name, *_ in found)
    kept: dict[str, int] = {}
    for name, geo, countrywide in found:
        if name not in kept and (precision.get(name) != "country" or not specific or countrywide):
            kept[name] = geo
    return list(kept.items())


# ---------------------------------------------------------------------------------------------------------------
# The extractor.
# ---------------------------------------------------------------------------------------------------------------


def _undated(clause: str, pub: date, previous: Candidate | None, kind: str, actors: tuple[str, ...]) -> Dating:
    """A clause with no date words: the previous event's date if a rule says so, else the report's date."""
    if previous is not None and previous.date_basis == "event":
        same = SAME_OCCASION.search(clause)
        if same:
            words = f"'{same.group(0)}' → the date of the previous event ({previous.date_words})"
            return Dating(previous.start, previous.end, previous.precision, "event", words, "same occasion",
                          "same occasion")  # fmt: skip
        if kind == "statement" == previous.event_kind and actors[:1] == previous.actors[:1] != ():
            # A speech is dated once: the same speaker's next statement continues it.
            words = f"no date words; same speaker {actors[0]} as the previous statement ({previous.date_words})"
            return Dating(previous.start, previous.end, previous.precision, "event", words, "same speaker",
                          "same speaker")  # fmt: skip
    ongoing = ONGOING.search(unquoted(clause))
    if ongoing:
        words = f"no date words; stated as ongoing ('{ongoing.group(0)}') → as of the report, {day_label(pub)}"
        return Dating(pub, pub, "day", "report", words, "ongoing", "ongoing")
    words = f"no date words, nothing stated as ongoing → dated to the report, {day_label(pub)} (low confidence)"
    return Dating(pub, pub, "day", "report", words, "undated", "undated")


def extract(
    text: str, published: datetime, actors: pd.DataFrame, places: pd.DataFrame, headline: str = ""
) -> list[Candidate]:
    """Candidate events of an article: one per clause naming a known actor or place (and per place it locates)."""
    pub = published.date()
    actor_finder = name_finder(actors, Actors.name, Actors.aliases)
    place_finder = name_finder(places, Places.name, Places.aliases)
    precision = dict(zip(places[Places.name], places[Places.precision]))

    def names(part: str) -> bool:
        """Whether a part of a sentence names a known actor or place."""
        return bool(find_names(part, actor_finder) or find_names(part, place_finder))

    candidates: list[Candidate] = []
    previous, last_sentence = None, None
    for offset, clause, sentence, paragraph in clauses_of(text, headline, names):
        if sentence is not last_sentence:  # continuations look back to the event before this sentence
            previous, last_sentence = (candidates[-1] if candidates else None), sentence
        found = find_names(clause, actor_finder)
        actor_names = tuple(dict.fromkeys(m.name for m in found))
        kind, trigger = event_kind(clause, sentence)
        dating = date_words(clause, pub) or date_words(sentence, pub)  # a clause's own date words come first
        dating = dating or _undated(clause, pub, previous, kind, actor_names)
        locations = _locations(clause, find_names(clause, place_finder), precision)
        fired = ["base", dating.weight, *(["actor"] if actor_names else []), *(["place"] if locations else [])]
        fired += ["kind trigger"] if trigger != NO_TRIGGER else []
        confidence = round(min(1.0, sum(WEIGHTS[f] for f in fired)), 2)
        who = f"actor {', '.join(actor_names)}" if actor_names else "no actor"
        for location, geo in locations or [("", None)]:
            rule = f"clause names {who}; place {location or 'none'}; date rule {dating.rule}; kind {kind} ({trigger})"
            candidates.append(Candidate(
                quote=clause, offset=offset, paragraph=paragraph, start=dating.start, end=dating.end,
                precision=dating.precision, date_basis=dating.basis, date_words=dating.words, actors=actor_names,
                actor_words=tuple(dict.fromkeys(m.words for m in found)), location=location, geo_precision=geo,
                event_kind=kind, confidence=confidence, rule=rule,
            ))  # fmt: skip
    return candidates


def recall(candidates: list[Candidate], events: pd.DataFrame) -> tuple[int, int, int]:
    """(matched, total, extra) against one article's hand-coded events: same start, precision, basis, nested quotes."""
    codes = pd.to_numeric(events[Events.time_precision]).astype(int)
    hand = list(zip(pd.to_datetime(events[Events.event_date]).dt.date, codes.map(TIME_PRECISION),
                    events[Events.date_basis], events[Events.quote]))  # fmt: skip

    def same(c: Candidate, event: tuple[date, str, str, str]) -> bool:
        """Same start, precision and basis, and one quote within the other."""
        day, precision, basis, quote = event
        dated_alike = (c.start, c.precision, c.date_basis) == (day, precision, basis)
        return dated_alike and (c.quote in quote or quote in c.quote)

    matched = sum(any(same(c, e) for c in candidates) for e in hand)
    extra = sum(not any(same(c, e) for e in hand) for c in candidates)
    return matched, len(hand), extra
