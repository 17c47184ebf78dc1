"""`conflict-monitor pull acled|ucdp` against a real HTTP server on 127.0.0.1 (tests/apiserver.py), through the real
client: pages and progress, the import of what a pull brings, a repeated pull that asks only what changed, deletions,
tokens cached, refreshed and requested again, 429/503 retried, malformed pages refused, a pull interrupted (a
connection dropped, a process killed in the middle of a page) resumed without a row lost or doubled, credentials
refused, and no secret anywhere in what a failing pull prints or writes."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from apiserver import EMAIL, PASSWORD, UCDP_TOKEN, ApiServer
from builders import run_entry, shipped, use_data

from components import cli

REPO = Path(__file__).resolve().parent.parent
PULLS = Path("sources") / "pulls"


@pytest.fixture
def api() -> Iterator[ApiServer]:
    """The fake APIs with 13 ACLED rows (3 pages of 5) and 7 UCDP events, served until the test ends."""
    server = ApiServer(acled=13, ucdp=7)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def data(tmp_path, monkeypatch, api) -> Path:
    """A copy of the shipped data with a store of its own, the API addresses pointed at the fake, a private
    credentials file outside the repository, and a backoff of a millisecond."""
    folder, seeds = shipped(tmp_path)
    use_data(monkeypatch, folder, seeds, tmp_path / "store")
    secret = tmp_path / "home" / "credentials"
    secret.parent.mkdir()
    secret.write_text(f"[acled]\nemail = {EMAIL}\npassword = {PASSWORD}\n\n[ucdp]\ntoken = {UCDP_TOKEN}\n")
    secret.chmod(0o600)
    for name in ("CONFLICT_MONITOR_ACLED_EMAIL", "CONFLICT_MONITOR_ACLED_PASSWORD", "CONFLICT_MONITOR_UCDP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CONFLICT_MONITOR_CREDENTIALS", str(secret))
    monkeypatch.setenv("CONFLICT_MONITOR_ACLED_URL", api.url)
    monkeypatch.setenv("CONFLICT_MONITOR_UCDP_URL", api.url)
    monkeypatch.setenv("CONFLICT_MONITOR_PULL_BACKOFF", "0.001")
    monkeypatch.setenv("CONFLICT_MONITOR_PULL_RETRIES", "2")
    return folder


@pytest.fixture
def pull(capsys) -> Callable[..., tuple[int, str, str]]:
    """Run `conflict-monitor pull ...` in this process: (exit code, stdout, stderr)."""

    def command(*args: str) -> tuple[int, str, str]:
        """The command with these arguments after `pull`."""
        return run_entry(cli.main, capsys, ["pull", *args])

    return command


ACLED = ("acled", "--country", "Libya", "--page-size", "5")


def expected_csv(api: ApiServer, rows: list[dict] | None = None) -> bytes:
    """What ACLED's pages of these rows hold, concatenated under one header: latest first, as the server sends."""
    rows = sorted(api.rows if rows is None else rows, key=lambda r: (r["event_date"], r["event_id_cnty"]), reverse=True)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=api.header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def imported(data: Path, fmt: str) -> list[Path]:
    """The files the store keeps under data/sources/<format>/, oldest first."""
    return sorted((data / "sources" / fmt).glob("*.csv"))


def pages(api: ApiServer) -> list[str]:
    """The CSV pages asked, in order."""
    return [s.params["page"] for s in api.requests("/api/acled/read") if s.params.get("_format") == "csv"]


def test_acled_pages_with_progress_are_imported_byte_for_byte(data, api, pull):
    """Three pages of five rows, progress per page, one file under data/sources/acled/ holding the pages under one
    header exactly as sent (notes on two lines included), its sidecar naming the request, the pull's record."""
    code, out, err = pull(*ACLED)
    assert code == 0, err
    assert "acled-libya: page 1 of 3, 5 rows" in err and "acled-libya: page 3 of 3, 13 rows" in err
    assert "13 rows read: 13 events (13 added, 0 updated, 0 unchanged), 0 rows with problems" in out
    [kept] = imported(data, "acled")
    assert kept.read_bytes() == expected_csv(api)
    sidecar = json.loads(kept.with_name(kept.name + ".meta.json").read_text())
    assert sidecar["original"] == f"ACLED API: {api.url}/api/acled/read?_format=csv&country=Libya&limit=5"
    [record_path] = (data / PULLS / "acled-libya").glob("*.pull.json")
    record = json.loads(record_path.read_text())
    assert (record["pages"], record["rows"], record["imported"]) == (3, 13, f"sources/acled/{kept.name}")
    assert record["sha256"] == sidecar["sha256"] and record["started"] and record["request"] in sidecar["original"]
    assert pages(api) == ["1", "2", "3"]
    assert [s.params["grant_type"] for s in api.requests("/oauth/token")] == ["password"]
    assert all(s.headers["authorization"].startswith("Bearer acc-") for s in api.requests("/api/acled/read"))
    assert "import" in (data / "audit.csv").read_text()
    cache = Path(os.environ["CONFLICT_MONITOR_CREDENTIALS"] + ".tokens.json")
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600 and api.issued[0] in cache.read_text()


