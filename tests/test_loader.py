"""components.loader: each validation rule on a copy of the real data with one bad cell, and unreadable files."""

import csv
import shutil
from pathlib import Path

import pytest
from builders import ARTICLE, FROZEN_DATA, FROZEN_SEEDS, TEXT, copy_data, copy_seeds, write_dataset

from components import config, loader
from components.loader import DataFileError

REPO = Path(__file__).resolve().parent.parent
EVENTS, ACTORS, PLACES = "events.csv", "actors.csv", "places.csv"
KEY = {EVENTS: "event_id_cnty", ACTORS: "name", PLACES: "name"}


def real_rows(file):
    """The rows of a frozen data file, read with plain csv."""
    with (FROZEN_DATA / file).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def real_keys(file):
    """The key of every row of a frozen data file, in file order."""
    return [row[KEY[file]] for row in real_rows(file)]


def line_of(path, key):
    """The 1-based physical line of the row whose first cell is key, found in the raw text."""
    lines = path.read_text(encoding="utf-8").split("\n")
    [number] = [n for n, text in enumerate(lines, 1) if text.startswith(key + ",")]
    return number


@pytest.fixture
def root(tmp_path):
    """A writable copy of the frozen data and seeds (tests/fixtures) in tmp_path."""
    copy_data(tmp_path / "data")
    copy_seeds(tmp_path / "seeds")
    return tmp_path


@pytest.fixture
def edit(root):
    """Set one cell of the copy: edit(file, key, column, value) -> the edited row's line in the file."""

    def set_cell(file, key, column, value):
        path = root / "data" / file
        line = line_of(path, key)  # where the row starts, before and after the edit
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        [row] = [r for r in rows[1:] if r[0] == key]
        row[rows[0].index(column)] = value
        with path.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows(rows)
        return line

    return set_cell


def load(root):
    """Load the copy in root."""
    return loader.load(root / "data", root / "seeds")


def file_problem(root, path):
    """Load the copy: one file problem names `path`, a command refuses the dataset, and the page still gets rows."""
    dataset = load(root)
    [message] = [m for m in dataset.file_problems if str(path) in m]
    with pytest.raises(DataFileError):
        dataset.raise_for_files()
    return message, dataset


def the_problem(dataset, file, line, column):
    """The one problem at this file, line and column."""
    [problem] = [p for p in dataset.problems if (p.file, p.line, p.column) == (file, line, column)]
    return problem


def assert_rejected(dataset, file, line, column, value, key):
    """The row at line is reported at this column with this value, kept in rejected, absent from the valid rows."""
    problem = the_problem(dataset, file, line, column)
    assert problem.value == value
    assert (file, line) in set(zip(dataset.rejected["file"], dataset.rejected["line"]))
    frame = {EVENTS: dataset.events, ACTORS: dataset.actors, PLACES: dataset.places}[file]
    assert line not in set(frame["line"])
    assert key not in set(frame[KEY[file]])
    return problem


def assert_only_row_rejected(dataset, file, line, key):
    """Every problem is on that one row, and every other row of every file still loads."""
    assert {(p.file, p.line) for p in dataset.problems} == {(file, line)}
    for name, frame in ((EVENTS, dataset.events), (ACTORS, dataset.actors), (PLACES, dataset.places)):
        expected = [k for k in real_keys(name) if not (name == file and k == key)]
        assert list(frame[KEY[name]]) == expected


def rejected_alone(root, edit, key, column, value):
    """Set one cell of an event, load, and check that row alone is rejected for that cell; return the problem."""
    line = edit(EVENTS, key, column, value)
    dataset = load(root)
    problem = assert_rejected(dataset, EVENTS, line, column, value, key)
    assert_only_row_rejected(dataset, EVENTS, line, key)
    return problem


def test_copy_of_real_data_loads_clean(root):
    """The unedited copy has no problems, so every problem in the tests below comes from the edit."""
    dataset = load(root)
    assert dataset.problems == []
    assert list(dataset.events["event_id_cnty"]) == real_keys(EVENTS)


