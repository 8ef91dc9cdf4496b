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
  bootstrap CIs, automatic-vs-human agreement (:func:`reliability_table`);
* :mod:`~kommunesm.hypotheses.analysis` — consensus, the H × municipality matrix, the
  test of top-ranked pages against the rest;
* :mod:`~kommunesm.hypotheses.simulate` — SIMULATED coders for the demo only;
* :mod:`~kommunesm.hypotheses.schemes` — coding schemes as declared objects
  (:class:`CodingScheme`, :class:`Variable`, :class:`Category`, a registry);
  :mod:`~kommunesm.hypotheses.catalogue` — the shipped schemes (H1–H10, KS Veikart's
  ambition levels, staffing models and use areas, Difi's typology, Bonsón et al.'s content
  and media types); :mod:`~kommunesm.hypotheses.scheme_sheets` — workbooks and import for
  any scheme; :mod:`~kommunesm.hypotheses.scheme_analysis` — consensus, Top-vs-rest
  comparison, simulated coders and :func:`coding_round`.

Examples
--------
>>> from kommunesm import hypotheses as hyp
>>> hyp.HYPOTHESES["H7"].short_en
'operational notices'
"""

from kommunesm.hypotheses import (
    analysis,
    catalogue,
    coders,
    definitions,
    reliability,
    scheme_analysis,
    scheme_sheets,
    schemes,
    sheets,
    simulate,
)
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
from kommunesm.hypotheses.catalogue import SCHEMES, get_scheme, list_schemes, register
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
    REPORT_TABLE_ORDER,
    SCALE,
    SYMBOLS,
    Hypothesis,
    RatingRule,
    hypotheses_table,
    rate_pages,
    report_table_order,
)
from kommunesm.hypotheses.reliability import (
    auto_agreement,
    cohen_kappa,
    krippendorff_alpha,
    reliability_table,
)
from kommunesm.hypotheses.scheme_analysis import (
    CodingRound,
    coding_round,
    compare_top,
    page_shares,
    scheme_consensus,
)
from kommunesm.hypotheses.scheme_sheets import check_coding, export_coding_sheets, import_coding
from kommunesm.hypotheses.schemes import Category, CodingScheme, Variable
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
    "SCHEMES",
    "Category",
    "CodingRound",
    "CodingScheme",
    "Variable",
    "catalogue",
    "check_coding",
    "coding_round",
    "compare_top",
    "export_coding_sheets",
    "get_scheme",
    "import_coding",
    "list_schemes",
    "page_shares",
    "register",
    "scheme_analysis",
    "scheme_consensus",
    "scheme_sheets",
    "schemes",
    "DEFAULT_RULES",
    "HYPOTHESES",
    "HYPOTHESIS_IDS",
    "REPORT_TABLE_ORDER",
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
    "reliability_table",
    "report_table_order",
    "sample_posts",
    "select_pages",
    "sheets",
    "simulate",
    "suggest",
    "suggest_h8",
    "test_hypotheses",
]
