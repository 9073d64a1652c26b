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

    def _stop_and_release(self) -> None: ...


def decorate(mock: Mock, target: Any, *, release: bool = False) -> Any:
    """``mock`` active around ``target``: a function, an ``async def`` function, a
    generator or async generator function (active from its first step to its end or
    close, so a pytest ``yield`` fixture is mocked through its teardown), a
    ``unittest.TestCase`` class, or any other class whose ``test*`` methods (static and
    class methods included) it wraps.

    With ``release`` (a mock only the decorator holds), the state is dropped when the
    decorated call returns (or tearDownClass ends): nobody can read it any more, and ten
    tests of 5,000 cases would otherwise keep some 200 MiB alive until the process ends.
    """
    if inspect.isclass(target):
        if issubclass(target, unittest.TestCase):
            return decorate_testcase(mock, target, release=release)
        for name, member in list(vars(target).items()):
            if not name.startswith("test"):
                continue
            if isinstance(member, (classmethod, staticmethod)):
                wrapped = decorate(mock, member.__func__, release=release)
                setattr(target, name, type(member)(wrapped))
            elif callable(member):
                setattr(target, name, decorate(mock, member, release=release))
        return target
    stop = mock._stop_and_release if release else mock.stop
    if inspect.isgeneratorfunction(target):

        @functools.wraps(target)
        def generator_wrapper(*args: Any, **kwargs: Any) -> Any:
            mock.start()
            try:
                return (yield from target(*args, **kwargs))
            finally:
                stop()

        return generator_wrapper
    if inspect.isasyncgenfunction(target):

        @functools.wraps(target)
        async def async_generator_wrapper(*args: Any, **kwargs: Any) -> Any:
            mock.start()
            try:
                generator = target(*args, **kwargs)
                sent = None
                while True:
                    try:
                        item = await generator.asend(sent)
                    except StopAsyncIteration:
                        return
                    sent = yield item
            finally:
                stop()

        return async_generator_wrapper
    if inspect.iscoroutinefunction(target):

        @functools.wraps(target)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            mock.start()
            try:
                return await target(*args, **kwargs)
            finally:
                stop()

        return async_wrapper

    @functools.wraps(target)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        mock.start()
        try:
            return target(*args, **kwargs)
        finally:
            stop()

    return wrapper


def decorate_testcase(
    mock: Mock, cls: type[unittest.TestCase], *, release: bool = False
) -> type[unittest.TestCase]:
    """The mock is active from setUpClass to tearDownClass; each test starts from the
    state setUpClass left (a copy), so tests cannot see each other's changes. The copy is
    dropped at tearDownClass, and so is the state with ``release``."""
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
            baseline.clear()
            if release:
                mock._stop_and_release()
            else:
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
