"""The CLI's view of a suite: a progress bar per dataset plus one overall (stderr), and a summary table."""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

if TYPE_CHECKING:
    from advisor.suite.events import SuiteEvent
    from advisor.suite.result import SuiteResult

__all__ = ["SuiteProgress", "render_suite_summary"]

OVERALL = "suite"
FINAL_KINDS = ("done", "failed", "skipped")


class SuiteProgress:
    """Live bars on ``console``: one per dataset (trials, best loss, time left) and an overall count.

    Use as a context manager; the instance is the ``on_progress`` callback of ``benchmark_suite``.
    Dataset ends, failures, proposed targets and load warnings are also printed as lines.
    """

    def __init__(self, console: Console) -> None:
        columns = [
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[status]}"),
            TimeElapsedColumn(),
        ]
        self.progress = Progress(*columns, console=console, transient=False)
        self.tasks: dict[int, TaskID] = {}
        self.totals: dict[int, float] = {}
        self.ended: dict[int, str] = {}
        self.overall: TaskID | None = None

    def __enter__(self) -> SuiteProgress:
        self.progress.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.progress.stop()

    def __call__(self, event: SuiteEvent) -> None:
        if self.overall is None:
            self.overall = self.progress.add_task(OVERALL, total=event.total, status="starting")
        if event.index not in self.tasks:
            self._add(event)
        task = self.tasks[event.index]
        if event.kind == "start":
            self.progress.start_task(task)
            self.progress.update(task, status=f"loading (pid {event.pid})")
        elif event.kind == "progress" and event.progress is not None:
            self._advance(event.index, event.progress)
        elif event.kind == "note":
            self.progress.console.print(f"[yellow]{escape(event.dataset)}: {escape(event.message)}[/]")
        elif event.kind in FINAL_KINDS:
            self._end(event)

    def _add(self, event: SuiteEvent) -> None:
        budget = event.budget
        total = (budget.seconds or budget.trials or 1.0) if budget is not None else 1.0
        self.totals[event.index] = float(total)
        self.tasks[event.index] = self.progress.add_task(
            event.dataset, total=float(total), status="waiting", start=False
        )

    def _advance(self, index: int, event: Any) -> None:
        best = ", ".join(f"{k} {v:.4f}" for k, v in event.best.items())
        left = f"{max((event.budget_s or 0) - event.elapsed_s, 0):.0f}s left" if event.budget_s else ""
        trials = f"{event.trials_done}" + (f"/{event.trials_target}" if event.trials_target else "")
        status = f"{event.phase} {event.family} | trials {trials} | best loss: {best or '-'} | {left}"
        if event.phase == "embed":
            status = f"{event.message} | {left}"
        total = self.totals[index]
        done = event.elapsed_s if event.budget_s else event.trials_done
        self.progress.update(self.tasks[index], completed=min(done, total), status=escape(status))

    def _end(self, event: SuiteEvent) -> None:
        labels = {"done": "[green]done[/]", "failed": "[red]failed[/]", "skipped": "[cyan]skipped (reused)[/]"}
        self.ended[event.index] = event.kind
        task = self.tasks[event.index]
        self.progress.start_task(task)
        self.progress.update(task, completed=self.totals[event.index], status=labels[event.kind])
        colour = {"done": "green", "failed": "red", "skipped": "cyan"}[event.kind]
        line = f"[{colour}]{escape(event.dataset)} {event.kind}[/]: {escape(event.message)}"
        self.progress.console.print(line)
        counts = {k: sum(v == k for v in self.ended.values()) for k in FINAL_KINDS}
        status = ", ".join(f"{n} {k}" for k, n in counts.items() if n)
        assert self.overall is not None
        self.progress.update(
            self.overall, completed=len(self.ended), status=f"{len(self.ended)}/{event.total} finished: {status}"
        )


def render_suite_summary(result: SuiteResult) -> RenderableType:
    """One row per dataset, then each failure's message.

    Columns: status, the rules' pick (recommended), the measured best family and its test score, the
    regret of following the rules (best score minus the pick's, 0 when the rules were right), wall time.
    """
    rows = result.summary().to_dict("records")
    metrics = {r["metric"] for r in rows if isinstance(r["metric"], str)}
    one_metric = next(iter(metrics)) if len(metrics) == 1 else None
    table = Table(
        title=f"Suite: {escape(result.title)}",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        padding=0,
    )
    longest = max((len(d.name) for d in result.datasets), default=7)
    table.add_column("dataset", no_wrap=True, min_width=min(max(longest, 7), 40))
    table.add_column("status", no_wrap=True)
    table.add_column("recommended", overflow="fold", min_width=len("recommended"))
    table.add_column("best", overflow="fold")
    table.add_column(f"test {one_metric}" if one_metric else "test score", justify="right")
    for column in ("regret", "time"):
        table.add_column(column, justify="right", no_wrap=True)
    for row in rows:
        score = "-"
        if _number(row["best_score"]):
            score = f"{row['best_score']:.4f}" if one_metric else f"{row['metric']} {row['best_score']:.4f}"
        table.add_row(
            escape(str(row["dataset"])),
            _status(row["status"]),
            _text(row["recommended"]),
            _text(row["best"]),
            score,
            f"{row['regret']:.4f}" if _number(row["regret"]) else "-",
            f"{row['wall_s']:.1f}s" if _number(row["wall_s"]) else "-",
        )
    lines: list[RenderableType] = [table]
    if any(d.status == "skipped" for d in result.datasets):
        lines.append("[cyan]skipped[/]: reused the result of an earlier run with the same settings.")
    lines += [f"[red]{escape(d.name)} failed:[/] {escape(d.error or 'unknown error')}" for d in result.failed]
    return Group(*lines)


def _status(status: str) -> str:
    return {
        "done": "[green]done[/]",
        "failed": "[red]failed[/]",
        "skipped": "[cyan]skipped[/]",
    }.get(status, status)


def _text(value: Any) -> str:
    return escape(str(value)) if value not in (None, "") and value == value else "-"


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and value == value
