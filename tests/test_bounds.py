"""Bounded inputs of the articles and the review page: long quotes in reviews.csv, huge articles, absurd dates, the
words of each error, unexpected errors as one line, and candidates extracted once per article checksum, shown paged."""

import csv
import random
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from apptest import ok, shown, start
from builders import FROZEN_SEEDS, copy_seeds, shipped, use_data
from builders import run_command as run
from streamlit.testing.v1 import AppTest

from components import articles, extract, extracted, loader, review
from components.articles import MAX_TEXT_BYTES, MB, ArticleError, ingest
from components.config import STORE_ENV
from components.files import upload_name
from components.pages import review_view
from components.review import PENDING, REJECTED, ReviewError
from components.schema import Reviews

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PAGE = HERE / "articles" / "libya_page.html"
SEED = FROZEN_SEEDS / "000_a73a2923047b2e61.txt"
PUBLISHED = datetime(2021, 2, 3, 9, 15)
PUBLISHER = "Example News"
CSV_FIELD_LIMIT = 131_072  # Python's csv module's default field_size_limit
# Sentences of a synthetic article: each names a known actor or place, as news does, with the rules' date words.
SENTENCES = (
    "Turkish forces are based south of Tripoli.",
    "On Saturday, the Wagner Group was digging trenches near Sirte.",
    "Russian mercenaries remain around Jufra.",
    "In December, Ankara approved plans to extend its presence in Libya.",
    "The United States called on Russia to withdraw its forces yesterday.",
    "The weather was mild and the markets were busy.",
)


@pytest.fixture
def folders(tmp_path, monkeypatch):
    """A copy of the shipped data and seeds, a store folder of this test's own, and an empty in-memory cache."""
    data, _ = shipped(tmp_path)
    seeds = tmp_path / "seeds"
    copy_seeds(seeds)
    monkeypatch.setenv(STORE_ENV, str(tmp_path / "store"))
    extracted.forget()
    yield data, seeds
    extracted.forget()


def synthetic(size: int, seed: int = 13) -> str:
    """An article of about `size` bytes built from SENTENCES, seeded: the same text on every run."""
    pick = random.Random(seed)
    paragraphs, total = [], 0
    while total < size:
        paragraph = " ".join(pick.choice(SENTENCES) for _ in range(pick.randint(2, 5)))
        paragraphs.append(paragraph)
        total += len(paragraph) + 2
    return "Forces stay in Libya\n\n" + "\n\n".join(paragraphs) + "\n"


def stored(data, seeds, tmp_path, body: str, name: str = "big.txt"):
    """Ingest a text; the article as the review page reads it, and the curated data."""
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    done = ingest(path, seeds, published=PUBLISHED, publisher=PUBLISHER)
    curated = loader.load(data, seeds)
    [article] = [a for a in review.articles(curated, seeds) if a.name == done.article]
    return article, curated


# --- 1. A quote longer than the CSV reader's field limit ---------------------------------------------------------


@pytest.fixture
def long_quote(folders, tmp_path):
    """An article whose one sentence is longer than the CSV reader's field limit: its candidate and its article."""
    data, seeds = folders
    sentence = "Turkish forces are based south of Tripoli" + " with patrols by day and by night" * 4_200 + "."
    article, curated = stored(data, seeds, tmp_path, f"Forces stay\n\n{sentence}\n", "long.txt")
    [candidate] = review.candidates(article, curated, data)
    assert len(candidate.quote) > CSV_FIELD_LIMIT, "the case of the issue: one field over the reader's limit"
    return data, seeds, article, candidate


def test_rejecting_a_quote_over_the_csv_field_limit_leaves_reviews_csv_readable(long_quote):
    data, seeds, article, candidate = long_quote
    review.reject(data, article, candidate)
    decisions = review.read_decisions(data)  # raised "field larger than field limit" before: every page failed
    assert len(decisions) == 1
    with (data / Reviews.file).open(newline="", encoding="utf-8") as f:
        widest = max(len(cell) for row in csv.reader(f) for cell in row)
    assert widest <= review.QUOTE_KEPT < CSV_FIELD_LIMIT, "what is written is bounded"
    cell = decisions[Reviews.quote].iloc[0]
    assert cell.startswith(candidate.quote[: review.QUOTE_PREFIX]) and "sha256" in cell, "its start and checksum"
    curated = loader.load(data, seeds)
    listed = review.proposals(article, review.candidates(article, curated, data), curated.events, decisions)
    assert [p.status for p in listed] == [REJECTED], "the decision is recognised by the quote's checksum"
    with pytest.raises(ReviewError, match="decided meanwhile"):
        review.reject(data, article, candidate)


def test_an_older_reviews_csv_with_quotes_verbatim_still_reads(folders, tmp_path):
    """Files written before: every quote verbatim, one of them longer than what is kept verbatim now."""
    data, seeds = folders
    sentence = "Turkish forces are based south of Tripoli" + " with patrols by day and by night" * 200 + "."
    body = f"Forces stay\n\n{sentence} Russian mercenaries remain around Sirte.\n"
    article, curated = stored(data, seeds, tmp_path, body, "older.txt")
    found = review.candidates(article, curated, data)
    long, short = found
    assert len(long.quote) > review.QUOTE_KEPT >= len(short.quote)
    rows = [Reviews.names()] + [
        [article.name, str(c.offset), c.quote, c.location, "rejected", "", "2024-01-01T00:00:00Z"] for c in found
    ]
    with (data / Reviews.file).open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    listed = review.proposals(article, found, curated.events, review.read_decisions(data))
    assert [p.status for p in listed] == [REJECTED, REJECTED]
    with pytest.raises(ReviewError, match="decided meanwhile"):
        review.reject(data, article, long)


def damage(data: Path) -> None:
    """A reviews.csv as the old bug wrote it, or a hand edit: one field over the reader's limit."""
    header = ",".join(Reviews.names())
    row = f'x.txt,0,"{"x" * (CSV_FIELD_LIMIT + 10)}",Tripoli,rejected,,2024-01-01T00:00:00Z'
    (data / Reviews.file).write_text(f"{header}\n{row}\n", encoding="utf-8")


def test_a_damaged_reviews_csv_gives_one_line_naming_the_file_not_its_folder(folders):
    data, _ = folders
    damage(data)
    with pytest.raises(ReviewError) as refused:
        review.read_decisions(data)
    message = str(refused.value)
    assert message.startswith(f"{Reviews.file}, line 2: not valid CSV") and "\n" not in message
    assert str(data) not in message and "corrected or removed" in message


def test_a_damaged_reviews_csv_is_one_line_on_the_page_and_on_the_command_line(folders, monkeypatch, capsys):
    data, seeds = folders
    damage(data)
    use_data(monkeypatch, data, seeds, data.parent / "store")
    at = start({"view": "review"})  # raised before: every load of the data page failed
    [said] = [shown(e.value) for e in at.error]
    assert "reviews.csv, line 2" in said and str(data) not in said
    code, _, err = run(["--data", str(data), "--seeds", str(seeds), "ingest", str(PAGE)], capsys)
    assert code == 1 and len(err.strip().splitlines()) == 1 and "reviews.csv, line 2" in err
    assert "Traceback" not in err


# --- 2. A huge article: refused at ingest; candidates extracted once, shown paged ---------------------------------


def test_a_20_mb_article_is_refused_with_its_size_and_the_limit(folders, tmp_path):
    data, seeds = folders
    body = synthetic(20 * MB)  # seeded: the same 20 MB on every run
    path = tmp_path / "huge.txt"
    path.write_text(body, encoding="utf-8")
    before = sorted(seeds.iterdir())
    began = time.perf_counter()
    with pytest.raises(ArticleError) as refused:
        ingest(path, seeds, published=PUBLISHED, publisher=PUBLISHER)
    assert time.perf_counter() - began < 5, "refused before any extraction (28 s for this size)"
    size = len(body.encode("utf-8")) / MB
    assert str(refused.value) == (
        f"{path}: the article is {size:.1f} MB of text; at most {MAX_TEXT_BYTES // MB} MB is read as one article"
    )
    assert sorted(seeds.iterdir()) == before, "nothing stored"


