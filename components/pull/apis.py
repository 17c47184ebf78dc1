"""What to ask ACLED's and UCDP's APIs, and how to read their answers: every answer is hostile until checked, and a
page that is not what the API documents is a one-line error naming the page (nothing of it is kept).

ACLED (docs/codebooks.md "APIs"): `<base>/api/acled/read` with `_format=csv`, filtered by `country`, `event_date`
(`event_date_where=BETWEEN`) and `timestamp` (`timestamp_where=>=`), paged by `limit` and `page` from 1 until a page
holds fewer rows than the limit; `_format=json` with `with_total=true` gives `total_count`. Deleted events from
`<base>/api/deleted/read` (`event_id_cnty`, `deleted_timestamp`). UCDP: `<base>/api/gedevents/<version>` with
`pagesize` (at most 1,000), `page` and `Country` (Gleditsch–Ward codes), answering JSON with `TotalCount`,
`TotalPages`, `NextPageUrl` and `Result`.
"""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.parse
from dataclasses import dataclass, field
from datetime import date

from components.pull.client import FAILED, USAGE, PullError, plain

ACLED_URL_ENV, UCDP_URL_ENV = "CONFLICT_MONITOR_ACLED_URL", "CONFLICT_MONITOR_UCDP_URL"
ACLED_URL, UCDP_URL = "https://acleddata.com", "https://ucdpapi.pcr.uu.se"
ACLED_TOKEN_PATH, ACLED_READ_PATH, ACLED_DELETED_PATH = "/oauth/token", "/api/acled/read", "/api/deleted/read"
UCDP_PATH = "/api/gedevents/{version}"
ACLED_PAGE, ACLED_MAX_PAGE = 5000, 5000  # ACLED's default limit: 5,000 rows a call
UCDP_PAGE, UCDP_MAX_PAGE = 1000, 1000  # UCDP: at most 1,000 rows a page
MAX_PAGES = 100_000  # 500 million ACLED rows: a chain longer than that is a server going round in circles
MAX_COLUMNS, MAX_NAME = 500, 100  # as the importer's limits (README "Limits on what comes in")
FIRST_DAY = date(1997, 1, 1)  # ACLED's data begin in 1997
BOM = b"\xef\xbb\xbf"
ACLED_NEEDS = ("event_id_cnty", "timestamp")  # what a pull reads of each row: the key, and the watermark
_COUNTRY = re.compile(r"[^\W\d_][\w .,'()\-]{0,99}")  # a country as ACLED names it; no | or : (query operators)
_VERSION = re.compile(r"\d{1,3}(\.\d{1,3}){1,3}")  # 25.1, 26.0.10
_EVENT_ID = re.compile(r"[A-Za-z0-9]{1,40}")  # LBY1234, 1416RTA: an id is letters and digits
_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,99}")  # a UCDP field name (snake case)
_ISO_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2}(\.\d+)?)")
# Gleditsch–Ward codes seen in the sources of docs/codebooks.md ([U1], [U8], [A6], and the API example): a name
# UCDP's Country filter needs as a number. Any other country is given by its number.
GW_CODES = {"libya": 620, "tunisia": 616, "algeria": 615, "afghanistan": 700, "iraq": 645, "ethiopia": 530}


def malformed(what: str, why: str) -> PullError:
    """A page that is not what the API documents: one line, exit 1."""
    return PullError(f"{what} is malformed: {why}; nothing of it was kept", FAILED)


def slug(text: str) -> str:
    """Options as part of a folder or file name: lower case letters, digits, dots and hyphens only."""
    return re.sub(r"[^a-z0-9.]+", "-", text.lower()).strip("-.")[:40] or "all"


def query(params: dict[str, object]) -> str:
    """Parameters as a URL query, in their order."""
    return urllib.parse.urlencode([(k, str(v)) for k, v in params.items()])


def shown(params: dict[str, object]) -> str:
    """Parameters as a person reads them (no percent-encoding): for the sidecar's request and the messages."""
    return "&".join(f"{k}={v}" for k, v in params.items())


# -- ACLED ---------------------------------------------------------------------------------------------------------


def acled_country(value: str) -> str:
    """--country for ACLED: a country's name as ACLED writes it (e.g. Libya)."""
    value = value.strip()
    if not _COUNTRY.fullmatch(value):
        raise PullError(f"--country {plain(value, 40)!r}: a country's name as ACLED writes it, e.g. Libya", USAGE)
    return value


