"""The audit log, data/audit.csv (components/audit.py): one whole CSV line per change, latest first when read,
spreadsheet-safe and bounded, never interleaved by concurrent writers; written by the review, the page and the CLI."""

import csv
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from builders import copy_seeds, run_entry, shipped, use_data

from components import access, audit, cli, loader, review
from components.articles import ingest
from components.review import PENDING

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
PAGE = HERE / "articles" / "libya_page.html"


def rows(data: Path) -> list[list[str]]:
    """The log's records as a spreadsheet would split them (header included)."""
    with (data / audit.FILE).open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def test_a_change_is_one_line_and_the_log_reads_latest_first(tmp_path):
    audit.record(tmp_path, "ana", audit.IMPORT, "sources/acled/a.csv", "ab" * 32, detail="7 added")
    audit.record(tmp_path, "ben", audit.ACCEPT, "001_x.txt at character 5", "", ["LBY-A001-0001", "LBY-A001-0002"])
    raw = (tmp_path / audit.FILE).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfwhen,who,action,what,sha256,event_ids,detail\r\n") and raw.count(b"\n") == 3
    first, second = audit.read(tmp_path)[::-1]
    assert (first.who, first.action, first.what, first.sha256, first.detail) == (
        "ana", "import", "sources/acled/a.csv", "ab" * 32, "7 added")  # fmt: skip
    assert (second.who, second.event_ids) == ("ben", "LBY-A001-0001 LBY-A001-0002")
    assert audit.read(tmp_path)[0] == second, "latest first"
    assert first.when.endswith("Z") and first.when[:4].isdigit()
    assert audit.raw(tmp_path) == raw


def test_no_log_yet(tmp_path):
    assert audit.read(tmp_path) == []
    assert audit.raw(tmp_path).decode("utf-8-sig") == "when,who,action,what,sha256,event_ids,detail\r\n"
    assert not (tmp_path / audit.FILE).exists(), "reading creates nothing"


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ('=HYPERLINK("http://x.invalid","y")', '\'=HYPERLINK("http://x.invalid","y")'),
        ("+1-2", "'+1-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-cmd", "'-cmd"),
        ("a.csv;=1+1", "a.csv;'=1+1"),  # a spreadsheet splitting on ';' would start a cell there
        ("two\nlines\r\nand\ttab", "two lines and tab"),
        ('quote " and, comma', 'quote " and, comma'),
        ("ordinary name.csv", "ordinary name.csv"),
    ],
)
def test_values_are_plain_text_a_spreadsheet_cannot_run(tmp_path, value, stored):
    audit.record(tmp_path, value, audit.IMPORT, value, detail=value)
    [header, record] = rows(tmp_path)
    assert record[1] == record[3] == record[6] == stored
    assert (tmp_path / audit.FILE).read_bytes().count(b"\n") == 2, "one record, one line"


def test_values_are_bounded(tmp_path):
    audit.record(tmp_path, "w" * 10_000, audit.INGEST, "n" * 10_000, "s" * 500, [f"ID{i}" for i in range(5_000)],
                 "d" * 100_000)  # fmt: skip
    [entry] = audit.read(tmp_path)
    for name, limit in audit.LIMITS.items():
        assert len(getattr(entry, name)) <= limit, name
    assert entry.detail.endswith(audit.CUT)
    assert (tmp_path / audit.FILE).stat().st_size < 5_000


def test_two_threads_append_whole_lines(tmp_path):
    start = threading.Barrier(2)  # both at the empty file at once: one header, whoever is first

    def write(who: str) -> None:
        start.wait()
        for n in range(100):
            audit.record(tmp_path, who, audit.REJECT, f"{who} {n}", detail="x" * 500)

    threads = [threading.Thread(target=write, args=(who,)) for who in ("ana", "ben")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    records = rows(tmp_path)[1:]
    assert len(records) == 200 and all(len(r) == len(audit.COLUMNS) for r in records)
    assert sorted(r[3] for r in records) == sorted(f"{w} {n}" for w in ("ana", "ben") for n in range(100))
    assert (tmp_path / audit.FILE).read_bytes().count(b"\n") == 201


APPEND_MANY = """
import sys
sys.path.insert(0, {repo!r})
from pathlib import Path
from components import audit
for n in range(50):
    audit.record(Path({data!r}), {who!r}, audit.IMPORT, f"{who} {{n}}", detail="y" * 2_000)
"""  # a writer in another process (a command-line import beside the dashboard)


def test_two_processes_append_whole_lines(tmp_path):
    repo = str(Path(__file__).resolve().parent.parent)
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", APPEND_MANY.format(repo=repo, data=str(tmp_path), who=who)],
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for who in ("p1", "p2")
    ]
    errors = [worker.communicate(timeout=120)[1] for worker in workers]
    assert [w.returncode for w in workers] == [0, 0], errors
    records = rows(tmp_path)[1:]
    assert len(records) == 100 and {r[3] for r in records} == {f"{w} {n}" for w in ("p1", "p2") for n in range(50)}


