"""The dev set of real reporting (tests/devset/, described in its README): the extractor's candidates scored against
events coded by hand.

    .venv/bin/python tests/devset.py            # the table: per article and in total, then the seed article's line
    .venv/bin/python tests/devset.py --misses   # the table, then each gold event missed and why
    .venv/bin/python tests/devset.py --json     # the same figures (and the misses) as JSON

Each article is extracted in-process by `components.extract.extract`, the function `conflict-monitor ingest --json`
runs (through review.candidates and extracted.candidates, which only cache it), on the article's text with its
publication time and headline from its sidecar, and with the curated actors and places frozen in
tests/fixtures/curated (never the live data/).

A candidate **matches** a gold event when its quote overlaps one of the event's quotes (as spans of the article), its
main actor (the first it names) is the gold actor (see ACTOR RULES below), and its date span and precision are the
gold row's. A candidate matches at most one event and an event at most one candidate (a maximum matching). Figures:

- recall: gold events matched / gold events;
- precision: candidates whose quote overlaps a gold quote (they point at a real event, whatever their date) /
  candidates;
- kinds right: matched events whose candidate has the gold kind / matched events;
- invented precision: candidates finer than every gold row they overlap (a day where the gold has a month...) /
  candidates. Target 0.

ACTOR RULES. A gold `actor` cell holds one name, or several separated by ";" when the text leaves the main actor open
between them (an agreement whose parties it does not name, a joint call). Each name stands for itself, its aliases and
what it counts as in tests/devset/actors.csv (a speaker counts as the state or body it speaks for, a group as the
force it belongs to), and for the curated actor any of these names or aliases is in tests/fixtures/curated/actors.csv.
The candidate's main actor matches when it is one of these (any case).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO))

from components.extract import Candidate, extract, recall  # noqa: E402
from components.schema import PRECISIONS, TIME_PRECISION, split_list  # noqa: E402

DEVSET = Path(__file__).resolve().parent / "devset"
CURATED = Path(__file__).resolve().parent / "fixtures" / "curated"
SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"
SEED = "000_a73a2923047b2e61.txt"
GOLD_COLUMNS = ("event", "quote", "actor", "kind", "start", "end", "precision", "basis", "place", "approximate", "note")


# ---------------------------------------------------------------------------------------------------------------
# Reading the dev set.
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gold:
    """One gold row: a quote stating an event (rows with the same `event` state the same event)."""

    event: str
    quote: str
    actor: str
    kind: str
    start: date
    end: date
    precision: str
    basis: str
    place: str
    approximate: str
    note: str
    offset: int  # where the quote stands in the article


@dataclass
class Article:
    """One article of the dev set: its text, sidecar and gold rows."""

    name: str
    text: str
    meta: dict
    gold: list[Gold]

    @property
    def published(self) -> datetime:
        """The publication time (a day alone is read as its midnight: dates resolve against the day)."""
        return datetime.fromisoformat(self.meta["published"])


def read_csv(path: Path) -> pd.DataFrame:
    """A CSV file as plain strings."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def curated() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The frozen curated actors and places (tests/fixtures/curated), as the extractor receives them."""
    return read_csv(CURATED / "actors.csv"), read_csv(CURATED / "places.csv")


