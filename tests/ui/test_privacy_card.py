"""The worker card shows a masked number; 查看完整号码 only for a role that may, one
record at a time, each view an audit record; demonstration mode shows pseudonyms."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from app.audit import read_log
from app.auth.accounts import get_user
from app.auth.session import sign_in
from app.feed.worker_record import WorkerRecord
from app.privacy import demo
from app.privacy.masking import MOBILE_RE
from app.privacy.reveal import UNMASK_ACTION
from app.store import open_store
from ui.map.worker_card import WorkerCard

AT = datetime(2026, 11, 20, 10, 32)


@pytest.fixture
def district(small_db_copy):
    with open_store(small_db_copy) as s:
        yield s
    sign_in(None)
    demo.set_demo_mode(None)


def _record(store, index: int = 0) -> tuple[WorkerRecord, str]:
    wid, code, name, role, phone = store.rows(
        "SELECT id, code, name, role, phone FROM workers ORDER BY id LIMIT 1 OFFSET ?",
        [index])[0]
    from app.privacy.masking import mask_phone

    return WorkerRecord(int(wid), code, name, role, mask_phone(phone), "丁字沽一号路网格",
                        "12010600101", AT, AT, 1234.0, 20), phone


def _card(qtbot, store) -> tuple[QWidget, WorkerCard]:
    host = QWidget()
    host.resize(900, 600)
    qtbot.addWidget(host)
    card = WorkerCard(host, store=lambda: store, clock=lambda: AT)
    host.show()
    return host, card


def test_card_is_masked_and_an_operator_reveals_one_number_on_the_record(qtbot, district, themed_app,
                                                                         tmp_path):
    sign_in(get_user(district, "operator"))
    host, card = _card(qtbot, district)
    rec, phone = _record(district)
    card.show_record(rec)
    assert card.fields["phone"].text() == phone[:3] + "****" + phone[-4:]
    assert card.reveal_button.isVisible() and card.reveal_button.text() == "查看完整号码"
    assert not MOBILE_RE.search(card.title.text() + card.fields["phone"].text()
                                + card.toolTip() + card.fields["phone"].toolTip())
    host.grab().save(str(tmp_path / "card_masked.png"))
    before = len(read_log(district, limit=100000))
    qtbot.mouseClick(card.reveal_button, Qt.MouseButton.LeftButton)
    assert card.fields["phone"].text() == phone and not card.reveal_button.isEnabled()
    log = read_log(district, limit=100000)
    assert len(log) == before + 1
    assert log[0]["action"] == UNMASK_ACTION and log[0]["username"] == "operator"
    assert log[0]["entity_id"] == rec.code
    host.grab().save(str(tmp_path / "card_revealed.png"))
    # the next worker's card is masked again
    rec2, phone2 = _record(district, 1)
    card.show_record(rec2)
    assert card.fields["phone"].text() == phone2[:3] + "****" + phone2[-4:]
    assert card.reveal_button.isEnabled()


@pytest.mark.parametrize("who", [None, "sec01", "auditor"])
def test_no_reveal_button_for_others(qtbot, district, who):
    sign_in(get_user(district, who) if who else None)
    _host, card = _card(qtbot, district)
    rec, phone = _record(district)
    card.show_record(rec)
    assert card.fields["phone"].text() == phone[:3] + "****" + phone[-4:]
    assert card.reveal_button.isHidden()


def test_demonstration_mode_shows_a_pseudonym_and_no_number(qtbot, district, tmp_path,
                                                            themed_app):
    sign_in(get_user(district, "operator"))
    demo.set_demo_mode(True)
    host, card = _card(qtbot, district)
    rec, phone = _record(district)
    card.show_record(rec)
    assert rec.name not in card.title.text() and "某" in card.title.text()
    assert phone[-4:] not in card.fields["phone"].text()
    assert card.reveal_button.isHidden()
    host.grab().save(str(tmp_path / "card_demo.png"))
