"""A figure built as plain dicts and validated once, at the end: plotly's object API costs milliseconds a call."""

from __future__ import annotations

import os
from typing import Any

import plotly.graph_objects as go

VALIDATE = bool(os.environ.get("CONFLICT_MONITOR_VALIDATE_FIGURES"))  # set by the tests (tests/conftest.py)


def _merge(into: dict, parts: dict) -> dict:
    """Merge nested dicts in place, as plotly's update_layout does."""
    for key, value in parts.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value
    return into


class Canvas:
    """The parts of a figure: add traces, shapes and annotations, then make the figure once."""

    def __init__(self) -> None:
        self.data: list[dict[str, Any]] = []
        self.layout: dict[str, Any] = {"shapes": [], "annotations": []}

    def add_trace(self, trace: dict[str, Any]) -> None:
        """A trace as a dict with its `type`."""
        self.data.append(trace)

    def add_shape(self, shape: dict[str, Any] | None = None, **parts: Any) -> None:
        """A layout shape."""
        self.layout["shapes"].append({**(shape or {}), **parts})

    def add_annotation(self, **parts: Any) -> None:
        """A layout annotation."""
        self.layout["annotations"].append(parts)

    def update_layout(self, parts: dict[str, Any] | None = None, **more: Any) -> None:
        """Merge layout settings into what is there."""
        _merge(self.layout, {**(parts or {}), **more})

    def figure(self, validate: bool = VALIDATE) -> go.Figure:
        """The plotly figure; validated in the tests (VALIDATE), not on every rerun of the page, where it costs
        more than building the figure does."""
        return go.Figure(data=self.data, layout=self.layout, _validate=validate)
