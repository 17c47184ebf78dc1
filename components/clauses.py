"""An article's text cut into clauses: its paragraphs, their sentences, and the parts of each that name someone."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

# Lines that are not article text: teasers linking other articles ("OPINION: Can the EU ...?", "READ MORE: ...") are
# skipped; other boilerplate (a site slogan, the dateline) names no actor or place and so gives no candidate anyway.
# A dateline ("TRIPOLI: Libya's new unity government ...") is the article's own text: only the labels of teasers count.
TEASER = re.compile(
    r"(?:READ\s+(?:MORE|ALSO)|ALSO\s+READ|SEE\s+ALSO|OPINION|RELATED|WATCH|LISTEN|EXPLAINER|ANALYSIS|MORE|VIDEO"
    r"|PHOTOS|INSIDE\s+STORY):\s"
)
CREDIT = re.compile(r"\s*\[[^\[\]]*\]\s*$")  # a photo credit "[MAHMUD TURKIA/AFP via Getty Images]" ends a caption
PARAGRAPH = re.compile(r"[^\n]+(?:\n[ \t]*\S[^\n]*)*")  # a block of non-blank lines

# A sentence ends at . ! or ? (and any closing quote) before a capital or digit, unless the word is an abbreviation.
SENTENCE_END = re.compile(r"[.!?][”\"’)\]]*(?=\s+[“\"‘(\[]?[A-Z0-9])")
ABBREVIATION = re.compile(
    r"(?:\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Mr|Mrs|Ms|Dr|Gen|Lt|Col|Maj|Capt|Sgt|St|No|Prof"
    r"|Sen|Rep|Gov|vs|etc)|\b[A-Z])\.$"
)
# A sentence stating two events splits at "nor", at ", and|but|while" and at ";", outside quoted speech, when each
# part names an actor or a place; a part naming none stays with the clause before it.
CLAUSE_BREAK = re.compile(r",?\s+(?=nor\s)|,\s+(?=(?:and|but|while|whereas)\s)|;\s+")
QUOTED = re.compile(r"“[^”]*”?|\"[^\"]*\"?")
LEADING_CONJUNCTION = re.compile(r"(?:and|but|while|whereas)\s+")  # "nor" stays in the quote: it negates
# ", and" closing a list of names ("Sudan, Chad, and Niger") joins the list's last item, not a new clause.
# An apposition ("the capital, Tripoli, and ...") is no list: the item before the comma is a name too.
LIST_BEFORE = re.compile(r"(?<![\w'’.-])[A-Z][\w'’.-]*,\s*(?:[A-Z][\w'’.-]*\s+){0,2}[A-Z][\w'’.-]*$")


# A saved page's standfirst and photo captions are kept as paragraphs starting with their mark (components/articles.py
# writes them): the mark is no part of a quote, and what they state is dated on its own (see extract.py).
MARKS = ("Standfirst: ", "Caption: ")


def _paragraphs(text: str) -> Iterator[tuple[int, str]]:
    """Each block of non-blank lines with its offset (a marked paragraph without its mark)."""
    for m in PARAGRAPH.finditer(text):
        mark = next((k for k in MARKS if m.group(0).startswith(k)), "")
        yield m.start() + len(mark), m.group(0)[len(mark) :]


def marked(text: str, offset: int, paragraph: str) -> bool:
    """Whether the paragraph of a clause at `offset` is a marked standfirst or caption."""
    start = text.rfind(paragraph, 0, offset + len(paragraph))
    return start >= 0 and any(text[max(0, start - len(k)) : start] == k for k in MARKS)


def _sentences(paragraph: str) -> Iterator[tuple[int, str]]:
    """Each sentence of a paragraph with its offset, trimmed of spaces and of a trailing photo credit."""
    start = 0
    ends = [m.end() for m in SENTENCE_END.finditer(paragraph) if not ABBREVIATION.search(paragraph[: m.start() + 1])]
    for end in [*ends, len(paragraph)]:
        piece = paragraph[start:end]
        credit = CREDIT.search(piece)
        piece = piece[: credit.start()] if credit else piece
        lead = len(piece) - len(piece.lstrip())
        if piece.strip():
            yield start + lead, piece.strip()
        start = end


def _clauses(sentence: str, names: Callable[[str], bool]) -> list[tuple[int, int]]:
    """The clauses of a sentence that each name an actor or place, as (start, end) within the sentence."""
    quoted = [m.span() for m in QUOTED.finditer(sentence)]
    breaks = [m for m in CLAUSE_BREAK.finditer(sentence) if not any(a < m.start() < b for a, b in quoted)
              and not (m.group(0).startswith(",") and m.group(0).strip() != ";"
                       and LIST_BEFORE.search(sentence, 0, m.start()))]  # fmt: skip
    spans: list[tuple[int, int]] = []
    for start, end in zip([0, *(m.end() for m in breaks)], [*(m.start() for m in breaks), len(sentence)]):
        if spans and not (names(sentence[start:end]) and names(sentence[slice(*spans[-1])])):
            spans[-1] = (spans[-1][0], end)  # a part naming no one joins its neighbour
        else:
            spans.append((start, end))
    trimmed = []
    for start, end in spans:
        lead = LEADING_CONJUNCTION.match(sentence, start)
        start = lead.end() if lead and start > 0 else start
        end = start + len(sentence[start:end].rstrip(",; \t\n\u00a0"))
        if names(sentence[start:end]):
            trimmed.append((start, end))
    return trimmed


def unquoted(text: str) -> str:
    """The text with quoted speech blanked out (same length), for the reporting verb's tense."""
    return QUOTED.sub(lambda m: " " * len(m.group(0)), text)


def clauses_of(text: str, headline: str, names: Callable[[str], bool]) -> Iterator[tuple[int, str, str, str]]:
    """Each clause to consider, in order: (offset in text, clause, its sentence, its paragraph)."""
    for para_start, paragraph in _paragraphs(text):
        if TEASER.match(paragraph) or (headline and paragraph.strip() == headline.strip()):
            continue  # a teaser is another article; the headline restates the body in headline tense
        for sent_start, sentence in _sentences(paragraph):
            for start, end in _clauses(sentence, names):
                yield para_start + sent_start + start, sentence[start:end], sentence, paragraph
