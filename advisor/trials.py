"""``advisor trials``: a run's Optuna studies, trial by trial, in optuna-dashboard.

>>> from advisor import trials
>>> storage = trials.resolve_storage("advisor-runs/adult")     # doctest: +SKIP
>>> [s.name for s in trials.study_summaries(storage)]          # doctest: +SKIP
[...one study per family...]
>>> trials.serve(storage, port=8080)                           # doctest: +SKIP
>>> with trials.start(storage, port=0) as dashboard:           # doctest: +SKIP
...     print(dashboard.url)                                   # served in a background thread until the block ends

A run folder holds ``optuna.db`` (one study per model family, named after it), unless the benchmark was given
another storage URL, which ``result.json`` records. optuna-dashboard (the ``dashboard`` extra) shows every
trial: parameters, validation loss, intermediate values, the ``costs`` and ``metrics`` user attributes.

How it serves: optuna-dashboard's public WSGI app (``optuna_dashboard.wsgi``) on a threaded ``wsgiref``
server in this process, rather than ``optuna_dashboard.run_server`` or the ``optuna-dashboard`` CLI in a
subprocess. Binding the socket here makes a port in use an immediate, clear error before any URL is printed
(no race with a child process, no parsing of its stderr); the server stops cleanly (``stop()``: Ctrl-C,
tests, notebooks), where ``run_server`` blocks until the process is interrupted; and the storage is opened
once, by advisor, the way optuna-dashboard opens it (no table creation, no schema check) plus a lock
timeout, so a benchmark still writing to the SQLite file does not break the page.
"""

from __future__ import annotations

import errno
import json
import socket
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import TYPE_CHECKING, Any, cast
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import optuna
import sqlalchemy
from optuna.trial import TrialState

from advisor.errors import (
    InvalidArgumentError,
    MissingDependencyError,
    NoStudiesError,
    NotARunFolderError,
    PortInUseError,
    RunNotFoundError,
    StorageError,
)

if TYPE_CHECKING:
    from optuna.study._frozen import FrozenStudy  # what storages return; optuna does not export it

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "INSTALL_HINT",
    "StudySummary",
    "TrialsDashboard",
    "masked_url",
    "open_storage",
    "resolve_storage",
    "serve",
    "start",
    "storage_for",
    "study_summaries",
]

DEFAULT_HOST = "127.0.0.1"  # this machine only: the dashboard can rename and delete studies
DEFAULT_PORT = 8080  # optuna-dashboard's own default
STORAGE_FILE = "optuna.db"
RESULT_FILE = "result.json"
# what opening or reading a storage raises on a bad URL, a missing driver, an unreachable server, a file
# that is not a database or a database without Optuna's tables (optuna wraps some in StorageInternalError)
STORAGE_FAILURES = (ImportError, ValueError, sqlalchemy.exc.SQLAlchemyError, optuna.exceptions.OptunaError)
INSTALL_HINT = 'Install it: pip install "advisor[dashboard]" (or pip install optuna-dashboard).'


@dataclass(frozen=True)
class StudySummary:
    """One study of a storage (in a run folder: one model family) and its trials by state."""

    name: str
    study_id: int
    trials: int
    complete: int
    pruned: int
    failed: int
    best_value: float | None  # the best complete trial's value; None if none, or several objectives


# --------------------------------------------------------------------------------------------- storage
def storage_for(run_dir: str | Path | None = None, storage: str | None = None) -> str:
    """The storage URL to open: ``storage`` when given (it overrides the run folder), else the run folder's."""
    if storage:
        return storage
    if run_dir is None:
        raise InvalidArgumentError(
            "No run folder and no storage URL were given.",
            "Pass a run folder written by a benchmark (e.g. advisor-runs/adult) or an Optuna storage URL.",
        )
    return resolve_storage(run_dir)


def resolve_storage(run_dir: str | Path) -> str:
    """The Optuna storage URL of a run folder.

    The URL ``result.json`` records when the benchmark was given another storage (``--storage``), else the
    folder's own ``optuna.db``, which also wins over a recorded SQLite URL: that URL names the same file where
    it was before the folder was moved or copied.
    """
    folder = _run_folder(Path(run_dir).expanduser())
    own = folder / STORAGE_FILE
    recorded = _recorded_storage(folder / RESULT_FILE)
    if recorded is not None and _use_recorded(recorded, own):
        return recorded
    if own.is_file():
        return f"sqlite:///{own.resolve()}"
    raise NotARunFolderError(
        f"'{folder}' is not a run folder: it has no {STORAGE_FILE}"
        + (" and its result.json names no storage URL." if (folder / RESULT_FILE).exists() else " or result.json."),
        "Pass a folder a benchmark wrote into (default: advisor-runs/<dataset>), or the storage URL with --storage.",
    )


