"""Packages whose public names load on first use (the pattern of SPEC 1's ``lazy_loader.attach``).

``import advisor`` must stay fast and must not load numpy, torch or the boosting libraries before a
spawned worker has limited its threads, so the packages that re-export heavy modules do it lazily::

    __all__ = ["write_reports", "model"]
    __getattr__, __dir__ = attach(__name__, {"write_reports": "advisor.reporting.write"})

A name of ``exports`` loads its module when first read; any other name of the package's ``__all__`` is a
submodule. Either is then cached in the package's namespace. Type checkers read the names from an
``if TYPE_CHECKING:`` block of ordinary imports beside the call.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["attach"]


def attach(package: str, exports: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``: ``exports`` maps a name to the module that defines it."""

    def __getattr__(name: str) -> Any:
        module = sys.modules[package]
        if name in exports:
            value = getattr(importlib.import_module(exports[name]), name)
        elif name in getattr(module, "__all__", ()):
            value = importlib.import_module(f"{package}.{name}")
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        setattr(module, name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(getattr(sys.modules[package], "__all__", exports))

    return __getattr__, __dir__
