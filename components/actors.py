"""Who is who: actor names as sources write them, resolved to the curated actors of actors.csv.

A dataset names an actor its own way ("Military Forces of Turkey (2016-)"). A name resolves to a curated actor when
it is that actor's name, one of its aliases or dataset names (any case), or, by the one rule below, names a state's
military: the state behind "Military Forces of X (YYYY-)" is X, so the name resolves to X's armed forces when
actors.csv has them, else to X. Any other name is kept as written: its events load and show, just not curated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property

import pandas as pd

from components.schema import Actors, split_list

FORCE, STATE = "force", "intervening state"  # military roles, as in actors.csv
BITS = 63  # curated actors with a bit in the store's actor_bits (a signed 64-bit integer); others are matched by name
# ACLED's convention for a state's military (docs/codebooks.md, Actor names): the period in brackets changes with
# the regime, and a unit may follow it.
MILITARY_OF = re.compile(r"^military forces of (?:the )?(?P<state>[^()]+?)\s*(?:\(\d{4}-\d{0,4}\).*)?$", re.IGNORECASE)


class Registry:
    """The curated actors, and how any name a source writes resolves to one of them."""

    def __init__(self, actors: pd.DataFrame) -> None:
        self.actors = actors
        rows = actors.to_dict("records")
        self.role = {a[Actors.name]: a[Actors.military_role] for a in rows}
        self.sponsor = {a[Actors.name]: a[Actors.sponsor] for a in rows}
        self.kind = {a[Actors.name]: a[Actors.kind] for a in rows}
        self.foreign = {a[Actors.name]: bool(a[Actors.foreign]) for a in rows}
        self.part_of = {a[Actors.name]: a[Actors.part_of] for a in rows if a[Actors.part_of]}
        self._by_name: dict[str, str] = {}
        for a in rows:  # later spellings never overwrite the canonical name itself
            for written in [*split_list(a[Actors.dataset_names]), *split_list(a[Actors.aliases])]:
                self._by_name.setdefault(written.lower(), a[Actors.name])
        self._by_name.update({a[Actors.name].lower(): a[Actors.name] for a in rows})

    def canonical(self, name: str) -> str | None:
        """The curated actor a written name stands for, or None when actors.csv does not know it."""
        found = self._by_name.get(name.strip().lower())
        if found:
            return found
        military = MILITARY_OF.match(name.strip())
        if military:
            state = self._by_name.get(military["state"].lower())
            if state and self.kind.get(state) == "state":
                return self.armed_forces.get(state, state)
        return None

    @cached_property
    def armed_forces(self) -> dict[str, str]:
        """Each state's own armed forces, where actors.csv has them."""
        return {self.sponsor[n]: n for n, k in self.kind.items() if k == "state armed forces" and self.sponsor[n]}

    def state_of(self, name: str) -> str:
        """The state behind a curated actor: its sponsor, or itself."""
        return self.sponsor.get(name) or name

    @cached_property
    def sponsored(self) -> dict[str, list[str]]:
        """For each actor, the actors it includes, directly or through others: those it sponsors (Russia -> Wagner
        Group), and the other names of one force (Wagner Group <-> Russian mercenaries: the sources link them)."""
        children: dict[str, list[str]] = {}
        links = [*self.part_of.items(), *((whole, part) for part, whole in self.part_of.items())]
        for name, parent in [*self.sponsor.items(), *links]:
            if parent:
                children.setdefault(parent, []).append(name)

        def below(name: str, seen: frozenset[str]) -> list[str]:
            """All actors under one actor; `seen` stops a cycle in bad data."""
            found = []
            for child in children.get(name, []):
                if child not in seen:
                    found += [child, *below(child, seen | {child})]
            return list(dict.fromkeys(found))

        return {name: below(name, frozenset({name})) for name in children}

    def identity(self, name: str) -> str:
        """The force a curated actor is counted as: the one the sources say it belongs to (Russian mercenaries ->
        Wagner Group), through any chain of such links, else itself."""
        seen = {name}
        while self.part_of.get(name, "") not in ("", *seen):  # a cycle in bad data stops where it repeats
            name = self.part_of[name]
            seen.add(name)
        return name

    def members(self, name: str) -> list[str]:
        """The actors counted as this one (itself aside), in actors.csv order."""
        return [n for n in self.part_of if n != name and self.identity(n) == name]

    def expand(self, chosen: Iterable[str]) -> set[str]:
        """The chosen actors and every actor they include (sponsored forces, actors counted as them)."""
        chosen = list(chosen)
        return set(chosen).union(*(self.sponsored.get(name, []) for name in chosen))

    def speaker(self, name: str) -> str | None:
        """The foreign state an actor speaks or acts for (the United States for its ambassador), when it has one."""
        actor = self.canonical(name)
        if not actor or not self.foreign.get(actor):
            return None
        state = self.state_of(actor)
        return state if self.kind.get(state) == "state" else None

    def backer(self, names: list[str]) -> str | None:
        """The foreign state behind an event: that of its first actor when a foreign state acts or speaks through
        it (a statement is the speaker's: the United States', not that of the states it names), else that of the
        first force it names, else of the first intervening state."""
        if names and (speaking := self.speaker(names[0])):
            return speaking
        resolved = [self.canonical(n) for n in names]
        for wanted in (FORCE, STATE):
            for name in resolved:
                if name and self.role.get(name) == wanted:
                    return self.state_of(name)
        return None

    @cached_property
    def bit(self) -> dict[str, int]:
        """The bit of each of the first BITS curated actors, in actors.csv order."""
        return {name: 1 << i for i, name in enumerate(list(self.role)[:BITS])}

    def bits(self, names: list[str]) -> int:
        """The bits of the curated actors these written names stand for."""
        found = 0
        for name in names:
            found |= self.bit.get(self.canonical(name) or "", 0)
        return found

    def military(self, names: list[str]) -> list[str]:
        """The foreign forces and intervening states an event names, as curated and counted (a force that belongs to
        another is that one), each once: its forces table rows."""
        resolved = (self.canonical(n) for n in names)
        return list(dict.fromkeys(self.identity(n) for n in resolved if n and self.role.get(n) in (FORCE, STATE)))

    def lane(self, actor1: str) -> str:
        """The timeline lane of an event: its first actor as curated, else as written."""
        return self.canonical(actor1) or actor1
