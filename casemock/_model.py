"""The installed botocore's connectcases model, loaded once, lazily.

Everything casemock knows about routes, shapes, constraints and errors is read from here.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar, cast

from botocore.loaders import create_loader
from botocore.model import OperationModel, ServiceModel, Shape

SERVICE_NAME = "connectcases"


@functools.lru_cache(maxsize=1)
def service_model() -> ServiceModel:
    # Straight to the service's newest API version: ``load_service_model`` would first list
    # every service botocore knows (~15 ms of directory scans on the first call).
    loader = create_loader()
    version = loader.determine_latest_version(SERVICE_NAME, "service-2")
    data = loader.load_data(f"{SERVICE_NAME}/{version}/service-2")
    return ServiceModel(data, SERVICE_NAME)


@functools.lru_cache(maxsize=1)
def paginators() -> dict[str, Any]:
    loader = create_loader()
    config: dict[str, Any] = loader.load_service_model(SERVICE_NAME, "paginators-1")
    return dict(config.get("pagination", {}))


@functools.cache
def operation(name: str) -> OperationModel:
    return service_model().operation_model(name)


def operation_names() -> list[str]:
    return list(service_model().operation_names)


def has_operation(name: str) -> bool:
    return name in service_model().operation_names


def has_member(shape_name: str, member: str) -> bool:
    """True when the installed model's shape ``shape_name`` has ``member``.

    Used where a behaviour exists only in newer models (e.g. text field attributes).
    """
    try:
        shape = service_model().shape_for(shape_name)
    except Exception:
        return False
    return member in getattr(shape, "members", {})


@functools.cache
def string_constraints(shape_name: str) -> tuple[int, int | None, re.Pattern[str] | None] | None:
    """(min length, max length, full-match pattern) of the model's string shape
    ``shape_name``, or None when the installed model has no such shape."""
    try:
        shape = service_model().shape_for(shape_name)
    except Exception:
        return None
    meta = shape.metadata
    pattern = meta.get("pattern")
    return meta.get("min", 0), meta.get("max"), re.compile(pattern) if pattern else None


def error_codes() -> list[str]:
    return [shape.name for shape in service_model().error_shapes]


S = TypeVar("S", bound=Callable[..., Any])


def shape_cache(compile_shape: Callable[[Shape], S]) -> Callable[[Shape], S]:
    """Memoise a per-shape compiler and let it follow recursive shapes.

    botocore builds a new ``Shape`` object on every member lookup, and some shapes refer
    to themselves (``BooleanCondition`` -> ``andAll`` -> ``conditions`` ->
    ``BooleanCondition``; search filters). Entries are keyed by shape name and
    serialization traits; while a shape is being compiled, a lookup of the same key gets a
    forwarder that calls the finished result.
    """
    seen: dict[int, tuple[Shape, S]] = {}  # by object: the per-request fast path
    done: dict[tuple[str, str], S] = {}
    pending: dict[tuple[str, str], list[S]] = {}
    lock = threading.RLock()

    @functools.wraps(compile_shape)
    def cached(shape: Shape) -> S:
        hit = seen.get(id(shape))
        if hit is not None and hit[0] is shape:
            return hit[1]
        key = (shape.name, repr(sorted(shape.serialization.items())))
        found = done.get(key)
        if found is not None:
            seen[id(shape)] = (shape, found)
            return found
        with lock:
            found = done.get(key)
            if found is not None:
                return found
            slot = pending.get(key)
            if slot is not None:
                forwarding = slot

                def forward(*args: Any, **kwargs: Any) -> Any:
                    return forwarding[0](*args, **kwargs)

                return cast(S, forward)
            pending[key] = slot = []
            try:
                result = compile_shape(shape)
            finally:
                del pending[key]
            slot.append(result)
            done[key] = result
            seen[id(shape)] = (shape, result)
            return result

    return cached


# The Python types a decoded value of each model type has (bool is excluded from numbers
# by the checks themselves).
PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "blob": (str, bytes),
    "integer": (int,),
    "long": (int,),
    "float": (int, float),
    "double": (int, float),
    "boolean": (bool,),
    "timestamp": (datetime,),
    "structure": (dict,),
    "map": (dict,),
    "list": (list,),
}
