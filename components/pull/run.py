"""`conflict-monitor pull acled|ucdp`: bring ACLED or UCDP events from their APIs into the event store, as if the
analyst had downloaded the file and imported it.

    conflict-monitor pull acled --country Libya [--since 2020-01-01]
    conflict-monitor pull ucdp --version 25.1 [--country Libya]

A pull asks page after page (progress on stderr), keeps each page in a partial file under data/sources/pulls/ as it
arrives (components/pull/spool.py), and only once the last page is in renames it whole and imports it through the
store's public entry (Store.import_file, with the request as its origin): the file is then kept byte for byte under
data/sources/<format>/ with its sidecar, and everything downstream (revisions, checks, problems) is as for a downloaded
file. A pull stopped at any point (a kill, a lost connection, a 429 that lasts) resumes from its last whole page.

A repeated ACLED pull asks only for what changed: `timestamp` at least the greatest one the last complete pull saw (kept
in state.json), and ACLED's deleted events since then, recorded in deletions.csv. UCDP versions never change, so a
version pulled once is not asked again; a new Candidate version is a new pull (the store's revisions take it from
there).

Exit codes: 0 done, 1 failed (a malformed page, a server error that retrying does not mend, a file the store refuses),
2 bad usage or credentials, 3 stopped before the end: run the same command again to resume.
"""

from __future__ import annotations

import csv
import io
import math
import os
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol, TextIO

from components.dates import plural
from components.files import try_locked, write_atomic
from components.pull.apis import (
    ACLED_DELETED_PATH,
    ACLED_MAX_PAGE,
    ACLED_PAGE,
    ACLED_READ_PATH,
    ACLED_TOKEN_PATH,
    ACLED_URL,
    ACLED_URL_ENV,
    MAX_PAGES,
    UCDP_MAX_PAGE,
    UCDP_PAGE,
    UCDP_PATH,
    UCDP_URL,
    UCDP_URL_ENV,
    acled_country,
    acled_filters,
    acled_total,
    csv_page,
    csv_rows,
    deletions,
    malformed,
    query,
    shown,
    since_day,
    slug,
    ucdp_country,
    ucdp_page,
    ucdp_version,
)
from components.pull.auth import AcledAuth, read_credentials, ucdp_header
from components.pull.client import FAILED, OK, PARTIAL, USAGE, Answer, Http, PullError, Redactor, check_base, settings
from components.pull.spool import DELETIONS, LOCK, LOG, RECORD, Spool, now_iso, read_json, stamp
from components.pull.spool import PARTIAL as PARTIAL_FILE

MAX_BOUNDARY = 100_000  # event ids of the watermark's second kept in the state (a bulk upload may share one)
DELETION_OVERLAP = 24 * 3600  # deletions are asked from a day before the last pull began: a clock apart, none missed
DELETED_COLUMNS = ("event_id_cnty", "deleted_timestamp")  # deletions.csv, as ACLED's deleted endpoint names them


class Imported(Protocol):
    """What the store's import gives back (components/sidecars.Imported): the file as kept and its one line."""

    file: str

    def line(self) -> str:
        """The import's line, as `conflict-monitor import` prints it."""


# (path of the finished pull, format name, origin) -> what the store made of it; raises PullError when refused
Loader = Callable[[Path, str, str], Imported]


@dataclass
class Context:
    """What every pull uses: where to keep things, how to ask, how to load, where to speak."""

    data: Path
    load: Loader
    http: Http
    redact: Redactor
    err: TextIO
    out: TextIO
    spool: Spool | None = None
    meta: dict = field(default_factory=dict)  # the partial pull's sidecar, for the message when interrupted

    def say(self, line: str) -> None:
        """A line of progress on stderr, and in the pull's log (never a secret: redacted first)."""
        text = self.redact(line)
        name = f"{self.spool.name}: " if self.spool else ""
        print(f"{name}{text}", file=self.err, flush=True)
        if self.spool:
            self.spool.log(text)

    def fail(self, line: str) -> None:
        """The one line of an error on stderr (as every command's), logged too."""
        text = self.redact(line)
        print(text, file=self.err, flush=True)
        if self.spool:
            self.spool.log(text)

    def tell(self, line: str) -> None:
        """A line of the result on stdout, logged too."""
        text = self.redact(line)
        print(text, file=self.out, flush=True)
        if self.spool:
            self.spool.log(text)


