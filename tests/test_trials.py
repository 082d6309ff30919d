"""`advisor.trials`: a run folder's storage found, its studies summed up, and served by optuna-dashboard."""

from __future__ import annotations

import shutil
import socket
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import optuna
import pytest

import advisor
from advisor import trials
from advisor.errors import (
    AdvisorError,
    InvalidArgumentError,
    MissingDependencyError,
    NoStudiesError,
    NotARunFolderError,
    PortInUseError,
    RunNotFoundError,
    StorageError,
)
from tests.trials_runs import FAMILIES, get_json, make_run_folder, make_storage, served_trial_counts

EXPECTED = {name: sum(counts) for name, counts in FAMILIES.items()}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_storage(tmp_path_factory.mktemp("template") / "optuna.db")


@pytest.fixture
def run_dir(tmp_path: Path, template: Path) -> Path:
    make_run_folder(tmp_path / "run", template)
    return tmp_path / "run"


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port another program listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def _refused(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2)
    except urllib.error.URLError as exc:
        return isinstance(exc.reason, ConnectionRefusedError)
    return False


# ----------------------------------------------------------------------------------------- the storage
def test_a_run_folder_opens_its_own_sqlite_file(run_dir: Path) -> None:
    assert trials.resolve_storage(run_dir) == f"sqlite:///{(run_dir / 'optuna.db').resolve()}"
    assert trials.resolve_storage(str(run_dir)) == trials.storage_for(run_dir)


def test_the_storage_result_json_records_elsewhere_is_used(tmp_path: Path, template: Path) -> None:
    # as after `advisor benchmark ... --storage sqlite:///.../shared.db`
    shared = make_run_folder(tmp_path / "run", template, storage_file=tmp_path / "shared.db")
    assert not (tmp_path / "run" / "optuna.db").exists()
    assert trials.resolve_storage(tmp_path / "run") == shared


def test_a_moved_or_copied_run_folder_opens_its_own_file(run_dir: Path, tmp_path: Path) -> None:
    copied = shutil.copytree(run_dir, tmp_path / "copied")  # result.json names the original's file
    assert trials.resolve_storage(copied) == f"sqlite:///{(copied / 'optuna.db').resolve()}"
    moved = run_dir.rename(tmp_path / "moved")
    assert trials.resolve_storage(moved) == f"sqlite:///{(moved / 'optuna.db').resolve()}"


def test_storage_option_overrides_the_run_folder(run_dir: Path) -> None:
    assert trials.storage_for(run_dir, "sqlite:///elsewhere.db") == "sqlite:///elsewhere.db"
    assert trials.storage_for(None, "sqlite:///elsewhere.db") == "sqlite:///elsewhere.db"
    with pytest.raises(InvalidArgumentError):
        trials.storage_for(None, None)


def test_study_summaries_count_the_trials_of_each_family(run_dir: Path) -> None:
    summaries = trials.study_summaries(trials.resolve_storage(run_dir))
    assert {s.name: s.trials for s in summaries} == EXPECTED
    lgbm = next(s for s in summaries if s.name == "lightgbm")
    assert (lgbm.complete, lgbm.pruned, lgbm.failed) == FAMILIES["lightgbm"]
    assert lgbm.best_value is not None and lgbm.best_value < 0.5  # the 4th complete trial: 0.4 + lr/100


# ----------------------------------------------------------------------------------------- serving
def test_optuna_dashboard_serves_the_run_studies_and_trials(run_dir: Path) -> None:
    with trials.start(trials.resolve_storage(run_dir), port=0) as dashboard:
        assert dashboard.url == f"http://127.0.0.1:{dashboard.port}/" and dashboard.port > 0
        assert served_trial_counts(dashboard.url) == EXPECTED
        assert {s.name: s.trials for s in dashboard.studies} == EXPECTED
        lgbm = next(s for s in dashboard.studies if s.name == "lightgbm")
        detail = get_json(f"{dashboard.url}api/studies/{lgbm.study_id}")
        assert detail["name"] == "lightgbm"
        assert {t["state"] for t in detail["trials"]} == {"Complete", "Pruned", "Fail"}
        assert any(a["key"] == "costs" for a in detail["trials"][0]["user_attrs"])
        with urllib.request.urlopen(dashboard.study_url(lgbm), timeout=10) as page:  # the page itself
            assert page.status == 200 and b"<html" in page.read().lower()
    assert not dashboard.running and _refused(f"{dashboard.url}api/studies")


