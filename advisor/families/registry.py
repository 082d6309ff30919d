"""The families advisor knows: the built-in ones, those of installed plug-ins, and those registered at run time.

Third-party families plug in two ways, as pandas plotting backends do:

- at run time: ``advisor.register_family(family)``;
- installed: a package declares an entry point in the group ``advisor.families`` whose object is a
  :class:`~advisor.families.family.Family` (or a list of them); it is loaded the first time families are read.

>>> from advisor.families import families
>>> len(families()) >= 10
True
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from importlib import metadata
from typing import TYPE_CHECKING

from advisor.errors import InvalidArgumentError
from advisor.families.family import Family, Role

if TYPE_CHECKING:
    from advisor.models.spec import ModelSpec


ENTRY_POINT_GROUP = "advisor.families"
_REGISTERED: dict[str, Family] = {}
_LOADED = False
_LOCK = threading.Lock()


def register_family(family: Family, *, replace: bool = False) -> Family:
    """Add ``family`` to the families the rules rank and the runner can benchmark; returns it.

    A family whose id is taken is refused unless ``replace`` is true (a plug-in may override a built-in).
    Its ``rules`` (catalog-format dicts) are checked now and join the catalog.
    """
    if not isinstance(family, Family):
        raise InvalidArgumentError(
            f"register_family() takes an advisor Family, not {type(family).__name__}.",
            "Declare it with advisor.families.Family(id=..., label=..., role=..., summary=..., implementations=...).",
        )
    known = families()
    if family.id in known and not replace and known[family.id] is not family:
        raise InvalidArgumentError(
            f"A family with id {family.id!r} is registered already.", "Choose another id, or pass replace=True."
        )
    from advisor.rules.rule import check_rules

    check_rules(family.rules, {*known, family.id}, where=f"family {family.id!r}")
    _REGISTERED[family.id] = family
    return family


def families() -> dict[str, Family]:
    """Every known family by id: built-ins, then plug-ins' entry points, then run-time registrations."""
    _load()
    return dict(_REGISTERED)


def get_family(family_id: str) -> Family:
    """A family by id; an unknown id raises an AdvisorError listing the known ones."""
    found = families().get(family_id)
    if found is None:
        raise InvalidArgumentError(
            f"Unknown model family {family_id!r}.", f"Known families: {', '.join(sorted(families()))}."
        )
    return found


def applicable(modality: str) -> list[Family]:
    """The families that apply to data of this modality, in declaration order."""
    return [f for f in families().values() if modality in f.modalities]


def implementation(family_id: str, modality: str) -> ModelSpec | None:
    """The model of a family on a modality (its module imported now), or None when there is none."""
    family = families().get(family_id)
    return family.implementation(modality) if family is not None else None


def require_implementation(family_id: str, modality: str) -> ModelSpec:
    """:func:`implementation`, or an AdvisorError naming the families that do have a model for ``modality``."""
    spec = implementation(family_id, modality)
    if spec is None:
        known = sorted(f.id for f in families().values() if modality in f.implementations)
        raise InvalidArgumentError(
            f"No model of family {family_id!r} is registered for {modality} data.",
            f"Families with a model for {modality} data: {', '.join(known)}.",
        )
    return spec


def all_implementations() -> dict[tuple[str, str], ModelSpec]:
    """Every family's model on every modality, by (family, modality); imports every model module."""
    out: dict[tuple[str, str], ModelSpec] = {}
    for family in families().values():
        for modality in family.implementations:
            spec = family.implementation(modality)
            if spec is not None:
                out[(family.id, modality)] = spec
    return out


def with_role(*roles: Role) -> list[str]:
    """Ids of the families with one of these roles, in declaration order."""
    return [f.id for f in families().values() if f.role in roles]


def _load() -> None:
    global _LOADED
    if _LOADED:
        return
    with _LOCK:
        if _LOADED:
            return
        from advisor.families.builtin import BUILTIN

        for family in BUILTIN:
            _REGISTERED.setdefault(family.id, family)
        for family in _entry_point_families():
            _REGISTERED[family.id] = family
        _LOADED = True


def _entry_point_families() -> Iterable[Family]:
    for entry in metadata.entry_points(group=ENTRY_POINT_GROUP):
        try:
            loaded = entry.load()
        except Exception as exc:  # a broken plug-in must not break advisor: say so and go on
            import warnings

            warnings.warn(f"advisor: plug-in family {entry.name!r} failed to load: {exc}", stacklevel=2)
            continue
        for family in loaded if isinstance(loaded, list | tuple) else (loaded,):
            if isinstance(family, Family):
                yield family
