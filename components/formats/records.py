"""Where each record of a CSV file starts, and what its cells measure, found by vectorised scans of its bytes.

A record ends at a newline outside quotes (an even count of `"` before it in the file), a cell at a comma outside
quotes. The bytes are scanned in chunks, so memory stays bounded whatever the file's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from components.formats.refusal import refuse
from components.progress import Report, quiet

CHUNK = 64 << 20  # bytes scanned at a time: bounded memory whatever the file's size
SMALL_CHUNK = 1 << 20  # bytes at a time when cells are measured (several arrays per byte)
QUOTE, NEWLINE, CR, COMMA = 34, 10, 13, 44
CR_ONLY = "lines end with CR only; save the file with LF or CRLF line endings"


@dataclass(frozen=True)
class Records:
    """Every record of a file, blank ones included, in order: where it starts and which lines it spans."""

    starts: np.ndarray  # byte offset
    lines: np.ndarray  # physical line it starts on (1-based)
    blank: np.ndarray  # an empty line, which no reader counts as a row
    inner_newlines: int  # line breaks inside quoted cells, over the whole file
    sizes: np.ndarray  # bytes of each record, its line break left out
    newlines: int = 0  # line breaks in the whole file

    def inner(self, i: int) -> int:
        """Line breaks inside record i (its quoted cells)."""
        following = self.lines[i + 1] if i + 1 < len(self.lines) else self.newlines + 2
        return int(following - self.lines[i] - 1)


def scan(path: Path, progress: Report = quiet) -> Records:
    """Find every record boundary: a newline with an even number of quotes before it in the file."""
    size = path.stat().st_size
    ends, end_lines, before_end = [], [], []  # boundary newlines, the line each ends, the byte before each
    parity, newlines, last = 0, 0, NEWLINE
    pending_cr = None  # a carriage return outside quotes ending a chunk: alone unless the next chunk starts with LF
    with path.open("rb") as f:
        offset = 0
        while chunk := f.read(CHUNK):
            progress("finding rows", offset / max(size, 1))
            data = np.frombuffer(chunk, dtype=np.uint8)
            if pending_cr is not None and data[0] != NEWLINE:
                raise refuse(path, f"{CR_ONLY} (the first at byte {pending_cr:,})")
            quotes = np.flatnonzero(data == QUOTE)
            breaks = np.flatnonzero(data == NEWLINE)
            outside = (np.searchsorted(quotes, breaks) + parity) % 2 == 0
            _lone_cr(path, data, quotes, parity, offset)
            pending_cr = None
            if data[-1] == CR and (len(quotes) + parity) % 2 == 0:
                pending_cr = offset + len(data) - 1
            local = breaks[outside]
            ends.append(local + offset)
            end_lines.append(np.flatnonzero(outside) + newlines + 1)
            previous = np.concatenate([[last], data])  # the byte before each position, across chunk edges
            before_end.append(previous[local])
            parity = (parity + len(quotes)) % 2
            newlines += len(breaks)
            last = data[-1]
            offset += len(chunk)
    if parity:
        raise refuse(path, "a quote is opened and never closed, so the end of the file is unreadable")
    boundary = np.concatenate(ends) if ends else np.zeros(0, np.int64)
    starts = np.concatenate([[0], boundary + 1])
    lines = np.concatenate([[1], np.concatenate(end_lines) + 1]) if ends else np.ones(1, np.int64)
    length = np.concatenate([boundary, [size]]) - starts
    last_byte = np.concatenate([*before_end, [last]]) if ends else np.array([last])
    blank = (length == 0) | ((length == 1) & (last_byte == CR))  # an empty line, or a lone carriage return
    return Records(starts, lines, blank, newlines - len(boundary), length, newlines)


def _lone_cr(path: Path, data: np.ndarray, quotes: np.ndarray, parity: int, offset: int) -> None:
    """Refuse a file where a carriage return outside quotes ends a line with no line feed after it (old Mac): the
    scan and DuckDB would count its rows differently. The chunk's last byte is left to the next chunk."""
    crs = np.flatnonzero(data[:-1] == CR)
    if not len(crs):
        return
    alone = crs[(data[crs + 1] != NEWLINE) & ((np.searchsorted(quotes, crs) + parity) % 2 == 0)]
    if len(alone):
        raise refuse(path, f"{CR_ONLY} (the first at byte {offset + int(alone[0]):,})")


@dataclass
class Cells:
    """What one record's cells measure, from its bytes: how many, and the largest (a field of the csv sense)."""

    count: int = 0
    largest: int = -1  # index of the largest cell
    largest_chars: int = 0
    largest_start: int = 0  # its byte offset in the file
    end: int = 0  # byte offset of the record's line break (or of the end of the file)
    cr_only: bool = False  # the record ends with a carriage return alone


def measure(path: Path, start: int, stop: int | None = None) -> Cells:
    """Count and measure the cells of the record starting at byte `start`, in chunks, without holding it whole:
    a comma outside quotes ends a cell, a line break outside quotes the record (or byte `stop`)."""
    found = Cells()
    parity, chars, cell_start, position = 0, 0, start, start
    stop = path.stat().st_size if stop is None else stop
    with path.open("rb") as f:
        f.seek(start)
        while position < stop:
            data = np.frombuffer(f.read(min(SMALL_CHUNK, stop - position)), dtype=np.uint8)
            if not len(data):
                break
            quotes = data == QUOTE
            outside = (np.cumsum(quotes, dtype=np.int64) - quotes + parity) % 2 == 0
            ends = np.flatnonzero(outside & ((data == NEWLINE) | (data == CR)))
            if len(ends):
                data, outside = data[: ends[0]], outside[: ends[0]]
            # Characters of UTF-8 text: every byte but continuation bytes (10xxxxxx).
            counted = np.concatenate([[0], np.cumsum((data & 0xC0) != 0x80, dtype=np.int64)])
            commas = np.flatnonzero(outside & (data == COMMA))
            bounds = np.concatenate([[0], commas + 1])
            closes = np.concatenate([commas, [len(data)]])
            lengths = counted[closes] - counted[bounds]
            lengths[0] += chars  # the cell carried over from the previous chunk
            done = lengths[:-1] if not len(ends) else lengths  # the last cell may go on in the next chunk
            if len(done) and int(done.max()) > found.largest_chars:
                i = int(done.argmax())
                found.largest, found.largest_chars = found.count + i, int(done[i])
                found.largest_start = cell_start if i == 0 else position + int(bounds[i])
            found.count += len(done)
            if len(ends):
                found.end = position + int(ends[0])
                f.seek(found.end)
                after = f.read(2)
                found.cr_only = after[:1] == b"\r" and after[1:2] != b"\n"
                return found
            if len(commas):
                cell_start = position + int(commas[-1]) + 1
                chars = int(lengths[-1])
            else:
                chars = int(lengths[0])
            parity = (parity + int(quotes.sum())) % 2
            position += len(data)
    if chars > found.largest_chars or found.largest < 0:  # the file ends inside the record's last cell
        found.largest, found.largest_chars, found.largest_start = found.count, chars, cell_start
    found.count += 1
    found.end = position
    return found


def field_count(text: str) -> int:
    """The number of fields of one raw record (commas outside quotes, plus one), for the message about a row of the
    wrong width; counted over the bytes, so that no cell is too large for the csv module."""
    data = np.frombuffer(text.strip("\r\n").encode("utf-8"), dtype=np.uint8)
    quotes = data == QUOTE
    outside = (np.cumsum(quotes, dtype=np.int64) - quotes) % 2 == 0
    return int((outside & (data == COMMA)).sum()) + 1
