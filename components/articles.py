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
        if found.get("time_zone") and not published:  # the page's own time: its zone as the page prints it
            meta.update(time_zone=found["time_zone"], published_as_printed=found["published_as_printed"])
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
    """The text and metadata of a saved web page, by trafilatura; paragraphs separated by a blank line. The page's
    standfirst and photo captions, which trafilatura drops, are kept as paragraphs of their own, marked (see
    STANDFIRST and CAPTION), and the publication time's zone as the page prints it (`time_zone`)."""
    import trafilatura  # here: 0.1 s that only an ingested web page needs, not every command

    doc = trafilatura.bare_extraction(
        source, with_metadata=True, include_comments=False, date_extraction_params=DATE_PARAMS
    )
    if doc is None:
        return {"text": ""}
    lines = [line for line in (doc.text or "").splitlines() if line.strip()]
    lines = _with_marked(lines, source)
    date = doc.date or ""
    lang = HTML_LANG.search(source[:SNIFF_CHARS])
    zone, stamp = _zone(source, date.removesuffix(NO_TIME))
    return {
        "text": "\n\n".join(lines) + "\n" if lines else "",  # blank lines make each paragraph a line block
        "headline": doc.title or "",
        "publisher": doc.sitename or "",
        "published": date.removesuffix(NO_TIME),
        "time_zone": zone,
        "published_as_printed": stamp,
        "language": doc.language or (lang.group(1).lower() if lang else ""),
    }


# A page's standfirst (the summary under the headline) and photo captions: trafilatura keeps neither, yet a caption
# may hold the article's only explicit date. Kept as paragraphs of their own, each starting with its mark, so that
# the extraction knows what they are (components/clauses.py reads the marks).
STANDFIRST, CAPTION = "Standfirst: ", "Caption: "
STANDFIRST_CLASS = re.compile(
    r"(?:^|[\s_-])(?:standfirst|stand-first|dek|subtitle|sub-title|subheadline|sub-headline|strapline|summary"
    r"|article-summary|lede|intro|excerpt)(?:$|[\s_-])",
    re.I,
)
CAPTION_CLASS = re.compile(r"caption", re.I)
# A machine-readable publication time with its zone: "2021-02-03T09:15:00+02:00", "...Z".
STAMP = re.compile(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})\b")


def _text_of(element: object) -> str:
    """An element's text, its spaces collapsed."""
    return " ".join("".join(element.itertext()).split())


def _with_marked(lines: list[str], source: str) -> list[str]:
    """The page's lines with its standfirst first and each caption after the paragraph it follows in the page (at the
    end when that paragraph is not among the lines), marked; one trafilatura kept unmarked is moved, not repeated."""
    try:
        from lxml import html as lxml_html

        tree = lxml_html.fromstring(source)
    except (ValueError, TypeError, ImportError):  # lxml comes with trafilatura; a page it cannot parse keeps its text
        return lines
    kept = {" ".join(line.split()) for line in lines}
    standfirst, captions, last_paragraph = "", [], ""
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        classes = element.get("class") or ""
        if element.tag == "p" and not CAPTION_CLASS.search(classes) and element.getparent() is not None:
            inside = any(a.tag == "figcaption" or CAPTION_CLASS.search(a.get("class") or "")
                         for a in element.iterancestors() if isinstance(a.tag, str))  # fmt: skip
            if not inside and _text_of(element) in kept:
                last_paragraph = _text_of(element)
        if element.tag == "figcaption" or (CAPTION_CLASS.search(classes) and element.tag in ("p", "div", "span")):
            if any(a.tag == "figcaption" or CAPTION_CLASS.search(a.get("class") or "")
                   for a in element.iterancestors() if isinstance(a.tag, str)):  # fmt: skip
                continue  # the outer caption is read whole
            said = _text_of(element)
            if said and all(said != c for _, c in captions):
                captions.append((last_paragraph, said))
        elif not standfirst and element.tag in ("p", "div", "h2") and STANDFIRST_CLASS.search(classes):
            standfirst = _text_of(element)
    flat = [" ".join(line.split()) for line in lines]
    at = flat.index(standfirst) if standfirst in flat else 0  # where trafilatura kept it, else first
    captioned = {said for _, said in captions}
    out = [line for line, f in zip(lines, flat) if f not in captioned]  # a caption kept unmarked: moved below
    if standfirst:
        out = [line for line in out if " ".join(line.split()) != standfirst]
        out.insert(min(at, len(out)), STANDFIRST + standfirst)
    for after, said in captions:
        at = next((i for i, line in enumerate(out) if " ".join(line.split()) == after), None) if after else None
        out.insert(len(out) if at is None else at + 1, CAPTION + said)
    return out


def _zone(source: str, published: str) -> tuple[str, str]:
    """The time zone ("+03:00", or "+00:00" for Z) of the page's machine-readable timestamp of that publication time,
    and that timestamp as printed; ("", "") when the page gives none for it."""
    for m in STAMP.finditer(source):
        if published and m.group(1) == published[:16]:
            zone = m.group(2)
            zone = "+00:00" if zone == "Z" else (zone if ":" in zone else f"{zone[:3]}:{zone[3:]}")
            return zone, m.group(0)
    return "", ""


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
