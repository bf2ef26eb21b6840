"""Every malformed case file (tests/app/malformed_cases.py, ≥ 250) is refused with
its reason at its line: no other exception, nothing written."""

from __future__ import annotations

import re
import shutil

import pytest

from app.appraisal.case_import import CaseImportError, import_cases
from app.auth.accounts import get_user
from app.store import open_store
from tests.app.malformed_cases import district_place, malformed_files
from tests.conftest import TEST_NOW


@pytest.fixture(scope="module")
def district(small_db_path, tmp_path_factory):
    """A writable copy of the small district and the malformed files, made once."""
    folder = tmp_path_factory.mktemp("malformed")
    path = folder / "district.duckdb"
    shutil.copy(small_db_path, path)
    store = open_store(path)
    yield store, malformed_files(folder / "files", district_place(store))
    store.close()


def _outcome(store, user, m) -> str | None:
    """None when ``m`` was refused as expected; otherwise what happened."""
    try:
        res = import_cases(store, user, m.path, at=TEST_NOW)
    except CaseImportError as exc:
        if any(line == m.line and re.search(m.reason, reason) for line, reason in exc.problems):
            return None
        return f"refused otherwise: {exc.problems[:3]}"
    except Exception as exc:  # noqa: BLE001 - a traceback is what this test counts
        return f"{type(exc).__name__}: {exc}"[:300]
    return f"accepted ({res.cases} cases)"


@pytest.mark.slow
def test_every_malformed_file_is_refused_for_its_reason_at_its_line(district):
    store, files = district
    assert len(files) >= 250
    user = get_user(store, "operator")
    cases = store.scalar("SELECT count(*) FROM cases")
    audit = store.scalar("SELECT count(*) FROM audit_log")
    wrong = {m.name: why for m in files if (why := _outcome(store, user, m)) is not None}
    assert wrong == {}
    assert store.scalar("SELECT count(*) FROM cases") == cases
    assert store.scalar("SELECT count(*) FROM audit_log") == audit
