"""A stand-in for ACLED's and UCDP's APIs for tests/test_pull.py: a real HTTP server on 127.0.0.1 (port 0) in a thread
of the test process, answering the shapes docs/codebooks.md ("APIs") records (ACLED's OAuth token, CSV and JSON
pages, deleted events; UCDP's gedevents pages with TotalCount, TotalPages and NextPageUrl), and failing on order:
429 with Retry-After, 503, a connection dropped in the middle of a page, a page that never ends, an expired token, a
refused refresh, a malformed page, a redirect, a NextPageUrl to another host, an answer echoing a secret.

Every row is invented: the ACLED rows are tests/fixtures/acled_current.csv's under ids LBY95001 and on, the UCDP rows
tests/fixtures/ucdp_ged.csv's under ids 950001 and on, typed as the API's JSON types them.
"""

from __future__ import annotations

import csv
import io
import json
import math
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EMAIL, PASSWORD = "analyst@example.org", "Pa55-w0rd-not-for-logs"
UCDP_TOKEN = "ucdp-token-4b1d-not-for-logs"
FIRST_STAMP = 1_700_000_000
UCDP_INTS = {"id", "year", "type_of_violence", "conflict_new_id", "dyad_new_id", "side_a_new_id", "side_b_new_id",
             "number_of_sources", "where_prec", "priogrid_gid", "country_id", "event_clarity", "date_prec", "deaths_a",
             "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high", "low"}  # fmt: skip


