"""Ready-made, typed contexts for the site's templates, built once from the validated knowledge base.

Templates never look anything up: every label, link and count they show is computed here. URLs in
these contexts are *site-root relative* ("papers/li2023-llava-med/"); the page renderer turns them
into links relative to the page that shows them.

The steps of :func:`build_site` are linear in the number of records: facets are indexed once, and
related papers are found through a (modality, task) index with a bounded window per bucket, so no
paper is compared with every other paper.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from ..loader import KnowledgeBase, paper_keys
from ..models import CATEGORY_LABELS, Dataset, Identifiers, Paper, Stage

CATEGORIES: tuple[str, ...] = ("zero", "one", "multi")
CATEGORY_SLUGS: dict[str, str] = {"zero": "zero-stage", "one": "one-stage", "multi": "multi-stage"}
CATEGORY_BLURBS: dict[str, str] = {
    "zero": "No parameter is updated: the LLM is used through prompting, in-context examples, "
    "retrieval, chain-of-thought or tool orchestration.",
    "one": "A single training phase, such as end-to-end instruction tuning or one LoRA fine-tune.",
    "multi": "Two or more sequential training phases, such as feature alignment followed by "
    "instruction tuning.",
}
RELATED_LIMIT = 5
AUTHORS_SHOWN = 12  # longer author lists are folded after this many
RELATED_WINDOW = 8  # neighbours looked at on each side within one (modality, task) bucket
NEWEST_LIMIT = 10
FEED_LIMIT = 50


# --- small value types ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """A label and a site-root-relative URL (or an absolute external URL when ``external``)."""

    label: str
    url: str
    external: bool = False
    title: str = ""


@dataclass(frozen=True)
class FacetKind:
    """One facet readers browse by: where its pages live and how to read it off a paper."""

    key: str  # folder and vocabulary name
    singular: str
    plural: str
    intro: str


FACET_KINDS: tuple[FacetKind, ...] = (
    FacetKind("modalities", "Modality", "Imaging modalities",
              "The kind of image the method reads."),
    FacetKind("tasks", "Task", "Tasks", "What the system is asked to do with the images."),
    FacetKind("anatomy", "Anatomy", "Anatomy", "The body region the images show, where it applies."),
    FacetKind("llms", "Base LLM", "Base language models",
              "The large language model at the core of the system."),
    FacetKind("vision-encoders", "Vision encoder", "Vision encoders",
              "The image encoder whose features the language model reads."),
    FacetKind("datasets", "Dataset", "Datasets",
              "Training and evaluation data, each with its size, access and licence."),
)
FACETS_BY_KEY: dict[str, FacetKind] = {kind.key: kind for kind in FACET_KINDS}


def facet_values(paper: Paper, key: str) -> tuple[str, ...]:
    """The ids a paper carries for one facet."""
    if key == "llms":
        return paper.architecture.llms if paper.architecture else ()
    if key == "vision-encoders":
        return paper.architecture.vision_encoders if paper.architecture else ()
    return tuple(getattr(paper, key))


# --- URL scheme -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class UrlScheme:
    """Maps a page's source path to its URL, following MkDocs' ``use_directory_urls``."""

    directory_urls: bool = True

    def page(self, src_path: str) -> str:
        stem = src_path.removesuffix(".md")
        if not self.directory_urls:
            return stem + ".html"
        if stem == "index":
            return ""
        if stem.endswith("/index"):
            return stem.removesuffix("index")
        return stem + "/"

    @staticmethod
    def relative(target: str, from_url: str) -> str:
        """``target`` (site-root relative) as seen from the page at ``from_url``.

        Called for every link of every page, so it works on split strings rather than through
        ``posixpath.relpath`` (which normalises and re-splits both paths on each call)."""
        if "://" in target or target.startswith(("#", "mailto:")):
            return target
        path, _, fragment = target.partition("#")
        base = from_url.split("/")[:-1]  # the folders of the page: "a/b/" and "a/b/x.html" → a, b
        parts = path.split("/")
        common = 0
        limit = min(len(base), len(parts) - 1)
        while common < limit and base[common] == parts[common]:
            common += 1
        rel = "../" * (len(base) - common) + "/".join(parts[common:])
        return (rel or "./") + (f"#{fragment}" if fragment else "")


# Source paths of the generated pages. One place, so links and files agree.
def paper_src(paper_id: str) -> str:
    return f"papers/{paper_id}.md"


def facet_src(key: str, term_id: str) -> str:
    return f"{key}/{term_id}.md"


def facet_index_src(key: str) -> str:
    return f"{key}/index.md"


def category_src(category: str) -> str:
    return f"taxonomy/{CATEGORY_SLUGS[category]}.md"


ALL_PAPERS_SRC = "papers/index.md"
STATS_SRC = "stats.md"
NEW_SRC = "new.md"
HOME_SRC = "index.md"
TAXONOMY_SRC = "taxonomy/index.md"
ABOUT_SRC = "about.md"
CONTRIBUTING_SRC = "contributing.md"
PAYLOAD_PATH = "assets/papers.json"
FEED_PATH = "feed.xml"


def paper_bib_path(paper_id: str) -> str:
    """Where ``on_post_build`` writes a paper's BibTeX, relative to the site folder."""
    return f"papers/{paper_id}.bib"


