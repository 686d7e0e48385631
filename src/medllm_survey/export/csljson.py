"""CSL-JSON export: the citation data format of Zotero, Pandoc and citeproc.

One item per paper, keyed by its citation key, with the variables of the CSL data schema
(https://resource.citationstyles.org/schema/latest/input/json/csl-data.json).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ..models import Paper
from .bibtex import paper_url
from .tabular import json_lines

ITEM_TYPES = {
    "journal": "article-journal",
    "conference": "paper-conference",
    "workshop": "paper-conference",
    "preprint": "article",
}


def csl_item(paper: Paper, key: str) -> dict[str, Any]:
    """One paper as a CSL-JSON item; absent values are left out rather than empty."""
    venue, ids = paper.venue, paper.identifiers
    item: dict[str, Any] = {"id": key, "type": ITEM_TYPES[venue.type], "title": paper.title}
    item["author"] = [
        {"family": a.family, "given": a.given} if a.given else {"literal": a.family}
        for a in paper.authors
    ]
    if paper.et_al:  # CSL has no "et al." marker for data; say it where a reader sees it
        item["note"] = "Author list incomplete (et al.)."
    date = [paper.year, paper.month] if paper.month else [paper.year]
    item["issued"] = {"date-parts": [date]}
    if venue.type == "preprint":
        item["publisher"] = venue.publisher or ("arXiv" if ids.arxiv else venue.name)
        if ids.arxiv:
            item["number"] = f"arXiv:{ids.arxiv}"
    else:
        item["container-title"] = venue.name
        if venue.short:
            item["container-title-short"] = venue.short
        if venue.publisher:
            item["publisher"] = venue.publisher
    if venue.volume:
        item["volume"] = venue.volume
    if venue.number:
        item["issue"] = venue.number
    if venue.pages:
        item["page"] = re.sub(r"\s*(?:-+|–|—)\s*", "-", venue.pages.strip())
    if ids.doi:
        item["DOI"] = ids.doi
    if ids.pmid:
        item["PMID"] = ids.pmid
    url = paper_url(paper)
    if url:
        item["URL"] = url
    return item


def render_csl_json(papers: Sequence[Paper], keys: Mapping[str, str]) -> str:
    """A CSL-JSON array of ``papers``, pretty-printed, UTF-8 kept as is."""
    items = [csl_item(p, keys[p.id]) for p in papers]
    return json_lines(items) + "\n"
