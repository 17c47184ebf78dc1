"""Candidate events from an article's text: each clause naming a known actor or place, dated by declared rules.

The rules stand in four modules: components/clauses.py cuts the text into clauses, components/mentions.py finds the
known names in them, components/dating.py reads their date words; this module gives each clause its kind, places,
date (with the rules for a clause without date words) and confidence.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime

import pandas as pd

from components import knowledge
from components.clauses import QUOTED, clauses_of, unquoted
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
        "called on", "calls on", "call on", "called for", "calls for", "call for", "stressed", "urged", "urges",
        "warned", "demanded", "demands", "insisted", "reiterated", "accused", "accusing", "accuses", "condemned",
        "denied", "denies",
    ),
    "agreement": ("ceasefire agreed", "agreed", "signed", "agreement", "accord", "truce", "action plan"),
    "deadline": ("deadline", "expired", "expires"),
    "decision": (
        "approved", "decided", "extend", "extended", "extends", "voted", "ratified", "ordered", "authorised",
        "authorized", "mandate",
    ),
    "withdrawal": (
        "withdrew", "withdrawn", "pulled out", "pulling out", "left", "departed", "evacuated", "began to withdraw",
        "begun to withdraw", "started to withdraw", "began withdrawing", "begun moving", "departure", "headed to",
    ),
    "ground activity": (
        "digging", "dug", "searches for landmines", "trenches", "clashes", "clashed", "attacked", "shelled",
        "shelling", "airstrike", "airstrikes", "fighting", "patrols", "fortifications", "destroyed", "battled",
        "battling", "land mines", "landmines", "introduced", "strikes",
    ),
    "presence": (
        "based", "stationed", "deployed", "deploying", "present", "presence", "centred", "centered", "remain",
        "remains", "arrived", "positioned", "landed", "guard", "guards", "guarding", "send troops", "sending troops",
        "sent", "there are", "there were", "active", "entrenched", "poured into", "brought to", "assembling",
    ),
}  # fmt: skip
# Attribution ("officials said") makes a statement only when no kind above fires: it attributes the event it reports.
ATTRIBUTION = (
    "said",
    "says",
    "told",
    "announced",
    "according to",
    "stated",
    "added",
    "indicated",
    "noted",
    "estimates",
    "revealed",
    "published",
    "posted",
)
# With no trigger at all, a named force at a named place is, in these sources, most often a statement of presence.
DEFAULT_KIND, NO_TRIGGER = "presence", "no trigger: default"

# A trigger after a negation ("neither Turkey ... pulling out") did not happen, unless a conjunction starts a new
# statement in between ("has not withdrawn and remains based").
NEGATION = re.compile(
    r"\b(?:not|never|neither|nor|without|failed\s+to|refused\s+to|den(?:y|ies|ied|ying)\s+that)\b|n[’']t\b", re.I
)
# "agreed to extend" is a decision taken, not an agreement between parties.
DECIDED = re.compile(r"\s+to\s+(?:extend|approve|authori[sz]e|send|deploy|renew)\b", re.I)
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
# A town named as the owner of a site ("Sirte's al-Ghardabiya air base", "Tripoli's suburbs") is near it: 2.
SITE_OF = re.compile(
    r"['’]s\s+(?:[\w-]+\s+){0,3}?(?:air\s*base|airbase|base|airport|port|oil\s+field|outskirts|suburbs)\b", re.I
)
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
    # Not after a hyphen: "west-based" and "Tripoli-based" are not "based" (the word is an attribute of a noun).
    return re.compile(r"(?<![\w-])(?:" + "|".join(r"\s+".join(map(re.escape, w.split())) for w in words) + r")\b",
                      re.I)  # fmt: skip


KIND_PATTERNS = [(kind, _triggers(words)) for kind, words in KINDS.items()]
ATTRIBUTION_PATTERN = [("statement", _triggers(ATTRIBUTION))]


def event_kind(clause: str, sentence: str = "") -> tuple[str, str]:
    """The clause's kind and the trigger that gave it (see KINDS for the order); negated triggers do not count."""
    kind, trigger, _ = _kind_at(clause, sentence)
    return kind, trigger