def pull(
    api: str,
    options: dict,
    data: Path,
    load: Loader,
    err: TextIO | None = None,
    out: TextIO | None = None,
    env: dict[str, str] | None = None,
) -> int:
    """Run one pull (`api` acled or ucdp, with the command's options) and return its exit code; every error is one
    line on stderr, and nothing secret is printed or logged."""
    env = os.environ if env is None else env
    redact = Redactor()
    ctx = Context(data, load, None, redact, err or sys.stderr, out or sys.stdout)  # type: ignore[arg-type]
    try:
        ctx.http = Http(settings(env), redact, ctx.say)
        job = AcledPull(ctx, options, env) if api == "acled" else UcdpPull(ctx, options, env)
        ctx.spool = Spool(data, job.name)
        ctx.spool.make()
        with try_locked(ctx.spool.path(LOCK), blocking=False) as mine:
            if not mine:
                raise PullError(f"another pull of {job.name} is running: wait for it to finish", FAILED)
            ctx.spool.log(f"start: {api} {shown({k: v for k, v in options.items() if v is not None})}")
            job.run()
        return OK
    except PullError as stop:
        kept = ctx.meta.get("pages_done") or 0
        again = f" ({kept:,} page{'s' * (kept != 1)} kept)" if kept else ""
        again = f"{again}; run the same command again to resume" if stop.code == PARTIAL else ""
        ctx.fail(f"error: {stop}{again}")
        return stop.code
    except KeyboardInterrupt:
        kept = ctx.meta.get("pages_done") or 0
        ctx.fail(f"interrupted after {kept:,} page{'s' * (kept != 1)}: run the same command again to resume")
        return PARTIAL
    except Exception as err:  # a bug of ours: one line here, the traceback (redacted) in the pull's log
        where = f" (the traceback is in {ctx.spool.path(LOG)})" if ctx.spool else ""
        if ctx.spool:
            ctx.spool.log(redact("".join(traceback.format_exception(type(err), err, err.__traceback__))))
        ctx.fail(f"error: unexpected {type(err).__name__} during the pull{where}")
        return FAILED


class Job:
    """What ACLED's and UCDP's pulls share: finishing what an earlier run left, importing, the progress line."""

    api = ""
    dataset = ""
    name = ""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    @property
    def spool(self) -> Spool:
        """The pull's folder."""
        return self.ctx.spool  # type: ignore[return-value]

    def finish_earlier(self) -> None:
        """A publication a kill interrupted is completed, and a finished pull not yet imported is imported."""
        self.spool.recover()
        for target, record in self.spool.pending():
            self.ctx.say(f"importing {target.name}, finished by an earlier run")
            self.load(target, record)

    def load(self, target: Path, record: dict) -> None:
        """Import a finished pull; then its record names the file the store keeps, and the state moves on."""
        result = self.ctx.load(target, self.api, f"{self.dataset} API: {record['request']}")
        record = self.spool.imported(target, record, result.file)
        self.settle(record)
        self.ctx.tell(result.line())

    def publish(self, meta: dict, file_name: str) -> None:
        """Rename the whole partial, then import it with its record as written (what a later run would read)."""
        target = self.spool.publish(meta, file_name)
        self.ctx.meta = {}
        self.load(target, read_json(self.spool.path(target.name + RECORD)) or {"request": meta["request"]})

    def settle(self, record: dict) -> None:
        """Update the state after a complete pull (the record of what it asked and brought)."""
        raise NotImplementedError

    def progress(self, meta: dict, pages: int | None) -> None:
        """One line per page: "page 3 of 12, 15,000 rows"."""
        of = f" of {pages:,}" if pages else ""
        self.ctx.say(f"page {meta['pages_done']:,}{of}, {plural(meta['rows'], 'row')}")

    def begin(self, options: dict, fresh: Callable[[], dict]) -> dict:
        """The partial pull of these options when there is one (resumed), else a new one from `fresh()`."""
        meta = self.spool.partial()
        if meta is not None and meta.get("options") == options and meta["pages_done"] and self.spool.resume(meta):
            self.ctx.say(f"resuming after page {meta['pages_done']:,} ({plural(meta['rows'], 'row')} kept)")
        else:
            if meta is not None and meta["pages_done"]:
                self.ctx.say("an interrupted pull with other options is set aside: starting afresh")
            meta = self.spool.start({"api": self.api, "options": options, **fresh()})
        self.ctx.meta = meta
        return meta

    def add(self, meta: dict, data: bytes, rows: int, raw: bytes | None = None, **updates: object) -> dict:
        """Append a page and remember the sidecar (for the message if the pull stops)."""
        meta = self.spool.add_page(meta, data, rows, raw, **updates)
        self.ctx.meta = meta
        return meta

    def run(self) -> None:
        """Pull, publish and import."""
        raise NotImplementedError


