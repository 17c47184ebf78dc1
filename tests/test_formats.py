"""Dataset files as analysts download them: records and their lines, the format, and each rule of the mapping.

The fixtures in tests/fixtures/ are one small file per real-world shape (see their README): every row is invented.
"""

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from components.formats import csvfile
from components.formats.detect import UnknownFormat, detect
from components.formats.refusal import UnreadableFile

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAME_SEVEN = ["acled_current.csv", "acled_numeric_inter.csv", "acled_export_tool.csv", "acled_spreadsheet.csv"]


def load(path: Path) -> tuple[pd.DataFrame, pd.DataFrame, csvfile.RawTable]:
    """Read, check and map one file in a fresh in-memory DuckDB: its model rows, its problems and its raw table."""
    return loaded(path)[:3]


def loaded(path: Path) -> tuple[pd.DataFrame, pd.DataFrame, csvfile.RawTable, int]:
    """As `load`, and the rows merged into an earlier row's event (a monadic file's second actors)."""
    con = duckdb.connect()
    csvfile.check_utf8(path)
    found = detect(path)
    raw = csvfile.read(con, path, found.names)
    result = found.format.run(con, raw, path.name)
    events, problems = (con.execute(f"SELECT * FROM {t}").df() for t in (result.events, result.problems))
    return events, problems, raw, result.merged


def one(events: pd.DataFrame, event_id: str) -> pd.Series:
    """The model row of one event."""
    [row] = [r for _, r in events.iterrows() if r["event_id"] == event_id]
    return row


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        (f.name, "ucdp" if "ucdp" in f.name else "acled")
        for f in sorted(FIXTURES.glob("*.csv"))
        if f.name not in ("not_utf8.csv", "unknown_format.csv")
    ],  # fmt: skip
)
def test_every_shape_is_recognised_and_every_row_accounted_for(name, fmt):
    """Each fixture is detected as its format, and rows read = events + merged rows (a monadic file's second actors)
    + rows with problems."""
    path = FIXTURES / name
    assert detect(path).format.name == fmt
    events, problems, raw, merged = loaded(path)
    assert raw.rows == len(events) + merged + problems["line"].nunique()
    assert merged == (4 if name == "acled_monadic.csv" else 0)


