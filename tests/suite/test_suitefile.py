"""Suite files: YAML and TOML read to the same suite; every mistake names the file, the entry and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.errors import InvalidArgumentError, MalformedFileError
from advisor.suite import Suite, SuiteEntry, SuiteSettings, collect, read_suite_file
from advisor.suite.entries import resolve_jobs

YAML = """
title: Small tables
budget: 30
trials: 5
seed: 3
price_per_hour: 2.5
families: [linear, lightgbm]
datasets:
  - path: diabetes
  - path: data/churn.csv
    target: churn
    budget: {seconds: 90, trials: 12}
    name: Churn
  - path: series
    modality: time series
    families: linear
  - credit_g
"""

TOML = """
title = "Small tables"
budget = 30
trials = 5
seed = 3
price_per_hour = 2.5
families = ["linear", "lightgbm"]

[[datasets]]
path = "diabetes"

[[datasets]]
path = "data/churn.csv"
target = "churn"
budget = { seconds = 90, trials = 12 }
name = "Churn"

[[datasets]]
path = "series"
modality = "timeseries"
families = "linear"

[[datasets]]
path = "credit_g"
"""


def _write(folder: Path, name: str, text: str) -> Path:
    (folder / "data").mkdir(exist_ok=True)
    (folder / "data" / "churn.csv").write_text("a,churn\n1,0\n2,1\n", encoding="utf-8")
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_and_toml_give_the_same_suite(tmp_path: Path) -> None:
    from_yaml = read_suite_file(_write(tmp_path, "suite.yaml", YAML))
    from_toml = read_suite_file(_write(tmp_path, "suite.toml", TOML))
    assert from_yaml.entries == from_toml.entries
    assert from_yaml.settings == from_toml.settings
    assert from_yaml.title == from_toml.title == "Small tables"
    assert from_yaml.settings == SuiteSettings(
        budget=30.0, trials=5, seed=3, price_per_hour=2.5, families=("linear", "lightgbm")
    )
    diabetes, churn, series, credit = from_yaml.entries
    assert diabetes == SuiteEntry(path="diabetes")  # a bundled name stays a name
    assert churn.path == str(tmp_path / "data" / "churn.csv")  # relative to the suite file
    assert (churn.target, churn.name, churn.budget, churn.trials) == ("churn", "Churn", 90.0, 12)
    assert series.modality == "timeseries" and series.families == ("linear",)
    assert series.path == str(tmp_path / "series")  # no such file: reported when it runs, not here
    assert credit == SuiteEntry(path="credit_g")


def test_settings_precedence_entry_then_caller_then_file(tmp_path: Path) -> None:
    suite = read_suite_file(_write(tmp_path, "suite.yaml", YAML))
    jobs = resolve_jobs(suite, SuiteSettings(budget=10.0, seed=7), tmp_path / "out")
    by_name = {j.name: j for j in jobs}
    assert by_name["diabetes"].budget.seconds == 10.0  # caller over the file's 30
    assert by_name["diabetes"].budget.trials == 5  # the file's, the caller set none
    assert by_name["Churn"].budget.seconds == 90.0 and by_name["Churn"].budget.trials == 12  # the entry's own
    assert {j.seed for j in jobs} == {7}
    assert by_name["Churn"].run_dir == str(tmp_path / "out" / "Churn")
    assert by_name["series"].families == ("linear",) and by_name["diabetes"].families == ("linear", "lightgbm")


def test_duplicate_names_get_their_own_run_folders(tmp_path: Path) -> None:
    jobs = resolve_jobs(
        collect(["diabetes", "diabetes", {"path": "x.csv", "name": "reports"}]), SuiteSettings(), tmp_path
    )
    assert [j.slug for j in jobs] == ["diabetes", "diabetes-2", "reports-2"]  # 'reports' holds the reports
    assert [j.name for j in jobs][:2] == ["diabetes", "diabetes-2"]
    assert jobs[0].budget.seconds == 60.0 and jobs[0].seed == 0  # built-in defaults


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "datasets:\n  - path: diabetes\n    budjet: 5\n",
            ["dataset 1 ('diabetes')", "unknown key 'budjet'", "'budget'"],
        ),
        ("datasest:\n  - diabetes\n", ["unknown key 'datasest'", "'datasets'"]),
        ("datasets:\n  - target: y\n", ["dataset 1 has no path", "path:"]),
        ("datasets:\n  - path: diabetes\n    budget: -5\n", ["budget must be a positive number", "budget: 60"]),
        ("datasets:\n  - path: diabetes\n    budget: soon\n", ["budget must be a positive number", "'soon'"]),
        ("datasets:\n  - path: diabetes\n    budget: {seconds: 5, trails: 2}\n", ["unknown key 'trails'"]),
        ("datasets:\n  - path: diabetes\n    trials: 0\n", ["trials must be a whole number"]),
        ("datasets:\n  - path: diabetes\n    modality: audio\n", ["unknown modality 'audio'"]),
        ("budget: 5\ndatasets: []\n", ["has no datasets"]),
        ("seed: 1.5\ndatasets: [diabetes]\n", ["seed must be a whole number"]),
        ("- 3\n", ["dataset 1 must be a mapping"]),
        ("just text\n", ["must hold a mapping"]),
        (
            "datasets:\n  - path: diabetes\n    task: ranking\n",
            ["dataset 1 ('diabetes'): task: Unknown task 'ranking'", "'regression'"],
        ),
        (
            "datasets:\n  - path: diabetes\n    metric: acuracy\n",
            ["dataset 1 ('diabetes'): metric: Unknown metric 'acuracy'", "Did you mean 'accuracy'"],
        ),
        (
            "datasets:\n  - path: diabetes\n    task: binary\n    metric: rmse\n",
            ["dataset 1 ('diabetes'): metric: Metric 'rmse' does not apply to a binary task", "roc_auc"],
        ),
        ("metric: [f1]\ndatasets: [diabetes]\n", ["metric: Unknown metric", "Use one of accuracy"]),
        ("refit_full: no way\ndatasets: [diabetes]\n", ["refit_full must be true or false", "refit_full: false"]),
        ("datasets:\n  - path: diabetes\n    refit_full: false\n", ["unknown key 'refit_full'"]),
    ],
)
def test_mistakes_name_the_file_entry_and_fix(tmp_path: Path, text: str, expected: list[str]) -> None:
    path = tmp_path / "suite.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidArgumentError) as info:
        read_suite_file(path)
    message = str(info.value)
    assert str(path) in message
    for part in expected:
        assert part in message
    assert info.value.fix  # problem + fix


def test_broken_syntax_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "suite.toml"
    bad.write_text("datasets = [", encoding="utf-8")
    with pytest.raises(MalformedFileError, match="not valid TOML"):
        read_suite_file(bad)
    bad_yaml = tmp_path / "suite.yaml"
    bad_yaml.write_text("datasets:\n  - path: [unclosed\n", encoding="utf-8")
    with pytest.raises(MalformedFileError, match="not valid YAML"):
        read_suite_file(bad_yaml)
    with pytest.raises(FileNotFoundError, match="No suite file"):
        collect(str(tmp_path / "missing.yaml"))


def test_collect_mixes_files_paths_and_entries(tmp_path: Path) -> None:
    suite_file = _write(tmp_path, "suite.yaml", YAML)
    suite = collect([str(suite_file), "gunpoint", SuiteEntry(path="x.csv", target="y"), {"path": "z.csv"}])
    assert isinstance(suite, Suite)
    assert [e.display_name for e in suite.entries] == ["diabetes", "Churn", "series", "credit_g", "gunpoint", "x", "z"]
    assert suite.settings.budget == 30.0 and suite.title == "Small tables"


TASK_METRIC_YAML = """
metric: auc
refit_full: false
datasets:
  - path: diabetes
  - path: ratings.csv
    target: stars
    task: Regression
    metric: neg_mean_absolute_error
  - path: churn.csv
    target: churn
    task: classification
    metric: f1
