"""HTTP for `conflict-monitor pull`: the standard library's urllib, every answer bounded, retried with backoff on 429,
5xx and broken connections, redirects refused, and no secret in any message it makes.

Nothing here knows ACLED or UCDP: components/pull/apis.py says what to ask and how to read the answers. No network is
touched at import time.
"""

from __future__ import annotations

import email.utils
import http.client
import os
import random
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.message import Message

from components.access import is_loopback

OK, FAILED, USAGE, PARTIAL = 0, 1, 2, 3  # the exit codes of `conflict-monitor pull` (README "Pulling from the APIs")

RETRIES_ENV = "CONFLICT_MONITOR_PULL_RETRIES"  # tries after the first, per request (default 5)
BACKOFF_ENV = "CONFLICT_MONITOR_PULL_BACKOFF"  # seconds before the first retry, doubled each time (default 2)
MAX_BYTES_ENV = "CONFLICT_MONITOR_PULL_MAX_BYTES"  # the largest answer read (default 64 MB)
TIMEOUT_ENV = "CONFLICT_MONITOR_PULL_TIMEOUT"  # seconds a connection may stay silent (default 120)
MAX_WAIT_ENV = "CONFLICT_MONITOR_PULL_MAX_WAIT"  # the longest Retry-After honoured; longer stops the pull (600 s)

# A page of 5,000 ACLED rows is about 8 MB of CSV; 64 MB leaves room without letting a server fill the memory.
MAX_BYTES = 64 * 1024 * 1024
ERROR_BODY = 4096  # bytes of an error answer read, for its message
MESSAGE_CHARS = 160  # characters of a server's own message repeated in ours
RETRIED = {429, 500, 502, 503, 504}  # worth asking again: the server said "later" or failed on its side
USER_AGENT = "conflict-monitor-pull/0.1"
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


class PullError(Exception):
    """A pull stopped: one line, never a secret, and the exit code that tells a script what to do next."""

    def __init__(self, message: str, code: int = FAILED) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Settings:
    """How hard a pull tries: retries, the first backoff, the largest answer, the socket timeout, the longest wait."""

    retries: int = 5
    backoff: float = 2.0
    max_bytes: int = MAX_BYTES
    timeout: float = 120.0
    max_wait: float = 600.0


def settings(env: dict[str, str] | None = None) -> Settings:
    """The settings, each overridable by its environment variable (the tests make the backoff tiny)."""
    env = os.environ if env is None else env

    def number(name: str, default: float, low: float, high: float) -> float:
        """One variable as a number within bounds, or a usage error naming it."""
        raw = env.get(name, "").strip()
        if not raw:
            return default
        try:
            value = float(raw)
        except ValueError:
            raise PullError(f"{name}={raw[:20]!r} is not a number", USAGE) from None
        if not low <= value <= high:
            raise PullError(f"{name} must be from {low:g} to {high:g}", USAGE)
        return value

    return Settings(
        retries=int(number(RETRIES_ENV, 5, 0, 20)),
        backoff=number(BACKOFF_ENV, 2.0, 0, 60),
        max_bytes=int(number(MAX_BYTES_ENV, MAX_BYTES, 1024, 1024**3)),
        timeout=number(TIMEOUT_ENV, 120.0, 0.1, 3600),
        max_wait=number(MAX_WAIT_ENV, 600.0, 0, 86400),
    )


class Redactor:
    """Replaces every secret it was given (and its URL-encoded forms) by "[secret]": applied to every line a pull
    prints, logs or raises, so that a server echoing a token back cannot make us repeat it."""

    MIN = 4  # shorter values would blank ordinary words; no real password or token is that short

    def __init__(self) -> None:
        self._secrets: set[str] = set()

    def add(self, *secrets: str | None) -> None:
        """Remember secrets (None and very short values are ignored)."""
        for secret in secrets:
            if secret and len(secret) >= self.MIN:
                self._secrets |= {secret, urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret)}

    def __call__(self, text: str) -> str:
        """The text with every secret replaced, longest first (a token may contain a shorter secret)."""
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, "[secret]")
        return text


def plain(text: str, limit: int = MESSAGE_CHARS) -> str:
    """A server's text as one short line: control characters and line breaks folded, cut to `limit`."""
    text = _CONTROL.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check_base(url: str, variable: str) -> str:
    """A base URL from the environment: https, or http to this machine only (a password never crosses a network in
    the clear); no user, query or fragment. Returned without its trailing slash."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PullError(f"{variable} must be an https:// address (it is {plain(url, 60)!r})", USAGE)
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise PullError(f"{variable} must be https:// (http only for a server on this machine)", USAGE)
    if parts.username or parts.password or parts.query or parts.fragment:
        raise PullError(f"{variable} must be a plain address, without a user, query or fragment", USAGE)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


@dataclass(frozen=True)
class Answer:
    """What a server answered: its status, headers and body (bounded)."""

    status: int
    headers: Message
    body: bytes

    def message(self) -> str:
        """The server's own words about an error, as one short line (JSON `message`/`error` or the text)."""
        text = self.body[:ERROR_BODY].decode("utf-8", "replace")
        for key in ("error_description", "message", "error", "messages"):  # the most specific first
            if found := re.search(rf'"{key}"\s*:\s*"([^"]{{1,400}})"', text):
                return plain(found.group(1))
        return plain(text)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are refused: urllib would carry the Authorization header to wherever a server points."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: object,
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> None:
        """Follow nothing (urllib then raises the 3xx as an HTTPError)."""
        return None