def test_date_that_does_not_parse(root, edit):
    """An event_date that is not YYYY-MM-DD rejects its row."""
    problem = rejected_alone(root, edit, "LBY-MEMO-0005", "event_date", "29/01/2021")
    assert "YYYY-MM-DD" in problem.expected


def test_impossible_calendar_date(root, edit):
    """A well-formed but impossible date (30 February) rejects its row."""
    rejected_alone(root, edit, "LBY-MEMO-0005", "event_date", "2021-02-30")


def test_time_precision_out_of_range(root, edit):
    """time_precision 4 is not one of ACLED's codes 1, 2, 3."""
    problem = rejected_alone(root, edit, "LBY-MEMO-0002", "time_precision", "4")
    assert problem.expected == "one of 1, 2, 3"


def test_geo_precision_out_of_range(root, edit):
    """geo_precision 4 on a located event rejects its row, reported with the cell's own value."""
    line = edit(EVENTS, "LBY-MEMO-0009", "geo_precision", "4")
    dataset = load(root)
    reported = [p for p in dataset.problems if p.column == "geo_precision" and p.value == "4"]
    assert [(p.file, p.line) for p in reported] == [(EVENTS, line)]
    assert "1, 2, 3" in reported[0].expected
    assert (EVENTS, line) in set(zip(dataset.rejected["file"], dataset.rejected["line"]))
    assert "LBY-MEMO-0009" not in set(dataset.events["event_id_cnty"])
    assert_only_row_rejected(dataset, EVENTS, line, "LBY-MEMO-0009")


def test_geo_precision_out_of_range_reported_once(root, edit):
    """A bad geo_precision gives one problem, not a second one claiming the cell is empty."""
    line = edit(EVENTS, "LBY-MEMO-0009", "geo_precision", "4")
    dataset = load(root)
    assert [p.value for p in dataset.problems if (p.line, p.column) == (line, "geo_precision")] == ["4"]


@pytest.mark.parametrize(
    ("column", "value"), [("latitude", "91"), ("latitude", "-90.5"), ("longitude", "181"), ("longitude", "-200")]
)
def test_event_coordinate_out_of_range(root, edit, column, value):
    """A latitude beyond ±90 or a longitude beyond ±180 in events.csv rejects the event."""
    rejected_alone(root, edit, "LBY-MEMO-0008", column, value)


@pytest.mark.parametrize(("column", "value"), [("latitude", "91"), ("longitude", "-181")])
def test_place_coordinate_out_of_range(root, edit, column, value):
    """A place with a coordinate out of range is rejected, and so are the events there, each with a reason."""
    line = edit(PLACES, "Sirte", column, value)
    dataset = load(root)
    assert_rejected(dataset, PLACES, line, column, value, "Sirte")
    assert list(dataset.places["name"]) == [k for k in real_keys(PLACES) if k != "Sirte"]
    at_sirte = [r["event_id_cnty"] for r in real_rows(EVENTS) if r["location"] == "Sirte"]
    assert at_sirte, "the real data has an event at Sirte"
    for key in at_sirte:
        event_line = line_of(root / "data" / EVENTS, key)
        assert_rejected(dataset, EVENTS, event_line, "location", "Sirte", key)
    assert list(dataset.events["event_id_cnty"]) == [k for k in real_keys(EVENTS) if k not in at_sirte]


def test_swapped_place_coordinates_are_caught(root, edit):
    """Sirte with latitude and longitude swapped (both in range) lies outside Libya: rejected, saying so."""
    lat, lon = [(r["latitude"], r["longitude"]) for r in real_rows(PLACES) if r["name"] == "Sirte"][0]
    edit(PLACES, "Sirte", "latitude", lon)
    line = edit(PLACES, "Sirte", "longitude", lat)
    dataset = load(root)
    problem = the_problem(dataset, PLACES, line, "latitude, longitude")
    assert problem.value == f"{float(lon):g}, {float(lat):g}"
    assert "a point in Libya" in problem.expected and "swapped" in problem.expected
    assert "Sirte" not in set(dataset.places["name"])


