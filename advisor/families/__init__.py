"""Model families: each declared once (:class:`Family`), known through one registry.

>>> from advisor.families import Kind, Role, families
>>> all(f.kind is Kind.DEEP for f in families().values() if f.role is Role.NETWORK)
True
"""

from advisor.families.family import (
    ALL_MODALITIES,
    ALL_TASKS,
    CLASSIFICATION,
    STRONG_CLASSICAL,
    Architecture,
    Family,
    GpuNeed,
    Kind,
    Role,
)
from advisor.families.registry import (
    ENTRY_POINT_GROUP,
    all_implementations,
    applicable,
    families,
    get_family,
    implementation,
    register_family,
    require_implementation,
    with_role,
)

__all__ = [
    "ALL_MODALITIES",
    "ALL_TASKS",
    "CLASSIFICATION",
    "ENTRY_POINT_GROUP",
    "STRONG_CLASSICAL",
    "Architecture",
    "Family",
    "GpuNeed",
    "Kind",
    "Role",
    "all_implementations",
    "applicable",
    "families",
    "get_family",
    "implementation",
    "register_family",
    "require_implementation",
    "with_role",
]
