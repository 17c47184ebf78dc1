"""Files written whole or not at all, and a lock for read-modify-write of a shared file."""

from __future__ import annotations

import contextlib
import csv
import fcntl
import io
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

FILE_MODE = 0o644  # mkstemp makes a private file; what we write is readable like any other file of the folder
_THREADS = threading.Lock()  # guards the table of per-file locks below
_PATH_LOCKS: dict[str, threading.Lock] = {}


def _replace_with(path: Path, fill: Callable[[Path], None]) -> None:
    """Fill a fresh temporary file beside `path` (unique per call: safe across threads), fsync it, rename it over."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        fill(tmp)
        with tmp.open("rb+") as f:
            os.fsync(f.fileno())
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file whole or not at all: readers see the old bytes or the new, never a part."""
    _replace_with(path, lambda tmp: tmp.write_bytes(data))


def copy_atomic(source: Path, target: Path) -> None:
    """Copy a file byte for byte, whole or not at all."""
    _replace_with(target, lambda tmp: shutil.copyfile(source, tmp))


def upload_name(name: str, default: str) -> str:
    """A file name from a browser upload as a plain name in a folder of ours: no folder part, never '.' or '..'."""
    base = Path(name.replace("\\", "/")).name
    return base if base not in ("", ".", "..") else default


def appended(raw: bytes, records: list[list[str]]) -> tuple[bytes, list[int]]:
    """A CSV file's bytes with records added at its end, in the file's own line endings (CRLF when it uses them),
    after a final line ending when it lacks one; and the physical line each record starts on (the header is 1)."""
    newline = "\r\n" if b"\r\n" in raw else "\n"
    out = raw if not raw or raw.endswith(b"\n") else raw + newline.encode()
    lines = []
    for record in records:
        lines.append(out.count(b"\n") + 1)
        text = io.StringIO()
        csv.writer(text, lineterminator=newline).writerow(record)
        out += text.getvalue().encode("utf-8")
    return out, lines


def _thread_lock(path: Path) -> threading.Lock:
    """The threads' lock of one lock file: flock is per open file, so two threads of one server need this too."""
    key = str(path.resolve())
    with _THREADS:
        return _PATH_LOCKS.setdefault(key, threading.Lock())


@contextlib.contextmanager
def try_locked(path: Path, blocking: bool = True) -> Iterator[bool]:
    """Hold an exclusive lock on `path` (created if missing) across threads and processes; yield False at once,
    holding nothing, when `blocking` is false and another holder has it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    threads = _thread_lock(path)
    if not threads.acquire(blocking=blocking):
        yield False
        return
    try:
        with path.open("a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        threads.release()


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path` (created if missing): one writer at a time, across threads and processes."""
    with try_locked(path, blocking=True):
        yield
