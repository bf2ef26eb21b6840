"""The command centre's headline figures as shown (指挥中心指标), Qt-free: ONE function
for every place that shows them - the big screen's strip and the workstation's status
strip - so that the two never disagree.

在岗巡查, 今日案件, 未结案件, 超期, 吹哨办理中 and 结案率（近12个月） are defined in
:mod:`app.map.headline`; live they are the store's present state at the clock's time
(:meth:`DistrictState.headline`), in replay as they stood at the replay position.
"""

from __future__ import annotations

from datetime import datetime

from app.feed.replay import Timeline
from app.live.district_state import DistrictState
from app.map.headline import Headline, headline_at


def shown_headline(state: DistrictState, now: datetime, on_patrol: int,
                   replay: tuple[float, Timeline] | None = None) -> Headline:
    """The figures to show: live (``replay`` None) the district's cases and whistles as
    they stand at ``now``; in replay (``(t, timeline)``) as they stood at feed time
    ``t``.  ``on_patrol``: workers with a fresh fix at the moment shown."""
    if replay is None:
        return state.headline(now, on_patrol)
    t, tl = replay
    cases = state.cases
    return headline_at(t, cases.reported_s, cases.closed_s, cases.deadline_s,
                       tl.whistle_blown, tl.whistle_closed, on_patrol)
