"""The command line as analysts run it (the `conflict-monitor` script): in this process through components.cli.main,
and once as a program, `python -m components`, in a subprocess."""

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from builders import run_entry, shipped, use_data

from components import briefing, cli
from components.datafiles import SOURCES

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def run(tmp_path, monkeypatch, capsys):
    """Run the command on a copy of the shipped data with a store of its own: (exit code, stdout, stderr)."""
    data, seeds = shipped(tmp_path)
    use_data(monkeypatch, data, seeds, tmp_path / "store")

    def command(*args: str) -> tuple[int, str, str]:
        return run_entry(cli.main, capsys, list(args))

    command.data = data
    return command


def test_import_prints_one_line_per_file_then_its_problems(run):
    """Run as a program: format, rows read, events added/updated/unchanged, rows with problems; then each problem with
    its line. The one test of `python -m components` in a subprocess; the others call it in this process."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "components",
            "import",
            str(FIXTURES / "acled_current.csv"),
            str(FIXTURES / "bad_lines.csv"),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip (the environment names the folders: see the fixture run)
    code, out, err = done.returncode, done.stdout, done.stderr
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == (
        "sources/acled/acled_current.csv: acled, 7 rows read: 7 events (7 added, 0 updated, 0 unchanged), "
        "0 rows with problems"
    )
    assert lines[1].startswith("sources/acled/bad_lines.csv: acled, 9 rows read: 3 events") and lines[1].endswith(
        "6 rows with problems"
    )
    assert "  sources/acled/bad_lines.csv, line 3, column (row): '32 fields' — expected 31 fields" in out
    assert "acled_current.csv: checking encoding…" in err  # plain progress lines when not on a terminal


def test_importing_again_adds_nothing(run):
    """The same file twice: the second says so and adds nothing."""
    run("import", str(FIXTURES / "ucdp_ged.csv"))
    code, out, _ = run("import", str(FIXTURES / "ucdp_ged.csv"))
    assert code == 0 and "(0 added, 0 updated, 6 unchanged)" in out and "nothing copied" in out


@pytest.mark.parametrize(("name", "says"), [("unknown_format.csv", "not a known format; tried ACLED"),
                                            ("not_utf8.csv", "not UTF-8 text: byte 606")])  # fmt: skip
def test_a_file_that_cannot_be_read_is_one_line_exit_2_and_nothing_copied(run, name, says):
    """One line naming the file and why, exit code 2, and nothing under data/sources/."""
    code, out, err = run("import", str(FIXTURES / name))
    assert code == 2 and out == ""
    [message] = [line for line in err.splitlines() if line.startswith("error:")]
    assert name in message and says in message
    assert list(run.data.glob(f"{SOURCES}/*/*.csv")) == []


def test_headerless_candidate_with_format_named(run):
    """A UCDP Candidate file without a header row loads, recognised or named with --format ucdp."""
    code, out, err = run("import", "--format", "ucdp", str(FIXTURES / "ucdp_candidate_noheader.csv"))
    assert code == 0, err
    assert "ucdp, 3 rows read: 3 events (3 added" in out


def test_sources_lists_each_file(run):
    """Each loaded file with its format, rows, date range and countries."""
    run("import", str(FIXTURES / "acled_multicountry.csv"))
    code, out, _ = run("sources")
    assert code == 0
    assert "sources/acled/acled_multicountry.csv: acled, 6 rows (6 events, 0 with problems)" in out
    assert "Egypt, Libya, Tunisia" in out


def test_briefing_filters_by_dataset_and_country(run, tmp_path):
    """--dataset and --country keep only those events in the export."""
    run("import", str(FIXTURES / "acled_multicountry.csv"))
    out = tmp_path / "tunisia.csv"
    code, said, err = run("briefing", "--dataset", "ACLED", "--country", "Tunisia", "--out", str(out))
    assert code == 0, err
    assert "2 events" in said
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert {r["country"] for r in rows} == {"Tunisia"} and {r["dataset"] for r in rows} == {"ACLED"}


def test_old_briefing_command_still_works(run, tmp_path, monkeypatch, capsys):
    """`python -m components.briefing` (components.briefing.main, reading sys.argv) writes the same export as
    `conflict-monitor briefing`."""
    new, old = tmp_path / "new.csv", tmp_path / "old.csv"
    code, _, err = run("briefing", "--actor", "Russia", "--out", str(new))
    assert code == 0, err
    monkeypatch.setattr(sys, "argv", ["briefing.py", "--actor", "Russia", "--out", str(old)])
    code, said, err = run_entry(briefing.main, capsys)
    assert code == 0, err
    assert said.startswith(f"wrote {old} (")
    assert new.read_bytes() == old.read_bytes()


def test_serve_passes_streamlit_options_on_and_other_commands_refuse_unknown_ones(run):
    """`serve` hands every option it does not know to `streamlit run`; any other command refuses them in one line."""
    args = cli.parse(["serve", "--server.port", "8600", "--server.headless", "true"])
    assert (args.command, args.streamlit) == ("serve", ["--server.port", "8600", "--server.headless", "true"])
    code, out, err = run("sources", "--server.port", "8600")
    assert code == 2 and out == "" and err.strip() == "error: unrecognized arguments: --server.port 8600 (see --help)"
