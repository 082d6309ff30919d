"""Readable terminal output for profiles and recommendations (rich renderables)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from advisor.profiling.profile import DatasetProfile
from advisor.rules.recommendation import Recommendation, TrainingRecipe

if TYPE_CHECKING:
    from advisor.benchmarking.results import BenchmarkResult
    from advisor.curve import LearningCurve
    from advisor.trials import TrialsDashboard

__all__ = [
    "ambiguity_warning",
    "render_benchmark",
    "render_curve",
    "render_profile",
    "render_recommendation",
    "render_trials",
]


def render_profile(p: DatasetProfile) -> RenderableType:
    """The profile as a key/value table plus a column-role table for tables; a warning when the task is a guess."""
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    for key, value in _profile_facts(p):
        facts.add_row(key, value)
    parts: list[RenderableType] = [Panel(facts, title=f"Profile: {p.name}", expand=False)]
    if p.task_ambiguous:
        parts.append(Text(ambiguity_warning(p), style="bold yellow"))
    if p.columns:
        parts.append(_columns_table(p))
    return Group(*parts)


def _profile_facts(p: DatasetProfile) -> list[tuple[str, str]]:
    rows = [
        ("modality", f"{p.modality}  ({p.modality_reason})" if p.modality_reason else p.modality),
        ("task", f"{p.task or 'unknown'}  ({p.task_reason})"),
        ("rows x features", f"{p.rows:,} x {p.features:,}"),
    ]
    if p.metric:
        rows.insert(2, ("metric", f"{p.metric}  (stated by the user)"))
    if p.role_counts:
        rows.append(("column roles", ", ".join(f"{k} {v}" for k, v in sorted(p.role_counts.items()))))
    rows.append(("missing cells", f"{p.missing_share:.1%}"))
    if p.n_classes:
        top = ", ".join(f"{k}: {v:,}" for k, v in list(p.class_counts.items())[:5])
        rows.append(("classes", f"{p.n_classes} ({top}{', ...' if p.n_classes > 5 else ''})"))
        rows.append(("imbalance ratio", f"{p.imbalance_ratio:.1f}:1" if p.imbalance_ratio else "-"))
        rows.append(("samples per class", f"{p.samples_per_class:,.0f} (smallest class {p.min_class_count:,})"))
    if p.target_skewness is not None:
        rows.append(("target skewness", f"{p.target_skewness:.2f}"))
    if p.skewness_mean is not None:
        rows.append(("feature skewness", f"mean {p.skewness_mean:.2f}, max |.| {p.skewness_max_abs:.2f}"))
    if p.kurtosis_mean is not None:
        rows.append(("feature kurtosis", f"mean {p.kurtosis_mean:.2f}, max {p.kurtosis_max:.2f} (excess)"))
    if p.image:
        rows.append(("images", f"{p.image.count:,} of {p.image.height}x{p.image.width}, {p.image.channels} channel(s)"))
    if p.text:
        t = p.text
        rows.append(
            (
                "text",
                f"{', '.join(t.columns)}: mean {t.mean_chars:.0f} chars / {t.mean_words:.0f} words, "
                f"max {t.max_chars:,}, vocabulary {t.vocabulary_size:,}",
            )
        )
    if p.series:
        s = p.series
        length = f"{s.min_length}" if s.equal_length else f"{s.min_length}-{s.max_length} (unequal)"
        rows.append(("series", f"{s.count:,} series, {s.channels} channel(s), length {length}"))
    rows.append(("memory", _bytes(p.memory_bytes)))
    if p.sampled_rows:
        rows.append(("note", f"column statistics estimated on a {p.sampled_rows:,}-row sample"))
    return rows


def ambiguity_warning(p: DatasetProfile) -> str:
    """One line saying the task is a reading of the target and how to state the other one.

    >>> ambiguity_warning(DatasetProfile.from_summary(rows=60, features=2, task="multiclass", n_classes=5)
    ...     .with_changes(task_ambiguous=True, task_reason="5 integer values; treated as classes; if they are a "
    ...                   "score, pass task='regression' (CLI: --task regression)"))
    "warning: the task (multiclass) is a guess: if they are a score, pass task='regression' (CLI: --task regression)"
    """
    hint = p.task_reason.rsplit("; ", 1)[-1]
    return f"warning: the task ({p.task}) is a guess: {hint}"


def _columns_table(p: DatasetProfile) -> Table:
    table = Table(title="Columns", show_lines=False)
    for name in ("column", "role", "dtype", "missing", "cardinality", "skew", "kurtosis"):
        table.add_column(name, justify="right" if name not in ("column", "role", "dtype") else "left")
    for c in p.columns[:40]:
        table.add_row(
            c.name,
            c.role,
            c.dtype,
            f"{c.missing_share:.1%}",
            _opt(c.cardinality, ","),
            _opt(c.skewness, ".2f"),
            _opt(c.kurtosis, ".2f"),
        )
    if len(p.columns) > 40:
        table.caption = f"... and {len(p.columns) - 40} more columns (use --json for all)"
    return table


def render_recommendation(rec: Recommendation) -> RenderableType:
    """Ranking, reasons with sources, recipe, transfer strategy and benchmark plan."""
    parts: list[RenderableType] = [Text(rec.summary, style="bold green"), _ranking_table(rec), _reasons(rec)]
    recipe = next((rec.recipes[f] for f in rec.families if f in rec.recipes), None)
    if recipe is not None:
        parts.append(_recipe_panel(recipe))
    if rec.transfer is not None:
        t = rec.transfer
        body = Text(
            f"{t.strategy.replace('_', ' ')} of {t.pretrained_model}\n{t.reason}\n"
            f"trainable: {t.trainable_layers}; learning rates: {t.learning_rates}\n"
            + "\n".join(f"  {i}. {s}" for i, s in enumerate(t.steps, 1))
            + f"\nsource: {t.source}"
        )
        parts.append(Panel(body, title="Transfer learning", expand=False))
    parts.append(_plan_table(rec))
    parts.extend(Text(f"warning: {w}", style="yellow") for w in rec.warnings)
    return Group(*parts)


def _ranking_table(rec: Recommendation) -> Table:
    table = Table(
        title=f"Ranked model families ({rec.modality}, {rec.task or 'unknown task'}, GPU: {'yes' if rec.gpu else 'no'})"
    )
    for name in ("#", "family", "kind", "score", "confidence"):
        table.add_column(name, justify="right" if name in ("#", "score", "confidence") else "left")
    for i, r in enumerate(rec.ranking, 1):
        table.add_row(
            str(i), r.label, r.kind, f"{r.score:+.2f}", f"{r.confidence:.0%}", style="bold" if i == 1 else None
        )
    return table


def _reasons(rec: Recommendation) -> RenderableType:
    lines = Text()
    for rule in rec.fired:
        effects = ", ".join(f"{k} {v:+.1f}" for k, v in rule.effects.items() if k in rec.families)
        lines.append(f"- [{rule.topic}] ", style="cyan")
        lines.append(f"{rule.reason}\n")
        lines.append(f"    {effects}  |  source: {rule.source}\n", style="dim")
    return Panel(lines, title=f"Why: {len(rec.fired)} rules fired", expand=False)


def _recipe_panel(r: TrainingRecipe) -> Panel:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    for key, value in r.describe().items():
        grid.add_row(key, value)
    notes = Text("\n".join(f"- {n}" for n in r.notes), style="dim")
    return Panel(Group(grid, notes), title=f"Training recipe: {r.family}", expand=False)


def _plan_table(rec: Recommendation) -> Table:
    table = Table(title=f"Benchmark plan (metric: {rec.plan.metric}; {rec.plan.validation})")
    table.add_column("order", justify="right")
    table.add_column("family")
    table.add_column("budget", justify="right")
    table.add_column("why")
    for i, item in enumerate(rec.plan.items, 1):
        table.add_row(str(i), item.family, f"{item.budget_share:.0%}", item.reason)
    return table


def _opt(value: float | int | None, fmt: str) -> str:
    return "-" if value is None else format(value, fmt)


def _bytes(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} B"


def render_benchmark(result: BenchmarkResult) -> RenderableType:
    """Leaderboard with costs, Pareto fronts, skipped families and the rules-vs-measured verdict."""
    board = result.leaderboard()
    table = Table(title=f"Leaderboard: {result.dataset} ({result.task}, test {result.metric}, device {result.device})")
    show_inputs = result.modality != "tabular"
    names = ("#", "family", "kind", *(("inputs",) if show_inputs else ()), result.metric, "trials", "fit s", "p50 ms")
    for name in (*names, "size"):
        table.add_column(
            name,
            justify="left" if name in ("family", "kind", "inputs") else "right",
            max_width=34 if name == "inputs" else None,
            no_wrap=name != "inputs",
        )
    for row in board.to_dict("records"):
        table.add_row(
            str(row["rank"]),
            str(row["family"]),
            str(row["kind"]),
            *((str(row.get("inputs") or ""),) if show_inputs else ()),
            _opt(row[result.metric], ".4f"),
            f"{row['trials']}",
            _opt(row["fit_wall_s"], ".2f"),
            _opt(row["latency_p50_ms"], ".2f"),
            _bytes(int(row["model_size_bytes"] or 0)),
        )
    parts: list[RenderableType] = []
    if result.recommendation:
        parts.append(Text(f"Rules: {result.recommendation['summary']}", style="bold"))
    parts.append(table)
    for cost, label in (("fit_wall_s", "fit time"), ("latency_p50_ms", "latency")):
        front = result.pareto(cost)
        if not front.empty:
            parts.append(Text(f"Pareto front ({result.metric} vs {label}): " + " -> ".join(front["family"])))
    for f in result.families:
        if f.status != "ok":
            parts.append(Text(f"skipped {f.family}: {f.reason}", style="yellow"))
    for stats in result.embeddings.values():
        how = "reused from the run folder's cache" if stats.get("cached") else "computed once, cached in the run folder"
        rate = f" ({stats['items_per_s']:,.0f} {stats.get('unit', 'items')}/s)" if stats.get("items_per_s") else ""
        parts.append(
            Text(
                f"{stats['encoder']} embeddings: {stats['items']:,} {stats.get('unit', 'items')} in "
                f"{stats['seconds']:.1f}s{rate}, {how}",
                style="dim",
            )
        )
    parts.append(Text(result.verdict.summary, style="bold green" if result.verdict.agreed else "bold yellow"))
    if result.comparison is not None:
        parts.append(Text(result.comparison.summary, style="bold"))
    parts.extend(_choice_lines(result))
    parts.append(
        Text(
            f"wall {result.wall_s:.1f}s (budget {result.budget.get('seconds') or '-'}s), "
            f"inside models {result.model_s:.1f}s; run folder {result.run_dir}",
            style="dim",
        )
    )
    return Group(*parts)


def _choice_lines(result: BenchmarkResult) -> list[Text]:
    """The model to use (the family chosen on validation, and why), where it is saved and what it was trained on."""
    if not result.best_family:
        return []
    lines = [Text.assemble(("Chosen model: ", "bold"), (result.best_family, "bold cyan"), f" ({result.choice})")]
    deployed = result.deployed or {}
    if deployed.get("path"):
        rows = deployed.get("rows")
        trained = deployed.get("trained_on") or (f"{rows:,} rows" if isinstance(rows, int) else "-")
        lines.append(Text.assemble(("Model to deploy: ", "bold"), str(deployed["path"]), f"  (trained on {trained})"))
    if deployed.get("note"):
        lines.append(Text(f"note: {deployed['note']}", style="yellow"))
    return lines


def render_trials(dashboard: TrialsDashboard) -> RenderableType:
    """Where optuna-dashboard serves a run's studies, and each study (model family) with its trials."""
    from advisor.trials import masked_url

    table = Table(title=Text(f"Studies in {masked_url(dashboard.storage)}"), title_justify="left")
    for name in ("study", "trials", "complete", "pruned", "failed", "best value", "page"):
        table.add_column(name, justify="right" if name not in ("study", "page") else "left", no_wrap=name != "page")
    for s in dashboard.studies:
        table.add_row(
            Text(s.name),  # any storage's study names: text, never markup
            f"{s.trials:,}",
            f"{s.complete:,}",
            f"{s.pruned:,}",
            f"{s.failed:,}",
            _opt(s.best_value, ".4f"),
            Text(dashboard.study_url(s)),
        )
    return Group(
        Text.assemble(("optuna-dashboard: ", "bold"), (dashboard.url, "bold cyan"), "  (Ctrl-C to stop)"),
        table,
    )


def render_curve(curve: LearningCurve) -> RenderableType:
    """The learning curve: measured scores per size and family, the fitted slopes, and the answer."""
    families = list(dict.fromkeys(p.family for p in curve.points))
    table = Table(title=f"Learning curve: {curve.dataset} ({curve.metric} on {curve.test_rows:,} test rows)")
    table.add_column("rows", justify="right")
    for family in families:
        law = curve.fits.get(family)
        table.add_column(f"{family}" + (f"\nb = {law.b:.2f}" if law else ""), justify="right")
    for n in curve.sizes:
        cells = []
        for family in families:
            point = next((p for p in curve.points if p.family == family and p.rows == n), None)
            cells.append("-" if point is None or point.score is None else f"{point.score:.4f}")
        table.add_row(f"{n:,}", *cells)
    parts: list[RenderableType] = [table, Text(curve.summary, style="bold")]
    parts += [Text(note, style="yellow") for note in curve.notes]
    return Group(*parts)
