"""Real small benchmark results (built once per session) and the reports written from them.

Three runs with few families and two trials keep the whole fixture well under a minute on two cores:

- ``diabetes`` (binary, k-fold validation, several trials per family, a price per hour),
- ``cpu_act-1500`` (regression on the first 1,500 rows, lower-is-better metric, a price per hour),
- ``credit_g`` with a deep family but without the rules' top family (so its regret is None), no price.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

import advisor
from advisor.benchmarking import BenchmarkResult, Budget
from advisor.reporting.model import SuiteReport, build_report
from advisor.reporting.write import write_reports

PRICE = 2.5


def _cpu_act_head(rows: int) -> advisor.Dataset:
    full = advisor.datasets.load("cpu_act")
    frame = full.X.iloc[:rows].copy()
    frame[full.target] = full.y.iloc[:rows].to_numpy()
    return advisor.load(frame, target=full.target, name=f"cpu_act-{rows}")


@pytest.fixture(scope="session")
def suite_results(tmp_path_factory: pytest.TempPathFactory) -> list[BenchmarkResult]:
    runs = tmp_path_factory.mktemp("runs")
    diabetes = advisor.benchmark(
        advisor.datasets.load("diabetes"),
        budget=Budget(trials=6),
        run_dir=runs / "diabetes",
        families=["xgboost", "linear", "lightgbm"],
        price_per_hour=PRICE,
    )
    cpu_act = advisor.benchmark(
        _cpu_act_head(1500),
        budget=Budget(trials=3),
        run_dir=runs / "cpu_act",
        families=["xgboost", "linear", "lightgbm"],
        price_per_hour=PRICE,
    )
    credit = advisor.benchmark(
        advisor.datasets.load("credit_g"),
        budget=Budget(trials=2),
        run_dir=runs / "credit_g",
        families=["linear", "mlp"],
    )
    return [diabetes, cpu_act, credit]


@pytest.fixture(scope="session")
def suite_report(suite_results: list[BenchmarkResult]) -> SuiteReport:
    return build_report(suite_results, title="Test suite <report>")


@dataclass(frozen=True)
class Written:
    out: Path
    paths: dict[str, Path]
    html: str
    markdown: str


@pytest.fixture(scope="session")
def written(suite_results: list[BenchmarkResult], tmp_path_factory: pytest.TempPathFactory) -> Written:
    out = tmp_path_factory.mktemp("report")
    paths = write_reports(suite_results, out, title="Test suite <report>")
    return Written(
        out=out,
        paths=paths,
        html=paths["html"].read_text(encoding="utf-8"),
        markdown=paths["md"].read_text(encoding="utf-8"),
    )
