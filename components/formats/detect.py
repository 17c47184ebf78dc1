"""Which format a file is: read from its header (names in any case, any order), or from its field count."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from components.formats.acled import ACLED
from components.formats.base import Format
from components.formats.csvfile import read_header
from components.formats.deletions import DELETIONS
from components.formats.refusal import UnreadableFile, refuse
from components.formats.ucdp import UCDP

FORMATS = {f.name: f for f in (ACLED, UCDP, DELETIONS)}


class UnknownFormat(UnreadableFile):
    """A file that is none of the known formats: the message names the formats tried."""


@dataclass(frozen=True)
class Detected:
    """A file's format, and the column names to use when the file has no header row."""

    format: Format
    names: list[str] | None = None


def detect(path: Path, forced: str | None = None) -> Detected:
    """The format of a file, from its header row, or a headerless release recognised by its field count."""
    if forced and forced not in FORMATS:
        raise UnknownFormat(f"{path.name}: format {forced!r} is none of {', '.join(sorted(FORMATS))}")
    header = read_header(path)
    if not any(cell.strip() for cell in header):  # said plainly, rather than as every column missing
        empty = path.stat().st_size == 0
        raise refuse(path, "the file is empty" if empty else "its first line is empty: the header must be on line 1")
    candidates = [FORMATS[forced]] if forced else list(FORMATS.values())
    for fmt in candidates:
        if fmt.recognises(header):
            return Detected(fmt)
    for fmt in candidates:  # no header: the first row is data with exactly the release's number of fields
        fits = fmt.headerless and len(header) == len(fmt.headerless) and not fmt.recognises(header)
        if fits and (header[0].strip().isdigit() or forced):
            return Detected(fmt, list(fmt.headerless))
    tried = "; ".join(f"{f.dataset}{' deletions' * f.removes} (missing {', '.join(f.missing(header)[:6])})"
                      for f in candidates)  # fmt: skip
    raise UnknownFormat(f"{path.name}: not a known format; tried {tried}")
