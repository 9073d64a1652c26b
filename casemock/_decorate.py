"""How ``mock_cases`` decorates functions, ``async def`` functions and test classes."""

from __future__ import annotations

import functools
import inspect
import unittest
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from casemock._access import AccessPolicy
    from casemock._dispatch import Call
    from casemock._faults import Faults
    from casemock.backend._records import RegionState
    from casemock.backend._store import Store


class Mock(Protocol):
    """What decorating needs of a mock: activation, and the state a test class resets."""

    faults: Faults
    access: AccessPolicy
    calls: list[Call]

    @property
    def store(self) -> Store: ...

    def __enter__(self) -> Any: ...

    def __exit__(self, *exc_info: object) -> None: ...

    def start(self) -> Any: ...

    def stop(self) -> None: ...


def decorate(mock: Mock, target: Any) -> Any:
    """``mock`` active around ``target``: a function, an ``async def`` function, a
    ``unittest.TestCase`` class, or any other class whose ``test*`` methods it wraps."""
    if inspect.isclass(target):
        if issubclass(target, unittest.TestCase):
            return decorate_testcase(mock, target)
        for name, member in list(vars(target).items()):
            if name.startswith("test") and callable(member):
                setattr(target, name, decorate(mock, member))
        return target
    if inspect.iscoroutinefunction(target):

        @functools.wraps(target)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            with mock:
                return await target(*args, **kwargs)

        return async_wrapper

    @functools.wraps(target)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with mock:
            return target(*args, **kwargs)

    return wrapper


def decorate_testcase(mock: Mock, cls: type[unittest.TestCase]) -> type[unittest.TestCase]:
    """The mock is active from setUpClass to tearDownClass; each test starts from the
    state setUpClass left (a copy), so tests cannot see each other's changes."""
    original_setup_class = cls.__dict__.get("setUpClass")
    original_teardown_class = cls.__dict__.get("tearDownClass")
    original_setup = cls.__dict__.get("setUp")
    baseline: dict[str, dict[str, RegionState]] = {}

    def set_up_class(klass: type[unittest.TestCase]) -> None:
        mock.start()
        try:
            if original_setup_class is not None:
                original_setup_class.__func__(klass)
            else:
                super(cls, klass).setUpClass()  # type: ignore[misc]  # inherited one runs
        except BaseException:
            mock.stop()
            raise
        baseline["states"] = mock.store.copy_regions()

    def tear_down_class(klass: type[unittest.TestCase]) -> None:
        try:
            if original_teardown_class is not None:
                original_teardown_class.__func__(klass)
            else:
                super(cls, klass).tearDownClass()  # type: ignore[misc]
        finally:
            mock.stop()

    def set_up(test: unittest.TestCase) -> None:
        if "states" in baseline:
            from casemock.backend._store import copy_regions

            mock.store.replace(copy_regions(baseline["states"]))
            mock.calls = []
            mock.faults.clear()
            mock.access.clear()
        if original_setup is not None:
            original_setup(test)
        else:
            super(cls, test).setUp()  # type: ignore[misc]  # inherited one runs

    cls.setUpClass = classmethod(set_up_class)  # type: ignore[assignment,method-assign]
    cls.tearDownClass = classmethod(tear_down_class)  # type: ignore[assignment,method-assign]
    cls.setUp = set_up  # type: ignore[assignment,method-assign]
    return cls