def gold_rows(path: Path, text: str) -> list[Gold]:
    """The gold rows of an article, with where each quote stands in it (ValueError when one is not verbatim)."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if tuple(reader.fieldnames or ()) != GOLD_COLUMNS:
            raise ValueError(f"{path.name}: columns {reader.fieldnames}, expected {list(GOLD_COLUMNS)}")
        rows = list(reader)
    found = []
    for line, row in enumerate(rows, start=2):
        offset = text.find(row["quote"])
        if not row["quote"] or offset < 0:
            raise ValueError(f"{path.name} line {line}: the quote is not verbatim in the article")
        found.append(Gold(**{**row, "start": date.fromisoformat(row["start"]), "end": date.fromisoformat(row["end"]),
                             "offset": offset}))  # fmt: skip
    return found


def articles(folder: Path = DEVSET) -> list[Article]:
    """Every article of the dev set (a sidecar `NAME.meta.json` beside `NAME.txt` and `NAME.gold.csv`), by name."""
    found = []
    for meta_path in sorted(folder.glob("*.meta.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        text = (folder / meta["article"]).read_text(encoding="utf-8")
        name = meta["article"].removesuffix(".txt")
        found.append(Article(name, text, meta, gold_rows(folder / f"{name}.gold.csv", text)))
    return found


def seed_article() -> Article:
    """The seed article with its 11 hand-coded events (tests/fixtures/curated/events.csv) as gold rows."""
    text = (SEEDS / SEED).read_text(encoding="utf-8")
    meta = json.loads((SEEDS / SEED.replace(".txt", ".meta.json")).read_text(encoding="utf-8"))
    events = read_csv(CURATED / "events.csv")
    gold = []
    for _, e in events[events["article"] == SEED].iterrows():
        start, end, precision = acled_span(date.fromisoformat(e["event_date"]), int(e["time_precision"]))
        gold.append(Gold(e["event_id_cnty"], e["quote"], e["actor1"], e["event_kind"], start, end, precision,
                         e["date_basis"], e["location"], "yes" if e["geo_precision"] in ("2", "3") else "no", "",
                         text.find(e["quote"])))  # fmt: skip
    return Article(SEED.removesuffix(".txt"), text, meta, gold)


def acled_span(day: date, code: int) -> tuple[date, date, str]:
    """ACLED's time_precision as the project reads it: the day, the 7 days around it, or its calendar month."""
    precision = TIME_PRECISION[code]
    if precision == "week":
        return day - timedelta(days=3), day + timedelta(days=3), precision
    if precision == "month":
        following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        return day.replace(day=1), following - timedelta(days=1), precision
    return day, day, precision


# ---------------------------------------------------------------------------------------------------------------
# Actors: who may stand for a gold actor.
# ---------------------------------------------------------------------------------------------------------------


def _norm(name: str) -> str:
    """A name compared in any case, with typographic apostrophes as plain ones."""
    return " ".join(name.replace("’", "'").split()).casefold()


class Actors:
    """The names a gold actor may be matched by (see ACTOR RULES in the module's docstring)."""

    def __init__(self, curated_actors: pd.DataFrame, devset_actors: pd.DataFrame) -> None:
        self.canonical: dict[str, str] = {}  # any curated name or alias -> the curated name
        for name, aliases in zip(curated_actors["name"], curated_actors["aliases"]):
            for alias in [name, *split_list(aliases)]:
                self.canonical.setdefault(_norm(alias), name)
        self.aliases: dict[str, list[str]] = {}
        self.counts_as: dict[str, str] = {}
        for _, row in devset_actors.iterrows():
            self.aliases[_norm(row["name"])] = split_list(row["aliases"])
            if row["counts_as"]:
                self.counts_as[_norm(row["name"])] = row["counts_as"]

    def accepted(self, gold_actor: str) -> set[str]:
        """Every name (normalised) a candidate's main actor may have to match this gold actor cell."""
        names: list[str] = []
        todo = [n.strip() for n in gold_actor.split(";") if n.strip()]
        while todo:
            name = todo.pop()
            if _norm(name) in map(_norm, names):
                continue
            names.append(name)
            names += self.aliases.get(_norm(name), [])
            if _norm(name) in self.counts_as:
                todo.append(self.counts_as[_norm(name)])
        found = {_norm(n) for n in names}
        return found | {_norm(self.canonical[n]) for n in found if n in self.canonical}


def main_actor(c: Candidate) -> str:
    """The candidate's main actor: the first it names ('' when it names none)."""
    return c.actors[0] if c.actors else ""


# ---------------------------------------------------------------------------------------------------------------
# Scoring.
# ---------------------------------------------------------------------------------------------------------------


def overlaps(c: Candidate, g: Gold) -> bool:
    """Whether the candidate's quote and the gold quote share characters of the article."""
    return c.offset < g.offset + len(g.quote) and g.offset < c.offset + len(c.quote)


def same_date(c: Candidate, g: Gold) -> bool:
    """Same span and same precision word."""
    return (c.start, c.end, c.precision) == (g.start, g.end, g.precision)


def finer(c: Candidate, g: Gold) -> bool:
    """Whether the candidate claims a finer precision than the gold row (a day for a month...)."""
    return PRECISIONS.index(c.precision) < PRECISIONS.index(g.precision)


