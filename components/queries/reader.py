"""The one read interface of the event store that every query uses: SQL text from the project, values as `$name`."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

import pandas as pd
import pyarrow as pa


class Reader(Protocol):
    """What a query may ask of the store (components/store.py's Store implements it, and so does each Session).

    The SQL is always the project's own text; every value from a link, a form or a file goes in `params` by name.
    """

    def df(self, sql: str, params: dict | None = None) -> pd.DataFrame:
        """A query's result as a frame."""
        ...

    def rows(self, sql: str, params: dict | None = None) -> list[tuple]:
        """A query's result as tuples."""
        ...

    def value(self, sql: str, params: dict | None = None) -> object:
        """A query's single value."""
        ...

    def session(self) -> AbstractContextManager[Session]:
        """A session on one cursor of its own, for several queries that share temporary tables: use `with`."""
        ...


class Session(Reader, Protocol):
    """A reader on one cursor: what it keeps lasts until its `with` ends."""

    def keep(self, table: str, sql: str, params: dict | None = None) -> None:
        """Keep a query's result as a temporary table, for the session's next queries to read."""
        ...

    def batches(self, sql: str, params: dict | None, rows: int) -> pa.RecordBatchReader:
        """A query's result streamed as Arrow batches of `rows` rows: never held whole."""
        ...
