"""Candidate events from an article's text: each clause naming a known actor or place, dated by declared rules."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

import dateparser
import pandas as pd

from components.schema import TIME_PRECISION, Actors, Events, Places, split_list

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

# Lines that are not article text: teasers linking other articles ("OPINION: Can the EU ...?", "READ MORE: ...") are
# skipped; other boilerplate (a site slogan, the dateline) names no actor or place and so gives no candidate anyway.
TEASER = re.compile(r"[A-Z]{4,}(?: [A-Z]+)*:\s")
CREDIT = re.compile(r"\s*\[[^\[\]]*\]\s*$")  # a photo credit "[MAHMUD TURKIA/AFP via Getty Images]" ends a caption
PARAGRAPH = re.compile(r"[^\n]+(?:\n[ \t]*\S[^\n]*)*")  # a block of non-blank lines

# A sentence ends at . ! or ? (and any closing quote) before a capital or digit, unless the word is an abbreviation.
SENTENCE_END = re.compile(r"[.!?][”\"’)\]]*(?=\s+[“\"‘(\[]?[A-Z0-9])")
ABBREVIATION = re.compile(
    r"(?:\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Mr|Mrs|Ms|Dr|Gen|Lt|Col|Maj|Capt|Sgt|St|No|Prof"
    r"|Sen|Rep|Gov|vs|etc)|\b[A-Z])\.$"
)
# A sentence stating two events splits at "nor", at ", and|but|while" and at ";", outside quoted speech, when each
# part names an actor or a place; a part naming none stays with the clause before it.
CLAUSE_BREAK = re.compile(r",?\s+(?=nor\s)|,\s+(?=(?:and|but|while|whereas)\s)|;\s+")
QUOTED = re.compile(r"“[^”]*”?|\"[^\"]*\"?")
LEADING_CONJUNCTION = re.compile(r"(?:and|but|while|whereas)\s+")  # "nor" stays in the quote: it negates
ACRONYM = re.compile(r"[A-Z]{2,5}")  # "US" matches only in capitals, never the pronoun "us"

# Tense without date words: present or present perfect outside quoted speech is a report of something ongoing.
ONGOING = re.compile(r"\b(?:(?:is|are|am|has|have)(?:\s+been)?\b(?:\s+\w+)?|(?:remains?|continues?|stays?)\b)", re.I)
FUTURE = re.compile(r"\b(?:will|shall|(?:is|are)\s+(?:due|set|expected)\s+to)\b", re.I)
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
PRECISIONS = ("day", "week", "month", "year")  # finest first: among several date words the finest wins

# Date words. Month and weekday names must be capitalised ("may" is a verb); the rest is case-insensitive.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH = (
    r"(?-i:(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)(?![a-z]))\.?"
)
MONTH_PREFIX = re.compile("|".join(MONTHS))  # case-sensitive: finds the month in matched date words
WEEKDAY = rf"(?-i:{'|'.join(WEEKDAYS)})"
NOT_A_NAME = r"(?!\s+(?-i:[A-Z]))"  # a bare "Sunday Times" is a newspaper, not a day; "on Sunday Turkey ..." is a day
DAY_NUMBER = r"\d{1,2}(?:st|nd|rd|th)?"
YEAR = r"(?:19|20)\d{2}"


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


@dataclass(frozen=True)
class Dating:
    """How a clause was dated: the span, its precision and basis, the words and the rule that gave it."""

    start: date
    end: date
    precision: str
    basis: str
    words: str
    rule: str
    weight: str  # a key of WEIGHTS


@dataclass(frozen=True)
class Mention:
    """A name found in a text: where, the canonical name, and the words as written."""

    start: int
    end: int
    name: str
    words: str


# ---------------------------------------------------------------------------------------------------------------
# Date rules: each resolves one kind of date words against the publication day.
# ---------------------------------------------------------------------------------------------------------------

Span = tuple[date, date, str, str]  # start, end, precision, how it was resolved


def _day(d: date) -> str:
    """'Saturday 23 Jan 2021'."""
    return f"{d:%A} {d.day} {d:%b %Y}"


def _month_span(year: int, month: int) -> tuple[date, date]:
    """The first and last day of a month."""
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _month_of(m: re.Match) -> int:
    """The month number of the month name in matched date words ('Oct.' -> 10)."""
    return MONTHS.index(MONTH_PREFIX.search(m.group(0)).group(0)) + 1


def _explicit_day(m: re.Match, pub: date, clause: str) -> Span | None:
    """A printed day read by dateparser; without a year, the latest such day on or before publication."""
    printed_day = int(re.search(r"(?<!\d)\d{1,2}(?!\d)", m.group(0)).group(0))
    settings = {"RELATIVE_BASE": datetime(pub.year, pub.month, pub.day), "PREFER_DATES_FROM": "past"}
    parsed = dateparser.parse(m.group(0), languages=["en"], settings={**settings, "REQUIRE_PARTS": ["day", "month"]})
    has_year = bool(re.search(YEAR, m.group(0)))
    if parsed is None or parsed.day != printed_day or (not has_year and parsed.date() > pub):
        return None  # never a day dateparser invented, never a future day for a year-less date
    how = "as printed" if has_year else f"latest such day on or before publication, {_day(pub)}"
    return parsed.date(), parsed.date(), "day", how


def _month_year(m: re.Match, pub: date, clause: str) -> Span:
    """'October 2020': that month."""
    return (*_month_span(int(re.search(YEAR, m.group(0)).group(0)), _month_of(m)), "month", "as printed")


def _month_last_year(m: re.Match, pub: date, clause: str) -> Span:
    """'October last year': that month of the year before publication."""
    return (*_month_span(pub.year - 1, _month_of(m)), "month", f"the year before publication, {pub.year}")


def _last_month_name(m: re.Match, pub: date, clause: str) -> Span:
    """'last October': the latest such month before the publication month."""
    month = _month_of(m)
    year = pub.year if month < pub.month else pub.year - 1
    return (*_month_span(year, month), "month", f"latest {date(2000, month, 1):%B} before {pub:%B %Y}")


def _month(m: re.Match, pub: date, clause: str) -> Span:
    """'In December': the latest such month on or before the publication month."""
    month = _month_of(m)
    year = pub.year if month <= pub.month else pub.year - 1
    return (*_month_span(year, month), "month", f"latest {date(2000, month, 1):%B} on or before {pub:%B %Y}")


def _this_month(m: re.Match, pub: date, clause: str) -> Span:
    """'earlier this month': the publication month, up to the publication day."""
    return pub.replace(day=1), pub, "month", f"the publication month, up to {_day(pub)}"


def _last_month(m: re.Match, pub: date, clause: str) -> Span:
    """'last month': the month before the publication month."""
    previous = pub.replace(day=1) - timedelta(days=1)
    return (*_month_span(previous.year, previous.month), "month", f"the month before {pub:%B %Y}")


def _last_week(m: re.Match, pub: date, clause: str) -> Span:
    """'last week': the calendar week (Monday to Sunday) before the publication week."""
    monday = pub - timedelta(days=pub.weekday() + 7)
    return monday, monday + timedelta(days=6), "week", f"Monday to Sunday before the week of {_day(pub)}"


def _this_week(m: re.Match, pub: date, clause: str) -> Span:
    """'earlier this week': Monday of the publication week to the publication day."""
    return pub - timedelta(days=pub.weekday()), pub, "week", f"the publication week, up to {_day(pub)}"


def _yesterday(m: re.Match, pub: date, clause: str) -> Span:
    """'yesterday': the day before publication."""
    return pub - timedelta(days=1), pub - timedelta(days=1), "day", f"publication {_day(pub)} − 1 day"


def _today(m: re.Match, pub: date, clause: str) -> Span:
    """'today': the publication day."""
    return pub, pub, "day", "the publication day"


def _weekday(m: re.Match, pub: date, clause: str) -> Span:
    """'on Saturday': the latest such day before publication; 'next', or a future tense, the next one after it."""
    *before, weekday = m.group(0).split()
    target = WEEKDAYS.index(weekday)
    qualifier = before[0].lower() if before else ""
    name = WEEKDAYS[target]
    if qualifier == "next" or (qualifier != "last" and FUTURE.search(clause)):
        d = pub + timedelta(days=(target - pub.weekday() - 1) % 7 + 1)
        return d, d, "day", f"next {name} after publication, {_day(pub)}"
    if target == pub.weekday() and qualifier != "last":
        # News style names the day of publication by its weekday; a week earlier would be "last Friday".
        return pub, pub, "day", f"{name} is the publication day; 'last {name}' would be a week earlier"
    d = pub - timedelta(days=(pub.weekday() - target - 1) % 7 + 1)
    return d, d, "day", f"latest {name} before publication, {_day(pub)}"


def _last_year(m: re.Match, pub: date, clause: str) -> Span:
    """'last year': the year before publication."""
    return date(pub.year - 1, 1, 1), date(pub.year - 1, 12, 31), "year", f"the year before {pub.year}"


def _this_year(m: re.Match, pub: date, clause: str) -> Span:
    """'earlier this year': the publication year, up to the publication day."""
    return date(pub.year, 1, 1), pub, "year", f"the publication year, up to {_day(pub)}"


def _year(m: re.Match, pub: date, clause: str) -> Span:
    """'in 2020': that year."""
    year = int(re.search(YEAR, m.group(0)).group(0))
    return date(year, 1, 1), date(year, 12, 31), "year", "as printed"


# Date rules, each resolved against the publication day by the function named. Printed days go to dateparser
# (RELATIVE_BASE the publication, PREFER_DATES_FROM past, a day required: it never invents a day for a month); the
# relative phrases are calendar arithmetic. A weekday is the latest such day strictly before publication, except the
# publication's own weekday, which is the publication day (news style names today by its weekday; "last Friday" is a
# week earlier), and "next"/future tense, the next one after. Clauses without date words: see _undated. In order:
# where two rules match overlapping words, the earlier rule has them ("October last year" is not "last year").
DATE_RULES: tuple[tuple[str, re.Pattern, Callable[[re.Match, date, str], Span | None]], ...] = tuple(
    (name, re.compile(pattern, re.I), resolve)
    for name, pattern, resolve in (
        ("explicit date", rf"\b(?:{MONTH}\s+{DAY_NUMBER},?\s+{YEAR}|{DAY_NUMBER}\s+(?:of\s+)?{MONTH},?\s+{YEAR})\b",
         _explicit_day),
        ("day and month", rf"\b(?:{MONTH}\s+{DAY_NUMBER}|{DAY_NUMBER}\s+(?:of\s+)?{MONTH})(?!\w)",
         _explicit_day),
        ("month and year", rf"\b{MONTH}\s+(?:of\s+)?{YEAR}\b", _month_year),
        ("month last year", rf"\b{MONTH}\s+(?:of\s+)?last\s+year\b", _month_last_year),
        ("last month name", rf"\blast\s+{MONTH}", _last_month_name),
        ("month", rf"(?:\b(?:in|since|during|until|by|from|through|early|late)\s+|\bmid-){MONTH}", _month),
        ("this month", r"\b(?:earlier\s+)?this\s+month\b", _this_month),
        ("last month", r"\blast\s+month\b", _last_month),
        ("last week", r"\blast\s+week\b", _last_week),
        ("this week", r"\b(?:earlier\s+)?this\s+week\b", _this_week),
        ("yesterday", r"\byesterday\b|\blast\s+night\b", _yesterday),
        ("today", r"\btoday\b|\btonight\b|\bthis\s+(?:morning|afternoon|evening)\b", _today),
        ("weekday", rf"\b(?:(?:last|next|this|on|by|until|since)\s+{WEEKDAY}\b|{WEEKDAY}\b{NOT_A_NAME})", _weekday),
        ("last year", r"\blast\s+year\b", _last_year),
        ("this year", r"\b(?:earlier\s+)?this\s+year\b", _this_year),
        ("year", rf"\b(?:in|since|during|by|until|from)\s+{YEAR}\b", _year),
    )
)  # fmt: skip


def date_words(text: str, published: date) -> Dating | None:
    """The finest date the text's date words give, resolved against the publication day; None without date words."""
    claimed: list[tuple[int, int]] = []
    found: list[tuple[int, int, int, Dating]] = []  # precision, rule, position: the finest, then the first rule
    for order, (name, pattern, resolve) in enumerate(DATE_RULES):
        for m in pattern.finditer(text):
            if any(m.start() < b and a < m.end() for a, b in claimed):
                continue
            span = resolve(m, published, text)
            if span is None:
                continue
            claimed.append(m.span())
            start, end, precision, how = span
            before = text[: m.start()].split()[-1:]  # the word before gives the sense: "ended on Saturday"
            words = " ".join([*before, m.group(0)])
            label = _day(start) if precision == "day" else _span_label(start, end, precision)
            dating = Dating(start, end, precision, "event", f"'{words}' → {label} ({how})", name, "date words")
            found.append((PRECISIONS.index(precision), order, m.start(), dating))
    return min(found, key=lambda f: f[:3])[3] if found else None