def test_a_repeated_pull_asks_what_changed_records_deletions_and_renews_tokens(data, api, pull):
    """The second pull asks `timestamp >=` the greatest one seen and ACLED's deletions since the first pull; a token
    expired by the clock is refreshed, one the server refuses with a refused refresh is signed in again; a third
    pull with nothing new adds no file."""
    assert pull(*ACLED)[0] == 0
    latest = max(int(r["timestamp"]) for r in api.rows)
    api.rows[0] = {**api.rows[0], "fatalities": "9", "timestamp": str(latest + 10)}  # revised
    api.rows.append({**api.rows[1], "event_id_cnty": "LBY96000", "timestamp": str(latest + 20)})  # new
    api.deleted = [("LBY95005", int(time.time())), ("LBY10", 1_000)]  # the second is older than the last pull
    cache = Path(os.environ["CONFLICT_MONITOR_CREDENTIALS"] + ".tokens.json")
    tokens = json.loads(cache.read_text())
    cache.write_text(json.dumps({k: {**v, "expires_at": 0} for k, v in tokens.items()}))  # expired by the clock

    code, out, err = pull(*ACLED)
    assert code == 0, err
    asked = [s.params for s in api.requests("/api/acled/read") if s.params.get("_format") == "csv"][-1]
    assert (asked["timestamp"], asked["timestamp_where"]) == (str(latest), ">=")
    assert "1 added, 1 updated, 1 unchanged" in out  # the event of the watermark's second comes again, unchanged
    assert "ACLED lists 1 deleted event (of every country)" in err
    assert "1 deletions (1 events removed from the views, kept in their history; 0 not in the store)" in out
    assert len(imported(data, "acled-deletions")) == 1  # kept byte for byte as any imported file
    assert (data / PULLS / "acled-libya" / "deletions.csv").read_text() == (
        f"event_id_cnty,deleted_timestamp\nLBY95005,{api.deleted[0][1]}\n"
    )
    assert [s.params["grant_type"] for s in api.requests("/oauth/token")] == ["password", "refresh_token"]

    api.access.clear()  # the server forgets every access token and refuses refreshes: sign in again
    api.refuse_refresh = True
    code, out, err = pull(*ACLED)
    assert code == 0, err
    assert "ACLED has nothing new for Libya" in out and len(imported(data, "acled")) == 2
    grants = [s.params["grant_type"] for s in api.requests("/oauth/token")]
    assert grants == ["password", "refresh_token", "refresh_token", "password"]


def test_429_503_and_an_expired_token_are_waited_for_and_retried(data, api, pull):
    """A 429 is retried after its Retry-After (1 s), a 503 after the backoff, a 401 after a refresh of the token;
    the file is whole."""
    api.fault("acled", "429", page=2, value=1)
    api.fault("acled", "503", page=3)
    api.fault("acled", "expire", page=1)
    code, out, err = pull(*ACLED)
    assert code == 0, err
    assert pages(api) == ["1", "1", "2", "2", "3", "3"]
    second = [s.at for s in api.requests("/api/acled/read") if s.params.get("page") == "2"]
    assert second[1] - second[0] >= 0.95  # Retry-After: 1 honoured (the backoff alone is a millisecond)
    assert "HTTP 429; try 2 of 3" in err and "HTTP 503; try 2 of 3" in err and "refreshing it" in err
    assert [s.params["grant_type"] for s in api.requests("/oauth/token")] == ["password", "refresh_token"]
    assert imported(data, "acled")[0].read_bytes() == expected_csv(api)


