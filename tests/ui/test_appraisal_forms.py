"""The street survey (one per street per period, refused the second time with a visible
message) and the scheme editor (weights must sum to 100; saving makes a new version)."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.appraisal import department_scores, latest_complete_month, parse_period, surveys_for
from app.auth.accounts import authenticate
from app.auth.permissions import Role
from app.auth.session import sign_in, sign_out
from app.demo.accounts import DEMO_PASSWORDS
from app.store import open_store
from ui.appraisal.jobs import close_jobs

T0 = datetime(2026, 11, 20, 10, 30)


@pytest.fixture
def db(small_db_copy, themed_app):
    store = open_store(small_db_copy)
    yield store
    sign_out()
    close_jobs(store)
    store.close()


def as_user(store, name: str, role: Role) -> None:
    sign_in(authenticate(store, name, DEMO_PASSWORDS[role], at=T0))


def test_secretary_fills_in_the_survey_once(db, qtbot):
    from ui.appraisal.survey_dialog import SurveyDialog

    as_user(db, "sec01", Role.STREET_SECRETARY)
    # the demo has every street's survey of every complete month: the month in progress
    done = SurveyDialog(db)
    qtbot.addWidget(done)
    assert done.period_box.count() == 2
    done.period_box.setCurrentIndex(1)
    assert done.period.label == latest_complete_month(db).label
    assert not done.submit_button.isEnabled() and "不能重复提交" in done.message.text()
    period = parse_period("2026-11")
    dialog = SurveyDialog(db, period)
    qtbot.addWidget(dialog)
    assert not dialog.street.isEnabled()  # a secretary rates for his own street
    street_id = dialog.street_id()
    assert street_id == db.scalar("SELECT id FROM grid_units WHERE level = 2 ORDER BY code LIMIT 1")
    assert dialog.submit_button.isEnabled() and len(dialog.spins) > 3
    # a department left unrated: refused by the form, nothing stored
    first = next(iter(dialog.spins))
    for did, spin in dialog.spins.items():
        spin.setValue(80 if did != first else -1)
    assert not dialog.submit()
    assert "尚未评分" in dialog.message.text() and surveys_for(db, period) == []
    dialog.spins[first].setValue(95)
    dialog.comment.setPlainText("城管委响应快")
    with qtbot.waitSignal(dialog.finished_submit, timeout=10_000) as stored:
        assert dialog.submit()  # stored on the appraisal worker
        assert dialog.message.text() == "正在提交…" and not dialog.submit_button.isEnabled()
    assert stored.args == [True]
    assert "已提交" in dialog.message.text() and not dialog.submit_button.isEnabled()
    stored = [s for s in surveys_for(db, period) if s.street_id == street_id]
    assert len(stored) == 1
    assert stored[0].ratings[first] == 95 and stored[0].comment == "城管委响应快"
    assert all(stored[0].ratings[d] == 80 for d in dialog.spins if d != first)

    # a second survey for the same street and period
    again = SurveyDialog(db, period)
    assert again.period.label == "2026-11"
    qtbot.addWidget(again)
    assert not again.submit_button.isEnabled()
    assert "不能重复提交" in again.message.text()
    assert again.spins[first].value() == 95  # the stored ratings are shown, read-only
    # forced through, the engine refuses it and the dialog says so; nothing changes
    with qtbot.waitSignal(again.finished_submit, timeout=10_000) as refused:
        again.submit()
    assert refused.args == [False]
    assert again.message.text().startswith("未提交") and "\n" not in again.message.text()
    assert len([s for s in surveys_for(db, period) if s.street_id == street_id]) == 1


def test_only_a_signed_in_user_may_submit(db, qtbot):
    from ui.appraisal.survey_dialog import SurveyDialog

    sign_out()
    dialog = SurveyDialog(db, latest_complete_month(db))
    qtbot.addWidget(dialog)
    assert not dialog.submit_button.isEnabled() and "登录" in dialog.message.text()


def test_scheme_editor_refuses_weights_not_summing_to_100(db, qtbot):
    from ui.appraisal.scheme_editor import SchemeEditor

    as_user(db, "admin", Role.ADMINISTRATOR)
    before = db.scalar("SELECT count(*) FROM appraisal_schemes")
    editor = SchemeEditor(db)
    qtbot.addWidget(editor)
    assert editor.save_button.isEnabled() and editor.version.text() == "v2"
    weights = [it["weight"] for it in editor.objective.items()]
    assert sum(weights) == 100
    editor.objective.set_weight(0, weights[0] - 5)
    assert "须为 100" in editor.objective.total.text()
    assert editor.save() is None
    problems = [editor.problems.item(i).text() for i in range(editor.problems.count())]
    assert any("95" in p and "100" in p for p in problems)
    assert "未保存" in editor.message.text()
    assert db.scalar("SELECT count(*) FROM appraisal_schemes") == before
    # fixed: saved as the new version
    editor.objective.set_weight(0, weights[0])
    editor.objective.set_weight(1, weights[1])
    saved = editor.save()
    assert saved is not None and saved.version == "v2"
    assert db.scalar("SELECT count(*) FROM appraisal_schemes") == before + 1
    assert "已保存" in editor.message.text()


def test_scheme_editor_lists_every_problem_and_is_read_only_for_others(db, qtbot):
    from ui.appraisal.scheme_editor import SchemeEditor

    as_user(db, "operator", Role.OPERATOR)
    editor = SchemeEditor(db)
    qtbot.addWidget(editor)
    assert not editor.save_button.isEnabled()
    editor.grades.item(0, 3).setText("green")
    editor.objective.set_weight(1, "abc")
    assert editor.check() is None
    problems = [editor.problems.item(i).text() for i in range(editor.problems.count())]
    assert any(p.startswith("等级") and "colour" in p for p in problems)
    assert any(p.startswith("客观指标") and "abc" in p for p in problems)


def test_published_period_is_read_only(db, qtbot):
    from ui.appraisal.scheme_editor import SchemeEditor
    from ui.appraisal.scoring_dock import ScoringDock
    from ui.appraisal.survey_dialog import SurveyDialog

    period = latest_complete_month(db)
    as_user(db, "supervisor", Role.SUPERVISION_OFFICE)
    dock = ScoringDock(db)
    qtbot.addWidget(dock)
    dock.refresh()
    qtbot.waitUntil(lambda: not dock.busy())
    assert dock.publish(confirm=False)
    qtbot.waitUntil(lambda: not dock.publishing() and not dock.busy(), timeout=20_000)
    frozen = [(s.name, s.score, s.rank) for s in dock.leagues["department"].scores]
    # a new scheme changes the weights for periods not yet published only
    as_user(db, "admin", Role.ADMINISTRATOR)
    editor = SchemeEditor(db)
    qtbot.addWidget(editor)
    weights = [it["weight"] for it in editor.objective.items()]
    editor.objective.set_weight(0, weights[0] + 10)
    editor.objective.set_weight(1, weights[1] - 10)
    editor.street_weight.setValue(30.0)
    september = parse_period("2026-09")
    before = {s.code: s.score for s in department_scores(db, september)}
    editor.saved.connect(lambda _s: dock.invalidate())
    assert editor.save() is not None
    qtbot.waitUntil(lambda: not dock.busy())
    assert [(s.name, s.score, s.rank) for s in dock.leagues["department"].scores] == frozen
    after = {s.code: s.score for s in department_scores(db, september)}
    assert after != before  # an unpublished month is scored with the new version
    assert "已发布" in dock.published_label.text()
    # and no survey can be entered for it any more
    as_user(db, "sec02", Role.STREET_SECRETARY)
    survey = SurveyDialog(db, period)
    qtbot.addWidget(survey)
    assert not survey.submit_button.isEnabled() and "已发布" in survey.message.text()
