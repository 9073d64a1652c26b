"""The choke point: class-level patches of botocore (``botocore.py``) and aiobotocore
(``aio.py``, when installed) that hand connectcases requests to the innermost active
mock, driven by one stack of active mocks (``active.py``).

Importing this package registers the patch sets but installs nothing: the first
``activate`` installs them, the last ``deactivate`` removes them.
"""

from __future__ import annotations

from casemock._intercept import aio, botocore
from casemock._intercept.active import activate, current, deactivate, is_patched, register

register(botocore.BotocorePatch())
aio.register_if_installed()

__all__ = ["activate", "current", "deactivate", "is_patched"]