@pytest.mark.parametrize(
    ("fault", "value", "says"),
    [
        ("malformed", None, "page 2 of 3 is malformed: it is not ACLED CSV (no event_id_cnty or timestamp column)"),
        ("short", None, "page 2 of 3 is malformed: it ends inside a quoted field (cut short?)"),
        ("huge", 5000, "page 2 of 3: the answer is 5,000 bytes, more than the 4,096 allowed"),
        ("redirect", None, "page 2 of 3: the server answered with a redirect (HTTP 302)"),
    ],
)
def test_a_bad_page_is_one_line_exit_1_and_nothing_is_stored(data, api, pull, monkeypatch, fault, value, says):
    """A page that is not ACLED CSV, one cut inside a quoted field, one larger than allowed, a redirect: one line,
    exit 1, nothing published or imported (the page before stays in the partial, for a later run)."""
    monkeypatch.setenv("CONFLICT_MONITOR_PULL_MAX_BYTES", "4096")
    api.fault("acled", fault, page=2, value=value)
    code, out, err = pull(*ACLED)
    assert code == 1
    assert err.strip().splitlines()[-1].startswith(f"error: {says}")
    assert "Traceback" not in err and out == ""
    assert imported(data, "acled") == [] and not list((data / PULLS / "acled-libya").glob("*.csv.pull.json"))
    assert json.loads((data / PULLS / "acled-libya" / "partial.json").read_text())["pages_done"] == 1
    assert not any(s.path == "/steal" for s in api.seen)


def test_a_pull_cut_off_resumes_from_its_last_whole_page(data, api, pull):
    """The connection drops in the middle of page 2 more often than retried: exit 3, one page kept. A kill while
    page 2 was being appended (its bytes half written, the sidecar not yet) is simulated too. The next run asks from
    page 2 on and the file holds every row once."""
    api.fault("acled", "drop", page=2, times=3)
    code, _, err = pull(*ACLED)
    assert code == 3
    assert "the connection broke during the answer after 3 tries (1 page kept); run the same command again" in err
    partial = data / PULLS / "acled-libya" / "partial.csv"
    with partial.open("ab") as f:
        f.write(expected_csv(api)[-300:])  # half a page appended when the process died
    before = len(pages(api))
    code, out, err = pull(*ACLED)
    assert code == 0, err
    assert "resuming after page 1 (5 rows kept)" in err
    assert pages(api)[before:] == ["2", "3"]
    assert imported(data, "acled")[0].read_bytes() == expected_csv(api)
    assert "13 events (13 added" in out