"""


def test_task_metric_and_refit_full_are_read_checked_and_resolved(tmp_path: Path) -> None:
    path = tmp_path / "suite.yaml"
    path.write_text(TASK_METRIC_YAML, encoding="utf-8")
    suite = read_suite_file(path)
    assert suite.settings == SuiteSettings(metric="roc_auc", refit_full=False)  # aliases written the canonical way
    diabetes, ratings, churn = suite.entries
    assert (diabetes.task, diabetes.metric) == (None, None)
    assert (ratings.task, ratings.metric) == ("regression", "mae")
    assert (churn.task, churn.metric) == ("classification", "f1")

    jobs = {j.name: j for j in resolve_jobs(suite, SuiteSettings(), tmp_path / "out")}
    assert (jobs["diabetes"].task, jobs["diabetes"].metric, jobs["diabetes"].refit_full) == (None, "roc_auc", False)
    assert (jobs["ratings"].task, jobs["ratings"].metric) == ("regression", "mae")  # the entry's own
    assert jobs["churn"].metric == "f1" and not jobs["churn"].refit_full

    caller = SuiteSettings(task="binary", metric="balanced_accuracy", refit_full=True)
    again = {j.name: j for j in resolve_jobs(suite, caller, tmp_path / "out")}
    assert (again["diabetes"].task, again["diabetes"].metric) == ("binary", "balanced_accuracy")  # caller over file
    assert again["ratings"].metric == "mae" and again["ratings"].task == "regression"  # the entry over the caller
    assert all(j.refit_full for j in again.values())
    assert resolve_jobs(collect(["diabetes"]), SuiteSettings(), tmp_path)[0].refit_full  # the default: refit


def test_the_reuse_identity_holds_task_metric_and_refit_full(tmp_path: Path) -> None:
    (job,) = resolve_jobs(collect(["diabetes"]), SuiteSettings(metric="f1"), tmp_path)
    identity = job.identity()
    assert (identity["task"], identity["metric"], identity["refit_full"]) == (None, "f1", True)
    other_metric = resolve_jobs(collect(["diabetes"]), SuiteSettings(metric="accuracy"), tmp_path)[0]
    other_task = resolve_jobs(collect(["diabetes"]), SuiteSettings(metric="f1", task="binary"), tmp_path)[0]
    no_refit = resolve_jobs(collect(["diabetes"]), SuiteSettings(metric="f1", refit_full=False), tmp_path)[0]
    assert len({str(j.identity()) for j in (job, other_metric, other_task, no_refit)}) == 4


def test_entries_made_in_python_are_spelled_the_canonical_way(tmp_path: Path) -> None:
    entry = SuiteEntry(path="diabetes", task="Classification", metric="AUC")
    (job,) = resolve_jobs(collect([entry]), SuiteSettings(), tmp_path)
    assert (job.task, job.metric) == ("classification", "roc_auc")  # as the result will record them
    with pytest.raises(InvalidArgumentError, match="Unknown metric 'acuracy'"):
        resolve_jobs(collect([SuiteEntry(path="diabetes", metric="acuracy")]), SuiteSettings(), tmp_path)