def _kind_at(clause: str, sentence: str = "") -> tuple[str, str, int | None]:
    """event_kind, and where its trigger starts in the clause (None when it stands elsewhere in the sentence)."""
    tiers = ((KIND_PATTERNS, clause, ""), (KIND_PATTERNS, sentence, " in the sentence"))
    tiers += ((ATTRIBUTION_PATTERN, clause, " (attribution)"), (ATTRIBUTION_PATTERN, sentence, " (attribution)"))
    for patterns, text, where in tiers:
        for kind, pattern in patterns:
            for m in pattern.finditer(text):
                if kind == "agreement" and DECIDED.match(text, m.end()):
                    continue
                negations = list(NEGATION.finditer(text, 0, m.start()))
                if not negations or CONJUNCTION.search(text, negations[-1].end(), m.start()):
                    return kind, f"'{m.group(0)}'{where}", (m.start() if text is clause else None)
    return DEFAULT_KIND, NO_TRIGGER, None


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
        geo = max(geo, 2) if SITE_OF.match(clause, m.end) else geo  # "Sirte's al-Ghardabiya air base": near Sirte
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


# Kinds that are a force's doing: its main actor is the force the clause names, not the state or party beside it
# ("neither Turkey ... pulling out its military": Turkey's armed forces). Forces the text attributes to no one
# ("mercenaries") come after a named force.
FORCE_KINDS = ("presence", "withdrawal", "ground activity", "deadline")
UNATTRIBUTED = "foreign fighters and mercenaries"
# A name is not the clause's agent when it qualifies something else ("UN-backed ceasefire", "Kremlin-linked group",
# "fighting on Haftar's side") or names whom someone backs, opposes or is close to ("which backs Haftar").
NOT_AGENT_AFTER = re.compile(
    r"-(?:backed|recogni[sz]ed|brokered|sponsored|led|linked|based|designated|held|controlled|allied|aligned"
    r"|affiliated|supported|mediated)\b|['’]s\s+side\b",
    re.I,
)
NOT_AGENT_BEFORE = re.compile(
    r"\b(?:backed\s+by|supported\s+by|backs|backed|supports|supported|supporting|support\s+(?:of|for)|loyal\s+to"
    r"|close\s+to|side\s+of|behalf\s+of|against|affiliated\s+with|links?\s+to|ties\s+(?:with|to)|recogni[sz]ed\s+by"
    r"|commander\s+of|representative\s+of|representatives\s+of|on\s+the\s+side\s+of|from|in\s+a|at\s+a|with"
    r"|(?:hosted|sponsored|brokered|mediated|led|recogni[sz]ed)\s+by)"
    r"\s+(?:(?:the|its|their|his|her|a|an)\s+)?(?:[\w’'-]+\s+){0,2}$",
    re.I,
)
# A statement made by a pronoun ("..., he said"; "she added") is its speaker's from the sentence before.
PRONOUN_SPEAKER = re.compile(
    r"\b(?:he|she|they|the\s+official|the\s+minister|the\s+spokes(?:man|woman))\s+(?:also\s+)?(?:said|added|told"
    r"|stressed|noted|stated|warned|indicated)\b|\b(?:said|added)\s+(?:he|she)\b",
    re.I,
)
# Backing is what actors.csv keeps of an actor ("Russia backs Haftar", "The GNA is supported by Turkey"), not an event.
BACKING = re.compile(r"\b(?:backs|backed|backing|supports|supported|supporting|allied\s+with|sided\s+with)\b", re.I)
# "The mercenaries", "the group", "They" at the head of a clause name the force the text has just named ("The
# Russian Wagner Group has withdrawn ..." then "... the mercenaries positioned in the road ..."): coreference, within
# the paragraph or from the sentence before.
ANAPHOR = re.compile(
    r"^(?:\W*(?:\w+\W+){0,8}?)?\b(?:the\s+(?:mercenaries|group|fighters|force|forces|mercenary\s+group)|they|its\s+"
    r"(?:mercenaries|fighters|forces))\b",
    re.I,
)
# "That deadline passed on Saturday": the deadline of the forces the sentence before named.
DEADLINE_ANAPHOR = re.compile(r"^\W*(?:that|the|this)\s+(?:\d+-day\s+)?deadline\b", re.I)
# Nominalised objects are not agents: "the withdrawal of all foreign forces" (the force is what is withdrawn).
OBJECT_OF = re.compile(r"\b(?:withdrawal|departure|removal|exit|expulsion|repatriation)\s+of\s+(?:all\s+)?(?:the\s+)?$",
                       re.I)  # fmt: skip
