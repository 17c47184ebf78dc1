"""The dev set of real reporting (tests/devset/) is well-formed, and its scorer (tests/devset.py) runs and gives rates.

The recall target of issue 18 is not asserted here: the scorer's figures are measured, not required.
"""

import calendar
import hashlib
import importlib.util
import json
import sys
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from components.schema import DATE_BASES, EVENT_KINDS, PRECISIONS

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("devset_scorer", HERE / "devset.py")  # not the folder tests/devset/
devset = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = devset  # dataclasses look their module up there
_spec.loader.exec_module(devset)


@pytest.fixture(scope="module")
def articles():
    """Every article of the dev set with its sidecar and gold rows (reading them checks every quote is verbatim)."""
    return devset.articles()


def test_every_article_has_its_text_sidecar_and_gold():
    names = {p.name.split(".")[0] for p in devset.DEVSET.iterdir() if p.suffix in (".txt", ".json", ".csv")}
    names.discard("actors")
    for name in names:
        for suffix in (".txt", ".meta.json", ".gold.csv"):
            assert (devset.DEVSET / f"{name}{suffix}").is_file(), f"{name}{suffix} is missing"


def test_at_least_12_articles_from_at_least_8_publishers_2019_to_2024(articles):
    assert len(articles) >= 12
    assert len({a.meta["publisher"] for a in articles}) >= 8
    for a in articles:
        assert date(2019, 1, 1) <= a.published.date() <= date(2024, 12, 31), a.name
        assert a.meta["url"].startswith(("https://", "http://")), a.name


def test_sidecars_name_their_article_and_its_checksum(articles):
    for a in articles:
        path = devset.DEVSET / a.meta["article"]
        assert a.meta["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest(), f"{path.name} changed"
        assert set(a.meta) >= {"article", "publisher", "headline", "published", "language", "url", "sha256"}
        datetime.fromisoformat(a.meta["published"])
        assert not a.meta["headline"] or a.meta["headline"] in a.text, a.name


def test_gold_quotes_are_verbatim_and_unchanged_by_line_endings(articles):
    for a in articles:
        assert "\r" not in a.text, a.name
        for g in a.gold:
            assert a.text[g.offset : g.offset + len(g.quote)] == g.quote


def _fits(start: date, end: date, precision: str) -> bool:
    """Whether a span is one of its precision: a day, at most 7 days, within one calendar month, within one year."""
    if precision == "day":
        return start == end
    if precision == "week":
        return 0 < (end - start).days <= 6
    if precision == "month":
        return (start.year, start.month) == (end.year, end.month) and start.day == 1 and \
            end.day <= calendar.monthrange(end.year, end.month)[1]  # fmt: skip
    return start.year == end.year and (start.month, start.day) == (1, 1)


def test_gold_rows_use_the_schema_words_and_valid_dates(articles):
    for a in articles:
        events = {g.event for g in a.gold}
        assert events == {str(n) for n in range(1, len(events) + 1)}, f"{a.name}: events are numbered 1..N"
        for g in a.gold:
            where = f"{a.name} event {g.event}"
            assert g.kind in EVENT_KINDS, where
            assert g.precision in PRECISIONS, where
            assert g.basis in DATE_BASES, where
            assert g.approximate in ("yes", "no", ""), where
            assert bool(g.place) == bool(g.approximate), where
            assert g.start <= g.end <= a.published.date(), where
            assert _fits(g.start, g.end, g.precision), where
            if g.basis == "report":
                assert g.precision == "day", where


def test_every_gold_actor_is_known_to_the_scorer(articles):
    actors_frame, _ = devset.curated()
    known = {devset._norm(n) for n in actors_frame["name"]}
    known |= {devset._norm(n) for n in devset.read_csv(devset.DEVSET / "actors.csv")["name"]}
    for a in articles:
        for g in a.gold:
            for name in g.actor.split(";"):
                assert devset._norm(name) in known, f"{a.name}: {name!r} is in neither actors file"


def test_the_scorer_runs_and_reports_rates_between_0_and_1():
    result = devset.run()
    assert json.loads(json.dumps(result)) == result
    rows = [*result["articles"], result["total"]]
    assert len(result["articles"]) >= 12
    for row in rows:
        for key in ("recall", "precision", "kinds", "invented_precision"):
            assert row[key] is None or 0 <= row[key] <= 1, (row.get("article", "total"), key)
        assert row["matched"] <= row["gold_events"] and row["real"] <= row["candidates"]
    assert result["total"]["gold_events"] == sum(r["gold_events"] for r in result["articles"])
    assert result["seed"]["of"] == 11 and 0 <= result["seed"]["matched"] <= 11
    assert "seed article:" in devset.table(result)


def test_a_candidate_matching_a_gold_row_is_counted(articles):
    """The scorer itself: a candidate made from a gold row (its quote, actor and date) is recalled and is real."""
    from components.extract import Candidate

    article = next(a for a in articles if a.name == "2020-12-23_memo")
    g = next(g for g in article.gold if g.actor == "Turkish armed forces")
    c = Candidate(g.quote, g.offset, "", g.start, g.end, g.precision, g.basis, "", ("Turkish armed forces",), (), "",
                  None, g.kind, 1.0, "test")  # fmt: skip
    wrong_day = replace(c, start=date(2020, 12, 1), end=date(2020, 12, 1))
    actors = devset.Actors(devset.curated()[0], devset.read_csv(devset.DEVSET / "actors.csv"))
    s = devset.score(article, [c, wrong_day], actors)
    assert (s.matched, s.real, s.kinds_right, s.invented) == (1, 2, 1, 0)
