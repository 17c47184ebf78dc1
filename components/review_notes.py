"""The notes of an accepted candidate: where it was read, and why each field says what it says. The extraction's
reasoning stands for a field as it proposed it; a field the analyst corrected is said as the analyst's choice, never
with the machine's first guess (a kind set to presence no longer reads "kind agreement ('Accord')")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.extract import Candidate

if TYPE_CHECKING:  # review imports this module: the type only
    from components.review import Edit

# The fields the analyst may correct, grouped as the notes speak of them (the extraction reasons once per group), in
# the order of the extraction's rule.
CORRECTABLE = {
    "actors": ("actor1", "assoc_actor_1", "actor2"),
    "place": ("location", "geo_precision"),
    "date": ("start", "precision", "date_basis"),
    "kind": ("event_kind",),
}


def corrected(proposed: Edit, edit: Edit) -> list[str]:
    """What the analyst changed of the proposed fields, as the notes name them: actors, place, date, kind."""

    def differs(names: tuple[str, ...]) -> bool:
        """Whether the analyst changed any of these fields."""
        return any(getattr(edit, name) != getattr(proposed, name) for name in names)

    return [group for group, names in CORRECTABLE.items() if differs(names)]


def reasoning(candidate: Candidate) -> dict[str, str] | None:
    """The extraction's reasoning for each group of fields, cut from its rule (components/extract.py writes it as
    "clause names ...; place ...; date rule ...; kind ... (...)"); None when the rule has another shape."""
    who = f"actor {', '.join(candidate.actors)}" if candidate.actors else "no actor"
    place = f"place {candidate.location or 'none'}"
    head = f"clause names {who}; {place}; date rule "
    cut = candidate.rule.find(f"; kind {candidate.event_kind} (", len(head))
    if not candidate.rule.startswith(head) or cut < 0:
        return None
    date, kind = "date rule " + candidate.rule[len(head) : cut], candidate.rule[cut + 2 :]
    return {"actors": f"clause names {who}", "place": place, "date": date, "kind": kind}


def chosen(group: str, edit: Edit) -> str:
    """The analyst's choice for a group of fields, in words."""
    if group == "date":
        return f"{edit.start.isoformat()} ({edit.precision}, basis {edit.date_basis})"
    if group == "actors":
        said = (edit.actor1 or "none") + (f" with {', '.join(edit.assoc_actor_1)}" if edit.assoc_actor_1 else "")
        return said + (f"; actor 2 {edit.actor2}" if edit.actor2 else "")
    if group == "place":
        at = f", geo precision {edit.geo_precision}" if edit.location and edit.geo_precision is not None else ""
        return (edit.location or "none") + at
    return edit.event_kind


def notes_of(article: str, candidate: Candidate, proposed: Edit, edit: Edit) -> str:
    """The notes of the candidate as accepted: the article and offset, the date's reading, the rule, each part the
    machine's reasoning or the analyst's choice."""
    changed = corrected(proposed, edit)
    how = f"corrected by the analyst: {', '.join(changed)}" if changed else "as proposed"
    date = f"set by the analyst: {chosen('date', edit)}" if "date" in changed else candidate.date_words
    said = {g: f"{g} set by the analyst: {chosen(g, edit)}" for g in changed if g != "date"}  # a date: under Date
    machine = reasoning(candidate)
    if machine is not None:
        rule = "; ".join(said.get(g, machine[g]) for g in CORRECTABLE if not (g == "date" and "date" in changed))
    elif changed:  # a rule of unknown shape is never kept once a field is corrected: the analyst's choices alone
        rule = "; ".join(said.values()) or "the extraction's, left out (the analyst set the date)"
    else:
        rule = candidate.rule
    return (
        f"Accepted in review ({how}) from the candidate at character {candidate.offset} of {article}. "
        f"Date: {date}. Rule: {rule}."
    )
