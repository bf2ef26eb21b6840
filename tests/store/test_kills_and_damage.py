"""A few rounds of the soak runs in the suite (tests/soak/kill_writers.py and
tests/soak/damage_files.py run the hundreds, by hand)."""

from __future__ import annotations

import pytest

from tests.soak import damage_files, kill_writers

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("mode", ["import", "workflow"])
def test_killed_writers_leave_whole_transactions_or_a_refusal(mode, small_db_path, tmp_path):
    figures = kill_writers.run(4, mode, tmp_path, small_db_path)
    assert figures["kills"] == 4 and figures["writer_failed"] == 0, figures["details"]
    assert figures["torn_accepted"] == 0 and figures["tracebacks"] == 0, figures["details"]
    assert figures["whole"] + figures["refused_torn"] == 4
    assert figures["wal_left"] > 0  # the kills landed while the writer had a WAL open


def test_damaged_files_are_refused_by_cause_and_never_changed(small_db_path, tmp_path):
    source = tmp_path / "source.duckdb"
    import shutil

    shutil.copy(small_db_path, source)
    figures = damage_files.run(tmp_path, source, limit=12)
    assert figures["files"] == 12
    assert figures["problems"] == []
    assert figures["tracebacks"] == figures["hangs"] == figures["changed_by_read_only"] == 0
    assert figures["checksum_found_by_check_full"] == figures["checksum_damage"] > 0
