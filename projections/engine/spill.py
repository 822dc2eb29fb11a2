"""Writing out what a long fold added, while it goes on, so a catch-up of any length keeps memory bounded.

What a fold keeps resident is bounded by a budget of entries, never by the history folded so far:
- every quarter's unsaved part is written out (and released) together once their entries reach `at_least` —
  not only the quarters that grew large on their own. A past quarter keeps receiving a few follow-ups (a
  retraction, a verification, the shortlist, an appeal), and a rule of "write out a quarter once it holds
  `at_least` entries" let each past quarter's last few thousand entries stay resident until the end: 287 MB at
  1M events, 966 MB at 3M. Writing them all at once costs no more (the same entries, a few more small chunks,
  merged when the quarter is read: projections/engine/materialised.merge_chunks).
- the fact index (fact id → quarter, for follow-ups) holds two generations of at most `index_limit / 2`
  recent facts: when the young one fills it becomes the old one and the former old one is dropped whole (no
  copy of what is kept); a follow-up of an older fact is looked up in the ledger (`State.lookup`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import orjson

from projections.engine.chunks import chunk_key

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

    from projections.engine.storage import ProjectionStorage
    from projections.fold.state import State


class Spiller:
    """Spills a fold's unsaved quarters to storage from a second thread, one batch at a time.

    Spilled chunks are not tracked: until the final flush records the position, a crash leaves them beside an
    older tracked position, and folding those events again only re-adds identical entries.
    """

    def __init__(self, storage: ProjectionStorage, index_limit: int) -> None:
        self.storage = storage
        self.index_limit = index_limit
        self._writer: ThreadPoolExecutor | None = None
        self._writing: Future[None] | None = None

    def spill(self, st: State, at_least: int) -> None:
        """Write out every unsaved quarter once they hold `at_least` entries together, and age the fact index."""
        st.age_index(max(1, self.index_limit // 2))
        if sum(q.size for q in st.quarters.values()) < at_least:
            return
        big = {k: q for k, q in st.quarters.items() if not q.empty}
        st.quarters.clear()  # released: later follow-ups start a new part, merged with this one when read
        if not big:
            return
        blobs = {chunk_key(k, st.notification_id): orjson.dumps(q.to_json()) for k, q in big.items()}
        del big
        # Written by a second thread while the fold goes on (the database releases the GIL), one batch at a time.
        self.written()
        if self._writer is None:
            from concurrent.futures import ThreadPoolExecutor  # only a long catch-up spills (and it imports logging)

            self._writer = ThreadPoolExecutor(1, thread_name_prefix="kaoping-spill")
        self._writing = self._writer.submit(self.storage.put, blobs)

    def written(self) -> None:
        """Wait for the spill being written (raising what it raised)."""
        if self._writing is not None:
            writing, self._writing = self._writing, None
            writing.result()

    def stop(self) -> None:
        """Wait for the last spill and end the writing thread (before a fork, and when a catch-up ends)."""
        if self._writer is not None:
            try:
                self.written()
            finally:
                self._writer.shutdown()
                self._writer = None
