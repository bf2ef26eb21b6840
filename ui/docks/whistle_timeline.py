"""One whistle's timeline (哨令时间线) and the steps the signed-in role may take on it:
报到, 反馈, 核查, 评价, 二次哨, 督办, 问责."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.auth.permissions import MATRIX, Target, decide
from app.privacy.demo import person_name
from app.privacy.masking import mask_text
from app.store import DistrictRepository
from app.workflow import whistle_machine as wm
from app.workflow import whistles
from app.workflow.places import department_names
from ui import theme
from ui.docks.workflow_common import (
    Prompter,
    acting_user,
    attempt,
    countdown_text,
    with_version,
    work_hours_left,
)
from ui.texts import domain_text

#: button key -> (label, permission)
STEPS = {
    "report_in": (QT_TRANSLATE_NOOP("WhistleTimeline", "报到"), "whistle.report_in"),
    "feed_back": (QT_TRANSLATE_NOOP("WhistleTimeline", "反馈"), "whistle.feed_back"),
    "verify": (QT_TRANSLATE_NOOP("WhistleTimeline", "核查通过"), "whistle.verify"),
    "reject": (QT_TRANSLATE_NOOP("WhistleTimeline", "核查不通过"), "whistle.verify"),
    "rate": (QT_TRANSLATE_NOOP("WhistleTimeline", "评价"), "whistle.rate"),
    "second": (QT_TRANSLATE_NOOP("WhistleTimeline", "二次哨"), "whistle.second"),
    "supervise": (QT_TRANSLATE_NOOP("WhistleTimeline", "督办"), "whistle.supervise"),
    "accountability": (QT_TRANSLATE_NOOP("WhistleTimeline", "问责"), "whistle.accountability"),
}
#: a department's part of the whistle, as its line in the timeline says
TASK_LINES = {"blown": QT_TRANSLATE_NOOP("WhistleTimeline", "待报到"), "reported": QT_TRANSLATE_NOOP("WhistleTimeline", "处置中"),
              "fed_back": QT_TRANSLATE_NOOP("WhistleTimeline", "已反馈待核查"), "verified": QT_TRANSLATE_NOOP("WhistleTimeline", "已核查待评价"),
              "rated": QT_TRANSLATE_NOOP("WhistleTimeline", "已评价 {rating}分")}

#: the street's steps and the department state they need (some department in it)
STREET_STEP_NEEDS = {"verify": "fed_back", "reject": "fed_back", "rate": "verified"}


class WhistleTimeline(QWidget):
    changed = Signal(int)

    def __init__(self, store: DistrictRepository, clock: Callable[[], datetime],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._clock = clock
        self._names = department_names(store)
        self.whistle_id: int | None = None
        #: the district model's row of a whistle (set by the panel), for its version
        self.row_of = lambda _wid: None
        self.state: wm.Whistle | None = None
        self.prompt = Prompter(self)
        self.header = QLabel(self.tr("选择一条哨令查看时间线"))
        self.header.setObjectName("WhistleHeader")
        self.header.setStyleSheet(f"color: {theme.ACCENT}; font-weight: bold;")
        self.header.setWordWrap(True)
        self.events = QListWidget()
        self.events.setObjectName("WhistleTimeline")
        self.buttons: dict[str, QPushButton] = {}
        self.events.setMinimumHeight(self.fontMetrics().height() * 2)
        grid = QGridLayout()
        for i, (key, (label, _perm)) in enumerate(STEPS.items()):
            b = QPushButton(self.tr(label))
            b.clicked.connect(lambda _=False, k=key: self.run(k))
            grid.addWidget(b, i // 4, i % 4)
            self.buttons[key] = b
        self.message = QLabel()
        self.message.setWordWrap(True)
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 0, 0, 0)
        v.addWidget(self.header)
        v.addWidget(self.events, 1)
        v.addLayout(grid)
        v.addWidget(self.message)
        self._update_buttons()

    def show_whistle(self, wid: int | None) -> None:
        self.whistle_id = wid
        self.events.clear()
        if wid is None:
            self.state = None
            self._update_buttons()
            return
        _, self.state = whistles.load_whistle(self._store, wid)
        w = self.state
        code, title = self._store.rows("SELECT code, title FROM whistles WHERE id = ?", [wid])[0]
        now = self._clock()
        flags = "".join(self.tr("【{mark}】").format(mark=m) for m, on in (
            (self.tr("二次哨"), w.round == 2), (self.tr("督办"), w.supervised),
            (self.tr("问责"), w.accountability)) if on)
        self.header.setText(self.tr("{code} {title} {flags}\n{status} · 报到时限 {report_by} · "
                                    "办结时限 {finish_by}").format(
            code=code, title=title, flags=flags,
            status=domain_text(wm.STATUS_NAMES[wm.whistle_status(w)]),
            report_by=f"{w.report_deadline:%m-%d %H:%M}",
            finish_by=f"{w.finish_deadline:%m-%d %H:%M}"))
        for e in whistles.timeline(self._store, wid):
            dept = self._names.get(e["department_id"], "") if e["department_id"] else ""
            who = e["actor"] or ""
            if e["action"] == "report_in":  # 报到人: a person's name (a pseudonym in 演示模式)
                who = person_name(who)
            note = (self.tr("：{note}").format(note=mask_text(e["note"]))
                    if e["note"] and e["action"] not in ("report_in",) else "")
            if e["attachments"]:
                note += self.tr("（附件 {n} 个）").format(n=len(json.loads(e["attachments"])))
            action = domain_text(wm.ACTION_NAMES.get(e["action"], e["action"]))
            self.events.addItem(QListWidgetItem(
                f"{e['occurred_at']:%m-%d %H:%M}  {action}  {dept} {who}{note}".rstrip()))
        for t in w.tasks:
            line = self.tr("  · {department}：{state}").format(
                department=self._names.get(t.department_id, t.department_id),
                state=self.tr(TASK_LINES[t.state]).format(rating=t.rating))
            it = QListWidgetItem(line)
            if w.closed_at is None and t.state == "blown" and now > w.report_deadline:
                it.setForeground(theme.qcolor(theme.ALERT))
                it.setText(line + "  " + countdown_text(work_hours_left(now, w.report_deadline)))
            self.events.addItem(it)
        self._update_buttons()

    def _update_buttons(self) -> None:
        user = acting_user()
        w = self.state
        states = {t.state for t in w.tasks} if w is not None else set()
        for key, (_label, perm) in STEPS.items():
            ok = False
            if user is not None and w is not None and not self._store.read_only:
                target = Target(w.street_id, None, frozenset(t.department_id for t in w.tasks))
                ok = bool(decide(user.role, user.scope, perm, target))
            # the street's verdicts only once a department has something to judge:
            # 核查 after a department fed back, 评价 after a verification
            ready = STREET_STEP_NEEDS.get(key) is None or STREET_STEP_NEEDS[key] in states
            self.buttons[key].setEnabled(ok and ready)
            # steps of other roles, and verdicts on nothing yet, are hidden, not disabled
            self.buttons[key].setVisible(user is not None and user.role in MATRIX[perm]
                                         and ready)

    def _department_for_street_step(self, need: str) -> int | None:
        """Which department's work the street verifies/rates: the first one waiting."""
        for t in self.state.tasks:
            if t.state == need:
                return t.department_id
        return None

    def run(self, key: str) -> None:
        user = acting_user()
        if user is None or self.whistle_id is None:
            return
        wid, now, store = self.whistle_id, self._clock(), self._store
        kwargs: dict = {}
        if key == "report_in":
            step = whistles.report_in
        elif key == "feed_back":
            note = self.prompt.text(self.tr("结果反馈"), self.tr("处置结果："), self.tr("已处置完毕"))
            if note is None:
                return
            step, kwargs = whistles.feed_back, {"note": note}
        elif key in ("verify", "reject", "rate"):
            dept = self._department_for_street_step("verified" if key == "rate" else "fed_back")
            if dept is None:
                self.message.setText(self.tr("没有等待核查或评价的部门"))
                return
            if key == "rate":
                score = self.prompt.number(
                    self.tr("评价"),
                    self.tr("{department} 评分（1-5）：").format(department=self._names.get(dept)),
                    5, 1, 5)
                if score is None:
                    return
                step, kwargs = whistles.rate, {"department_id": dept, "rating": score}
            else:
                step, kwargs = whistles.verify, {"department_id": dept,
                                                 "passed": key == "verify"}
        elif key == "second":
            rep, fin = whistles.PRESETS["normal"]
            step, kwargs = whistles.second, {"report_hours": rep, "finish_hours": fin}
        elif key == "supervise":
            step = whistles.supervise
        else:
            step = whistles.accountability
        # the version the user saw: a step on a whistle changed meanwhile is refused
        seen = self.state if getattr(self.state, "version", None) is not None \
            else self.row_of(wid)
        kwargs.update(with_version(step, seen))

        def fn():
            return step(store, user, wid, at=now, **kwargs)

        result = attempt(self, self.message, fn, reload=lambda: self.show_whistle(wid))
        if result is not None:
            self.changed.emit(int(result))
            self.show_whistle(int(result))

