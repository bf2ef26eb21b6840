"""Live patrol (巡查) data without Qt: fix batches, the feed interface, the offline
simulator, ring buffers of recent fixes, road loops, coverage and the stored-day replay.

Times are float seconds of the district's naive local clock (Beijing time) since
the Unix epoch (see :func:`app.feed.fixes.to_seconds`); positions are local
metres of the map's :class:`~app.geo.crs.LocalFrame`.
"""

from app.feed.buffers import TrackBuffer
from app.feed.fixes import FixBatch, PatrolFeed, from_seconds, to_seconds
from app.feed.roads import RoadLoops
from app.feed.simulator import PatrolSimulator, WorkerRoster

__all__ = [
    "FixBatch",
    "PatrolFeed",
    "PatrolSimulator",
    "RoadLoops",
    "TrackBuffer",
    "WorkerRoster",
    "from_seconds",
    "to_seconds",
]