def _opener() -> urllib.request.OpenerDirector:
    """An opener for http and https only (no file:, ftp: or data: handlers), redirects refused, proxies from the
    environment as usual."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
        _NoRedirect(),
    ):
        opener.add_handler(handler)
    return opener


def retry_after(headers: Message | None, now: float | None = None) -> float | None:
    """Seconds a 429 or 503 asks us to wait (Retry-After as seconds or as an HTTP date), or None."""
    raw = (headers.get("Retry-After") if headers is not None else None) or ""
    raw = raw.strip()
    if not raw:
        return None
    if raw.isdigit():
        return float(raw[:9])
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class Http:
    """One pull's HTTP: GET and form POST with bounded answers and bounded retries; progress of waits on `say`."""

    def __init__(
        self,
        config: Settings,
        redact: Redactor,
        say: Callable[[str], None],
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config, self.redact, self.say, self.sleep = config, redact, say, sleep
        self.opener = _opener()

    def get(self, url: str, headers: dict[str, str], what: str, retry: Iterable[int] = RETRIED) -> Answer:
        """GET `url`; a 2xx or a status not worth retrying is returned, the rest retried, then a PullError."""
        return self._send(urllib.request.Request(url, headers=self._headers(headers), method="GET"), what, retry)

    def post_form(self, url: str, form: dict[str, str], what: str) -> Answer:
        """POST a form (the OAuth token endpoint): its values never appear in a URL or a message."""
        body = urllib.parse.urlencode(form).encode("ascii")
        headers = self._headers({"Content-Type": "application/x-www-form-urlencoded"})
        return self._send(urllib.request.Request(url, data=body, headers=headers, method="POST"), what, RETRIED)

    @staticmethod
    def _headers(extra: dict[str, str]) -> dict[str, str]:
        """Our headers: no compression asked (an answer is bounded as sent), who is asking."""
        return {"User-Agent": USER_AGENT, "Accept-Encoding": "identity", **extra}

    def _send(self, request: urllib.request.Request, what: str, retry: Iterable[int]) -> Answer:
        """Send, retrying what is worth retrying with exponential backoff (and Retry-After when given)."""
        retry = set(retry)
        attempt = 0
        while True:
            wait_hint, reason = None, ""
            try:
                with self.opener.open(request, timeout=self.config.timeout) as response:
                    body = self._read(response, what)
                    return Answer(response.status, response.headers, body)
            except urllib.error.HTTPError as err:
                status = err.code
                if 300 <= status < 400:
                    raise PullError(f"{what}: the server answered with a redirect (HTTP {status}); redirects are "
                                    "not followed: check the API address", FAILED) from None  # fmt: skip
                body = self._read_error(err)
                if status not in retry:
                    return Answer(status, err.headers, body)
                wait_hint, reason = retry_after(err.headers), f"HTTP {status}"
            except (urllib.error.URLError, http.client.HTTPException, OSError) as err:
                reason = self._why(err)
            if attempt >= self.config.retries:
                tries = f"{attempt + 1} {'try' if attempt == 0 else 'tries'}"
                raise PullError(self.redact(f"{what}: {reason} after {tries}"), PARTIAL)
            delay = self.config.backoff * (2**attempt) * (1 + random.random() / 4)  # jitter: clients spread out
            if wait_hint is not None:
                if wait_hint > self.config.max_wait:
                    raise PullError(f"{what}: the server asks to wait {wait_hint:,.0f} s ({reason}); run the same "
                                    "command later to resume", PARTIAL)  # fmt: skip
                delay = max(delay, wait_hint)
            attempt += 1
            self.say(self.redact(f"{what}: {reason}; try {attempt + 1} of {self.config.retries + 1} in {delay:.1f} s"))
            self.sleep(delay)

    def _read(self, response: http.client.HTTPResponse, what: str) -> bytes:
        """The whole body, or a PullError when it is larger than allowed (checked before and while reading)."""
        limit = self.config.max_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.strip().isdigit() and int(declared) > limit:
            raise PullError(f"{what}: the answer is {int(declared):,} bytes, more than the {limit:,} allowed "
                            f"(set {MAX_BYTES_ENV} or ask for smaller pages)", FAILED)  # fmt: skip
        body = response.read(limit + 1)
        if len(body) > limit:
            raise PullError(f"{what}: the answer is more than the {limit:,} bytes allowed (set {MAX_BYTES_ENV} or "
                            "ask for smaller pages)", FAILED)  # fmt: skip
        if declared.strip().isdigit() and len(body) < int(declared):  # read(n) returns what came before a drop
            raise http.client.IncompleteRead(b"", int(declared) - len(body))
        return body

    @staticmethod
    def _read_error(err: urllib.error.HTTPError) -> bytes:
        """A little of an error answer's body, for its message; nothing when the connection broke."""
        try:
            return err.read(ERROR_BODY) or b""
        except (OSError, http.client.HTTPException):
            return b""

    @staticmethod
    def _why(err: BaseException) -> str:
        """A broken connection in words (the exception's class and its reason, never a request's headers)."""
        if isinstance(err, urllib.error.URLError) and not isinstance(err.reason, str):
            err = err.reason if isinstance(err.reason, BaseException) else err
        if isinstance(err, TimeoutError):
            return "no answer in time"
        if isinstance(err, http.client.IncompleteRead):
            return "the connection broke during the answer"
        detail = err.reason if isinstance(err, urllib.error.URLError) else (getattr(err, "strerror", None) or "")
        return plain(f"connection failed ({type(err).__name__}{': ' + str(detail) if detail else ''})", 120)
