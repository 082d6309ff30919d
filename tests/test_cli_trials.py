"""`advisor trials RUN_DIR`: prints the URL and the studies, serves them until Ctrl-C; bad input is one
clear message (exit 2), never a traceback."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from advisor import trials
from advisor.cli import app, main
from tests.trials_runs import FAMILIES, make_run_folder, make_storage, served_trial_counts

runner = CliRunner()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_storage(tmp_path_factory.mktemp("template") / "optuna.db")


@pytest.fixture
def run_dir(tmp_path: Path, template: Path) -> Path:
    make_run_folder(tmp_path / "run", template)
    return tmp_path / "run"


def _default_ctrl_c() -> None:
    """The child handles Ctrl-C as a terminal would, even if something in this process ignores SIGINT
    (an ignored signal is inherited across exec, and Python then installs no KeyboardInterrupt handler)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture
def server(run_dir: Path) -> Iterator[subprocess.Popen[str]]:
    """`advisor trials RUN_DIR --port 0` as a user runs it; interrupted (or killed) at the end."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "advisor.cli", "trials", str(run_dir), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        preexec_fn=_default_ctrl_c,
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=30)


def _main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Run the entry point in this process: exit code and stderr (whitespace folded: rich wraps lines)."""
    monkeypatch.setattr(sys, "argv", ["advisor", "trials", *args])
    with pytest.raises(SystemExit) as exit_:
        main()
    return int(exit_.value.code or 0), " ".join(capsys.readouterr().err.split())


def test_prints_the_url_and_the_studies_then_serves_until_ctrl_c(server: subprocess.Popen[str]) -> None:
    first = server.stdout.readline() if server.stdout else ""
    if not first.startswith("optuna-dashboard: http://127.0.0.1:"):
        pytest.fail(first + (server.stderr.read() if server.stderr else ""))
    url = first.split()[1]
    assert served_trial_counts(url) == {name: sum(counts) for name, counts in FAMILIES.items()}
    server.send_signal(signal.SIGINT)
    assert server.wait(timeout=30) == 0  # generous: CI machines are shared and slow at times
    # read, not communicate(): readline() may already hold the rest of stdout in its buffer
    out, err = (server.stdout.read() if server.stdout else ""), (server.stderr.read() if server.stderr else "")
    rows = {line.split("│")[1].strip(): line for line in out.splitlines() if line.count("│") > 2}
    assert set(FAMILIES) <= set(rows)
    assert f"│      {sum(FAMILIES['lightgbm'])} │" in rows["lightgbm"] and f"{url}dashboard/studies/" in rows["mlp"]
    assert "Traceback" not in err


def test_options_reach_serve(monkeypatch: pytest.MonkeyPatch, run_dir: Path) -> None:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(trials, "serve", lambda storage, host, port, on_ready: calls.append((storage, host, port)))
    assert runner.invoke(app, ["trials", str(run_dir)]).exit_code == 0
    url = "sqlite:///elsewhere.db"
    result = runner.invoke(app, ["trials", "--storage", url, "--host", "0.0.0.0", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert calls == [(trials.resolve_storage(run_dir), "127.0.0.1", 8080), (url, "0.0.0.0", 8123)]


def test_not_a_run_folder(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, err = _main(monkeypatch, capsys, str(tmp_path))
    assert code == 2 and "is not a run folder" in err and "Traceback" not in err
    code, err = _main(monkeypatch, capsys, str(tmp_path / "nope"))
    assert code == 2 and "does not exist" in err


def test_missing_extra_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], run_dir: Path
) -> None:
    monkeypatch.setitem(sys.modules, "optuna_dashboard", None)
    code, err = _main(monkeypatch, capsys, str(run_dir), "--port", "0")
    assert code == 2 and 'pip install "advisor[dashboard]"' in err and "Traceback" not in err


def test_port_in_use(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], run_dir: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        code, err = _main(monkeypatch, capsys, str(run_dir), "--port", str(port))
    assert code == 2 and f"Port {port} on 127.0.0.1 is in use" in err


@pytest.mark.parametrize("args", [[], ["RUN", "--port", "70000"]])
def test_usage_errors(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], run_dir: Path, args: list[str]
) -> None:
    code, err = _main(monkeypatch, capsys, *[str(run_dir) if a == "RUN" else a for a in args])
    assert code == 2 and ("RUN_DIR" in err or "--port" in err)
