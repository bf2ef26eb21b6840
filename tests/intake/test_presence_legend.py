"""The 在岗告警 legend section says how many of the district's on-duty workers the wall sees
live, with or without alarms, and nothing in a replay."""

from __future__ import annotations

from app.geo.crs import LocalFrame
from app.intake.coverage import UnitCoverage
from ui.intake.presence_markers import PresenceMarkers


class Canvas:  # what the markers need of the map canvas
    def add_item(self, item, z=None) -> None:
        self.item = item


def test_the_legend_notes_the_located_share(qapp):
    markers = PresenceMarkers(Canvas(), LocalFrame.around(117.2, 39.1))
    assert markers.legend() is None  # nothing read yet
    markers.show_alarms([], UnitCoverage(803, 630))
    section = markers.legend()
    assert section.entries == ()
    assert section.note == "全区在岗 803 人，60 秒内有定位 630 人（78%）"
    markers.show_alarms([], UnitCoverage(0, 0))  # nobody on duty, no alarm: no section
    assert markers.legend() is None
    markers.show_alarms([], UnitCoverage(10, 1))
    markers.set_visible(False)  # a replay: the figures are of now
    assert markers.legend() is None
