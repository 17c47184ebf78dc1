"""Progress of long work: a bar on a terminal (stage, rows, rate, time left), plain lines when output is not one."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

# The stages of an import and their share of its time, measured on a 1M-row ACLED file.
STAGES = {"checking encoding": 0.08, "finding rows": 0.12, "reading": 0.35, "checking rows": 0.3, "storing": 0.15}
Report = Callable[..., None]  # (stage, fraction of that stage done, rows=the file's rows once they are known)


def quiet(stage: str, fraction: float, rows: int | None = None) -> None:
    """Report nothing."""


def overall(stage: str, fraction: float) -> float:
    """How much of the whole import is done when `stage` is `fraction` done."""
    names = list(STAGES)
    return sum(STAGES[s] for s in names[: names.index(stage)]) + STAGES[stage] * min(max(fraction, 0.0), 1.0)


class Bar:
    """Draws one file's progress: redrawn in place on a terminal, one line per stage otherwise."""

    def __init__(self, label: str, stream: TextIO | None = None, width: int = 30) -> None:
        self.label, self.stream, self.width = label, stream or sys.stderr, width
        self.tty = self.stream.isatty()
        self.start = time.monotonic()
        self.rows: int | None = None
        self._stage = ""

    def __call__(self, stage: str, fraction: float, rows: int | None = None) -> None:
        """Show that `stage` is `fraction` done (and, once known, how many rows the file has)."""
        self.rows = rows if rows is not None else self.rows
        done = overall(stage, fraction)
        elapsed = time.monotonic() - self.start
        if not self.tty:
            if stage != self._stage:  # a plain line per stage: logs and CI stay readable
                print(f"{self.label}: {stage}…", file=self.stream, flush=True)
            self._stage = stage
            return
        filled = int(self.width * done)
        rows = f"{self.rows:,} rows" if self.rows is not None else ""
        rate = f"{self.rows * done / elapsed:,.0f} rows/s" if self.rows and elapsed > 0.5 else ""
        left = f"~{elapsed * (1 - done) / done:.0f} s left" if done > 0.05 else ""
        parts = "  ".join(p for p in (f"{done:4.0%}", stage, rows, rate, left) if p)
        bar = "#" * filled + "-" * (self.width - filled)
        print(f"\r{self.label} [{bar}] {parts}\x1b[K", end="", file=self.stream, flush=True)

    def done(self) -> None:
        """End the bar's line."""
        if self.tty:
            print(file=self.stream, flush=True)