def since_day(value: str | None, today: date) -> date | None:
    """--since: a day from 1997-01-01 to today, or None."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise PullError(f"--since {plain(value, 20)!r} is not a date YYYY-MM-DD", USAGE) from None
    if not FIRST_DAY <= day <= today:
        raise PullError(f"--since {day} must be from {FIRST_DAY} to today", USAGE)
    return day


def acled_filters(country: str, since: date | None, until: date, watermark: int | None) -> dict[str, object]:
    """The ACLED filters of a pull: the country, the days (from --since), and only what changed since the last pull
    (`timestamp` at least the greatest one seen)."""
    params: dict[str, object] = {"country": country}
    if since is not None:
        params |= {"event_date": f"{since}|{until}", "event_date_where": "BETWEEN"}
    if watermark is not None:
        params |= {"timestamp": watermark, "timestamp_where": ">="}
    return params


def acled_total(body: bytes, what: str) -> int | None:
    """`total_count` of a JSON answer asked `with_total=true`, or None when it does not say."""
    found = _acled_json(body, what)
    total = found.get("total_count")
    if isinstance(total, str) and total.isdigit():
        total = int(total)
    return total if isinstance(total, int) and not isinstance(total, bool) and total >= 0 else None


def _acled_json(body: bytes, what: str) -> dict:
    """An ACLED JSON answer: an object that does not say it failed."""
    try:
        found = json.loads(body)
    except ValueError:
        raise malformed(what, "not JSON") from None
    if not isinstance(found, dict):
        raise malformed(what, "not a JSON object")
    if found.get("success") is False:
        said = found.get("error") or found.get("messages") or found.get("message") or ""
        raise PullError(f"{what}: ACLED says the request failed ({plain(json.dumps(said), 120)})", FAILED)
    return found


@dataclass
class CsvPage:
    """One ACLED CSV page, checked: its header line, the bytes of its rows (ending in a line break), how many rows,
    and each row's event id and `timestamp` (None when it is not a whole number)."""

    header: bytes
    rows_bytes: bytes
    rows: int
    stamps: list[tuple[str, int | None]] = field(default_factory=list)


def csv_page(body: bytes, header: bytes | None, what: str, limit: int) -> CsvPage:
    """Check one CSV page against the first page's header line (None for the first page itself). Its rows' bytes
    are kept exactly as sent; only a missing final line break is added, so the next page starts on a line."""
    if not body.strip() or _empty_json(body):  # the end: nothing, a header alone, or (not seen, but cheap) JSON
        return CsvPage(header or b"", b"", 0)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise malformed(what, f"not UTF-8 text (byte {err.start:,})") from None
    if text.count('"') % 2:
        raise malformed(what, "it ends inside a quoted field (cut short?)")
    end = body.find(b"\n")
    line = body if end < 0 else body[: end + 1]
    names = next(csv.reader([line.decode("utf-8").removeprefix("\ufeff").rstrip("\r\n")]), [])
    if len(names) > MAX_COLUMNS or any(len(n) > MAX_NAME for n in names):
        raise malformed(what, f"its header has more than {MAX_COLUMNS} columns or a name over {MAX_NAME} characters")
    lowered = [n.strip().lower() for n in names]
    missing = [n for n in ACLED_NEEDS if n not in lowered]
    if missing:
        raise malformed(what, f"it is not ACLED CSV (no {' or '.join(missing)} column)")
    if header is not None and line.removeprefix(BOM) != header.removeprefix(BOM):
        raise malformed(what, "its header differs from the first page's")
    records = [r for r in csv.reader(io.StringIO(text, newline="")) if r][1:]
    if len(records) > limit:
        raise malformed(what, f"{len(records):,} rows where at most {limit:,} were asked")
    if records and len(records[-1]) != len(names):
        raise malformed(what, "its last row is short (cut short?)")
    key, ts = lowered.index("event_id_cnty"), lowered.index("timestamp")
    stamps = [(r[key], _stamp(r[ts]) if len(r) > ts else None) for r in records if len(r) > key]
    rows_bytes = b"" if end < 0 else body[end + 1 :]
    if rows_bytes and not rows_bytes.endswith(b"\n"):
        rows_bytes += b"\r\n" if line.endswith(b"\r\n") else b"\n"
    return CsvPage(header if header is not None else line, rows_bytes, len(records), stamps)


def _empty_json(body: bytes) -> bool:
    """Whether a page is a JSON answer with no rows (how ACLED writes an empty CSV result was not found)."""
    if not body.lstrip().startswith(b"{"):
        return False
    try:
        found = json.loads(body)
    except ValueError:
        return False
    return isinstance(found, dict) and found.get("success") is not False and found.get("data") in ([], None)


def _stamp(value: str) -> int | None:
    """A Unix time as ACLED writes it (seconds), or None."""
    return int(value) if value.isdigit() and len(value) <= 12 else None


def deletions(body: bytes, what: str, limit: int) -> list[tuple[str, int]]:
    """One page of ACLED's deleted events: (event_id_cnty, deleted_timestamp) pairs, each checked."""
    found = _acled_json(body, what)
    rows = found.get("data", [])
    if not isinstance(rows, list) or len(rows) > limit:
        raise malformed(what, f"`data` is not a list of at most {limit:,} rows")
    pairs = []
    for row in rows:
        event = row.get("event_id_cnty") if isinstance(row, dict) else None
        when = row.get("deleted_timestamp") if isinstance(row, dict) else None
        when = int(when) if isinstance(when, str) and when.isdigit() and len(when) <= 12 else when
        if not isinstance(event, str) or not _EVENT_ID.fullmatch(event):
            raise malformed(what, "a row without an event_id_cnty of letters and digits")
        if not isinstance(when, int) or isinstance(when, bool) or not 0 <= when < 10**12:
            raise malformed(what, f"{event}: deleted_timestamp is not a Unix time")
        pairs.append((event, when))
    return pairs