# --- page contexts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageView:
    number: int
    name: str
    trained: tuple[str, ...]
    frozen: tuple[str, ...]
    method: str
    method_description: str
    data: tuple[str, ...]
    objective: str


@dataclass(frozen=True)
class PaperRow:
    """What a table row shows about an included paper."""

    id: str
    url: str
    label: str
    title: str
    authors_short: str
    year: int
    venue: str
    category: str
    category_label: str
    category_url: str
    modalities: tuple[Link, ...]
    tasks: tuple[Link, ...]
    llms: tuple[Link, ...]
    vision_encoders: tuple[Link, ...]
    stages_brief: str


@dataclass(frozen=True)
class CitationMeta:
    """The ``citation_*`` meta tags (Highwire Press), in the order they are emitted."""

    title: str
    authors: tuple[str, ...]
    publication_date: str
    journal_title: str | None
    conference_title: str | None
    doi: str | None
    arxiv_id: str | None
    pdf_url: str | None

    def as_meta(self) -> dict[str, object]:
        meta: dict[str, object] = {
            "title": self.title,
            "authors": list(self.authors),
            "publication_date": self.publication_date,
        }
        optional = {
            "journal_title": self.journal_title,
            "conference_title": self.conference_title,
            "doi": self.doi,
            "arxiv_id": self.arxiv_id,
            "pdf_url": self.pdf_url,
        }
        meta.update({key: value for key, value in optional.items() if value})
        return meta


@dataclass(frozen=True)
class PaperView:
    """Everything a paper's page shows."""

    id: str
    src: str
    url: str
    status: str
    status_label: str
    exclusion_reason: str | None
    title: str
    label: str
    model_name: str | None
    model_badge: str | None  # the model name, when the title does not already contain it
    authors: tuple[str, ...]
    authors_shown: int
    year: int
    date: str
    venue_name: str
    venue_short: str | None
    venue_type: str
    venue_details: tuple[tuple[str, str], ...]
    identifiers: tuple[Link, ...]
    links: tuple[Link, ...]
    summary: str | None
    category: str | None
    category_label: str | None
    category_url: str | None
    confidence: str | None
    tuning_notes: str | None
    stages: tuple[StageView, ...]
    connector: str | None
    facets: tuple[tuple[str, tuple[Link, ...]], ...]
    related: tuple[Link, ...]
    bib_url: str
    record_path: str
    added: str
    verified: str | None
    citation: CitationMeta
    row: PaperRow | None


@dataclass(frozen=True)
class FacetTermView:
    kind: FacetKind
    id: str
    src: str
    url: str
    label: str
    description: str
    external: Link | None
    papers: tuple[PaperRow, ...]


@dataclass(frozen=True)
class DatasetView:
    id: str
    src: str
    url: str
    name: str
    full_name: str | None
    summary: str
    modalities: tuple[Link, ...]
    tasks: tuple[Link, ...]
    anatomy: tuple[Link, ...]
    size: tuple[tuple[str, str], ...]
    access: str
    license: str
    homepage: Link
    introduced_by: Link | None
    record_path: str
    papers: tuple[PaperRow, ...]