def test_an_event_at_a_rejected_place_says_why(root, edit):
    """An event at a place whose row was rejected points to that row and its reason, not to a missing name."""
    place_line = edit(PLACES, "Sirte", "latitude", "91")
    dataset = load(root)
    [key] = [r["event_id_cnty"] for r in real_rows(EVENTS) if r["location"] == "Sirte"]
    problem = the_problem(dataset, EVENTS, line_of(root / "data" / EVENTS, key), "location")
    assert "'Sirte' is there, but its row was rejected" in problem.expected
    assert f"line {place_line}, latitude: '91'" in problem.expected


def test_swapped_event_coordinates_are_caught(root, edit):
    """An event carrying its own point must lie in its country too."""
    edit(EVENTS, "LBY-MEMO-0009", "latitude", "16.58866")
    line = edit(EVENTS, "LBY-MEMO-0009", "longitude", "31.20892")
    dataset = load(root)
    assert_rejected(dataset, EVENTS, line, "latitude, longitude", "16.5887, 31.2089", "LBY-MEMO-0009")


def test_missing_required_column(root):
    """A header without the quote column is one file problem naming the file, line 1 and the column."""
    path = root / "data" / EVENTS
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    at = rows[0].index("quote")
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(r[:at] + r[at + 1 :] for r in rows)
    message, dataset = file_problem(root, path)
    assert "line 1" in message
    assert "quote" in message
    assert dataset.events.empty and len(dataset.actors) == len(real_keys(ACTORS))  # the other files still load


def test_duplicate_event_id(root, edit):
    """The second row with an already used event_id_cnty is rejected; the first one still loads."""
    first = line_of(root / "data" / EVENTS, "LBY-MEMO-0004")
    second = edit(EVENTS, "LBY-MEMO-0005", "event_id_cnty", "LBY-MEMO-0004")
    dataset = load(root)
    problem = the_problem(dataset, EVENTS, second, "event_id_cnty")
    assert problem.value == "LBY-MEMO-0004"
    assert (EVENTS, second) in set(zip(dataset.rejected["file"], dataset.rejected["line"]))
    kept = dataset.events[dataset.events["event_id_cnty"] == "LBY-MEMO-0004"]
    assert list(kept["line"]) == [first]
    assert {(p.file, p.line) for p in dataset.problems} == {(EVENTS, second)}
    assert len(dataset.events) == len(real_keys(EVENTS)) - 1


def test_actor_alias_instead_of_name(root, edit):
    """An actor written as an alias is rejected, and the reason names the canonical actor."""
    problem = rejected_alone(root, edit, "LBY-MEMO-0001", "actor1", "Turkish forces")
    assert "actors.csv" in problem.expected
    assert "'Turkish forces' is an alias of 'Turkish armed forces'" in problem.expected


def test_unknown_actor_in_list_column(root, edit):
    """In a ';' list of associated actors, only the unknown name is reported, with no alias hint."""
    line = edit(EVENTS, "LBY-MEMO-0006", "assoc_actor_2", "Turkey; Egypt")
    dataset = load(root)
    problem = assert_rejected(dataset, EVENTS, line, "assoc_actor_2", "Egypt", "LBY-MEMO-0006")
    assert "alias" not in problem.expected
    assert_only_row_rejected(dataset, EVENTS, line, "LBY-MEMO-0006")


def test_unknown_sponsor_in_actors(root, edit):
    """An actor whose sponsor is not an actor is rejected from actors.csv."""
    line = edit(ACTORS, "Richard Mills", "sponsor", "Atlantis")
    dataset = load(root)
    assert_rejected(dataset, ACTORS, line, "sponsor", "Atlantis", "Richard Mills")
    events_line = {line_of(root / "data" / EVENTS, k) for k in ("LBY-MEMO-0006", "LBY-MEMO-0007")}
    assert {p.line for p in dataset.problems if p.file == EVENTS} == events_line  # their actor1 is now unknown


