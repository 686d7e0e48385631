"""Exports of the knowledge base: one module per format, each taking validated models and returning text.

``FORMATS`` maps a format name to its file extension and a render function ``(kb, papers) -> str``;
``export_all`` gives the five download files of the included papers; ``paper_bibtex`` one entry.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .keys import bibkeys, read_published

if TYPE_CHECKING:
    from ..loader import KnowledgeBase
    from ..models import Paper

Render = Callable[["KnowledgeBase", Sequence["Paper"]], str]


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    render: Render
    media_type: str


_cache: list[tuple[KnowledgeBase, dict[str, str]]] = []


def keys_of(kb: KnowledgeBase) -> dict[str, str]:
    """Citation keys of every paper in ``kb``, honouring ``data/published-bibkeys.yaml``.

    Computed once per knowledge base, so rendering one entry per paper stays linear.
    """
    if _cache and _cache[0][0] is kb:
        return _cache[0][1]
    keys = bibkeys(kb.papers, read_published(kb.root))
    _cache[:] = [(kb, keys)]
    return keys


_entries: list[tuple[KnowledgeBase, dict[str, str]]] = []


def _entry(kb: KnowledgeBase, paper: Paper) -> str:
    """One paper's entry, rendered once per knowledge base: the site shows it on the paper's page,
    writes it as the paper's .bib and joins it into the full export."""
    from .bibtex import paper_entry

    if not (_entries and _entries[0][0] is kb):
        _entries[:] = [(kb, {})]
    cache = _entries[0][1]
    text = cache.get(paper.id)
    if text is None:
        text = cache[paper.id] = paper_entry(paper, keys_of(kb)[paper.id])
    return text


def _bibtex(kb: KnowledgeBase, papers: Sequence[Paper]) -> str:
    # Entries are separated by one blank line, as bibtexparser's writer separates blocks.
    return "\n".join(_entry(kb, paper) for paper in papers)


def _csl_json(kb: KnowledgeBase, papers: Sequence[Paper]) -> str:
    from .csljson import render_csl_json

    return render_csl_json(papers, keys_of(kb))


def _ris(kb: KnowledgeBase, papers: Sequence[Paper]) -> str:
    from .ris import render_ris

    return render_ris(papers, keys_of(kb))


def _json(kb: KnowledgeBase, papers: Sequence[Paper]) -> str:
    from .tabular import render_json

    return render_json(kb, papers, keys_of(kb))


def _csv(kb: KnowledgeBase, papers: Sequence[Paper]) -> str:
    from .tabular import render_csv

    return render_csv(kb, papers, keys_of(kb))


FORMATS: dict[str, Format] = {
    "bibtex": Format("bibtex", ".bib", _bibtex, "application/x-bibtex"),
    "csl-json": Format("csl-json", ".csl.json", _csl_json, "application/vnd.citationstyles.csl+json"),
    "ris": Format("ris", ".ris", _ris, "application/x-research-info-systems"),
    "json": Format("json", ".json", _json, "application/json"),
    "csv": Format("csv", ".csv", _csv, "text/csv"),
}

DOWNLOAD_STEM = "medllm-survey"


def export_all(kb: KnowledgeBase) -> dict[str, str]:
    """The download files of the included papers: file name (``medllm-survey.bib`` ...) → text."""
    papers = kb.included
    return {DOWNLOAD_STEM + fmt.extension: fmt.render(kb, papers) for fmt in FORMATS.values()}


def paper_bibtex(kb: KnowledgeBase, paper: Paper) -> str:
    """One paper's BibTeX entry, keyed as in the full export."""
    return _entry(kb, paper)


__all__ = ["FORMATS", "Format", "bibkeys", "export_all", "keys_of", "paper_bibtex"]