def test_a_process_killed_in_the_middle_of_a_page_resumes(data, api, pull):
    """`python -m components pull` killed (SIGKILL) while page 3 is half received: the partial keeps pages 1 and 2,
    and the next run asks page 3 again and imports every row once."""
    api.fault("acled", "hang", page=3)
    proc = subprocess.Popen([sys.executable, "-m", "components", "pull", *ACLED], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        assert api.arrived.wait(30), "the pull never reached page 3"
    finally:
        proc.kill()
        proc.wait(10)
    api.gate.set()
    meta = json.loads((data / PULLS / "acled-libya" / "partial.json").read_text())
    assert (meta["pages_done"], meta["rows"]) == (2, 10)
    code, out, err = pull(*ACLED)
    assert code == 0, err
    assert "resuming after page 2 (10 rows kept)" in err and pages(api)[-1] == "3"
    assert imported(data, "acled")[0].read_bytes() == expected_csv(api)


def test_ucdp_follows_the_next_page_chain_and_a_version_is_pulled_once(data, api, pull):
    """UCDP: the token header, pages 0, 1, 2 by NextPageUrl with Country=620 for Libya, the JSON turned into the GED
    CSV the importer reads (ISO times with a space, true as 1), the answers kept as sent; asked again: nothing."""
    code, out, err = pull("ucdp", "--version", "25.1", "--country", "Libya", "--page-size", "3")
    assert code == 0, err
    asked = api.requests("/api/gedevents/25.1")
    assert [(s.params["page"], s.params["Country"]) for s in asked] == [("0", "620"), ("1", "620"), ("2", "620")]
    assert all(s.headers["x-ucdp-access-token"] == UCDP_TOKEN for s in asked)
    assert "ucdp-25.1-620: page 3 of 3, 7 rows" in err and "7 rows read: 7 events (7 added" in out
    [kept] = imported(data, "ucdp")
    rows = list(csv.DictReader(kept.open(encoding="utf-8", newline="")))
    assert [r["id"] for r in rows] == [str(950001 + i) for i in range(7)]
    assert (rows[0]["date_start"], rows[0]["active_year"], rows[0]["gwnob"]) == ("2020-06-04 00:00:00", "1", "")
    raw = sorted((data / PULLS / "ucdp-25.1-620").glob("*.pages/page-*.json"))
    assert len(raw) == 3 and json.loads(raw[0].read_bytes())["Result"][0]["id"] == 950001
    code, out, _ = pull("ucdp", "--version", "25.1", "--country", "620", "--page-size", "3")
    assert code == 0 and "a version never changes: nothing to do" in out and len(api.seen) == len(asked)


def test_a_next_page_url_to_another_host_is_refused(data, api, pull):
    """A NextPageUrl that leads elsewhere is a malformed page: exit 1, and nothing is asked of the other host."""
    api.fault("ucdp", "elsewhere", page=0)
    code, _, err = pull("ucdp", "--version", "25.1", "--page-size", "3")
    assert code == 1 and "page 1 is malformed: NextPageUrl leads to another address" in err
    assert imported(data, "ucdp") == []


def test_credentials_readable_by_others_or_in_the_repository_are_refused(data, api, pull, monkeypatch):
    """A credentials file (or token cache) with any permission for group or others, or inside the repository, is one
    line saying what to do, exit 2, and no request; so are missing credentials and a refused password."""
    secret = Path(os.environ["CONFLICT_MONITOR_CREDENTIALS"])
    secret.chmod(0o640)
    code, _, err = pull(*ACLED)
    assert code == 2 and err.strip() == (
        f"error: the credentials file is refused: {secret} can be read by others (mode 640): run `chmod 600 {secret}`"
    )
    secret.chmod(0o600)
    cache = secret.with_name(secret.name + ".tokens.json")
    cache.write_text("{}")
    cache.chmod(0o644)
    code, _, err = pull(*ACLED)
    assert code == 2 and f"the token cache is refused: {cache} can be read by others (mode 644)" in err
    monkeypatch.setenv("CONFLICT_MONITOR_CREDENTIALS", str(REPO / "README.md"))
    code, _, err = pull(*ACLED)
    assert code == 2 and "is inside the repository: move it outside" in err
    monkeypatch.setenv("CONFLICT_MONITOR_CREDENTIALS", str(secret.with_name("none")))
    code, _, err = pull(*ACLED)
    assert code == 2 and "error: no ACLED credentials: set CONFLICT_MONITOR_ACLED_EMAIL and" in err
    assert api.seen == []
    monkeypatch.setenv("CONFLICT_MONITOR_ACLED_EMAIL", EMAIL)
    monkeypatch.setenv("CONFLICT_MONITOR_ACLED_PASSWORD", "wrong")
    code, _, err = pull(*ACLED)
    assert code == 2 and "ACLED refused the e-mail and password (HTTP 400: The user credentials were incorrect.)" in err


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("acled", "--country", "Libya", "--page-size", "5001"), "--page-size must be from 1 to 5,000"),
        (("ucdp", "--version", "25.1", "--page-size", "1001"), "--page-size must be from 1 to 1,000"),
        (("acled", "--country", "Libya", "--since", "2020-02-30"), "--since '2020-02-30' is not a date YYYY-MM-DD"),
        (("acled", "--country", "Libya|Chad"), "--country 'Libya|Chad': a country's name as ACLED writes it"),
        (("ucdp", "--version", "../x"), "--version '../x': a UCDP release such as 25.1"),
        (("ucdp", "--version", "25.1", "--country", "Atlantis"), "give UCDP's Gleditsch-Ward country code"),
        (("acled",), "the following arguments are required: --country"),
    ],
)
def test_bad_usage_is_exit_2(data, api, pull, args, says):
    """Bad options are one line and exit 2, before anything is asked."""
    code, _, err = pull(*args)
    assert code == 2 and says in err and api.seen == []


