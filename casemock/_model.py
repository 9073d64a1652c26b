"""The installed botocore's connectcases model, loaded once, lazily.

Everything casemock knows about routes, shapes, constraints and errors is read from here.
"""

from __future__ import annotations

import functools
from typing import Any

from botocore.loaders import create_loader
from botocore.model import OperationModel, ServiceModel

SERVICE_NAME = "connectcases"


@functools.lru_cache(maxsize=1)
def service_model() -> ServiceModel:
    loader = create_loader()
    return ServiceModel(loader.load_service_model(SERVICE_NAME, "service-2"), SERVICE_NAME)


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
def error_status(code: str) -> int:
    """HTTP status of a modeled error code (ServiceQuotaExceededException is 402)."""
    for shape in service_model().error_shapes:
        if shape.name == code:
            return int(shape.metadata.get("error", {}).get("httpStatusCode", 400))
    return 400


def error_codes() -> list[str]:
    return [shape.name for shape in service_model().error_shapes]
