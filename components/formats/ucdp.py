"""UCDP GED files: the yearly release and the Candidate events, with or without a header row.

Sources for every rule: docs/codebooks.md (the GED and Candidate codebooks as quoted there, and real files).
"""

from __future__ import annotations

from components.formats.base import (
    MAX_WHOLE,
    Check,
    Format,
    coordinates,
    declared,
    in_history,
    lit,
    not_whole_in,
    number,
    required,
    whole,
)

# fmt: off
COLUMNS = (
    "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id", "conflict_new_id",
    "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name", "side_a_dset_id", "side_a_new_id", "side_a",
    "side_b_dset_id", "side_b_new_id", "side_b", "number_of_sources", "source_article", "source_office",
    "source_date", "source_headline", "source_original", "where_prec", "where_coordinates", "where_description",
    "adm_1", "adm_2", "latitude", "longitude", "geom_wkt", "priogrid_gid", "country", "country_id", "region",
    "event_clarity", "date_prec", "date_start", "date_end", "deaths_a", "deaths_b", "deaths_civilians",
    "deaths_unknown", "best", "high", "low", "gwnoa", "gwnob",
)  # fmt: skip, the GED release's order: a Candidate file without a header row has its fields in this order
# fmt: on
DATE_FORMATS = ["%Y-%m-%d", "%Y-%m-%d %H:%M:%S.%g", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"]  # the API: T
VIOLENCE = {1: "State-based conflict", 2: "Non-state conflict", 3: "One-sided violence"}
# date_prec: 1 the day; 2 a 2-6 day range and 3 the week (both within a week); 4 up to 30 days or the month;
# 5 up to a calendar year. date_start..date_end is the span itself.
PRECISION = "CASE _dp WHEN 1 THEN 'day' WHEN 2 THEN 'week' WHEN 3 THEN 'week' WHEN 4 THEN 'month' ELSE 'year' END"
# where_prec: 1 the place; 2 within about 25 km of it; 3-5 an area (district, province, a road or region) at a
# representative point; 6 only the country and 7 international waters or airspace: no point to draw.
GEO = "CASE _wp WHEN 1 THEN 1 WHEN 2 THEN 2 WHEN 3 THEN 3 WHEN 4 THEN 3 WHEN 5 THEN 3 END"
POINT = "_wp BETWEEN 1 AND 5"
MAX_DEATHS = 10_000_000  # in one event (UCDP's high estimates run larger than ACLED's counts)

# fmt: off
UCDP = Format(
    name="ucdp",
    dataset="UCDP GED",
    columns=COLUMNS,
    required=("id", "type_of_violence", "side_a", "side_b", "date_prec", "date_start", "date_end", "where_prec",
              "latitude", "longitude", "country", "best"),  # fmt: skip
    headerless=COLUMNS,
    parsed={
        "_id": whole("id"),
        "_start": f"try_strptime(date_start, {DATE_FORMATS})::DATE",
        "_end": f"try_strptime(date_end, {DATE_FORMATS})::DATE",
        "_dp": whole("date_prec"),
        "_wp": whole("where_prec"),
        "_tv": whole("type_of_violence"),
        "_lat": number("latitude"),
        "_lon": number("longitude"),
        "_plat": f"CASE WHEN {POINT} THEN {number('latitude')} END",
        "_plon": f"CASE WHEN {POINT} THEN {number('longitude')} END",
        "_best": whole("best"),
        "_low": whole("low"),
        "_high": whole("high"),
    },
    checks=(
        *required("id", "type_of_violence", "side_a", "date_prec", "date_start", "date_end", "where_prec", "best"),
        declared("country"),  # the columns events.csv declares too, by its rules (schema.Events)
        *coordinates(),
        Check("id", not_whole_in("id", 0, MAX_WHOLE), lit(f"a whole number from 0 to {MAX_WHOLE:,}")),
        Check("date_start", "date_start <> '' AND _start IS NULL", lit("a date YYYY-MM-DD")),
        Check("date_end", "date_end <> '' AND _end IS NULL", lit("a date YYYY-MM-DD")),
        in_history("date_start", "_start"),
        Check("date_end", "_end < _start", "'a date on or after date_start, ' || _start"),
        Check("date_prec", not_whole_in("date_prec", 1, 5), lit("1 to 5")),
        Check("where_prec", not_whole_in("where_prec", 1, 7), lit("1 to 7")),
        Check("type_of_violence", not_whole_in("type_of_violence", 1, 3), lit("1, 2 or 3")),
        *(Check(c, not_whole_in(c, 0, MAX_DEATHS), lit(f"a whole number of deaths from 0 to {MAX_DEATHS:,}"))
          for c in ("best", "low", "high")),
    ),  # fmt: skip
    point=("_plat", "_plon"),  # a country centroid or a point at sea is not checked against the country's box
    mapping={
        "uid": "'UCDP:' || id",
        "dataset": "'UCDP GED'",
        "event_id": "id",
        "version": "0",
        "start_date": "_start",
        "end_date": "_end",
        "precision": PRECISION,
        "date_basis": "'event'",
        "reported": "_end",
        "event_type": "CASE _tv " + " ".join(f"WHEN {k} THEN '{v}'" for k, v in VIOLENCE.items()) + " END",
        "actor1": "side_a",
        "actor2": "side_b",
        "actors": "list_filter([side_a, side_b], lambda x: x <> '')",
        "country": "country",
        "admin1": "adm_1",
        "admin2": "adm_2",
        "location": "where_coordinates",
        "latitude": "_plat",
        "longitude": "_plon",
        "geo_precision": GEO,
        "fatalities": "_best",
        "fatalities_low": "_low",
        "fatalities_high": "_high",
        "evidence": "source_headline",
        "evidence_kind": "'UCDP source headlines'",
        "source": "source_office",
        "source_date": "source_date",
        "source_article": "source_article",
    },
)
# fmt: on
