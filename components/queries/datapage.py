"""The data page's queries: the places the imported datasets give a point, and the problem rows of one imported file.

Every value goes in as a `$name` parameter; the SQL is this module's own text.
"""

from __future__ import annotations

import pandas as pd

from components.queries.reader import Reader
from components.schema import Model, StoredProblems

# One row per place a dataset names with a coordinate (article rows take theirs from places.csv): the point most of
# its events use, the first file and line that give it (import order, then line), how many events use the point, how
# many use the place and how many distinct points the files give it; the places with most events first.
LOCATED = f"""
SELECT location, latitude, longitude, country, admin1, dataset, source_file, line, finest,
       n::BIGINT AS events_here, total::BIGINT AS events, points::BIGINT AS points
FROM (SELECT location, latitude, longitude, count(*) AS n, min(geo_precision) AS finest,
             sum(count(*)) OVER (PARTITION BY location) AS total,
             count(*) OVER (PARTITION BY location) AS points,
             arg_min(country, (seq, line)) AS country, arg_min(admin1, (seq, line)) AS admin1,
             arg_min(dataset, (seq, line)) AS dataset, arg_min(source_file, (seq, line)) AS source_file,
             arg_min(line, (seq, line)) AS line
      FROM {Model.file}
      WHERE current AND dataset <> 'article' AND location <> '' AND latitude IS NOT NULL AND longitude IS NOT NULL
        {{named}}
      GROUP BY location, latitude, longitude)
QUALIFY row_number() OVER (PARTITION BY location ORDER BY n DESC, latitude, longitude) = 1
ORDER BY total DESC, location
LIMIT $limit
"""


def dataset_places(reader: Reader, limit: int) -> pd.DataFrame:
    """The `limit` places the imported datasets locate most events at, each with its most used point and where it
    was read (dataset, file, line)."""
    return reader.df(LOCATED.format(named=""), {"limit": int(limit)})


def dataset_place(reader: Reader, name: str) -> pd.DataFrame:
    """One place of the imported datasets by its name as written (any case): one row, or none."""
    sql = LOCATED.format(named="AND lower(location) = lower($name)")
    return reader.df(sql, {"name": str(name), "limit": 1})


def file_problems(reader: Reader, source_file: str, rows: int) -> tuple[pd.DataFrame, int, int]:
    """The problems of one file's first `rows` problem rows (line order), with how many rows and problems it has."""
    total_rows, total = reader.rows(
        f"SELECT count(DISTINCT line), count(*) FROM {StoredProblems.file} WHERE source_file = $file",
        {"file": source_file},
    )[0]
    first = reader.df(
        f"""WITH first AS (SELECT DISTINCT line FROM {StoredProblems.file} WHERE source_file = $file
                           ORDER BY line LIMIT $rows)
            SELECT p.source_file, p.line, p."column", p.value, p.expected FROM {StoredProblems.file} p
            JOIN first USING (line) WHERE p.source_file = $file ORDER BY p.line, p."column\"""",
        {"file": source_file, "rows": int(rows)},
    )
    return first, int(total_rows), int(total)


def all_file_problems(reader: Reader, source_file: str) -> pd.DataFrame:
    """Every problem of one file, in line order: the download."""
    return reader.df(
        f"""SELECT source_file AS file, line, "column", value, expected FROM {StoredProblems.file}
            WHERE source_file = $file ORDER BY line, "column\"""",
        {"file": source_file},
    )