# A ceasefire the text names no party of, dated to October 2020, is the one the 5+5 Joint Military Commission signed
# in Geneva on 23 October 2020 (Libya Herald, 4 Nov 2020, https://www.libyaherald.com/2020/11/04/55-joint-military-
# commission-agrees-permanent-ceasefire-steps-at-ghadames-meeting/): its parties, for the main actor.
CEASEFIRE = re.compile(r"\b(?:cease-?fire|truce|the\s+agreement)\b", re.I)
CEASEFIRE_2020, CEASEFIRE_SIGNATORY = date(2020, 10, 23), "Joint Military Commission"
LIBYAN_PARTIES = ("Libyan government", "Forces of Khalifa Haftar", "Joint Military Commission")
# A presence or withdrawal of "troops" or "military units" a state sends is its armed forces' ("Turkey is beginning
# to send troops"; "the country was deploying military units"), where the curated actors name them.
TROOPS = re.compile(r"\b(?:troops|soldiers|military\s+units|military\s+personnel|servicemen)\b", re.I)
# A relative clause ("..., in which the rivals agreed ...") is dated by its antecedent: the date just before it.
RELATIVE = re.compile(r"^(?:in|during|at)\s+which\b|^where\b", re.I)


# A name that is both an actor and a place ("Ankara", "Moscow") is the actor, unless a preposition makes it a place.
LOCATIVE = re.compile(r"\b(?:in|at|to|from|near|into|outside|around)\s+$", re.I)


# A place in the name of a body is no place of the event ("the Sirte-Jufra Operations Room"); a place describing
# another ("Sirte, a city southeast of Tripoli") is no place of the event either.
IN_A_NAME = re.compile(
    r"(?:-[A-Z][\w-]*)*\s+(?:Operations?\s+Room|Operations?|Brigade|Battalion|Command|Military\s+Zone|Protection"
    r"\s+Force|Shield|Conference|Process|Agreement)\b"
)
HYPHENED = re.compile(r"[A-Z][\w]*-$")
DESCRIBING = re.compile(
    r"\b(?:a|the)\s+(?:\w+\s+)?(?:city|town|port|village|oasis|district)\s+(?:\w+\s+){0,3}(?:of|from)\s+$", re.I
)


def _places(clause: str, places: list[Mention], actors: list[Mention]) -> list[Mention]:
    """The place mentions of a clause less those that name an actor there (see LOCATIVE), stand in a body's name
    (IN_A_NAME) or describe another place (DESCRIBING)."""
    kept = []
    for p in places:
        if any(a.start <= p.start and p.end <= a.end for a in actors) and not LOCATIVE.search(clause[: p.start]):
            continue
        if IN_A_NAME.match(clause, p.end) or (HYPHENED.search(clause[: p.start]) and IN_A_NAME.match(clause, p.end)):
            continue
        if HYPHENED.search(clause[: p.start]) and re.match(r"\s+(?:Operations?|Room|Brigade)", clause[p.end :]):
            continue
        if DESCRIBING.search(clause[max(0, p.start - 60) : p.start]):
            continue
        kept.append(p)
    return kept


def _blank(text: str, mentions: list[Mention]) -> str:
    """The text with the names found in it blanked out (same length), so that no trigger fires inside a name."""
    for m in mentions:
        text = text[: m.start] + " " * (m.end - m.start) + text[m.end :]
    return text


def _agents(clause: str, mentions: list[Mention]) -> list[Mention]:
    """The mentions that may be the clause's agent: outside quoted speech, not qualifying another word, not the one
    backed or opposed (see NOT_AGENT_AFTER, NOT_AGENT_BEFORE); all of them when none is left."""
    quoted = [m.span() for m in QUOTED.finditer(clause)]
    outside = [m for m in mentions if not any(a <= m.start < b for a, b in quoted)] or mentions
    agents: list[Mention] = []
    previous: Mention | None = None
    for m in outside:
        before = clause[max(0, m.start - 80) : m.start]
        if previous is not None and previous.name == m.name and before.rstrip().endswith("("):
            agent = previous in agents  # "Libyan National Army (LNA)": the acronym is what its full name is
        else:
            agent = not (NOT_AGENT_AFTER.match(clause, m.end) or NOT_AGENT_BEFORE.search(before)
                         or OBJECT_OF.search(before))  # fmt: skip
        if agent:
            agents.append(m)
        previous = m
    return agents or outside


def main_first(
    names: tuple[str, ...], kind: str, role: dict[str, str], agents: tuple[str, ...] = (), speaker: str = ""
) -> tuple[str, ...]:
    """The clause's actors with its main actor first: for a force's doing, the named forces first (see FORCE_KINDS);
    for a statement its speaker; else the first agent (see _agents), then the rest in the text's order."""
    agents = tuple(a for a in agents if a in names) or names
    if kind in FORCE_KINDS:
        forces = [n for n in names if role.get(n) == "force"]
        named = [n for n in forces if n != UNATTRIBUTED]
        main = (named or forces or list(agents))[:1]
    elif kind == "statement" and speaker:
        main = [speaker]
    else:
        main = list(agents[:1])
    return tuple(dict.fromkeys([*main, *names]))


