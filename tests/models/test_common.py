"""What the estimators share: the lookup of category codes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from advisor.models.common import category_codes


def test_category_codes_look_up_arrow_strings_like_pandas():
    categories = pd.Index(["a", "b", "c"])
    for dtype in (
        "str",
        pd.ArrowDtype(pa.string()),
        pd.ArrowDtype(pa.large_string()),
        pd.StringDtype("python"),
        object,
    ):
        column = pd.Series(["c", None, "a", "zz", "b", "a"], dtype=dtype)
        codes = category_codes(column, categories)
        assert codes.tolist() == [2, -1, 0, -1, 1, 0]
    numbers = pd.Series([3, 1, None, 7], dtype="Int64")  # not strings: looked up value for value
    assert category_codes(numbers, pd.Index([1, 3])).tolist() == [1, 0, -1, -1]
    assert category_codes(pd.Series(["a", None], dtype="str"), []).tolist() == [-1, -1]
    assert category_codes(pd.Series(["a"] * 3), ["a"]).dtype == np.intp