@dataclass
class Score:
    """One article's figures, the matching behind them and the misses with their reasons."""

    name: str
    publisher: str
    published: str
    url: str
    gold_events: int
    candidates: int
    matched: int = 0
    real: int = 0
    kinds_right: int = 0
    invented: int = 0
    misses: list[dict] = field(default_factory=list)

    @staticmethod
    def rate(part: int, whole: int) -> float | None:
        """part / whole, or None for nothing to divide."""
        return round(part / whole, 3) if whole else None

    def figures(self) -> dict:
        """The figures as JSON-ready numbers (rates between 0 and 1)."""
        return {
            "gold_events": self.gold_events, "candidates": self.candidates, "matched": self.matched,
            "recall": self.rate(self.matched, self.gold_events), "real": self.real,
            "precision": self.rate(self.real, self.candidates), "kinds_right": self.kinds_right,
            "kinds": self.rate(self.kinds_right, self.matched), "invented": self.invented,
            "invented_precision": self.rate(self.invented, self.candidates),
        }  # fmt: skip


def _maximum_matching(edges: dict[str, list[int]]) -> dict[str, int]:
    """A maximum matching of events to candidates (augmenting paths; the sets are small)."""
    owner: dict[int, str] = {}

    def augment(event: str, seen: set[int]) -> bool:
        for c in edges[event]:
            if c not in seen:
                seen.add(c)
                if c not in owner or augment(owner[c], seen):
                    owner[c] = event
                    return True
        return False

    for event in edges:
        augment(event, set())
    return {event: c for c, event in owner.items()}


def score(article: Article, candidates: list[Candidate], actors: Actors) -> Score:
    """The figures of one article's candidates against its gold rows."""
    events: dict[str, list[Gold]] = {}
    for g in article.gold:
        events.setdefault(g.event, []).append(g)
    accepted = {g: actors.accepted(g.actor) for g in article.gold}

    def full(c: Candidate, g: Gold) -> bool:
        return overlaps(c, g) and _norm(main_actor(c)) in accepted[g] and same_date(c, g)

    edges = {e: [i for i, c in enumerate(candidates) if any(full(c, g) for g in rows)] for e, rows in events.items()}
    matching = _maximum_matching(edges)
    meta = article.meta
    s = Score(article.name, meta.get("publisher", ""), meta.get("published", ""), meta.get("url", ""),
              len(events), len(candidates), matched=len(matching))  # fmt: skip
    for event, i in matching.items():
        c = candidates[i]
        s.kinds_right += any(full(c, g) and g.kind == c.event_kind for g in events[event])
    for c in candidates:
        touched = [g for g in article.gold if overlaps(c, g)]
        s.real += bool(touched)
        s.invented += bool(touched) and all(finer(c, g) for g in touched)
    for event, rows in events.items():
        if event not in matching:
            s.misses.append(_why(event, rows, candidates, accepted, set(matching.values()), article.name))
    return s


def _why(event: str, rows: list[Gold], candidates: list[Candidate], accepted: dict, taken: set[int], name: str) -> dict:
    """Why a gold event has no candidate: what the nearest overlapping candidate got wrong."""
    g = rows[0]
    want = f"{g.start}..{g.end} {g.precision}"
    miss = {"article": name, "event": event, "quote": g.quote, "actor": g.actor, "date": want, "kind": g.kind}
    near = [(i, c, r) for r in rows for i, c in enumerate(candidates) if overlaps(c, r)]
    if not near:
        return {**miss, "reasons": ["no candidate"], "got": None}

    def wrong(c: Candidate, r: Gold) -> list[str]:
        reasons = []
        if _norm(main_actor(c)) not in accepted[r]:
            reasons.append("main actor" if c.actors else "no actor")
        if c.precision != r.precision:
            reasons.append("precision")
        elif (c.start, c.end) != (r.start, r.end):
            reasons.append("date")
        return reasons or ["taken by another event"]

    i, c, r = min(near, key=lambda n: (len(wrong(n[1], n[2])), n[0] in taken))
    got = {"quote": c.quote, "actors": list(c.actors), "date": f"{c.start}..{c.end} {c.precision}",
           "kind": c.event_kind, "date_words": c.date_words}  # fmt: skip
    return {**miss, "reasons": wrong(c, r), "got": got}


