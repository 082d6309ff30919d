"""Import the heavy libraries a benchmark will use in a background thread, while the main thread works.

Importing torch takes about 2 s on a small machine, and its first optimizer imports ``torch._dynamo``
(another 2 s); XGBoost and LightGBM add about a second. Done inline, these seconds come out of a short
budget before any model trains. A daemon thread imports them while the main thread profiles the data,
builds the splits and fits the first (classical) families, whose native code releases the GIL. Only
third-party packages are preloaded (never advisor's own modules), so the two threads never import each
other's modules; a failure here is ignored (the main thread imports what it needs anyway).
"""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Iterable

__all__ = ["libraries_to_preload", "preload"]

#: torch's submodules its first network needs (its first optimizer imports ``torch._dynamo``).
TORCH_PARTS = ("torch", "torch.nn", "torch.optim", "torch._dynamo")


def libraries_to_preload(planned: list[str] | None) -> tuple[str, ...]:
    """The third-party libraries the families declare (:attr:`advisor.families.Family.libraries`); with no
    families named, those of every family (the plan is not known yet). torch first: it is the slowest."""
    from advisor.families import families

    declared = families()
    chosen = [declared[f] for f in planned if f in declared] if planned is not None else list(declared.values())
    names = list(dict.fromkeys(lib for family in chosen for lib in family.libraries))
    if "torch" in names:
        names = [*TORCH_PARTS, *(n for n in names if n != "torch")]
    return tuple(names)


def preload(modules: Iterable[str]) -> threading.Thread | None:
    """Start importing ``modules`` (in order) in a daemon thread; None when all are imported already."""
    names = tuple(m for m in modules if m not in sys.modules)
    if not names:
        return None
    thread = threading.Thread(target=_import_all, args=(names,), name="advisor-preload", daemon=True)
    thread.start()
    return thread


def _import_all(names: tuple[str, ...]) -> None:
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:
            continue
