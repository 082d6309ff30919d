"""Import the heavy libraries a benchmark will use in a background thread, while the main thread works.

Importing torch takes about 2 s on a small machine, and its first optimizer imports ``torch._dynamo``
(another 2 s); XGBoost and LightGBM add about a second. Done inline, these seconds come out of a short
budget before any model trains. A daemon thread imports them while the main thread profiles the data,
builds the splits and fits the first (classical) families, whose native code releases the GIL. Only
third-party packages are preloaded (never advisor's own modules), so the two threads never import each
other's modules; a failure here is ignored (the main thread imports what it needs anyway).

Some libraries also compile on first use: ``aeon``'s MiniRocket and MultiRocket kernels are numba functions,
compiled the first time they run in an environment (about 15 s each on a small machine; cached on disk
afterwards, then loaded in a fraction of a second). :func:`warm_aeon` runs them once on a tiny input in the
same thread, right after the import, so that on a first run the compilation overlaps the main thread's work
(measured: it slows the main thread by about a third while it lasts) rather than stalling a trial.
"""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Iterable

__all__ = ["libraries_to_preload", "preload", "warm_aeon"]

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


def warm_aeon() -> None:
    """Run MiniRocket and MultiRocket once on tiny univariate and multivariate inputs: their numba kernels are
    compiled (or loaded from the on-disk cache) now, not inside a timed trial."""
    import numpy as np
    from aeon.transformations.collection.convolution_based import MiniRocket, MultiRocket

    rng = np.random.default_rng(0)
    for transform in (MiniRocket, MultiRocket):
        for channels in (1, 2):
            x = rng.normal(size=(4, channels, 16))
            transform(n_kernels=84, random_state=0).fit(x).transform(x)


#: Work done after a library is imported (first-use compilation).
WARM_UPS = {"aeon": warm_aeon}


def _import_all(names: tuple[str, ...]) -> None:
    for name in names:
        try:
            importlib.import_module(name)
            if name in WARM_UPS:
                WARM_UPS[name]()
        except Exception:
            continue
