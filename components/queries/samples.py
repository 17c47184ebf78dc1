"""What a hover lists of an event, read by SQL for the few events a mark shows in full."""

from __future__ import annotations

from components.queries.reader import Reader
from components.schema import Model

# Gathered by max_by for the latest few events of a mark, or read by row id (samples).
SAMPLE = (
    "struct_pack(start := start_date, stop := end_date, basis := date_basis, type := event_type, "
    "actor1 := actor1, actor2 := actor2, location := location, geo := geo_precision, evidence := evidence, "
    "kind := evidence_kind, dataset := dataset, id := event_id)"
)


def samples(reader: Reader, rowids: list[int]) -> dict[int, dict]:
    """The events with these row ids, as SAMPLE structs: the few a page lists in full, read by row id."""
    found = reader.df(
        f"SELECT rowid AS rid, {SAMPLE} AS sample FROM {Model.file} WHERE rowid IN (SELECT unnest($rids::BIGINT[]))",
        {"rids": sorted({int(r) for r in rowids})},
    )
    return dict(zip(found["rid"], found["sample"]))