def test_serve_blocks_until_stopped_and_calls_on_ready(run_dir: Path) -> None:
    ready: list[trials.TrialsDashboard] = []
    opened = threading.Event()

    def on_ready(dashboard: trials.TrialsDashboard) -> None:
        ready.append(dashboard)
        opened.set()

    server = threading.Thread(target=trials.serve, args=(trials.resolve_storage(run_dir), "127.0.0.1", 0, on_ready))
    server.start()
    try:
        assert opened.wait(10)
        assert served_trial_counts(ready[0].url) == EXPECTED
    finally:
        if ready:
            ready[0].stop()  # what Ctrl-C does in the CLI
        server.join(10)
    assert not server.is_alive() and _refused(f"{ready[0].url}api/studies")


def test_the_facade_serves_a_run_folder(run_dir: Path) -> None:
    with advisor.trials_dashboard(run_dir, port=0) as dashboard:
        assert dashboard.storage == trials.resolve_storage(run_dir)
        assert served_trial_counts(dashboard.url) == EXPECTED
    assert trials.DEFAULT_HOST == "127.0.0.1" and trials.DEFAULT_PORT == 8080  # the facade's defaults


# ----------------------------------------------------------------------------------------- errors
def test_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RunNotFoundError, match="does not exist") as err:
        trials.resolve_storage(tmp_path / "nope")
    assert err.value.fix


def test_a_folder_no_benchmark_wrote_is_not_a_run_folder(tmp_path: Path, run_dir: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(NotARunFolderError, match=r"no optuna\.db or result\.json"):
        trials.resolve_storage(tmp_path / "empty")
    with pytest.raises(NotARunFolderError, match="is a file"):
        trials.resolve_storage(run_dir / "result.json")


def test_a_recorded_sqlite_file_that_is_gone_is_reported_not_created(tmp_path: Path, template: Path) -> None:
    gone = tmp_path / "gone.db"
    make_run_folder(tmp_path / "run", template, storage_file=gone)
    gone.unlink()
    storage = trials.resolve_storage(tmp_path / "run")
    with pytest.raises(RunNotFoundError, match=r"gone\.db"):
        trials.study_summaries(storage)
    assert not gone.exists()


def test_a_storage_without_studies(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'optuna.db'}"
    optuna.storages.RDBStorage(url).engine.dispose()  # Optuna's tables, no study
    assert trials.study_summaries(url) == []
    with pytest.raises(NoStudiesError, match="holds no studies"):
        trials.start(trials.resolve_storage(tmp_path), port=0)


def test_a_file_that_is_not_an_optuna_database(tmp_path: Path) -> None:
    (tmp_path / "optuna.db").write_bytes(b"not a database" * 100)
    with pytest.raises(StorageError, match="Cannot read the Optuna storage"):
        trials.start(trials.resolve_storage(tmp_path), port=0)


def test_missing_optuna_dashboard_says_how_to_install_it(run_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "optuna_dashboard", None)  # `import optuna_dashboard` now raises ImportError
    with pytest.raises(MissingDependencyError) as err:
        trials.start(trials.resolve_storage(run_dir), port=0)
    assert 'pip install "advisor[dashboard]"' in str(err.value) and "optuna-dashboard" in str(err.value)


def test_a_port_in_use_is_a_clear_error(run_dir: Path, busy_port: int) -> None:
    with pytest.raises(PortInUseError, match=f"Port {busy_port} on 127.0.0.1 is in use") as err:
        trials.start(trials.resolve_storage(run_dir), port=busy_port)
    assert isinstance(err.value, AdvisorError) and "--port" in err.value.fix


def test_an_address_of_another_machine_is_a_clear_error(run_dir: Path) -> None:
    with pytest.raises(InvalidArgumentError, match="Cannot listen on"):
        trials.start(trials.resolve_storage(run_dir), host="host.invalid", port=0)