def acled_rows(count: int, first: int = 95001, stamp: int = FIRST_STAMP) -> tuple[list[str], list[dict[str, str]]]:
    """The fixture's header and `count` rows made from its seven events: new ids and timestamps, and every third
    row's notes on two lines with quotes (a page boundary must never cut a quoted field)."""
    with (FIXTURES / "acled_current.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        base = list(reader)
        header = list(reader.fieldnames or [])
    rows = []
    for i in range(count):
        row = dict(base[i % len(base)])
        row["event_id_cnty"] = f"LBY{first + i}"
        row["timestamp"] = str(stamp + i)
        if i % 3 == 0:
            row["notes"] = f'{row["notes"]}\nSecond line, "quoted" ({i}).'
        rows.append(row)
    return header, rows


def ucdp_rows(count: int, first: int = 950001) -> list[dict]:
    """`count` UCDP events typed as the API's JSON (numbers, true/false, null, ISO times with a T)."""
    with (FIXTURES / "ucdp_ged.csv").open(encoding="utf-8", newline="") as f:
        base = list(csv.DictReader(f))
    rows = []
    for i in range(count):
        row: dict = {}
        for key, value in base[i % len(base)].items():
            if key in UCDP_INTS:
                row[key] = int(value) if value else None
            elif key in ("latitude", "longitude"):
                row[key] = float(value)
            elif key == "active_year":
                row[key] = value == "1"
            elif key in ("date_start", "date_end"):
                row[key] = value[:10] + "T00:00:00"
            elif key in ("gwnoa", "gwnob"):
                row[key] = value or None
            else:
                row[key] = value
        row["id"] = first + i
        rows.append(row)
    return rows


@dataclass
class Fault:
    """An answer to give instead of the right one, once (or `times` times): where (token, count, acled, deleted,
    ucdp), which page (None: any), what (429, 503, drop, hang, block, malformed, expire, echo, redirect, huge,
    elsewhere, short)."""

    where: str
    action: str
    page: int | None = None
    value: object = None
    times: int = 1


@dataclass
class Seen:
    """A request as the server received it."""

    method: str
    path: str
    params: dict[str, str]
    at: float
    headers: dict[str, str] = field(default_factory=dict)


class ApiServer:
    """The fake APIs, their data and their faults; `start()` gives the base URL for both."""

    def __init__(self, acled: int = 0, ucdp: int = 0) -> None:
        self.header, self.rows = acled_rows(acled)
        self.deleted: list[tuple[str, int]] = []
        self.ucdp: dict[str, list[dict]] = {"25.1": ucdp_rows(ucdp)}
        self.faults: list[Fault] = []
        self.seen: list[Seen] = []
        self.access: set[str] = set()
        self.refresh: set[str] = set()
        self.issued: list[str] = []  # every token given out, to look for in what the client printed
        self.refuse_refresh = False
        self.lock = threading.Lock()
        self.arrived = threading.Event()  # a "hang" or "block" fault has been reached
        self.gate = threading.Event()  # set to let a hung answer end (the test has killed the client by then)
        self.server: ThreadingHTTPServer | None = None
        self.url = ""

    def start(self) -> str:
        """Serve on 127.0.0.1, a free port, in a daemon thread; the base URL."""
        handler = type("Handler", (_Handler,), {"api": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, args=(0.01,), daemon=True).start()  # quick to stop
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        return self.url

    def stop(self) -> None:
        """Stop serving (a hung answer is let go first)."""
        self.gate.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def fault(self, where: str, action: str, page: int | None = None, value: object = None, times: int = 1) -> None:
        """Queue a fault."""
        self.faults.append(Fault(where, action, page, value, times))

    def take(self, where: str, page: int | None) -> Fault | None:
        """The first queued fault for this kind of request and page, used up."""
        with self.lock:
            for fault in self.faults:
                if fault.where == where and fault.page in (None, page) and fault.times > 0:
                    fault.times -= 1
                    return fault
        return None

    def requests(self, path: str) -> list[Seen]:
        """The requests made to one path, in order."""
        return [s for s in self.seen if s.path == path]

    def issue(self) -> dict:
        """A new access and refresh token."""
        access, refresh = f"acc-{secrets.token_hex(8)}", f"ref-{secrets.token_hex(8)}"
        with self.lock:
            self.access.add(access)
            self.refresh.add(refresh)
            self.issued += [access, refresh]
        return {"token_type": "Bearer", "expires_in": 86400, "access_token": access, "refresh_token": refresh}


class _Handler(BaseHTTPRequestHandler):
    """Answers one request of the fake APIs."""

    api: ApiServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's name)
        """Quiet: the tests read `api.seen` instead."""

    # -- plumbing -----------------------------------------------------------------------------------------------

    def _send(self, status: int, body: bytes, kind: str = "application/json", headers: dict | None = None) -> None:
        """A whole answer."""
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, value: object, headers: dict | None = None) -> None:
        """A JSON answer."""
        self._send(status, json.dumps(value).encode("utf-8"), headers=headers)

    def _record(self, params: dict[str, str]) -> None:
        """Note the request."""
        path = urllib.parse.urlsplit(self.path).path
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.api.seen.append(Seen(self.command, path, params, time.monotonic(), headers))

    def _fault(self, fault: Fault | None, body: bytes, kind: str) -> bool:
        """Answer with the fault instead, when there is one; True when answered."""
        if fault is None:
            return False
        action = fault.action
        if action == "429":
            self._json(429, {"message": "Too many requests"}, {"Retry-After": str(fault.value or 0)})
        elif action == "503":
            self._json(503, {"message": "Service unavailable"})
        elif action in ("drop", "hang"):  # the headers promise the whole page; half of it comes
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            if action == "hang":
                self.api.arrived.set()
                self.api.gate.wait(30)
            self.close_connection = True
        elif action == "block":  # nothing of the page arrives
            self.api.arrived.set()
            self.api.gate.wait(30)
            self.close_connection = True
        elif action == "malformed":
            self._send(200, b"<html><body>Service temporarily unavailable</body></html>", "text/html")
        elif action == "expire":
            with self.api.lock:
                self.api.access.clear()
            self._json(401, {"message": "The access token expired"})
        elif action == "echo":  # a server repeating our secrets back in its error
            said = f"not accepted: {self.headers.get('Authorization', '')} {fault.value or ''}"
            self._json(400, {"message": said})
        elif action == "redirect":
            self._send(302, b"", headers={"Location": "http://other-host.invalid/steal"})
        elif action == "huge":
            self._send(200, b"x" * int(fault.value or 0), kind)
        else:
            return False
        return True

    def _params(self) -> dict[str, str]:
        """The query's parameters (the last value of each)."""
        return {k: v[-1] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).items()}

    # -- the endpoints ------------------------------------------------------------------------------------------

    def do_POST(self) -> None:
        """ACLED's OAuth token endpoint: the password grant and the refresh grant."""
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[-1] for k, v in urllib.parse.parse_qs(self.rfile.read(min(length, 65536)).decode()).items()}
        self._record({k: v for k, v in form.items() if k in ("grant_type", "client_id")})
        if urllib.parse.urlsplit(self.path).path != "/oauth/token":
            return self._json(404, {"message": "no such endpoint"})
        fault = self.api.take("token", None)
        if fault and fault.action == "echo":
            return self._json(400, {"message": f"wrong password {form.get('password')} for {form.get('username')}"})
        if self._fault(fault, b"{}", "application/json"):
            return None
        if form.get("client_id") != "acled":
            return self._json(400, {"error": "invalid_client"})
        if form.get("grant_type") == "password":
            if (form.get("username"), form.get("password")) != (EMAIL, PASSWORD):
                return self._json(400, {"error": "invalid_grant", "error_description": "The user credentials were "
                                        "incorrect."})  # fmt: skip
            return self._json(200, self.api.issue())
        if form.get("grant_type") == "refresh_token":
            if self.api.refuse_refresh or form.get("refresh_token") not in self.api.refresh:
                return self._json(400, {"error": "invalid_grant", "error_description": "Invalid refresh token"})
            self.api.refresh.discard(form["refresh_token"])
            return self._json(200, self.api.issue())
        return self._json(400, {"error": "unsupported_grant_type"})

    def do_GET(self) -> None:
        """ACLED's read and deleted endpoints, UCDP's gedevents."""
        params = self._params()
        self._record(params)
        path = urllib.parse.urlsplit(self.path).path
        if path.startswith("/api/gedevents/"):
            return self._ucdp(path.rsplit("/", 1)[1], params)
        token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
        if path in ("/api/acled/read", "/api/deleted/read") and token not in self.api.access:
            return self._json(401, {"message": "Invalid or expired token"})
        if path == "/api/acled/read":
            return self._acled(params)
        if path == "/api/deleted/read":
            return self._deleted(params)
        return self._json(404, {"message": "no such endpoint"})

    def _acled(self, params: dict[str, str]) -> None:
        """The read endpoint: filters, then a JSON count or a CSV page."""
        rows = [r for r in self.api.rows if r["country"] == params.get("country", r["country"])]
        if params.get("event_date_where") == "BETWEEN":
            first, last = params["event_date"].split("|")
            rows = [r for r in rows if first <= r["event_date"] <= last]
        if params.get("timestamp_where") == ">=":
            rows = [r for r in rows if int(r["timestamp"]) >= int(params["timestamp"])]
        rows.sort(key=lambda r: (r["event_date"], r["event_id_cnty"]), reverse=True)  # latest first, as ACLED
        limit, page = int(params.get("limit", 5000)), int(params.get("page", 1))
        chunk = rows[(page - 1) * limit : page * limit]
        if params.get("_format") == "json":
            if self._fault(self.api.take("count", None), b"{}", "application/json"):
                return None
            found = {"status": 200, "success": True, "count": len(chunk), "data": chunk}
            if params.get("with_total") == "true":
                found["total_count"] = len(rows)
            return self._json(200, found)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=self.api.header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(chunk)
        body = out.getvalue().encode("utf-8")
        fault = self.api.take("acled", page)
        if fault and fault.action == "short":  # a page cut inside a quoted field
            return self._send(200, body[: body.rfind(b'"quoted"') + 3], "text/csv")
        if self._fault(fault, body, "text/csv"):
            return None
        return self._send(200, body, "text/csv")

    def _deleted(self, params: dict[str, str]) -> None:
        """The deleted endpoint: events deleted at or after a time."""
        since = int(params.get("deleted_timestamp", 0))
        rows = [{"event_id_cnty": e, "deleted_timestamp": str(t)} for e, t in self.api.deleted if t >= since]
        limit, page = int(params.get("limit", 5000)), int(params.get("page", 1))
        if self._fault(self.api.take("deleted", page), b"{}", "application/json"):
            return None
        chunk = rows[(page - 1) * limit : page * limit]
        return self._json(200, {"status": 200, "success": True, "count": len(chunk), "data": chunk})

    def _ucdp(self, version: str, params: dict[str, str]) -> None:
        """gedevents/<version>: the token header, then a page and the link to the next."""
        if self.headers.get("x-ucdp-access-token") != UCDP_TOKEN:
            return self._json(401, {"message": "API token required. Add header: x-ucdp-access-token"})
        if version not in self.api.ucdp:
            return self._json(404, {"message": "Not found"})
        rows = self.api.ucdp[version]
        if "Country" in params:
            codes = {int(c) for c in params["Country"].split(",")}
            rows = [r for r in rows if r["country_id"] in codes]
        size, page = int(params.get("pagesize", 100)), int(params.get("page", 0))
        pages = math.ceil(len(rows) / size)
        chunk = rows[page * size : (page + 1) * size]
        query = {"pagesize": size, **({"Country": params["Country"]} if "Country" in params else {})}
        link = f"{self.api.url}/api/gedevents/{version}?"
        found = {
            "TotalCount": len(rows),
            "TotalPages": pages,
            "PreviousPageUrl": f"{link}{urllib.parse.urlencode({**query, 'page': page - 1})}" if page else "",
            "NextPageUrl": f"{link}{urllib.parse.urlencode({**query, 'page': page + 1})}" if page + 1 < pages else "",
            "Result": chunk,
        }
        fault = self.api.take("ucdp", page)
        if fault and fault.action == "elsewhere":
            found["NextPageUrl"] = f"http://other-host.invalid/api/gedevents/{version}?page={page + 1}"
            return self._json(200, found)
        if self._fault(fault, json.dumps(found).encode(), "application/json"):
            return None
        return self._json(200, found)
