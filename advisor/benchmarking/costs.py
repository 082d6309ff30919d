"""Cost probes: what a fit and a prediction take in time, CPU, memory, disk and money.

Pure measurement, no Optuna: the runner stores a :class:`CostRecord` in each trial's user
attributes via :meth:`CostRecord.to_attrs`.

Peak memory is the process's resident set size (RSS) above its level when the measurement
started, sampled every ~5 ms by a daemon thread from ``/proc/self/statm``. On Linux the kernel's
own high-water mark is also reset at the start (``/proc/self/clear_refs``) and read at the end, so
a short spike between two samples is not missed. Memory allocated on a GPU is not counted.
Concurrent measurements in one process see each other's allocations.

>>> result, cost = measure(lambda: sum(range(1000)))
>>> result, cost.wall_s >= 0.0, cost.peak_memory_mb >= 0.0
(499500, True, True)
>>> money(1800, 3.0)
1.5
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import resource
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

__all__ = [
    "CostRecord",
    "FitCost",
    "InferenceCost",
    "measure",
    "measure_inference",
    "model_size_bytes",
    "money",
]

T = TypeVar("T")

#: Seconds between two RSS samples.
SAMPLE_INTERVAL_S = 0.005
_MB = 1024.0 * 1024.0
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
#: Rows of the first, small timed batch in :func:`measure_inference` (used to size the real one).
_PROBE_ROWS = 100


@dataclass(frozen=True)
class FitCost:
    """Wall-clock and CPU seconds (all threads of the process) and peak RSS increase of a call."""

    wall_s: float
    cpu_s: float
    peak_memory_mb: float


@dataclass(frozen=True)
class InferenceCost:
    """Batch prediction time per 1,000 rows, and single-row latency percentiles, in milliseconds."""

    batch_ms_per_1k: float
    latency_p50_ms: float
    latency_p95_ms: float

    def to_dict(self) -> dict[str, float]:
        return {
            "batch_ms_per_1k": self.batch_ms_per_1k,
            "latency_p50_ms": self.latency_p50_ms,
            "latency_p95_ms": self.latency_p95_ms,
        }


# --- memory -------------------------------------------------------------------------------------


class _RssReader:
    """Current RSS in bytes from /proc/self/statm (one open file descriptor), or None off Linux."""

    def __init__(self) -> None:
        try:
            self._fd: int | None = os.open("/proc/self/statm", os.O_RDONLY)
        except OSError:
            self._fd = None

    @property
    def available(self) -> bool:
        return self._fd is not None

    def read(self) -> int | None:
        if self._fd is None:
            return None
        try:
            return int(os.pread(self._fd, 256, 0).split()[1]) * _PAGE_SIZE
        except (OSError, IndexError, ValueError):
            return None

    def close(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None


def _reset_high_water_mark() -> bool:
    """Reset the kernel's peak RSS of this process to its current RSS (Linux >= 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _high_water_mark() -> int | None:
    """The kernel's peak RSS of this process in bytes (VmHWM), or None."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        return None
    return None


def _maxrss_bytes() -> int:
    """Lifetime peak RSS from getrusage (kB on Linux, bytes on macOS)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(rss if sys.platform == "darwin" else rss * 1024)


class _PeakSampler:
    def __init__(self, reader: _RssReader) -> None:
        self._reader = reader
        self._stop = threading.Event()
        self.peak = reader.read() or 0
        self._thread = threading.Thread(target=self._run, name="advisor-rss-sampler", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_INTERVAL_S):
            rss = self._reader.read()
            if rss is not None and rss > self.peak:
                self.peak = rss

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        rss = self._reader.read()
        if rss is not None and rss > self.peak:
            self.peak = rss


def measure(fn: Callable[[], T]) -> tuple[T, FitCost]:
    """Call ``fn()`` and return its result with its wall time, CPU time and peak RSS increase.

    An exception from ``fn`` propagates unchanged, after the sampler thread has stopped.
    """
    reader = _RssReader()
    try:
        start_rss = reader.read()
        maxrss_before = _maxrss_bytes()
        hwm_reset = start_rss is not None and _reset_high_water_mark()
        sampler = _PeakSampler(reader) if reader.available else None
        if sampler is not None:
            sampler.start()
        cpu0 = time.process_time()
        wall0 = time.perf_counter()
        try:
            result = fn()
        finally:
            wall = time.perf_counter() - wall0
            cpu = time.process_time() - cpu0
            if sampler is not None:
                sampler.stop()
        if start_rss is not None and sampler is not None:
            peak = sampler.peak
            hwm = _high_water_mark() if hwm_reset else None
            if hwm is not None:
                peak = max(peak, hwm)
            maxrss_after = _maxrss_bytes()
            if maxrss_after > maxrss_before:  # a new lifetime peak was reached during fn
                peak = max(peak, maxrss_after)
            increase = peak - start_rss
        else:
            increase = _maxrss_bytes() - maxrss_before
    finally:
        reader.close()
    return result, FitCost(wall_s=wall, cpu_s=cpu, peak_memory_mb=max(increase, 0) / _MB)


# --- inference ----------------------------------------------------------------------------------


def _rows(X: Any, start: int, stop: int) -> Any:
    if hasattr(X, "iloc"):
        return X.iloc[start:stop]
    return X[start:stop]


def _row(X: Any, i: int) -> Any:
    if hasattr(X, "iloc"):
        return X.iloc[[i]]
    return X[i : i + 1]


