"""Shared constants and helpers of the site tests (imported by their conftest and modules)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
