"""Hardware detection reads the real machine and serializes."""

from __future__ import annotations

import os

from advisor.hardware import GpuDevice, Hardware, detect


def test_detect_reads_this_machine() -> None:
    hw = detect()
    assert hw.cores == len(os.sched_getaffinity(0))
    assert 0.5 < hw.memory_gb < 10_000
    assert hw.versions["pandas"] != "not installed"
    assert hw.device in {"cpu", "cuda", "mps"}
    assert (hw.device == "cpu") == (not hw.has_gpu)


def test_hardware_round_trip_and_description() -> None:
    hw = Hardware(cores=16, memory_gb=128.0, gpus=(GpuDevice("NVIDIA H100", 80.0),))
    assert Hardware.from_dict(hw.to_dict()) == hw
    assert hw.device == "cuda" and "H100 (80 GB)" in hw.describe()
    assert "no GPU" in Hardware(cores=2, memory_gb=24.0).describe()
