"""Property-based checks: whatever a contributor writes, the loader answers with records or file:line
problems, never with a traceback."""

from __future__ import annotations

import copy
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medllm_survey.loader import load

FIXTURE = Path(__file__).parent / "fixtures/core"
PROBLEM = re.compile(r"^data/papers/[^:]+\.yaml:\d+: .+: .+$", re.DOTALL)
ALPHA = yaml.safe_load((FIXTURE / "data/papers/alpha2023-twostage.yaml").read_text())

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
    st.text(max_size=30), st.dates(),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += paths(value, (*prefix, index))
    return found


ALL_PATHS = paths(ALPHA)


def check(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "p"
        shutil.copytree(FIXTURE, root)
        (root / "data/papers/alpha2023-twostage.yaml").write_bytes(raw)
        result = load(root)
    for problem in result.problems:
        assert PROBLEM.match(str(problem)), str(problem)
    if not result.problems:
        assert any(p.id == "alpha2023-twostage" for p in result.kb.papers)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ALL_PATHS), values, st.booleans())
def test_mutated_records_never_crash(path: tuple, value: Any, delete: bool) -> None:
    data = copy.deepcopy(ALPHA)
    target = data
    for part in path[:-1]:
        target = target[part]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    check(yaml.safe_dump(data, allow_unicode=True).encode("utf-8"))


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_crash(raw: bytes) -> None:
    check(raw)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abc:-[]{}&*!|>'\"#\n\t ?,%@`0123456789")), max_size=200))
def test_yaml_like_text_never_crashes(text: str) -> None:
    check(text.encode("utf-8"))
