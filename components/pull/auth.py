"""Credentials and tokens for `conflict-monitor pull`: read from the environment or from a credentials file outside the
repository that only its owner can read, and ACLED's OAuth tokens cached beside that file (mode 0600), refreshed
with the refresh token and requested again with the password when the refresh is refused.

The credentials file (default ~/.config/conflict-monitor/credentials, or $CONFLICT_MONITOR_CREDENTIALS):

    [acled]
    email = analyst@example.org
    password = ...

    [ucdp]
    token = ...

No secret is ever put in a URL, a message or an exception: every secret read or received is given to the pull's
Redactor, which blanks it from whatever is printed or logged. ACLED's token endpoint and grants are as documented in
docs/codebooks.md ("APIs").
"""

from __future__ import annotations

import configparser
import contextlib
import hashlib
import json
import os
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from components.config import ROOT
from components.pull.client import FAILED, USAGE, Answer, Http, PullError, Redactor

CREDENTIALS_ENV = "CONFLICT_MONITOR_CREDENTIALS"
ACLED_EMAIL_ENV = "CONFLICT_MONITOR_ACLED_EMAIL"
ACLED_PASSWORD_ENV = "CONFLICT_MONITOR_ACLED_PASSWORD"
UCDP_TOKEN_ENV = "CONFLICT_MONITOR_UCDP_TOKEN"
DEFAULT_FILE = "~/.config/conflict-monitor/credentials"
TOKENS_SUFFIX = ".tokens.json"  # beside the credentials file, same owner-only mode
NEEDED = {"acled": {"email": ACLED_EMAIL_ENV, "password": ACLED_PASSWORD_ENV}, "ucdp": {"token": UCDP_TOKEN_ENV}}
MAX_FILE = 64 * 1024  # a credentials or token file is a few lines: anything larger is not one
MAX_TOKEN = 8192  # characters of a token we accept from a server
_TOKEN = re.compile(r"[\x21-\x7e]+")  # printable ASCII without spaces: what fits an HTTP header safely
CLIENT_ID = "acled"  # ACLED's documented OAuth client for the password grant
ACCESS_SECONDS = 24 * 3600  # ACLED's access tokens last about 24 hours (used when an answer does not say)
REFRESH_SECONDS = 14 * 24 * 3600  # and its refresh tokens about 14 days
EARLY = 120  # seconds before expiry at which a token is renewed rather than used


@dataclass(frozen=True)
class Credentials:
    """One API's secrets and where they were read; `path` is the credentials file, whose folder holds the token
    cache even when the secrets came from the environment."""

    values: dict[str, str]
    path: Path
    source: str  # "the environment" or the file's path, for messages

    def __repr__(self) -> str:
        """Never the values (a stray print or traceback shows where they came from only)."""
        return f"Credentials(from {self.source})"


def credentials_path(env: dict[str, str] | None = None) -> Path:
    """The credentials file: $CONFLICT_MONITOR_CREDENTIALS, else ~/.config/conflict-monitor/credentials."""
    env = os.environ if env is None else env
    return Path(env.get(CREDENTIALS_ENV) or DEFAULT_FILE).expanduser().absolute()


def in_repository(path: Path) -> bool:
    """Whether a path lies inside this project's checkout (where a secret could be committed or served)."""
    try:
        path.resolve().relative_to(ROOT.resolve())
    except ValueError:
        return False
    return True


def private_problem(path: Path) -> str | None:
    """Why a secrets file is not private to its owner (another owner, or any permission for group or others), in
    words ending with what to do; None when it is private."""
    stat = path.stat()
    if not path.is_file():
        return f"{path} is not a file"
    if hasattr(os, "getuid") and stat.st_uid != os.getuid():
        return f"{path} belongs to another user: make your own (mode 600)"
    if stat.st_mode & 0o077:
        return f"{path} can be read by others (mode {stat.st_mode & 0o777:o}): run `chmod 600 {path}`"
    return None