def _span_label(start: date, end: date, precision: str) -> str:
    """'October 2020', 'Mon 18 Jan – Sun 24 Jan 2021', '2020'."""
    if precision == "month":
        return f"{start:%B %Y}"
    if precision == "week":
        return f"{start:%a} {start.day} {start:%b} – {end:%a} {end.day} {end:%b %Y}"
    return f"{start.year}"


# ---------------------------------------------------------------------------------------------------------------
# Text: paragraphs, sentences, clauses, names.
# ---------------------------------------------------------------------------------------------------------------


def _paragraphs(text: str) -> Iterator[tuple[int, str]]:
    """Each block of non-blank lines with its offset."""
    for m in PARAGRAPH.finditer(text):
        yield m.start(), m.group(0)


def _sentences(paragraph: str) -> Iterator[tuple[int, str]]:
    """Each sentence of a paragraph with its offset, trimmed of spaces and of a trailing photo credit."""
    start = 0
    ends = [m.end() for m in SENTENCE_END.finditer(paragraph) if not ABBREVIATION.search(paragraph[: m.start() + 1])]
    for end in [*ends, len(paragraph)]:
        piece = paragraph[start:end]
        credit = CREDIT.search(piece)
        piece = piece[: credit.start()] if credit else piece
        lead = len(piece) - len(piece.lstrip())
        if piece.strip():
            yield start + lead, piece.strip()
        start = end


