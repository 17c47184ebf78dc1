"""Where a pull keeps what it brings until it is whole: data/sources/pulls/<pull>/, one folder per pull (e.g.
`acled-libya`, `ucdp-25.1-libya`), deeper than the store looks for dataset files (data/sources/<format>/<file>), so
nothing in it is ever read as a dataset.

    state.json          between pulls: the options, ACLED's timestamp watermark, since when to ask for deletions
    partial.csv         the pages so far, as one CSV with one header, appended page by page
    partial.json        the partial's sidecar: the request (no secret), pages done, rows, its size in bytes
    partial.pages/      the answers as the API gave them, one file per page, when they are not the CSV itself (UCDP)
    <name>.csv          a whole pull, published by renaming the partial, until the store has imported it
    <name>.csv.pull.json  its record: request, time, pages, rows, sha256, and the file it was imported as
    deletions.csv       ACLED's deleted events (event_id_cnty, deleted_timestamp), merged pull after pull
    pull.log            what each run did, one line each (never a secret)

A page is appended to partial.csv and flushed to disk before the sidecar says it is there, so a pull killed at any
moment resumes from the last page the sidecar names: the bytes after it (a page half written) are cut off first.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from datetime import datetime, timezone
from pathlib import Path

from components.datafiles import SOURCES, sha256
from components.files import write_atomic
from components.pull.client import FAILED, PullError

PULLS = "pulls"
PARTIAL, PARTIAL_META, PAGES = "partial.csv", "partial.json", "partial.pages"
STATE, LOG, LOCK, DELETIONS = "state.json", "pull.log", "pull.lock", "deletions.csv"
RECORD = ".pull.json"
MAX_JSON = 16 * 1024 * 1024  # a sidecar or state file is small: a larger one is not ours
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]{0,119}")  # every name under pulls/ is ours, built from the options


def now_iso() -> str:
    """The time now, UTC, to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def stamp() -> str:
    """The time now as part of a file name (UTC, sortable)."""
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def read_json(path: Path) -> dict | None:
    """A JSON object written by a pull, or None when it is missing, too large or not one."""
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_JSON + 1)
        found = json.loads(raw) if len(raw) <= MAX_JSON else None
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def write_json(path: Path, value: dict) -> None:
    """A sidecar or state file, whole or not at all."""
    write_atomic(path, json.dumps(value, indent=1, ensure_ascii=False).encode("utf-8"))


