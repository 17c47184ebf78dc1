"""Articles into seeds/: a text or a saved web page stored byte for byte, with a sidecar of its metadata."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from importlib.metadata import version
from pathlib import Path

from components.files import locked, write_atomic
from components.loader import META_SUFFIX

HTML_START = re.compile(r"<!doctype\s+html|<html[\s>]", re.I)
HTML_SUFFIXES = (".html", ".htm")
SNIFF_CHARS = 2048  # a page declares itself near its start, after any BOM, comment or XML prolog
HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})\b", re.I)
NUMBERED = re.compile(r"(\d{3,})_[0-9a-f]{16}\.")  # NNN_<16 hex of sha256>.txt|.html|.meta.json
PUBLISHED_FORMAT = "%Y-%m-%dT%H:%M"  # wall time as printed: no time zone invented
# htmldate (inside trafilatura): the original publication date from the page's markup, never a date guessed from
# the article's text (a caption's "June 15, 2020" is not when the page was published).
DATE_PARAMS = {"outputformat": PUBLISHED_FORMAT, "original_date": True, "extensive_search": False}
NO_TIME = "T00:00"  # htmldate gives midnight when the page prints only a day: the time is then left out
PUBLISHED, PUBLISHER = "published", "publisher"  # what an ArticleError may say is missing: each caller words it
NO_DATE_WHY = "relative dates ('yesterday', 'on Saturday') cannot be resolved without one"
NO_PUBLISHER_WHY = "every event of the article names its source"
# Bounds of what is read as one article. A long news feature is some 50 KB of text: 2 MB is forty times that, and
# the extraction of a 20 MB text took 28 s and gave 10,592 candidates. A saved page carries its markup, scripts and
# inline images besides the text: it may be larger, up to MAX_FILE_BYTES, before its text is extracted and bounded.
MB = 1 << 20
MAX_TEXT_BYTES = 2 * MB
MAX_FILE_BYTES = 16 * MB
EARLIEST = date(1900, 1, 1)  # no news article of the monitor is older; a date before is a typing error (0001-01-01)


class ArticleError(Exception):
    """An article refused: unreadable, too large, not UTF-8, empty, without a publication date or publisher, or not
    storable. `missing` names the input to give or correct (PUBLISHED, PUBLISHER, or ""): the command line words it
    as its flag, the page as its field."""

    def __init__(self, message: str, missing: str = "", why: str = "") -> None:
        super().__init__(f"{message}; {why}" if why else message)
        self.message, self.missing, self.why = message, missing, why

    def worded(self, fixes: Mapping[str, str]) -> str:
        """The refusal in one line, with the caller's words for what to give (`fixes`: missing -> words)."""
        fix = fixes.get(self.missing, "")
        said = f"{self.message}: {fix}" if fix else self.message
        return f"{said}; {self.why}" if self.why else said


@dataclass(frozen=True)
class Ingested:
    """An article in seeds/: the .txt file name, its text, its sidecar, and whether this call stored it."""

    article: str
    text: str
    meta: dict
    stored: bool


def is_html(source: str, suffix: str = "") -> bool:
    """Whether a text is a web page: it says so near its start, or an .html file starts with a tag."""
    head = source[:SNIFF_CHARS]
    tagged = suffix.lower() in HTML_SUFFIXES and head.lstrip("\ufeff \t\r\n").startswith("<")
    return bool(HTML_START.search(head)) or tagged


