"""Fixtures for the site tests: the fixture knowledge base, and the fixture site built once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from medllm_survey.loader import KnowledgeBase, load

SITE_FIXTURE = Path(__file__).parent.parent / "fixtures" / "site"
XSS_ID = "xss2024-hostile"
XSS_TITLE = (
    "<img src=x onerror=alert(1)> | *bold* _it_ [link](http://evil.example) `tick` {{ 7*7 }} & </title>"
)


def build_site(config: Path, dest: Path) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` of ``config`` into ``dest``; the completed process."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env["NO_MKDOCS_2_WARNING"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config), "-d", str(dest)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.fixture(scope="session")
def fixture_kb() -> KnowledgeBase:
    result = load(SITE_FIXTURE)
    assert not result.problems, "\n".join(map(str, result.problems))
    return result.kb


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("site") / "site"
    done = build_site(SITE_FIXTURE / "mkdocs.yml", dest)
    assert done.returncode == 0, done.stderr
    return dest
