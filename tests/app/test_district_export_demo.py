"""``district export`` in demonstration mode (演示模式): people under the pseudonyms the
screen shows, no phones, and no way to ask for them unmasked."""

from __future__ import annotations

import json

import pytest
from pyogrio import raw

from app.cli import main
from app.privacy.demo import ENV_DEMO_MODE, pseudonym, set_demo_mode
from app.store import open_store

pytestmark = [pytest.mark.filterwarnings("ignore::RuntimeWarning"), pytest.mark.filterwarnings("ignore::UserWarning")]


@pytest.fixture
def demo_mode_on(monkeypatch):
    set_demo_mode(None)  # the process follows the environment, as the command line does
    monkeypatch.setenv(ENV_DEMO_MODE, "1")
    yield
    set_demo_mode(None)


def _staff(path):
    meta, _fids, _geoms, cols = raw.read(path, layer="staff", read_geometry=False)
    return dict(zip(meta["fields"], cols, strict=True))


def test_demo_mode_export_writes_pseudonyms_and_no_phones(demo_mode_on, small_db_copy, tmp_path, capsys):
    with open_store(small_db_copy, read_only=True) as st:
        real = dict(st.rows("SELECT code, name FROM workers"))
    out = tmp_path / "demo.gpkg"
    assert main(["district", "export", str(out), "--user", "operator", "--db", str(small_db_copy)]) == 0
    assert "化名" in capsys.readouterr().out
    staff = _staff(out)
    assert len(staff["code"]) == len(real) > 0
    assert [str(n) for n in staff["name"]] == [pseudonym(real[c]) for c in staff["code"]]
    assert not set(real.values()) & set(staff["name"].tolist())
    assert set(staff["phone"].tolist()) <= {"", None}
    with open_store(small_db_copy, read_only=True) as st:
        after = json.loads(st.rows("SELECT after FROM audit_log WHERE action = 'district.export' "
                                   "ORDER BY seq DESC LIMIT 1")[0][0])
    assert after["pseudonyms"] is True and after["personal_masked"] is True


def test_demo_mode_refuses_an_unmasked_export(demo_mode_on, small_db_copy, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GRIDCC_PASSWORD", "Admin#2026")
    out = tmp_path / "x.gpkg"
    code = main(["district", "export", str(out), "--unmask", "--user", "admin", "--db", str(small_db_copy)])
    assert code == 1 and "演示模式" in capsys.readouterr().err
    assert not out.exists()


def test_without_demo_mode_names_are_real_and_phones_masked(small_db_copy, tmp_path, monkeypatch):
    set_demo_mode(None)
    monkeypatch.delenv(ENV_DEMO_MODE, raising=False)
    with open_store(small_db_copy, read_only=True) as st:
        real = dict(st.rows("SELECT code, name FROM workers"))
    out = tmp_path / "plain.gpkg"
    assert main(["district", "export", str(out), "--db", str(small_db_copy)]) == 0
    staff = _staff(out)
    assert [str(n) for n in staff["name"]] == [real[c] for c in staff["code"]]
    assert all(p[3:7] == "****" for p in staff["phone"])
