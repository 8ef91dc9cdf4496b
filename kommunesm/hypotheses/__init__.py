"""The ten hypotheses (H1–H10) of Johnsen, Jørgensen & Aaneland (2013): definitions,
automatic coders, coding sheets for people, reliability and tests.

Source: Johnsen, Jørgensen & Aaneland (2013, s. 13–14), section 2.5 "Testing av
påstander" (the report rated its top-10 pages Bra / Kan bli bedre / Dårlig by
observation, with one coder and no reliability figure).

* :mod:`~kommunesm.hypotheses.definitions` — H1–H10 as data, the scale, rating rules;
* :mod:`~kommunesm.hypotheses.coders` — automatic coders (H1, H2, H5, H7, H9, H10) with
  documented bokmål/nynorsk lexicons, and the suggestion hook for H3, H4, H6, H8;
* :mod:`~kommunesm.hypotheses.sheets` — sampling, Excel coding sheets, import/validation;
* :mod:`~kommunesm.hypotheses.reliability` — Krippendorff's alpha, Cohen's kappa,
  bootstrap CIs, automatic-vs-human agreement (the package attribute ``reliability`` is
  the function :func:`~kommunesm.hypotheses.reliability.reliability`);
* :mod:`~kommunesm.hypotheses.analysis` — consensus, the H × municipality matrix, the
  test of top-ranked pages against the rest;
* :mod:`~kommunesm.hypotheses.simulate` — SIMULATED coders for the demo only.

Examples
--------
>>> from kommunesm import hypotheses as hyp
>>> hyp.HYPOTHESES["H7"].short_en
'operational notices'
"""

from kommunesm.hypotheses import analysis, coders, definitions, sheets, simulate
from kommunesm.hypotheses.analysis import (
    consensus,
    describe_reliability,
    describe_tests,
    matrix,
    ordinal_regression,
    page_ratings_from_posts,
    page_scores,
    rank_groups,
    test_hypotheses,
)
from kommunesm.hypotheses.coders import (
    auto_code,
    code_h1,
    code_h2,
    code_h9,
    page_auto_codes,
    suggest,
    suggest_h8,
)
from kommunesm.hypotheses.definitions import (
    DEFAULT_RULES,
    HYPOTHESES,
    HYPOTHESIS_IDS,
    SCALE,
    SYMBOLS,
    Hypothesis,
    RatingRule,
    hypotheses_table,
    rate_pages,
)
from kommunesm.hypotheses.reliability import (
    auto_agreement,
    cohen_kappa,
    krippendorff_alpha,
    reliability,
)
from kommunesm.hypotheses.sheets import (
    CodingSheetError,
    check_sheets,
    coding_from_frame,
    export_sheet,
    import_sheets,
    make_coding_sheets,
    sample_posts,
    select_pages,
)

__all__ = [
    "DEFAULT_RULES",
    "HYPOTHESES",
    "HYPOTHESIS_IDS",
    "SCALE",
    "SYMBOLS",
    "CodingSheetError",
    "Hypothesis",
    "RatingRule",
    "analysis",
    "auto_agreement",
    "auto_code",
    "check_sheets",
    "code_h1",
    "code_h2",
    "code_h9",
    "coders",
    "coding_from_frame",
    "cohen_kappa",
    "consensus",
    "definitions",
    "describe_reliability",
    "describe_tests",
    "export_sheet",
    "hypotheses_table",
    "import_sheets",
    "krippendorff_alpha",
    "make_coding_sheets",
    "matrix",
    "ordinal_regression",
    "page_auto_codes",
    "page_ratings_from_posts",
    "page_scores",
    "rank_groups",
    "rate_pages",
    "reliability",
    "sample_posts",
    "select_pages",
    "sheets",
    "simulate",
    "suggest",
    "suggest_h8",
    "test_hypotheses",
]
