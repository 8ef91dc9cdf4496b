"""The plot functions' shared convention (seaborn style) and their shared parameter docs."""

from __future__ import annotations

import inspect

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes

from kommunesm import plots

PLOT_FUNCTIONS = [
    name
    for name in plots.__all__
    if callable(getattr(plots, name))
    and {"ax", "axes"} & set(inspect.signature(getattr(plots, name)).parameters)
]


def test_there_are_plot_functions():
    assert len(PLOT_FUNCTIONS) >= 15
    assert "loglog_scatter" in PLOT_FUNCTIONS


@pytest.mark.parametrize("name", PLOT_FUNCTIONS)
def test_plot_takes_data_then_keywords_and_returns_axes(name):
    func = getattr(plots, name)
    params = list(inspect.signature(func).parameters.values())
    assert params[0].name == "data", f"{name}: first parameter is {params[0].name!r}"
    positional = [p.name for p in params[1:] if p.kind is not inspect.Parameter.KEYWORD_ONLY]
    assert not positional, f"{name}: {positional} must be keyword-only"
    expected = "np.ndarray" if name == "residual_plots" else "Axes"
    assert inspect.signature(func).return_annotation == expected


@pytest.mark.parametrize("name", PLOT_FUNCTIONS)
def test_shared_parameter_docs_are_filled_in(name):
    doc = getattr(plots, name).__doc__
    for key in plots._core_docs:
        assert "{" + key + "}" not in doc
    assert "data : " in doc and ("ax : " in doc or "axes : " in doc)
    assert plots._core_docs["synthetic"].splitlines()[1].strip() in doc


def test_loglog_scatter_takes_columns_of_data_or_vectors():
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"a": rng.lognormal(size=40), "b": rng.lognormal(size=40)})
    frame.loc[3, "a"] = 0.0  # left out and counted
    by_name = plots.loglog_scatter(frame, x="a", y="b", xlabel="a", ylabel="b", title_text="t")
    by_vector = plots.loglog_scatter(
        x=frame["a"], y=frame["b"], xlabel="a", ylabel="b", title_text="t"
    )
    assert isinstance(by_name, Axes)
    points = [ax.collections[0].get_offsets() for ax in (by_name, by_vector)]
    assert points[0].shape == (39, 2)
    np.testing.assert_array_equal(points[0], points[1])
    plt.close("all")


def test_plot_draws_on_the_given_axes():
    _, ax = plt.subplots()
    summary = pd.DataFrame(
        {"median_growth_pct": [5.0, -2.0], "ci_low": [1.0, -4.0], "ci_high": [9.0, 0.5]},
        index=["followers", "interactions"],
    )
    out = plots.annual_growth(summary, previous_year=2013, year=2014, synthetic=True, ax=ax)
    assert out is ax
    assert "syntetiske" in ax.get_title()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Følgere", "Interaksjoner"]
    plt.close("all")
