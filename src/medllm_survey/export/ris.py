"""RIS export, the tagged format EndNote, Zotero, Mendeley and reference managers import.

Each record is a run of ``TAG  - value`` lines from ``TY`` to ``ER``, in a fixed tag order. Values are
plain Unicode on one line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ..models import Paper
from .bibtex import paper_url

RECORD_TYPES = {"journal": "JOUR", "conference": "CONF", "workshop": "CONF", "preprint": "UNPB"}


def _line(tag: str, value: str) -> str:
    return f"{tag}  - {' '.join(value.split())}"


def ris_record(paper: Paper, key: str) -> str:
    """One paper as an RIS record, ending with ``ER  - ``."""
    venue, ids = paper.venue, paper.identifiers
    lines = [_line("TY", RECORD_TYPES[venue.type]), _line("ID", key)]
    for author in paper.authors:
        name = f"{author.family}, {author.given}" if author.given else author.family
        lines.append(_line("AU", name))
    if paper.et_al:
        lines.append(_line("N1", "Author list incomplete (et al.)."))
    lines.append(_line("TI", paper.title))
    lines.append(_line("T2", venue.name))
    lines.append(_line("PY", str(paper.year)))
    month = f"{paper.month:02d}" if paper.month else ""
    lines.append(_line("DA", f"{paper.year}/{month}//"))
    if venue.volume:
        lines.append(_line("VL", venue.volume))
    if venue.number:
        lines.append(_line("IS", venue.number))
    if venue.pages:
        first, _, last = re.sub(r"\s*(?:-+|–|—)\s*", "-", venue.pages.strip()).partition("-")
        lines.append(_line("SP", first))
        if last:
            lines.append(_line("EP", last))
    if venue.publisher:
        lines.append(_line("PB", venue.publisher))
    if ids.doi:
        lines.append(_line("DO", ids.doi))
    url = paper_url(paper)
    if url:
        lines.append(_line("UR", url))
    if ids.arxiv:
        lines.append(_line("N1", f"arXiv:{ids.arxiv}"))
    lines.append("ER  - ")
    return "\n".join(lines) + "\n"


def render_ris(papers: Sequence[Paper], keys: Mapping[str, str]) -> str:
    """An RIS file of ``papers``, records separated by a blank line."""
    return "\n".join(ris_record(p, keys[p.id]) for p in papers)
