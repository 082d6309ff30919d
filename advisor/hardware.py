"""What this machine offers: CPU cores, memory, CUDA devices or Apple MPS, key library versions.

Detection is cheap and does not import torch unless asked (``probe_torch=True``) or torch is
already imported: CUDA devices are read from ``nvidia-smi`` when it is on the PATH.

>>> hw = detect()
>>> hw.cores >= 1 and hw.memory_gb > 0
True
"""

from __future__ import annotations

import functools
import os
import platform
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

__all__ = ["Backend", "Device", "GpuDevice", "Hardware", "detect"]

#: The torch device models train on.
Device = Literal["cpu", "cuda", "mps"]
#: An accelerator's backend.
Backend = Literal["cuda", "mps"]

#: Versions reported with every result: the core stack, then the libraries the model families declare.
CORE_LIBRARIES = ("advisor", "numpy", "pandas", "scikit-learn", "optuna", "streamlit")


@dataclass(frozen=True)
class GpuDevice:
    """One accelerator: its name, memory and backend ('cuda' or 'mps')."""

    name: str
    memory_gb: float | None
    backend: Backend = "cuda"


@dataclass(frozen=True)
class Hardware:
    """The machine a recommendation or benchmark runs on."""

    cores: int
    memory_gb: float
    gpus: tuple[GpuDevice, ...] = ()
    platform: str = ""
    python: str = ""
    versions: dict[str, str] = field(default_factory=dict)

    @property
    def has_gpu(self) -> bool:
        return bool(self.gpus)

    @property
    def device(self) -> Device:
        """The torch device string to train on: 'cuda', 'mps' or 'cpu'."""
        return self.gpus[0].backend if self.gpus else "cpu"

    def describe(self) -> str:
        """One line for people: cores, memory and accelerators."""
        gpus = ", ".join(f"{g.name} ({g.memory_gb:.0f} GB)" if g.memory_gb else g.name for g in self.gpus)
        return f"{self.cores} CPU cores, {self.memory_gb:.1f} GB RAM, " + (gpus or "no GPU")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Hardware:
        gpus = tuple(GpuDevice(**g) for g in data.get("gpus", ()))
        return cls(**{**data, "gpus": gpus})


@functools.lru_cache(maxsize=2)
def detect(probe_torch: bool = False) -> Hardware:
    """Detect cores, memory, accelerators and library versions (cached per process)."""
    probe = "torch" in sys.modules or (probe_torch and _accelerator_present())
    gpus = _torch_gpus() if probe else None
    if gpus is None:
        gpus = _nvidia_smi_gpus() or _mps_guess()
    return Hardware(
        cores=_cores(),
        memory_gb=round(_memory_bytes() / 2**30, 1),
        gpus=tuple(gpus),
        platform=f"{platform.system()} {platform.machine()}",
        python=platform.python_version(),
        versions=_versions(),
    )


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _memory_bytes() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 0


def _nvidia_smi_gpus() -> list[GpuDevice]:
    exe = shutil.which("nvidia-smi")
    if exe is None:
        return []
    try:
        out = subprocess.run(
            [exe, "--query-gpu=name,memory.total", "--format=csv,noheader,nounits"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    devices = []
    for line in out.strip().splitlines():
        name, _, mem = line.partition(",")
        try:
            memory = round(float(mem) / 1024, 1)
        except ValueError:
            memory = None
        devices.append(GpuDevice(name.strip(), memory))
    return devices


def _accelerator_present() -> bool:
    """Whether an accelerator torch could use may be present: an NVIDIA or AMD driver, or Apple silicon.

    Importing torch costs seconds; on a machine with none of these, torch would find no GPU anyway.
    """
    drivers = (Path("/proc/driver/nvidia"), Path("/dev/nvidia0"), Path("/dev/kfd"))
    return (
        shutil.which("nvidia-smi") is not None
        or any(p.exists() for p in drivers)
        or (platform.system() == "Darwin" and platform.machine() == "arm64")
        or bool(os.environ.get("CUDA_VISIBLE_DEVICES"))
    )


def _mps_guess() -> list[GpuDevice]:
    if platform.system() == "Darwin" and platform.machine() == "arm64":
        return [GpuDevice("Apple GPU (MPS)", None, backend="mps")]
    return []


def _torch_gpus() -> list[GpuDevice] | None:
    try:
        import torch
    except ImportError:
        return None
    if torch.cuda.is_available():
        return [
            GpuDevice(
                torch.cuda.get_device_name(i),
                round(torch.cuda.get_device_properties(i).total_memory / 2**30, 1),
            )
            for i in range(torch.cuda.device_count())
        ]
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return [GpuDevice("Apple GPU (MPS)", None, backend="mps")]
    return []


def _libraries() -> tuple[str, ...]:
    from advisor.families import families

    declared = (lib for family in families().values() for lib in family.libraries)
    return tuple(dict.fromkeys((*CORE_LIBRARIES, *declared)))


def _versions() -> dict[str, str]:
    versions = {}
    for name in _libraries():
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions
