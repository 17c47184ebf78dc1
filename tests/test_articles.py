"""components.articles: a text or saved page into a seeds folder in tmp_path, byte for byte, once, atomically."""

import hashlib
import json
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
import trafilatura
from builders import FROZEN_SEEDS

from components import articles, loader
from components.articles import ArticleError, ingest

HERE = Path(__file__).resolve().parent
PAGE = HERE / "articles" / "libya_page.html"  # a saved page: <title>, og:site_name, article:published_time, <p>s
SEED = FROZEN_SEEDS / "000_a73a2923047b2e61.txt"
WHEN = datetime(2021, 1, 29, 15, 40)
PUBLISHER = "Example News"
TEXT = "Turkey’s forces\u00a0are based south of Tripoli.\r\n\r\nIn December, Ankara approved plans.\r\n"


@pytest.fixture
def seeds(tmp_path):
    """An empty seeds folder of this test."""
    folder = tmp_path / "seeds"
    folder.mkdir()
    return folder


@pytest.fixture
def article(tmp_path):
    """A plain-text article with no-break spaces, curly quotes and CRLF line ends."""
    path = tmp_path / "article.txt"
    path.write_bytes(TEXT.encode("utf-8"))
    return path


def sha(data):
    """The sha256 of bytes, in hex."""
    return hashlib.sha256(data).hexdigest()


def sidecar(seeds, ingested):
    """The sidecar of an ingested article, read back from disk."""
    return json.loads((seeds / ingested.article.replace(".txt", ".meta.json")).read_text(encoding="utf-8"))


def test_plain_text_is_stored_byte_for_byte_with_a_sidecar(seeds, article):
    raw = article.read_bytes()
    got = ingest(article, seeds, published=WHEN, publisher="Example News", headline="Forces stay")
    assert got.stored and got.article == f"000_{sha(raw)[:16]}.txt"
    assert (seeds / got.article).read_bytes() == raw
    assert got.text == raw.decode("utf-8")
    meta = sidecar(seeds, got)
    assert meta == got.meta
    assert (meta["article"], meta["publisher"], meta["headline"]) == (got.article, "Example News", "Forces stay")
    assert (meta["published"], meta["language"], meta["sha256"]) == ("2021-01-29T15:40", "en", sha(raw))
    ingested = datetime.strptime(meta["ingested"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    assert abs((datetime.now(timezone.utc) - ingested).total_seconds()) < 600
    assert sorted(p.name for p in seeds.iterdir()) == [got.article.replace(".txt", ".meta.json"), got.article]


def test_plain_text_headline_defaults_to_the_first_line(seeds, article):
    assert ingest(article, seeds, published=WHEN, publisher=PUBLISHER).meta["headline"] == TEXT.splitlines()[0].strip()


def test_the_loader_accepts_an_ingested_article(seeds, article):
    got = ingest(article, seeds, published=WHEN, publisher=PUBLISHER)
    texts = loader.load_articles(seeds)[1]
    assert texts[got.article] == got.text


def test_numbers_continue_after_the_existing_articles(seeds, article):
    shutil.copyfile(SEED, seeds / SEED.name)
    shutil.copyfile(SEED.with_name(SEED.stem + ".meta.json"), seeds / (SEED.stem + ".meta.json"))
    assert ingest(article, seeds, published=WHEN, publisher=PUBLISHER).article.startswith("001_")


def test_no_publication_date_is_refused_in_one_line(seeds, article):
    with pytest.raises(ArticleError) as refused:
        ingest(article, seeds)
    message = str(refused.value)
    assert refused.value.missing == articles.PUBLISHED, "the caller words what to give: a flag, or a field"
    assert message.startswith(f"{article}: no publication date") and "--published" not in message
    assert "relative dates" in message and "\n" not in message
    worded = refused.value.worded({articles.PUBLISHED: "give --published YYYY-MM-DDTHH:MM"})
    assert worded.startswith(f"{article}: no publication date: give --published YYYY-MM-DDTHH:MM; relative dates")
    assert list(seeds.iterdir()) == []


def test_no_publisher_is_refused_in_one_line(seeds, article):
    """A text file has no publisher to read: without one, nothing is stored and one line says what to give."""
    with pytest.raises(ArticleError) as refused:
        ingest(article, seeds, published=WHEN)
    assert refused.value.missing == articles.PUBLISHER and "\n" not in str(refused.value)
    assert "--publisher" in refused.value.worded({articles.PUBLISHER: "give --publisher NAME"})
    assert list(seeds.iterdir()) == []


def test_html_page_gives_text_and_metadata(seeds):
    raw = PAGE.read_bytes()
    got = ingest(PAGE, seeds)
    meta = sidecar(seeds, got)
    stem = f"000_{sha(raw)[:16]}"
    assert got.stored and got.article == f"{stem}.txt"
    assert (seeds / f"{stem}.html").read_bytes() == raw  # the page, byte for byte
    stored_text = (seeds / got.article).read_bytes()
    assert stored_text.decode("utf-8") == got.text and meta["sha256"] == sha(stored_text)
    assert (meta["original"], meta["original_sha256"]) == (f"{stem}.html", sha(raw))
    assert meta["extracted_with"] == f"trafilatura {trafilatura.__version__}"
    assert (meta["headline"], meta["publisher"]) == ("Turkish forces stay in Libya after deadline", "Example News")
    assert meta["published"] == "2021-02-03T09:15"  # the wall time printed, its zone not converted
    assert meta["language"] == "en"
    sentence = "In December, Ankara approved plans to extend its military presence in Libya by a further 18 months."
    assert sentence in got.text  # a quote is a verbatim span of the stored text
    assert "<p>" not in got.text and "Home" not in got.text and "All rights reserved" not in got.text
    assert loader.load_articles(seeds)[1][got.article] == got.text


def test_html_is_detected_by_content_not_extension(seeds, tmp_path):
    disguised = tmp_path / "saved.txt"
    shutil.copyfile(PAGE, disguised)
    got = ingest(disguised, seeds)
    assert "original" in got.meta and "<html" not in got.text


def test_arguments_override_the_page_metadata(seeds):
    got = ingest(PAGE, seeds, published=datetime(2021, 2, 4, 8, 0), publisher="Other", headline="Other headline")
    assert (got.meta["published"], got.meta["publisher"], got.meta["headline"]) == (
        "2021-02-04T08:00",
        "Other",
        "Other headline",
    )


def test_a_page_that_prints_only_a_day_gets_no_invented_time(seeds, tmp_path):
    page = tmp_path / "day_only.html"
    page.write_text(PAGE.read_text(encoding="utf-8").replace("2021-02-03T09:15:00+02:00", "2021-02-03"), "utf-8")
    assert ingest(page, seeds).meta["published"] == "2021-02-03"


def test_a_page_without_a_date_is_refused(seeds, tmp_path):
    page = tmp_path / "undated.html"
    text = PAGE.read_text(encoding="utf-8")
    page.write_text("\n".join(line for line in text.splitlines() if "published_time" not in line), "utf-8")
    with pytest.raises(ArticleError, match="no publication date"):
        ingest(page, seeds)
    assert list(seeds.iterdir()) == []


@pytest.mark.parametrize("source", ["text", "page"])
def test_the_same_article_is_not_stored_twice(seeds, article, source):
    path = article if source == "text" else PAGE
    first = ingest(path, seeds, published=WHEN, publisher=PUBLISHER)
    files = sorted(seeds.iterdir())
    again = ingest(path, seeds)  # no date needed: the stored sidecar has it
    assert (again.stored, again.article, again.text, again.meta) == (False, first.article, first.text, first.meta)
    assert sorted(seeds.iterdir()) == files


def test_a_failed_write_leaves_no_partial_file(seeds, article, monkeypatch):
    def refuse(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(articles.os, "replace", refuse)
    with pytest.raises(ArticleError, match="No space left on device"):
        ingest(article, seeds, published=WHEN, publisher=PUBLISHER)
    assert list(seeds.iterdir()) == []


def test_a_failure_after_the_first_file_removes_the_article_entirely(seeds, monkeypatch):
    real, calls = os.replace, []

    def second_fails(src, dst):
        calls.append(dst)
        if len(calls) == 2:  # the page is in place, the extracted text is not
            raise OSError(5, "Input/output error")
        real(src, dst)

    monkeypatch.setattr(articles.os, "replace", second_fails)
    with pytest.raises(ArticleError):
        ingest(PAGE, seeds)
    assert len(calls) == 2 and list(seeds.iterdir()) == []


def test_not_utf8_says_the_byte_offset(seeds, tmp_path):
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Turkey’s forces".encode() + b" in Tripoli \xe9t\xe9")
    with pytest.raises(ArticleError, match=r"not UTF-8 text \(byte 29: b'\\xe9'\)"):
        ingest(bad, seeds, published=WHEN)


@pytest.mark.parametrize("content", [b"", b" \n\t\n"])
def test_empty_text_is_refused(seeds, tmp_path, content):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(content)
    with pytest.raises(ArticleError, match="empty"):
        ingest(empty, seeds, published=WHEN)


def test_an_unreadable_file_is_refused(seeds, tmp_path):
    with pytest.raises(ArticleError, match="cannot be read"):
        ingest(tmp_path / "missing.txt", seeds, published=WHEN)


CAPTIONED = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Commission meets in Cairo | Example News</title>
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2021-11-01T07:41:00+03:00">
</head><body><main><article>
<h1>Commission meets in Cairo</h1>
<p class="article-standfirst">The commission met neighbouring states on the departure of foreign fighters.</p>
<p>The 5+5 Joint Military Commission agreed with Sudan, Chad and Niger to cooperate on the exit of their fighters.</p>
<figure><img src="a.jpg" alt=""><figcaption>Members of the commission during a two-day meeting in Cairo on 30-31
October 2021</figcaption></figure>
<p>The talks kicked off on Saturday, officials said, and were hosted by Egypt with the support of the UN.</p>
<p>Thousands of mercenaries and foreign fighters were brought to the country by foreign powers during the war.</p>
</article></main></body></html>
"""


def test_a_pages_standfirst_and_captions_are_kept_marked_and_its_time_zone_too(seeds, tmp_path):
    page = tmp_path / "captioned.html"
    page.write_text(CAPTIONED, encoding="utf-8")
    got = ingest(page, seeds)
    paragraphs = got.text.split("\n\n")
    standfirst = "Standfirst: The commission met neighbouring states on the departure of foreign fighters."
    caption = "Caption: Members of the commission during a two-day meeting in Cairo on 30-31 October 2021"
    assert standfirst in paragraphs and caption in paragraphs
    lead = next(i for i, p in enumerate(paragraphs) if p.startswith("The 5+5 Joint Military Commission"))
    assert paragraphs[lead + 1] == caption  # where the photo stands: after the paragraph before it
    assert paragraphs.index(standfirst) < lead
    meta = sidecar(seeds, got)
    assert meta["published"] == "2021-11-01T07:41"  # the wall time, as printed
    assert (meta["time_zone"], meta["published_as_printed"]) == ("+03:00", "2021-11-01T07:41:00+03:00")
    assert loader.load_articles(seeds)[1][got.article] == got.text


def test_a_caption_is_no_part_of_a_quote_and_its_date_carries_to_no_other_sentence():
    import pandas as pd
    from builders import FROZEN_DATA

    from components.extract import extract

    read = lambda name: pd.read_csv(FROZEN_DATA / name, dtype=str, keep_default_na=False)  # noqa: E731
    body = "UNSMIL urged calm in Tripoli on Tuesday.\n\nUNSMIL said foreign mercenaries must leave Libya.\n"
    plain = extract("Headline\n\n" + body, WHEN, read("actors.csv"), read("places.csv"))
    assert plain[1].start == datetime(2021, 1, 26).date()  # unmarked: the same speaker's date carries on
    found = extract("Headline\n\nCaption: " + body, WHEN, read("actors.csv"), read("places.csv"))
    assert found[0].quote == "UNSMIL urged calm in Tripoli on Tuesday."  # the mark is no part of the quote
    assert (found[1].start, found[1].date_basis) == (WHEN.date(), "report")  # the caption's date stays its own
