"""The handler registry, keyed by operation name and checked against the model.

Each backend module registers its handlers with ``@operation("Name")``; ``handlers()``
imports every backend module once and returns the registry.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable

from casemock.backend._context import Handler

_HANDLERS: dict[str, Handler] = {}


def operation(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        if name in _HANDLERS:
            raise RuntimeError(f"two handlers for {name}")
        _HANDLERS[name] = handler
        return handler

    return register


@functools.lru_cache(maxsize=1)
def handlers() -> dict[str, Handler]:
    import casemock.backend as package

    for module in pkgutil.iter_modules(package.__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"{package.__name__}.{module.name}")
    return _HANDLERS