def test_an_article_just_under_the_limit_is_read(folders, tmp_path):
    data, seeds = folders
    body = synthetic(MAX_TEXT_BYTES - 2_000)
    assert len(body.encode("utf-8")) <= MAX_TEXT_BYTES
    path = tmp_path / "long.txt"
    path.write_text(body, encoding="utf-8")
    assert ingest(path, seeds, published=PUBLISHED, publisher=PUBLISHER).stored


def test_a_saved_page_larger_than_any_page_is_refused_unread(folders, tmp_path):
    _, seeds = folders
    page = tmp_path / "huge.html"
    page.write_bytes(b"<!doctype html><html><body>" + b"<p>Turkish forces are based near Sirte.</p>" * 400_000)
    with pytest.raises(ArticleError, match=r"the page is 16\.\d MB; at most 16 MB is read as one saved page"):
        ingest(page, seeds)
    assert sorted(p.name for p in seeds.iterdir()) == sorted(p.name for p in FROZEN_SEEDS.iterdir())


def test_a_page_whose_text_is_over_the_limit_is_refused(folders, tmp_path, monkeypatch):
    _, seeds = folders
    text = synthetic(3 * MB)
    monkeypatch.setattr(articles, "from_html", lambda source: {"text": text, "published": "2021-02-03"})
    with pytest.raises(ArticleError, match=r"the article is 3\.0 MB of text; at most 2 MB"):
        ingest(PAGE, seeds, publisher=PUBLISHER)


@pytest.fixture
def big(folders, tmp_path):
    """An article of about 200 KB (seeded) in seeds: hundreds of candidates, extracted in about a second."""
    data, seeds = folders
    article, curated = stored(data, seeds, tmp_path, synthetic(200_000))
    return data, seeds, article, curated


def counted(monkeypatch) -> list[int]:
    """Count the calls to the extractor from here on (the calls still extract)."""
    calls, real = [], extract.extract

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(extract, "extract", counting)
    return calls


def test_candidates_are_extracted_once_per_article_and_kept_on_disk(big, monkeypatch):
    data, seeds, article, curated = big
    calls = counted(monkeypatch)
    began = time.perf_counter()
    first = review.candidates(article, curated, data)
    extracting = time.perf_counter() - began
    assert len(calls) == 1 and len(first) > 500
    cache = extracted.folder(data) / f"{extracted.checksum(article.text)}.json"
    assert cache.exists() and cache.stat().st_size < 20 * len(article.text.encode("utf-8"))
    began = time.perf_counter()
    assert review.candidates(article, curated, data) == first and len(calls) == 1, "from memory"
    assert time.perf_counter() - began < max(0.05, extracting / 10)
    extracted.forget()  # as a new process: from the file
    began = time.perf_counter()
    assert review.candidates(article, curated, data) == first and len(calls) == 1, "from the file"
    assert time.perf_counter() - began < extracting
    extracted.forget()
    cache.unlink()  # derived data: deleting it loses nothing
    assert review.candidates(article, curated, data) == first and len(calls) == 2


def test_a_cache_of_other_inputs_or_damaged_is_extracted_again(big, monkeypatch):
    data, seeds, article, curated = big
    first = review.candidates(article, curated, data)
    calls = counted(monkeypatch)
    cache = extracted.folder(data) / f"{extracted.checksum(article.text)}.json"
    extracted.forget()
    cache.write_text("{not json", encoding="utf-8")
    assert review.candidates(article, curated, data) == first and len(calls) == 1
    fewer = curated.places[curated.places["name"] != "Jufra"]  # the gazetteer changed: other candidates
    changed = loader.Dataset(curated.events, curated.actors, fewer, curated.articles)
    again = review.candidates(article, changed, data)
    assert len(calls) == 2 and again != first and not any(c.location == "Jufra" for c in again)


