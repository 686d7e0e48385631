"""``medllm-survey new``: a candidate record to start from, never written over an existing file."""

from __future__ import annotations

import os
import re
import unicodedata
from datetime import date
from pathlib import Path

import yaml
from pydantic import ValidationError

from .loader import PAPERS_DIR, error_message
from .models import SLUG_PATTERN, Paper

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "of",
        "on",
        "or",
        "the",
        "to",
        "toward",
        "towards",
        "via",
        "with",
    ]
)
SCHEMA_LINE = "# yaml-language-server: $schema=../../schema/paper.schema.json\n"


class ScaffoldError(Exception):
    """A record could not be created; the message says why and what to do."""


def ascii_slug(text: str) -> str:
    """Lowercase ASCII words joined by hyphens: 'Müller-Łukasz' → 'muller-lukasz'."""
    text = text.replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("Ø", "O")
    text = text.replace("ß", "ss").replace("æ", "ae").replace("Æ", "AE")
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", folded.lower()))


def suggest_id(family: str, year: int, title: str) -> str:
    """``<family><year>-<first two significant title words>``, e.g. li2023-llava-med."""
    words = [w for w in re.findall(r"[\w-]+", title) if w.lower() not in STOPWORDS]
    head = ascii_slug(" ".join(words[:1]).replace("-", " ")) or "paper"
    base = f"{ascii_slug(family).replace('-', '') or 'anon'}{year}-{head}"
    return base[:60].rstrip("-")


def parse_author(text: str) -> dict[str, str]:
    """'Family, Given' or 'Given Family' → {'family': ..., 'given': ...}."""
    text = " ".join(text.split())
    if "," in text:
        family, given = (part.strip() for part in text.split(",", 1))
    elif " " in text:
        given, family = text.rsplit(" ", 1)
    else:
        family, given = text, ""
    if not family:
        raise ScaffoldError(f"cannot read author {text!r}; write it as 'Family, Given'")
    return {"family": family, "given": given} if given else {"family": family}


def _venue(name: str | None, kind: str | None, arxiv: str | None) -> dict[str, str]:
    if name:
        return {"name": name, "type": kind or "journal"}
    if arxiv:
        return {"name": "arXiv", "type": "preprint"}
    raise ScaffoldError("give --venue (and --venue-type) for a paper that is not on arXiv")


def scaffold_paper(
    root: Path,
    *,
    title: str,
    year: int,
    authors: list[str],
    arxiv: str | None = None,
    doi: str | None = None,
    url: str | None = None,
    record_id: str | None = None,
    venue: str | None = None,
    venue_type: str | None = None,
    today: date | None = None,
) -> Path:
    """Create ``data/papers/<id>.yaml`` as a valid candidate; refuse to touch an existing file."""
    people = [parse_author(a) for a in authors] or [{"family": "Unknown"}]
    record_id = record_id or suggest_id(people[0]["family"], year, title)
    if not re.match(SLUG_PATTERN, record_id):
        raise ScaffoldError(f"id {record_id!r} is not a lowercase slug like li2023-llava-med")
    identifiers = {k: v for k, v in {"doi": doi, "arxiv": arxiv, "url": url}.items() if v}
    day = today or date.today()
    record = {
        "id": record_id,
        "title": title,
        "authors": people,
        "year": year,
        "venue": _venue(venue, venue_type, arxiv),
        "identifiers": identifiers,
        "status": "candidate",
        "added": day,
    }
    try:
        Paper.model_validate(record)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "record"
        raise ScaffoldError(f"{where}: {error_message(Paper, first, tuple(first['loc']))}") from None
    text = SCHEMA_LINE + yaml.safe_dump(record, sort_keys=False, allow_unicode=True, width=100)
    folder = root / PAPERS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{record_id}.yaml"
    try:
        # O_EXCL: if the file appeared meanwhile we fail instead of writing over it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise ScaffoldError(
            f"{path.relative_to(root)} already exists; choose another --id or edit that file"
        ) from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path.relative_to(root)
