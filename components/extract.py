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
from components.clauses import QUOTED, clauses_of, marked, unquoted
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
    "agreement": (
        "ceasefire agreed", "agreed", "signed", "agreement", "accord", "truce", "action plan", "a ceasefire",
        "a cease-fire", "a formal ceasefire", "a formal cease-fire", "a permanent ceasefire", "a permanent cease-fire",
    ),
    "deadline": ("deadline", "expired", "expires"),
    "decision": (
        "approved", "decided", "extend", "extended", "extends", "extending", "voted", "ratified", "ordered",
        "authorised", "authorized", "mandate",
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

# An occasion the text dates ("a two-day meeting in Cairo on 30-31 October"), and a later definite reference to it
# ("the Cairo meeting", "the talks", "the meeting in Geneva"): what is said there is dated by the occasion.
OCCASION = r"(?:meeting|meetings|talks|conference|summit|session|gathering|negotiations)"
OCCASION_WORD = re.compile(rf"\b{OCCASION}\b", re.I)
OCCASION_REF = re.compile(
    rf"\b(?:the|this|that|these)\s+(?:(?P<place>[A-Z][\w'’-]+)\s+)?(?:two-day\s+|three-day\s+)?{OCCASION}\b"
    rf"(?:\s+in\s+(?P<in>[A-Z][\w'’-]+))?"
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
    # Quoted speech attributed outside the quotes ("“... the departure of a larger number”, she said") is what was
    # said: its words are the statement's, not a trigger of what happened.
    speech = {id(t): [q.span() for q in QUOTED.finditer(t)] if ATTRIBUTION_PATTERN[0][1].search(unquoted(t)) else []
              for t in (clause, sentence)}  # fmt: skip
    for patterns, text, where in tiers:
        for kind, pattern in patterns:
            for m in pattern.finditer(text):
                if kind == "agreement" and (
                    DECIDED.match(text, m.end())
                    or (AGREEMENT_NOUN.search(m.group(0)) and FRAME.search(text, 0, m.start()))
                ):
                    continue  # fmt: skip
                if patterns is KIND_PATTERNS and any(a <= m.start() < b for a, b in speech[id(text)]):
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


@dataclass(frozen=True)
class Said:
    """A clause of the text that names someone or somewhere, candidate or not, with its own date words' date."""

    paragraph: str
    clause: str
    dating: Dating | None

    def occasion(self) -> bool:
        """Whether the clause states an occasion dated by its own words ("a meeting in Cairo on 30-31 October")."""
        return self.dating is not None and bool(OCCASION_WORD.search(self.clause))


def _occasion(clause: str, earlier: list[Said]) -> Dating | None:
    """The date of the occasion a clause refers to ("participating in the Cairo meeting"): the latest earlier clause
    stating an occasion with its own date words (at the place the reference names, if it names one)."""
    ref = OCCASION_REF.search(unquoted(clause))
    if ref is None:
        return None
    place = ref.group("place") or ref.group("in")
    for s in reversed(earlier):
        if s.occasion() and (not place or place in s.clause):
            words = f"'{ref.group(0)}' → the occasion dated before ({s.dating.words})"
            return Dating(s.dating.start, s.dating.end, s.dating.precision, "event", words, "same occasion",
                          "same occasion")  # fmt: skip
    return None


def _undated(
    clause: str, pub: date, previous: Candidate | None, kind: str, actors: tuple[str, ...], earlier: list[Said]
) -> Dating:
    """A clause with no date words: the previous event's date if a rule says so, else the report's date."""
    occasion = _occasion(clause, earlier)
    if occasion is not None:
        return occasion
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
    r"|close\s+to|side\s+of|behalf\s+of|against|affiliated\s+with|including|links?\s+to|ties\s+(?:with|to)|recogni[sz]ed\s+by"
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
BACKING = re.compile(
    r"\b(?:backs|backed|backing|supports|supported|supporting|(?:military|political)\s+support|allied\s+with"
    r"|sided\s+with)\b",
    re.I,
)
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


# A force's doing at a place abroad is an event elsewhere ("Wagner fighters have left the Central African Republic"),
# not one in Libya, unless the clause names a place in Libya too; "elsewhere" says so without a place. Libya named as
# what is set aside ("Aside from Libya, it has operated in Mali") is no place of the event.
ELSEWHERE = re.compile(
    r"\belsewhere\b|\b(?:other|several|many|some|\d+)\s+(?:African|Arab|European|Asian)\s+countries\b", re.I
)
SET_ASIDE = re.compile(r"\b(?:aside\s+from|apart\s+from|besides|other\s+than|beyond|outside\s+of)\s+$", re.I)
# A clause naming no one foreign to Libya (the rivals alone: "Haftar began an offensive on Tripoli", "the country was
# split between rival administrations") is Libyan politics, not the foreign military presence this monitor follows.


# Words that put a paragraph in scope without a foreign name: foreign forces in words, and the ceasefire and
# departure that concern them ("Libyan authorities are aiming for the departure of a larger number").
FOREIGN_WORDS = re.compile(
    r"\b(?:foreign|mercenar\w*|external|international|abroad|PMCs?|private\s+military|cease-?fire|truce|withdrawal"
    r"|departure|pull-?out|expulsion)\b",
    re.I,
)


# The ceasefire's 5+5 commission exists to see it through, the foreign forces' departure included: always in scope.
IN_SCOPE = ("Joint Military Commission",)


def _foreign(paragraph: str, actor_finder: list, foreign: set[str], abroad: list) -> bool:
    """Whether a paragraph names someone foreign to Libya (or the JMC), foreign forces, the ceasefire or their
    departure, or a place abroad ("a meeting in Cairo")."""
    return (
        bool(FOREIGN_WORDS.search(paragraph))
        or any(m.name in foreign or m.name in IN_SCOPE for m in find_names(paragraph, actor_finder))
        or bool(find_names(paragraph, abroad))
    )


def _elsewhere(clause: str, places: list[Mention], country: dict[str, str]) -> bool:
    """Whether a clause places its event abroad: a place abroad or "elsewhere", and no place in Libya."""
    libyan = [p for p in places if country.get(p.name) == "Libya" and not SET_ASIDE.search(clause[: p.start])]
    abroad = [p for p in places if country.get(p.name, "Libya") not in ("Libya", "")]
    return bool(abroad or ELSEWHERE.search(clause)) and not libyan


# History the article recalls: a year named five years or more before the publication ("since the 2011 fall of
# Gaddafi", "the Skhirat Agreement ... on December 17, 2015") dates background, not the events the article reports.
BACKGROUND_YEARS = 5
YEAR_WORD = re.compile(r"(?<![\d-])(?:19|20)\d{2}(?![\d-])")
# A description is no event: "PMC Wagner is an unofficial armed group", "The trench is a sign that ...".
DESCRIPTION = re.compile(r"\b(?:is|are|was|were)\s+(?:a|an|one\s+of|members?\s+of|part\s+of)\b", re.I)
# An agreement named as the frame of something else ("As part of the security cooperation agreement, Turkey supports
# ...", "under the Libyan Political Agreement") is referred to, not concluded: its noun is no trigger there.
FRAME = re.compile(
    r"\b(?:as\s+part\s+of|under|in\s+line\s+with|pursuant\s+to|within\s+the\s+framework\s+of|in\s+accordance"
    r"\s+with|in|of|after|despite|following|before)\s+(?:the|a|an|its|their)?\s*(?:[\w'’-]+\s+){0,4}$",
    re.I,
)
AGREEMENT_NOUN = re.compile(r"\b(?:agreement|accord|truce|cease-?fire|plan)$", re.I)
# A sentence that only says who spoke ("Williams stated while speaking to CNN."), after a quotation, attributes that
# quotation: it is no statement of its own.
ATTRIBUTION_ONLY = 6  # words at most besides the speaker's name


REPORTED = re.compile(r"\s*(?:that\b|:)", re.I)
RELATIVE_BEFORE = re.compile(r"\b(?:who|which)\b[^,;]*$", re.I)


def _spoken_of(clause: str, found: list[Mention], trigger_at: int | None) -> bool:
    """Whether a statement names no one before its verb and only names in what is reported after it ("The motion
    said that ... including Turkey"): its speaker is none of them."""
    if trigger_at is None or not found or any(m.end <= trigger_at for m in found):
        return False
    verb = re.match(r"[\w ]+?\b(?=\s|$)", clause[trigger_at:])
    return bool(verb and REPORTED.match(clause, trigger_at + len(verb.group(0))))


def _in_relative(clause: str, trigger_at: int | None) -> bool:
    """Whether the clause's trigger stands in a relative clause ("Hifter, who is based in ...")."""
    return trigger_at is not None and bool(RELATIVE_BEFORE.search(clause[:trigger_at]))


def _attribution_only(clause: str, sentence: str, text: str, offset: int, found: list[Mention]) -> bool:
    """Whether a clause is a whole sentence saying only who spoke, right after a quotation (see ATTRIBUTION_ONLY)."""
    if clause != sentence or QUOTED.search(clause):
        return False
    before = text[:offset].rstrip()
    rest = _blank(clause, found).split()
    return before.endswith(("”", '"')) and len(rest) <= ATTRIBUTION_ONLY + 1


def _background(clause: str, pub: date) -> bool:
    """Whether a clause names a year five or more years before the publication (see BACKGROUND_YEARS)."""
    return any(int(y) <= pub.year - BACKGROUND_YEARS for y in YEAR_WORD.findall(unquoted(clause)))


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


def _agents(clause: str, mentions: list[Mention], strict: bool = False) -> list[Mention]:
    """The mentions that may be the clause's agent: outside quoted speech, not qualifying another word, not the one
    backed or opposed (see NOT_AGENT_AFTER, NOT_AGENT_BEFORE); all of them when none is left (none, if `strict`)."""
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
    return agents if strict else agents or outside


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
    # "the group" is a force named as a group ("the Wagner Group"), not mercenaries named by their nationality.
    group = "group" in ANAPHOR.match(clause).group(0).casefold()
    for want_group in [True, False] if group else [False]:
        for c in reversed(near):
            named = [n for n in c.actors if role.get(n) == "force" and n != UNATTRIBUTED
                     and (not want_group or n.casefold().endswith("group"))]  # fmt: skip
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
    country = dict(zip(places[Places.name], places["country"]))
    # A country or region abroad with no point only says an event is elsewhere: it locates no candidate.
    elsewhere_only = {n for n, k in zip(places[Places.name], places["kind"]) if k == "abroad only"}
    foreign = {n for n, f in zip(actors["name"], actors["foreign"]) if f}
    abroad_finder = [(p, n) for p, n in place_finder if country.get(n, "Libya") not in ("Libya", "")]

    def names(part: str) -> bool:
        """Whether a part of a sentence names a known actor or place."""
        return bool(find_names(part, actor_finder) or find_names(part, place_finder))

    candidates: list[Candidate] = []
    sentence_of: list[str] = []  # each candidate's sentence, for the date a neighbouring sentence gives
    previous, last_sentence = None, None
    said: list[Said] = []
    for offset, clause, sentence, paragraph in clauses_of(text, headline, names):
        if sentence is not last_sentence:  # continuations look back to the event before this sentence
            # A caption's or standfirst's date applies only to what it states: no continuation carries it on.
            # the latest candidate not of a caption (looked for from the end: the last one, as a rule)
            previous = next((c for c in reversed(candidates) if not marked(text, c.offset, c.paragraph)), None)
            last_sentence = sentence
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
        kept_places = _places(clause, find_names(clause, place_finder), found)
        # A clause's own date words come first; those of quoted speech date what the speaker speaks of, not the speech.
        own = date_words(unquoted(clause), pub, anchor=trigger_at)
        said.append(Said(paragraph, clause, own))  # every clause naming someone, candidate or not: occasions it dates
        if not actor_names and trigger == NO_TRIGGER:
            continue  # no one does anything that a trigger names: a place alone is not an event
        if _background(clause, pub):
            continue  # history the article recalls (see BACKGROUND_YEARS)
        if trigger == NO_TRIGGER and (not outside or DESCRIPTION.search(unquoted(clause))):
            continue  # a force named only in quoted speech, or described ("is an armed group"): no presence stated
        strict = _agents(clause, found, strict=True)
        if (
            kind == "statement"
            and not PRONOUN_SPEAKER.search(unquoted(clause))
            and _spoken_of(clause, found, trigger_at)
        ):
            continue  # "It stated that it had tried to reach the Russian government": the names are what is said
        if found and not strict and BACKING.search(unquoted(clause)) and _in_relative(clause, trigger_at):
            continue  # "Hifter, who is based in eastern Libya and is backed by ...": who backs whom, described
        if (
            kind == "statement"
            and trigger.endswith("(attribution)")
            and _attribution_only(clause, sentence, text, offset, found)
        ):
            continue  # "Williams stated while speaking to CNN." attributes the quotation before it
        if trigger == NO_TRIGGER and BACKING.search(unquoted(clause)):
            continue  # who backs whom is an attribute of the actors (actors.csv), not an event
        if trigger == NO_TRIGGER and role.get(actor_names[0]) != "force":
            continue  # the default kind is a force's presence: a state or party with no trigger did nothing coded
        if kind in FORCE_KINDS and _elsewhere(clause, kept_places, country):
            continue  # a force's doing abroad is an event elsewhere (see ELSEWHERE)
        if (
            actor_names
            and not anaphoric
            and not _foreign(paragraph, actor_finder, foreign, abroad_finder)
            and not any(n in foreign for n in actor_names)
        ):
            continue  # no one foreign to Libya: not the foreign presence this monitor follows
        if (
            kind in FORCE_KINDS
            and actor_names
            and actor_names[0] not in foreign
            and role.get(actor_names[0]) != "force"
        ):
            continue  # a Libyan institution "based in the capital" is its seat, not a force's presence
        dating = own
        at = sentence.find(clause)
        if dating is None and RELATIVE.match(clause) and at > 0:
            dating = date_words(unquoted(sentence[:at]), pub, last=True)
        dating = dating or date_words(unquoted(sentence), pub, anchor=None if trigger_at is None else at + trigger_at)
        dating = dating or _undated(clause, pub, previous, kind, actor_names, said[:-1])
        locations = _locations(clause, [p for p in kept_places if p.name not in elsewhere_only], precision)
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
    captions = [marked(text, c.offset, c.paragraph) for c in candidates]
    return _lead_dated_by_occasion(_dated_by_next(candidates, sentence_of, captions), said)


CARRIED = ("same occasion", "same speaker", "ongoing", "undated", "same speaker (next sentence)", "lead's occasion")


def _by_date_words(c: Candidate) -> bool:
    """Whether a candidate was dated by its own date words (not carried from another, not the report's day)."""
    return not any(f"date rule {r};" in c.rule for r in CARRIED)


def _dated_by_next(candidates: list[Candidate], sentence_of: list[str], captions: list[bool]) -> list[Candidate]:
    """An undated statement takes the date of the next sentence when the same speaker goes on there ("... called on
    ... to leave Libya." then "..., Guterres told reporters Thursday."); its rule says so. A caption or standfirst
    (`captions`) neither gives nor takes such a date: what it states is its own."""
    out = list(candidates)
    for i, c in enumerate(candidates):
        if c.date_basis != "event" and c.event_kind == "statement" and c.actors and not captions[i]:
            later = [j for j in range(i + 1, len(candidates))
                     if sentence_of[j] is not sentence_of[i] and not captions[j]]  # fmt: skip
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


def _lead_dated_by_occasion(candidates: list[Candidate], said: list[Said]) -> list[Candidate]:
    """A lead (the first paragraph with candidates) stating a past event without date words reports the occasion the
    next paragraph dates, when that paragraph opens by stating one ("The JMC agreed with ..." then "... during a two-day
    meeting in Cairo on 30-31 October 2021"): its undated clauses take that date, and their rule says so."""
    if not candidates:
        return candidates
    lead = candidates[0].paragraph
    at = next((i for i, s in enumerate(said) if s.paragraph == lead), None)
    following = [s for s in said[at:] if s.paragraph != lead] if at is not None else []
    if not following or not following[0].occasion():
        return candidates
    dated = following[0].dating
    out = []
    for c in candidates:
        if c.paragraph == lead and "date rule undated;" in c.rule:
            words = f"no date words in the lead; the occasion the next paragraph dates ({dated.words})"
            c = replace(
                c,
                start=dated.start,
                end=dated.end,
                precision=dated.precision,
                date_basis="event",
                date_words=words,
                rule=c.rule.replace("date rule undated;", "date rule lead's occasion;"),
            )
        out.append(c)
    return out


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
