"""Timing a network's training step on this machine: the probe behind sizing a network for its time.

A few optimizer steps on random inputs of the data's shape cost what steps on the real rows cost (the work
is the same matrix products), so seconds per epoch follow from seconds per step without touching the data.

>>> from torch import nn
>>> net = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 1))
>>> seconds_per_step(net, nn.MSELoss(), (torch.zeros(32, 8),), torch.zeros(32, 1)) > 0
True
"""

from __future__ import annotations

import time

import torch
from torch import nn

from advisor.models.torch.base import torch_threads

__all__ = ["seconds_per_step"]


def seconds_per_step(
    module: nn.Module,
    loss: nn.Module,
    inputs: tuple[torch.Tensor, ...],
    target: torch.Tensor,
    *,
    steps: int = 2,
    n_jobs: int | None = None,
) -> float:
    """Median seconds of one training step (forward, loss, backward, AdamW update) of ``module`` on one batch,
    after a warm-up step, with the threads a trial would use (on a GPU, the module and inputs on it: each step
    waits for the device)."""
    optimizer = torch.optim.AdamW(module.parameters(), lr=1e-3)
    module.train()

    cuda = any(p.is_cuda for p in module.parameters())

    def step() -> None:
        optimizer.zero_grad(set_to_none=True)
        loss(module(*inputs), target).backward()
        optimizer.step()
        if cuda:  # the clock must wait for the GPU's queued work
            torch.cuda.synchronize()

    times = []
    with torch_threads(n_jobs):
        step()
        for _ in range(max(steps, 1)):
            start = time.perf_counter()
            step()
            times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]
