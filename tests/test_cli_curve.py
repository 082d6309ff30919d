"""`advisor curve`: a progress bar, the measured table and the answer, curve.json and an HTML report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from advisor.curve import LearningCurve


def _curve(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "advisor.cli", "curve", *args], capture_output=True, text=True, timeout=300
    )


def test_curve_writes_its_result_and_report(tmp_path: Path) -> None:
    out = tmp_path / "curve"
    proc = _curve("diabetes", "--budget", "20", "--families", "xgboost,mlp", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    curve = LearningCurve.load(out / "curve.json")
    assert {p.family for p in curve.points} == {"xgboost", "mlp"} and len(curve.sizes) == 5
    assert curve.summary.split(";")[0] in " ".join(proc.stdout.split())
    assert "Learning curve: diabetes" in proc.stdout and "curve" in proc.stderr  # the progress bar
    html = (out / "curve.html").read_text(encoding="utf-8")
    assert "Would more data change the answer?" in html and 'data-chart="learning-curve"' in html
    assert "Plotly.newPlot" in html


def test_curve_json_and_sizes(tmp_path: Path) -> None:
    proc = _curve("diabetes", "--budget", "15", "--sizes", "60,120,240,480,614", "--families", "linear,mlp",
                  "--out", str(tmp_path), "--json")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["sizes"] == [60, 120, 240, 480, 614] and data["test_rows"] == 154


def test_curve_bad_sizes_are_a_clear_error(tmp_path: Path) -> None:
    proc = _curve("diabetes", "--sizes", "100,two", "--out", str(tmp_path))
    assert proc.returncode == 2 and "error:" in proc.stderr and "whole numbers" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = _curve("diabetes", "--sizes", "100,200", "--out", str(tmp_path))
    assert proc.returncode == 2 and "five" in proc.stderr.lower()