def test_a_record_cut_short_by_a_crash_stays_on_its_own_line(tmp_path):
    audit.record(tmp_path, "ana", audit.IMPORT, "first")
    with (tmp_path / audit.FILE).open("ab") as f:
        f.write(b"2026-01-01T00:00:00Z,ana,imp")  # the power went out here
    audit.record(tmp_path, "ben", audit.IMPORT, "after")
    assert [e.what for e in audit.read(tmp_path)] == ["after", "first"]


@pytest.fixture
def folders(tmp_path):
    """A copy of the shipped data and seeds, with the saved page ingested: pending candidates to decide."""
    data, _ = shipped(tmp_path)
    seeds = copy_seeds(tmp_path / "seeds")
    done = ingest(PAGE, seeds)
    curated = loader.load(data, seeds)
    [article] = [a for a in review.articles(curated, seeds) if a.name == done.article]
    found = review.proposals(article, review.candidates(article, curated), curated.events, review.read_decisions(data))
    return data, seeds, article, [p.candidate for p in found if p.status == PENDING]


def test_accept_and_reject_record_who_decided(folders):
    data, seeds, article, pending = folders
    event_id = review.accept(data, seeds, article, pending[0], review.proposed(pending[0]), who="ed@example.org")
    review.reject(data, article, pending[1])  # in-process without a name: the OS user, as the command line
    rejected, accepted = audit.read(data)
    assert (accepted.who, accepted.action, accepted.event_ids) == ("ed@example.org", "accept", event_id)
    assert accepted.what == f"{article.name} at character {pending[0].offset}"
    assert accepted.sha256 == audit.digest(data / "events.csv"), "events.csv as the accept wrote it"
    assert pending[0].quote[:50] in accepted.detail
    assert (rejected.who, rejected.action, rejected.event_ids) == (access.os_user(), "reject", "")


def test_a_refused_accept_records_nothing(folders):
    data, seeds, article, pending = folders
    review.reject(data, article, pending[0], who="ana")
    with pytest.raises(review.ReviewError):
        review.accept(data, seeds, article, pending[0], review.proposed(pending[0]), who="ben")
    assert [e.who for e in audit.read(data)] == ["ana"]


def test_the_command_line_records_its_changes_under_the_os_user(tmp_path, monkeypatch, capsys):
    data, _ = shipped(tmp_path)
    (data / audit.FILE).unlink(missing_ok=True)  # an analyst's own log in data/ is not the test's
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    use_data(monkeypatch, data, seeds, tmp_path / "store")

    def run(*args: str) -> None:
        code, _, err = run_entry(cli.main, capsys, list(args))
        assert code == 0, err

    run("import", str(FIXTURES / "acled_current.csv"))
    run("import", str(FIXTURES / "acled_current.csv"))  # the same bytes again: recorded, nothing copied
    run("ingest", str(PAGE))
    run("ingest", str(PAGE))  # already stored: no change, no record
    ingested, again, imported = audit.read(data)
    who = access.os_user()
    assert (imported.who, imported.action, imported.what) == (who, "import", "sources/acled/acled_current.csv")
    assert imported.sha256 == again.sha256 == audit.digest(FIXTURES / "acled_current.csv")
    assert "7 added" in imported.detail and "nothing copied" in again.detail
    assert (ingested.who, ingested.action, ingested.sha256) == (who, "ingest", audit.digest(PAGE))
    assert ingested.what.endswith(".txt") and str(PAGE) in ingested.detail