def test_an_api_address_in_clear_text_to_another_host_is_refused(data, api, pull, monkeypatch):
    """http:// is for a server on this machine only: a password never crosses a network in the clear."""
    monkeypatch.setenv("CONFLICT_MONITOR_ACLED_URL", "http://acled.example.org")
    code, _, err = pull(*ACLED)
    assert code == 2 and "CONFLICT_MONITOR_ACLED_URL must be https://" in err


def test_the_help_gives_the_exit_codes(pull):
    """`pull --help` says what each exit code means."""
    code, out, _ = pull("acled", "--help")
    assert code == 0 and "exit codes: 0 done" in out and "3 stopped before the end" in out


def test_no_secret_appears_when_a_pull_fails_every_way(data, api, pull, monkeypatch):
    """Servers echoing the password and tokens, a refused password, a refused token, a malformed page, retries
    exhausted, a usage error: the password and every token are in no output, no log and no file under data/."""
    said = []
    api.fault("token", "echo")  # "wrong password <the password> for <the e-mail>"
    said.append(pull(*ACLED))
    api.fault("acled", "echo", page=1)  # "not accepted: Bearer <the token>"
    said.append(pull(*ACLED))
    api.fault("acled", "malformed", page=2)
    said.append(pull(*ACLED))
    api.fault("acled", "503", page=2, times=5)
    said.append(pull(*ACLED))
    api.fault("count", "expire", times=5)
    said.append(pull(*ACLED))
    api.fault("ucdp", "echo", page=0, value=UCDP_TOKEN)
    said.append(pull("ucdp", "--version", "25.1"))
    said.append(pull("ucdp", "--version", "99.1"))
    monkeypatch.setenv("CONFLICT_MONITOR_UCDP_TOKEN", "not a token")
    said.append(pull("ucdp", "--version", "25.1"))
    assert [code for code, _, _ in said] == [2, 1, 1, 3, 2, 1, 1, 2]
    secrets = [PASSWORD, UCDP_TOKEN, *api.issued]
    assert len(api.issued) >= 4
    text = "".join(out + err for _, out, err in said)
    assert "[secret]" in text  # the echoes were there, and blanked
    files = b"".join(p.read_bytes() for p in data.rglob("*") if p.is_file())
    for secret in secrets:
        assert secret not in text and secret.encode() not in files


def test_an_editor_pulls_from_the_data_page_and_a_viewer_cannot(data, api, monkeypatch):
    """The data page's form runs the same pull (progress shown, no server folder, no secret), imports what it
    brings and records it in the audit log; a page shared read-only has no form, and the server refuses anyway."""
    from streamlit.testing.v1 import AppTest

    from components import access
    from components.pages import pulls

    monkeypatch.delenv(access.READ_ONLY_ENV, raising=False)
    at = AppTest.from_file(str(REPO / "tests" / "data_page.py"), default_timeout=60).run()
    assert not at.exception
    [country] = [w for w in at.text_input if w.label == "Country"]
    country.set_value("Libya")
    [button] = [b for b in at.button if b.label == "Pull"]
    at = button.click().run()
    assert not at.exception
    shown = " ".join(s.value for s in at.success).replace("\\", "")  # markdown escapes, undone
    assert "13 rows read: 13 events (13 added" in shown and str(data) not in shown and PASSWORD not in shown
    assert len(imported(data, "acled")) == 1
    assert ",root,import,sources/acled/acled-api-libya-" in (data / "audit.csv").read_text(encoding="utf-8")

    monkeypatch.setenv(access.READ_ONLY_ENV, "1")
    viewer = AppTest.from_file(str(REPO / "tests" / "data_page.py"), default_timeout=60).run()
    assert not [b for b in viewer.button if b.label == "Pull"]
    viewer_access = access.Access(False, "", access.SHARED_WITHOUT_SIGN_IN)
    refused = pulls.pull_now(None, "acled", {"country": "Libya"}, viewer_access, None)  # type: ignore[arg-type]
    assert refused[0] is False and "not allowed" in refused[1]


def test_the_page_checks_the_form_before_pulling():
    """A country that is not a name or a code, a UCDP version that is not one: said, nothing asked."""
    from components.pages import pulls

    assert pulls.options_of("acled", "Libya; rm -rf", None, "")[0] is None
    assert pulls.options_of("ucdp", "Libya", None, "../../etc")[0] is None
    assert pulls.options_of("ucdp", "620", None, "25.1")[0] == {"country": "620", "version": "25.1", "page_size": None}