def _finder(frame: pd.DataFrame, name_col: str, alias_col: str) -> list[tuple[re.Pattern, str]]:
    """A pattern per name and alias, longest first: whole words, any spaces, case-insensitive except acronyms."""
    names = {a: n for n, cell in zip(frame[name_col], frame[alias_col]) for a in [n, *split_list(cell)]}
    return [
        (re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, alias.split())) + r"(?!\w)",
                    0 if ACRONYM.fullmatch(alias) else re.I), name)
        for alias, name in sorted(names.items(), key=lambda item: -len(item[0]))
    ]  # fmt: skip


def find_names(text: str, finder: list[tuple[re.Pattern, str]]) -> list[Mention]:
    """The names in a text, in order; where aliases overlap the longest match wins (the most specific name)."""
    matches = sorted(
        ((m.start(), m.end(), name, m.group(0)) for pattern, name in finder for m in pattern.finditer(text)),
        key=lambda m: (m[0] - m[1], m[0]),
    )
    taken: list[Mention] = []
    for start, end, name, words in matches:
        if not any(start < t.end and t.start < end for t in taken):
            taken.append(Mention(start, end, name, words))
    return sorted(taken, key=lambda t: t.start)


def _clauses(sentence: str, names: Callable[[str], bool]) -> list[tuple[int, int]]:
    """The clauses of a sentence that each name an actor or place, as (start, end) within the sentence."""
    quoted = [m.span() for m in QUOTED.finditer(sentence)]
    breaks = [m for m in CLAUSE_BREAK.finditer(sentence) if not any(a < m.start() < b for a, b in quoted)]
    spans: list[tuple[int, int]] = []
    for start, end in zip([0, *(m.end() for m in breaks)], [*(m.start() for m in breaks), len(sentence)]):
        if spans and not (names(sentence[start:end]) and names(sentence[slice(*spans[-1])])):
            spans[-1] = (spans[-1][0], end)  # a part naming no one joins its neighbour
        else:
            spans.append((start, end))
    trimmed = []
    for start, end in spans:
        lead = LEADING_CONJUNCTION.match(sentence, start)
        start = lead.end() if lead and start > 0 else start
        end = start + len(sentence[start:end].rstrip(",; \t\n\u00a0"))
        if names(sentence[start:end]):
            trimmed.append((start, end))
    return trimmed