def run(folder: Path = DEVSET) -> dict:
    """Extract and score every article of the dev set, and the seed article: the figures as JSON-ready data."""
    actors_frame, places = curated()
    actors = Actors(actors_frame, read_csv(folder / "actors.csv"))
    scores = []
    for article in articles(folder):
        candidates = extract(article.text, article.published, actors_frame, places, headline=article.meta["headline"])
        scores.append(score(article, candidates, actors))
    seed = seed_article()
    seed_candidates = extract(seed.text, seed.published, actors_frame, places, seed.meta["headline"])
    seed_score = score(seed, seed_candidates, actors)
    seed_events = read_csv(CURATED / "events.csv")
    without_actor, _, _ = recall(seed_candidates, seed_events[seed_events["article"] == SEED])
    total = Score("total", f"{len({s.publisher for s in scores})} publishers", "", "",
                  sum(s.gold_events for s in scores), sum(s.candidates for s in scores))  # fmt: skip
    for key in ("matched", "real", "kinds_right", "invented"):
        setattr(total, key, sum(getattr(s, key) for s in scores))
    return {
        "articles": [
            {"article": s.name, "publisher": s.publisher, "published": s.published, "url": s.url, **s.figures()}
            for s in scores
        ],  # fmt: skip
        "total": {"articles": len(scores), "publishers": len({s.publisher for s in scores}), **total.figures()},
        "seed": {
            "article": SEED,
            "matched": seed_score.matched,
            "of": seed_score.gold_events,
            "matched_without_actor": without_actor,
            "candidates": seed_score.candidates,
            "invented": seed_score.invented,
        },  # fmt: skip
        "reasons": reasons(m for s in scores for m in s.misses),
        "misses": [m for s in scores for m in s.misses] + seed_score.misses,
    }


def reasons(misses) -> dict[str, int]:
    """How often each reason stands among the misses (a miss may have two: actor and date), most frequent first."""
    counts: dict[str, int] = {}
    for m in misses:
        for reason in m["reasons"]:
            counts[reason] = counts.get(reason, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


# ---------------------------------------------------------------------------------------------------------------
# The table.
# ---------------------------------------------------------------------------------------------------------------


def _pct(part: int, whole: int) -> str:
    return f"{part}/{whole} {part / whole:4.0%}" if whole else f"{part}/{whole}    -"


def table(result: dict) -> str:
    """The figures as a text table, one line per article, the total, and the seed article's line."""
    head = f"{'article':<27} {'publisher':<32} {'gold':>4} {'cand':>4}  {'recall':>11}  {'precision':>11}  " \
           f"{'kinds right':>11}  {'invented':>11}"  # fmt: skip
    lines = [head, "-" * len(head)]
    for a in [*result["articles"], {"article": "total", **result["total"],
                                    "publisher": f"{result['total']['publishers']} publishers"}]:  # fmt: skip
        if a["article"] == "total":
            lines.append("-" * len(head))
        rates = (_pct(a["matched"], a["gold_events"]), _pct(a["real"], a["candidates"]),
                 _pct(a["kinds_right"], a["matched"]), _pct(a["invented"], a["candidates"]))  # fmt: skip
        lines.append(f"{a['article']:<27} {a['publisher'][:32]:<32} {a['gold_events']:>4} {a['candidates']:>4}  "
                     + "  ".join(f"{r:>11}" for r in rates))  # fmt: skip
    lines.append("why gold events were missed: " + ", ".join(f"{k} {v}" for k, v in result["reasons"].items()))
    seed = result["seed"]
    lines.append(f"seed article: {seed['matched']} of {seed['of']} ({seed['matched_without_actor']} of {seed['of']} "
                 f"without the main-actor check, as extract.recall counts; {seed['candidates']} candidates, "
                 f"{seed['invented']} with invented precision)")  # fmt: skip
    return "\n".join(lines)


def misses_text(result: dict) -> str:
    """Each missed gold event, what the nearest candidate got, and why it does not match."""
    out = []
    for m in result["misses"]:
        out.append(f"{m['article']} #{m['event']}: {', '.join(m['reasons'])}")
        out.append(f"   gold: {m['actor']} · {m['kind']} · {m['date']} · “{m['quote']}”")
        if m["got"]:
            g = m["got"]
            out.append(f"   got:  {', '.join(g['actors']) or 'no actor'} · {g['kind']} · {g['date']} · "
                       f"{g['date_words']}")  # fmt: skip
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="the figures and misses as JSON")
    parser.add_argument("--misses", action="store_true", help="after the table, each gold event missed and why")
    args = parser.parse_args(argv)
    result = run()
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return
    print(table(result))
    if args.misses:
        print()
        print(misses_text(result))


if __name__ == "__main__":
    main()
