"""Text for plotly (components/text.py): lines broken as textwrap breaks them, escaped."""

from __future__ import annotations

import random
import textwrap

import pytest

from components import text

WORDS = ["a", "Battles", "1,234", "·", "Explosions/Remote", "violence", "…", "x" * 20, "Battle-No", "  ", "\t", "<b>"]


@pytest.mark.parametrize("width", [20, 40, 70, 95])
def test_lines_break_where_textwrap_breaks_them(width):
    """On seeded random paragraphs (plain words, hyphens, long words, double spaces, tabs), the lines are
    textwrap's, each escaped for plotly."""
    rng = random.Random(width)
    for _ in range(3000):
        paragraph = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 30)))
        expected = "<br>".join(text.plot(line) for line in textwrap.wrap(paragraph, width) or [""])
        assert text.lines(paragraph, width) == expected, paragraph
