"""The ten hypotheses (H1–H10) of Johnsen, Jørgensen & Aaneland (2013) as data, the rating
scale and the rules that turn measurements into ratings.

Johnsen, Jørgensen & Aaneland (2013), *Hvordan lykkes kommunesektoren i sosiale medier?*
(Gambit H+K Strategies for KS; s. 13–14, section 2.5 "Testing av påstander"),
formulated ten statements ("påstander") about what the best municipalities do and rated
the Facebook pages of the top 10 of their Top-30 on each of them as *Bra* / *Kan bli
bedre* / *Dårlig* "by observation" — one coder, no rules written down beyond one
sentence per statement, no reliability figure. This module writes each statement down
with

* the report's Norwegian wording (:attr:`Hypothesis.statement_nb`) and its one-sentence
  elaboration (:attr:`Hypothesis.definition_nb`), transcribed from the report;
* an English short name and an *operational rule* (our formalisation, marked as such);
* how it is coded: automatically (:mod:`kommunesm.hypotheses.coders`) or by a person,
  at page level or post level;
* a :class:`RatingRule` that turns the page-level measure into Bra / Kan bli bedre /
  Dårlig. The report gives only the "Bra" threshold of H1 (more than four posts a week)
  and the 24-hour window of H2; every other cut-off is **ours**, documented here and
  exposed as a parameter (pass ``rules=`` to the functions that rate).

Examples
--------
>>> from kommunesm.hypotheses import definitions as d
>>> d.HYPOTHESES["H1"].statement_nb
'De beste kommunene oppdaterer ofte'
>>> d.DEFAULT_RULES["H1"].rate([5.0, 4.0, 1.5]).tolist()
['Bra', 'Kan bli bedre', 'Dårlig']
>>> d.to_score(["Bra", "Kan bli bedre", "Dårlig", None]).tolist()
[2.0, 1.0, 0.0, nan]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

__all__ = [
    "BINARY",
    "with_rule",
    "DEFAULT_RULES",
    "H2_KS_VEIKART",
    "H2_KS_VEIKART_FEW_HOURS",
    "HYPOTHESES",
    "HYPOTHESIS_IDS",
    "REPORT_TABLE_ORDER",
    "REPORT_TABLE_SOURCE",
    "LABELS",
    "SCALE",
    "SCORES",
    "SOURCE",
    "SYMBOLS",
    "Hypothesis",
    "RatingRule",
    "hypotheses_table",
    "normalise_value",
    "rate_pages",
    "report_table_order",
    "to_score",
]

#: The source of the hypotheses (seed file and locator).
SOURCE = "Johnsen, Jørgensen & Aaneland (2013, s. 13–14), 2.5 'Testing av påstander'"

#: The report's three-level scale, best first (report p. 14: "= Bra, = kan bli bedre,
#: = Dårlig"; the symbols themselves were lost in the transcript).
SCALE: tuple[str, str, str] = ("Bra", "Kan bli bedre", "Dårlig")
#: Alias of :data:`SCALE`.
LABELS = SCALE
#: Numeric score of each label (higher is better): the ordinal coding used for
#: reliability, aggregation and tests.
SCORES: dict[str, int] = {"Bra": 2, "Kan bli bedre": 1, "Dårlig": 0}
#: Symbols of the H × municipality matrix (full, half, empty circle).
SYMBOLS: dict[str, str] = {"Bra": "●", "Kan bli bedre": "◐", "Dårlig": "○"}
#: Values of a yes/no (post-level) code.
BINARY: tuple[str, str] = ("1", "0")

_ALIASES = {
    "bra": "Bra",
    "god": "Bra",
    "kan bli bedre": "Kan bli bedre",
    "kan bli betre": "Kan bli bedre",
    "kbb": "Kan bli bedre",
    "dårlig": "Dårlig",
    "darlig": "Dårlig",
    "dårleg": "Dårlig",
    "1": "1",
    "1.0": "1",
    "ja": "1",
    "true": "1",
    "0": "0",
    "0.0": "0",
    "nei": "0",
    "false": "0",
}


def normalise_value(value: object) -> str | None:
    """The canonical spelling of a coding value, or None if it is not a known value.

    Case, surrounding blanks and repeated spaces are ignored; nynorsk spellings
    (*Kan bli betre*, *Dårleg*), ``ja``/``nei``/``True``/``False`` and numbers 1/0 are
    accepted. Missing values return None.

    Parameters
    ----------
    value : object
        A value typed or chosen by a coder.

    Returns
    -------
    str or None
        ``"Bra"``, ``"Kan bli bedre"``, ``"Dårlig"``, ``"1"``, ``"0"``, or None.

    Examples
    --------
    >>> [normalise_value(v) for v in ["  bra ", "KAN BLI BEDRE", "Dårleg", 1, "ja", "kanskje"]]
    ['Bra', 'Kan bli bedre', 'Dårlig', '1', '1', None]
    """
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, bool | np.bool_):
        return "1" if value else "0"
    text = re.sub(r"\s+", " ", str(value)).strip().lower()
    return _ALIASES.get(text)


def to_score(values: Iterable[object]) -> pd.Series:
    """Numeric scores of coding values: Bra 2, Kan bli bedre 1, Dårlig 0; yes/no codes
    1/0; anything else (missing, invalid) NaN.

    Parameters
    ----------
    values : iterable of object
        Coding values (labels, yes/no, 1/0).

    Returns
    -------
    Series of float
        The scores (NaN where not a valid value).
    """
    values = pd.Series(list(values), dtype=object) if not isinstance(values, pd.Series) else values
    norm = values.map(normalise_value)
    mapping = {**{k: float(v) for k, v in SCORES.items()}, "1": 1.0, "0": 0.0}
    return norm.map(mapping).astype("float64")


_THRESHOLD = re.compile(r"^\s*(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$")


def _compare(values: np.ndarray, threshold: str) -> np.ndarray:
    m = _THRESHOLD.match(threshold)
    if not m:
        raise ValueError(f"threshold {threshold!r} must look like '>4', '>=0.5' or '<=240'")
    op, num = m.group(1), float(m.group(2))
    with np.errstate(invalid="ignore"):
        return {
            ">": values > num,
            ">=": values >= num,
            "<": values < num,
            "<=": values <= num,
        }[op]


@dataclass(frozen=True)
class RatingRule:
    """How a page-level measure becomes Bra / Kan bli bedre / Dårlig.

    Parameters
    ----------
    measure
        Name of the page-level measure (a column of
        :func:`kommunesm.hypotheses.coders.page_auto_codes`).
    bra
        Condition for *Bra*, e.g. ``">4"`` (strictly more than four) or ``">=0.5"``.
    kan
        Condition for *Kan bli bedre* when *Bra* does not hold; otherwise *Dårlig*.
    source
        Where the cut-offs come from (the report, KS Veikart, or "kommunesm assumption").

    Missing measures (e.g. a page without citizen questions for H2) are not rated (NA).
    """

    measure: str
    bra: str
    kan: str
    source: str = "kommunesm assumption"

    def rate(self, values: Iterable[float] | pd.Series) -> pd.Series:
        """Ratings (labels; NA where the measure is missing) for the given measures."""
        index = values.index if isinstance(values, pd.Series) else None
        arr = pd.to_numeric(pd.Series(list(values), dtype=object), errors="coerce").to_numpy(
            dtype="float64", na_value=np.nan
        )
        bra = _compare(arr, self.bra)
        kan = _compare(arr, self.kan)
        out = np.where(bra, SCALE[0], np.where(kan, SCALE[1], SCALE[2])).astype(object)
        out[np.isnan(arr)] = pd.NA
        return pd.Series(out, index=index, dtype=object)


@dataclass(frozen=True)
class Hypothesis:
    """One of the ten statements of Johnsen, Jørgensen & Aaneland (2013), with how kommunesm codes it.

    Attributes
    ----------
    id
        ``"H1"`` … ``"H10"``.
    statement_nb
        The report's statement (påstand), verbatim.
    definition_nb
        The report's one-sentence elaboration, verbatim (transcript gaps marked "[…]").
    short_en
        English short name.
    rule_en
        Our operational rule (English), the formalisation that makes the rating
        reproducible.
    mode
        ``"auto"`` (measured by :mod:`~kommunesm.hypotheses.coders`; humans may check
        it) or ``"manual"`` (coded by people; a classifier may suggest).
    unit
        ``"page"`` or ``"post"``: the unit the evidence is collected on. Ratings are
        always per page.
    auto_column
        Column of :func:`~kommunesm.hypotheses.coders.auto_code` (post level) or
        :func:`~kommunesm.hypotheses.coders.page_auto_codes` (page level) that holds the
        automatic code, if any.
    """

    id: str
    number: int
    statement_nb: str
    definition_nb: str
    short_en: str
    rule_en: str
    mode: str
    unit: str
    auto_column: str | None = None
    source: str = SOURCE
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_auto(self) -> bool:
        return self.mode == "auto"


_H = [
    Hypothesis(
        "H1",
        1,
        "De beste kommunene oppdaterer ofte",
        "Ofte betyr i denne sammenhengen mer enn fire oppdateringer i uken.",
        "post often",
        "Posts by the page per week over the study period (posting_activity: posts / "
        "weeks); Bra if more than 4 (the report's threshold), Kan bli bedre if more than "
        "2 (our cut-off), else Dårlig.",
        "auto",
        "page",
        "posts_per_week",
    ),
    Hypothesis(
        "H2",
        2,
        "De beste kommunene svarer raskt på spørsmål og innlegg fra innbyggerne",
        "Responstiden avhenger av saken, men de beste kommunene svarer som oftest i løpet "
        "av 24 timer i ukedagene.",
        "answer quickly",
        "Share of citizen questions answered within 24 hours on weekdays (page_response); "
        "'som oftest' (most often) read as more than half: Bra if > 0.5, Kan bli bedre if "
        "> 0.25 (our cut-off), else Dårlig; pages without citizen questions are not rated. "
        "Questions are counted in comments and in citizens' own wall posts ('spørsmål og "
        "innlegg fra innbyggerne'); questions_in_comments / questions_in_visitor_posts say "
        "how many of each. KS' Veikart (Langva, Meling & Wessel-Aas 2012, s. 12) sets the "
        "stricter norm 'samme virkedag, helst i løpet av få timer' on office hours (see "
        "H2_KS_VEIKART, H2_KS_VEIKART_FEW_HOURS).",
        "auto",
        "page",
        "share_within_24h_weekdays",
    ),
    Hypothesis(
        "H3",
        3,
        "De beste kommunene publiserer uformelle og engasjerende innlegg",
        "Uformelle og engasjerende innlegg er tilpasset formen i sosiale medier.",
        "informal, engaging posts",
        "Manual: a post is informal/engaging if it is written for social media (personal "
        "tone, direct address, exclamations, pictures with a short text) rather than as a "
        "notice copied from the web site or the case archive.",
        "manual",
        "post",
    ),
    Hypothesis(
        "H4",
        4,
        "De beste kommunene spiller på stoltheten til kommunen",
        "Saker fra lokalmiljøet som spiller på stoltheten til kommunen og skaper en felles "
        "identitet.",
        "play on local pride",
        "Manual: the post presents the place, its nature, people or achievements in a way "
        "that invites pride or shared identity.",
        "manual",
        "post",
    ),
    Hypothesis(
        "H5",
        5,
        "De beste kommunene bruker «du-form» i innleggene de legger ut",
        "Innlegg med «du-form» er mer personlig rettet mot innbyggerne.",
        "use du-form",
        "A post uses du-form if it contains du/deg/din/ditt/dine as a whole word (bokmål and "
        "nynorsk spell them alike); plural dere/deres/dykk/dykkar only on request. Page "
        "rating from the share of posts: Bra if >= 0.30, Kan bli bedre if >= 0.10 (our "
        "cut-offs).",
        "auto",
        "post",
        "H5_du_form",
    ),
    Hypothesis(
        "H6",
        6,
        "De beste kommunene trekker frem positive ting andre gjør i kommunen",
        "Positive ting andre aktører gjør i kommunen er for eksempel bilder av lokale "
        "ildsjeler, gode initiativ og andre arrangementer som ikke nødvendigvis organiseres "
        "av kommunen.",
        "highlight what others do",
        "Manual: the post presents something positive done by people or organisations "
        "other than the municipality (volunteers, clubs, businesses, events of others).",
        "manual",
        "post",
    ),
    Hypothesis(
        "H7",
        7,
        "De beste kommunene informerer om driftsmeldinger",
        "Driftsmeldinger er meldinger om strøm- og vannbrudd, stengte veier eller andre "
        "viktige meldinger fra kommunen til berørte innbyggere.",
        "operational notices",
        "A post is an operational notice if it contains a term of the notice lexicon "
        "(coders.OPERATIONAL_TERMS: vannbrudd, stengt, omkjøring, brøyting, kokevarsel, … in "
        "bokmål and nynorsk), or an ambiguous infrastructure word (vann, strøm, vei, … "
        "coders.OPERATIONAL_AMBIGUOUS) together with a notice context word (brudd, arbeid, "
        "stans, …). Page rating from the share of posts: Bra if >= 0.05, Kan bli bedre if "
        "> 0 (at least one notice; our cut-offs).",
        "auto",
        "post",
        "H7_operational_notice",
    ),
    Hypothesis(
        "H8",
        8,
        "De beste kommunene er tydelige på hva Facebook-siden skal inneholde",
        "[Kommune]ne har definert retningslinjer og regler for diskusjon i Om-seksjonen på "
        "sin Facebook-side, og er tydelige på Facebook om hva deres side skal inneholde.",
        "clear page rules",
        "Manual from the page's About text: Bra if it states what the page is for and rules "
        "for the discussion (what is deleted), Kan bli bedre if only one of them, else "
        "Dårlig.",
        "manual",
        "page",
    ),
    Hypothesis(
        "H9",
        9,
        "De beste kommunene er tydelige på når de er tilgjengelige",
        "[Kommune]r som har lagt ut åpningstidene under beskrivelsen av Facebook-siden "
        "tydeliggjør når de er tilgjengelige.",
        "clear availability",
        "From the page's About text: Bra if it gives opening hours with times (a clock "
        "range such as 'kl. 08.00–15.30', with or without weekdays), Kan bli bedre if it "
        "only names them ('åpningstid', 'kontortid', 'mandag–fredag' without times), else "
        "Dårlig.",
        "auto",
        "page",
        "H9_level",
    ),
    Hypothesis(
        "H10",
        10,
        "De beste kommunene stiller spørsmål og inviterer til innbyggerdialog",
        "[Kommune]n kan stille spørsmål om hva innbyggere mener om ulike forhold av generell "
        "karakter. Noen av kommunene har i tillegg egne chatte-tjenester, der innbyggerne "
        "kan stille spørsmål.",
        "ask questions, invite dialogue",
        "A post asks the reader if it has a question sentence (ending in '?', URLs ignored) "
        "that starts with a question word or addresses the reader (du/dere/dykk), or an "
        "explicit invitation to comment ('si din mening', 'vi vil gjerne høre'). Page "
        "rating from the share of posts: Bra if >= 0.10, Kan bli bedre if >= 0.03 (our "
        "cut-offs).",
        "auto",
        "post",
        "H10_question",
    ),
]

#: The hypotheses by id, in order H1 … H10.
HYPOTHESES: dict[str, Hypothesis] = {h.id: h for h in _H}
#: Ids in order.
HYPOTHESIS_IDS: tuple[str, ...] = tuple(HYPOTHESES)

#: Default rating rules (page-level measure → label). H3, H4 and H6 apply to the share of
#: a page's sampled posts that human coders marked 1 (``H3_share`` …; see
#: :func:`kommunesm.hypotheses.analysis.page_ratings_from_posts`); H5, H7, H10 to the
#: share of posts with the code (automatic or human). Replace any of them with
#: ``{**DEFAULT_RULES, "H1": RatingRule("posts_per_week", ">5", ">3")}``.
DEFAULT_RULES: dict[str, RatingRule] = {
    "H1": RatingRule(
        "posts_per_week",
        ">4",
        ">2",
        "Bra: report p. 13 ('mer enn fire oppdateringer i uken'); Kan bli bedre: kommunesm",
    ),
    "H2": RatingRule(
        "share_within_24h_weekdays",
        ">0.5",
        ">0.25",
        "24 h on weekdays: report p. 13 ('som oftest i løpet av 24 timer i ukedagene'); "
        "shares: kommunesm",
    ),
    "H3": RatingRule("H3_share", ">=0.3", ">=0.1"),
    "H4": RatingRule("H4_share", ">=0.1", ">0"),
    "H5": RatingRule("H5_du_form", ">=0.3", ">=0.1"),
    "H6": RatingRule("H6_share", ">=0.1", ">0"),
    "H7": RatingRule("H7_operational_notice", ">=0.05", ">0"),
    "H9": RatingRule("H9_level", ">=2", ">=1"),
    "H10": RatingRule("H10_question", ">=0.1", ">=0.03"),
}

#: Alternative H2 rule after KS' Veikart (Langva, Meling & Wessel-Aas 2012, s. 12):
#: "naturlig å respondere på henvendelser samme virkedag, og helst i løpet av få timer".
#: Measured on the office clock (:mod:`kommunesm.metrics.response`: 08:00–15:45 on working
#: days, Norwegian public holidays): the share of citizen questions (in comments and in
#: visitor posts) answered before closing time of their working day. Bra if more than
#: half (H2's "som oftest" reading), Kan bli bedre if more than a quarter (our cut-off).
H2_KS_VEIKART = RatingRule(
    "share_same_working_day",
    ">0.5",
    ">0.25",
    "Langva, Meling & Wessel-Aas (2012, s. 12): same working day (office hours, holidays)",
)
#: Veikart's "helst i løpet av få timer": the share answered within a few office hours
#: (default 3, ``kommunesm.metrics.response.FEW_HOURS``); same cut-offs.
H2_KS_VEIKART_FEW_HOURS = RatingRule(
    "share_within_few_hours",
    ">0.5",
    ">0.25",
    "Langva, Meling & Wessel-Aas (2012, s. 12): ideally within a few (3) office hours",
)


def rate_pages(
    measures: pd.DataFrame, rules: Mapping[str, RatingRule] | None = None
) -> pd.DataFrame:
    """Ratings (Bra / Kan bli bedre / Dårlig) of each page on each hypothesis that has a
    rule and whose measure is a column of ``measures``.

    Parameters
    ----------
    measures : DataFrame
        Page-level measures indexed by page_id, e.g.
        :func:`kommunesm.hypotheses.coders.page_auto_codes`.
    rules : mapping of str to RatingRule, optional
        Hypothesis id → :class:`RatingRule` (default :data:`DEFAULT_RULES`).

    Returns
    -------
    DataFrame
        Same index; one column per rated hypothesis (``H1``, ``H2``, …), labels or NA.

    Examples
    --------
    >>> m = pd.DataFrame({"posts_per_week": [6.0, 1.0]}, index=["a", "b"])
    >>> rate_pages(m)["H1"].tolist()
    ['Bra', 'Dårlig']
    """
    rules = dict(DEFAULT_RULES if rules is None else rules)
    out = {
        hid: rule.rate(measures[rule.measure]).set_axis(measures.index)
        for hid, rule in rules.items()
        if rule.measure in measures.columns
    }
    ordered = [h for h in HYPOTHESIS_IDS if h in out] + [h for h in out if h not in HYPOTHESES]
    return pd.DataFrame({h: out[h] for h in ordered}, index=measures.index)


def hypotheses_table(rules: Mapping[str, RatingRule] | None = None) -> pd.DataFrame:
    """H1–H10 as a table (id, statement, definition, short name, rule, mode, unit and
    the rating cut-offs), for the instructions sheet and the report.

    Parameters
    ----------
    rules : mapping of str to RatingRule, optional
        The rating rules (default :data:`DEFAULT_RULES`).

    Returns
    -------
    DataFrame
        One row per hypothesis with the columns described above.
    """
    rules = dict(DEFAULT_RULES if rules is None else rules)
    rows = []
    for h in HYPOTHESES.values():
        rule = rules.get(h.id)
        rows.append(
            {
                "hypothesis": h.id,
                "statement_nb": h.statement_nb,
                "definition_nb": h.definition_nb,
                "short_en": h.short_en,
                "rule_en": h.rule_en,
                "mode": h.mode,
                "unit": h.unit,
                "measure": rule.measure if rule else None,
                "bra_if": rule.bra if rule else None,
                "kan_bli_bedre_if": rule.kan if rule else None,
                "cutoff_source": rule.source if rule else None,
                "source": h.source,
            }
        )
    return pd.DataFrame(rows).set_index("hypothesis")


def with_rule(rules: Mapping[str, RatingRule], hid: str, **changes: str) -> dict[str, RatingRule]:
    """A copy of ``rules`` with one rule's fields changed (e.g. ``bra=">5"``).

    Parameters
    ----------
    rules : mapping of str to RatingRule
        The rules to start from (e.g. :data:`DEFAULT_RULES`).
    hid : str
        The hypothesis whose rule is changed (``"H1"`` …).
    **changes : str
        New values of the rule's fields.

    Returns
    -------
    dict of str to RatingRule
        A new mapping; ``rules`` is not changed.
    """
    out = dict(rules)
    out[hid] = replace(out[hid], **changes)
    return out


#: The ten municipalities as the report's H1–H10 table lists them (Johnsen, Jørgensen &
#: Aaneland 2013, s. 14): the report's own order, *not* the Top-30 order (Sarpsborg,
#: Kristiansund, Rissa, Fredrikstad, Hol, Bergen, Stjørdal, Malvik, Loppa, Trondheim,
#: s. 11). The transcript keeps the row labels but lost the symbols.
REPORT_TABLE_ORDER: tuple[str, ...] = (
    "Sarpsborg",
    "Stjørdal",
    "Hol",
    "Bergen",
    "Malvik",
    "Rissa",
    "Trondheim",
    "Kristiansund",
    "Fredrikstad",
    "Loppa",
)
#: Where :data:`REPORT_TABLE_ORDER` is printed.
REPORT_TABLE_SOURCE = (
    "Johnsen, Jørgensen & Aaneland (2013, s. 14): «Under vises en oversikt over hvordan 10 av "
    "Topp 30-kommunene scorer på de ulike påstandene.»"
)


def report_table_order(names: Mapping[str, str] | pd.Series, fallback: Iterable[str]) -> list[str]:
    """Page ids in the row order of the report's H1–H10 table.

    Pages whose name is one of :data:`REPORT_TABLE_ORDER` (``"Sarpsborg"``,
    ``"Sarpsborg kommune"``; case ignored) come first, in the report's order; the others
    follow in the ``fallback`` order (e.g. by rank) — on pseudonymised demo pages that is
    all of them.

    Parameters
    ----------
    names : mapping of str to str or Series
        page_id → display name.
    fallback : iterable of str
        Page ids in the order used for the pages the report does not list.

    Returns
    -------
    list of str
        Page ids, the report's pages first.

    Examples
    --------
    >>> names = {"p1": "Loppa kommune", "p2": "Demo 7", "p3": "Sarpsborg"}
    >>> report_table_order(names, ["p2", "p1", "p3"])
    ['p3', 'p1', 'p2']
    """
    mapping = dict(names.items()) if isinstance(names, pd.Series) else dict(names)
    position = {m.casefold(): i for i, m in enumerate(REPORT_TABLE_ORDER)}

    def rank(pid: str) -> int | None:
        name = str(mapping.get(pid, "")).casefold().removesuffix(" kommune").strip()
        return position.get(name)

    ids = [str(i) for i in fallback]
    known = sorted((i for i in ids if rank(i) is not None), key=lambda i: rank(i))
    return known + [i for i in ids if rank(i) is None]