def test_the_cache_gives_the_seed_articles_candidates_exactly(folders):
    data, seeds = folders
    curated = loader.load(data, seeds)
    for article in review.articles(curated, seeds):
        direct = extract.extract(article.text, article.published.to_pydatetime(), curated.actors, curated.places,
                                 article.headline)  # fmt: skip
        assert review.candidates(article, curated, data) == direct
        extracted.forget()
        assert review.candidates(article, curated, data) == direct, "read back from the file, field for field"


def test_the_review_page_builds_one_page_of_cards(big):
    data, seeds, article, curated = big
    review.candidates(article, curated, data)  # extracted once
    began = time.perf_counter()
    page = review_view.build_review(curated, data, seeds, article.name, page=2)
    assert time.perf_counter() - began < 2, "a page of an article of hundreds of candidates"
    assert len(page.cards) == review_view.PAGE_SIZE and page.first == review_view.PAGE_SIZE
    assert page.pages == -(-page.pending // review_view.PAGE_SIZE) and page.pending > 500
    last = review_view.build_review(curated, data, seeds, article.name, page=10_000)
    assert last.page == last.pages and 1 <= len(last.cards) <= review_view.PAGE_SIZE, "a page past the end: the last"
    assert all(len(c.before) <= review_view.CONTEXT_CHARS + 1 for c in page.cards)


def test_proposals_of_thousands_of_candidates_take_linear_time(big):
    data, seeds, article, curated = big
    found = review.candidates(article, curated, data)
    many = (found * (10_000 // len(found) + 1))[:10_000]
    began = time.perf_counter()
    listed = review.proposals(article, many, curated.events, review.read_decisions(data))
    assert len(listed) == 10_000 and time.perf_counter() - began < 2, "no comparison of every pair"


def test_the_page_shows_candidates_paged(folders, tmp_path, monkeypatch):
    data, seeds = folders
    body = "Forces stay\n\n" + " ".join(f"Turkish forces are based south of Tripoli, day {n}." for n in range(45))
    article, _ = stored(data, seeds, tmp_path, body + "\n", "paged.txt")
    use_data(monkeypatch, data, seeds, data.parent / "store")
    at = start({"view": "review"})
    assert at.selectbox(key="review_article").value == article.name
    assert len([b for b in at.button if b.label == "Accept"]) == 20
    assert any("candidates 1–20 of 45 to review" in c.value for c in at.caption)
    key = f"{review_view.PAGE_KEY}:{article.name}"
    ok(at.number_input(key=key).set_value(3).run())
    assert len([b for b in at.button if b.label == "Accept"]) == 5
    assert any("candidates 41–45 of 45 to review" in c.value for c in at.caption)
    assert "Candidate 41" in " ".join(m.value for m in at.markdown)


# --- 3. Publication dates: validated before anything is stored ------------------------------------------------------


@pytest.mark.parametrize("published", [date(1, 1, 1), date(1899, 12, 31), date.today() + timedelta(days=30)])
def test_an_absurd_publication_date_is_refused_before_anything_is_stored(folders, tmp_path, published):
    _, seeds = folders
    path = tmp_path / "note.txt"
    path.write_text("Forces stay\n\nTurkish forces are based south of Tripoli.\n", encoding="utf-8")
    before = sorted(seeds.iterdir())
    with pytest.raises(ArticleError, match="is not between 1900-01-01 and") as refused:
        ingest(path, seeds, published=published, publisher=PUBLISHER)
    assert refused.value.missing == articles.PUBLISHED and sorted(seeds.iterdir()) == before


def test_the_bounds_of_the_publication_date_are_accepted(folders, tmp_path):
    _, seeds = folders
    for n, published in enumerate((date(1900, 1, 1), date.today() + timedelta(days=1))):
        path = tmp_path / f"note{n}.txt"
        path.write_text(f"Forces stay {n}\n\nTurkish forces are based south of Tripoli.\n", encoding="utf-8")
        assert ingest(path, seeds, published=published, publisher=PUBLISHER).stored


@pytest.mark.parametrize("value", ["0001-01-01", "1899-12-31T23:59", "2999-01-01"])
def test_the_command_refuses_an_absurd_date_in_one_line_exit_2(folders, tmp_path, capsys, value):
    data, seeds = folders
    path = tmp_path / "note.txt"
    path.write_text("Forces stay\n\nTurkish forces are based south of Tripoli.\n", encoding="utf-8")
    before = sorted(seeds.iterdir())
    argv = ["--data", str(data), "--seeds", str(seeds), "ingest", str(path), "--published", value, "--publisher", "X"]
    code, out, err = run(argv, capsys)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "is not between 1900-01-01 and" in err and sorted(seeds.iterdir()) == before


@pytest.mark.parametrize("printed", ["0001-01-01T00:00:00+00:00", "2999-01-01T09:15:00+02:00"])
def test_an_absurd_date_in_a_pages_markup_is_not_stored(folders, tmp_path, printed):
    _, seeds = folders
    page = tmp_path / "absurd.html"
    page.write_text(PAGE.read_text(encoding="utf-8").replace("2021-02-03T09:15:00+02:00", printed), "utf-8")
    with pytest.raises(ArticleError) as refused:
        ingest(page, seeds)
    assert refused.value.missing == articles.PUBLISHED  # not found as a date, or out of range: the analyst gives it
    assert sorted(p.name for p in seeds.iterdir()) == sorted(p.name for p in FROZEN_SEEDS.iterdir())


def test_a_page_date_out_of_range_is_refused_even_when_the_page_reader_passes_it(folders, monkeypatch):
    _, seeds = folders
    monkeypatch.setattr(
        articles,
        "from_html",
        lambda source: {"text": "Turkish forces stay in Sirte.\n", "published": "0001-01-01", "publisher": PUBLISHER},
    )
    with pytest.raises(ArticleError, match="publication date 0001-01-01 is not between"):
        ingest(PAGE, seeds)


# --- 4. Each caller words what is missing ---------------------------------------------------------------------------


def test_what_is_missing_is_worded_by_each_caller(folders, tmp_path, capsys):
    data, seeds = folders
    path = tmp_path / "note.txt"
    path.write_text("Forces stay\n\nTurkish forces are based south of Tripoli.\n", encoding="utf-8")
    with pytest.raises(ArticleError) as refused:
        ingest(path, seeds)
    on_page = review_view.plain(refused.value.worded(review_view.FIELDS), str(tmp_path))
    assert on_page.startswith("note.txt: no publication date: set the publication date above; relative dates")
    assert "--" not in on_page
    code, _, err = run(["--data", str(data), "--seeds", str(seeds), "ingest", str(path)], capsys)
    assert code == 1 and "no publication date: give --published YYYY-MM-DDTHH:MM" in err
    with pytest.raises(ArticleError) as refused:
        ingest(path, seeds, published=PUBLISHED)
    assert "set the publisher above" in refused.value.worded(review_view.FIELDS)
    code, _, err = run(["--data", str(data), "--seeds", str(seeds), "ingest", str(path), "--published", "2021-02-03"],
                       capsys)  # fmt: skip
    assert code == 1 and "no publisher: give --publisher NAME" in err


def test_the_page_names_plain_files_never_server_folders():
    said = review_view.plain("/srv/cm/data/tmp-xyz/events.csv, line 3: bad; UN/AU/EU and/or 24/7", "/srv/cm/data")
    assert said == "events.csv, line 3: bad; UN/AU/EU and/or 24/7"


# --- 5. Unexpected errors on the data page: one line with an id, never a traceback or a path ------------------------


def test_an_unexpected_error_on_reject_is_one_line_with_an_id(folders, tmp_path, monkeypatch, caplog):
    data, seeds = folders
    stored(data, seeds, tmp_path, "Forces stay\n\nTurkish forces are based south of Tripoli.\n", "one.txt")
    use_data(monkeypatch, data, seeds, data.parent / "store")

    def broken(*args, **kwargs):
        raise RuntimeError(f"disk trouble at {data}/reviews.csv")

    monkeypatch.setattr(review_view, "reject", broken)
    at = start({"view": "review"})
    ok([b for b in at.button if b.label == "Reject"][0].click().run())
    [said] = [shown(e.value) for e in at.error]
    assert said.startswith("Something went wrong while rejecting candidate") and "error " in said
    assert str(data) not in said and "Traceback" not in said
    error_id = said.split("(error ")[1].split(")")[0]
    assert any(error_id in r.getMessage() and r.exc_info for r in caplog.records), "the details are in the log"


def test_an_unexpected_error_listing_candidates_is_one_line(folders, monkeypatch):
    data, seeds = folders
    use_data(monkeypatch, data, seeds, data.parent / "store")

    def broken(*args, **kwargs):
        raise ValueError(f"bad cache under {data}")

    monkeypatch.setattr(review_view, "candidates", broken)
    at = start({"view": "review"})
    [said] = [shown(e.value) for e in at.error]
    assert said.startswith("Something went wrong while listing the article") and str(data) not in said


class Upload:
    """A browser upload as Streamlit hands it over: a name (any text the browser sends) and the bytes."""

    def __init__(self, name: str, content: bytes) -> None:
        self.name, self.content = name, content

    def getvalue(self) -> bytes:
        """The uploaded bytes."""
        return self.content


def upload_page(data: str, seeds: str) -> None:
    """The upload form alone, as an editor on this machine, with what it said."""
    from pathlib import Path

    import streamlit as st

    from components import access, text
    from components.pages import review_view

    user = access.Access(True, "analyst", "Editing as analyst.")
    review_view.render_upload(Path(seeds), Path(data), user)
    said = st.session_state.get(review_view.SAID_KEY)
    if said:
        (st.success if said[0] else st.error)(text.md(said[1]))


def submit_once(monkeypatch, upload: Upload) -> None:
    """Make the form's file field hold `upload` and its button pressed once (AppTest cannot upload files)."""
    pressed = []
    monkeypatch.setattr(review_view.st, "file_uploader", lambda *args, **kwargs: upload)
    monkeypatch.setattr(
        review_view.st, "form_submit_button", lambda *args, **kwargs: not pressed and not pressed.append(1)
    )


def test_an_unexpected_error_on_ingest_is_one_line_with_an_id(folders, monkeypatch):
    data, seeds = folders

    def broken(*args, **kwargs):
        raise OSError(f"cannot write {seeds}/x")

    monkeypatch.setattr(review_view, "ingest", broken)
    submit_once(monkeypatch, Upload("note.txt", b"Turkish forces are based south of Tripoli.\n"))
    at = ok(AppTest.from_function(upload_page, args=(str(data), str(seeds)), default_timeout=30).run())
    [said] = [shown(e.value) for e in at.error]
    assert said.startswith("Something went wrong while ingesting the article") and str(seeds) not in said


def test_the_page_asks_for_its_own_date_field_and_names_no_server_folder(folders, monkeypatch):
    data, seeds = folders
    submit_once(monkeypatch, Upload("../../etc/note.txt", b"Forces stay\n\nTurkish forces are based in Sirte.\n"))
    at = ok(AppTest.from_function(upload_page, args=(str(data), str(seeds)), default_timeout=30).run())
    [said] = [shown(e.value) for e in at.error]
    assert "no publication date: set the publication date above" in said
    assert "--published" not in said and "/tmp" not in said and "etc" not in said


# --- 6. What holds already ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [("../../etc/passwd", "passwd"), ("..\\..\\boot.ini", "boot.ini"), ("..", "article.txt"), ("/", "article.txt"),
     ("", "article.txt"), ("a/../../b.html", "b.html"), ("note.txt", "note.txt")],
)  # fmt: skip
def test_upload_names_with_a_folder_part_are_refused(name, expected):
    assert upload_name(name, "article.txt") == expected


def test_the_pages_date_field_is_bounded(folders, monkeypatch):
    data, seeds = folders
    at = ok(AppTest.from_function(upload_page, args=(str(data), str(seeds)), default_timeout=30).run())
    [field] = at.date_input
    assert field.proto.min == "1900-01-01"


def test_pending_candidates_stay_pending(big):
    data, seeds, article, curated = big
    listed = review.proposals(article, review.candidates(article, curated, data), curated.events,
                              pd.DataFrame(columns=Reviews.names(), dtype=str))  # fmt: skip
    assert {p.status for p in listed} == {PENDING}
