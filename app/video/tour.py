"""Camera tour (轮巡): a wall page cycles through a camera group every N seconds.

Pure logic with an injected clock (``clock() -> seconds``), so tests drive time by
hand.  An operator's interaction, or an alarm taking a tile, pauses the tour; it
resumes by itself after ``resume_after_s`` of quiet, or when told to.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence


class TourScheduler:
    """Which cameras the wall shows now, page by page."""

    def __init__(self, cameras: Sequence[str], page_size: int, interval_s: float = 15.0,
                 *, clock: Callable[[], float] = time.monotonic,
                 resume_after_s: float | None = 60.0) -> None:
        if page_size <= 0:
            raise ValueError("page size must be positive")
        if interval_s <= 0:
            raise ValueError("tour interval must be positive")
        self.cameras = list(cameras)
        self.page_size = page_size
        self.interval_s = float(interval_s)
        self.resume_after_s = resume_after_s
        self._clock = clock
        self.page = 0
        self._page_started = clock()
        self.paused_reason: str | None = None
        self._paused_at = 0.0

    @property
    def page_count(self) -> int:
        return max(1, -(-len(self.cameras) // self.page_size))

    def cameras_on_page(self, page: int | None = None) -> list[str | None]:
        """The codes for each tile of ``page`` (None pads the last page)."""
        p = self.page if page is None else page
        chunk = self.cameras[p * self.page_size:(p + 1) * self.page_size]
        return list(chunk) + [None] * (self.page_size - len(chunk))

    @property
    def paused(self) -> bool:
        return self.paused_reason is not None

    def pause(self, reason: str = "interaction") -> None:
        """Hold the current page (operator clicked, dragged, or an alarm took a tile)."""
        self.paused_reason = reason
        self._paused_at = self._clock()

    def resume(self) -> None:
        """Go on touring; the current page gets a full interval again."""
        self.paused_reason = None
        self._page_started = self._clock()

    def due_in(self) -> float:
        """Seconds until the next page (inf while paused without auto-resume)."""
        now = self._clock()
        if self.paused:
            if self.resume_after_s is None:
                return float("inf")
            return max(0.0, self._paused_at + self.resume_after_s - now) + self.interval_s
        return max(0.0, self._page_started + self.interval_s - now)

    def tick(self) -> list[str | None] | None:
        """Call often; returns the new page's cameras when the page changes, else None."""
        now = self._clock()
        if self.paused:
            if self.resume_after_s is None or now - self._paused_at < self.resume_after_s:
                return None
            self.resume()
            return None
        if now - self._page_started < self.interval_s or self.page_count <= 1:
            return None
        # a late tick (busy GUI) advances one page only: operators must see each page
        self.page = (self.page + 1) % self.page_count
        self._page_started = now
        return self.cameras_on_page()