class AcledPull(Job):
    """`pull acled --country C [--since D] [--page-size N]`."""

    api, dataset = "acled", "ACLED"

    def __init__(self, ctx: Context, options: dict, env: dict[str, str]) -> None:
        super().__init__(ctx)
        today = datetime.now(timezone.utc).date()
        self.country = acled_country(options["country"])
        self.since = since_day(options.get("since"), today)
        self.limit = page_size(options.get("page_size"), ACLED_PAGE, ACLED_MAX_PAGE)
        self.options = {"country": self.country, "since": str(self.since) if self.since else None,
                        "page_size": self.limit}  # fmt: skip
        self.today = today
        self.base = check_base(env.get(ACLED_URL_ENV) or ACLED_URL, ACLED_URL_ENV)
        self.auth = AcledAuth(ctx.http, self.base + ACLED_TOKEN_PATH, read_credentials("acled", env), ctx.redact,
                              ctx.say)  # fmt: skip
        self.name = f"acled-{slug(self.country)}"

    def run(self) -> None:
        """Deletions since the last pull, then the pages of what changed, then publish and import."""
        self.finish_earlier()
        state = self.spool.state()
        meta = self.begin(self.options, lambda: self.fresh(state))
        self.record_deletions(state)
        meta = self.pages(meta)
        if not meta.get("fresh"):  # no row, or only the events of the last pull's latest second again
            self.spool.discard()
            self.settle({**meta, "consistent": False})
            self.ctx.tell(f"ACLED has nothing new for {self.country} ({meta['request']})")
            return
        self.ctx.tell(f"pulled {plural(meta['pages_done'], 'page')}, {plural(meta['rows'], 'row')} from ACLED "
                      f"({meta['request']})")  # fmt: skip
        if not meta["consistent"]:
            self.ctx.tell(f"note: ACLED's data changed during the pull ({self.count_words(meta)}): every row is "
                          "kept, and the next pull asks for the same range again")  # fmt: skip
        self.publish(meta, f"acled-api-{slug(self.country)}-{stamp()}.csv")

    def fresh(self, state: dict) -> dict:
        """A new pull's request: the filters, the watermark when the last pull's range covers this one's, the
        count ACLED gives for it."""
        applies = state.get("country") == self.country and (
            state.get("since") is None or (self.since is not None and str(self.since) >= state["since"])
        )
        watermark = state.get("watermark") if applies and isinstance(state.get("watermark"), int) else None
        boundary = state.get("boundary") if watermark is not None and isinstance(state.get("boundary"), list) else []
        filters = acled_filters(self.country, self.since, self.today, watermark)
        started = time.time()
        total = self.count(filters, "ACLED count")
        request = shown({"_format": "csv", **filters, "limit": self.limit})
        return {"request": f"{self.base}{ACLED_READ_PATH}?{request}", "filters": filters, "started": now_iso(),
                "started_epoch": int(started), "request_watermark": watermark, "boundary": boundary,
                "total": total}  # fmt: skip

    def count(self, filters: dict, what: str) -> int | None:
        """How many rows ACLED has for the filters (`with_total=true`), or None when it does not say."""
        params = {"_format": "json", **filters, "fields": "event_id_cnty", "limit": 1, "with_total": "true"}
        return acled_total(self.get(f"{self.base}{ACLED_READ_PATH}?{query(params)}", what).body, what)

    def get(self, url: str, what: str) -> Answer:
        """GET with the bearer token; a 401 renews the token and asks again (AcledAuth says when to give up)."""
        while True:
            answer = self.ctx.http.get(url, self.auth.header(), what)
            if answer.status == 401:
                self.auth.rejected()
                continue
            if answer.status == 403:
                raise PullError(f"{what}: ACLED denies access (HTTP 403{self.said(answer)}): check the account's "
                                "API access and that its terms are accepted", USAGE)  # fmt: skip
            if answer.status != 200:
                raise PullError(f"{what}: HTTP {answer.status}{self.said(answer)}", FAILED)
            self.auth.accepted()
            return answer

    def said(self, answer: Answer) -> str:
        """The server's own message, redacted, after a colon (or nothing)."""
        text = self.ctx.redact(answer.message())
        return f": {text}" if text else ""

    def pages(self, meta: dict) -> dict:
        """Ask page after page until one holds fewer rows than the limit; each is kept as soon as it is checked."""
        filters, total = meta["filters"], meta.get("total")
        pages = math.ceil(total / self.limit) if total else None
        seen = self.seen_ids() if meta["pages_done"] else set()
        repeated, fresh = meta.get("repeated", 0), meta.get("fresh", 0)
        known = {(i, meta["request_watermark"]) for i in meta.get("boundary") or []}
        latest, at_latest = meta.get("max_timestamp"), list(meta.get("at_max") or [])
        header = meta["header"].encode("utf-8") if meta.get("header") else None  # the first page's, BOM and all
        if total == 0 and not meta["pages_done"]:  # ACLED counted nothing: no page to ask
            meta = self.spool.update(meta, done=True)
        while not meta.get("done"):
            number = meta["pages_done"] + 1
            if number > MAX_PAGES:
                raise malformed(f"page {number:,}", f"more than {MAX_PAGES:,} pages")
            params = {"_format": "csv", **filters, "limit": self.limit, "page": number}
            what = f"page {number:,}" + (f" of {pages:,}" if pages else "")
            page = csv_page(self.get(f"{self.base}{ACLED_READ_PATH}?{query(params)}", what).body, header, what,
                            self.limit)  # fmt: skip
            if page.rows == 0:
                meta = self.spool.update(meta, done=True)
                break
            ids = [i for i, _ in page.stamps]
            repeated += sum(1 for i in ids if i in seen)
            seen.update(ids)
            fresh += sum(1 for pair in page.stamps if pair not in known)  # the last pull had the others
            for event, stamp_ in page.stamps:
                if stamp_ is not None and (latest is None or stamp_ > latest):
                    latest, at_latest = stamp_, []
                if stamp_ is not None and stamp_ == latest and len(at_latest) < MAX_BOUNDARY:
                    at_latest.append(event)
            data = page.rows_bytes if header is not None else page.header + page.rows_bytes
            header = page.header
            meta = self.add(meta, data, page.rows, header=header.decode("utf-8"), repeated=repeated, fresh=fresh,
                            max_timestamp=latest, at_max=at_latest, done=page.rows < self.limit)  # fmt: skip
            self.progress(meta, pages)
        if meta["rows"] and "total_end" not in meta:
            end = self.count(filters, "ACLED count at the end")
            meta = self.spool.update(meta, total_end=end, consistent=self.consistent(meta, end))
        return meta

    @staticmethod
    def consistent(meta: dict, end: int | None) -> bool:
        """Whether the pages are a snapshot: no event twice, and (when ACLED gives counts) the count unchanged and
        equal to the rows brought. Pages are asked by number, so an event added or removed meanwhile shifts them."""
        total = meta.get("total")
        return not meta.get("repeated") and (total is None or (end == total == meta["rows"]))

    @staticmethod
    def count_words(meta: dict) -> str:
        """What the counts said, for the note."""
        parts = [f"{meta.get('total')} rows counted at the start, {meta.get('total_end')} at the end",
                 f"{meta['rows']:,} brought"]  # fmt: skip
        if meta.get("repeated"):
            parts.append(f"{meta['repeated']:,} events on two pages")
        return ", ".join(parts)

    def seen_ids(self) -> set[str]:
        """The event ids of the pages kept (a resumed pull counts repeats across its runs too)."""
        with self.spool.path(PARTIAL_FILE).open(encoding="utf-8", newline="") as f:
            rows = csv.reader(f)
            names = [n.strip().lower().removeprefix("\ufeff") for n in next(rows, [])]
            key = names.index("event_id_cnty") if "event_id_cnty" in names else 0
            return {r[key] for r in rows if len(r) > key}

    def record_deletions(self, state: dict) -> None:
        """ACLED's deletions since the last pull: merged into deletions.csv (the record of every deletion seen), and
        those not seen before imported as a deletions list (components/formats/deletions.py), so that the store
        takes the events out of the views and keeps them in their history. The deleted endpoint is not asked by
        country (its ids' country prefixes were not verified): the store matches the ids it holds and counts the
        others as not in the store."""
        since = state.get("deleted_since")
        if not isinstance(since, int) or state.get("country") != self.country:
            return
        found: list[tuple[str, int]] = []
        for number in range(1, MAX_PAGES + 1):
            params = {"_format": "json", "deleted_timestamp": since, "deleted_timestamp_where": ">=",
                      "limit": self.limit, "page": number}  # fmt: skip
            what = f"deletions page {number:,}"
            page = deletions(self.get(f"{self.base}{ACLED_DELETED_PATH}?{query(params)}", what).body, what, self.limit)
            found += page
            if len(page) < self.limit:
                break
        known = read_deletions(self.spool.path(DELETIONS))
        merge_deletions(self.spool.path(DELETIONS), found)
        new = sorted(set(found) - known, key=lambda pair: (pair[1], pair[0]))
        if not new:
            return
        day = datetime.fromtimestamp(since, timezone.utc).date()
        listed = self.spool.path(f"deletions-{stamp()}.csv")
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(DELETED_COLUMNS)
        writer.writerows(new)
        write_atomic(listed, out.getvalue().encode("utf-8"))
        self.ctx.say(f"ACLED lists {plural(len(found), 'deleted event')} (of every country) since {day}, "
                     f"{len(new):,} not seen before")  # fmt: skip
        result = self.ctx.load(listed, "acled-deletions", f"ACLED API: deleted events since {day}")
        listed.unlink(missing_ok=True)  # kept by the store, byte for byte, under data/sources/acled-deletions/
        self.ctx.tell(result.line())

    def settle(self, record: dict) -> None:
        """The state after a complete pull. When its pages were a snapshot, the watermark moves to the greatest
        timestamp brought (never past the pull's start, whatever a row claims), with the events of that second (the
        next pull asks `timestamp >=` and does not count them as new); else it stays where the pull began, so the
        next pull asks the same range again. Deletions are asked from a day before the pull's start."""
        watermark, boundary = record.get("request_watermark"), list(record.get("boundary") or [])
        brought, started = record.get("max_timestamp"), int(record["started_epoch"])
        if record.get("consistent") and isinstance(brought, int):
            moved = min(brought, started)
            at_max = list(record.get("at_max") or []) if brought <= started else []
            if watermark is None or moved > watermark:
                watermark, boundary = moved, at_max
            elif moved == watermark:
                boundary = sorted(set(boundary) | set(at_max))[:MAX_BOUNDARY]
        options = record.get("options", self.options)
        previous = self.spool.state()
        self.spool.save_state({
            "api": "acled", "country": options["country"], "since": options.get("since"), "watermark": watermark,
            "boundary": boundary, "deleted_since": started - DELETION_OVERLAP, "last_pull": now_iso(),
            "last_file": record.get("imported") or previous.get("last_file"),
        })  # fmt: skip