# -- UCDP ----------------------------------------------------------------------------------------------------------


def ucdp_version(value: str) -> str:
    """--version: a GED release (25.1) or a Candidate release (26.0.10)."""
    value = value.strip()
    if not _VERSION.fullmatch(value):
        raise PullError(f"--version {plain(value, 20)!r}: a UCDP release such as 25.1 or 26.0.10", USAGE)
    return value


def ucdp_country(value: str | None) -> int | None:
    """--country for UCDP: its Gleditsch–Ward code, given as the number or as one of the names we know."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit() and len(value) <= 4:
        return int(value)
    if value.lower() in GW_CODES:
        return GW_CODES[value.lower()]
    raise PullError(f"--country {plain(value, 40)!r}: give UCDP's Gleditsch-Ward country code, e.g. 620 for Libya",
                    USAGE)  # fmt: skip


@dataclass
class JsonPage:
    """One UCDP page, checked and turned into CSV rows: its field names, rows, the next page, the totals."""

    columns: list[str]
    rows: list[list[str]]
    next_page: int | None
    total_pages: int | None
    total_count: int | None


def _reject_constant(name: str) -> object:
    """NaN and Infinity are not JSON numbers: such a page is refused."""
    raise ValueError(name)


def _whole(value: object) -> int | None:
    """A count as the page gives it (kept as text by the parser), or None."""
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) <= 12 else None


def _cell(value: object, key: str, what: str) -> str:
    """A field's value as a CSV cell: text and numbers as written (numbers are kept as their text by the parser),
    null empty, true/false as 1/0 (the GED files' coding), an ISO time `T` as a space (the form the UCDP reader
    reads: components/formats/ucdp.py DATE_FORMATS)."""
    if value is None:
        return ""
    if value is True or value is False:
        return "1" if value else "0"
    if not isinstance(value, str):
        raise malformed(what, f"field {key!r} holds a list or an object")
    if key in ("date_start", "date_end") and (iso := _ISO_TIME.fullmatch(value)):
        return f"{iso.group(1)} {iso.group(2)}"
    return value


def ucdp_page(body: bytes, what: str, columns: list[str] | None, page: int, pagesize: int, next_check: str) -> JsonPage:
    """Check one UCDP page; its rows must have the first page's fields (`columns`; None for the first page)."""
    try:
        found = json.loads(body, parse_float=str, parse_int=str, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise malformed(what, "not JSON") from None
    if not isinstance(found, dict) or not isinstance(found.get("Result"), list):
        raise malformed(what, "no Result list")
    result = found["Result"]
    if len(result) > pagesize:
        raise malformed(what, f"{len(result):,} rows where at most {pagesize:,} were asked")
    rows = []
    for item in result:
        if not isinstance(item, dict):
            raise malformed(what, "a row that is not an object")
        if columns is None:
            if len(item) > MAX_COLUMNS or not all(_KEY.fullmatch(k) for k in item):
                raise malformed(what, "field names that are not plain names, or too many")
            columns = list(item)
        if item.keys() != set(columns):
            raise malformed(what, "a row whose fields differ from the first row's")
        rows.append([_cell(item[k], k, what) for k in columns])
    return JsonPage(columns or [], rows, next_page(found.get("NextPageUrl"), what, page, next_check),
                    _whole(found.get("TotalPages")), _whole(found.get("TotalCount")))  # fmt: skip


def next_page(url: object, what: str, page: int, expected: str) -> int | None:
    """The page a NextPageUrl names, when it is the next page of the same request on the same host and path
    (`expected`: the URL we asked); None at the end. The URL itself is never requested: we ask our own."""
    if url is None or url == "":
        return None
    if not isinstance(url, str) or len(url) > 4096:
        raise malformed(what, "NextPageUrl is not a URL")
    given, ours = urllib.parse.urlsplit(url), urllib.parse.urlsplit(expected)
    try:
        same = (given.hostname, given.path.rstrip("/").lower()) == (ours.hostname, ours.path.rstrip("/").lower())
    except ValueError:
        same = False
    if not same:
        raise malformed(what, "NextPageUrl leads to another address")
    pages = urllib.parse.parse_qs(given.query).get("page", [])
    if len(pages) != 1 or not pages[0].isdigit() or int(pages[0]) != page + 1:
        raise malformed(what, f"NextPageUrl does not name page {page + 1}")
    return page + 1


def csv_rows(columns: list[str] | None, rows: list[list[str]]) -> bytes:
    """Rows (with the header line first when `columns` is given) as CSV bytes, UTF-8, LF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if columns is not None:
        writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
