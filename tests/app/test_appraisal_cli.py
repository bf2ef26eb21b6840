"""``python -m app score``: the readable table, JSON, CSV and an xlsx read back with
openpyxl, on the small demo district (a DuckDB file and a server copy); publishing and
surveys from the command line."""

from __future__ import annotations

import csv
import json

import pytest
from openpyxl import load_workbook

from app.cli import main
from app.store import open_store
from tests.backends import BACKENDS, district_copy


@pytest.fixture(scope="module", params=BACKENDS)
def small_db(request) -> str:
    """The small district to read: the session's DuckDB file, or a server copy."""
    if request.param == "duckdb":
        return str(request.getfixturevalue("small_db_path"))
    return district_copy(request, "postgres")


def test_default_table_is_the_latest_complete_month(small_db, capsys):
    assert main(["score", "--db", small_db]) == 0
    out = capsys.readouterr().out
    assert out.startswith("绩效考核 部门 · 2026-10") and "结案率" in out and "排名" in out


def test_default_period_follows_the_clock(small_db, capsys, monkeypatch):
    assert main(["score", "--db", small_db, "--now", "2026-09-01T00:30",
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["period"] == "2026-08"
    monkeypatch.setenv("GRIDCC_NOW", "2026-08-15T12:00")
    assert main(["score", "--db", small_db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["period"] == "2026-07"


def test_json_matches_the_engine(small_db, capsys):
    assert main(["score", "--db", small_db, "--period", "2026Q3", "--subject",
                 "street", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["period"] == "2026Q3" and data["subject"] == "street"
    assert data["scheme_version"] == "v1" and len(data["rows"]) == 2
    from app.appraisal import compute_indicators, parse_period

    with open_store(small_db, read_only=True) as s:
        tab = compute_indicators(s, parse_period("2026Q3"), "street")
    by_code = {r.code: r for r in tab.rows}
    for row in data["rows"]:
        assert row["close_rate"] == by_code[row["code"]].values["close_rate"]
        assert row["rank"] in (1, 2) and 0 <= row["score"] <= 100


def test_csv_and_xlsx(small_db, tmp_path, capsys):
    c, x = tmp_path / "d.csv", tmp_path / "d.xlsx"
    assert main(["score", "--db", small_db, "--period", "2026-10", "--csv", str(c)]) == 0
    assert main(["score", "--db", small_db, "--period", "2026-10", "--xlsx",
                 str(x)]) == 0
    capsys.readouterr()
    with c.open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    assert header[:5] == ["排名", "编码", "名称", "得分", "街道评价"] and "结案率(%)" in header
    wb = load_workbook(x)
    ws = wb.worksheets[0]
    assert ws["A1"].value.startswith("绩效考核（部门） 2026-10")
    xl_header = [cell.value for cell in ws[2]]
    assert xl_header[:4] == ["排名", "编码", "名称", "得分"]
    body = list(ws.iter_rows(min_row=3, values_only=True))
    assert len(body) == len(rows) - 1 > 5
    k = xl_header.index("结案率")
    for xl_row, csv_row in zip(body, rows[1:], strict=True):
        assert xl_row[1] == csv_row[1]  # same departments, same order
        if xl_row[k] is not None:
            assert f"{xl_row[k] * 100:.2f}" == csv_row[k]  # rate as a fraction, shown as %
    assert ws.cell(3, k + 1).number_format == "0.00%"
    grade = ws.cell(3, xl_header.index("等级") + 1)
    assert grade.fill.fgColor.rgb.endswith(("2FB36D", "3B8EEA", "E6B422", "E5484D"))
    assert "指标口径" in wb.sheetnames


def test_mistakes_are_one_line(small_db, tmp_path, capsys):
    assert main(["score", "--db", small_db, "--period", "2026-13"]) == 1
    assert "month must be 01-12" in capsys.readouterr().err
    assert main(["score", "--db", small_db, "--csv",
                 str(tmp_path / "nope" / "x.csv")]) == 1
    assert "no directory" in capsys.readouterr().err


def test_survey_and_publish_commands(district_db, capsys, monkeypatch):
    db = district_db
    monkeypatch.setenv("GRIDCC_PASSWORD", "Secretary#2026")
    args = ["score", "survey", "--db", db, "--user", "sec01", "--period", "2026-11",
            "--street", "120106001", "--ratings", "CG=91,HW=88.5", "--now", "2026-11-20T10:00"]
    assert main(args) == 0
    assert "已录入西沽南街道 2026-11 的评议（2 个部门）" in capsys.readouterr().out
    assert main(args) == 1
    assert "每个街道每期只评议一次" in capsys.readouterr().err
    monkeypatch.setenv("GRIDCC_PASSWORD", "Supervise#2026")
    pub = ["score", "publish", "--db", db, "--user", "supervisor", "--period", "2026-10",
           "--now", "2026-11-20T10:00"]
    assert main(pub) == 0 and "published 2026-10" in capsys.readouterr().out
    assert main(pub) == 1 and "already published" in capsys.readouterr().err
    assert main(["score", "--db", db, "--period", "2026-10", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["published"] is True


@pytest.mark.parametrize("subject", ["overall", "community", "grid", "worker"])
def test_every_subject_prints(small_db, capsys, subject):
    assert main(["score", "--db", small_db, "--subject", subject, "--limit", "3"]) == 0
    assert "绩效考核" in capsys.readouterr().out


def test_bench_figures(small_db):
    from app.appraisal.bench import appraisal_bench

    out = appraisal_bench(small_db, runs=1)
    assert out["period"] == "2025-11-20~2026-11-19" and out["cases"] > 1000
    assert set(out["indicators"]) == {"overall", "department", "street", "community", "grid",
                                      "worker"}
    for fig in out["indicators"].values():
        assert 0 < fig["query_ms"] <= fig["total_ms"] and fig["rows"] >= 1
    assert out["department_scores_ms"] > 0 and out["target_query_ms"] == 200.0


def test_scheme_check_and_print(small_db, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"version": "v2", "objective": [{"indicator": "close_rate", "weight": 60, '
                   '"rule": {"type": "threshold", "full_at": 0.9, "minus_per_point": 1}}], '
                   '"area": [], "grades": [{"min": 0, "code": "A", "label": "x", '
                   '"colour": "#123"}]}', encoding="utf-8")
    assert main(["score", "scheme", "--check", str(bad), "--db", small_db]) == 1
    err = capsys.readouterr().err
    for problem in ("objective: weights sum to 60", "area: must be a non-empty list",
                    "grades[0].colour: must look like"):
        assert problem in err
    assert main(["score", "scheme", "--db", small_db]) == 0
    assert capsys.readouterr().out.startswith("scheme in force: v1")