def read_deletions(path: Path) -> set[tuple[str, int]]:
    """The deletions a deletions file records: (event_id_cnty, deleted_timestamp)."""
    known: set[tuple[str, int]] = set()
    if path.exists():
        with path.open(encoding="utf-8", newline="") as f:
            for row in list(csv.reader(f))[1:]:
                if len(row) == 2 and row[1].isdigit():
                    known.add((row[0], int(row[1])))
    return known


def merge_deletions(path: Path, found: list[tuple[str, int]]) -> int:
    """Merge deleted events into the deletions file (one line per event and time, sorted); return how many were
    not there before."""
    known = read_deletions(path)
    new = set(found) - known
    if new or not path.exists():
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(DELETED_COLUMNS)
        writer.writerows(sorted(known | new, key=lambda pair: (pair[1], pair[0])))
        write_atomic(path, out.getvalue().encode("utf-8"))
    return len(new)


class UcdpPull(Job):
    """`pull ucdp --version V [--country C] [--page-size N]`."""

    api, dataset = "ucdp", "UCDP"

    def __init__(self, ctx: Context, options: dict, env: dict[str, str]) -> None:
        super().__init__(ctx)
        self.version = ucdp_version(options["version"])
        self.country = ucdp_country(options.get("country"))
        self.size = page_size(options.get("page_size"), UCDP_PAGE, UCDP_MAX_PAGE)
        self.options = {"version": self.version, "country": self.country, "page_size": self.size}
        self.base = check_base(env.get(UCDP_URL_ENV) or UCDP_URL, UCDP_URL_ENV)
        self.header = ucdp_header(read_credentials("ucdp", env), ctx.redact)
        self.name = f"ucdp-{self.version}-{self.country if self.country is not None else 'all'}"
        self.url = self.base + UCDP_PATH.format(version=self.version)

    def run(self) -> None:
        """The NextPageUrl chain from page 0, then publish and import; a version pulled whole is not asked again."""
        self.finish_earlier()
        state = self.spool.state()
        if state.get("complete") and state.get("options") == self.options:
            self.ctx.tell(f"UCDP {self.version} was pulled on {state.get('last_pull')} ({state.get('last_file')}); "
                          "a version never changes: nothing to do")  # fmt: skip
            return
        filters = {"Country": self.country} if self.country is not None else {}
        meta = self.begin(self.options, lambda: {
            "request": f"{self.url}?{shown({'pagesize': self.size, **filters})}", "filters": filters,
            "started": now_iso(), "started_epoch": int(time.time()), "next_page": 0})  # fmt: skip
        while meta.get("next_page") is not None:
            number = meta["next_page"]
            if meta["pages_done"] >= MAX_PAGES:
                raise malformed(f"page {number:,}", f"more than {MAX_PAGES:,} pages")
            url = f"{self.url}?{query({'pagesize': self.size, 'page': number, **filters})}"
            pages = meta.get("total_pages")
            what = f"page {meta['pages_done'] + 1:,}" + (f" of {pages:,}" if pages else "")
            answer = self.get(url, what)
            page = ucdp_page(answer.body, what, meta.get("columns"), number, self.size, url)
            first = page.rows and not meta.get("columns")
            data = csv_rows(page.columns if first else None, page.rows) if page.rows else b""
            meta = self.add(meta, data, len(page.rows), raw=answer.body, next_page=page.next_page,
                            columns=meta.get("columns") or (page.columns if page.rows else None),
                            total_pages=meta.get("total_pages") or page.total_pages,
                            total_count=meta.get("total_count") or page.total_count)  # fmt: skip
            self.progress(meta, meta.get("total_pages"))
        if meta.get("total_count") is not None and meta["total_count"] != meta["rows"]:
            self.ctx.say(f"note: UCDP counted {meta['total_count']:,} events, the pages held {meta['rows']:,}")
        if meta["rows"] == 0:
            self.spool.discard()
            self.settle({**meta, "imported": None})
            self.ctx.tell(f"UCDP {self.version} has no events for this request ({meta['request']})")
            return
        self.ctx.tell(f"pulled {plural(meta['pages_done'], 'page')}, {plural(meta['rows'], 'row')} from UCDP "
                      f"({meta['request']})")  # fmt: skip
        self.publish(meta, f"ucdp-api-{self.name.removeprefix('ucdp-')}-{stamp()}.csv")

    def get(self, url: str, what: str) -> Answer:
        """GET with the access token header; a refusal of the token is a usage error."""
        answer = self.ctx.http.get(url, self.header, what)
        if answer.status in (401, 403):
            raise PullError(f"UCDP refused the access token (HTTP {answer.status}): check the [ucdp] token or "
                            "CONFLICT_MONITOR_UCDP_TOKEN", USAGE)  # fmt: skip
        if answer.status == 404:
            raise PullError(f"UCDP has no release {self.version} (HTTP 404)", FAILED)
        if answer.status != 200:
            text = self.ctx.redact(answer.message())
            raise PullError(f"{what}: HTTP {answer.status}{': ' + text if text else ''}", FAILED)
        return answer

    def settle(self, record: dict) -> None:
        """A version pulled whole is complete: the next run says so instead of asking again."""
        self.spool.save_state({"api": "ucdp", "options": record.get("options", self.options), "complete": True,
                               "last_pull": now_iso(), "last_file": record.get("imported")})  # fmt: skip


def page_size(value: int | None, default: int, most: int) -> int:
    """--page-size: rows a page, from 1 to the API's most."""
    if value is None:
        return default
    if not 1 <= value <= most:
        raise PullError(f"--page-size must be from 1 to {most:,}", USAGE)
    return value