def _sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (the folder's entry, not only the file, reaches the disk)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class Spool:
    """One pull's folder: its state between pulls, the partial pull and its sidecar, published pulls and records."""

    def __init__(self, data: Path, name: str) -> None:
        if not _NAME.fullmatch(name):  # built by us from validated options; a check all the same
            raise ValueError(f"not a pull name: {name!r}")
        self.folder = data / SOURCES / PULLS / name
        self.name = name

    def make(self) -> None:
        """Create the folder (and data/sources/pulls/)."""
        self.folder.mkdir(parents=True, exist_ok=True)

    def path(self, name: str) -> Path:
        """A file of the folder, by one of our own names."""
        return self.folder / name

    # -- state between pulls ----------------------------------------------------------------------------------

    def state(self) -> dict:
        """The state the last complete pull left (empty before the first)."""
        return read_json(self.path(STATE)) or {}

    def save_state(self, state: dict) -> None:
        """Replace the state."""
        write_json(self.path(STATE), state)

    # -- the partial pull ---------------------------------------------------------------------------------------

    def partial(self) -> dict | None:
        """The partial pull's sidecar, or None when there is none (or it cannot be read: it is then set aside)."""
        if not self.path(PARTIAL_META).exists():
            return None
        meta = read_json(self.path(PARTIAL_META))
        if meta is None or not isinstance(meta.get("bytes"), int) or not isinstance(meta.get("pages_done"), int):
            self.discard()
            return None
        return meta

    def start(self, meta: dict) -> dict:
        """Begin a partial pull with this sidecar (the request and what is known before the first page)."""
        self.discard()
        self.path(PARTIAL).write_bytes(b"")
        meta = {**meta, "pages_done": 0, "rows": 0, "bytes": 0, "complete": False}
        write_json(self.path(PARTIAL_META), meta)
        return meta

    def resume(self, meta: dict) -> bool:
        """Cut the partial back to the last page its sidecar names (a page may have been half written when the pull
        was killed); False when the partial is shorter than its sidecar says (it is then unusable)."""
        partial = self.path(PARTIAL)
        if not partial.exists() or partial.stat().st_size < meta["bytes"]:
            return False
        with partial.open("rb+") as f:
            f.truncate(meta["bytes"])
            os.fsync(f.fileno())
        pages = self.path(PAGES)
        if pages.is_dir():
            for page in pages.iterdir():
                number = page.name.split(".")[0].removeprefix("page-")
                if not number.isdigit() or int(number) > meta["pages_done"]:
                    page.unlink(missing_ok=True)
        return True

    def add_page(self, meta: dict, data: bytes, rows: int, raw: bytes | None = None, **updates: object) -> dict:
        """Append one page's CSV bytes (and keep its raw answer), flushed, then record it in the sidecar."""
        number = meta["pages_done"] + 1
        if raw is not None:
            pages = self.path(PAGES)
            pages.mkdir(exist_ok=True)
            write_atomic(pages / f"page-{number:06d}.json", raw)
        with self.path(PARTIAL).open("rb+") as f:
            f.seek(meta["bytes"])
            f.write(data)
            f.truncate()
            f.flush()
            os.fsync(f.fileno())
            size = f.tell()
        meta = {**meta, **updates, "pages_done": number, "rows": meta["rows"] + rows, "bytes": size}
        write_json(self.path(PARTIAL_META), meta)
        return meta

    def update(self, meta: dict, **updates: object) -> dict:
        """Record more about the partial pull (its end reached, the count at its end)."""
        meta = {**meta, **updates}
        write_json(self.path(PARTIAL_META), meta)
        return meta

    def discard(self) -> None:
        """Remove the partial pull (its pages, raw answers and sidecar)."""
        self.path(PARTIAL).unlink(missing_ok=True)
        pages = self.path(PAGES)
        if pages.is_dir():
            for page in pages.iterdir():
                page.unlink(missing_ok=True)
            pages.rmdir()
        self.path(PARTIAL_META).unlink(missing_ok=True)

    # -- publishing ---------------------------------------------------------------------------------------------

    def publish(self, meta: dict, file_name: str) -> Path:
        """Make a whole partial a pull of its own: marked complete, renamed (atomic), its record written, its sidecar
        removed. Safe to run again after a kill at any step (`recover`)."""
        if not meta.get("complete"):
            meta = self.update(meta, complete=True, file=file_name)
        target = self.path(meta["file"])
        if self.path(PARTIAL).exists():
            os.replace(self.path(PARTIAL), target)
        if self.path(PAGES).is_dir():  # apart: a kill between the two renames leaves the pages to move next time
            os.replace(self.path(PAGES), self.path(meta["file"].removesuffix(".csv") + ".pages"))
        _sync_folder(self.folder)
        if not target.exists():
            raise PullError(f"{self.name}: the finished pull {target.name} is missing; run the pull again", FAILED)
        record = {key: value for key, value in meta.items() if key not in ("bytes", "complete", "file", "pages_done")}
        record |= {"file": target.name, "pages": meta["pages_done"], "bytes": target.stat().st_size,
                   "sha256": sha256(target), "finished": now_iso(), "imported": None}  # fmt: skip
        write_json(self.path(target.name + RECORD), record)
        self.path(PARTIAL_META).unlink(missing_ok=True)
        return target

    def recover(self) -> None:
        """Finish a publication a kill interrupted (the partial marked complete but not yet renamed or recorded)."""
        meta = self.partial()
        if meta and meta.get("complete") and isinstance(meta.get("file"), str) and _NAME.fullmatch(meta["file"]):
            self.publish(meta, meta["file"])

    def pending(self) -> list[tuple[Path, dict]]:
        """Published pulls the store has not imported yet, oldest first, with their records."""
        found = []
        for record_path in sorted(self.folder.glob(f"*.csv{RECORD}")):
            record = read_json(record_path)
            target = record_path.with_name(record_path.name.removesuffix(RECORD))
            if record is not None and record.get("imported") is None and target.exists():
                found.append((target, record))
        return found

    def imported(self, target: Path, record: dict, as_file: str) -> dict:
        """Note in a pull's record what the store imported it as, then drop the spool's copy: the store keeps the
        same bytes (the record's sha256) under data/sources/<format>/."""
        record = {**record, "imported": as_file, "imported_at": now_iso()}
        write_json(self.path(target.name + RECORD), record)
        target.unlink(missing_ok=True)
        return record

    # -- the log ------------------------------------------------------------------------------------------------

    def log(self, line: str) -> None:
        """One line of the pull's log (already free of secrets: the caller redacts)."""
        self.make()
        with self.path(LOG).open("a", encoding="utf-8") as f:
            f.write(f"{now_iso()} {line}\n")
