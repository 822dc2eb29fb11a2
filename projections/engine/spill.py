"""Writing out what a long fold added, while it goes on, so a catch-up of any length keeps memory bounded."""

from __future__ import annotations

from typing import TYPE_CHECKING

import orjson

from projections.engine.chunks import chunk_key

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

    from projections.engine.storage import ProjectionStorage
    from projections.fold.state import State


class Spiller:
    """Spills a fold's large quarters to storage from a second thread, one batch at a time.

    Spilled chunks are not tracked: until the final flush records the position, a crash leaves them beside an
    older tracked position, and folding those events again only re-adds identical entries.
    """

    def __init__(self, storage: ProjectionStorage, index_limit: int) -> None:
        self.storage = storage
        self.index_limit = index_limit
        self._writer: ThreadPoolExecutor | None = None
        self._writing: Future[None] | None = None

    def spill(self, st: State, at_least: int) -> None:
        """Write out the quarters whose unsaved part holds at least `at_least` entries, and trim the fact index."""
        index = st.fact_quarter
        if len(index) > self.index_limit:
            # Keep the newer half: follow-ups name recent facts; an older one's quarter is looked up in the ledger.
            recent = list(index.items())[len(index) - self.index_limit // 2:]
            index.clear()
            index.update(recent)
        big = {k: q for k, q in st.quarters.items() if q.size >= at_least}
        if not big:
            return
        blobs = {chunk_key(k, st.notification_id): orjson.dumps(q.to_json()) for k, q in big.items()}
        for k in big:
            del st.quarters[k]
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
