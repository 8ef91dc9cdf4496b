"""kommunesm — reproduce and extend the Norwegian studies of municipal social media.

``import kommunesm as ksm`` gives the functions a researcher calls, flat (pingouin
style); everything else is in the subpackages, which are attributes too
(``ksm.metrics``, ``ksm.stats``, ``ksm.io`` …) and are imported on first use, so that
``import kommunesm`` stays fast.

Data in
    :func:`read_file` (one export, any format :mod:`kommunesm.io.detect` recognises),
    :func:`read_dataset` (a folder of exports → :class:`Dataset`), :func:`read_survey`;
    the data shipped with the package: :func:`load_demo`, :func:`load_published`,
    :func:`load_register`, :func:`load_external`, :func:`list_datasets`; municipalities:
    :func:`municipalities`, :func:`harmonise`, :func:`match_name`.
Metrics
    :func:`page_table` (the ten metrics of Johnsen, Jørgensen & Aaneland 2013, one row
    per page) and the functions behind it: :func:`interactions`, :func:`engagement_rate`,
    :func:`followers_at_posting`, :func:`bonson_indices`, :func:`quality_indicator`,
    :func:`talking_about_share`, :func:`detect_questions`, :func:`response_times`,
    :func:`page_response`, :func:`posting_activity`, :func:`visitor_posts`.
Ranking
    :func:`gambit_points`, :func:`top_n`, :func:`rank_dataset`, :func:`rank_uncertainty`,
    :func:`compare_rankings`, :func:`compare_years`.
Participation
    :func:`profile`, :func:`levels`, :func:`concentration`, :func:`compare_to_rule`,
    :func:`facebook_activity`.
Coding the ten hypotheses
    :func:`make_coding_sheets`, :func:`import_sheets`, :func:`auto_code`,
    :func:`reliability_table`, :func:`krippendorff_alpha`, :func:`cohen_kappa`,
    :func:`consensus`, :func:`test_hypotheses`.
Statistics
    :func:`correlation`, :func:`compare_groups`, :func:`proportion_ci`,
    :func:`two_proportions`, :func:`chi_square`, :func:`fisher_exact`,
    :func:`adjust_pvalues`, :func:`ols`, :func:`negbin`, :func:`glm`, :func:`grim`,
    :func:`grim_table`, :func:`survey_table`.
Plots and report
    :func:`loglog_scatter`, :func:`dot_ci`, :func:`rank_intervals`,
    :func:`ladder_profile`, :func:`lorenz_curves`, :func:`hypothesis_matrix`,
    :func:`residual_plots`, :func:`coverage_bar`, :func:`adoption_plot`;
    :func:`build_report`; :func:`cite`.

Layers: :mod:`kommunesm.schema` and :mod:`kommunesm.errors` at the bottom;
:mod:`kommunesm.stats` and :mod:`kommunesm.metrics` compute on DataFrames and import no
files, registers, demo or report; :mod:`kommunesm.io` reads files; the rest build on them.

Examples
--------
>>> import kommunesm as ksm
>>> demo = ksm.load_demo()
>>> table = ksm.page_table(pages=demo.pages, page_days=demo.page_days, posts=demo.posts,
...                        comments=demo.comments)  # doctest: +SKIP
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("kommunesm")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.1.0+unknown"

#: Front-door name → "module:attribute" (the attribute is the name unless given).
_EXPORTS: dict[str, str] = {
    # data in
    "read_file": "kommunesm.io.detect",
    "read_dataset": "kommunesm.io.dataset",
    "Dataset": "kommunesm.io.dataset",
    "read_survey": "kommunesm.io.survey",
    "LoadResult": "kommunesm.io.tabular",
    "InputError": "kommunesm.errors",
    "MissingInputError": "kommunesm.errors",
    "load_demo": "kommunesm.datasets",
    "load_published": "kommunesm.datasets",
    "load_register": "kommunesm.datasets",
    "load_external": "kommunesm.datasets",
    "list_datasets": "kommunesm.datasets",
    "municipalities": "kommunesm.registry",
    "harmonise": "kommunesm.registry",
    "match_name": "kommunesm.registry",
    # metrics
    "page_table": "kommunesm.metrics.table",
    "interactions": "kommunesm.metrics.engagement",
    "engagement_rate": "kommunesm.metrics.engagement",
    "followers_at_posting": "kommunesm.metrics.engagement",
    "bonson_indices": "kommunesm.metrics.engagement",
    "quality_indicator": "kommunesm.metrics.quality",
    "talking_about_share": "kommunesm.metrics.quality",
    "detect_questions": "kommunesm.metrics.response",
    "response_times": "kommunesm.metrics.response",
    "page_response": "kommunesm.metrics.response",
    "posting_activity": "kommunesm.metrics.activity",
    "visitor_posts": "kommunesm.metrics.wall",
    # ranking
    "gambit_points": "kommunesm.ranking",
    "top_n": "kommunesm.ranking",
    "rank_dataset": "kommunesm.ranking",
    "rank_uncertainty": "kommunesm.ranking",
    "compare_rankings": "kommunesm.ranking",
    "compare_years": "kommunesm.annual:compare",
    # participation
    "profile": "kommunesm.participation",
    "levels": "kommunesm.participation",
    "concentration": "kommunesm.participation",
    "compare_to_rule": "kommunesm.participation",
    "facebook_activity": "kommunesm.participation",
    # hypotheses
    "make_coding_sheets": "kommunesm.hypotheses.sheets",
    "import_sheets": "kommunesm.hypotheses.sheets",
    "auto_code": "kommunesm.hypotheses.coders",
    "reliability_table": "kommunesm.hypotheses.reliability",
    "krippendorff_alpha": "kommunesm.hypotheses.reliability",
    "cohen_kappa": "kommunesm.hypotheses.reliability",
    "consensus": "kommunesm.hypotheses.analysis",
    "test_hypotheses": "kommunesm.hypotheses.analysis",
    # statistics
    "correlation": "kommunesm.stats.inference",
    "compare_groups": "kommunesm.stats.inference",
    "proportion_ci": "kommunesm.stats.inference",
    "two_proportions": "kommunesm.stats.inference",
    "chi_square": "kommunesm.stats.inference",
    "fisher_exact": "kommunesm.stats.inference",
    "adjust_pvalues": "kommunesm.stats.inference",
    "ols": "kommunesm.stats.models",
    "negbin": "kommunesm.stats.models",
    "glm": "kommunesm.stats.models",
    "grim": "kommunesm.stats.consistency",
    "grim_table": "kommunesm.stats.consistency",
    "survey_table": "kommunesm.stats.survey",
    # plots, report, references
    "loglog_scatter": "kommunesm.plots",
    "dot_ci": "kommunesm.plots",
    "rank_intervals": "kommunesm.plots",
    "ladder_profile": "kommunesm.plots",
    "lorenz_curves": "kommunesm.plots",
    "hypothesis_matrix": "kommunesm.plots",
    "residual_plots": "kommunesm.plots",
    "coverage_bar": "kommunesm.plots",
    "adoption_plot": "kommunesm.plots",
    "build_report": "kommunesm.report:build",
    "cite": "kommunesm.references",
}

#: Subpackages and modules reachable as attributes (``ksm.metrics``), imported lazily.
_SUBMODULES = frozenset(
    {
        "annual",
        "datasets",
        "demo",
        "errors",
        "hypotheses",
        "io",
        "metrics",
        "participation",
        "plots",
        "ranking",
        "references",
        "registry",
        "report",
        "safe",
        "schema",
        "stats",
    }
)

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        module, _, attr = _EXPORTS[name].partition(":")
        value = getattr(import_module(module), attr or name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | _SUBMODULES)
