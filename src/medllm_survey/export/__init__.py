"""Exports of the knowledge base: one module per format, each taking validated models and returning text.

``FORMATS`` maps a format name to its file extension and a render function ``(kb, papers) -> str``;
``export_all`` gives the five download files of the included papers; ``paper_bibtex`` one entry.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .keys import bibkeys

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


def _bibtex(kb: KnowledgeBase, papers: Sequence[Paper]) -> str:
    from .bibtex import render_bibtex

    return render_bibtex(papers, bibkeys(kb.papers))


def _csl_json(kb: KnowledgeBase, papers: Sequence[Paper]) -> str:
    from .csljson import render_csl_json

    return render_csl_json(papers, bibkeys(kb.papers))


def _ris(kb: KnowledgeBase, papers: Sequence[Paper]) -> str:
    from .ris import render_ris

    return render_ris(papers, bibkeys(kb.papers))


def _json(kb: KnowledgeBase, papers: Sequence[Paper]) -> str:
    from .tabular import render_json

    return render_json(kb, papers, bibkeys(kb.papers))


def _csv(kb: KnowledgeBase, papers: Sequence[Paper]) -> str:
    from .tabular import render_csv

    return render_csv(kb, papers, bibkeys(kb.papers))


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
    from .bibtex import paper_entry

    return paper_entry(paper, bibkeys(kb.papers)[paper.id])


__all__ = ["FORMATS", "Format", "bibkeys", "export_all", "paper_bibtex"]