def _coreferent(
    clause: str,
    names: tuple[str, ...],
    kind: str,
    role: dict[str, str],
    before: list[Candidate],
    paragraph: str,
    previous: Candidate | None,
) -> tuple[str, ...]:
    """A definite or pronoun reference to a force ("the mercenaries", "They") is the named force of the candidates of
    its paragraph, or of the sentence before (see ANAPHOR); "That deadline" is the deadline of the forces just named."""
    if DEADLINE_ANAPHOR.match(clause) and not names and previous is not None:
        forces = [n for n in previous.actors if role.get(n) == "force"]
        return tuple(forces[:1])
    if kind not in FORCE_KINDS or (names and names[0] != UNATTRIBUTED) or not ANAPHOR.match(clause):
        return names
    near = [c for c in before if c.paragraph == paragraph] or ([previous] if previous is not None else [])
    for c in reversed(near):
        named = [n for n in c.actors if role.get(n) == "force" and n != UNATTRIBUTED]
        if named:
            return tuple(dict.fromkeys([named[0], *names]))
    return names


def _troops(
    clause: str,
    names: tuple[str, ...],
    kind: str,
    role: dict[str, str],
    armed_forces: dict[str, str],
    counts_as: dict[str, str],
) -> tuple[str, ...]:
    """A state's (or its leader's) troops are its armed forces when the clause names no force (see TROOPS)."""
    if kind not in FORCE_KINDS or not names or role.get(names[0]) == "force" or not TROOPS.search(unquoted(clause)):
        return names
    state = names[0]
    while state in counts_as and state not in armed_forces:
        state = counts_as[state]
    return tuple(dict.fromkeys([armed_forces[state], *names])) if state in armed_forces else names


def _ceasefire_parties(clause: str, names: tuple[str, ...], kind: str, dating: Dating) -> tuple[str, ...]:
    """The 2020 ceasefire's signatory as the main actor of a clause that states it and names none of its parties (see
    CEASEFIRE)."""
    if kind != "agreement" or not CEASEFIRE.search(clause) or any(n in LIBYAN_PARTIES for n in names):
        return names
    if not dating.start <= CEASEFIRE_2020 <= dating.end or dating.basis != "event":
        return names
    return (CEASEFIRE_SIGNATORY, *names)


def _speaker(clause: str, agents: list[Mention], trigger_at: int | None) -> str:
    """The speaker of a statement: the agent nearest before its verb, else the first after it ("said Bashagha")."""
    if trigger_at is None or not agents:
        return agents[0].name if agents else ""
    before = [m for m in agents if m.end <= trigger_at]
    return (before[-1] if before else agents[0]).name


