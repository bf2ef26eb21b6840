"""Import historical cases (历史案件导入) from CSV or JSON, all or nothing.

One record per case:

* ``id`` — the case's code in the source system (becomes ``cases.code``; unique)
* ``category`` — category code (2-digit class + 2-digit subclass, e.g. 0101)
* ``source`` — public, patrol, hotline, app, instruction, petition or sensor
* the place: ``grid`` (base-grid code) and/or ``lon``/``lat`` (CGCS2000/WGS 84 degrees;
  the grid is found by point-in-polygon); ``street``/``community`` codes, when given,
  must agree with the grid.  A street or community code alone does not say which grid.
* ``department`` — responsible department code (default: the category's department)
* the time of each loop step that happened (ISO date-times): ``reported_at``
  (required), ``accepted_at`` (default: reported_at), ``registered_at``,
  ``dispatched_at``, ``handled_at``, ``fed_back_at``, ``verified_at``, ``closed_at``,
  ``evaluated_at`` — or ``voided_at`` for a case voided after acceptance
* ``deadline_at`` (default for a dispatched case: the category's time limit in working
  hours after dispatch), ``satisfaction`` (1-5, with evaluated_at), ``description``

The file is CSV with a header row, a JSON array of objects, or JSON Lines; UTF-8.  It
is read as a stream (app/appraisal/import_files.py) and every record checked as it
comes (app/appraisal/import_records.py, the values by app/appraisal/import_values.py):
what a case cannot hold is refused, never coerced (see those modules).  Times with an
offset are converted to the district's time zone; times without one are local.

Every bad record is reported with its line number and the reason, and then nothing
is written; a good file is written in one transaction with one ``case_transitions``
row per step (the workflow's actions, from/to statuses), so the indicators see the
imported cases exactly like cases handled in GridCC (app/appraisal/import_write.py).
Only that transaction holds the store's write lock: reading and checking do not.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from app.appraisal.import_files import FileRefused, read_records, shown_path
from app.appraisal.import_records import CaseChecker
from app.appraisal.import_rows import COLUMNS, REQUIRED, STEP_COLUMNS, STEPS

__all__ = ["COLUMNS", "REQUIRED", "STEPS", "STEP_COLUMNS", "MAX_CASES", "CaseImportError",
           "ImportResult", "import_cases"]

#: the most cases one file may hold (more: split the file)
MAX_CASES = 1_000_000


class CaseImportError(ValueError):
    """The file was refused; ``problems`` lists (line, reason) for the bad records (a
    refusal shared by many records once, at its first line; line None: the file as a
    whole), at most the first 1,000 (``unlisted``: how many more); ``records``: how
    many records were bad (0 when the file itself was refused)."""

    def __init__(self, path: str, problems: list[tuple[int | None, str]],
                 records: int | None = None, unlisted: int = 0):
        self.path = path
        self.problems = problems
        self.unlisted = unlisted
        self.records = sum(1 for line, _ in problems if line is not None) \
            if records is None else records
        lines = [f"{path}:{line}: {reason}" if line is not None else f"{path}: {reason}"
                 for line, reason in problems]
        super().__init__(self.summary + "：\n" + "\n".join(lines))

    @property
    def summary(self) -> str:
        """One line: how many records were bad (or why the file was refused)."""
        if self.records:
            return f"{self.path}：{self.records} 条记录有误，未导入任何案件"
        reason = self.problems[0][1] if self.problems else "无法导入"
        return f"{self.path}：{reason}，未导入任何案件"


def _said_once(reason: str, lines: list[int]) -> str:
    """A refusal for many records: the reason once, with how many and which lines."""
    if len(lines) == 1:
        return reason
    shown = "、".join(str(n) for n in lines[:10]) + ("…" if len(lines) > 10 else "")
    return f"{reason}（共 {len(lines)} 条记录，第 {shown} 行）"


@dataclass
class ImportResult:
    cases: int
    transitions: int
    first_id: int | None


def import_cases(store, user, path: Path, *, at: datetime) -> ImportResult:
    """Read and check the whole file, then write every case and its steps in one
    transaction; CaseImportError (nothing written) when anything is wrong."""
    with _system_arrow_memory():
        return _import_cases(store, user, path, at)


@contextmanager
def _system_arrow_memory():
    """Arrow's buffers from the C allocator while importing: Arrow's own pool (mimalloc)
    keeps what the written slices freed, ~10 MB of a 50 MB file's peak."""
    import pyarrow as pa

    before = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        pa.set_memory_pool(before)


def _import_cases(store, user, path: Path, at: datetime) -> ImportResult:
    from app.clock import zone, zone_name

    path = Path(path)
    name = shown_path(path)
    checker = CaseChecker(store, zone=zone(zone_name(store.meta())), now=at)
    try:
        for line, record in read_records(path, COLUMNS):
            checker.check(line, record)
            if len(checker.rows) > MAX_CASES:
                raise FileRefused(line, f"一个文件最多 {MAX_CASES} 件案件，请分成几个文件导入")
    except FileRefused as exc:
        records = checker.problems.records  # the file's own fault is no bad record
        checker.problems.add(exc.line, exc.reason)
        raise CaseImportError(name, checker.problems.sorted(), records,
                              checker.problems.unlisted) from None
    if not checker.problems and not len(checker.rows):
        raise CaseImportError(name, [(1, "文件中没有案件")], records=0)
    checker.finish()
    if checker.problems:
        raise CaseImportError(name, checker.problems.sorted(), checker.problems.records,
                              checker.problems.unlisted)
    _refuse_what_the_user_may_not(store, user, checker, name)
    grid_ids = checker.places.ids[checker.rows.numbers("grid")]
    return _write(store, user, checker, grid_ids, at, name)


def _refuse_what_the_user_may_not(store, user, checker: CaseChecker, name: str) -> None:
    """One decision per community (the same place, the same answer); a refusal shared
    by many records said once."""
    from app.auth.permissions import Target, decide
    from app.workflow.places import PlaceNames

    names = PlaceNames(store)
    places = checker.places
    grid = checker.rows.numbers("grid")
    community = np.asarray(places.community_id, dtype=np.int64)[grid]
    reasons: dict[int, str | None] = {}
    for g in np.unique(grid).tolist():
        c = places.community_id[g]
        if c not in reasons:
            d = decide(user.role, user.scope, "case.new", Target(places.street_id[g], c), names)
            reasons[c] = None if d else d.reason
    refused: dict[str, list[int]] = {}  # reason -> lines
    for c, reason in reasons.items():
        if reason is not None:
            refused.setdefault(reason, []).extend(
                checker.rows.line[i] for i in np.flatnonzero(community == c).tolist())
    if refused:
        raise CaseImportError(name, [(min(lines), _said_once(reason, sorted(lines)))
                                     for reason, lines in refused.items()],
                              records=sum(len(v) for v in refused.values()))


def _write(store, user, checker: CaseChecker, grid_ids: np.ndarray, at: datetime,
           name: str) -> ImportResult:
    from app.appraisal.import_write import CodesTaken, write_cases

    try:
        n, m, first = write_cases(store, checker.rows, grid_ids=grid_ids,
                                  username=user.username, role=user.role.value, at=at,
                                  file_name=name)
    except CodesTaken as exc:
        rows = checker.rows
        raise CaseImportError(name, [(rows.line[i], f"案件 {exc.codes[i]} 刚被其他操作写入区库")
                                     for i in exc.rows[:1000]], records=len(exc.rows),
                              unlisted=max(0, len(exc.rows) - 1000)) from None
    return ImportResult(n, m, first)