def _unquoted(text: str) -> str:
    """The text with quoted speech blanked out (same length), for the reporting verb's tense."""
    return QUOTED.sub(lambda m: " " * len(m.group(0)), text)


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
    ongoing = ONGOING.search(_unquoted(clause))
    if ongoing:
        words = f"no date words; stated as ongoing ('{ongoing.group(0)}') → as of the report, {_day(pub)}"
        return Dating(pub, pub, "day", "report", words, "ongoing", "ongoing")
    words = f"no date words, nothing stated as ongoing → dated to the report, {_day(pub)} (low confidence)"
    return Dating(pub, pub, "day", "report", words, "undated", "undated")


def _clauses_of(text: str, headline: str, names: Callable[[str], bool]) -> Iterator[tuple[int, str, str, str]]:
    """Each clause to consider, in order: (offset in text, clause, its sentence, its paragraph)."""
    for para_start, paragraph in _paragraphs(text):
        if TEASER.match(paragraph) or (headline and paragraph.strip() == headline.strip()):
            continue  # a teaser is another article; the headline restates the body in headline tense
        for sent_start, sentence in _sentences(paragraph):
            for start, end in _clauses(sentence, names):
                yield para_start + sent_start + start, sentence[start:end], sentence, paragraph


def extract(
    text: str, published: datetime, actors: pd.DataFrame, places: pd.DataFrame, headline: str = ""
) -> list[Candidate]:
    """Candidate events of an article: one per clause naming a known actor or place (and per place it locates)."""
    pub = published.date()
    actor_finder = _finder(actors, Actors.name, Actors.aliases)
    place_finder = _finder(places, Places.name, Places.aliases)
    precision = dict(zip(places[Places.name], places[Places.precision]))

    def names(part: str) -> bool:
        """Whether a part of a sentence names a known actor or place."""
        return bool(find_names(part, actor_finder) or find_names(part, place_finder))

    candidates: list[Candidate] = []
    previous, last_sentence = None, None
    for offset, clause, sentence, paragraph in _clauses_of(text, headline, names):
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