def read_credentials(api: str, env: dict[str, str] | None = None) -> Credentials:
    """The API's secrets: from the environment when all of them are set there, else from the credentials file, which
    must be outside the repository and private to its owner. A PullError (exit 2) says what to do otherwise."""
    env = os.environ if env is None else env
    needed, path = NEEDED[api], credentials_path(env)
    given = {key: env.get(variable, "") for key, variable in needed.items()}
    if all(given.values()):
        return Credentials(given, path, "the environment")
    if any(given.values()):
        names = " and ".join(needed.values())
        raise PullError(f"set {names} together, or neither to use the credentials file", USAGE)
    setting = f"set {' and '.join(needed.values())}, or write [{api}] {', '.join(needed)} to {path} (mode 600)"
    if not path.exists():
        raise PullError(f"no {api.upper()} credentials: {setting}", USAGE)
    if in_repository(path):
        raise PullError(f"the credentials file {path} is inside the repository: move it outside (e.g. to "
                        f"{DEFAULT_FILE}) and set {CREDENTIALS_ENV}", USAGE)  # fmt: skip
    if problem := private_problem(path):
        raise PullError(f"the credentials file is refused: {problem}", USAGE)
    section = _section(path, api)
    missing = [key for key in needed if not section.get(key)]
    if missing:
        raise PullError(f"{path} has no {' or '.join(missing)} in its [{api}] section: {setting}", USAGE)
    return Credentials({key: section[key] for key in needed}, path, str(path))


def _section(path: Path, api: str) -> dict[str, str]:
    """One section of the credentials file. Parse errors are reported without configparser's message, which quotes
    the offending line (and so possibly a password)."""
    try:
        raw = path.read_bytes()[: MAX_FILE + 1]
        if len(raw) > MAX_FILE:
            raise ValueError
        parser = configparser.ConfigParser(interpolation=None)  # a % in a password is a %
        parser.read_string(raw.decode("utf-8"))
    except (OSError, ValueError, configparser.Error):
        raise PullError(f"{path} cannot be read as UTF-8 [sections] of `key = value` lines", USAGE) from None
    return dict(parser[api]) if parser.has_section(api) else {}


class TokenCache:
    """ACLED's tokens of each account and token address, in one JSON file beside the credentials file, private to
    its owner and replaced whole on every change. A damaged file holds nothing worth keeping: it is read as empty."""

    def __init__(self, credentials: Path) -> None:
        self.path = credentials.with_name(credentials.name + TOKENS_SUFFIX)

    def _all(self) -> dict[str, dict]:
        """Every cached entry; a cache others can read is refused (its tokens may have been seen)."""
        if not self.path.exists():
            return {}
        if problem := private_problem(self.path):
            raise PullError(f"the token cache is refused: {problem} (or delete it)", USAGE)
        try:
            found = json.loads(self.path.read_bytes()[:MAX_FILE])
        except (OSError, ValueError):
            return {}
        return {k: v for k, v in found.items() if isinstance(v, dict)} if isinstance(found, dict) else {}

    def get(self, key: str) -> dict | None:
        """The entry of one account, or None."""
        return self._all().get(key)

    def put(self, key: str, entry: dict | None) -> None:
        """Set (or, with None, drop) one account's entry: written to a private temporary file, then renamed."""
        entries = self._all()
        if entry is None:
            entries.pop(key, None)
        else:
            entries[key] = entry
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, name = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")  # mode 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(entries, out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(name, self.path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(name)


def _token(value: object) -> str | None:
    """A token as a server sent it, if it is one we can put in a header."""
    if isinstance(value, str) and 0 < len(value) <= MAX_TOKEN and _TOKEN.fullmatch(value):
        return value
    return None


