"""The handler registry, keyed by operation name and checked against the model.

Each backend module registers its handlers with ``@operation("Name")``; ``handlers()``
imports every backend module once and returns the registry. ``handler_for(name)`` imports
only the module that registers ``name`` (found in the sources), so the first call of a
process does not pay for importing the whole backend.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import re
from collections.abc import Callable
from pathlib import Path

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


_DECORATOR = re.compile(r'@operation\(\s*"([A-Za-z]+)"\s*\)')


@functools.lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    """Operation -> the backend module whose source registers it (no module imported)."""
    import casemock.backend as package

    found: dict[str, str] = {}
    for module in pkgutil.iter_modules(package.__path__):
        if module.name.startswith("_"):
            continue
        for directory in package.__path__:
            try:
                text = (Path(directory) / f"{module.name}.py").read_text(encoding="utf-8")
            except OSError:
                continue
            for name in _DECORATOR.findall(text):
                found.setdefault(name, f"{package.__name__}.{module.name}")
            break
    return found


def handler_for(name: str) -> Handler | None:
    """The handler of operation ``name`` or None, importing as little as possible: the
    module that registers it, or every module when the sources do not say."""
    handler = _HANDLERS.get(name)
    if handler is None:
        module = _index().get(name)
        if module is not None:
            importlib.import_module(module)
            handler = _HANDLERS.get(name)
        if handler is None:
            handler = handlers().get(name)
    return handler
