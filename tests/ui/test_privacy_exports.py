"""No unmasked mobile number leaves the small demo district (PIPL Art. 28): every export
(CSV, XLSX, PDF, GeoJSON) and every ``--json`` output of the command line, with what
the commands log on stderr, is grepped for an 11-digit mobile number (1[3-9]\\d{9});
the PDF through its text (QtPdf), the XLSX through its XML.  The workers' real numbers
are in the district (the grep would find them), and the grep itself is shown to catch
one planted number."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

from app.cli import main
from app.privacy.masking import MOBILE_RE
from app.store import open_store

OPERATOR = ("operator", "Operator#2026")
AUDITOR = ("auditor", "Audit#2026")
ADMIN = ("admin", "Admin#2026")
SUBJECTS = ("overall", "street", "community", "grid", "department", "worker")


def exported_text(path: Path) -> str:
    """The readable text of an export file (xlsx: its XML parts; pdf: its text)."""
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as z:
            return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()
                             if n.endswith(".xml"))
    if path.suffix == ".pdf":
        from PySide6.QtPdf import QPdfDocument

        doc = QPdfDocument()
        assert doc.load(str(path)) == QPdfDocument.Error.None_
        text = "\n".join(doc.getAllText(i).text() for i in range(doc.pageCount()))
        doc.close()
        assert text.strip(), f"no text read from {path.name}"
        return text
    return path.read_text(encoding="utf-8", errors="replace")


def unmasked(text: str) -> list[str]:
    return MOBILE_RE.findall(text)


def test_the_grep_finds_a_planted_number():
    assert unmasked("联系电话：13800002721。") == ["13800002721"]
    assert unmasked("138****2721, 0221234567890, 213800002721, 117.15511584443") == []


@pytest.fixture(scope="module")
def workers_phones(small_db_path) -> list[str]:
    with open_store(small_db_path, read_only=True) as s:
        return [p for (p,) in s.rows("SELECT phone FROM workers")]


def test_every_export_and_json_output_is_masked(small_db_copy, workers_phones, tmp_path,
                                                 capsys, monkeypatch, themed_app):
    # the district holds real (fictional) mobile numbers: a leak would be found
    assert workers_phones and all(MOBILE_RE.fullmatch(p) for p in workers_phones)
    db = str(small_db_copy)
    out = tmp_path / "exports"
    out.mkdir()
    outputs: dict[str, str] = {}

    def run(name: str, who: tuple[str, str] | None, *argv: str) -> None:
        if who:
            monkeypatch.setenv("GRIDCC_USER", who[0])
            monkeypatch.setenv("GRIDCC_PASSWORD", who[1])
        else:
            monkeypatch.delenv("GRIDCC_USER", raising=False)
        code = main([*argv, "--db", db])
        captured = capsys.readouterr()
        assert code == 0, f"{name}: {captured.err}"
        outputs[name] = captured.out + captured.err

    run("info", None, "info", "--json")
    run("info text", None, "info")
    run("check", None, "check", "--json")
    run("district show", None, "district", "show", "--json")
    run("cameras nearest", None, "cameras", "nearest", "117.16", "39.17", "--json")
    run("case list", OPERATOR, "case", "list", "--json")
    cases = json.loads(outputs["case list"])
    for case in cases[:5]:
        run(f"case show {case['code']}", OPERATOR, "case", "show", case["code"], "--json")
    run("case list text", OPERATOR, "case", "list")
    run("whistle list", OPERATOR, "whistle", "list", "--json")
    for w in json.loads(outputs["whistle list"])[:5]:
        run(f"whistle show {w['code']}", OPERATOR, "whistle", "show", w["code"], "--json")
    for subject in SUBJECTS:
        run(f"score {subject}", OPERATOR, "score", "--subject", subject, "--json")
        for kind in ("csv", "xlsx") + (("pdf",) if subject != "worker" else ()):
            path = out / f"score_{subject}.{kind}"
            run(f"score {subject} {kind}", OPERATOR, "score", "--subject", subject,
                f"--{kind}", str(path))
    run("users list", ADMIN, "users", "list", "--json")
    run("district export", ADMIN, "district", "export", str(out / "layers"),
        "--format", "geojson")
    run("audit show", AUDITOR, "audit", "show", "--json")

    files = sorted(p for p in out.rglob("*") if p.is_file())
    assert {p.suffix for p in files} >= {".csv", ".xlsx", ".pdf", ".geojson"}
    for path in files:
        outputs[str(path.relative_to(out))] = exported_text(path)
    leaks = {name: unmasked(text)[:3] for name, text in outputs.items() if unmasked(text)}
    assert not leaks, f"unmasked mobile numbers in: {leaks}"
    # the worker layer is exported, with its numbers masked the one way
    staff = outputs["layers/staff.geojson"]
    assert re.search(r"1\d{2}\*{4}\d{4}", staff)


def test_demonstration_mode_exports_pseudonyms(small_db_path, tmp_path, capsys, monkeypatch):
    """$GRIDCC_DEMO_MODE=1 (as ``run --demo-mode`` for the window): no worker's real
    name in the worker scores' CSV; the same people get the same pseudonyms."""
    with open_store(small_db_path, read_only=True) as s:
        names = {n for (n,) in s.rows("SELECT name FROM workers")}
    monkeypatch.setenv("GRIDCC_DEMO_MODE", "1")
    path = tmp_path / "workers.csv"
    assert main(["score", "--db", str(small_db_path), "--subject", "worker",
                 "--csv", str(path)]) == 0
    capsys.readouterr()
    rows = path.read_text(encoding="utf-8-sig").splitlines()[1:]
    shown = [r.split(",")[1] for r in rows]
    assert shown and not names & set(shown) and all("某" in n for n in shown)
    assert main(["score", "--db", str(small_db_path), "--subject", "worker", "--json"]) == 0
    again = [r["name"] for r in json.loads(capsys.readouterr().out)["rows"]]
    assert again == shown


