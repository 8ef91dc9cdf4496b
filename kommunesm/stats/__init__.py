"""Statistics that return tidy results with effect sizes and confidence intervals.

Modelled on pingouin: every test returns a one-row (or one-row-per-test) DataFrame with
the estimate, its 95 % confidence interval, the p-value and the ``n`` it rests on, so
that a notebook writes one line per test and the report prints the table as it is.
Models follow the statsmodels formula API (``stats.ols("y ~ x", data=df)``).

The package is a lower layer: it imports nothing from :mod:`kommunesm.io`,
:mod:`kommunesm.registry`, :mod:`kommunesm.demo` or :mod:`kommunesm.report`.

* :mod:`~kommunesm.stats.inference` — correlations, proportions, group comparisons,
  Fisher / chi-square tests, p-value adjustment;
* :mod:`~kommunesm.stats.models` — OLS, negative binomial, GLMs and their diagnostics;
* :mod:`~kommunesm.stats.mixed` — mixed models (municipality random effects) and GEE for
  the page-year panel;
* :mod:`~kommunesm.stats.consistency` — consistency of published percentages (GRIM);
  :mod:`~kommunesm.stats.factchecks` — published numbers checked against each other;
* :mod:`~kommunesm.stats.survey` — survey answer tables with Wilson intervals;
* :mod:`~kommunesm.stats.descriptive` — coverage, quarantine and period tables.

Examples
--------
>>> import numpy as np
>>> from kommunesm import stats
>>> x = np.arange(20.0); y = x + np.sin(x)
>>> res = stats.correlation(x, y, method="spearman")
>>> list(res.columns)
['method', 'n', 'r', 'ci_low', 'ci_high', 'p_value']
"""

from __future__ import annotations

from kommunesm.stats.consistency import (
    ROUNDING_RULES,
    describe_grim,
    grim,
    grim_counts,
    grim_table,
    nearest_consistent_n,
    published_proportions,
)
from kommunesm.stats.descriptive import coverage_by_county, data_periods, quarantine_summary
from kommunesm.stats.factchecks import FACT_CHECKS, FactCheck, fact_checks
from kommunesm.stats.inference import (
    adjust_pvalues,
    chi_square,
    compare_groups,
    correlation,
    correlation_table,
    describe_correlation,
    describe_two_proportions,
    fisher_exact,
    paired_ratio,
    proportion_ci,
    two_proportions,
)
from kommunesm.stats.mixed import MODEL_COLUMNS, describe_mixed, mixed_model
from kommunesm.stats.models import (
    ModelResult,
    describe_regression,
    diagnostic_tests,
    glm,
    negbin,
    ols,
    residual_data,
    with_page_covariates,
)
from kommunesm.stats.survey import (
    answer_types,
    describe_survey_table,
    numeric_summary,
    small_n_note,
    survey_table,
)

__all__ = [
    "MODEL_COLUMNS",
    "ROUNDING_RULES",
    "ModelResult",
    "adjust_pvalues",
    "answer_types",
    "chi_square",
    "compare_groups",
    "correlation",
    "correlation_table",
    "coverage_by_county",
    "data_periods",
    "describe_correlation",
    "describe_grim",
    "FACT_CHECKS",
    "FactCheck",
    "fact_checks",
    "describe_mixed",
    "describe_regression",
    "describe_survey_table",
    "describe_two_proportions",
    "diagnostic_tests",
    "fisher_exact",
    "paired_ratio",
    "glm",
    "grim",
    "grim_counts",
    "grim_table",
    "mixed_model",
    "nearest_consistent_n",
    "negbin",
    "numeric_summary",
    "ols",
    "proportion_ci",
    "published_proportions",
    "quarantine_summary",
    "residual_data",
    "small_n_note",
    "survey_table",
    "two_proportions",
    "with_page_covariates",
]
