"""The one way SQL is written here: identifiers through `ident`, values as parameters, one statement per call.

DuckDB runs every statement of a string it is given, so a name or value pasted into SQL text could end one
statement and start another (`drop table events; --`). Nothing from a file, a link or a form is ever pasted:
names the project declares go through `ident` (quoted as the SQL standard says, and refused when they hold a NUL or
are too long to be a column name), values go as `?` or `$name` parameters, and `execute` refuses a string that
DuckDB parses as more than one statement before anything of it runs.
"""

from __future__ import annotations

import duckdb

MAX_NAME = 255  # no declared name is near this; a longer one is a mistake, not a column


class UnsafeSQL(ValueError):
    """A string that would have run more than one statement, or an identifier that cannot be one."""


def ident(name: str) -> str:
    """A quoted SQL identifier: double quotes doubled inside, as the standard (and DuckDB) read them."""
    if not isinstance(name, str) or not name or "\x00" in name or len(name) > MAX_NAME:
        raise UnsafeSQL(f"not a usable SQL identifier: {name[:40]!r}")
    return '"' + name.replace('"', '""') + '"'


def idents(names: list[str]) -> str:
    """Quoted identifiers, comma-separated."""
    return ", ".join(ident(n) for n in names)


def single(sql: str) -> str:
    """The SQL text itself, once DuckDB's parser has counted exactly one statement in it."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as err:
        raise UnsafeSQL(f"SQL that does not parse: {str(err).splitlines()[0]}") from None
    if len(statements) != 1:
        raise UnsafeSQL(f"SQL text holding {len(statements)} statements: only one runs per call")
    return sql


def execute(con: duckdb.DuckDBPyConnection, sql: str, params: list | dict | None = None) -> duckdb.DuckDBPyConnection:
    """Run one statement with its parameters (refused whole when the text holds more than one)."""
    return con.execute(single(sql), params or [])