@pytest.mark.parametrize(
    ("key", "column", "value", "says", "does_not_say"),
    [
        ("LBY-MEMO-0008", "location", "Benghazi", "places.csv", "alias"),
        (
            "LBY-MEMO-0004",
            "quote",
            "Turkey has withdrawn all its forces from Libya",
            "000_a73a2923047b2e61.txt",
            "no-break",
        ),
        ("LBY-MEMO-0007", "article", "999_missing.txt", "seeds/", "verbatim"),
        ("LBY-MEMO-0005", "year", "2020", "2021", "verbatim"),
    ],
    ids=["place not in places.csv", "quote not verbatim", "article not in seeds", "year not the date's"],
)
def test_a_bad_reference_rejects_only_its_row(root, edit, key, column, value, says, does_not_say):
    """A place, quote, article or year that does not check out rejects its row alone, saying what was expected."""
    problem = rejected_alone(root, edit, key, column, value)
    assert says in problem.expected and does_not_say not in problem.expected


def test_place_alias_instead_of_name(root, edit):
    """A location written as a place's alias is rejected with a hint naming the place."""
    line = edit(EVENTS, "LBY-MEMO-0008", "location", "the capital Tripoli")
    dataset = load(root)
    problem = assert_rejected(dataset, EVENTS, line, "location", "the capital Tripoli", "LBY-MEMO-0008")
    assert "is an alias of 'Tripoli'" in problem.expected


def test_quote_with_plain_space_for_no_break_space(root, edit):
    """A quote typed with a plain space where the article has a no-break space gets the no-break-space hint."""
    [real] = [r["quote"] for r in real_rows(EVENTS) if r["event_id_cnty"] == "LBY-MEMO-0003"]
    assert "\xa0" in real, "the real quote copies the article's no-break space"
    retyped = real.replace("\xa0", " ")
    problem = rejected_alone(root, edit, "LBY-MEMO-0003", "quote", retyped)
    assert "no-break" in problem.expected


def test_actor_quote_not_verbatim(root, edit):
    """An actor whose quote is not in the article is rejected from actors.csv too."""
    line = edit(ACTORS, "United Arab Emirates", "quote", "the UAE withdrew")
    dataset = load(root)
    assert_rejected(dataset, ACTORS, line, "quote", "the UAE withdrew", "United Arab Emirates")


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("part_of", "Atlantis Group", "a name in actors.csv"),
        ("part_of", "Russian mercenaries", "another actor than the row's own"),
        ("part_of_quote", "", "the article's words that link the two actors"),
        ("part_of_quote", "mercenaries of the Wagner Group", "a verbatim span of 000_a73a2923047b2e61.txt"),
    ],
    ids=["unknown actor", "itself", "no quote", "quote not verbatim"],
)
def test_a_link_between_actors_is_checked(root, edit, column, value, expected):
    """Russian mercenaries are counted as the Wagner Group on the article's words: a link to an unknown actor or to
    itself, or with no verbatim quote, rejects the row."""
    line = edit(ACTORS, "Russian mercenaries", column, value)
    problem = assert_rejected(load(root), ACTORS, line, column, value, "Russian mercenaries")
    assert expected in problem.expected


def test_a_link_quote_needs_its_link(root, edit):
    """A quote with no actor to link to is a problem too: the row says half of something."""
    line = edit(ACTORS, "Wagner Group", "part_of_quote", "the Kremlin-linked Wagner Group")
    assert_rejected(load(root), ACTORS, line, "part_of", "", "Wagner Group")


def test_row_with_too_many_fields(root):
    """A row with one field more than the header is reported, not silently cut to size."""
    path = root / "data" / EVENTS
    line = line_of(path, "LBY-MEMO-0005")
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[line - 1] += ",extra"
    path.write_text("\n".join(lines), encoding="utf-8")
    width = len(lines[0].split(","))
    dataset = load(root)
    assert_rejected(dataset, EVENTS, line, "(row)", f"{width + 1} fields", "LBY-MEMO-0005")
    assert_only_row_rejected(dataset, EVENTS, line, "LBY-MEMO-0005")