def _run_folder(folder: Path) -> Path:
    if not folder.exists():
        raise RunNotFoundError(
            f"The run folder '{folder}' does not exist.",
            "Pass the folder a benchmark wrote into (default: advisor-runs/<dataset>; see `ls advisor-runs`).",
        )
    if not folder.is_dir():
        raise NotARunFolderError(f"'{folder}' is a file, not a run folder.", f"Pass the folder: '{folder.parent}'.")
    return folder


def _recorded_storage(path: Path) -> str | None:
    """The storage URL in ``result.json``; None without the file, or when it holds no URL (e.g. a storage
    object's class name, which is what a run given a storage object records)."""
    try:
        value = json.loads(path.read_text(encoding="utf-8")).get("storage")
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, str) and "://" in value else None


def _use_recorded(recorded: str, own: Path) -> bool:
    """A recorded server URL always wins; a recorded SQLite URL only when the folder has no ``optuna.db`` (when
    it has, the URL names that file, perhaps where it was before the folder was moved or copied)."""
    return not recorded.startswith("sqlite") or not own.is_file()


def _sqlite_path(url: str) -> Path | None:
    """The file of a ``sqlite:///`` URL; None for an in-memory database or a URL that does not parse."""
    try:
        database = sqlalchemy.engine.make_url(url).database
    except sqlalchemy.exc.ArgumentError:
        return None
    return Path(database) if database and database != ":memory:" else None


def open_storage(storage: str) -> optuna.storages.BaseStorage:
    """Open a storage URL to read it; a SQLite file must exist (opening never creates one)."""
    if storage.startswith("sqlite"):
        _check_sqlite_file(storage)
    try:
        return optuna.storages.RDBStorage(
            storage,
            engine_kwargs={"connect_args": {"timeout": 30}} if storage.startswith("sqlite") else None,
            skip_compatibility_check=True,  # as optuna-dashboard: it offers the schema migration itself
            skip_table_creation=True,  # never writes Optuna's tables into a database that lacks them
        )
    except STORAGE_FAILURES as exc:
        raise storage_error(storage, exc) from exc


def _check_sqlite_file(storage: str) -> None:
    path = _sqlite_path(storage)
    if path is None or not path.is_file():
        raise RunNotFoundError(
            f"The SQLite storage '{storage}' has no file" + (f": '{path}' does not exist." if path else "."),
            "Pass the run folder or the storage URL the benchmark used (a relative sqlite:/// path is relative "
            "to the folder the benchmark ran in).",
        )


def storage_error(storage: str, exc: BaseException, doing: str = "read") -> StorageError:
    """The :class:`StorageError` for a storage URL that failed to open: the root cause, and what to check."""
    for _ in range(10):  # the root cause says most (e.g. "no such table", "No module named 'psycopg'")
        exc = exc.__cause__ or exc.__context__ or exc
    detail = (str(exc).strip().splitlines() or [""])[0]
    return StorageError(
        f"Cannot {doing} the Optuna storage '{masked_url(storage)}': {type(exc).__name__}: {detail}",
        "Check the URL, that the database server is reachable, that its driver is installed (the module the "
        "message names: pip install 'advisor[postgres]' for postgresql://) and, to read a run, that a benchmark "
        "wrote into it.",
    )


def masked_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return sqlalchemy.engine.make_url(url).render_as_string(hide_password=True)
    except sqlalchemy.exc.ArgumentError:
        return url


# --------------------------------------------------------------------------------------------- studies
def study_summaries(storage: str | optuna.storages.BaseStorage) -> list[StudySummary]:
    """Every study in the storage, by name, with its trial counts (an empty list when it holds none)."""
    opened = open_storage(storage) if isinstance(storage, str) else storage
    try:
        studies = opened.get_all_studies()
        summaries = [_summary(opened, study) for study in studies]
    except STORAGE_FAILURES as exc:
        raise storage_error(storage if isinstance(storage, str) else type(storage).__name__, exc) from exc
    return sorted(summaries, key=lambda s: s.name)


def _summary(storage: optuna.storages.BaseStorage, study: FrozenStudy) -> StudySummary:
    study_id = storage.get_study_id_from_name(study.study_name)
    trials = storage.get_all_trials(study_id, deepcopy=False)
    count = {state: sum(1 for t in trials if t.state == state) for state in TrialState}
    values = [cast(float, t.value) for t in trials if t.state == TrialState.COMPLETE and len(t.values or ()) == 1]
    single = len(study.directions) == 1
    maximize = single and study.direction == optuna.study.StudyDirection.MAXIMIZE
    best = (max if maximize else min)(values) if values and single else None
    return StudySummary(
        name=study.study_name,
        study_id=study_id,
        trials=len(trials),
        complete=count[TrialState.COMPLETE],
        pruned=count[TrialState.PRUNED],
        failed=count[TrialState.FAIL],
        best_value=best,
    )


