"""Date words in an article's text, resolved against its publication day by declared rules."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import dateparser

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
# A future tense makes a bare weekday the next one ("the committee will meet on Monday").
FUTURE = re.compile(r"\b(?:will|shall|(?:is|are)\s+(?:due|set|expected)\s+to)\b", re.I)
# A weekday right after a past verb ("said on Thursday", "told reporters Thursday") dates that verb: it is past
# whatever future the rest of the sentence speaks of ("... days before a summit which will address ...").
PAST_VERB = re.compile(
    r"\b(?:said|told(?:\s+\w+)?|announced|stated|met|signed|agreed|published|issued|added|\w+ed)\s+(?:on\s+)?$", re.I
)
# Date words that do not date the event of their clause: a date naming an occasion ("December 24 elections"), the
# start or end of a period the event sets ("starting from January 2, 2024", "as of 2 January", "until June"), and what
# is still to come ("later this month", "at the end of this month").
NOT_THE_EVENT_AFTER = re.compile(r"\s*(?:elections?|polls?|vote|summit|conference|deadline)\b", re.I)
NOT_THE_EVENT_BEFORE = re.compile(
    r"(?:\b(?:starting|effective|beginning)(?:\s+(?:from|on))?|\bas\s+of|\buntil|\btill|\bthrough|\bend\s+of"
    r"|\blater|\bnext|\bahead\s+of)\s*$",
    re.I,
)


@dataclass(frozen=True)
class Dating:
    """How a clause was dated: the span, its precision and basis, the words and the rule that gave it."""

    start: date
    end: date
    precision: str
    basis: str
    words: str
    rule: str
    weight: str  # a key of WEIGHTS (components/extract.py)


Span = tuple[date, date, str, str]  # start, end, precision, how it was resolved


def day_label(d: date) -> str:
    """A day as the rules name it in their explanations: 'Saturday 23 Jan 2021'."""
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
    how = "as printed" if has_year else f"latest such day on or before publication, {day_label(pub)}"
    return parsed.date(), parsed.date(), "day", how


def _day_range(m: re.Match, pub: date, clause: str) -> Span | None:
    """'30-31 October 2021', 'October 30-31, 2021': the whole span (2-6 days a week, as ACLED and UCDP map such a
    range; longer, a month), never one of its days; without a year, the latest such span on or before publication."""
    first, last = (int(d) for d in re.findall(r"(?<!\d)\d{1,2}(?!\d)", m.group(0))[:2])
    years = re.findall(YEAR, m.group(0))
    month = _month_of(m)
    year = int(years[0]) if years else (pub.year if (month, last) <= (pub.month, pub.day) else pub.year - 1)
    try:
        start, end = date(year, month, first), date(year, month, last)
    except ValueError:
        return None
    if end <= start:
        return None
    precision = "week" if (end - start).days <= 6 else "month"
    return (
        start,
        end,
        precision,
        f"a {(end - start).days + 1}-day span" + ("" if years else ", latest before publication"),
    )


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
    return pub.replace(day=1), pub, "month", f"the publication month, up to {day_label(pub)}"


def _last_month(m: re.Match, pub: date, clause: str) -> Span:
    """'last month': the month before the publication month."""
    previous = pub.replace(day=1) - timedelta(days=1)
    return (*_month_span(previous.year, previous.month), "month", f"the month before {pub:%B %Y}")


def _last_week(m: re.Match, pub: date, clause: str) -> Span:
    """'last week': the calendar week (Monday to Sunday) before the publication week."""
    monday = pub - timedelta(days=pub.weekday() + 7)
    return monday, monday + timedelta(days=6), "week", f"Monday to Sunday before the week of {day_label(pub)}"


def _this_week(m: re.Match, pub: date, clause: str) -> Span:
    """'earlier this week': Monday of the publication week to the publication day."""
    return pub - timedelta(days=pub.weekday()), pub, "week", f"the publication week, up to {day_label(pub)}"


def _yesterday(m: re.Match, pub: date, clause: str) -> Span:
    """'yesterday': the day before publication."""
    return pub - timedelta(days=1), pub - timedelta(days=1), "day", f"publication {day_label(pub)} − 1 day"


def _today(m: re.Match, pub: date, clause: str) -> Span:
    """'today': the publication day."""
    return pub, pub, "day", "the publication day"


def _weekday(m: re.Match, pub: date, clause: str) -> Span:
    """'on Saturday': the latest such day before publication; 'next', or a future tense, the next one after it."""
    *before, weekday = m.group(0).split()
    target = WEEKDAYS.index(weekday)
    qualifier = before[0].lower() if before else ""
    name = WEEKDAYS[target]
    past_verb = PAST_VERB.search(clause[: m.start()])  # "said on Thursday": the verb it dates is past
    if qualifier == "next" or (qualifier != "last" and not past_verb and FUTURE.search(clause)):
        d = pub + timedelta(days=(target - pub.weekday() - 1) % 7 + 1)
        return d, d, "day", f"next {name} after publication, {day_label(pub)}"
    if target == pub.weekday() and qualifier != "last":
        # News style names the day of publication by its weekday; a week earlier would be "last Friday".
        return pub, pub, "day", f"{name} is the publication day; 'last {name}' would be a week earlier"
    d = pub - timedelta(days=(pub.weekday() - target - 1) % 7 + 1)
    return d, d, "day", f"latest {name} before publication, {day_label(pub)}"


def _last_year(m: re.Match, pub: date, clause: str) -> Span:
    """'last year': the year before publication."""
    return date(pub.year - 1, 1, 1), date(pub.year - 1, 12, 31), "year", f"the year before {pub.year}"


def _this_year(m: re.Match, pub: date, clause: str) -> Span:
    """'earlier this year': the publication year, up to the publication day."""
    return date(pub.year, 1, 1), pub, "year", f"the publication year, up to {day_label(pub)}"


def _year(m: re.Match, pub: date, clause: str) -> Span:
    """'in 2020': that year."""
    year = int(re.search(YEAR, m.group(0)).group(0))
    return date(year, 1, 1), date(year, 12, 31), "year", "as printed"


# Date rules, each resolved against the publication day by the function named. Printed days go to dateparser
# (RELATIVE_BASE the publication, PREFER_DATES_FROM past, a day required: it never invents a day for a month); the
# relative phrases are calendar arithmetic. A weekday is the latest such day strictly before publication, except the
# publication's own weekday, which is the publication day (news style names today by its weekday; "last Friday" is a
# week earlier), and "next"/future tense, the next one after. Clauses without date words: see _undated in
# components/extract.py. In order: where two rules match overlapping words, the earlier rule has them ("October last
# year" is not "last year").
DATE_RULES: tuple[tuple[str, re.Pattern, Callable[[re.Match, date, str], Span | None]], ...] = tuple(
    (name, re.compile(pattern, re.I), resolve)
    for name, pattern, resolve in (
        ("day range", rf"\b(?:{DAY_NUMBER}\s*[-–]\s*{DAY_NUMBER}\s+(?:of\s+)?{MONTH}(?:,?\s+{YEAR})?"
                      rf"|{MONTH}\s+{DAY_NUMBER}\s*[-–]\s*{DAY_NUMBER}(?:,?\s+{YEAR})?)(?!\w)", _day_range),
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


def date_words(text: str, published: date, last: bool = False, anchor: int | None = None) -> Dating | None:
    """The date the text's date words give, resolved against the publication day; None without date words. Date
    words whose spans nest refine one another: the finest wins, then the first in the text (the main verb's date
    comes first: "The talks kicked off on Saturday ... the meeting in Geneva on 8 October"). Date words whose spans are
    disjoint date two facts ("a ceasefire in October was followed by the establishment last week of a government"):
    the text takes the one nearest its governing verb (`anchor`, where its kind trigger stands), else the first, never
    the finer date of the other fact. Date words of another thing are skipped (see NOT_THE_EVENT_*)."""
    claimed: list[tuple[int, int]] = []
    found: list[tuple[int, int, int, Dating]] = []  # precision, position, rule: the finest, then the first
    for order, (name, pattern, resolve) in enumerate(DATE_RULES):
        for m in pattern.finditer(text):
            if any(m.start() < b and a < m.end() for a, b in claimed):
                continue
            claimed.append(m.span())  # claimed even when skipped: "30-31 October" is never "31 October"
            if NOT_THE_EVENT_AFTER.match(text, m.end()) or NOT_THE_EVENT_BEFORE.search(text[: m.start()]):
                continue
            span = resolve(m, published, text)
            if span is None:
                claimed.pop()
                continue
            start, end, precision, how = span
            before = text[: m.start()].split()[-1:]  # the word before gives the sense: "ended on Saturday"
            words = " ".join([*before, m.group(0)])
            label = day_label(start) if precision == "day" else _span_label(start, end, precision)
            dating = Dating(start, end, precision, "event", f"'{words}' → {label} ({how})", name, "date words")
            found.append((PRECISIONS.index(precision), m.start(), order, dating))
    if not found:
        return None
    if last:  # the date nearest the end: what a relative clause after it refers to
        return max(found, key=lambda f: f[1])[3]
    best = min(found, key=lambda f: f[:3])
    if all(_nested(f[3], best[3]) or _nested(best[3], f[3]) for f in found):
        return best[3]
    # Two facts: the governing verb's date (or the first), refined by the date words within its span.
    where = (lambda f: (abs(f[1] - anchor), f[1])) if anchor is not None else (lambda f: (f[1],))
    fact = min(found, key=where)
    return min((f for f in found if _nested(f[3], fact[3])), key=lambda f: f[:3])[3]


def _nested(inner: Dating, outer: Dating) -> bool:
    """Whether one date's span lies within another's ("June 15, 2020" within "last year")."""
    return outer.start <= inner.start and inner.end <= outer.end


def _span_label(start: date, end: date, precision: str) -> str:
    """'October 2020', 'Mon 18 Jan – Sun 24 Jan 2021', '2020'."""
    if precision == "month":
        return f"{start:%B %Y}"
    if precision == "week":
        return f"{start:%a} {start.day} {start:%b} – {end:%a} {end.day} {end:%b %Y}"
    return f"{start.year}"
