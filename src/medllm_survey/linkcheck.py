"""Checking the links of a built site.

``internal_problems(site)`` crawls every HTML page under ``site/`` and reports each link or asset
reference to a file that does not exist, and each ``#anchor`` that the target page does not define;
the test suite runs it on the built fixture site. ``external_problems(site)`` asks every external
http(s) address once (HEAD, then GET when HEAD is refused); ``make linkcheck`` runs both on ``site/``
and needs a network, so it is not part of the test suite.

    python -m medllm_survey.linkcheck [SITE_DIR] [--external]
"""

from __future__ import annotations

import argparse
import re
import sys
import urllib.error
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


@dataclass
class PageLinks:
    refs: list[tuple[str, str]] = field(default_factory=list)  # (tag, href or src)
    ids: set[str] = field(default_factory=set)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = PageLinks()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src") and tag != "base":
                self.page.refs.append((tag, value))
            elif name == "id" or (name == "name" and tag == "a"):
                self.page.ids.add(value)


def page_links(path: Path) -> PageLinks:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector.page


def _target(site: Path, page: Path, path: str, site_path: str) -> Path:
    if path.startswith("/"):
        if not path.startswith(site_path):
            return site / "__outside_the_site__"
        base, rel = site, path[len(site_path):]
    else:
        base, rel = page.parent, path
    target = (base / unquote(rel)).resolve()
    return target / "index.html" if target.is_dir() else target


def internal_problems(site: Path, site_path: str = "/") -> list[str]:
    """Broken internal links and anchors of the site at ``site``, one line each.

    ``site_path`` is the path the site is served under (from ``site_url``), for root-relative
    links such as those of the 404 page."""
    site = site.resolve()
    pages = {path: page_links(path) for path in sorted(site.rglob("*.html"))}
    problems = []
    for page, links in pages.items():
        where = page.relative_to(site)
        for tag, ref in links.refs:
            parts = urlsplit(ref)
            if parts.scheme or parts.netloc:
                continue
            if not parts.path:
                if parts.fragment and unquote(parts.fragment) not in links.ids:
                    problems.append(f"{where}: <{tag}> {ref}: no such anchor on this page")
                continue
            target = _target(site, page, parts.path, site_path)
            if not target.is_file():
                problems.append(f"{where}: <{tag}> {ref}: no such file")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else page_links(target).ids
                if unquote(parts.fragment) not in ids:
                    problems.append(f"{where}: <{tag}> {ref}: no anchor #{parts.fragment} there")
    return problems


def external_urls(site: Path) -> list[str]:
    urls = set()
    for path in site.rglob("*.html"):
        for _, ref in page_links(path).refs:
            if urlsplit(ref).scheme in ("http", "https"):
                urls.add(ref.split("#", 1)[0])
    return sorted(urls)


def _status(url: str, timeout: float) -> str | None:
    """None when ``url`` answers; otherwise what went wrong."""
    headers = {"User-Agent": "medllm-survey-linkcheck/1.0"}
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout):
                return None
        except urllib.error.HTTPError as err:
            if method == "HEAD" and err.code in (403, 405, 501):
                continue  # some servers refuse HEAD but answer GET
            return f"HTTP {err.code}"
        except (urllib.error.URLError, TimeoutError, OSError) as err:
            return str(getattr(err, "reason", err))
    return None


def external_problems(urls: Iterable[str], timeout: float = 15.0, workers: int = 8) -> list[str]:
    urls = list(urls)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda u: _status(u, timeout), urls))
    return [f"{url}: {error}" for url, error in zip(urls, results, strict=True) if error]


def _site_path(config: Path) -> str:
    """The path part of ``site_url`` in an mkdocs.yml (read as text: it may hold YAML tags)."""
    if config.is_file():
        match = re.search(r"^site_url:\s*['\"]?([^'\"\s#]+)", config.read_text(encoding="utf-8"), re.M)
        if match:
            path = urlsplit(match.group(1)).path or "/"
            return path if path.endswith("/") else path + "/"
    return "/"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m medllm_survey.linkcheck", description=__doc__)
    parser.add_argument("site", nargs="?", default="site", help="built site folder (default: site)")
    parser.add_argument("--external", action="store_true", help="also ask every external address")
    parser.add_argument("--site-path", help="path the site is served under (default: from "
                        "site_url in ./mkdocs.yml, else /)")
    args = parser.parse_args(argv)
    site = Path(args.site)
    site_path = args.site_path or _site_path(Path("mkdocs.yml"))
    if not (site / "index.html").is_file():
        print(f"error: {site} holds no built site; run make site first", file=sys.stderr)
        return 2
    problems = internal_problems(site, site_path)
    if args.external:
        urls = external_urls(site)
        print(f"checking {len(urls)} external addresses ...", file=sys.stderr)
        problems += external_problems(urls)
    for problem in problems:
        print(problem)
    print(f"{len(problems)} broken link{'s' if len(problems) != 1 else ''}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