# --------------------------------------------------------------------------------------------- serving
class _Server(ThreadingMixIn, WSGIServer):
    """One thread per request (the page loads several at once); they never keep the process alive."""

    daemon_threads = True


class _Server6(_Server):
    address_family = socket.AF_INET6


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # the page polls every few seconds: no log spam
        pass


class TrialsDashboard:
    """optuna-dashboard serving one storage in a background thread, until :meth:`stop` (or the ``with``
    block ends). ``url`` is the page; ``studies`` the studies found when it started."""

    def __init__(self, storage: str, studies: list[StudySummary], server: WSGIServer) -> None:
        self.storage = storage
        self.studies = studies
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="advisor-trials", daemon=True
        )  # a short poll interval: stop() returns within 0.1 s
        self._thread.start()

    @property
    def host(self) -> str:
        return str(self._server.server_address[0])

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """The page to open, e.g. ``http://127.0.0.1:8080/`` (a wildcard host shows as ``localhost``)."""
        host = "localhost" if self.host in ("0.0.0.0", "::") else self.host
        return f"http://[{host}]:{self.port}/" if ":" in host else f"http://{host}:{self.port}/"

    def study_url(self, study: StudySummary) -> str:
        """The page of one study (one model family): its trials, history, parameters."""
        return f"{self.url}dashboard/studies/{study.study_id}"

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def wait(self) -> None:
        """Block until Ctrl-C (or :meth:`stop` from another thread), then stop."""
        try:
            while self._thread.is_alive():
                self._thread.join(0.5)  # a timed join lets Ctrl-C through
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def stop(self) -> None:
        """Stop serving and close the port (safe to call twice)."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()

    def __enter__(self) -> TrialsDashboard:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start(storage: str, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> TrialsDashboard:
    """Serve ``storage`` in optuna-dashboard in a background thread; ``port=0`` picks a free port.

    Raises :class:`MissingDependencyError` without optuna-dashboard, :class:`NoStudiesError` when the
    storage holds no study, :class:`PortInUseError` when the port is taken.
    """
    wsgi = _dashboard_wsgi()
    opened = open_storage(storage)
    studies = study_summaries(opened)
    if not studies:
        raise NoStudiesError(
            f"The Optuna storage '{masked_url(storage)}' holds no studies: no benchmark has run into it yet.",
            "Run a benchmark first (advisor benchmark DATA --run-dir FOLDER), or pass the folder or storage "
            "that holds its trials.",
        )
    return TrialsDashboard(storage, studies, _bind(wsgi(opened), host, port))


def serve(
    storage: str,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    on_ready: Callable[[TrialsDashboard], None] | None = None,
) -> None:
    """Serve ``storage`` in optuna-dashboard until Ctrl-C. ``on_ready`` is called once the port is open
    (default: print the URL on stderr)."""
    dashboard = start(storage, host, port)
    (on_ready or _announce)(dashboard)
    dashboard.wait()


def _announce(dashboard: TrialsDashboard) -> None:
    print(f"optuna-dashboard: {dashboard.url} (Ctrl-C to stop)", file=sys.stderr)


def _dashboard_wsgi() -> Callable[[optuna.storages.BaseStorage], Any]:
    """``optuna_dashboard.wsgi`` (storage -> WSGI app), or a clear error when the extra is not installed."""
    try:
        from optuna_dashboard import wsgi
    except ImportError as exc:
        raise MissingDependencyError(
            "optuna-dashboard is not installed; it is what shows the trials.", INSTALL_HINT
        ) from exc
    return wsgi


def _bind(app: Any, host: str, port: int) -> WSGIServer:
    """Open the port now, so a taken port is an error before anything is printed."""
    server_class = _Server6 if ":" in host else _Server
    try:
        return make_server(host, port, app, server_class=server_class, handler_class=_QuietHandler)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise PortInUseError(
                f"Port {port} on {host} is in use (another dashboard or server is listening there).",
                "Pass another port (--port / port=), or 0 for any free one.",
            ) from exc
        if exc.errno == errno.EACCES:
            raise InvalidArgumentError(
                f"Port {port} needs administrator rights to listen on.", "Pass a port above 1023 (--port / port=)."
            ) from exc
        raise InvalidArgumentError(
            f"Cannot listen on {host}:{port}: {exc.strerror or exc}.",
            "Pass an address of this machine (--host / host=): 127.0.0.1 for this machine only, "
            "0.0.0.0 for every network interface.",
        ) from exc
