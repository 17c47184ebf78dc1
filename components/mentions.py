"""Known names in a text: where an article mentions an actor or a place, by its name or one of its aliases."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from components.schema import split_list

ACRONYM = re.compile(r"[A-Z]{2,5}")  # "US" matches only in capitals, never the pronoun "us"


@dataclass(frozen=True)
class Mention:
    """A name found in a text: where, the canonical name, and the words as written."""

    start: int
    end: int
    name: str
    words: str


WORD = re.compile(r"\w+")
_FIRST: dict[re.Pattern, str] = {}  # each name's pattern -> its first word, lowercase: run only when the text has it
_INDEXES: dict[int, tuple[list, dict[str, list[int]]]] = {}


def name_finder(frame: pd.DataFrame, name_col: str, alias_col: str) -> list[tuple[re.Pattern, str]]:
    """A pattern per name and alias, longest first: whole words, any spaces, case-insensitive except acronyms and the
    rows a `match_case` column marks, whose capitalised names match only as printed (GeoNames' "Hun" or "Brak" are
    names only with their capital; a dateline's "MOSCOW" is not Moscow speaking); lowercase aliases match any case."""
    exact = frame["match_case"].astype(bool) if "match_case" in frame else pd.Series(False, index=frame.index)
    names: dict[str, tuple[str, bool]] = {}
    for n, cell, case in zip(frame[name_col], frame[alias_col], exact):
        for a in [n, *_aliases(cell)]:
            names.setdefault(a, (n, bool(case)))
    found = []
    for alias, (name, case) in sorted(names.items(), key=lambda item: -len(item[0])):
        pattern = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, alias.split())) + r"(?!\w)",
                             0 if (case and alias[:1].isupper()) or ACRONYM.fullmatch(alias) else re.I)  # fmt: skip
        first = WORD.search(alias)
        _FIRST[pattern] = first.group(0).lower() if first else ""
        found.append((pattern, name))
    return found


def _aliases(cell: object) -> list[str]:
    """An aliases cell: a list (as the loader gives it) or text separated by ';'."""
    if isinstance(cell, (list, tuple)):
        return [str(a) for a in cell]
    return split_list(cell) if isinstance(cell, str) else []


def _index(finder: list[tuple[re.Pattern, str]]) -> dict[str, list[int]]:
    """The finder's patterns by their first word (their position in it, so that the longest still comes first), kept
    for the few finders in use (an extraction makes two; the finder is held so that its id stays its own)."""
    held = _INDEXES.get(id(finder))
    if held is None or held[0] is not finder:
        by_word: dict[str, list[int]] = {}
        for i, (pattern, _) in enumerate(finder):
            by_word.setdefault(_FIRST.get(pattern, ""), []).append(i)
        if len(_INDEXES) >= 16:
            _INDEXES.pop(next(iter(_INDEXES)))
        held = _INDEXES[id(finder)] = (finder, by_word)
    return held[1]


def find_names(text: str, finder: list[tuple[re.Pattern, str]]) -> list[Mention]:
    """The names in a text, in order; where aliases overlap the longest match wins (the most specific name). Only
    the patterns whose first word is in the text are run: a gazetteer has thousands of names, a clause a few words."""
    by_word = _index(finder)
    runs = [i for word in set(WORD.findall(text.lower())) | {""} for i in by_word.get(word, ())]
    matches = sorted(
        ((m.start(), m.end(), finder[i][1], m.group(0)) for i in sorted(runs) for m in finder[i][0].finditer(text)),
        key=lambda m: (m[0] - m[1], m[0]),
    )
    taken: list[Mention] = []
    for start, end, name, words in matches:
        if not any(start < t.end and t.start < end for t in taken):
            taken.append(Mention(start, end, name, words))
    return sorted(taken, key=lambda t: t.start)
