"""Editors and viewers (components/access.py): the decision as a table of cases, and the data page as each sees it
(tests/data_page.py through AppTest: no uploader and no button that changes data for a viewer, and the line saying
why; the editor's controls, and the changes they make recorded under their name)."""

import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from apptest import ok, shown
from builders import copy_seeds, shipped, use_data
from streamlit import config
from streamlit.testing.v1 import AppTest

from components import access, audit, text
from components.access import FORCED, SHARED_WITHOUT_SIGN_IN, SIGN_IN, Access, decide
from components.articles import ingest
from components.pages import uploads

HERE = Path(__file__).resolve().parent
PAGE_SCRIPT = str(HERE / "data_page.py")
ARTICLE = HERE / "articles" / "libya_page.html"
FIXTURES = HERE / "fixtures"
ED, VIEWER = "ed@example.org", "vi@example.org"
AUTH = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "s" * 32,
                 "client_id": "cm", "client_secret": "x", "server_metadata_url": "http://idp.invalid/.well-known"},
        "conflict_monitor": {"editors": [ED.upper()]}}  # fmt: skip
CHANGING = {"Accept", "Reject", "Ingest the article"}


# -- the decision --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "auth", "logged_in", "email", "read_only", "editor", "who", "says"),
    [
        # no sign-in: the analyst's own machine edits, a shared server is read-only and says so
        ("127.0.0.1", False, False, None, False, True, "ana", "Editing as ana (served on this machine only)."),
        ("localhost", False, False, None, False, True, "ana", None),
        ("::1", False, False, None, False, True, "ana", None),
        ("[::1]", False, False, None, False, True, "ana", None),
        ("127.0.0.2", False, False, None, False, True, "ana", None),
        ("", False, False, None, False, False, "", SHARED_WITHOUT_SIGN_IN),
        ("0.0.0.0", False, False, None, False, False, "", SHARED_WITHOUT_SIGN_IN),
        ("::", False, False, None, False, False, "", SHARED_WITHOUT_SIGN_IN),
        ("192.168.1.10", False, False, None, False, False, "", SHARED_WITHOUT_SIGN_IN),
        ("monitor.example.org", False, False, None, False, False, "", SHARED_WITHOUT_SIGN_IN),
        ("localhost.evil.example", False, False, None, False, False, "", SHARED_WITHOUT_SIGN_IN),
        # forced read-only wins everywhere
        ("127.0.0.1", False, False, None, True, False, "", FORCED),
        ("0.0.0.0", True, True, ED, True, False, ED, FORCED),
        # sign-in configured: listed e-mails edit (any case), others view, anonymous users are asked to sign in
        ("0.0.0.0", True, True, ED, False, True, ED, f"Signed in as {ED} (editor)."),
        ("0.0.0.0", True, True, "Ed@Example.ORG", False, True, "Ed@Example.ORG", None),
        ("0.0.0.0", True, True, VIEWER, False, False, VIEWER, None),
        ("0.0.0.0", True, False, None, False, False, "", SIGN_IN),
        ("127.0.0.1", True, False, None, False, False, "", SIGN_IN),  # sign-in set up: localhost is no pass
        ("0.0.0.0", True, True, None, False, False, "", SIGN_IN),  # a provider that gives no e-mail
        ("0.0.0.0", False, True, ED, False, False, "", SHARED_WITHOUT_SIGN_IN),  # a stale user without [auth]
    ],
)
def test_decide(address, auth, logged_in, email, read_only, editor, who, says):
    user = decide(address, auth, logged_in, email, {ED}, read_only, "ana")
    assert (user.editor, user.who) == (editor, who)
    assert user.read_only is not editor
    if says is not None:
        assert user.says == says
    assert user.sign_in == (auth and not read_only and not (logged_in and email))


def test_a_request_through_a_proxy_is_not_the_local_analyst():
    """A replica bound to localhost behind nginx (deploy/nginx-site.conf): its users are shared, not the OS user."""
    assert decide("127.0.0.1", False, False, None, set(), False, "ana", proxied=True).says == SHARED_WITHOUT_SIGN_IN
    assert decide("127.0.0.1", True, True, ED, {ED}, False, "ana", proxied=True).editor, "sign-in still works"
    assert access.forwarded({"X-Forwarded-For": "203.0.113.9"}) and access.forwarded({"forwarded": "for=1.2.3.4"})
    assert access.forwarded({"X-Real-IP": "203.0.113.9"})
    assert not access.forwarded({"Host": "localhost:8501", "User-Agent": "x"}) and not access.forwarded(None)