def test_headers_match_in_any_case_and_order(tmp_path):
    """Upper-case names (as in the 2001 Africa file) in another order are the same format."""
    text = (FIXTURES / "acled_current.csv").read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    columns = header.split(",")
    order = list(reversed(range(len(columns))))
    upper = ",".join(columns[i].upper() for i in order)
    lines = [",".join(row[i] for i in order) for row in (line.split(",") for line in rest.splitlines()[:1])]
    (tmp_path / "shuffled.csv").write_text(upper + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    assert detect(tmp_path / "shuffled.csv").format.name == "acled"


def test_a_file_of_no_known_format_names_the_formats_tried():
    """An unrelated CSV: one message naming the file and each format with what it lacks."""
    with pytest.raises(UnknownFormat) as err:
        detect(FIXTURES / "unknown_format.csv")
    message = str(err.value)
    assert "unknown_format.csv" in message and "ACLED (missing" in message and "UCDP GED (missing" in message


def test_a_file_that_is_not_utf8_names_the_byte():
    """Windows-1252 bytes: one message naming the file and the offset of the first bad byte."""
    with pytest.raises(UnreadableFile, match=r"not_utf8\.csv: not UTF-8 text: byte 606 is b'\\x96'"):
        csvfile.check_utf8(FIXTURES / "not_utf8.csv")


def test_record_lines_count_line_breaks_inside_quotes():
    """Notes with \\n, \\r\\n and \\n\\n inside quotes: each event gets the line its record starts on."""
    events, _, _ = load(FIXTURES / "acled_multiline.csv")
    assert list(events.sort_values("line")["line"]) == [2, 4, 6, 7]
    assert "\r\n" in one(events, "LBY90502")["evidence"]  # the note keeps its line break as written


def test_blank_lines_and_a_bad_row_after_multiline_records(tmp_path):
    """A blank line is no row; a row of the wrong width after multi-line records is reported on its own line."""
    data = (FIXTURES / "acled_multiline.csv").read_bytes()
    header, body = data.split(b"\n", 1)
    bad = tmp_path / "mixed.csv"
    bad.write_bytes(header + b"\n\n" + body + b"\nBAD,ROW\n")
    events, problems, raw = load(bad)
    assert raw.rows == 5 and list(events.sort_values("line")["line"]) == [3, 5, 7, 8]
    [row] = problems.to_dict("records")
    assert (row["line"], row["column"], row["value"]) == (12, "(row)", "2 fields")  # after a blank line 11
    assert row["expected"] == "34 fields, as in the header"


BAD_LINES = {
    3: ("(row)", "32 fields"),
    4: ("(row)", "30 fields"),
    5: ("event_date", "2020-02-30"),
    7: ("event_date", "0025-06-18"),
    8: ("latitude", "95.0000"),
    9: ("latitude, longitude", "13.1913, 32.8872"),
}


def test_each_bad_line_is_a_problem_of_its_line_and_the_rest_load():
    """Too many or too few fields, impossible dates, out of range and swapped coordinates: listed, never loaded."""
    events, problems, _ = load(FIXTURES / "bad_lines.csv")
    assert sorted(events["line"]) == [2, 6, 10]
    for line, (column, value) in BAD_LINES.items():
        at = problems[(problems["line"] == line) & (problems["column"] == column)]
        assert list(at["value"]) == [value], (line, problems[problems["line"] == line].to_dict("records"))
    swapped = problems[problems["line"] == 9].iloc[0]["expected"]
    assert "a point in Libya" in swapped and "swapped" in swapped


def test_the_same_events_in_four_shapes_map_the_same():
    """ISO, '04 June 2020', '4-Jun-20' with a BOM and CRLF, numeric or text inter codes: one model."""
    frames = [load(FIXTURES / name)[0].sort_values("event_id").reset_index(drop=True) for name in SAME_SEVEN]
    same = ["uid", "start_date", "end_date", "precision", "actors", "latitude", "longitude", "geo_precision",
            "fatalities", "evidence", "inter1", "interaction"]  # fmt: skip
    for frame in frames[1:]:
        pd.testing.assert_frame_equal(frame[same], frames[0][same])


def test_acled_precision_keeps_the_week_and_the_month():
    """ACLED writes a week on its middle day and a month on a day of it: the span is the fact, never the day."""
    events, _, _ = load(FIXTURES / "acled_current.csv")
    week, month, day = one(events, "LBY90002"), one(events, "LBY90003"), one(events, "LBY90001")
    assert (week["start_date"], week["end_date"], week["precision"]) == (
        pd.Timestamp("2020-06-07"), pd.Timestamp("2020-06-13"), "week")  # fmt: skip
    assert (month["start_date"], month["end_date"], month["precision"]) == (
        pd.Timestamp("2020-07-01"), pd.Timestamp("2020-07-31"), "month")  # fmt: skip
    assert day["start_date"] == day["end_date"] == pd.Timestamp("2020-06-04") and day["precision"] == "day"


def test_acled_numeric_codes_read_as_words():
    """The older numeric inter and interaction codes become the codebook's words; 0 is no actor."""
    events, _, _ = load(FIXTURES / "acled_numeric_inter.csv")
    first = one(events, "LBY90001")
    assert (first["inter1"], first["interaction"]) == ("State forces", "State forces-State forces")
    solo = one(events, "LBY90002")
    assert (solo["inter2"], solo["interaction"]) == ("", "External/Other forces only")


def test_acled_2016_api_file():
    """Alphabetical columns after pandas' index, ally_actor_1 for the associated actor, old types, bare ids."""
    events, problems, _ = load(FIXTURES / "acled_2016.csv")
    assert problems.empty and len(events) == 5
    us = one(events, "90602")
    assert us["uid"] == "ACLED:Libya:90602"  # a bare number is qualified by its country
    assert us["actors"][:2].tolist() == ["Military Forces of the United States",
                                        "Military Forces of Libya (2016-) Government of National Accord"]  # fmt: skip
    assert us["event_type"] == "Remote violence"  # the old type, as written


def test_a_reduced_field_set_loads():
    """No actor2, assoc_actor_2 or inter2 in the file: the rows load, those fields empty."""
    events, problems, _ = load(FIXTURES / "acled_reduced.csv")
    assert problems.empty and len(events) == 5 and set(events["actor2"]) == {""}


def test_a_multi_country_file_keeps_every_row():
    """Libya, Tunisia and Egypt: every row loads, each point checked against its own country."""
    events, problems, _ = load(FIXTURES / "acled_multicountry.csv")
    assert problems.empty and sorted(set(events["country"])) == ["Egypt", "Libya", "Tunisia"]


def test_acled_provenance_and_evidence():
    """Each row keeps its dataset, id, file and line, and ACLED's notes and source as its evidence."""
    events, _, _ = load(FIXTURES / "acled_current.csv")
    row = one(events, "LBY90001")
    assert (row["dataset"], row["source_file"], row["line"]) == ("ACLED", "acled_current.csv", 2)
    assert row["evidence"].startswith("On 4 June 2020, GNA forces") and row["evidence_kind"] == "ACLED notes"
    assert row["source"] == "Libya Observer; Libya Herald" and row["fatalities"] == 3


def test_ucdp_precisions_and_places():
    """date_prec 1, 3, 4, 5: a day, a week, a month, a year; where_prec 6 and 7 have no point to draw."""
    events, problems, _ = load(FIXTURES / "ucdp_ged.csv")
    assert problems.empty
    spans = {r["event_id"]: (r["start_date"].date(), r["end_date"].date(), r["precision"]) for _, r in
             events.iterrows()}  # fmt: skip
    assert spans["900001"] == (dt.date(2020, 6, 4), dt.date(2020, 6, 4), "day")
    assert spans["900002"] == (dt.date(2020, 6, 8), dt.date(2020, 6, 14), "week")
    assert spans["900003"] == (dt.date(2020, 7, 1), dt.date(2020, 7, 31), "month")
    assert spans["900004"] == (dt.date(2020, 1, 1), dt.date(2020, 12, 31), "year")
    geo = {r["event_id"]: (r["geo_precision"], pd.notna(r["latitude"])) for _, r in events.iterrows()}
    assert geo["900001"] == (1, True) and geo["900002"] == (2, True) and geo["900003"] == (3, True)
    assert geo["900004"][1] is False and geo["900005"][1] is False  # only the country; international waters


def test_ucdp_fatalities_and_evidence():
    """best is the fatalities, low and high are kept; the source headlines are the evidence, with date and office."""
    events, _, _ = load(FIXTURES / "ucdp_ged.csv")
    row = one(events, "900001")
    assert (row["fatalities"], row["fatalities_low"], row["fatalities_high"]) == (7, 7, 9)
    assert row["evidence_kind"] == "UCDP source headlines" and "GNA forces enter Tarhuna" in row["evidence"]
    assert row["source_date"] == "2020-06-05;2020-06-05" and row["source"] == "Libya Observer;Libya Herald"
    assert row["actors"].tolist() == ["Government of Libya", "Forces of Khalifa al-Haftar"]


def test_a_candidate_file_without_a_header_is_recognised_by_its_fields():
    """49 fields and a number first: the GED columns in their order; every row loads."""
    path = FIXTURES / "ucdp_candidate_noheader.csv"
    assert detect(path).names is not None
    events, problems, raw = load(path)
    assert problems.empty and raw.rows == len(events) == 3
    assert sorted(events["line"]) == [1, 2, 3]  # no header: the first line is an event
