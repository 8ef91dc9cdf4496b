"""Participation profiles: Nielsen's 90-9-1 rule and Forrester's Social Technographics Ladder.

The BI thesis *Sosiale kommuner* (Handelshøyskolen BI 2012) asks how many
members of an online community merely read, how many contribute and how many create:

* p. 8 — **Nielsen's 90-9-1 rule**: "90 % av deltakerne er passive, 9 % bidrar men bare
  1 % produserer eget genuint innhold" (Nielsen, J. 2006, *Participation inequality:
  encouraging more users to contribute*, Alertbox 9 Oct 2006; thesis p. 36).
* p. 9, Figur 2 — **Forrester's Social Technographics Ladder** (Forrester Research 2007;
  Li & Bernoff 2008, *Groundswell*; thesis p. 36) with six overlapping levels, in the thesis'
  words: 5 Skapere, 4 Kommentatorer, 3 Samlere, 2 Deltakere, 1 Tilskuere, 0 Inaktive
  (Forrester: creators, critics, collectors, joiners, spectators, inactives).
* p. 10, Figur 3 — the **mapping** of the two: Skapere = innholdsprodusenter 1 %;
  kommentatorer og samlere = bidragsytere 9 %; deltakere, tilskuere og inaktive =
  konsumenter 90 % (:func:`mapping_table`). Figur 4 is Forrester's profile of the KS
  user segment (35–55 years), for which no numbers are printed.
* p. 10–11, Figur 5 — **#kommunedagene**: just under 700 tweets during a conference of
  700+ participants, split into *skapere* (own tweets), *kommentatorer* (forwarded
  messages, i.e. retweets) and *passive* participants.

What this module computes
-------------------------
:func:`profile`
    Places each actor at the **highest rung they reached** (the ladder's levels overlap:
    a creator usually also reads and comments) and counts actors per level; with a
    ``population`` (conference participants, a page's followers) the actors never seen
    acting are added to the lowest level (passive / inactive).
:func:`compare_to_rule`
    Goodness of fit of a profile to 90-9-1 (or any expected shares): Pearson's
    chi-square (:func:`scipy.stats.chisquare`) and the G-test
    (:func:`scipy.stats.power_divergence`, ``lambda_="log-likelihood"``), Cohen's *w*
    and Cramér's *V*, and per-level ratios observed/expected.
:func:`concentration`
    Lorenz curve points, the Gini coefficient and the share of all actions made by the
    most active 1 % and 10 % of actors — Nielsen's rule is as much about *how much* the
    few contribute as about how many they are.
:func:`facebook_activity`
    Citizens' comments and replies on Facebook pages as ``activity`` rows, so that page
    communities can be profiled like the hashtag community.

Action → level defaults
-----------------------
============  ==================  =========================  ===================================
action        Nielsen             Forrester                  why
============  ==================  =========================  ===================================
post          creators (skapere)  creators (skapere)         own content ("skape eget innhold")
reply         contributors        critics (kommentatorer)    comments on others' content
quote         contributors        critics (kommentatorer)    a comment attached to others' post
comment       contributors        critics (kommentatorer)    idem
retweet       contributors        collectors (samlere)       passes on others' content
share         contributors        collectors (samlere)       idem
like          contributors        collectors (samlere)       "deltar i avstemninger" (votes)
follow        consumers           joiners (deltakere)        keeps a profile / joins
view          consumers           spectators (tilskuere)     "konsumerer innhold fra andre"
============  ==================  =========================  ===================================

The thesis' Figure 5 calls retweeters *kommentatorer*: in the three-group Nielsen view
that is the 9 % group "kommentatorer og samlere", which is where the Nielsen default puts
retweets. In the six-level Forrester view a retweet passes content on rather than
commenting on it, so it is placed with *samlere*; pass ``mapping={"retweet": "critics"}``
to follow the thesis' wording literally. Any action can be mapped to ``None`` to ignore it.

Examples
--------
>>> import pandas as pd
>>> from kommunesm import participation
>>> act = pd.DataFrame({"actor_id": ["a", "a", "b", "c"], "community": "#x",
...                     "action": ["post", "retweet", "retweet", "reply"]})
>>> prof = participation.profile(act, population=10)
>>> prof[["level", "actors", "share"]].to_dict("list")
{'level': ['creators', 'contributors', 'consumers'], 'actors': [1, 2, 7], 'share': [0.1, 0.2, 0.7]}
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

from kommunesm import narrate, safe, schema
from kommunesm.errors import InputError, require
from kommunesm.metrics.wall import is_visitor_post

__all__ = [
    "DEFAULT_ACTIONS",
    "NIELSEN_RULE",
    "SCHEMES",
    "SOURCE",
    "Concentration",
    "PopulationWarning",
    "RuleComparison",
    "RuleWarning",
    "combine_profiles",
    "compare_to_rule",
    "concentration",
    "describe_comparison",
    "describe_concentration",
    "facebook_activity",
    "followers_population",
    "gini",
    "levels",
    "mapping_table",
    "parse_lower_bound",
    "profile",
    "rule_from_facts",
    "rule_series",
    "summarise_activity",
]

#: Where the definitions come from (seed file and pages).
SOURCE = "Handelshøyskolen BI (2012, s. 8–11)"

#: Nielsen's 90-9-1 rule as shares of (creators, contributors, consumers).
NIELSEN_RULE = (0.01, 0.09, 0.90)

_NIELSEN = pd.DataFrame(
    {
        "level": ["creators", "contributors", "consumers"],
        "rank": [2, 1, 0],
        "label_no": ["Skapere", "Kommentatorer", "Passive"],
        "label_en": ["Creators", "Contributors", "Consumers (lurkers)"],
        "nielsen_group": ["creators", "contributors", "consumers"],
    }
)
_FORRESTER = pd.DataFrame(
    {
        "level": ["creators", "critics", "collectors", "joiners", "spectators", "inactives"],
        "rank": [5, 4, 3, 2, 1, 0],
        "label_no": ["Skapere", "Kommentatorer", "Samlere", "Deltakere", "Tilskuere", "Inaktive"],
        "label_en": ["Creators", "Critics", "Collectors", "Joiners", "Spectators", "Inactives"],
        "nielsen_group": [
            "creators",
            "contributors",
            "contributors",
            "consumers",
            "consumers",
            "consumers",
        ],
    }
)
#: The levels of each scheme, highest rung first (Norwegian labels from the thesis:
#: Nielsen as in Figur 5, p. 11; Forrester as in Figur 2-4, pp. 9-10).
SCHEMES: dict[str, pd.DataFrame] = {"nielsen": _NIELSEN, "forrester": _FORRESTER}

#: Default action → level of each scheme (see the module docstring for the reasons).
DEFAULT_ACTIONS: dict[str, dict[str, str | None]] = {
    "nielsen": {
        "post": "creators",
        "reply": "contributors",
        "quote": "contributors",
        "comment": "contributors",
        "retweet": "contributors",
        "share": "contributors",
        "like": "contributors",
        "follow": "consumers",
        "view": "consumers",
    },
    "forrester": {
        "post": "creators",
        "reply": "critics",
        "quote": "critics",
        "comment": "critics",
        "retweet": "collectors",
        "share": "collectors",
        "like": "collectors",
        "follow": "joiners",
        "view": "spectators",
    },
}

_GROUP_NO = {
    "creators": "Innholdsprodusenter",
    "contributors": "Bidragsytere",
    "consumers": "Konsumenter",
}
_RULE_SHARE = dict(zip(_NIELSEN["level"], NIELSEN_RULE, strict=True))
_DESCRIPTION_NO = {
    "creators": "Bidrar aktivt med innhold: egne blogger, websider, tekst, lyd og video",
    "critics": "Ytrer egne meninger og kommenterer andres innhold",
    "collectors": "Bruker RSS-strømmer, organiserer og tagger innhold, deltar i avstemninger",
    "joiners": "Knytter seg til og vedlikeholder egne profiler i sosiale medier",
    "spectators": "Konsumerer innhold fra andre: leser blogger, ser videoer, leser fora",
    "inactives": "Deltar ikke i noen av aktivitetene over",
}


class RuleWarning(UserWarning):
    """A goodness-of-fit result should be read with care (small expected counts)."""


class PopulationWarning(UserWarning):
    """A population was smaller than the number of people seen acting."""


# --------------------------------------------------------------------------- tables
def levels(scheme: str = "nielsen") -> pd.DataFrame:
    """The levels of a scheme, highest rung first: level, rank, label_no, label_en,
    nielsen_group.

    Parameters
    ----------
    scheme : str, default 'nielsen'
        ``"nielsen"`` (three groups) or ``"forrester"`` (the six rungs of the ladder).

    Returns
    -------
    DataFrame
        One row per level: ``level``, ``rank``, ``label_no``, ``label_en``,
        ``nielsen_group``.
    """
    try:
        return SCHEMES[scheme].copy()
    except KeyError:
        raise ValueError(
            f"unknown scheme {scheme!r}; expected one of {', '.join(SCHEMES)}"
        ) from None


def mapping_table() -> pd.DataFrame:
    """The Nielsen–Forrester mapping of the thesis (Figur 3, p. 10) as a table.

    One row per Forrester level (highest rung first) with its Norwegian label and
    description (Figur 2, p. 9), the Nielsen group it belongs to with the group's
    Norwegian name and rule share (1 / 9 / 90 %), and the actions kommunesm places on it
    by default in each scheme.

    Returns
    -------
    DataFrame
        One row per Forrester level with the columns described above.

    Examples
    --------
    >>> t = mapping_table()
    >>> t[["label_no", "nielsen_no", "nielsen_share"]].iloc[[0, 1, 5]].to_dict("list")
    {'label_no': ['Skapere', 'Kommentatorer', 'Inaktive'], 'nielsen_no': ['Innholdsprodusenter', \
'Bidragsytere', 'Konsumenter'], 'nielsen_share': [0.01, 0.09, 0.9]}
    """
    table = levels("forrester")
    table = table.rename(columns={"level": "forrester_level", "rank": "forrester_rank"})
    table["description_no"] = table["forrester_level"].map(_DESCRIPTION_NO)
    table["nielsen_no"] = table["nielsen_group"].map(_GROUP_NO)
    table["nielsen_share"] = table["nielsen_group"].map(_RULE_SHARE)

    def actions(scheme: str, key: pd.Series) -> pd.Series:
        inverse: dict[str, list[str]] = {}
        for action, level in DEFAULT_ACTIONS[scheme].items():
            if level is not None:
                inverse.setdefault(level, []).append(action)
        return key.map(lambda k: ", ".join(inverse.get(k, [])) or "—")

    table["actions_forrester"] = actions("forrester", table["forrester_level"])
    table["actions_nielsen"] = actions("nielsen", table["nielsen_group"])
    table["source"] = "Handelshøyskolen BI (2012, s. 9, Figur 2; s. 10, Figur 3)"
    return table[
        [
            "forrester_rank",
            "forrester_level",
            "label_no",
            "label_en",
            "description_no",
            "nielsen_group",
            "nielsen_no",
            "nielsen_share",
            "actions_forrester",
            "actions_nielsen",
            "source",
        ]
    ]


def rule_series(expected: Sequence[float] = NIELSEN_RULE) -> pd.Series:
    """The rule as a Series indexed by Nielsen level (creators, contributors, consumers),
    e.g. for the markers of :func:`kommunesm.plots.ladder_profile`.

    Parameters
    ----------
    expected : sequence of float, default (0.01, 0.09, 0.9)
        Shares of creators, contributors and consumers (default 90-9-1).

    Returns
    -------
    Series
        The shares indexed by Nielsen level.
    """
    return pd.Series(list(expected), index=list(_NIELSEN["level"]), name="rule_share")


def rule_from_facts(facts: pd.DataFrame, *, study: str = "thesis2012") -> pd.DataFrame:
    """The 90-9-1 shares as the thesis published them (Figur 3), with their source.

    Parameters
    ----------
    facts : DataFrame
        The published reference table (``kommunesm.io.published.load("facts")``); the
        rows ``fig3 / nielsen_creators, nielsen_contributors, nielsen_consumers`` are used.
    study : str, default 'thesis2012'
        The ``study`` of those rows in ``facts``.

    Returns
    -------
    DataFrame
        One row per Nielsen group (creators, contributors, consumers): group, label_no,
        published_share (value / 100), value, unit, source, locator, note. Its
        ``published_share`` can be passed to :func:`compare_to_rule` as ``expected``.
    """
    require(facts, ["study", "table", "item", "value", "source", "locator"], table="facts")
    items = {f"nielsen_{g}": g for g in _NIELSEN["level"]}
    rows = facts[(facts["study"] == study) & facts["item"].isin(list(items))].copy()
    if len(rows) != len(items):
        raise InputError(
            f"facts has {len(rows)} of the {len(items)} rows of Nielsen's rule for {study!r}",
            file="facts.csv",
            column="item",
            expected=", ".join(items),
        )
    rows["group"] = rows["item"].map(items)
    rows["label_no"] = rows["group"].map(_GROUP_NO)
    rows["published_share"] = pd.to_numeric(rows["value"]).astype("float64") / 100
    order = {g: i for i, g in enumerate(_NIELSEN["level"])}
    rows = rows.sort_values("group", key=lambda s: s.map(order), kind="stable")
    cols = ["group", "label_no", "published_share", "value", "unit", "source", "locator", "note"]
    return rows[[c for c in cols if c in rows.columns]].reset_index(drop=True)


def summarise_activity(activity: pd.DataFrame, *, by: str | None = "community") -> pd.DataFrame:
    """Actions and actors per community: actions, actors, one column per action, first
    and last timestamp (the numbers the thesis reports for #kommunedagene, p. 10-11).

    Parameters
    ----------
    activity : DataFrame
        Canonical ``activity`` (one row per action of a person in a community).
    by : str or None, default 'community'
        Column to group by; None for one row over everything.

    Returns
    -------
    DataFrame
        One row per community with ``actions``, ``actors``, one column per action kind
        (every kind of :data:`kommunesm.schema.ACTIONS`, 0 where a community has none,
        then any other kind in the data) and the first and last timestamp.

    Examples
    --------
    >>> a = pd.DataFrame({"actor_id": ["p_a", "p_b"], "action": "post", "community": "x"})
    >>> summarise_activity(a)[["community", "actions", "actors", "post", "reply", "like"]]
      community  actions  actors  post  reply  like
    0         x        2       2     2      0     0
    """
    require(activity, ["actor_id", "action"], table="activity")
    groups = _groups(activity, by).rename("community")
    per = pd.crosstab(groups, activity["action"].astype("str"))
    # every known action is a column, also when no community has it (a file of own
    # tweets only still has reply and retweet columns, of zeros)
    kinds = [*schema.ACTIONS, *(c for c in per.columns if c not in schema.ACTIONS)]
    per = per.reindex(columns=kinds, fill_value=0).astype("int64")
    per.columns.name = None
    out = pd.DataFrame(
        {
            "actions": groups.groupby(groups).size(),
            "actors": activity["actor_id"].groupby(groups).nunique(),
        }
    ).join(per)
    if "created_at" in activity.columns:
        t = activity["created_at"].groupby(groups)
        out["first"] = t.min()
        out["last"] = t.max()
    return out.rename_axis("community").reset_index()


# --------------------------------------------------------------------------- activity
def facebook_activity(
    comments: pd.DataFrame,
    posts: pd.DataFrame | None = None,
    *,
    community: str | None = None,
    include_page: bool = False,
) -> pd.DataFrame:
    """Facebook comments and citizens' wall posts as the canonical ``activity`` table.

    A citizen's top-level comment becomes ``comment`` and a reply in a thread
    (``parent_id`` set) becomes ``reply``, with ``actor_id`` = the comment's (already
    pseudonymised) ``author_id`` and ``item_id`` = ``comment_id``. A citizen's own post on
    the page wall (a *visitor post*: ``posts.author_kind`` = ``"visitor"``) becomes
    ``post`` with ``actor_id`` = the post's pseudonymised ``author_id``: its author is a
    **creator** (*skaper*: "skape eget innhold", Handelshøyskolen BI 2012, s. 8–9; KS
    Veikart's "selv initierer nye samtaletråder", Langva, Meling & Wessel-Aas 2012, s. 16).
    On a page with a closed wall nobody can be a creator this way.

    **Page posts and page replies are the page's, not citizens'**: a municipality's own
    posts would make the page the community's only "creator" and say nothing about its
    citizens, so they are left out by default (the thesis profiles the *users* of a
    community; Handelshøyskolen BI 2012, s. 8–11). With ``include_page=True`` the page is one more actor
    (``page:<page_id>``) with its posts (``post``, from ``posts``) and its replies
    (``reply``).

    Parameters
    ----------
    comments : DataFrame
        Canonical ``comments`` table.
    posts : DataFrame, optional
        Canonical ``posts`` table: its visitor posts always count (their authors are
        creators); the page's own posts only with ``include_page=True``.
    community : str, optional
        Community name for every row; default: each page is its own community
        (``page_id``).
    include_page : bool, default False
        Add the page's own posts and replies as a page actor.

    Returns
    -------
    DataFrame
        Canonical ``activity`` table (validated), keeping ``synthetic`` from the input.

    Examples
    --------
    >>> c = pd.DataFrame({"comment_id": ["1", "2", "3"], "post_id": "p", "page_id": "demo-1",
    ...                   "parent_id": [None, "1", "1"], "author_id": ["p_a", "p_b", "page:demo-1"],
    ...                   "is_page_reply": [False, False, True],
    ...                   "created_at": pd.Timestamp("2013-04-02 10:00", tz="Europe/Oslo")})
    >>> facebook_activity(c)[["actor_id", "action", "community"]].to_dict("list")
    {'actor_id': ['p_a', 'p_b'], 'action': ['comment', 'reply'], 'community': ['demo-1', 'demo-1']}
    """
    need = ["comment_id", "page_id", "author_id", "is_page_reply", "created_at"]
    require(comments, need, table="comments")
    page_reply = comments["is_page_reply"].fillna(False).astype(bool)
    parent = comments["parent_id"] if "parent_id" in comments.columns else None
    is_reply = (
        parent.astype("str").str.strip().replace("", np.nan).notna()
        if parent is not None
        else pd.Series(False, index=comments.index)
    )
    frames = []
    keep = ~page_reply | include_page
    sel = comments[keep]
    actor = sel["author_id"].astype("str")
    if include_page:
        actor = actor.mask(page_reply[keep], "page:" + sel["page_id"].astype("str"))
    frames.append(
        pd.DataFrame(
            {
                "actor_id": actor,
                "community": sel["page_id"].astype("str") if community is None else community,
                "action": np.where(is_reply[keep], "reply", "comment"),
                "created_at": sel["created_at"],
                "item_id": sel["comment_id"].astype("str"),
                "synthetic": _synthetic(sel),
            }
        )
    )
    if posts is not None and len(posts):
        visitor = is_visitor_post(posts)
        if visitor.any():
            require(posts, ["post_id", "page_id", "created_at", "author_id"], table="posts")
        own = posts[~visitor] if include_page else posts.iloc[:0]
        vis = posts[visitor]
        if len(own) or len(vis):
            require(posts, ["post_id", "page_id", "created_at"], table="posts")
        for part, actor in (
            (vis, vis["author_id"].astype("str") if len(vis) else None),
            (own, "page:" + own["page_id"].astype("str")),
        ):
            if not len(part):
                continue
            frames.append(
                pd.DataFrame(
                    {
                        "actor_id": actor,
                        "community": part["page_id"].astype("str")
                        if community is None
                        else community,
                        "action": "post",
                        "created_at": part["created_at"],
                        "item_id": part["post_id"].astype("str"),
                        "synthetic": _synthetic(part),
                    }
                )
            )
    out = (
        pd.concat([f for f in frames if len(f)], ignore_index=True)
        if any(len(f) for f in frames)
        else schema.empty("activity")
    )
    out = schema.coerce_dtypes(out, "activity")
    kept, quarantine = schema.validate(out, "activity", source="facebook_activity")
    if len(quarantine):
        first = quarantine.iloc[0]
        raise InputError(
            f"{len(quarantine)} comments cannot become activity rows ({first['reason']})",
            file="comments",
            column=str(first["column"]),
            got=str(first["value"]),
        )
    return kept.sort_values(["community", "created_at", "item_id"], kind="stable").reset_index(
        drop=True
    )


def _synthetic(frame: pd.DataFrame) -> pd.Series:
    if "synthetic" in frame.columns:
        return frame["synthetic"].fillna(False).astype(bool)
    return pd.Series(False, index=frame.index)


def followers_population(page_days: pd.DataFrame, *, how: str = "last") -> pd.Series:
    """Followers per page, for use as :func:`profile`'s ``population``.

    Parameters
    ----------
    page_days : DataFrame
        Canonical ``page_days`` table (one period, e.g. ``Dataset.for_year(...)``).
    how : str, default 'last'
        ``"last"``: followers on the latest day with a value (the audience at the end
        of the period); ``"max"``: the largest value in the period.

    Returns
    -------
    Series
        Index ``page_id``, integer followers; pages without any value are left out.
    """
    require(page_days, ["page_id", "date", "followers"], table="page_days")
    known = page_days.dropna(subset=["followers"])
    if how == "last":
        last = known.sort_values(["page_id", "date"], kind="stable").groupby("page_id").tail(1)
        out = last.set_index("page_id")["followers"]
    elif how == "max":
        out = known.groupby("page_id")["followers"].max()
    else:
        raise ValueError(f"how must be 'last' or 'max', got {how!r}")
    return out.astype("int64").rename("followers").sort_index()


def parse_lower_bound(value: object) -> int:
    """The whole number a published "at least" value stands for.

    ``"700+"`` → 700, ``"≥ 700"`` → 700, ``"> 50"`` → 51, ``"4 600"`` → 4600. Used for
    published populations such as the thesis' "700+" participants (Handelshøyskolen BI 2012, s. 10).

    Parameters
    ----------
    value : object
        A published number or bound (``"700+"``, ``">50"``, ``700``).

    Returns
    -------
    int
        The smallest whole number the value allows.

    Raises
    ------
    ValueError
        For texts that are not a bound (``"just under 700"``).

    Examples
    --------
    >>> parse_lower_bound("700+"), parse_lower_bound(">50")
    (700, 51)
    """
    text = str(value).strip().replace("\u00a0", " ")
    m = re.fullmatch(r"(>|≥|>=)?\s*(\d[\d ]*)\s*(\+)?", text)
    if not m:
        raise ValueError(f"not a whole number or lower bound: {value!r}")
    number = int(m.group(2).replace(" ", ""))
    return number + 1 if m.group(1) == ">" else number


# --------------------------------------------------------------------------- profiles
def _action_levels(scheme: str, mapping: Mapping[str, str | None] | None) -> dict[str, int | None]:
    table = levels(scheme)
    rank = dict(zip(table["level"], table["rank"], strict=True))
    amap: dict[str, str | None] = dict(DEFAULT_ACTIONS[scheme])
    amap.update(mapping or {})
    unknown = {lvl for lvl in amap.values() if lvl is not None and lvl not in rank}
    if unknown:
        raise ValueError(
            f"mapping names level(s) {', '.join(sorted(unknown))} that the {scheme!r} scheme "
            f"does not have; its levels are {', '.join(table['level'])}"
        )
    return {a: (None if lvl is None else int(rank[lvl])) for a, lvl in amap.items()}


def _groups(activity: pd.DataFrame, by: str | None) -> pd.Series:
    if by is None or by not in activity.columns:
        return pd.Series("all", index=activity.index, dtype="str")
    return activity[by].astype("str")


def _populations(
    population: object, communities: pd.Index, strict: bool = True
) -> pd.Series | None:
    if population is None:
        return None
    if isinstance(population, Mapping):
        population = pd.Series(population)
    if isinstance(population, pd.Series):
        pop = population.copy()
        pop.index = pop.index.astype("str")
        missing = [c for c in communities if c not in pop.index]
        if missing:
            msg = f"population has no value for community {missing[0]!r}" + (
                f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
            )
            if strict:
                raise ValueError(msg)
            warnings.warn(
                msg + "; their profile covers the actors only", PopulationWarning, stacklevel=3
            )
        return pop.reindex(communities).astype("float64")
    if len(communities) > 1:
        raise ValueError(
            f"one population number for {len(communities)} communities: pass a mapping "
            "community → population"
        )
    return pd.Series(float(population), index=communities)  # type: ignore[arg-type]


def _check_population(pop: pd.Series, active: pd.Series, strict: bool) -> pd.Series:
    """Populations must hold every actor: raise (strict) or raise them, with a warning."""
    active = active.reindex(pop.index, fill_value=0)
    short = pop < active
    if not short.any():
        return pop
    c = short[short].index[0]
    msg = f"population {pop[c]:g} of community {c!r} is smaller than its {int(active[c])} actors"
    if strict:
        raise InputError(
            msg,
            file="population",
            expected="the number of people who could take part (all actors included)",
        )
    warnings.warn(
        msg + f" ({int(short.sum())} communities); using the number of actors instead",
        PopulationWarning,
        stacklevel=3,
    )
    return pop.where(~short, active.astype("float64"))


def profile(
    activity: pd.DataFrame,
    population: int | Mapping[str, int] | pd.Series | None = None,
    scheme: str = "nielsen",
    mapping: Mapping[str, str | None] | None = None,
    *,
    by: str | None = "community",
    remainder_level: str | None = None,
    strict: bool = False,
) -> pd.DataFrame:
    """Participation profile: actors per ladder level, each at the highest rung reached.

    Parameters
    ----------
    activity : DataFrame
        Canonical ``activity`` table (``actor_id``, ``action``, and ``community`` for
        one profile per community).
    population : int or mapping of str to int or Series, optional
        Everyone who could have taken part: the conference's participants (the thesis:
        700+, Handelshøyskolen BI 2012, s. 10), a page's followers (:func:`followers_population`). One
        number for one community, or a mapping community → number. The actors of the
        table are taken to belong to it; the ``population − actors`` never seen acting
        are added to ``remainder_level``. Without it the profile describes the people
        who acted (and those seen viewing or following) only.
    scheme : str, default 'nielsen'
        ``"nielsen"`` (creators / contributors / consumers: skapere / kommentatorer /
        passive) or ``"forrester"`` (the six levels of the ladder).
    mapping : mapping of str to str | None, optional
        Overrides of :data:`DEFAULT_ACTIONS` (action → level name, or None to ignore
        the action).
    by : str, default 'community'
        Column that defines communities (None: one profile of the whole table).
    remainder_level : str, optional
        Level of the never-seen members; default the scheme's lowest (consumers /
        inactives: we cannot tell spectators from inactives without view data).
    strict : bool, default False
        A population smaller than the number of actors (commenters who do not follow
        the page, an estimate such as "700+" that is too low), or a community missing
        from a population mapping, raises with ``strict``; otherwise the population is
        raised to the number of actors (or, when missing, the community is profiled
        without one) with a :class:`PopulationWarning`.

    Returns
    -------
    DataFrame
        One row per community × level (all levels, highest first): community, scheme,
        level, rank, label_no, label_en, nielsen_group, actors, share (of all actors
        incl. the remainder), actions (made by actors whose highest level this is),
        action_share, population (NaN if not given).

    Raises
    ------
    InputError
        Columns missing, actions the mapping does not know, or (with ``strict``) a
        population smaller than the number of actors.

    Examples
    --------
    >>> act = pd.DataFrame({"actor_id": ["a", "b", "b", "c"], "community": "#x",
    ...                     "action": ["post", "like", "reply", "view"]})
    >>> profile(act, scheme="forrester")[["level", "actors"]].to_dict("list")
    {'level': ['creators', 'critics', 'collectors', 'joiners', 'spectators', 'inactives'], \
'actors': [1, 1, 0, 0, 1, 0]}
    """
    require(activity, ["actor_id", "action"], table="activity")
    table = levels(scheme)
    ranks = _action_levels(scheme, mapping)
    actions = activity["action"].astype("str")
    unknown = sorted(set(actions.dropna().unique()) - set(ranks))
    if unknown:
        raise InputError(
            f"action(s) {', '.join(map(repr, unknown))} have no level in the {scheme!r} scheme",
            file="activity",
            column="action",
            expected="one of " + ", ".join(ranks) + " (or pass mapping={action: level})",
        )
    rank = actions.map(ranks)
    used = rank.notna()
    frame = pd.DataFrame(
        {
            "community": _groups(activity, by)[used],
            "actor_id": activity["actor_id"].astype("str")[used],
            "rank": rank[used].astype("int64"),
        }
    )
    per_actor = frame.groupby(["community", "actor_id"], sort=True).agg(
        rank=("rank", "max"), actions=("rank", "size")
    )
    counts = per_actor.groupby(["community", "rank"]).agg(
        actors=("actions", "size"), actions=("actions", "sum")
    )
    communities = pd.Index(sorted(frame["community"].unique()), dtype="str")
    if not len(communities) and isinstance(population, (int, float)):
        communities = pd.Index(["all"], dtype="str")
    grid = pd.MultiIndex.from_product(
        [communities, table["rank"].to_numpy()], names=["community", "rank"]
    )
    counts = counts.reindex(grid, fill_value=0).reset_index()

    pop = _populations(population, communities, strict)
    lowest = table["level"].iloc[-1] if remainder_level is None else remainder_level
    if lowest not in set(table["level"]):
        raise ValueError(f"remainder_level {lowest!r} is not a level of the {scheme!r} scheme")
    low_rank = int(table.loc[table["level"] == lowest, "rank"].iloc[0])
    active = counts.groupby("community")["actors"].transform("sum")
    if pop is not None:
        pop = _check_population(pop, counts.groupby("community")["actors"].sum(), strict)
        total = counts["community"].map(pop)
        remainder = (total - active).where(counts["rank"] == low_rank, 0).fillna(0)
        remainder = remainder.round().astype("int64")
        counts["actors"] = counts["actors"] + remainder
    out = counts.merge(table, on="rank", how="left")
    n = out.groupby("community")["actors"].transform("sum")
    n_actions = out.groupby("community")["actions"].transform("sum")
    out["share"] = (out["actors"] / n.where(n > 0)).astype("float64")
    out["action_share"] = (out["actions"] / n_actions.where(n_actions > 0)).astype("float64")
    out["scheme"] = scheme
    out["population"] = out["community"].map(pop).astype("float64") if pop is not None else np.nan
    out = out.sort_values(["community", "rank"], ascending=[True, False], kind="stable")
    cols = [
        "community",
        "scheme",
        "level",
        "rank",
        "label_no",
        "label_en",
        "nielsen_group",
        "actors",
        "share",
        "actions",
        "action_share",
        "population",
    ]
    out = out[cols].reset_index(drop=True)
    out["actors"] = out["actors"].astype("int64")
    out["actions"] = out["actions"].astype("int64")
    return out


def combine_profiles(prof: pd.DataFrame, community: str = "alle") -> pd.DataFrame:
    """Sum profiles of several communities into one (shares recomputed).

    The unit is then *actor × community*: a person active on two pages counts on each,
    just as a person following two pages is two followers. Use this to pool page-level
    profiles (each with its page's followers as population) into one.

    Parameters
    ----------
    prof : DataFrame
        A :func:`profile` result with several communities.
    community : str, default 'alle'
        Name of the pooled community.

    Returns
    -------
    DataFrame
        One profile in the layout of :func:`profile`, for ``community``.
    """
    require(prof, ["level", "actors", "actions", "scheme"], table="profile")
    keys = ["scheme", "level", "rank", "label_no", "label_en", "nielsen_group"]
    out = prof.groupby(keys, sort=False, as_index=False)[["actors", "actions"]].sum()
    out["population"] = prof.drop_duplicates("community")["population"].sum(min_count=1)
    out.insert(0, "community", community)
    out["share"] = out["actors"] / out["actors"].sum() if out["actors"].sum() else np.nan
    tot = out["actions"].sum()
    out["action_share"] = out["actions"] / tot if tot else np.nan
    out = out.sort_values("rank", ascending=False, kind="stable").reset_index(drop=True)
    return out[[c for c in prof.columns if c in out.columns]]


# --------------------------------------------------------------------------- the rule
@dataclass
class RuleComparison:
    """What :func:`compare_to_rule` returns.

    Attributes
    ----------
    levels
        One row per community × group: observed, observed_share, expected_share,
        expected (count), ratio (observed_share / expected_share), residual (Pearson,
        (O − E)/√E).
    tests
        One row per community × test (``chi-square``, ``G-test``): statistic, df,
        p_value, n, cohens_w, cramers_v, w_relative (w / its maximum), min_expected,
        population_given, note.
    """

    levels: pd.DataFrame
    tests: pd.DataFrame

    def describe(self) -> str:
        """Sentences stating what the rule predicts and what the data show."""
        return describe_comparison(self)


def _expected_shares(
    prof: pd.DataFrame, expected: Sequence[float] | Mapping[str, float]
) -> tuple[str, pd.Series]:
    """Which column to group the profile by, and the expected share of each group."""
    scheme = str(prof["scheme"].iloc[0]) if "scheme" in prof.columns and len(prof) else "nielsen"
    table = levels(scheme)
    nielsen_groups = list(_NIELSEN["level"])
    if isinstance(expected, pd.Series):
        labelled = all(isinstance(k, str) for k in expected.index)
        expected = {k: float(v) for k, v in expected.items()} if labelled else expected.tolist()
    if isinstance(expected, Mapping):
        keys = set(expected)
        if keys == set(nielsen_groups):
            col, shares = "nielsen_group", pd.Series(expected, dtype="float64")[nielsen_groups]
        elif keys == set(table["level"]):
            col, shares = "level", pd.Series(expected, dtype="float64")[list(table["level"])]
        else:
            raise ValueError(
                "expected must name every Nielsen group "
                f"({', '.join(nielsen_groups)}) or every level ({', '.join(table['level'])})"
            )
    else:
        values = [float(v) for v in expected]
        if len(values) == len(nielsen_groups):
            col, shares = "nielsen_group", pd.Series(values, index=nielsen_groups)
        elif len(values) == len(table):
            col, shares = "level", pd.Series(values, index=list(table["level"]))
        else:
            raise ValueError(
                f"expected has {len(values)} shares; give 3 (creators, contributors, "
                f"consumers) or one per level of the {scheme!r} scheme ({len(table)})"
            )
    if (shares <= 0).any() or not math.isclose(float(shares.sum()), 1.0, abs_tol=1e-6):
        raise ValueError(f"expected shares must be > 0 and sum to 1, got {list(shares)}")
    return col, shares


def compare_to_rule(
    prof: pd.DataFrame,
    expected: Sequence[float] | Mapping[str, float] = NIELSEN_RULE,
) -> RuleComparison:
    """Goodness of fit of a participation profile to Nielsen's 90-9-1 rule.

    Parameters
    ----------
    prof : DataFrame
        A :func:`profile` (either scheme; one or several communities).
    expected : sequence of float or mapping of str to float, default (0.01, 0.09, 0.9)
        Expected shares: three numbers for (creators, contributors, consumers) — a
        Forrester profile is then collapsed into the thesis' three groups (Figur 3,
        Handelshøyskolen BI 2012, s. 10) — or one per level of the profile's scheme, or a mapping
        group/level → share. Default 90-9-1 (``(0.01, 0.09, 0.90)``).

    Returns
    -------
    RuleComparison
        ``levels`` and ``tests`` (see :class:`RuleComparison`).

    Notes
    -----
    Pearson's chi-square is :func:`scipy.stats.chisquare` and the G-test (likelihood
    ratio) :func:`scipy.stats.power_divergence` with ``lambda_="log-likelihood"``,
    both with ``k − 1`` degrees of freedom for ``k`` groups. Effect sizes (Cohen 1988):
    Cohen's ``w = sqrt(sum((p_obs − p_exp)² / p_exp)) = sqrt(chi² / n)`` (0.1 small,
    0.3 medium, 0.5 large) and the goodness-of-fit Cramér's ``V = w / sqrt(k − 1)``;
    they are the same on both test rows. With unequal expected shares neither is bounded
    by 1 in a goodness-of-fit test (under 90-9-1, *w* can reach ≈ 9.95 when everyone is a
    creator), so ``w_relative`` gives *w* as a share of its maximum
    ``sqrt((1 − p_min)/p_min)``, reached when all observations fall in the least
    expected group (0 = the rule exactly, 1 = as far from it as possible; cf. Johnston,
    Berry & Mielke 2006, *Perceptual and Motor Skills* 103, 412–414, who normalise the
    chi-square by its maximum in the same way). A :class:`RuleWarning` is issued when an
    expected count is below 5 (the chi-square approximation is then unreliable; with
    90-9-1 that happens below 500 people). Without a ``population`` the profile holds
    only people who acted, so the 90 % of passive members are not observed and the
    test compares the active people with a rule about everyone (``note`` says so).

    Examples
    --------
    >>> act = pd.DataFrame({"actor_id": list("abcdefghij"), "community": "#x",
    ...                     "action": ["post"] * 2 + ["retweet"] * 8})
    >>> res = compare_to_rule(profile(act, population=1000))
    >>> res.levels["observed"].tolist(), round(float(res.levels["ratio"].iloc[0]), 2)
    ([2, 8, 990], 0.2)
    """
    require(prof, ["community", "nielsen_group", "level", "actors"], table="profile")
    col, shares = _expected_shares(prof, expected)
    labels = (
        levels(str(prof["scheme"].iloc[0]))
        .set_index("level")[["label_no", "label_en"]]
        .to_dict("index")
        if col == "level"
        else {g: {"label_no": _GROUP_NO[g], "label_en": g.capitalize()} for g in shares.index}
    )
    level_rows = []
    test_rows = []
    k = len(shares)
    for community, part in prof.groupby("community", sort=True):
        observed = part.groupby(col)["actors"].sum().reindex(shares.index, fill_value=0)
        obs = observed.to_numpy(dtype="float64")
        n = float(obs.sum())
        exp = shares.to_numpy() * n
        given = bool(part["population"].notna().any()) if "population" in part.columns else False
        for g, o, e, s in zip(shares.index, obs, exp, shares.to_numpy(), strict=True):
            level_rows.append(
                {
                    "community": community,
                    "group": g,
                    "label_no": labels[g]["label_no"],
                    "label_en": labels[g]["label_en"],
                    "observed": int(o),
                    "observed_share": o / n if n else np.nan,
                    "expected_share": s,
                    "expected": e,
                    "ratio": (o / n) / s if n else np.nan,
                    "residual": (o - e) / math.sqrt(e) if n else np.nan,
                }
            )
        note = (
            ""
            if given
            else (
                "no population given: the passive members are not observed, so the rule's 90 % "
                "cannot be checked"
            )
        )
        if n == 0:
            for test in ("chi-square", "G-test"):
                test_rows.append(
                    {
                        "community": community,
                        "test": test,
                        "statistic": np.nan,
                        "df": k - 1,
                        "p_value": np.nan,
                        "n": 0,
                        "cohens_w": np.nan,
                        "cramers_v": np.nan,
                        "w_relative": np.nan,
                        "min_expected": 0.0,
                        "population_given": given,
                        "note": "no actors",
                    }
                )
            continue
        min_exp = float(exp.min())
        if min_exp < 5:
            msg = (
                f"{community}: smallest expected count is {min_exp:.2f} (< 5); the "
                "chi-square and G-test p-values are approximate"
            )
            warnings.warn(msg, RuleWarning, stacklevel=2)
            note = "; ".join(x for x in (note, "expected count < 5: p-values approximate") if x)
        chi = sps.chisquare(obs, exp)
        g_test = sps.power_divergence(obs, exp, lambda_="log-likelihood")
        w = math.sqrt(float(np.sum((obs / n - shares.to_numpy()) ** 2 / shares.to_numpy())))
        v = w / math.sqrt(k - 1) if k > 1 else np.nan
        p_min = float(shares.min())
        w_rel = w / math.sqrt((1 - p_min) / p_min) if p_min < 1 else np.nan
        for test, res in (("chi-square", chi), ("G-test", g_test)):
            test_rows.append(
                {
                    "community": community,
                    "test": test,
                    "statistic": float(res.statistic),
                    "df": k - 1,
                    "p_value": float(res.pvalue),
                    "n": int(n),
                    "cohens_w": w,
                    "cramers_v": v,
                    "w_relative": w_rel,
                    "min_expected": min_exp,
                    "population_given": given,
                    "note": note,
                }
            )
    return RuleComparison(levels=pd.DataFrame(level_rows), tests=pd.DataFrame(test_rows))


def _magnitude(w: float) -> str:
    if not np.isfinite(w):
        return "undefined"
    if w < 0.1:
        return "negligible"
    if w < 0.3:
        return "small"
    if w < 0.5:
        return "medium"
    return "large"


def _share(x: float) -> str:
    """A share in an English sentence (two decimals below 0.1 %)."""
    return narrate.percent(x, 1 if x >= 0.001 or x == 0 else 2, lang="en")


def describe_comparison(result: RuleComparison, *, alpha: float = 0.05) -> str:
    """Sentences (Markdown) saying what 90-9-1 predicts and what each community shows.

    Generated from the numbers of :func:`compare_to_rule`, so that notebooks never type
    a conclusion by hand.

    Parameters
    ----------
    result : RuleComparison
        The result of :func:`compare_to_rule`.
    alpha : float, default 0.05
        Significance level of the goodness-of-fit verdicts.

    Returns
    -------
    str
        Markdown sentences.
    """
    paragraphs = []
    for community, lv in result.levels.groupby("community", sort=True):
        tests = result.tests[result.tests["community"] == community].set_index("test")
        chi = tests.loc["chi-square"]
        n = int(chi["n"])
        if n == 0:
            paragraphs.append(
                f"**{safe.escape_markdown(community)}**: no actors, nothing to compare."
            )
            continue
        parts = [
            f"{r.label_no.lower()} {_share(r.observed_share)} ({r.observed} of {n}; rule "
            f"{_share(r.expected_share)}, {narrate.number(r.ratio, None, 'en')}× the rule)"
            for r in lv.itertuples(index=False)
        ]
        g = tests.loc["G-test"]
        stat = (
            f"χ²({int(chi['df'])}) = {narrate.number(chi['statistic'], 1, 'en')}, "
            f"{narrate.pvalue(chi['p_value'], 'en')}; "
            f"G = {narrate.number(g['statistic'], 1, 'en')}, {narrate.pvalue(g['p_value'], 'en')}; "
            f"Cohen's w = {narrate.number(chi['cohens_w'], 2, 'en')} "
            f"({_magnitude(chi['cohens_w'])}; {_share(chi['w_relative'])} of the largest "
            f"possible w), Cramér's V = {chi['cramers_v']:.2f}"
        )
        if chi["p_value"] < alpha:
            verdict = f"The profile differs from the rule ({stat})."
        else:
            verdict = (
                f"The data do not show a departure from the rule at the {alpha:g} level "
                f"({stat}); with n = {n} that is not proof that the rule holds."
            )
        top = lv.iloc[0]
        direction = "more" if top["ratio"] > 1 else "fewer"
        lead = (
            f"**{safe.escape_markdown(community)}**: the rule predicts {', '.join(_share(s) for s in lv['expected_share'])} "
            f"({', '.join(lv['label_no'].str.lower())}). Observed: {'; '.join(parts)}. "
            f"There are {direction} {str(top['label_no']).lower()} than the rule predicts. "
            + verdict
        )
        if not bool(chi["population_given"]):
            lead += (
                " No population was given, so only people who acted are counted: the passive "
                "majority the rule is about is not in these numbers."
            )
        elif chi["min_expected"] < 5:
            lead += " Some expected counts are below 5, so the p-values are approximate."
        paragraphs.append(lead)
    return "\n\n".join(paragraphs)


# --------------------------------------------------------------------------- concentration
def gini(values: Sequence[float] | np.ndarray | pd.Series) -> float:
    """Gini coefficient of non-negative amounts (e.g. actions per actor).

    ``G = 2 Σ i·x_(i) / (n Σ x) − (n + 1)/n`` for the values sorted ascending
    (``i = 1..n``): 0 when everyone contributes the same, ``(n − 1)/n`` when one of
    ``n`` does everything (the maximum for ``n`` people).

    Parameters
    ----------
    values : sequence of float, ndarray or Series
        Non-negative amounts, one per person (missing values are dropped).

    Returns
    -------
    float
        The Gini coefficient in ``[0, (n − 1)/n]``; NaN for no values or a zero total.

    Examples
    --------
    >>> gini([3, 3, 3]), gini([0, 0, 0, 8])
    (0.0, 0.75)
    """
    x = np.sort(np.asarray(values, dtype="float64"))
    if x.size == 0 or not np.isfinite(x).all():
        return float("nan")
    if (x < 0).any():
        raise ValueError("gini needs non-negative values")
    total = x.sum()
    if total == 0:
        return float("nan")
    n = x.size
    i = np.arange(1, n + 1)
    return float(2 * np.sum(i * x) / (n * total) - (n + 1) / n)


@dataclass
class Concentration:
    """What :func:`concentration` returns.

    Attributes
    ----------
    summary
        One row per community: actors (incl. added zeros), active_actors, actions,
        gini, top1_actors, top1_share, top10_actors, top10_share.
    lorenz
        Lorenz curve points per community: actor_share (cumulative share of actors,
        least active first, starting at 0) and action_share (their cumulative share of
        actions).
    """

    summary: pd.DataFrame
    lorenz: pd.DataFrame

    def describe(self) -> str:
        """Sentences with the concentration of each community."""
        return describe_concentration(self)


def concentration(
    activity: pd.DataFrame,
    *,
    by: str | None = "community",
    population: int | Mapping[str, int] | pd.Series | None = None,
    actions: Iterable[str] | None = None,
    top: tuple[float, float] = (0.01, 0.10),
    strict: bool = False,
) -> Concentration:
    """How unequally actions are spread over actors: Lorenz curve, Gini, top shares.

    Parameters
    ----------
    activity : DataFrame
        Canonical ``activity`` table.
    by : str, default 'community'
        Column defining communities (None: the whole table).
    population : int or mapping of str to int or Series, optional
        Adds ``population − actors`` people with zero actions (as in :func:`profile`),
        so that the curve covers everyone who could have taken part.
    actions : iterable of str, optional
        Count only these actions (default: all).
    top : tuple, default (0.01, 0.1)
        The two top fractions reported (default the most active 1 % and 10 %); the top
        ``p`` are the ``ceil(p·n)`` most active actors (at least one).
    strict : bool, default False
        As in :func:`profile`.

    Returns
    -------
    Concentration

    Notes
    -----
    Gini as in :func:`gini`; Lorenz points ``(i/n, cumulative actions of the i least
    active / all actions)``. Nielsen (2006) states his rule also as concentration: the
    1 % account for most of the content.

    Examples
    --------
    >>> act = pd.DataFrame({"actor_id": ["a"] * 8 + ["b", "c"], "community": "#x",
    ...                     "action": "post"})
    >>> res = concentration(act)
    >>> float(res.summary["top1_share"].iloc[0]), round(float(res.summary["gini"].iloc[0]), 3)
    (0.8, 0.467)
    """
    require(activity, ["actor_id", "action"], table="activity")
    frame = activity
    if actions is not None:
        frame = frame[frame["action"].isin(list(actions))]
    groups = _groups(frame, by)
    counts = (
        pd.DataFrame({"community": groups, "actor_id": frame["actor_id"].astype("str")})
        .groupby(["community", "actor_id"], sort=True)
        .size()
        .rename("n")
        .reset_index()
    )
    communities = pd.Index(sorted(counts["community"].unique()), dtype="str")
    pop = _populations(population, communities, strict)
    active = counts.groupby("community")["n"].size()
    if pop is not None:
        pop = _check_population(pop, active, strict)
        extra = (pop - active.reindex(communities, fill_value=0)).fillna(0).round()
        zeros = pd.DataFrame(
            {
                "community": np.repeat(extra.index.to_numpy(), extra.astype("int64").to_numpy()),
                "n": 0,
            }
        )
        counts = pd.concat([counts[["community", "n"]], zeros], ignore_index=True)
    counts = counts.sort_values(["community", "n"], kind="stable").reset_index(drop=True)
    g = counts.groupby("community", sort=True)["n"]
    size = g.transform("size")
    total = g.transform("sum").astype("float64")
    i = g.cumcount() + 1
    cum = g.cumsum().astype("float64")
    lorenz = pd.DataFrame(
        {
            "community": counts["community"],
            "actor_share": i / size,
            "action_share": (cum / total.where(total > 0)).astype("float64"),
        }
    )
    origin = pd.DataFrame({"community": communities, "actor_share": 0.0, "action_share": 0.0})
    lorenz = (
        pd.concat([origin, lorenz], ignore_index=True)
        .sort_values(["community", "actor_share"], kind="stable")
        .reset_index(drop=True)
    )
    weighted = (i * counts["n"]).groupby(counts["community"]).sum()
    n_per = g.size()
    tot = g.sum().astype("float64")
    gini_values = (2 * weighted / (n_per * tot.where(tot > 0)) - (n_per + 1) / n_per).astype(
        "float64"
    )
    rank_desc = size - i + 1  # 1 = most active
    summary = pd.DataFrame(
        {
            "actors": n_per,
            "active_actors": (counts["n"] > 0).groupby(counts["community"]).sum(),
            "actions": tot.astype("int64"),
            "gini": gini_values,
        }
    )
    for label, p in zip(("top1", "top10"), top, strict=True):
        k = np.maximum(1, np.ceil(n_per * p - 1e-9)).astype("int64")
        in_top = rank_desc <= counts["community"].map(k)
        summary[f"{label}_actors"] = k
        summary[f"{label}_share"] = (
            counts["n"].where(in_top, 0).groupby(counts["community"]).sum() / tot.where(tot > 0)
        ).astype("float64")
    summary = summary.rename_axis("community").reset_index()
    summary["population_given"] = pop is not None
    return Concentration(summary=summary, lorenz=lorenz)


def describe_concentration(result: Concentration) -> str:
    """Sentences (Markdown) with each community's concentration of activity.

    Parameters
    ----------
    result : Concentration
        The result of :func:`concentration`.

    Returns
    -------
    str
        Markdown sentences.
    """
    lines = []
    for r in result.summary.itertuples(index=False):
        if not r.actions:
            lines.append(f"**{safe.escape_markdown(r.community)}**: no actions.")
            continue
        extra = (
            f" (of {r.actors} people, {r.active_actors} active)"
            if r.population_given
            else f" ({r.actors} active people)"
        )
        lines.append(
            f"**{safe.escape_markdown(r.community)}**{extra}: the {r.top1_actors} most active "
            f"{'person' if r.top1_actors == 1 else 'people'} (top 1 %) made "
            f"{_share(r.top1_share)} of the {r.actions} actions and the top 10% "
            f"({r.top10_actors}) made {_share(r.top10_share)}; "
            f"Gini = {narrate.number(r.gini, 2, 'en')} "
            "(0 = everyone equally active, near 1 = one person does everything)."
        )
    return "\n\n".join(lines)