class AcledAuth:
    """Bearer tokens for ACLED's API: the cached one while it lasts, else refreshed, else a new sign-in with the
    e-mail and password. `rejected` is called when the API refuses a token (401): first a refresh, then a sign-in,
    then a usage error (the account has no API access)."""

    def __init__(
        self,
        http: Http,
        token_url: str,
        credentials: Credentials,
        redact: Redactor,
        say: Callable[[str], None],
        now: Callable[[], float] = time.time,
    ) -> None:
        self.http, self.url, self.redact, self.say, self.now = http, token_url, redact, say, now
        self.email, self.password = credentials.values["email"], credentials.values["password"]
        redact.add(self.password)
        self.cache = TokenCache(credentials.path)
        if in_repository(self.cache.path):  # credentials from the environment, CONFLICT_MONITOR_CREDENTIALS in here
            raise PullError(f"the token cache {self.cache.path} would be inside the repository: set "
                            f"{CREDENTIALS_ENV} to a path outside it", USAGE)  # fmt: skip
        # One entry per token address and account: a test server's tokens are never offered to ACLED, nor one
        # account's to another.
        self.key = hashlib.sha256(f"{token_url}\n{self.email}".encode()).hexdigest()[:32]
        self.rejections = 0
        entry = self.cache.get(self.key) or {}
        redact.add(entry.get("access_token"), entry.get("refresh_token"))

    def header(self) -> dict[str, str]:
        """The Authorization header, with a token that is not about to expire."""
        entry = self.cache.get(self.key) or {}
        token = _token(entry.get("access_token"))
        if token is None or float(entry.get("expires_at") or 0) - EARLY < self.now():
            token = self._renew(entry)
        return {"Authorization": f"Bearer {token}"}

    def rejected(self) -> None:
        """The API answered 401 to our token: renew it (refresh first, then sign in); a third refusal is final."""
        self.rejections += 1
        entry = self.cache.get(self.key) or {}
        if self.rejections == 1:
            self.say("ACLED refused the access token (HTTP 401): refreshing it")
            self.cache.put(self.key, {**entry, "expires_at": 0})
        elif self.rejections == 2:
            self.say("ACLED refused the refreshed token: signing in again")
            self.cache.put(self.key, None)
        else:
            raise PullError("ACLED refuses even a new token (HTTP 401): check that the account has API access "
                            "(https://acleddata.com, myACLED)", USAGE)  # fmt: skip

    def accepted(self) -> None:
        """The API took our token: the next refusal starts again with a refresh."""
        self.rejections = 0

    def _renew(self, entry: dict) -> str:
        """A new access token: by the refresh token while it lasts, else (or when it is refused) by the password."""
        refresh = _token(entry.get("refresh_token"))
        if refresh and float(entry.get("refresh_expires_at") or 0) > self.now():
            form = {"grant_type": "refresh_token", "refresh_token": refresh, "client_id": CLIENT_ID}
            answer = self.http.post_form(self.url, form, "ACLED token refresh")
            if answer.status == 200:
                with contextlib.suppress(PullError):
                    return self._keep(answer, "the refreshed token")
            self.say(f"ACLED refused the refresh (HTTP {answer.status}): signing in with the password")
        form = {"username": self.email, "password": self.password, "grant_type": "password", "client_id": CLIENT_ID}
        answer = self.http.post_form(self.url, form, "ACLED sign-in")
        if answer.status in (400, 401, 403):
            said = self.redact(answer.message())
            said = f": {said}" if said else ""
            raise PullError(f"ACLED refused the e-mail and password (HTTP {answer.status}{said}): check "
                            f"{ACLED_EMAIL_ENV} and {ACLED_PASSWORD_ENV} or the credentials file", USAGE)  # fmt: skip
        if answer.status != 200:
            raise PullError(f"ACLED sign-in: HTTP {answer.status} {self.redact(answer.message())}".strip(), FAILED)
        return self._keep(answer, "the sign-in")

    def _keep(self, answer: Answer, what: str) -> str:
        """Read a token answer (access_token, expires_in, refresh_token), cache it, and return the access token."""
        try:
            found = json.loads(answer.body)
        except ValueError:
            found = None
        access = _token(found.get("access_token")) if isinstance(found, dict) else None
        if access is None:
            raise PullError(f"ACLED's answer to {what} holds no usable access_token", FAILED)
        refresh = _token(found.get("refresh_token"))
        self.redact.add(access, refresh)
        lasts = found.get("expires_in")
        lasts = lasts if isinstance(lasts, (int, float)) and 0 < lasts <= 31 * 24 * 3600 else ACCESS_SECONDS
        now = self.now()
        entry = {"access_token": access, "expires_at": now + lasts}
        if refresh:
            entry |= {"refresh_token": refresh, "refresh_expires_at": now + REFRESH_SECONDS}
        else:
            old = self.cache.get(self.key) or {}  # a refresh answer without a new refresh token keeps the old one
            entry |= {k: old[k] for k in ("refresh_token", "refresh_expires_at") if k in old}
        self.cache.put(self.key, entry)
        return access


def ucdp_header(credentials: Credentials, redact: Redactor) -> dict[str, str]:
    """UCDP's access token header (the token is a secret: remembered by the redactor)."""
    token = credentials.values["token"].strip()
    if not _TOKEN.fullmatch(token) or len(token) > MAX_TOKEN:
        raise PullError(f"the UCDP token from {credentials.source} is not a single word of printable characters",
                        USAGE)  # fmt: skip
    redact.add(token)
    return {"x-ucdp-access-token": token}
