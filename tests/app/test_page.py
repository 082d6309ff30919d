"""The dashboard's flows under Streamlit's AppTest, on real data: pick or upload, profile, recommend,
constraints, a live benchmark with stop and resume, results, downloads, past runs, errors."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Selectbox

import advisor
from advisor.app import jobs
from advisor.app.downloads import best_model, markdown_zip
from advisor.app.runs import RUNS_ROOT_ENV
from tests.app.conftest import (
    Benchmarked,
    download_keys,
    job_done,
    metrics,
    new_app,
    no_errors,
    pick_bundled,
    rerun_until,
    stop_all,
)


def _upload(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    at.radio(key="source_kind").set_value("Upload files")
    at.run()
    at.file_uploader(key="upload").set_value([(name, content, "application/octet-stream") for name, content in files])
    return at.run()


def _ranking(at: AppTest) -> list[str]:
    board = next(d.value for d in at.dataframe if "confidence" in d.value.columns)
    return board["family"].tolist()


def _markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


# ------------------------------------------------------------------------------------------- data
def test_first_page_asks_for_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = new_app(tmp_path, monkeypatch)
    no_errors(at)
    assert at.title[0].value == "advisor"
    assert [t.label for t in at.tabs][:4] == ["Data", "Recommendation", "Benchmark", "Results"]
    assert any("Choose one of the bundled datasets" in i.value for i in at.info)
    assert at.sidebar.toggle(key="c_interpretability").value is False
    assert at.sidebar.radio(key="c_gpu").value == "detected"
    assert at.sidebar.number_input(key="c_latency").value == 0.0
    assert at.sidebar.number_input(key="c_budget").value == 60
    assert at.sidebar.number_input(key="c_price").value == 0.0
    assert at.sidebar.text_input(key="runs_root").value == str(tmp_path)


def test_bundled_dataset_shows_its_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = pick_bundled(new_app(tmp_path, monkeypatch), "diabetes")
    no_errors(at)
    shown = metrics(at)
    assert (shown["Rows"], shown["Features"], shown["Kind"], shown["Task"]) == ("768", "8", "tabular", "binary")
    assert shown["Classes"] == "2"
    assert at.selectbox(key="target::diabetes").value == "target"
    assert any(set(d.value.columns) >= {"column", "role", "missing %"} for d in at.dataframe)


def test_uploaded_csv_gets_a_proposed_target_that_can_be_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, diabetes_csv: Path
) -> None:
    at = _upload(new_app(tmp_path, monkeypatch), ("diabetes.csv", diabetes_csv.read_bytes()))
    no_errors(at)
    saved = list((tmp_path / ".uploads").glob("*/diabetes.csv"))
    assert len(saved) == 1 and saved[0].read_bytes() == diabetes_csv.read_bytes()
    target = next(s for s in at.selectbox if s.key.startswith("target::"))
    assert target.value == "target"
    assert any("Proposed: column 'target'" in c.value for c in at.caption)
    assert metrics(at)["Task"] == "binary"
    target.select("A8")  # a numeric column with many values: a regression target
    at.run()
    no_errors(at)
    assert metrics(at)["Task"] == "regression"
    assert "Target skewness" in metrics(at)


def test_uploaded_ts_pair_is_read_as_time_series(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = advisor.datasets.path("gunpoint")
    files = [(p.name, p.read_bytes()) for p in sorted(folder.glob("*.ts"))]
    at = _upload(new_app(tmp_path, monkeypatch), *files)
    no_errors(at)
    shown = metrics(at)
    assert (shown["Kind"], shown["Rows"], shown["Task"]) == ("timeseries", "200", "binary")
    assert (tmp_path / ".uploads").glob("*/GunPoint/GunPoint_TRAIN.ts")
    assert at.subheader[0].value == "Profile: GunPoint"


def test_uploaded_zip_of_image_folders_is_read_as_images(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for label in ("cats", "dogs"):
            for i in range(12):
                png = io.BytesIO()
                Image.fromarray(rng.integers(0, 255, (16, 16, 3), dtype=np.uint8)).save(png, format="PNG")
                archive.writestr(f"pets/{label}/{i}.png", png.getvalue())
    at = _upload(new_app(tmp_path, monkeypatch), ("pets.zip", buffer.getvalue()))
    no_errors(at)
    shown = metrics(at)
    assert (shown["Kind"], shown["Rows"], shown["Classes"]) == ("image", "24", "2")


@pytest.mark.parametrize(
    ("files", "problem", "fix"),
    [
        ([("empty.csv", b"")], "'empty.csv' is empty.", "Pass a file with a header and rows."),
        ([("a.csv", b"x,y\n1,2\n"), ("b.csv", b"x,y\n1,2\n")], "2 files were uploaded", "several .ts files"),
        ([("broken.parquet", b"not parquet")], "cannot be read as Parquet", "re-export it, or save the table as CSV"),
    ],
)
def test_bad_uploads_show_the_problem_and_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: list[tuple[str, bytes]], problem: str, fix: str
) -> None:
    at = _upload(new_app(tmp_path, monkeypatch), *files)
    assert not at.exception
    assert len(at.error) == 1
    assert problem in at.error[0].value and fix in at.error[0].value
    assert "Traceback" not in at.error[0].value


# ------------------------------------------------------------------------------------------- recommendation
def test_recommendation_shows_ranking_reasons_recipe_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = pick_bundled(new_app(tmp_path, monkeypatch), "diabetes")
    no_errors(at)
    rec = advisor.recommend(advisor.datasets.load("diabetes"), {"time_budget_s": 60.0})
    assert at.success[0].value == rec.summary
    assert _ranking(at) == rec.families
    text = _markdown(at)
    top_reason = rec.reasons_for(rec.top.family)[0]
    assert top_reason.reason in text
    assert any(top_reason.source in c.value for c in at.caption)
    plan = next(d.value for d in at.dataframe if "budget share" in d.value.columns)
    assert plan["family"].tolist() == rec.plan.families
    assert at.selectbox(key="recipe_family").options == list(rec.recipes)
    assert "Transfer learning" in text and "Hybrids" in text
    assert rec.odds is not None and any(i.value.startswith(rec.odds.reason) for i in at.info)  # the odds, and why


def test_constraints_update_the_recommendation_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = pick_bundled(new_app(tmp_path, monkeypatch), "diabetes")
    before, plan_before = _ranking(at), at.success[0].value
    assert "mlp" in before

    at.sidebar.toggle(key="c_interpretability").set_value(True)
    at.run()
    no_errors(at)
    expected = advisor.recommend(advisor.datasets.load("diabetes"), {"interpretability": True, "time_budget_s": 60.0})
    assert _ranking(at) == expected.families != before
    assert at.success[0].value == expected.summary != plan_before

    at.sidebar.toggle(key="c_interpretability").set_value(False)
    at.sidebar.number_input(key="c_latency").set_value(0.5)
    at.sidebar.radio(key="c_gpu").set_value("yes")
    at.run()
    no_errors(at)
    expected = advisor.recommend(
        advisor.datasets.load("diabetes"), {"latency_ms": 0.5, "gpu": True, "time_budget_s": 60.0}
    )
    assert _ranking(at) == expected.families


# ------------------------------------------------------------------------------------------- benchmark
def test_benchmark_runs_live_and_shows_results(benchmarked: Benchmarked) -> None:
    at = benchmarked.app
    no_errors(at)
    assert any(" trials · " in text or text.startswith("Starting") for text in benchmarked.progress_texts)
    assert "stop_job" in benchmarked.buttons_while_running
    assert any(s.value.startswith("Finished.") for s in at.success)
    # results: verdict, leaderboard, charts, downloads
    result = advisor.BenchmarkResult.load(benchmarked.run_dir / "result.json")
    assert any(result.verdict.summary == m.value for m in [*at.success, *at.warning])
    board = next(d.value for d in at.dataframe if {"rank", "family", result.metric} <= set(d.value.columns))
    assert board["family"].tolist() == result.leaderboard()["family"].tolist()
    assert len(at.get("plotly_chart")) >= 4  # leaderboard, Pareto, history, costs
    assert {"dl_html", "dl_md", "dl_json", "dl_model"} <= download_keys(at)
    assert benchmarked.seconds < 90
    # the model to use: chosen on validation by the metric, saved as best.pkl, with the rows it saw
    choice = next(i.value for i in at.info if i.value.startswith("**Model to use:"))
    assert choice.startswith(f"**Model to use: {result.best_family}** ({result.choice}).")
    assert f"trained on {result.deployed['trained_on']}" in choice and "`best.pkl`" in choice
    model_button = next(b for b in at.get("download_button") if b.key == "dl_model")
    assert model_button.proto.label == f"Model to deploy: {result.best_family} (.pkl)"


def test_reports_are_written_into_the_run_folder(benchmarked: Benchmarked) -> None:
    reports = benchmarked.run_dir / "reports"
    assert {p.name for p in reports.iterdir()} >= {"report.html", "report.md", "report.json", "report_assets"}
    with zipfile.ZipFile(io.BytesIO(markdown_zip(reports / "report.md"))) as archive:
        names = archive.namelist()
    assert "report.md" in names and any(n.startswith("report_assets/") and n.endswith(".svg") for n in names)
    assert not list(benchmarked.run_dir.glob(".reports.*"))  # written aside, then moved into place
    events = jobs.read_events(benchmarked.run_dir)
    assert events[-1]["phase"] == "done" and any(e["phase"] == "search" for e in events)


def test_the_model_download_is_the_chosen_model_refit_on_all_rows(benchmarked: Benchmarked) -> None:
    result = advisor.BenchmarkResult.load(benchmarked.run_dir / "result.json")
    path = best_model(result, benchmarked.run_dir)
    assert path == benchmarked.run_dir / "models" / "best.pkl" == Path(result.deployed["path"])
    assert result.deployed["family"] == result.best_family
    data = advisor.datasets.load("diabetes")
    predictions = advisor.load_model(path).predict(data.X.head(5))
    assert set(predictions) <= set(data.y)  # the target's own labels (ints here), not their text


def test_past_runs_can_be_reopened(benchmarked: Benchmarked, monkeypatch: pytest.MonkeyPatch) -> None:
    at = new_app(benchmarked.runs_root, monkeypatch)  # a new session: no data chosen
    no_errors(at)
    run = at.selectbox(key="results_run")
    assert run.value == str(benchmarked.run_dir)
    assert run.options[0].startswith("diabetes · ")
    assert {"dl_html", "dl_md", "dl_json", "dl_model"} <= download_keys(at)
    assert len(at.get("plotly_chart")) >= 4
    at.segmented_control(key="pareto_cost").set_value("latency_p50_ms")
    at.run()
    no_errors(at)


def test_the_learning_curve_runs_from_the_results(benchmarked: Benchmarked, monkeypatch: pytest.MonkeyPatch) -> None:
    at = new_app(benchmarked.runs_root, monkeypatch)
    at.number_input(key="curve_budget").set_value(30)
    at.button(key="start_curve").click()
    at.run()
    folder = benchmarked.run_dir / "curve"

    def shown(page: AppTest) -> bool:
        return (folder / "curve.json").is_file() and len(page.get("plotly_chart")) >= 5  # 4 of the run + the curve

    try:
        rerun_until(at, shown)
    finally:
        stop_all(folder)
    no_errors(at)
    curve = advisor.LearningCurve.load(folder / "curve.json")
    assert curve.summary in [m.value for m in [*at.info, *at.success]]
    assert "dl_curve" in download_keys(at) and (folder / "curve.html").is_file()
    last = jobs.read_events(folder)[-1]
    assert last["phase"] == "done" and last["message"] == curve.summary
    assert any(e["phase"] == "curve" for e in jobs.read_events(folder))


def test_stop_then_resume(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = new_app(tmp_path, monkeypatch)
    at.sidebar.number_input(key="c_budget").set_value(60)
    pick_bundled(at, "breast_cancer_wisconsin")
    assert at.selectbox(key="sampler").value == "tpe" and at.selectbox(key="pruner").value == "median"
    at.selectbox(key="sampler").set_value("random")
    at.run()
    at.button(key="start_job").click()
    at.run()
    try:
        rerun_until(at, lambda page: any(e["phase"] == "search" for e in jobs.read_events(_run_dir(tmp_path))))
        assert jobs.job_status(_run_dir(tmp_path)).spec.sampler == "random"  # the page's choice reaches the worker
        first = next(e for e in jobs.read_events(_run_dir(tmp_path)) if e["phase"] == "search")
        at.run()
        at.button(key="stop_job").click()
        at.run()
        no_errors(at)
        status = jobs.job_status(_run_dir(tmp_path))
        assert status.state == "stopped" and not jobs._alive(status.pid)
        assert any(w.value.startswith("Stopped.") for w in at.warning)
        assert at.button(key="start_job").label == "Resume"

        at.sidebar.number_input(key="c_budget").set_value(5)
        at.run()
        at.button(key="start_job").click()
        at.run()
        rerun_until(at, lambda page: job_done(tmp_path) and "dl_html" in download_keys(page))
        no_errors(at)
    finally:
        stop_all(tmp_path)
    result = advisor.BenchmarkResult.load(_run_dir(tmp_path) / "result.json")
    kept = [t for t in result.trials if t.family == first["family"] and t.number == 0]
    assert kept and kept[0].state == "COMPLETE"  # the trial finished before the stop is kept, not repeated


def _run_dir(root: Path) -> Path:
    return next(p.parent for p in root.glob(f"*/{jobs.JOB_FILE}"))


def _selectbox(at: AppTest, prefix: str) -> Selectbox[Any]:
    return next(s for s in at.selectbox if s.key.startswith(prefix))


def _ratings_csv(rows: int = 60) -> bytes:
    rng = np.random.default_rng(0)
    x = rng.normal(size=rows)
    stars = np.clip(np.round(3 + 1.2 * x + rng.normal(scale=0.5, size=rows)), 1, 5).astype(int)
    return pd.DataFrame({"x": x, "z": rng.normal(size=rows), "stars": stars}).to_csv(index=False).encode()


def test_the_task_selector_states_the_task(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _upload(new_app(tmp_path, monkeypatch), ("ratings.csv", _ratings_csv()))
    _selectbox(at, "target::").select("stars")
    at.run()
    no_errors(at)
    assert metrics(at)["Task"] == "multiclass" and metrics(at)["Classes"] == "5"
    task = _selectbox(at, "task::")
    assert task.options == ["detected (multiclass)", "multiclass", "regression"]
    guess = [w.value for w in at.warning if "is a guess" in w.value]
    assert guess and "if they are a score or a count rather than categories" in guess[0]

    task.select("regression")
    at.run()
    no_errors(at)
    assert metrics(at)["Task"] == "regression" and "Target skewness" in metrics(at)
    assert not any("is a guess" in w.value for w in at.warning)
    assert any("**Task:** given by the user" in c.value for c in at.caption)
    assert next(d.value for d in at.dataframe if "confidence" in d.value.columns) is not None  # recommended
    assert any("Metric: **rmse**" in c.value for c in at.caption)  # the regression plan's metric


def test_the_metric_selector_sets_the_plan_metric(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = pick_bundled(new_app(tmp_path, monkeypatch), "diabetes")
    assert any("Metric: **accuracy**" in c.value for c in at.caption)  # the plan's own
    metric = _selectbox(at, "metric::")
    assert metric.options == [
        "the plan's", "accuracy", "balanced_accuracy", "f1", "roc_auc", "log_loss", "other scikit-learn scorer…"
    ]  # fmt: skip
    metric.select("f1")
    at.run()
    no_errors(at)
    assert any("Metric: **f1**" in c.value for c in at.caption)
    assert any("ranked and chosen by **f1**" in c.value for c in at.caption)  # what the benchmark will use
    assert any("**Metric:** f1 (stated)" in c.value for c in at.caption)

    _selectbox(at, "metric::").select("other")
    at.run()
    at.text_input(key=next(t.key for t in at.text_input if t.key.startswith("scorer::"))).input("matthews_corrcoef")
    at.run()
    no_errors(at)
    assert any("Metric: **matthews_corrcoef**" in c.value for c in at.caption)

    at.text_input(key=next(t.key for t in at.text_input if t.key.startswith("scorer::"))).input("acuracy")
    at.run()
    assert len(at.error) == 1 and "Unknown metric 'acuracy'" in at.error[0].value
    assert "Did you mean 'accuracy'" in at.error[0].value
    assert any("Metric: **accuracy**" in c.value for c in at.caption)  # back to the plan's


def test_data_too_small_to_score_shows_the_problem_and_the_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _upload(new_app(tmp_path, monkeypatch), ("two.csv", b"a,b,y\n1,2,0\n3,4,1\n"))
    target = _selectbox(at, "target::")
    if target.value != "y":
        target.select("y")
        at.run()
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value
    assert "The data has 2 labelled rows" in message and "too few to train, validate and test" in message
    assert "Add labelled rows" in message and "Traceback" not in message
    assert any("Choose data (and a target)" in i.value for i in at.info)  # no benchmark to start


def test_an_identifier_target_shows_the_problem_and_the_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    frame = pd.DataFrame({"x": np.arange(40.0), "y": [0, 1] * 20, "name": [f"n{i}" for i in range(40)]})
    at = _upload(new_app(tmp_path, monkeypatch), ("people.csv", frame.to_csv(index=False).encode()))
    _selectbox(at, "target::").select("name")
    at.run()
    assert not at.exception
    assert [e.value for e in at.error if "looks like an identifier" in e.value]


def test_benchmark_needs_a_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    frame = pd.DataFrame({"name": [f"n{i}" for i in range(50)], "city": [f"c{i}" for i in range(50)]})
    at = _upload(new_app(tmp_path, monkeypatch), ("people.csv", frame.to_csv(index=False).encode()))
    no_errors(at)
    assert next(s for s in at.selectbox if s.key.startswith("target::")).value is None  # none stands out
    assert metrics(at)["Task"] == "no target"
    assert any("Choose a target column" in i.value for i in at.info)


def test_the_packaged_script_draws_the_same_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from advisor.app.launch import script_path

    monkeypatch.setenv(RUNS_ROOT_ENV, str(tmp_path))
    at = AppTest.from_file(str(script_path()), default_timeout=60).run()
    no_errors(at)
    assert at.title[0].value == "advisor"


def test_several_workers_need_a_database_and_then_search_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, postgres: str
) -> None:
    at = new_app(tmp_path, monkeypatch)
    at.sidebar.number_input(key="c_budget").set_value(12)
    pick_bundled(at, "breast_cancer_wisconsin")
    at.number_input(key="workers").set_value(2)
    at.run()
    at.button(key="start_job").click()
    at.run()
    shown = " ".join(e.value for e in at.error) + " ".join(str(m.value) for m in at.markdown)
    assert "SQLite" in shown and "'Optuna storage' in the app" in shown
    assert not list(tmp_path.glob(f"*/{jobs.JOB_FILE}"))  # nothing started

    at.text_input(key="storage").set_value(postgres)
    at.run()
    at.button(key="start_job").click()
    at.run()
    try:
        rerun_until(at, lambda page: job_done(tmp_path))
        no_errors(at)
    finally:
        stop_all(tmp_path)
    spec = jobs.job_status(_run_dir(tmp_path)).spec
    assert (spec.storage, spec.workers) == (postgres, 2)
    result = advisor.BenchmarkResult.load(_run_dir(tmp_path) / "result.json")
    assert any(n.startswith("searched by 2 workers sharing the run") for n in result.notes)
    assert result.wall_s <= 12 * 1.05