@dataclass(frozen=True)
class TermCount:
    """A term as listed on its facet's index page."""

    id: str
    link: Link
    description: str
    count: int


@dataclass(frozen=True)
class FacetIndexView:
    kind: FacetKind
    src: str
    url: str
    terms: tuple[TermCount, ...]  # most used first


@dataclass(frozen=True)
class CategoryView:
    category: str
    label: str
    blurb: str
    src: str
    url: str
    papers: tuple[PaperRow, ...]


@dataclass(frozen=True)
class Addition:
    """A record as listed on What's new and in the feed."""

    id: str
    added: str
    label: str
    title: str
    headline: str  # the title, prefixed by the model name unless the title already holds it
    url: str
    status: str
    summary: str | None
    authors_short: str


@dataclass(frozen=True)
class Matrix:
    """A heat table: rows × columns of counts."""

    title: str
    rows: tuple[Link, ...]
    columns: tuple[Link, ...]
    counts: tuple[tuple[int, ...], ...]

    @property
    def table(self) -> tuple[tuple[Link, tuple[int, ...]], ...]:
        return tuple(zip(self.rows, self.counts, strict=True))

    @property
    def maximum(self) -> int:
        return max((c for row in self.counts for c in row), default=0)


@dataclass(frozen=True)
class ScreeningFlow:
    identified: int
    candidates: int
    screened: int
    included: int
    excluded: int
    excluded_by_reason: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Counts:
    records: int
    included: int
    excluded: int
    candidates: int
    datasets: int
    by_category: tuple[tuple[str, str, str, int], ...]  # category, label, url, count
    facet_terms: int


@dataclass(frozen=True)
class SiteView:
    """The whole site, as the pages see it."""

    counts: Counts
    papers: tuple[PaperView, ...]
    rows: tuple[PaperRow, ...]  # included papers, newest year first
    categories: tuple[CategoryView, ...]
    facet_indexes: tuple[FacetIndexView, ...]
    facet_terms: tuple[FacetTermView, ...]
    datasets: tuple[DatasetView, ...]
    newest: tuple[Addition, ...]
    additions: tuple[Addition, ...]
    years: tuple[int, ...]
    papers_per_year: tuple[tuple[int, tuple[int, ...]], ...]  # year, counts per CATEGORIES
    modality_by_task: Matrix
    category_by_modality: Matrix
    screening: ScreeningFlow
    data_date: str  # the latest added/verified date in the data: the site's "last updated"


# --- builders -------------------------------------------------------------------------------------


def authors_short(paper: Paper) -> str:
    first = paper.authors[0].family
    if len(paper.authors) == 1:
        return first
    if len(paper.authors) == 2:
        return f"{first} and {paper.authors[1].family}"
    return f"{first} et al."


def _stages_brief(paper: Paper, method_label: Callable[[str], str]) -> str:
    if not paper.tuning or not paper.tuning.stages:
        return "no training (prompting / tools)"
    return " → ".join(
        f"{n}. {stage.name} ({method_label(stage.method)})"
        for n, stage in enumerate(paper.tuning.stages, start=1)
    )


def identifier_links(ids: Identifiers) -> tuple[Link, ...]:
    links: list[Link] = []
    if ids.doi:
        links.append(Link(f"doi:{ids.doi}", f"https://doi.org/{ids.doi}", external=True))
    if ids.arxiv:
        links.append(Link(f"arXiv:{ids.arxiv}", f"https://arxiv.org/abs/{ids.arxiv}", external=True))
    if ids.pmid:
        links.append(
            Link(f"PMID:{ids.pmid}", f"https://pubmed.ncbi.nlm.nih.gov/{ids.pmid}/", external=True)
        )
    if ids.url:
        links.append(Link("Landing page", ids.url, external=True))
    return tuple(links)