def _timed(predict: Callable[[Any], Any], batch: Any) -> float:
    t0 = time.perf_counter()
    predict(batch)
    return time.perf_counter() - t0


def measure_inference(
    predict: Callable[[Any], Any],
    X: Any,
    *,
    n_single: int = 50,
    max_batch_rows: int = 5000,
    time_limit_s: float = 5.0,
) -> InferenceCost:
    """Time ``predict`` on a batch of up to ``max_batch_rows`` rows of ``X`` and on single rows.

    ``X`` is anything sliceable by rows (DataFrame, ndarray, sparse matrix, list). One warm-up call
    on a single row is not timed. A probe on 100 rows sizes the batch so that it should take at
    most half of ``time_limit_s``; single-row calls (rows 0, 1, ... cycling) stop after
    ``n_single`` calls or once ``time_limit_s`` is spent in all, with at least one call.
    """
    n = X.shape[0] if hasattr(X, "shape") else len(X)
    if n == 0:
        raise ValueError("measure_inference needs at least one row.")
    deadline = time.perf_counter() + time_limit_s
    predict(_row(X, 0))  # warm-up: lazy initialization, caches

    n_batch = max(1, min(n, max_batch_rows))
    n_probe = min(n_batch, _PROBE_ROWS)
    elapsed = _timed(predict, _rows(X, 0, n_probe))
    if n_batch > n_probe:
        per_row = elapsed / n_probe
        remaining = max(deadline - time.perf_counter(), 0.0)
        affordable = int(0.5 * remaining / per_row) if per_row > 0 else n_batch
        n_batch = max(n_probe, min(n_batch, affordable))
        if n_batch > n_probe:
            elapsed = _timed(predict, _rows(X, 0, n_batch))
        else:
            n_batch = n_probe
    batch_ms_per_1k = elapsed * 1000.0 / n_batch * 1000.0

    latencies: list[float] = []
    for i in range(max(n_single, 1)):
        latencies.append(_timed(predict, _row(X, i % n)))
        if time.perf_counter() >= deadline:
            break
    lat_ms = np.asarray(latencies) * 1000.0
    return InferenceCost(
        batch_ms_per_1k=float(batch_ms_per_1k),
        latency_p50_ms=float(np.percentile(lat_ms, 50)),
        latency_p95_ms=float(np.percentile(lat_ms, 95)),
    )


# --- size and money -----------------------------------------------------------------------------


class _CountingSink(io.RawIOBase):
    def __init__(self) -> None:
        self.n = 0

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        size = memoryview(b).nbytes
        self.n += size
        return size


def model_size_bytes(model: Any) -> int:
    """Bytes of ``pickle.dumps(model, protocol=5)``, counted without holding them in memory."""
    sink = _CountingSink()
    pickle.dump(model, sink, protocol=5)
    return sink.n


def money(seconds: float, price_per_hour: float | None) -> float | None:
    """What ``seconds`` of a machine cost at ``price_per_hour``; None when no price is known."""
    if price_per_hour is None:
        return None
    return float(seconds) / 3600.0 * float(price_per_hour)


# --- record -------------------------------------------------------------------------------------


#: The flat cost keys of :meth:`CostRecord.to_attrs` (trial user attributes, leaderboard columns).
COST_KEYS = (
    "fit_wall_s",
    "fit_cpu_s",
    "peak_memory_mb",
    "batch_ms_per_1k",
    "latency_p50_ms",
    "latency_p95_ms",
    "model_size_bytes",
    "device",
    "money",
)


@dataclass(frozen=True)
class CostRecord:
    """Everything one trained model cost, flattened for Optuna user attributes by :meth:`to_attrs`."""

    fit: FitCost
    inference: InferenceCost | None = None
    model_size_bytes: int | None = 0  # None: not measured (trials skip it)
    device: str = "cpu"
    money: float | None = None

    def to_attrs(self) -> dict[str, float | str | None]:
        inf = self.inference
        return {
            "fit_wall_s": self.fit.wall_s,
            "fit_cpu_s": self.fit.cpu_s,
            "peak_memory_mb": self.fit.peak_memory_mb,
            "batch_ms_per_1k": inf.batch_ms_per_1k if inf is not None else None,
            "latency_p50_ms": inf.latency_p50_ms if inf is not None else None,
            "latency_p95_ms": inf.latency_p95_ms if inf is not None else None,
            "model_size_bytes": self.model_size_bytes,
            "device": self.device,
            "money": self.money,
        }

    @classmethod
    def from_attrs(cls, d: dict[str, Any]) -> CostRecord:
        """Inverse of :meth:`to_attrs`; extra keys (other user attributes) are ignored."""
        inference = None
        if d.get("batch_ms_per_1k") is not None:
            inference = InferenceCost(
                batch_ms_per_1k=float(d["batch_ms_per_1k"]),
                latency_p50_ms=float(d["latency_p50_ms"]),
                latency_p95_ms=float(d["latency_p95_ms"]),
            )
        return cls(
            fit=FitCost(
                wall_s=float(d["fit_wall_s"]),
                cpu_s=float(d["fit_cpu_s"]),
                peak_memory_mb=float(d["peak_memory_mb"]),
            ),
            inference=inference,
            model_size_bytes=None if d.get("model_size_bytes") is None else int(d["model_size_bytes"]),
            device=str(d.get("device") or "cpu"),
            money=None if d.get("money") is None else float(d["money"]),
        )
