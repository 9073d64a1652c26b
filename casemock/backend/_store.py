"""The state of one mock: its regions, record counter, random source, case events and
lock. ``Store`` owns these invariants: nothing outside it rebuilds the counter, touches
the random source or swaps the regions.

A store is also the runtime handlers use (``Context.runtime``): the clock (``now``), ids
(``new_id``, ``random_choice``: seeded when the mock has a ``seed``), the record counter
(``next_seq``), the case-event sink (``publish``) and the registry of resources outside
Cases (``external``). ``seeding()`` is the runtime of the seeding helpers: without case
events unless asked, and with writes the searches see at once.

The realism switches (docs/realism.md) keep their state here too: the token buckets of
``Settings.rate_limits`` (``throttle``, None when off) and whether merges complete on the
clock (``timed_merges``).
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import random
import threading
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from casemock._ids import random_uuid, uuid4_text
from casemock._settings import Settings
from casemock.backend._records import Domain, RegionState
from casemock.backend.external import ExternalResources
from casemock.backend.throttle import RateLimiter

_SYSTEM_RANDOM = random.SystemRandom()  # unseeded stores; one instance, not one per character

Regions = dict[str, dict[str, Domain]]
RandomState = tuple[Any, ...]


class Store:
    """Everything one mock holds, per region of its account, plus the case events."""

    def __init__(
        self, account_id: str, region: str, settings: Settings, seed: int | None = None
    ) -> None:
        self.account_id = account_id
        self.default_region = region
        self.settings = settings
        self.seed = seed
        self.lock = threading.RLock()
        self.events: list[dict[str, Any]] = []
        self._regions: dict[str, RegionState] = {}
        self._seq = itertools.count(1)
        self._random = random.Random(seed)
        self.external = ExternalResources()
        # Realism switches, read on every call: None / False when off (one attribute check).
        self.throttle = RateLimiter(settings.rate_limit_overrides) if settings.rate_limits else None
        self.timed_merges = settings.merge_seconds > 0
        self.resolving = settings.resolve_external_resources

    def __repr__(self) -> str:
        return f"<Store account_id={self.account_id!r} regions={sorted(self._regions)!r}>"

    # -- regions ---------------------------------------------------------------------------

    @property
    def regions(self) -> Mapping[str, RegionState]:
        """The regions that hold state (read-only; a region appears on its first call)."""
        return self._regions

    def region(self, region: str) -> RegionState:
        """The state of ``region``, created empty on first use."""
        state = self._regions.get(region)
        if state is None:
            with self.lock:
                state = self._regions.setdefault(region, RegionState(self.account_id, region))
        return state

    def domain_count(self) -> int:
        return sum(len(state.domains) for state in list(self._regions.values()))

    def reset(self) -> None:
        """Empty: no regions, no events, no external resources, full token buckets, the
        counter and random source from the start."""
        with self.lock:
            self._regions = {}
            self.events = []
            self._seq = itertools.count(1)
            self._random = random.Random(self.seed)
            self.external.clear()
            if self.throttle is not None:
                self.throttle.reset()

    def copy_regions(self) -> dict[str, RegionState]:
        """A deep copy of every region's state (for a baseline to return to)."""
        with self.lock:
            return copy_regions(self._regions)

    def replace(
        self,
        regions: Mapping[str, RegionState] | Regions,
        *,
        seq: int | None = None,
        random_state: RandomState | None = None,
        external: ExternalResources | None = None,
    ) -> None:
        """Swap in ``regions`` (region states, or domains by region), all at once; the
        counter continues at ``seq``, a seeded random source at ``random_state`` and the
        external resources are ``external`` when given. Case events start empty."""
        states: dict[str, RegionState] = {}
        for name, content in regions.items():
            if isinstance(content, RegionState):
                states[name] = content
            else:
                states[name] = RegionState(self.account_id, name, content)
        with self.lock:
            self._regions = states
            self.events = []
            if seq is not None:
                self._seq = itertools.count(seq)
            if random_state is not None and self.seed is not None:
                self._random.setstate(random_state)
            if external is not None:
                self.external.replace_with(external)

    def counter_value(self) -> int:
        """The next number the counter hands out, without consuming it."""
        with self.lock:
            value: int = next(self._seq)
            self._seq = itertools.count(value)
            return value

    def random_state(self) -> RandomState | None:
        """The seeded random source's state (None for an unseeded store)."""
        return self._random.getstate() if self.seed is not None else None

    # -- the runtime handlers use ----------------------------------------------------------

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def new_id(self) -> str:
        if self.seed is None:
            return random_uuid()
        with self.lock:
            return uuid4_text(self._random.getrandbits(128))

    def next_seq(self) -> int:
        return next(self._seq)

    def random_choice(self, alphabet: str, length: int) -> str:
        if self.seed is None:
            return "".join(_SYSTEM_RANDOM.choices(alphabet, k=length))
        with self.lock:
            return "".join(self._random.choice(alphabet) for _ in range(length))

    def publish(self, event: dict[str, Any]) -> None:
        self.events.append(event)

    def seeding(self, *, events: bool) -> Store | QuietRuntime:
        """The runtime of the seeding helpers: case events only with ``events``, and seeded
        writes visible to the searches at once (``Settings.search_delay`` does not apply:
        seeded data is the world the test starts from)."""
        if events and not self.settings.search_delay:
            return self
        return QuietRuntime(self, events=events)


def copy_regions(regions: Mapping[str, RegionState]) -> dict[str, RegionState]:
    """A deep copy of region states (each with a lock of its own)."""
    return {
        name: RegionState(state.account_id, state.region, copy.deepcopy(state.domains))
        for name, state in regions.items()
    }


class QuietRuntime:
    """A store's runtime that drops case events (unless ``events``), and whose writes the
    searches see at once."""

    def __init__(self, store: Store, *, events: bool = False) -> None:
        # Bound once: handlers call these for every case.
        self.settings = store.settings
        if self.settings.search_delay:
            self.settings = dataclasses.replace(self.settings, search_delay=0.0)
        self.now = store.now
        self.new_id = store.new_id
        self.next_seq = store.next_seq
        self.random_choice = store.random_choice
        self.external = store.external
        self._publish = store.publish if events else None

    def publish(self, event: dict[str, Any]) -> None:
        if self._publish is not None:
            self._publish(event)