def extract(
    text: str,
    published: datetime,
    actors: pd.DataFrame,
    places: pd.DataFrame,
    headline: str = "",
    located: pd.DataFrame | None = None,
) -> list[Candidate]:
    """Candidate events of an article: one per clause naming a known actor or place (and per place it locates).
    `actors` and `places` are the curated files; the knowledge files (components/knowledge.py) and the places the
    imported datasets give a point (`located`, components/queries/datapage.py's rows) are added behind them."""
    pub = published.date()
    actors = knowledge.extraction_actors(actors)
    places = knowledge.extraction_places(places, located)
    curated_actors = set(actors["name"][~actors["match_case"]]) if len(actors) else set()
    role = dict(zip(actors["name"], actors["role"]))
    counts_as = {n: c for n, c in zip(actors["name"], actors["counts_as"]) if c}
    armed_forces = {sponsor: name for name, sponsor in zip(actors["name"], actors["sponsor"]) if sponsor}
    actor_finder = name_finder(actors, Actors.name, Actors.aliases)
    place_finder = name_finder(places, Places.name, Places.aliases)
    precision = dict(zip(places[Places.name], places[Places.precision]))

    def names(part: str) -> bool:
        """Whether a part of a sentence names a known actor or place."""
        return bool(find_names(part, actor_finder) or find_names(part, place_finder))

    candidates: list[Candidate] = []
    sentence_of: list[str] = []  # each candidate's sentence, for the date a neighbouring sentence gives
    previous, last_sentence = None, None
    for offset, clause, sentence, paragraph in clauses_of(text, headline, names):
        if sentence is not last_sentence:  # continuations look back to the event before this sentence
            previous, last_sentence = (candidates[-1] if candidates else None), sentence
        found = find_names(clause, actor_finder)
        # A name's own words are no verb: "Government of National Accord" is no accord, "Operations Room" no event.
        named = [*found, *find_names(clause, place_finder)]
        kind, trigger, trigger_at = _kind_at(
            _blank(clause, named), _blank(sentence, find_names(sentence, actor_finder))
        )
        agents = _agents(clause, found)
        quoted = [m.span() for m in QUOTED.finditer(clause)]
        outside = [m for m in agents if not any(a <= m.start < b for a, b in quoted)]
        anaphoric = (not outside and PRONOUN_SPEAKER.search(unquoted(clause))) or (quoted and not outside and
                                                                                   not trigger_at)  # fmt: skip
        speaker = ""
        if kind == "statement" and anaphoric:  # "..., he said": the speaker of the statement before
            speaker = next((c.actors[0] for c in reversed(candidates) if c.event_kind == "statement" and c.actors
                            and role.get(c.actors[0]) != "force"), "")  # fmt: skip
        speaker = speaker or _speaker(clause, agents, trigger_at)
        names_found = tuple(dict.fromkeys([*([speaker] if speaker else []), *(m.name for m in found)]))
        actor_names = main_first(names_found, kind, role, tuple(m.name for m in agents), speaker)
        actor_names = _coreferent(clause, actor_names, kind, role, candidates, paragraph, previous)
        actor_names = _troops(clause, actor_names, kind, role, armed_forces, counts_as)
        if not actor_names and trigger == NO_TRIGGER:
            continue  # no one does anything that a trigger names: a place alone is not an event
        if trigger == NO_TRIGGER and BACKING.search(unquoted(clause)):
            continue  # who backs whom is an attribute of the actors (actors.csv), not an event
        if trigger == NO_TRIGGER and role.get(actor_names[0]) != "force":
            continue  # the default kind is a force's presence: a state or party with no trigger did nothing coded
        # A clause's own date words come first; those of quoted speech date what the speaker speaks of, not the speech.
        dating = date_words(unquoted(clause), pub)
        at = sentence.find(clause)
        if dating is None and RELATIVE.match(clause) and at > 0:
            dating = date_words(unquoted(sentence[:at]), pub, last=True)
        dating = dating or date_words(unquoted(sentence), pub)
        dating = dating or _undated(clause, pub, previous, kind, actor_names)
        locations = _locations(clause, _places(clause, find_names(clause, place_finder), found), precision)
        actor_names = _ceasefire_parties(clause, actor_names, kind, dating)
        # Beside the main actor, only actors.csv's: an accepted event names curated actors only (the loader checks).
        actor_names = actor_names[:1] + tuple(n for n in actor_names[1:] if n in curated_actors)
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
            sentence_of.append(sentence)
    return _dated_by_next(candidates, sentence_of)


CARRIED = ("same occasion", "same speaker", "ongoing", "undated", "same speaker (next sentence)")


def _by_date_words(c: Candidate) -> bool:
    """Whether a candidate was dated by its own date words (not carried from another, not the report's day)."""
    return not any(f"date rule {r};" in c.rule for r in CARRIED)


def _dated_by_next(candidates: list[Candidate], sentence_of: list[str]) -> list[Candidate]:
    """An undated statement takes the date of the next sentence when the same speaker goes on there ("... called on
    ... to leave Libya." then "..., Guterres told reporters Thursday."); its rule says so."""
    out = list(candidates)
    for i, c in enumerate(candidates):
        if c.date_basis != "event" and c.event_kind == "statement" and c.actors:
            later = [j for j in range(i + 1, len(candidates)) if sentence_of[j] is not sentence_of[i]]
            if not later:
                continue
            following = [j for j in later if sentence_of[j] is sentence_of[later[0]]]
            for j in following:
                n = candidates[j]
                if (
                    n.event_kind == "statement"
                    and n.date_basis == "event"
                    and n.actors[:1]
                    and (n.actors[0] in c.actors or c.actors[0] in n.actors)
                    and _by_date_words(n)
                ):
                    words = f"no date words; the same speaker's next sentence is dated ({n.date_words})"
                    rule = c.rule.replace("date rule undated", "date rule same speaker (next sentence)").replace(
                        "date rule ongoing", "date rule same speaker (next sentence)"
                    )
                    out[i] = replace(c, start=n.start, end=n.end, precision=n.precision, date_basis="event",
                                     date_words=words, rule=rule)  # fmt: skip
                    break
    return out
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
