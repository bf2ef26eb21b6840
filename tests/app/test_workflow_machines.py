"""Hypothesis stateful tests of the case and whistle machines with an injected clock:
random action sequences never reach an illegal state, refused steps change nothing,
deadlines and overdue are exact, and nothing escalates twice."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from app.domain.worktime import DEFAULT_CALENDAR as CAL
from app.workflow import case_machine as cm
from app.workflow import whistle_machine as wm

# The loop as the standard draws it, written out edge by edge (independent of TRANSITIONS).
EDGES = {
    ("accepted", "register"): "registered", ("accepted", "void"): "voided",
    ("registered", "void"): "voided", ("registered", "dispatch"): "dispatched",
    ("returned", "dispatch"): "dispatched", ("dispatched", "handle"): "handled",
    ("dispatched", "return"): "returned", ("dispatched", "extend"): "extended",
    ("dispatched", "defer"): "deferred", ("dispatched", "park"): "parked",
    ("deferred", "park"): "parked", ("extended", "resume"): "dispatched",
    ("deferred", "resume"): "dispatched", ("handled", "feed_back"): "fed_back",
    ("fed_back", "verify"): "verified", ("fed_back", "rework"): "dispatched",
    ("verified", "close"): "closed", ("closed", "evaluate"): "evaluated",
}
START = datetime(2026, 9, 18, 9, 0)  # runs into 中秋 and 国庆 2026
SETTINGS = settings(max_examples=600, stateful_step_count=30, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


class CaseLoop(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.now = START
        self.limit = 8.0
        self.state, _ = cm.new_case(self.now, self.limit)
        self.dispatches = 0

    @rule(minutes=st.integers(0, 3 * 24 * 60))
    def time_passes(self, minutes):
        self.now += timedelta(minutes=minutes)

    @rule(action=st.sampled_from(cm.ACTIONS), with_reason=st.booleans(),
          with_approver=st.booleans(), hours=st.sampled_from([None, 0.0, 4.0, 16.0]),
          satisfaction=st.sampled_from([None, 0, 3, 5, 6]))
    def act(self, action, with_reason, with_approver, hours, satisfaction):
        before = self.state
        expected = EDGES.get((before.status, action))
        kwargs = dict(reason="原因" if with_reason else None,
                      approver="dispatcher" if with_approver else None, department_id=6,
                      extra_hours=hours, satisfaction=satisfaction)
        ok = (expected is not None
              and (action not in cm.NEEDS_REASON or with_reason)
              and (action not in cm.NEEDS_APPROVAL or with_approver)
              and (action != "extend" or bool(hours))
              and (action != "evaluate" or satisfaction in (3, 5)))
        if not ok:
            with pytest.raises(cm.IllegalTransition):
                cm.apply(before, action, self.now, **kwargs)
            assert self.state == before
            return
        new, step = cm.apply(before, action, self.now, **kwargs)
        assert new.status == expected and step.to_status == expected
        assert step.from_status == before.status
        if action in ("dispatch", "rework"):
            assert new.deadline_at == CAL.add_work_hours(self.now, self.limit)
            assert CAL.work_seconds_between(self.now, new.deadline_at) == self.limit * 3600
        if action in ("extend", "defer"):
            left = CAL.work_seconds_between(self.now, before.deadline_at)
            assert new.remaining_s == left + (hours * 3600 if action == "extend" else 0)
            assert new.deadline_at is None
        if action == "resume":
            left = before.remaining_s
            assert new.deadline_at == (CAL.add_work_seconds(self.now, left) if left >= 0
                                       else self.now)
        if action == "rework":
            assert new.rework_count == before.rework_count + 1
        self.state = new

    @invariant()
    def legal_state(self):
        s = self.state
        assert s.status in cm.STATUSES
        assert (s.status in cm.PAUSED) == (s.remaining_s is not None)
        if s.status == "dispatched":
            assert s.deadline_at is not None and s.department_id == 6
        if s.status in cm.PAUSED or s.status == "parked":
            assert s.deadline_at is None
        overdue = s.status == "dispatched" and self.now > s.deadline_at
        assert cm.is_overdue(s, self.now) == overdue
        late = cm.overdue_work_seconds(s, self.now)
        assert late == (CAL.work_seconds_between(s.deadline_at, self.now) if overdue else 0.0)

    @rule()
    def going_back_in_time_is_refused(self):
        actions = cm.allowed_actions(self.state)
        if actions and self.state.last_at:
            with pytest.raises(cm.IllegalTransition):
                cm.apply(self.state, actions[0], self.state.last_at - timedelta(minutes=1),
                         reason="r", approver="a", department_id=6, extra_hours=1,
                         satisfaction=4)


TestCaseLoop = CaseLoop.TestCase
TestCaseLoop.settings = SETTINGS

LEADERS = 57
DEPTS = [6, 8, 12]


class WhistleLoop(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.now = START
        self.w = wm.blow(2, DEPTS, self.now, 2, 27)
        self.second: wm.Whistle | None = None
        self.seconds_blown = 0

    @rule(minutes=st.integers(0, 2 * 24 * 60))
    def time_passes(self, minutes):
        self.now += timedelta(minutes=minutes)

    def _try(self, fn, legal: bool):
        before = self.w
        if not legal:
            with pytest.raises(wm.IllegalWhistleStep):
                fn(before)
            assert self.w == before
            return None
        self.w = fn(before)
        return self.w

    @rule(dept=st.sampled_from(DEPTS + [99]),
          step=st.sampled_from(["report_in", "feed_back", "verify", "reject", "rate"]),
          rating=st.sampled_from([0, 1, 5, 6]))
    def department_step(self, dept, step, rating):
        need = {"report_in": "blown", "feed_back": "reported", "verify": "fed_back",
                "reject": "fed_back", "rate": "verified"}[step]
        open_ = self.w.closed_at is None
        known = dept in DEPTS
        state = self.w.task(dept).state if known else None
        legal = open_ and known and state == need and (step != "rate" or rating in (1, 5))
        fns = {"report_in": lambda w: wm.report_in(w, dept, self.now, "张科长"),
               "feed_back": lambda w: wm.feed_back(w, dept, self.now),
               "verify": lambda w: wm.verify(w, dept, self.now, True),
               "reject": lambda w: wm.verify(w, dept, self.now, False),
               "rate": lambda w: wm.rate(w, dept, self.now, rating)}
        new = self._try(fns[step], legal)
        if new is not None:
            expect = {"report_in": "reported", "feed_back": "fed_back", "verify": "verified",
                      "reject": "reported", "rate": "rated"}[step]
            assert new.task(dept).state == expect

    @rule()
    def supervise(self):
        legal = (self.w.closed_at is None and not self.w.supervised
                 and bool(wm.overdue_items(self.w, self.now)))
        self._try(lambda w: wm.supervise(w, self.now), legal)

    @rule()
    def accountability(self):
        legal = self.w.supervised and not self.w.accountability
        self._try(lambda w: wm.flag_accountability(w, self.now), legal)

    @rule()
    def second_whistle(self):
        legal = self.w.closed_at is None and not self.w.seconded
        before = self.w
        if not legal:
            with pytest.raises(wm.IllegalWhistleStep):
                wm.second_whistle(before, self.now, LEADERS, 8, 45)
            return
        first, new = wm.second_whistle(before, self.now, LEADERS, 8, 45)
        self.w, self.second = first, new
        self.seconds_blown += 1
        assert new.round == 2 and {t.department_id for t in new.tasks} == set(DEPTS) | {LEADERS}
        with pytest.raises(wm.IllegalWhistleStep):
            wm.second_whistle(new, self.now, LEADERS, 8, 45)

    @invariant()
    def consistent(self):
        w = self.w
        assert self.seconds_blown <= 1  # no double escalation
        states = {t.state for t in w.tasks}
        assert (w.closed_at is not None) == (states == {"rated"})
        assert wm.whistle_status(w) in wm.WHISTLE_STATUSES
        if w.accountability:
            assert w.supervised
        for t in w.tasks:
            assert (t.reported_at is None) == (t.state == "blown")
        # overdue exactly: report-in late by the working time since the deadline
        items = {(o.department_id, o.kind): o.late_s for o in wm.overdue_items(w, self.now)}
        for t in w.tasks:
            if t.reported_at is None and self.now > w.report_deadline:
                assert items[(t.department_id, "report")] == CAL.work_seconds_between(
                    w.report_deadline, self.now)
            elif t.reported_at is not None and t.reported_at <= w.report_deadline:
                assert (t.department_id, "report") not in items


TestWhistleLoop = WhistleLoop.TestCase
TestWhistleLoop.settings = SETTINGS


def test_deadlines_of_a_blown_whistle_are_working_hours():
    w = wm.blow(2, [6], datetime(2026, 9, 30, 16, 0), 2, 27)
    assert w.report_deadline == datetime(2026, 10, 8, 9, 0)  # over 国庆
    assert CAL.work_seconds_between(w.blown_at, w.finish_deadline) == 27 * 3600


def test_refusals_say_why():
    s, _ = cm.new_case(START, 8)
    with pytest.raises(cm.IllegalTransition, match="^案件已受理，不能处置（处置只适用于已派遣的案件）$"):
        cm.apply(s, "handle", START)
    with pytest.raises(cm.IllegalTransition, match="作废须有审批人"):
        cm.apply(s, "void", START, reason="重复")
    w = wm.blow(2, [6], START, 2, 27)
    with pytest.raises(wm.IllegalWhistleStep, match="没有超时的事项"):
        wm.supervise(w, START)