@pytest.mark.parametrize("blank", ["", "   "])
def test_required_cell_empty(root, edit, blank):
    """An empty (or only spaces) required cell rejects the row."""
    rejected_alone(root, edit, "LBY-MEMO-0005", "actor1", blank)


def test_line_numbers_count_multiline_cells(root, edit):
    """A cell spanning two lines shifts the reported line of every later row to its real line in the file."""
    before = line_of(root / "data" / EVENTS, "LBY-MEMO-0005")
    edit(EVENTS, "LBY-MEMO-0002", "notes", "first line\nsecond line")
    line = edit(EVENTS, "LBY-MEMO-0005", "time_precision", "9")
    assert line == before + 1
    dataset = load(root)
    assert_rejected(dataset, EVENTS, line, "time_precision", "9", "LBY-MEMO-0005")
    assert_only_row_rejected(dataset, EVENTS, line, "LBY-MEMO-0005")


def test_bom_is_harmless(root):
    """A UTF-8 byte order mark (as Excel writes) does not hide the first column."""
    path = root / "data" / EVENTS
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load(root).problems == []


UNREADABLE = {
    "empty": b"",
    "not UTF-8": b"\xff\xfe" + "name,country\n".encode("utf-16-le"),
    "JSON text": b'{"events": [{"id": 1, "date": "2021-01-29"}]}\n',
    "header with none of the columns": b"id,when,what\n1,2021-01-29,statement\n",
}


@pytest.mark.parametrize("file", [EVENTS, ACTORS, PLACES])
@pytest.mark.parametrize("case", sorted(UNREADABLE))
def test_unreadable_file(root, file, case):
    """A file that cannot be read as the table is one file problem naming the file; it counts as no rows."""
    path = root / "data" / file
    path.write_bytes(UNREADABLE[case])
    _, dataset = file_problem(root, path)
    frame = {EVENTS: dataset.events, ACTORS: dataset.actors, PLACES: dataset.places}[file]
    assert frame.empty


@pytest.mark.parametrize("file", [EVENTS, ACTORS, PLACES])
def test_missing_file(root, file):
    """A missing data file is one file problem naming the file."""
    path = root / "data" / file
    path.unlink()
    message, _ = file_problem(root, path)
    assert "file not found" in message


@pytest.mark.parametrize("file", [EVENTS, ACTORS, PLACES])
def test_broken_csv_quoting(root, file):
    """A quote closed in the middle of a field is one file problem naming the file and the line."""
    path = root / "data" / file
    header, rest = path.read_text(encoding="utf-8").split("\n", 1)
    path.write_text(f'{header}\n"bad"quote,x\n{rest}', encoding="utf-8")
    message, _ = file_problem(root, path)
    assert "not valid CSV" in message and f"{path}, line 2" in message


def test_unterminated_quote(root):
    """A quote left open to the end of the file is one file problem naming the file."""
    path = root / "data" / PLACES
    path.write_text(path.read_text(encoding="utf-8") + 'Benghazi,"the second city\n', encoding="utf-8")
    message, _ = file_problem(root, path)
    assert "not valid CSV" in message


def test_data_dir_reads_environment_at_call_time(tmp_path, monkeypatch):
    """data_dir() follows CONFLICT_MONITOR_DATA as it is when called, and falls back to data/ in the repo."""
    monkeypatch.delenv(config.DATA_ENV, raising=False)
    assert config.data_dir() == REPO / "data"
    monkeypatch.setenv(config.DATA_ENV, str(tmp_path / "one"))
    assert config.data_dir() == tmp_path / "one"
    monkeypatch.setenv(config.DATA_ENV, str(tmp_path / "two"))
    assert config.data_dir() == tmp_path / "two"


