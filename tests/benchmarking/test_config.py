"""best_config(): a winner's recipe as YAML / JSON, and refit() training it again without a search."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import advisor
from advisor.benchmarking import Budget
from advisor.benchmarking.config import ModelConfig
from advisor.cli import app
from advisor.errors import DataNotFoundError, InvalidArgumentError, MalformedFileError


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    run = tmp_path_factory.mktemp("run")
    return advisor.benchmark("diabetes", budget=Budget(trials=4), families=["linear", "lightgbm"], run_dir=run)


def test_best_config_round_trips_through_yaml_and_json(result, tmp_path: Path) -> None:
    config = result.best_config()
    assert config.family == result.best_family and config.task == "binary" and config.target == "target"
    best = result.family(config.family)
    assert config.params == best.best_params
    assert ModelConfig.load(config.save(tmp_path / "c.yaml")) == config
    assert ModelConfig.load(config.save(tmp_path / "c.json")) == config
    assert ModelConfig.load(Path(result.run_dir) / "best_config.yaml") == config  # every run writes it
    other = result.best_config("linear" if config.family != "linear" else "lightgbm")
    assert other.family != config.family


def test_refit_reproduces_the_family_on_new_rows(result, tmp_path: Path) -> None:
    config = result.best_config("lightgbm")
    data = advisor.datasets.load("diabetes")
    model = advisor.refit(config, data, out=tmp_path / "m.pkl")
    assert model.family == "lightgbm" and model.metadata["rows"] == data.n_rows
    assert model.estimator.n_estimators == config.n_steps  # the rounds the search found, no early stopping
    assert (model.predict(data.X) == data.y.to_numpy()).mean() > 0.75
    saved = advisor.load_model(tmp_path / "m.pkl")
    np.testing.assert_array_equal(saved.predict(data.X.head(30)), model.predict(data.X.head(30)))


def test_refit_cli(result, tmp_path: Path) -> None:
    out = tmp_path / "cli.pkl"
    run = CliRunner().invoke(
        app, ["refit", str(Path(result.run_dir) / "best_config.yaml"), "diabetes", "--out", str(out)]
    )
    assert run.exit_code == 0, run.output
    assert out.is_file() and f"saved to {out}" in run.output


def test_bad_configs_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(DataNotFoundError):
        ModelConfig.load(tmp_path / "none.yaml")
    (tmp_path / "bad.yaml").write_text("family: [unclosed", encoding="utf-8")
    with pytest.raises(MalformedFileError):
        ModelConfig.load(tmp_path / "bad.yaml")
    with pytest.raises(InvalidArgumentError, match="missing keys"):
        ModelConfig.from_dict({"family": "lightgbm"})
    with pytest.raises(InvalidArgumentError, match="unknown keys"):
        ModelConfig.from_dict({"family": "lightgbm", "task": "binary", "modality": "tabular", "colour": 1})
    config = ModelConfig(family="lightgbm", task="binary", modality="image")
    with pytest.raises(InvalidArgumentError, match="for image data"):
        advisor.refit(config, advisor.datasets.load("diabetes"))