def test_editors_come_from_the_environment_and_the_secrets():
    assert access.editors_from(" A@x.org, ,b@x.org ", ["C@X.org"]) == {"a@x.org", "b@x.org", "c@x.org"}
    assert access.editors_from(None, None) == set()
    assert access.editors_from("", "a@x.org, b@x.org") == {"a@x.org", "b@x.org"}, "a string, not its letters"


@pytest.mark.parametrize(("value", "forced"), [(None, False), ("", False), ("0", False), ("no", False),
                                               ("1", True), ("yes", True), ("TRUE", True)])  # fmt: skip
def test_read_only_setting(value, forced):
    assert access.forced_read_only(value) is forced


def test_a_change_is_refused_to_a_viewer_before_it_is_made():
    assert access.require(Access(True, "ana", ""), "importing") == "ana"
    with pytest.raises(access.NotAllowed, match="importing: not allowed, read-only: this server is shared"):
        access.require(decide("0.0.0.0", False, False, None, set(), False, "ana"), "importing")
    with pytest.raises(access.NotAllowed):
        access.require(Access(True, "", ""), "importing")  # an editor nobody can name: nothing to record


def test_os_user_without_a_name(monkeypatch):
    def nameless() -> str:
        raise OSError("no passwd entry")

    monkeypatch.setattr(access.getpass, "getuser", nameless)
    assert access.os_user() == access.UNKNOWN_USER


def test_an_import_is_refused_to_a_viewer_on_the_server(tmp_path):
    """Called directly, as a forged request would: nothing imported, nothing recorded."""
    store = SimpleNamespace(data=tmp_path, import_file=lambda *a, **k: pytest.fail("a viewer reached the import"))
    upload = SimpleNamespace(name="acled.csv", file_id="f", seek=lambda _: 0, read=io.BytesIO(b"x").read)
    viewer = decide("0.0.0.0", False, False, None, set(), False, "ana")
    done, said = uploads.import_upload(store, upload, viewer)
    assert not done and said.startswith("importing a dataset file: not allowed, read-only")
    assert audit.read(tmp_path) == []


def test_an_upload_is_dropped_from_streamlits_memory_once_imported(monkeypatch):
    """The bytes of an upload leave Streamlit's upload store as soon as the import is over, not when the tab closes."""
    from streamlit.runtime import scriptrunner
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
    from streamlit.runtime.uploaded_file_manager import UploadedFile, UploadedFileRec

    manager = MemoryUploadedFileManager("/upload")
    record = UploadedFileRec("file-1", "big.csv", "text/csv", b"x" * 1_000_000)
    manager.add_file("session-1", record)
    monkeypatch.setattr(scriptrunner, "get_script_run_ctx", lambda: SimpleNamespace(
        uploaded_file_mgr=manager, session_id="session-1"))  # fmt: skip
    uploads._release(UploadedFile(record, None))
    assert manager.get_files("session-1", ["file-1"]) == []
    assert not manager.file_storage.get("session-1")


# -- the data page ---------------------------------------------------------------------------------------------------


@pytest.fixture
def data_page(tmp_path, monkeypatch):
    """The data page on a copy of the shipped data, with a freshly ingested article whose candidates are pending; the
    server on localhost (as .streamlit/config.toml and `make run` set it) and no sign-in, unless a test says."""
    data, _ = shipped(tmp_path)
    seeds = copy_seeds(tmp_path / "seeds")
    ingest(ARTICLE, seeds)
    use_data(monkeypatch, data, seeds, tmp_path / "store")
    for name in (access.EDITORS_ENV, access.READ_ONLY_ENV):
        monkeypatch.delenv(name, raising=False)
    at = AppTest.from_file(PAGE_SCRIPT, default_timeout=60)
    at.data = data
    return at


@pytest.fixture
def address():
    """Set the server's address for one test, as `--server.address` would."""
    before = config.get_option("server.address")
    yield lambda value: config.set_option("server.address", value)
    config.set_option("server.address", before)


def labels(at: AppTest) -> set[str]:
    """The labels of the page's buttons (form buttons included)."""
    return {b.label for b in at.button}


def said(at: AppTest) -> str:
    """Every notice and caption of the page, as the reader sees them."""
    return "\n".join(shown(e.value) for e in [*at.info, *at.caption, *at.error, *at.success])