class _Builder:
    """Builds the :class:`SiteView`; one pass over the records for each index."""

    def __init__(self, kb: KnowledgeBase, urls: UrlScheme) -> None:
        self.kb = kb
        self.urls = urls
        self.included = sorted(kb.included, key=lambda p: (-p.year, p.id))
        self.datasets_by_id = {d.id: d for d in kb.datasets}
        self.rows: dict[str, PaperRow] = {p.id: self._row(p) for p in self.included}

    # Labels and links of terms ----------------------------------------------------------------

    def term_label(self, key: str, term_id: str) -> str:
        if key == "datasets":
            return self.datasets_by_id[term_id].name
        return self.kb.vocabularies[key][term_id].label

    def term_link(self, key: str, term_id: str) -> Link:
        return Link(self.term_label(key, term_id), self.urls.page(facet_src(key, term_id)))

    def _links(self, key: str, ids: Iterable[str]) -> tuple[Link, ...]:
        return tuple(self.term_link(key, i) for i in ids)

    def method_label(self, method: str) -> str:
        term = self.kb.vocabularies.get("tuning-methods", {}).get(method)
        return term.label if term else method

    # Papers -----------------------------------------------------------------------------------

    def _row(self, paper: Paper) -> PaperRow:
        category = paper.category or "zero"
        return PaperRow(
            id=paper.id,
            url=self.urls.page(paper_src(paper.id)),
            label=paper.label,
            title=paper.title,
            authors_short=authors_short(paper),
            year=paper.year,
            venue=paper.venue.short or paper.venue.name,
            category=category,
            category_label=CATEGORY_LABELS[category],
            category_url=self.urls.page(category_src(category)),
            modalities=self._links("modalities", paper.modalities),
            tasks=self._links("tasks", paper.tasks),
            llms=self._links("llms", facet_values(paper, "llms")),
            vision_encoders=self._links("vision-encoders", facet_values(paper, "vision-encoders")),
            stages_brief=_stages_brief(paper, self.method_label),
        )

    def _stage(self, number: int, stage: Stage) -> StageView:
        term = self.kb.vocabularies.get("tuning-methods", {}).get(stage.method)
        return StageView(
            number=number,
            name=stage.name,
            trained=stage.trained,
            frozen=stage.frozen,
            method=term.label if term else stage.method,
            method_description=term.description if term else "",
            data=stage.data,
            objective=stage.objective,
        )

    def paper_view(self, paper: Paper, related: tuple[Link, ...]) -> PaperView:
        venue = paper.venue
        details = [
            ("Volume", venue.volume),
            ("Number", venue.number),
            ("Pages", venue.pages),
            ("Publisher", venue.publisher),
        ]
        links = [
            Link(label, url, external=True)
            for label, url in (
                ("Code", paper.links.code),
                ("Weights", paper.links.weights),
                ("Project page", paper.links.project),
                ("Demo", paper.links.demo),
            )
            if url
        ]
        category = paper.category
        facets = tuple(
            (kind.plural, self._links(kind.key, facet_values(paper, kind.key)))
            for kind in FACET_KINDS
            if facet_values(paper, kind.key)
        )
        reason = None
        if paper.exclusion_reason:
            reason = self.kb.vocabularies["exclusion-reasons"][paper.exclusion_reason].label
        connector = None
        if paper.architecture and paper.architecture.connector:
            term = self.kb.vocabularies.get("connectors", {}).get(paper.architecture.connector)
            connector = term.label if term else paper.architecture.connector
        month = f"{paper.month:02d}" if paper.month else None
        ids = paper.identifiers
        arxiv = ids.arxiv_base
        return PaperView(
            id=paper.id,
            src=paper_src(paper.id),
            url=self.urls.page(paper_src(paper.id)),
            status=paper.status,
            status_label={"included": "Included", "excluded": "Excluded",
                          "candidate": "Candidate (not yet screened)"}[paper.status],
            exclusion_reason=reason,
            title=paper.title,
            label=paper.label,
            model_name=paper.model_name,
            model_badge=paper.model_name
            if paper.model_name and paper.model_name.casefold() not in paper.title.casefold()
            else None,
            authors=tuple(a.display for a in paper.authors),
            authors_shown=AUTHORS_SHOWN,
            year=paper.year,
            date=f"{paper.year}-{month}" if month else str(paper.year),
            venue_name=venue.name,
            venue_short=venue.short,
            venue_type=venue.type,
            venue_details=tuple((k, v) for k, v in details if v),
            identifiers=identifier_links(ids),
            links=tuple(links),
            summary=paper.summary,
            category=category,
            category_label=CATEGORY_LABELS[category] if category else None,
            category_url=self.urls.page(category_src(category)) if category else None,
            confidence=paper.tuning.confidence if paper.tuning else None,
            tuning_notes=paper.tuning.notes if paper.tuning else None,
            stages=tuple(
                self._stage(n, s)
                for n, s in enumerate(paper.tuning.stages if paper.tuning else (), start=1)
            ),
            connector=connector,
            facets=facets,
            related=related,
            bib_url=paper_bib_path(paper.id),
            record_path=f"data/papers/{paper.id}.yaml",
            added=paper.added.isoformat(),
            verified=paper.verified.isoformat() if paper.verified else None,
            citation=CitationMeta(
                title=paper.title,
                authors=tuple(
                    f"{a.family}, {a.given}" if a.given else a.family for a in paper.authors
                ),
                publication_date=f"{paper.year}/{month}" if month else str(paper.year),
                journal_title=venue.name if venue.type == "journal" else None,
                conference_title=venue.name if venue.type in {"conference", "workshop"} else None,
                doi=ids.doi,
                arxiv_id=arxiv,
                pdf_url=f"https://arxiv.org/pdf/{ids.arxiv}" if ids.arxiv else None,
            ),
            row=self.rows.get(paper.id),
        )

    def related(self) -> dict[str, tuple[Link, ...]]:
        """Up to five papers sharing a modality and a task with each included paper.

        Each (modality, task) pair is a bucket sorted by (year, id); a paper looks only at the
        ``RELATED_WINDOW`` nearest papers on each side of it in each of its buckets, so the work is
        linear in the number of papers. Candidates are ranked by how many buckets they share, then
        by closeness in year, then by id: the same data always gives the same list.
        """
        buckets: dict[tuple[str, str], list[Paper]] = defaultdict(list)
        for paper in sorted(self.included, key=lambda p: (p.year, p.id)):
            for modality in paper.modalities:
                for task in paper.tasks:
                    buckets[(modality, task)].append(paper)
        position = {
            key: {p.id: i for i, p in enumerate(members)} for key, members in buckets.items()
        }
        result: dict[str, tuple[Link, ...]] = {}
        for paper in self.included:
            shared: Counter[str] = Counter()
            others: dict[str, Paper] = {}
            for modality in paper.modalities:
                for task in paper.tasks:
                    members = buckets[(modality, task)]
                    i = position[(modality, task)][paper.id]
                    for other in members[max(0, i - RELATED_WINDOW): i + RELATED_WINDOW + 1]:
                        if other.id != paper.id:
                            shared[other.id] += 1
                            others[other.id] = other
            ranked = [
                oid
                for _, _, oid in heapq.nsmallest(
                    RELATED_LIMIT,
                    ((-n, abs(others[oid].year - paper.year), oid) for oid, n in shared.items()),
                )
            ]
            result[paper.id] = tuple(
                Link(others[oid].label, self.rows[oid].url, title=others[oid].title)
                for oid in ranked
            )
        return result

    # Facets -----------------------------------------------------------------------------------

    def facet_papers(self) -> dict[tuple[str, str], list[PaperRow]]:
        index: dict[tuple[str, str], list[PaperRow]] = defaultdict(list)
        for paper in self.included:  # already newest first
            for kind in FACET_KINDS:
                for term_id in facet_values(paper, kind.key):
                    index[(kind.key, term_id)].append(self.rows[paper.id])
        return index

    def facet_terms(
        self, index: dict[tuple[str, str], list[PaperRow]]
    ) -> tuple[list[FacetIndexView], list[FacetTermView]]:
        indexes: list[FacetIndexView] = []
        terms: list[FacetTermView] = []
        for kind in FACET_KINDS:
            if kind.key == "datasets":
                ids = sorted(self.datasets_by_id)
            else:
                ids = sorted(self.kb.vocabularies.get(kind.key, {}))
            listing = []
            for term_id in ids:
                papers = tuple(index.get((kind.key, term_id), ()))
                link = self.term_link(kind.key, term_id)
                if kind.key == "datasets":
                    description = self.datasets_by_id[term_id].full_name or ""
                else:
                    term = self.kb.vocabularies[kind.key][term_id]
                    description = term.description
                    external = Link("Reference", term.url, external=True) if term.url else None
                    terms.append(
                        FacetTermView(
                            kind=kind,
                            id=term_id,
                            src=facet_src(kind.key, term_id),
                            url=link.url,
                            label=link.label,
                            description=description,
                            external=external,
                            papers=papers,
                        )
                    )
                listing.append(TermCount(term_id, link, description, len(papers)))
            listing.sort(key=lambda t: (-t.count, t.link.label.casefold(), t.id))
            indexes.append(
                FacetIndexView(
                    kind=kind,
                    src=facet_index_src(kind.key),
                    url=self.urls.page(facet_index_src(kind.key)),
                    terms=tuple(listing),
                )
            )
        return indexes, terms

    def dataset_view(self, dataset: Dataset, papers: tuple[PaperRow, ...],
                     by_key: dict[tuple[str, str], Paper]) -> DatasetView:
        size = dataset.size
        size_items = [
            ("Images", size.images),
            ("Studies", size.studies),
            ("Patients", size.patients),
            ("Question–answer pairs", size.qa_pairs),
            ("Reports", size.reports),
        ]
        size_rows = [(label, f"{value:,}") for label, value in size_items if value is not None]
        if size.note:
            size_rows.append(("Note", size.note))
        introducer = None
        for key in _identifier_keys(dataset.introduced_by):
            if key in by_key:
                paper = by_key[key]
                introducer = Link(paper.label, self.urls.page(paper_src(paper.id)), title=paper.title)
                break
        if introducer is None:
            external = identifier_links(dataset.introduced_by)
            introducer = external[0] if external else None
        return DatasetView(
            id=dataset.id,
            src=facet_src("datasets", dataset.id),
            url=self.urls.page(facet_src("datasets", dataset.id)),
            name=dataset.name,
            full_name=dataset.full_name,
            summary=dataset.summary,
            modalities=self._links("modalities", dataset.modalities),
            tasks=self._links("tasks", dataset.tasks),
            anatomy=self._links("anatomy", dataset.anatomy),
            size=tuple(size_rows),
            access={"open": "Open", "credentialed": "Credentialed (registration and training)",
                    "restricted": "Restricted (on request)"}[dataset.access],
            license=dataset.license,
            homepage=Link(dataset.url, dataset.url, external=True),
            introduced_by=introducer,
            record_path=f"data/datasets/{dataset.id}.yaml",
            papers=papers,
        )

    # Statistics -------------------------------------------------------------------------------

    def matrix(self, title: str, row_key: str, col_key: str) -> Matrix:
        counts: Counter[tuple[str, str]] = Counter()
        for paper in self.included:
            row_ids = (paper.category or "zero",) if row_key == "category" else facet_values(
                paper, row_key
            )
            for r in row_ids:
                for c in facet_values(paper, col_key):
                    counts[(r, c)] += 1
        if row_key == "category":
            rows = tuple(
                Link(CATEGORY_LABELS[c], self.urls.page(category_src(c))) for c in CATEGORIES
            )
            row_ids_all: list[str] = list(CATEGORIES)
        else:
            row_ids_all = list(self.kb.vocabularies.get(row_key, {}))
            rows = self._links(row_key, row_ids_all)
        col_ids = list(self.kb.vocabularies.get(col_key, {}))
        return Matrix(
            title=title,
            rows=rows,
            columns=self._links(col_key, col_ids),
            counts=tuple(tuple(counts[(r, c)] for c in col_ids) for r in row_ids_all),
        )


