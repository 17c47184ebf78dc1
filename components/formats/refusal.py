"""The refusal of a file that cannot be read at all: one line naming the file (never its folder) and why."""

from __future__ import annotations

from pathlib import Path


class UnreadableFile(Exception):
    """A file that cannot be read at all: one line naming the file (never its folder) and where it fails."""


def refuse(path: Path, reason: str) -> UnreadableFile:
    """The error for a file: its plain name, then why. Never a folder of the server."""
    return UnreadableFile(f"{path.name}: {reason}")
