"""Bad input (issue 15): 200+ malformed files made here, each refused with its file, the
feature or line where that applies, and a reason in Chinese; nothing is written."""

from __future__ import annotations

import re
import shutil

import pytest

from app.district_io.importer import ImportOptions, ImportSession
from app.store import open_store
from app.store.schema import DOMAIN_TABLES
from tests.app.district_bad_inputs import build
from tests.app.district_fixtures import load_demo
from tests.conftest import TEST_NOW

pytestmark = [pytest.mark.filterwarnings("ignore::RuntimeWarning"), pytest.mark.filterwarnings("ignore::UserWarning")]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _state(store) -> dict:
    """Row counts of every table, the audit head and the settings: what a write changes."""
    out = {t: store.scalar(f"SELECT count(*) FROM {t}") for t in DOMAIN_TABLES + ["audit_log", "users"]}
    out["meta"] = sorted(store.meta().items())
    out["units"] = store.rows("SELECT count(*), coalesce(sum(id), 0), coalesce(max(code), '') FROM grid_units")
    return out


@pytest.fixture(scope="module")
def corpus(store, tmp_path_factory):
    return build(load_demo(store), tmp_path_factory.mktemp("bad"))


def test_at_least_200_malformed_files(corpus):
    assert len(corpus) >= 200, len(corpus)


def test_every_malformed_file_is_refused_with_its_place_and_reason(corpus, small_db_path, tmp_path):
    district = tmp_path / "district.duckdb"
    shutil.copy(small_db_path, district)
    stores = {"empty": open_store(tmp_path / "empty.duckdb", create=True), "district": open_store(district)}
    try:
        before = {k: _state(s) for k, s in stores.items()}
        failures = []
        for bad in corpus:
            store = stores[bad.target]
            options = ImportOptions(**{k: v for k, v in bad.options.items() if v is not None}, user="test")
            report = ImportSession(bad.paths, options, store).run(store, dry_run=False, now=TEST_NOW)
            errors = report.findings.errors
            why = None
            if report.ok or report.committed:
                why = "accepted"
            elif not all(e.file and CJK.search(e.reason) for e in errors):
                why = f"an error without file or Chinese reason: {[e.text() for e in errors][:3]}"
            elif bad.expect and not any(bad.expect in e.reason for e in errors):
                why = f"expected {bad.expect!r} in {[e.text() for e in errors][:3]}"
            elif bad.where and not any(e.where.startswith("第") for e in errors):
                why = f"no feature or line named: {[e.text() for e in errors][:3]}"
            if why:
                failures.append(f"{bad.name}: {why}")
        assert not failures, "\n".join(failures)
        after = {k: _state(s) for k, s in stores.items()}
        assert after == before  # nothing written, not even an audit record
    finally:
        for s in stores.values():
            s.close()


def test_bad_files_on_the_command_line_exit_1_and_write_nothing(corpus, tmp_path, capsys):
    from app.cli import main

    db = tmp_path / "new.duckdb"
    picks = [b for b in corpus if b.target == "empty" and not b.options][:12]
    for bad in picks:
        code = main(["district", "import", *map(str, bad.paths), "--db", str(db)])
        out = capsys.readouterr().out
        assert code == 1 and "没有写入任何数据" in out, (bad.name, out)
        assert not db.exists()  # a new district file is not left behind