def _identifier_keys(ids: Identifiers) -> list[tuple[str, str]]:
    keys = []
    if ids.doi:
        keys.append(("DOI", ids.doi.lower()))
    if ids.arxiv_base:
        keys.append(("arXiv id", ids.arxiv_base))
    return keys


def data_date(kb: KnowledgeBase) -> str:
    """The latest date a record was added or checked: the site's "last updated", not the clock."""
    dates: list[date] = [r.added for r in (*kb.papers, *kb.datasets)]
    dates += [r.verified for r in (*kb.papers, *kb.datasets) if r.verified]
    return max(dates).isoformat() if dates else "1970-01-01"


def _headline(paper: Paper) -> str:
    if paper.model_name and paper.model_name.casefold() not in paper.title.casefold():
        return f"{paper.model_name}: {paper.title}"
    return paper.title


def _addition(paper: Paper, urls: UrlScheme) -> Addition:
    return Addition(
        id=paper.id,
        added=paper.added.isoformat(),
        label=paper.label,
        title=paper.title,
        headline=_headline(paper),
        url=urls.page(paper_src(paper.id)),
        status=paper.status,
        summary=paper.summary,
        authors_short=authors_short(paper),
    )


def build_site(kb: KnowledgeBase, urls: UrlScheme | None = None) -> SiteView:
    """Every context the pages need, from a valid knowledge base."""
    urls = urls or UrlScheme()
    builder = _Builder(kb, urls)
    included = builder.included

    # 1. Papers and their related papers.
    related = builder.related()
    papers = tuple(builder.paper_view(p, related.get(p.id, ())) for p in kb.papers)

    # 2. Categories and facets.
    categories = tuple(
        CategoryView(
            category=c,
            label=CATEGORY_LABELS[c],
            blurb=CATEGORY_BLURBS[c],
            src=category_src(c),
            url=urls.page(category_src(c)),
            papers=tuple(builder.rows[p.id] for p in included if p.category == c),
        )
        for c in CATEGORIES
    )
    facet_index = builder.facet_papers()
    facet_indexes, facet_terms = builder.facet_terms(facet_index)
    by_key = {key: p for p in sorted(kb.papers, key=lambda p: p.id) for key in paper_keys(p)}
    datasets = tuple(
        builder.dataset_view(d, tuple(facet_index.get(("datasets", d.id), ())), by_key)
        for d in sorted(kb.datasets, key=lambda d: d.id)
    )

    # 3. Counts, additions and statistics.
    status = Counter(p.status for p in kb.papers)
    by_category = Counter(p.category for p in included)
    counts = Counts(
        records=len(kb.papers),
        included=status["included"],
        excluded=status["excluded"],
        candidates=status["candidate"],
        datasets=len(kb.datasets),
        by_category=tuple(
            (c, CATEGORY_LABELS[c], urls.page(category_src(c)), by_category[c]) for c in CATEGORIES
        ),
        facet_terms=sum(len(v) for v in kb.vocabularies.values()),
    )
    newest_first = sorted(kb.papers, key=lambda p: (-p.added.toordinal(), p.id))
    additions = tuple(_addition(p, urls) for p in newest_first)
    newest = tuple(a for a in additions if a.status == "included")[:NEWEST_LIMIT]
    years = sorted({p.year for p in included})
    per_year = Counter((p.year, p.category) for p in included)
    reasons = Counter(p.exclusion_reason for p in kb.papers if p.exclusion_reason)
    reason_labels = kb.vocabularies.get("exclusion-reasons", {})
    return SiteView(
        counts=counts,
        papers=papers,
        rows=tuple(builder.rows[p.id] for p in included),
        categories=categories,
        facet_indexes=tuple(facet_indexes),
        facet_terms=tuple(facet_terms),
        datasets=datasets,
        newest=newest,
        additions=additions,
        years=tuple(years),
        papers_per_year=tuple(
            (y, tuple(per_year[(y, c)] for c in CATEGORIES))
            for y in range(years[0], years[-1] + 1)
        ) if years else (),
        modality_by_task=builder.matrix("Modality × task", "modalities", "tasks"),
        category_by_modality=builder.matrix("Tuning category × modality", "category", "modalities"),
        screening=ScreeningFlow(
            identified=len(kb.papers),
            candidates=status["candidate"],
            screened=status["included"] + status["excluded"],
            included=status["included"],
            excluded=status["excluded"],
            excluded_by_reason=tuple(
                (reason_labels[r].label if r in reason_labels else r, n)
                for r, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))
            ),
        ),
        data_date=data_date(kb),
    )