def test_load_uses_data_dir_from_environment(root, edit, monkeypatch):
    """load() with no arguments reads the directories named by the environment variables."""
    line = edit(EVENTS, "LBY-MEMO-0005", "time_precision", "4")
    monkeypatch.setenv(config.DATA_ENV, str(root / "data"))
    monkeypatch.setenv(config.SEEDS_ENV, str(root / "seeds"))
    dataset = loader.load()
    assert_rejected(dataset, EVENTS, line, "time_precision", "4", "LBY-MEMO-0005")


def test_missing_data_dir_from_environment(tmp_path, monkeypatch):
    """An environment variable naming a directory without the files gives a file problem naming each file there."""
    monkeypatch.setenv(config.DATA_ENV, str(tmp_path / "nowhere"))
    monkeypatch.setenv(config.SEEDS_ENV, str(FROZEN_SEEDS))
    dataset = loader.load()
    assert [m.split(":")[0] for m in dataset.file_problems] == [
        str(tmp_path / "nowhere" / file) for file in (ACTORS, PLACES, EVENTS)
    ]
    with pytest.raises(DataFileError, match="nowhere"):
        dataset.raise_for_files()


def test_article_not_utf8(root):
    """A seed article that is not UTF-8 is a file problem naming it; its events are rejected and listed."""
    (root / "seeds" / "000_a73a2923047b2e61.txt").write_bytes(b"\xff\xfe not text")
    message, dataset = file_problem(root, root / "seeds" / "000_a73a2923047b2e61")
    assert "UnicodeDecodeError" in message
    assert dataset.events.empty and len(dataset.rejected) == len(real_keys(EVENTS)) + len(real_keys(ACTORS))


def test_seeds_without_sidecars(root):
    """With no sidecar in seeds/, one file problem names the folder and every row is rejected and listed."""
    (root / "seeds" / "000_a73a2923047b2e61.meta.json").unlink()
    message, dataset = file_problem(root, root / "seeds")
    assert "no article" in message
    assert dataset.events.empty
    assert len(dataset.rejected[dataset.rejected["file"] == EVENTS]) == len(real_keys(EVENTS))


def test_missing_seeds_folder(root):
    """A seeds folder that does not exist is named; every event and actor is rejected and listed, none lost."""
    shutil.rmtree(root / "seeds")
    message, dataset = file_problem(root, root / "seeds")
    assert "folder not found" in message
    assert len(dataset.rejected) == len(real_keys(EVENTS)) + len(real_keys(ACTORS))


@pytest.mark.parametrize("file", [EVENTS, ACTORS])
def test_a_file_with_only_its_header(root, file):
    """A file with only its header is named; with no actors, every event that names one is rejected and listed."""
    path = root / "data" / file
    path.write_text(path.read_text(encoding="utf-8").split("\n")[0] + "\n", encoding="utf-8")
    message, dataset = file_problem(root, path)
    assert "no rows" in message
    rejected_events = dataset.rejected[dataset.rejected["file"] == EVENTS]
    assert len(rejected_events) == (len(real_keys(EVENTS)) if file == ACTORS else 0)


def test_repeated_header_column(root):
    """A header that names a column twice is one file problem naming the file and the column."""
    path = root / "data" / PLACES
    lines = path.read_text(encoding="utf-8").split("\n")
    lines = [lines[0] + ",name"] + [text + ",x" if text else text for text in lines[1:]]
    path.write_text("\n".join(lines), encoding="utf-8")
    message, _ = file_problem(root, path)
    assert "more than once: name" in message


def test_a_changed_article_is_refused(tmp_path):
    """An article whose bytes differ from its sidecar's checksum is refused: its quotes cannot be checked."""
    data, seeds = write_dataset(tmp_path)
    (seeds / ARTICLE).write_text(TEXT.replace("Alpha", "Alfa"), encoding="utf-8")
    dataset = loader.load(data, seeds)
    assert any("tiny.txt: its sha256 differs from tiny.meta.json" in m for m in dataset.file_problems)
    assert dataset.events.empty and dataset.articles.empty
