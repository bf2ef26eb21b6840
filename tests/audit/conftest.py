"""An anchored audit trail on a DuckDB file (tests/audit/tamperings.py builds it once per
module; each test works on its own copy)."""

from __future__ import annotations

import shutil

import pytest

from tests.audit.tamperings import build_base


@pytest.fixture(scope="module")
def anchored_base(tmp_path_factory):
    """Paths of the module's base: db, anchors, key (auditor), forger (a key of his own)."""
    return build_base(tmp_path_factory.mktemp("anchored"))


@pytest.fixture
def anchored(anchored_base, tmp_path):
    """A private copy of the anchored district and its anchor file (the keys are shared)."""
    paths = dict(anchored_base)
    for name in ("db", "anchors"):
        paths[name] = tmp_path / anchored_base[name].name
        shutil.copy(anchored_base[name], paths[name])
    return paths