def assert_read_only(at: AppTest) -> None:
    """No uploader, no button that changes data; the candidates still shown."""
    assert len(at.file_uploader) == 0
    assert not labels(at) & CHANGING
    assert any("cm-paragraph" in h.proto.body for h in at.get("html")), "the candidates are shown, read-only"
    assert at.get("download_button"), "the audit log can still be downloaded"


def test_shared_without_sign_in_is_read_only_and_says_so(data_page, address):
    address("0.0.0.0")
    at = ok(data_page.run())
    assert_read_only(at)
    assert shown(at.info[0].value) == SHARED_WITHOUT_SIGN_IN
    assert "Importing dataset files needs an editor" in said(at)
    assert "Sign in" not in labels(at)


def test_the_read_only_setting_wins_on_localhost(data_page, monkeypatch):
    monkeypatch.setenv(access.READ_ONLY_ENV, "1")
    at = ok(data_page.run())
    assert_read_only(at)
    assert shown(at.info[0].value) == FORCED


def test_on_localhost_the_analyst_edits_and_the_changes_are_recorded(data_page):
    at = ok(data_page.run())
    assert len(at.file_uploader) == 2 and {"Accept", "Reject", "Ingest the article"} <= labels(at)
    who = access.os_user()
    assert f"Editing as {who}" in said(at)
    ok(next(b for b in at.button if b.label == "Reject").click().run())
    ok(at.file_uploader(key=f"{uploads.UPLOAD_KEY}-0").set_value(
        ("acled.csv", (FIXTURES / "acled_current.csv").read_bytes(), "text/csv")).run())  # fmt: skip
    assert "7 added" in said(at)
    assert at.file_uploader(key=f"{uploads.UPLOAD_KEY}-1").value is None, "a fresh, empty uploader after the import"
    entries = audit.read(data_page.data)
    assert [(e.who, e.action) for e in entries] == [(who, "import"), (who, "reject")]
    assert entries[0].what == "sources/acled/acled.csv"
    assert entries[0].sha256 == audit.digest(FIXTURES / "acled_current.csv")
    table = next(m.value for m in at.markdown if m.value.startswith("| When"))
    assert text.md(entries[0].what) in table, "the audit table shows outside text escaped"


def test_sign_in_offered_to_an_anonymous_user(data_page):
    data_page.secrets = AUTH
    data_page.user = {"is_logged_in": False}
    at = ok(data_page.run())
    assert_read_only(at)
    assert "Sign in" in labels(at) and shown(at.info[0].value) == SIGN_IN


def test_a_signed_in_viewer_sees_no_controls(data_page):
    data_page.secrets = AUTH
    data_page.user = {"is_logged_in": True, "email": VIEWER}
    at = ok(data_page.run())
    assert_read_only(at)
    assert "Sign out" in labels(at) and "not listed as an editor" in said(at)


def test_a_signed_in_editor_accepts_under_their_name(data_page, address):
    address("0.0.0.0")
    data_page.secrets = AUTH
    data_page.user = {"is_logged_in": True, "email": ED}
    at = ok(data_page.run())
    assert len(at.file_uploader) == 2 and "Accept" in labels(at) and "Sign out" in labels(at)
    ok(next(b for b in at.button if b.label == "Accept").click().run())
    [entry] = audit.read(data_page.data)
    assert (entry.who, entry.action) == (ED, "accept") and entry.event_ids.startswith("LBY-A")


def test_an_editor_named_in_the_environment(data_page, monkeypatch):
    monkeypatch.setenv(access.EDITORS_ENV, f"someone@else.org, {VIEWER}")
    data_page.secrets = AUTH
    data_page.user = {"is_logged_in": True, "email": VIEWER}
    at = ok(data_page.run())
    assert "Accept" in labels(at) and f"Signed in as {VIEWER} (editor)" in said(at)


# -- signing in through a real OpenID Connect flow ---------------------------------------------------------------------


