"""``CasesMock.settle()``: what the realism switches hold back happens now (docs/realism.md).

Every running merge completes (``Settings.merge_polls_until_complete`` /
``merge_seconds``), then every write the searches do not see yet becomes visible
(``Settings.search_delay``), in every region of the mock.
"""

from __future__ import annotations

from casemock.backend import consistency
from casemock.backend._context import Context
from casemock.backend._store import Store
from casemock.backend.cases import merge


def settle(store: Store) -> None:
    with store.lock:
        for state in list(store.regions.values()):
            with state.lock:
                merge.settle(Context(store, state, "settle"))
                consistency.settle(state)