def ingest(
    path: Path,
    seeds: Path,
    published: date | None = None,
    publisher: str | None = None,
    headline: str | None = None,
) -> Ingested:
    """Store an article (text or saved web page) in seeds/ with its sidecar, or return the one already there.

    `published` overrides the page's date: a datetime keeps its time; a date alone gets no invented time."""
    path, seeds = Path(path), Path(seeds)
    if published is not None and (wrong := out_of_range(published)):  # before anything is read or stored
        raise ArticleError(f"{path}: {wrong}", PUBLISHED)
    raw = _read_bounded(path)
    digest = hashlib.sha256(raw).hexdigest()
    existing = find_existing(seeds, digest)
    if existing is not None:
        return existing
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        bad = raw[err.start : err.start + 1]
        raise ArticleError(f"{path}: not UTF-8 text (byte {err.start}: {bad!r})") from None
    if not source.strip():
        raise ArticleError(f"{path}: the file is empty: no article text")

    page = is_html(source, path.suffix)
    if not page and len(raw) > MAX_TEXT_BYTES:
        raise ArticleError(f"{path}: {too_long(len(raw))}")
    found = from_html(source) if page else {"text": source, "headline": _first_line(source)}
    if not found["text"].strip():
        raise ArticleError(f"{path}: no article text found in the page")
    if page and (size := len(found["text"].encode("utf-8"))) > MAX_TEXT_BYTES:
        raise ArticleError(f"{path}: {too_long(size)}")
    when = printed(published) if published else found.get("published")
    if not when:
        raise ArticleError(f"{path}: no publication date", PUBLISHED, NO_DATE_WHY)
    if wrong := _page_date_problem(when):  # the page's own date too: the loader could not read it back
        raise ArticleError(f"{path}: {wrong}", PUBLISHED)
    publisher = publisher or found.get("publisher")
    if not publisher:
        raise ArticleError(f"{path}: no publisher", PUBLISHER, NO_PUBLISHER_WHY)

    text_bytes = found["text"].encode("utf-8") if page else raw  # a text file is kept byte for byte
    with locked(_lock_of(seeds)):  # two uploads at once never take the same number
        existing = find_existing(seeds, digest)
        if existing is not None:
            return existing
        stem = f"{next_number(seeds):03d}_{digest[:16]}"
        meta = {
            "article": f"{stem}.txt",
            "publisher": publisher,
            "headline": headline or found.get("headline") or "",
            "published": when,
            "language": found.get("language") or "en",
            "sha256": hashlib.sha256(text_bytes).hexdigest() if page else digest,
        }
        files = [(f"{stem}.txt", text_bytes)]
        if page:
            meta.update(original=f"{stem}.html", original_sha256=digest,
                        extracted_with=f"trafilatura {version('trafilatura')}")  # fmt: skip
            files.insert(0, (f"{stem}.html", raw))
        meta["ingested"] = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        sidecar = (json.dumps(meta, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        store(seeds, [*files, (f"{stem}{META_SUFFIX}", sidecar)])  # the sidecar last: the loader sees whole articles
    return Ingested(article=meta["article"], text=found["text"] if page else source, meta=meta, stored=True)


def _read_bounded(path: Path) -> bytes:
    """The file's bytes, refused without reading it whole when it is larger than any article (see MAX_FILE_BYTES)."""
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
            size = os.fstat(f.fileno()).st_size
    except OSError as err:
        raise ArticleError(f"{path}: cannot be read ({err.strerror or err})") from None
    if len(raw) <= MAX_FILE_BYTES:
        return raw
    head = raw[:SNIFF_CHARS].decode("utf-8", errors="replace")
    if is_html(head, path.suffix):
        raise ArticleError(
            f"{path}: the page is {size / MB:.1f} MB; at most {MAX_FILE_BYTES // MB} MB is read as one saved page"
        )
    raise ArticleError(f"{path}: {too_long(max(size, len(raw)))}")


def too_long(size: int) -> str:
    """Why an article's text is refused: its size and the bound, in MB."""
    return f"the article is {size / MB:.1f} MB of text; at most {MAX_TEXT_BYTES // MB} MB is read as one article"


def latest() -> date:
    """The latest publication date accepted: tomorrow, as a time zone ahead of the server may already be there."""
    return date.today() + timedelta(days=1)


def out_of_range(published: date) -> str:
    """Why a publication date is refused ("" when it is within EARLIEST to latest())."""
    day = published.date() if isinstance(published, datetime) else published
    if EARLIEST <= day <= latest():
        return ""
    return f"publication date {day.isoformat()} is not between {EARLIEST.isoformat()} and {latest().isoformat()}"


def _page_date_problem(when: str) -> str:
    """Why a publication date as printed (YYYY-MM-DD or YYYY-MM-DDTHH:MM) is refused, or ""."""
    try:
        return out_of_range(datetime.fromisoformat(when))
    except ValueError:
        return f"publication date {when[:40]!r} is not a date"


def _lock_of(seeds: Path) -> Path:
    """The lock of one seeds folder, outside it: the folder holds the articles and their sidecars only."""
    name = hashlib.sha256(str(seeds.resolve()).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"conflict-monitor-ingest-{name}.lock"


def printed(published: date) -> str:
    """A publication date as the sidecar keeps it: with its time when one is given, else the day alone."""
    return published.strftime(PUBLISHED_FORMAT) if isinstance(published, datetime) else published.isoformat()


def from_html(source: str) -> dict[str, str]:
    """The text and metadata of a saved web page, by trafilatura; paragraphs separated by a blank line."""
    import trafilatura  # here: 0.1 s that only an ingested web page needs, not every command

    doc = trafilatura.bare_extraction(
        source, with_metadata=True, include_comments=False, date_extraction_params=DATE_PARAMS
    )
    if doc is None:
        return {"text": ""}
    lines = [line for line in (doc.text or "").splitlines() if line.strip()]
    date = doc.date or ""
    lang = HTML_LANG.search(source[:SNIFF_CHARS])
    return {
        "text": "\n\n".join(lines) + "\n" if lines else "",  # blank lines make each paragraph a line block
        "headline": doc.title or "",
        "publisher": doc.sitename or "",
        "published": date.removesuffix(NO_TIME),
        "language": doc.language or (lang.group(1).lower() if lang else ""),
    }


def _first_line(text: str) -> str:
    """The first non-empty line, stripped."""
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def find_existing(seeds: Path, digest: str) -> Ingested | None:
    """The article in seeds/ whose original bytes (.txt or .html) have this sha256, found through the sidecars."""
    for meta_path in sorted(seeds.glob(f"*{META_SUFFIX}")):
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            if digest in (meta.get("sha256"), meta.get("original_sha256")):
                text = (seeds / meta["article"]).read_bytes().decode("utf-8")  # as stored: no newline translation
                return Ingested(article=meta["article"], text=text, meta=meta, stored=False)
        except (OSError, ValueError, KeyError, AttributeError) as err:  # UnicodeDecodeError is a ValueError
            reason = str(err).replace(str(seeds), "seeds")  # the folder's plain name: the page shows this line
            raise ArticleError(f"{meta_path.name}: unreadable sidecar ({type(err).__name__}: {reason})") from None
    return None


def next_number(seeds: Path) -> int:
    """The next free article number: one more than the highest NNN_ in seeds/, 0 in an empty folder."""
    numbers = [int(m.group(1)) for p in seeds.glob("*") if (m := NUMBERED.match(p.name))]
    return max(numbers, default=-1) + 1


def store(seeds: Path, files: list[tuple[str, bytes]]) -> None:
    """Write the files of one article atomically, in order; on a failure none of them is left behind."""
    written: list[Path] = []
    try:
        seeds.mkdir(parents=True, exist_ok=True)
        for name, data in files:
            write_atomic(seeds / name, data)
            written.append(seeds / name)
        with contextlib.suppress(OSError):  # the folder's entry survives a crash too, where the OS allows it
            fd = os.open(seeds, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    except BaseException as err:
        for done in written:
            done.unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise ArticleError(f"the seeds folder cannot store {files[0][0]} ({err.strerror or err})") from None
        raise