@pytest.fixture
def signed_in_app(tmp_path, monkeypatch, chromium_path):
    """The data page served with sign-in configured against a mock OpenID Connect provider (oidc-provider-mock, in a
    thread): its URL. Served from a folder of its own, whose .streamlit/secrets.toml holds the [auth] section."""
    pytest.importorskip("authlib", reason="sign-in needs Authlib (pip install Authlib)")
    provider = pytest.importorskip("oidc_provider_mock", reason="pip install oidc-provider-mock")
    from serving import free_port, start_streamlit, stop

    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # the mock provider speaks plain http on localhost
    data, _ = shipped(tmp_path)
    seeds = copy_seeds(tmp_path / "seeds")
    ingest(ARTICLE, seeds)
    port = free_port()
    with provider.run_server_in_thread() as idp:
        settings = tmp_path / "app" / ".streamlit"
        settings.mkdir(parents=True)
        (settings / "config.toml").write_text('[server]\naddress = "127.0.0.1"\nheadless = true\n')
        (settings / "secrets.toml").write_text(
            f'[auth]\nredirect_uri = "http://localhost:{port}/oauth2callback"\ncookie_secret = "{"c" * 40}"\n'
            'client_id = "conflict-monitor"\nclient_secret = "secret"\n'
            f'server_metadata_url = "http://localhost:{idp.server_port}/.well-known/openid-configuration"\n'
        )
        env = {"CONFLICT_MONITOR_DATA": str(data), "CONFLICT_MONITOR_SEEDS": str(seeds),
               "CONFLICT_MONITOR_STORE": str(tmp_path / "store"), access.EDITORS_ENV: ED}  # fmt: skip
        proc = start_streamlit(Path(PAGE_SCRIPT), port, tmp_path / "streamlit.log", cwd=settings.parent, env=env)
        try:
            yield f"http://localhost:{port}/"
        finally:
            stop(proc)


def sign_in(browser, url: str, email: str):
    """A new browser page signed in as `email` through st.login and the provider's form."""
    from serving import DEFAULT_TIMEOUT_MS

    context = browser.new_context()
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    tab = context.new_page()
    tab.goto(url)
    tab.get_by_text("Read-only: sign in").first.wait_for()
    assert tab.locator("input[type=file]").count() == 0
    tab.get_by_role("button", name="Sign in").click()
    tab.locator("input[name=sub]").fill(email)  # the mock provider's form: the subject, given as the e-mail too
    tab.get_by_role("button", name="Authorize").click()
    tab.get_by_role("button", name="Sign out").wait_for()
    return tab


@pytest.mark.browser
def test_signing_in_as_an_editor_shows_the_controls_and_others_stay_viewers(signed_in_app, browser):
    from playwright.sync_api import expect

    editor = sign_in(browser, signed_in_app, ED)
    assert "(editor)" in editor.get_by_text("Signed in as").first.inner_text()
    editor.get_by_role("button", name="Accept").first.wait_for()  # the page is whole
    editor.get_by_text("Import an ACLED or UCDP file").wait_for()
    expect(editor.locator("input[type=file]")).to_have_count(2)  # an article, a dataset file
    viewer = sign_in(browser, signed_in_app, VIEWER)
    viewer.get_by_text("Candidate 1").wait_for()  # the page is whole: a viewer still reads the candidates
    viewer.get_by_text("Changes").wait_for()
    assert "not listed as an editor" in viewer.get_by_text("Signed in as").first.inner_text()
    assert viewer.get_by_role("button", name="Accept").count() == 0
    assert viewer.locator("input[type=file]").count() == 0


def test_sign_in_without_authlib_is_one_line(data_page, monkeypatch):
    """[auth] set up on a server without Authlib: the button says what went wrong in one line, no traceback."""
    import streamlit.user_info

    monkeypatch.setattr(streamlit.user_info, "is_authlib_installed", lambda: False)
    data_page.secrets = AUTH
    data_page.user = {"is_logged_in": False}
    at = ok(data_page.run())
    ok(next(b for b in at.button if b.label == "Sign in").click().run())
    assert "Something went wrong while starting the sign-in" in shown(at.error[0].value)


@pytest.mark.parametrize(("options", "address"), [([], None), (["--server.port", "8600"], None),
                                                  (["--server.address", "0.0.0.0"], "0.0.0.0"),
                                                  (["--server.address=127.0.0.1"], "127.0.0.1"),
                                                  (["--server.address"], None)])  # fmt: skip
def test_serve_reads_the_address_it_passes_on(options, address):
    from components import cli

    assert cli.served_address(options) == address


def test_the_server_listens_on_this_machine_only_by_default():
    """`make run`, `conflict-monitor serve` and `streamlit run` all read .streamlit/config.toml."""
    tomllib = pytest.importorskip("tomllib", reason="Python 3.11's TOML reader")
    settings = tomllib.loads((HERE.parent / ".streamlit" / "config.toml").read_text())
    assert access.is_loopback(settings["server"]["address"])
    assert "--server.address $(ADDRESS)" in (HERE.parent / "Makefile").read_text()
