"""Suites on a Dask cluster (``cluster=``, ``--cluster``): a real local cluster of 2 worker processes runs one
dataset per task, with the same state, failure, resume and report behaviour as local worker processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import advisor
from advisor.errors import InvalidArgumentError
from advisor.suite import SuiteEvent

distributed = pytest.importorskip("distributed")

TINY = advisor.Budget(seconds=120, trials=2)


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A local Dask cluster: a scheduler and 2 worker processes of 1 thread, as `dask worker` would start."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local.scheduler_address


def test_a_suite_runs_one_dataset_per_task_on_the_cluster_and_resumes(cluster: str, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    out = tmp_path / "out"
    events: list[SuiteEvent] = []
    sources = ["diabetes", str(empty), "credit_g"]
    first = advisor.benchmark_suite(
        sources, out_dir=out, budget=TINY, families=["linear"], reports="json", cluster=cluster,
        on_progress=events.append,
    )  # fmt: skip
    assert [d.status for d in first.datasets] == ["done", "failed", "done"]
    assert "empty" in first.dataset("empty").error and first.dataset("empty").error_kind == "input"
    state = {e["name"]: e for e in json.loads((out / "suite.json").read_text(encoding="utf-8"))["entries"]}
    pids = {state[n]["pid"] for n in ("diabetes", "credit_g")}
    assert os.getpid() not in pids  # run by the cluster's worker processes
    for name in ("diabetes", "credit_g"):
        assert first.dataset(name).result.family("linear").trials_complete == 2
        assert (out / name / "result.json").exists()
    assert any(e.kind == "progress" and e.dataset == "credit_g" for e in events)  # events came back
    assert (out / "reports" / "report.json").exists() or any(p.suffix == ".json" for p in first.reports.values())
    again = advisor.benchmark_suite(
        sources, out_dir=out, budget=TINY, families=["linear"], reports=None, cluster=cluster
    )
    assert [d.status for d in again.datasets] == ["skipped", "failed", "skipped"]


def test_no_scheduler_at_the_address_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgumentError, match=r"No Dask scheduler answers at tcp://127\.0\.0\.1:1") as caught:
        advisor.benchmark_suite(["diabetes"], out_dir=tmp_path, budget=TINY, cluster="tcp://127.0.0.1:1")
    assert "dask scheduler" in caught.value.fix


def test_the_cli_sends_a_suite_to_the_cluster(cluster: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    command = [sys.executable, "-m", "advisor.cli", "benchmark", "diabetes", "credit_g", "--trials", "2"]
    command += ["--families", "linear", "--cluster", cluster, "--out", str(out), "--report", "none"]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "2/2 finished: 2 done" in " ".join(proc.stderr.split())
    state = json.loads((out / "suite.json").read_text(encoding="utf-8"))
    assert {e["status"] for e in state["entries"]} == {"done"}
    both = subprocess.run([*command, "--jobs", "2"], capture_output=True, text=True, timeout=60)
    assert both.returncode == 2 and "give one of them" in " ".join(both.stderr.split())
