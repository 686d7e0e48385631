"""Shared fixtures: a tiny valid project copied into a temporary folder per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of tests/fixtures/core: three papers, one dataset, small vocabularies."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "core", root)
    return root
