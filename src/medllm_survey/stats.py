"""Counts of the knowledge base, shared by ``medllm-survey stats``, the site and the tests."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass

from .loader import KnowledgeBase


@dataclass(frozen=True)
class Stats:
    papers: int
    datasets: int
    by_status: dict[str, int]
    by_category: dict[str, int]
    by_exclusion_reason: dict[str, int]
    by_modality: dict[str, int]
    by_task: dict[str, int]
    by_year: dict[int, int]


def _sorted(counter: Counter) -> dict:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0]))))


def stats_of(kb: KnowledgeBase) -> Stats:
    included = kb.included
    return Stats(
        papers=len(kb.papers),
        datasets=len(kb.datasets),
        by_status=_sorted(Counter(p.status for p in kb.papers)),
        by_category=_sorted(Counter(p.category for p in included if p.category)),
        by_exclusion_reason=_sorted(Counter(p.exclusion_reason for p in kb.papers if p.exclusion_reason)),
        by_modality=_sorted(Counter(m for p in included for m in p.modalities)),
        by_task=_sorted(Counter(t for p in included for t in p.tasks)),
        by_year=dict(sorted(Counter(p.year for p in included).items())),
    )


def format_stats(stats: Stats, as_json: bool = False) -> str:
    if as_json:
        return json.dumps(asdict(stats), indent=2)
    lines = [f"papers: {stats.papers}", f"datasets: {stats.datasets}"]
    sections = [
        ("status", stats.by_status),
        ("tuning category (included)", stats.by_category),
        ("exclusion reason", stats.by_exclusion_reason),
        ("modality (included)", stats.by_modality),
        ("task (included)", stats.by_task),
        ("year (included)", stats.by_year),
    ]
    for title, counts in sections:
        lines.append("")
        lines.append(f"{title}:")
        width = max((len(str(k)) for k in counts), default=0)
        lines.extend(f"  {str(k).ljust(width)}  {v:>5}" for k, v in counts.items())
        if not counts:
            lines.append("  (none)")
    return "\n".join(lines)