def test_run_takes_demo_mode():
    from app.cli import build_parser

    assert build_parser().parse_args(["run", "--demo-mode"]).demo_mode


def test_a_number_typed_into_a_case_never_leaves_unmasked(small_db_copy, capsys, monkeypatch):
    """A description with a resident's mobile and ID number: stored as typed (the record),
    shown masked by case show/list, as JSON and as text."""
    db = str(small_db_copy)
    with open_store(db, read_only=True) as s:
        grid = s.scalar("SELECT code FROM grid_units WHERE level = 4 ORDER BY code LIMIT 1")
    monkeypatch.setenv("GRIDCC_USER", OPERATOR[0])
    monkeypatch.setenv("GRIDCC_PASSWORD", OPERATOR[1])
    text = "居民王某反映楼道堆物，联系电话13912345678，身份证110101199003071234"
    assert main(["case", "new", "--db", db, "--category", "0101", "--grid", grid,
                 "--text", text, "--json"]) == 0
    code = json.loads(capsys.readouterr().out)["code"]
    with open_store(db, read_only=True) as s:
        assert s.scalar("SELECT description FROM cases WHERE code = ?", [code]) == text
    for argv in (["case", "show", code, "--json"], ["case", "show", code],
                 ["case", "list", "--json"], ["case", "list"]):
        assert main([*argv, "--db", db]) == 0
        out = capsys.readouterr().out
        assert not unmasked(out) and "110101199003071234" not in out, argv
        if argv[1] == "show":
            assert "139****5678" in out and "110***********1234" in out, argv


def test_demonstration_mode_whistle_json_names_no_one(small_db_copy, capsys, monkeypatch):
    """Who reported in for a department (报到人) is a person: a pseudonym in demo mode.
    (A writable copy: a JSON output is an export, recorded in the audit trail.)"""
    with open_store(small_db_copy, read_only=True) as s:
        wid, who = s.rows("SELECT whistle_id, reported_by FROM whistle_departments "
                          "WHERE reported_by IS NOT NULL ORDER BY whistle_id LIMIT 1")[0]
    monkeypatch.setenv("GRIDCC_USER", OPERATOR[0])
    monkeypatch.setenv("GRIDCC_PASSWORD", OPERATOR[1])
    argv = ["whistle", "show", str(wid), "--db", str(small_db_copy), "--json"]
    assert main(argv) == 0
    assert who in capsys.readouterr().out
    monkeypatch.setenv("GRIDCC_DEMO_MODE", "1")
    assert main(argv) == 0
    shown = json.loads(capsys.readouterr().out)
    assert who not in json.dumps(shown, ensure_ascii=False)
    assert any("某" in d["reported_by"] for d in shown["departments"] if d["reported_by"])
