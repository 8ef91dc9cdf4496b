"""The embedded **synthetic** demo panel: seeded generator of pages, posts, comments, activity.

Everything this module produces is SYNTHETIC. The raw Socialbakers data behind the Gambit
H+K study (2013) are not public, so the notebooks run on a panel generated here, calibrated
to the magnitudes the studies and public sources report, and say "synthetic demo data" in
every title. :func:`generate` builds the panel, validates every table against
:mod:`kommunesm.schema` (zero quarantine required), writes it with
:func:`kommunesm.io.canonical.write_table` into ``kommunesm/data/demo/`` together with a
``README.md`` and a ``MANIFEST.json`` (sha256 per file), and returns the tables. The same
seed always gives byte-identical files (one :func:`numpy.random.default_rng` stream per
component, spawned from ``SeedSequence(seed)``; no wall-clock time, no set iteration).

Tables (all with ``synthetic=True``)
------------------------------------
``pages.csv``
    One row per page that exists in the latest year. Pages are sampled from the **real**
    2013 municipalities of :func:`kommunesm.registry.municipalities` (real
    ``kommunenummer``, ``kommunenummer_2024`` and ``population``, so joins are exercised),
    but are *displayed* as pseudonyms ``"Demo-kommune NNN"`` (``page_id`` ``"demo-NNN"``)
    with NNN a seeded random 3-digit label unrelated to the code. No real municipality name
    appears anywhere in the panel (names, about texts, messages).
``page_days.csv.gz``
    Page x day, 1 April - 1 August (inclusive) of every year the page exists.
``posts.csv.gz``, ``comments.csv.gz``
    Posts in the same periods; citizen comments (pseudonymous ``p_`` + 16 hex) and page
    replies to citizens' questions (``is_page_reply``, ``parent_id``).
    Posts carry ``author_kind``: ``page`` for the page's own posts, ``visitor`` for
    citizens' posts on an *open* wall (``post_id`` ``<page>_<year>vNNNN``, pseudonymous
    ``author_id`` from the page's commenter pool, 60 % questions; the page answers them
    with a top-level comment on the effort clock, like comment questions). 60 % of the
    walls are open (assumption: Veikart, Langva, Meling & Wessel-Aas 2012, s. 11, says
    many municipalities have closed theirs; no count is published); ``pages.open_wall``
    declares every closed wall and half of the open ones, the rest are left to be observed
    from the data. Visitor posts come from their own random stream (seed, 0x5649), so
    the rest of the panel is the same with or without them.
``activity.csv``
    A synthetic hashtag community ``#demodagene`` (February 2012), modelled on the thesis'
    ``#kommunedagene``.

Calibration (each choice and the fact it comes from)
----------------------------------------------------
Values are read with :func:`kommunesm.io.published.fact` at generation time; the README
written next to the data repeats this table with the values reached in the panel.

* **Pages in the latest year** = ``n_pages`` (default 225 = Johnsen, Jørgensen & Aaneland 2013,
  ``gambit2013/facebook_pages_mapped``; a test checks the default against the fact).
* **Pages in 2012** = round(39 % x 428) = 167 (``thesis2012/
  municipalities_with_official_facebook_page_dec2011``, citing I all offentlighet; 428 =
  ``n_base`` of ``ialloffentlighet/jan2013/municipalities_with_page``). For other year
  sets, each year back multiplies the page count by the same ratio 167/225. Earlier pages
  are a subset of later ones (municipalities adopt and stay).
* **Who adopts**: one weighted random order of all 2013 municipalities (Efraimidis-Spirakis
  keys, weight population^0.6; missing population -> median): adoption probability rises
  with population, as in the surveys (assumption; no published per-size rate).
* **Followers**: the page's followers on 5 January 2013 are proportional to
  population^0.4 x lognormal(sigma 0.6) and scaled so that their mean is 155 000 / 210 =
  738 per page (``ialloffentlighet/jan2013/total_likers`` and ``municipalities_with_page``).
  The exponent and sigma are chosen so that pages run from a few dozen to a few thousand
  followers, the largest around 4 000-6 000 in 2012-2013 (Sarpsborg had "4600+" in early
  2012, ``thesis2012/fig6/largest_page_followers``).
* **Follower growth**: mean followers per page rose from 738 (5 Jan 2013) to 525 000 / 335
  = 1 567 (14 April 2015; ``ialloffentlighet/apr2015``), i.e. x1.39 a year over the 2.27
  years between the two posts (dates parsed from the facts' locators). Each page grows by
  its own annual factor (lognormal around that mean, sigma 0.12); daily gains are Poisson
  around the trend with gamma noise, minus a few Poisson unlikes, so series grow noisily
  but almost never drop.
* **Posting**: I all offentlighet counted 426 posts by 210 pages in 39 h 40 min (Thursday
  3 Jan 08:00 - Friday 4 Jan 23:40 2013); 130 of 210 (62 %) posted, 3.3 posts each on
  average (``ialloffentlighet/jan2013/posts_observed``, ``municipalities_posting``,
  ``mean_posts_per_posting_municipality``). The generator's own time profile (weekday
  weight 1, weekend/holiday weight 0.25, hours mostly 08-16) puts a fraction f = 0.36 of
  an ordinary week's posts in such a window, so the mean rate is 2.03 / f = 5.7 posts per
  page per *ordinary* week. Rates differ between pages by a gamma distribution whose shape
  (about 0.72) is solved so that 38 % of pages post nothing in the window
  (negative-binomial zero share); posting pages then average 426/130 = 3.3, as reported.
  The gamma tail is cut at 25 posts a week (about 3.5 a day), which lowers the mean by
  about 0.1. The spread makes H1's "more than 4 posts a week" split the pages.
  **Deviation**: July (Norwegian fellesferie) posting is halved, so the mean over 1 April -
  1 August is below the January calibration (about 5 a week); the January window is
  itself unusual (first working days after New Year), so we calibrate ordinary weeks to it
  rather than the whole period.
* **Engagement**: interactions per post / followers at posting of order 1-5 % (brief;
  no published per-post rate): page rate lognormal(median 2 %, sigma 0.45), split into
  likes / comments / shares by a page-level Dirichlet (mean 82.5 / 9 / 8.5 %), times the
  built-in effects of :data:`BUILT_IN_EFFECTS`, times a gamma(2) post latent; counts are
  Poisson on top (a negative binomial). Post reach = followers x page reach rate (12-30 %)
  x lognormal noise + 20 per interaction; impressions = reach x 1.3-2.
* **Talking about** (7-day "people talking about this"): sum over the last 7 days of
  0.65 x the interactions on the page's posts of that day (people who like and comment
  count once) + new followers + a baseline of 0.06-0.18 % of followers per day (check-ins,
  mentions). followers / talking_about (the thesis' quality indicator,
  ``thesis2012/fig6/indicator_definition``) therefore depends on posting rate and
  engagement, not on size: typically 5-40, no built-in correlation with followers
  (the thesis' claim, ``thesis2012/fig6/conclusion``). Six burn-in days before 1 April
  are simulated (not written) so that early-April values have a full 7-day window.
* **Page days**: reach, impressions and engaged users are the sums over the day's posts
  plus a Poisson baseline (2 % / 3 % / 0.2 % of followers).
* **Comments**: citizen comments arrive after the post (lognormal delay, median 90 min).
  8-35 % of them are questions depending on the post kind (operational notices draw the
  most, question posts the fewest: there people answer). Authors come from a recurring pool
  per page, the same in both years (at least 40 people, half the followers, and a fifth of
  the page's expected comments), with lognormal(sigma 1.3, cut at +3 sigma) activity
  weights, so a few people write many comments (Gini of comments per person about 0.55;
  assumption, no published distribution). Page replies: each page is a fast (45 %) or slow
  responder; a question is answered with probability Beta(18, 2) (fast) or Beta(6, 4)
  (slow) per page, after a delay measured in *working time* (median 40 vs 240 working
  minutes) on an effort clock where office hours (weekdays 08:00-15:30) count fully,
  weekday evenings 12 %, weekends and Norwegian public holidays (``holidays.Norway``) 6 %,
  nights 1 %, and July office hours 50 %. Replies answer well within the KS Veikart norm
  (same working day) for fast pages and often not for slow ones.
* **Language**: the registry's ``language_form`` when present (Nynorsk -> nynorsk texts,
  Bokmål and Nøytral -> bokmål). Without it, municipalities in Hordaland, Sogn og Fjordane
  and Møre og Romsdal get nynorsk and all others bokmål (a documented simplification).
* **#demodagene**: 690 actions ("just under 700" tweets, ``thesis2012/fig5/
  kommunedagene_messages``) by a pool of 700 conference participants ("700+",
  ``kommunedagene_participants``) with lognormal(sigma 1.8) activity weights, so few
  creators write most; heavier actors more often write their own posts (logistic in the
  log weight), the others mostly retweet (15 % of their actions are replies). 7-9 February 2012 (the thesis gives only "Feb 2012": dates illustrative).

Built-in effects
----------------
The demo's "findings" were put there by construction; :data:`BUILT_IN_EFFECTS` lists each
one (and the hypotheses where *no* effect was put in) so the report can say so honestly.

Examples
--------
>>> from kommunesm import demo
>>> tables = demo.generate(out_dir=None)  # doctest: +SKIP
>>> sorted(tables)  # doctest: +SKIP
['activity', 'comments', 'page_days', 'pages', 'posts']
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path

import holidays
import numpy as np
import pandas as pd

from kommunesm import schema
from kommunesm._resources import data_path
from kommunesm.io import canonical, published

__all__ = [
    "describe_built_in_effects",
    "BUILT_IN_EFFECTS",
    "COMMUNITY",
    "DEFAULT_DIR",
    "DEMO_VERSION",
    "FILES",
    "POST_KINDS",
    "calibration",
    "generate",
]

#: Version of the generator's model; bump it when the output for a seed changes.
DEMO_VERSION = "1"

#: Where :func:`generate` writes by default (the package's embedded ``kommunesm/data/demo``).
DEFAULT_DIR = data_path("demo")

#: File name of each table in the demo directory.
FILES: dict[str, str] = {
    "pages": "pages.csv",
    "page_days": "page_days.csv.gz",
    "posts": "posts.csv.gz",
    "comments": "comments.csv.gz",
    "activity": "activity.csv",
}

#: The hashtag community of the ``activity`` table.
COMMUNITY = "#demodagene"

#: Kinds of post message (the generator's templates; not written to the tables).
POST_KINDS = ("operational", "event", "question", "local_pride", "others", "du_info", "formal")
_KIND_BASE_SHARE = (0.22, 0.15, 0.06, 0.12, 0.10, 0.15, 0.20)
_KIND_CONCENTRATION = 8.0

POST_TYPES = ("status", "photo", "link", "video", "event")
#: P(type | kind), rows in POST_KINDS order, columns in POST_TYPES order.
_TYPE_GIVEN_KIND = np.array(
    [
        [0.60, 0.15, 0.25, 0.00, 0.00],
        [0.15, 0.30, 0.20, 0.05, 0.30],
        [0.60, 0.30, 0.10, 0.00, 0.00],
        [0.10, 0.75, 0.05, 0.10, 0.00],
        [0.30, 0.50, 0.15, 0.05, 0.00],
        [0.45, 0.10, 0.45, 0.00, 0.00],
        [0.30, 0.05, 0.65, 0.00, 0.00],
    ]
)

#: Multipliers on expected (likes, comments, shares) by post kind.
_KIND_EFFECTS = {
    "operational": (0.8, 1.3, 2.0),
    "event": (1.0, 1.0, 1.2),
    "question": (1.0, 3.0, 0.8),
    "local_pride": (1.6, 1.3, 1.8),
    "others": (1.0, 1.0, 1.0),
    "du_info": (1.25, 1.25, 1.25),
    "formal": (0.7, 0.7, 0.7),
}
#: Multipliers on all expected interactions by post type.
_TYPE_EFFECTS = {"status": 1.0, "photo": 1.3, "link": 0.8, "video": 1.2, "event": 0.9}
_FAST_RESPONDER_EFFECT = 1.25

#: Effects put into the demo panel by construction (and hypotheses with none put in).
#: Keys are effect names; ``multiplier`` acts on the expected value of ``outcome``.
BUILT_IN_EFFECTS: dict[str, dict[str, object]] = {
    "question_posts": {
        "hypothesis": "H10 (and H3)",
        "level": "post",
        "outcome": "likes / comments / shares",
        "multiplier": _KIND_EFFECTS["question"],
        "description": "Posts asking readers a question get 3x the comments (likes x1, "
        "shares x0.8).",
    },
    "local_pride_posts": {
        "hypothesis": "H4",
        "level": "post",
        "outcome": "likes / comments / shares",
        "multiplier": _KIND_EFFECTS["local_pride"],
        "description": "Local-pride posts get 1.6x likes, 1.3x comments, 1.8x shares.",
    },
    "du_form_posts": {
        "hypothesis": "H5",
        "level": "post",
        "outcome": "likes / comments / shares",
        "multiplier": _KIND_EFFECTS["du_info"],
        "description": "Information addressed to 'du' gets 1.25x all interactions.",
    },
    "operational_notices": {
        "hypothesis": "H7",
        "level": "post",
        "outcome": "likes / comments / shares",
        "multiplier": _KIND_EFFECTS["operational"],
        "description": "Operational notices (water, power, roads) get 2x shares, 1.3x "
        "comments, 0.8x likes.",
    },
    "formal_information": {
        "hypothesis": "H3 (reverse)",
        "level": "post",
        "outcome": "likes / comments / shares",
        "multiplier": _KIND_EFFECTS["formal"],
        "description": "Formal 'Kommunen informerer' posts get 0.7x all interactions.",
    },
    "highlighting_others": {
        "hypothesis": "H6",
        "level": "post",
        "outcome": "likes / comments / shares",
        "multiplier": _KIND_EFFECTS["others"],
        "description": "No effect put in: posts highlighting clubs and volunteers get 1x.",
    },
    "fast_responders": {
        "hypothesis": "H2",
        "level": "page",
        "outcome": "all interactions",
        "multiplier": _FAST_RESPONDER_EFFECT,
        "description": "Pages that answer fast (45 % of pages; median 40 working minutes, "
        "~90 % answered) get 1.25x all interactions; slow pages: median 240 working "
        "minutes, ~60 % answered.",
    },
    "post_type": {
        "hypothesis": "-",
        "level": "post",
        "outcome": "all interactions",
        "multiplier": tuple(_TYPE_EFFECTS[t] for t in POST_TYPES),
        "description": "By type " + ", ".join(f"{t} x{_TYPE_EFFECTS[t]}" for t in POST_TYPES) + ".",
    },
    "posting_frequency": {
        "hypothesis": "H1",
        "level": "page",
        "outcome": "interactions per post",
        "multiplier": 1.0,
        "description": "No per-post effect put in; a page's totals grow with its number of "
        "posts simply because there are more posts.",
    },
    "page_rules_and_opening_hours": {
        "hypothesis": "H8, H9",
        "level": "page",
        "outcome": "all interactions",
        "multiplier": 1.0,
        "description": "No effect put in: the About text (page rules, opening hours) is "
        "drawn independently of everything else.",
    },
    "followers_vs_quality_indicator": {
        "hypothesis": "thesis fig. 6",
        "level": "page",
        "outcome": "followers / talking_about",
        "multiplier": 1.0,
        "description": "No correlation put in: talking_about scales with followers x "
        "engagement x posting, so the indicator does not depend on page size.",
    },
    "participation_inequality": {
        "hypothesis": "90-9-1",
        "level": "person",
        "outcome": "comments and #demodagene actions per person",
        "multiplier": 1.0,
        "description": "Heavy tails put in: lognormal activity weights (sigma 1.3 for "
        "commenters, 1.8 for #demodagene), so few people produce most content.",
    },
}

# ---------------------------------------------------------------------------- model knobs
_ADOPTION_EXPONENT = 0.6
_FOLLOWER_POP_EXPONENT = 0.4
_FOLLOWER_SIGMA = 0.6
_GROWTH_SIGMA = 0.12
_WEEKEND_WEIGHT = 0.25
_MAX_RATE = 25.0  # posts per ordinary week (about 3.5 a day)
_JULY_POSTING = 0.5
_BURN_IN_DAYS = 6
_ENGAGEMENT_MEDIAN = 0.02
_ENGAGEMENT_SIGMA = 0.45
_SPLIT_DIRICHLET = (16.5, 1.8, 1.7)
_TA_UNIQUE = 0.65
_COMMENT_DELAY_MEDIAN_MIN = 90.0
_QUESTION_SHARE = {
    "operational": 0.35,
    "event": 0.20,
    "question": 0.08,
    "local_pride": 0.10,
    "others": 0.12,
    "du_info": 0.30,
    "formal": 0.25,
}
_POOL_PER_FOLLOWER = 0.5
_AUTHOR_SIGMA = 1.3
_POOL_MIN = 40
_UNLIKE_RATE = 0.0001
_FAST_SHARE = 0.45
_REPLY_MEDIAN_MIN = {True: 40.0, False: 240.0}
_REPLY_SIGMA = 1.0
_TWEETS = 690  # "just under 700" (thesis2012 fig5); the fact is text, not a number
_ACTIVITY_DAYS = ("2012-02-07", "2012-02-08", "2012-02-09")
_NYNORSK_COUNTIES = ("Hordaland", "Sogn og Fjordane", "Møre og Romsdal")

#: Hour-of-day profile of posts on weekdays and on weekends/holidays (relative weights).
_HOURS_WEEKDAY = np.array(
    [1, 1, 1, 1, 1, 1, 2, 12, 40, 45, 45, 40, 35, 40, 38, 30, 14, 10, 9, 9, 8, 6, 3, 2], float
)
_HOURS_WEEKEND = np.array(
    [1, 1, 1, 1, 1, 1, 1, 2, 6, 12, 16, 16, 15, 14, 13, 12, 11, 11, 12, 12, 10, 7, 4, 2], float
)


# ------------------------------------------------------------------------------ texts
def _load_texts() -> tuple[dict, dict, dict]:
    """The demo's message templates, comment texts and about texts, from
    ``kommunesm/data/templates/demo_texts.json`` (keys ``"<language>/<kind>"``; in a
    template ``{A}`` and ``{B}`` are filled from the slot lists of the same key). No place
    or person in them is a real municipality or a real person."""
    doc = json.loads(data_path("templates", "demo_texts.json").read_text(encoding="utf-8"))

    def keyed(section: dict) -> dict:
        return {tuple(key.split("/")): value for key, value in section.items()}

    templates = {key: (v["messages"], v["A"], v["B"]) for key, v in keyed(doc["templates"]).items()}
    return templates, keyed(doc["comments"]), keyed(doc["about"])


_TEMPLATES, _COMMENT_TEXTS, _ABOUT_TEXTS = _load_texts()
_P_ABOUT_HOURS = 0.4
_P_ABOUT_RULES = 0.35


# --------------------------------------------------------------------------- helpers
def _num(study: str, item: str, table: str | None = None) -> float:
    row = published.fact(study, item, table=table)
    value = row["value_num"]
    if pd.isna(value):  # "4600+", "700+": keep the number written
        match = re.search(r"\d+(?:\.\d+)?", str(row["value"]))
        if match is None:
            raise ValueError(f"fact {study}/{item} has no number: {row['value']!r}")
        return float(match.group())
    return float(value)


def _fact_date(study: str, item: str, table: str) -> pd.Timestamp:
    locator = str(published.fact(study, item, table=table)["locator"])
    match = re.search(r"\d{4}-\d{2}-\d{2}", locator)
    if match is None:
        raise ValueError(f"fact {study}/{item}: no date in locator {locator!r}")
    return pd.Timestamp(match.group())


def _source(study: str, item: str, table: str | None = None) -> str:
    row = published.fact(study, item, table=table)
    return f"{study}/{row['table']}/{item}: {row['source']}, {row['locator']}"


def _hex_ids(rng: np.random.Generator, n: int, prefix: str = "p_") -> np.ndarray:
    """``n`` distinct pseudonyms ``prefix`` + 16 hex characters drawn from ``rng``."""
    table = np.array([f"{i:02x}" for i in range(256)])
    raw = rng.integers(0, 256, size=(n, 8), dtype=np.uint8)
    joined = np.ascontiguousarray(table[raw]).view("<U16").ravel()
    ids = np.char.add(prefix, joined).astype(object)
    if len(np.unique(ids)) != n:  # 64-bit collisions: practically impossible
        raise RuntimeError("pseudonym collision; change the seed")
    return ids


def _render(rng: np.random.Generator, groups: np.ndarray, entries: dict, keys: list) -> np.ndarray:
    """Fill templates per group: ``groups[i]`` indexes ``keys``; vectorised per template."""
    out = np.empty(len(groups), dtype=object)
    for g, key in enumerate(keys):
        idx = np.flatnonzero(groups == g)
        templates, slot_a, slot_b = entries[key]
        t = rng.integers(len(templates), size=len(idx))
        a = np.asarray(slot_a, dtype=object)[rng.integers(len(slot_a), size=len(idx))]
        b = np.asarray(slot_b, dtype=object)[rng.integers(len(slot_b), size=len(idx))]
        for j, template in enumerate(templates):
            sel = t == j
            if not sel.any():
                continue
            text = np.full(int(sel.sum()), "", dtype=object)
            for part in re.split(r"(\{[AB]\})", template):
                if part == "{A}":
                    text = text + a[sel]
                elif part == "{B}":
                    text = text + b[sel]
                elif part:
                    text = text + part
            out[idx[sel]] = text
    return out


def _pick(rng: np.random.Generator, lang_nn: np.ndarray, kind: str) -> np.ndarray:
    """One text of ``_COMMENT_TEXTS[(lang, kind)]`` per row."""
    nb = np.asarray(_COMMENT_TEXTS[("nb", kind)], dtype=object)
    nn = np.asarray(_COMMENT_TEXTS[("nn", kind)], dtype=object)
    u = rng.random(len(lang_nn))
    return np.where(lang_nn, nn[(u * len(nn)).astype(int)], nb[(u * len(nb)).astype(int)]).astype(
        object
    )


def _categorical(rng: np.random.Generator, cum: np.ndarray) -> np.ndarray:
    """Draw one category per row of a (rows, k) matrix of cumulative probabilities."""
    u = rng.random(cum.shape[0])[:, None]
    return np.minimum((u >= cum).sum(axis=1), cum.shape[1] - 1)


def _nb_zero_shape(mean: float, zero_share: float) -> float:
    """Gamma shape k of a negative binomial with ``mean`` and P(0) = ``zero_share``."""
    lo, hi = 1e-3, 1e3
    for _ in range(200):  # P(0) = (1 + m/k)^-k decreases in k
        k = np.sqrt(lo * hi)
        if (1 + mean / k) ** (-k) > zero_share:
            lo = k
        else:
            hi = k
    return float(np.sqrt(lo * hi))


def _is_off_day(days: pd.DatetimeIndex) -> np.ndarray:
    years = sorted({int(y) for y in days.year})
    hol = holidays.Norway(years=years, include_sundays=False)
    holiday = np.array([d in hol for d in days.date], dtype=bool)
    return (days.day_of_week >= 5) | holiday


def _to_oslo(origin: pd.Timestamp, seconds: np.ndarray) -> pd.DatetimeIndex:
    stamps = np.datetime64(origin.to_datetime64(), "s") + seconds.astype("timedelta64[s]")
    return pd.DatetimeIndex(stamps).tz_localize(schema.TZ).as_unit("us")


# --------------------------------------------------------------------------- calibration
def calibration() -> dict[str, float]:
    """The calibration targets derived from the published facts (see module docstring).

    Returns
    -------
    dict of str to float
        Target name → value.
    """
    n_mun = float(
        published.fact("ialloffentlighet", "municipalities_with_page", table="jan2013")["n_base"]
    )
    share_2011 = _num("thesis2012", "municipalities_with_official_facebook_page_dec2011")
    likers_13 = _num("ialloffentlighet", "total_likers", "jan2013")
    pages_13 = _num("ialloffentlighet", "municipalities_with_page", "jan2013")
    likers_15 = _num("ialloffentlighet", "total_likers", "apr2015")
    pages_15 = _num("ialloffentlighet", "municipalities_with_page", "apr2015")
    t13 = _fact_date("ialloffentlighet", "total_likers", "jan2013")
    t15 = _fact_date("ialloffentlighet", "total_likers", "apr2015")
    years = (t15 - t13).days / 365.25
    mean_13 = likers_13 / pages_13
    mean_15 = likers_15 / pages_15
    posts = _num("ialloffentlighet", "posts_observed", "jan2013")
    posting = _num("ialloffentlighet", "municipalities_posting", "jan2013")
    window_mean = posts / pages_13
    zero_share = 1 - posting / pages_13
    # Fraction of an ordinary week's posts that fall in Thu 08:00 - Fri 23:40 (39 h 40 min)
    hours = _HOURS_WEEKDAY / _HOURS_WEEKDAY.sum()
    week_units = 5 + 2 * _WEEKEND_WEIGHT
    window_fraction = (hours[8:].sum() + 1 - hours[23] * 20 / 60) / week_units
    return {
        "n_municipalities": n_mun,
        "pages_2013": _num("gambit2013", "facebook_pages_mapped"),
        "share_with_page_dec2011": share_2011 / 100,
        "pages_2012": round(share_2011 / 100 * n_mun),
        "mean_followers_jan2013": mean_13,
        "reference_date": t13.strftime("%Y-%m-%d"),
        "mean_followers_apr2015": mean_15,
        "annual_growth": (mean_15 / mean_13) ** (1 / years),
        "largest_page_2012": _num("thesis2012", "largest_page_followers"),
        "window_posts_per_page": window_mean,
        "window_zero_share": zero_share,
        "window_posts_per_posting_page": posts / posting,
        "reported_posts_per_posting_page": _num(
            "ialloffentlighet", "mean_posts_per_posting_municipality", "jan2013"
        ),
        "window_fraction_of_week": window_fraction,
        "posts_per_ordinary_week": window_mean / window_fraction,
        "posting_rate_gamma_shape": _nb_zero_shape(window_mean, zero_share),
        "tweets": float(_TWEETS),
        "participants": _num("thesis2012", "kommunedagene_participants"),
    }


# --------------------------------------------------------------------------- pages
def _language_nynorsk(reg: pd.DataFrame) -> np.ndarray:
    if "language_form" in reg.columns:
        form = reg["language_form"].astype("str").fillna("")
        return form.str.casefold().str.startswith("nynorsk").to_numpy(dtype=bool)
    county = reg["county"].astype("str").fillna("")
    return county.isin(_NYNORSK_COUNTIES).to_numpy(dtype=bool)


def _make_pages(
    rng: np.random.Generator, reg: pd.DataFrame, n_pages: int, years: tuple[int, ...], cal: dict
) -> tuple[pd.DataFrame, dict[int, np.ndarray]]:
    pop = reg["population"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    pop_filled = np.where(np.isnan(pop), np.nanmedian(pop), pop)
    if n_pages > len(reg):
        raise ValueError(f"n_pages={n_pages} exceeds the {len(reg)} municipalities")
    # Weighted random order without replacement (Efraimidis-Spirakis / Gumbel keys)
    keys = _ADOPTION_EXPONENT * np.log(pop_filled) + rng.gumbel(size=len(reg))
    order = np.argsort(-keys, kind="stable")[:n_pages]
    latest = max(years)
    ratio = cal["pages_2012"] / cal["pages_2013"]
    counts = {y: min(n_pages, round(n_pages * ratio ** (latest - y))) for y in years}

    rows = reg.iloc[order].reset_index(drop=True)
    labels = rng.choice(np.arange(100, 1000), size=n_pages, replace=False)
    page_id = np.char.add("demo-", labels.astype(str)).astype(object)
    name = np.char.add("Demo-kommune ", labels.astype(str)).astype(object)
    nynorsk = _language_nynorsk(rows)
    popf = pop_filled[order]

    # followers on the reference date (5 Jan 2013): mean = 155 000 / 210
    raw = popf**_FOLLOWER_POP_EXPONENT * rng.lognormal(0.0, _FOLLOWER_SIGMA, n_pages)
    f_ref = raw / raw.mean() * cal["mean_followers_jan2013"]
    growth = np.exp(
        np.log(cal["annual_growth"]) + rng.normal(0, _GROWTH_SIGMA, n_pages) - _GROWTH_SIGMA**2 / 2
    )
    k = cal["posting_rate_gamma_shape"]
    rate_week = np.minimum(rng.gamma(k, cal["posts_per_ordinary_week"] / k, n_pages), _MAX_RATE)
    engagement = rng.lognormal(np.log(_ENGAGEMENT_MEDIAN), _ENGAGEMENT_SIGMA, n_pages)
    split = rng.dirichlet(_SPLIT_DIRICHLET, n_pages)
    kind_p = rng.dirichlet(_KIND_CONCENTRATION * np.asarray(_KIND_BASE_SHARE), n_pages)
    fast = rng.random(n_pages) < _FAST_SHARE
    p_answer = np.where(fast, rng.beta(18, 2, n_pages), rng.beta(6, 4, n_pages))
    reach_rate = rng.uniform(0.12, 0.30, n_pages)
    ta_base = rng.uniform(0.0006, 0.0018, n_pages)
    has_hours = rng.random(n_pages) < _P_ABOUT_HOURS
    has_rules = rng.random(n_pages) < _P_ABOUT_RULES
    # recurring commenters: at least half the followers, more on pages with many comments
    n_years = sum(np.arange(n_pages) < c for c in counts.values())
    expected_comments = rate_week * 123 / 7 * n_years * f_ref * engagement * split[:, 1] * 1.2
    pool = np.round(
        np.maximum.reduce(
            [np.full(n_pages, _POOL_MIN), _POOL_PER_FOLLOWER * f_ref, expected_comments / 5]
        )
    ).astype(int)

    # About texts: intro with the pseudonymous name, then opening hours and/or page rules
    about = _about_texts(rng, nynorsk, name, has_hours, has_rules)
    pages = pd.DataFrame(
        {
            "page_id": page_id,
            "platform": "facebook",
            "name": name,
            "kommunenummer": rows["kommunenummer"].astype("str").to_numpy(),
            "kommunenummer_2024": rows["kommunenummer_2024"].astype("str").to_numpy(),
            "population": rows["population"].astype("Int64").to_numpy(),
            "about_text": about,
            "synthetic": True,
        }
    )
    traits = {
        "nynorsk": nynorsk,
        "f_ref": f_ref,
        "growth": growth,
        "rate_week": rate_week,
        "engagement": engagement,
        "split": split,
        "kind_cum": np.cumsum(kind_p, axis=1),
        "fast": fast,
        "p_answer": p_answer,
        "reach_rate": reach_rate,
        "ta_base": ta_base,
        "pool": pool,
        "adoption_rank": np.arange(n_pages),
        "counts": counts,
    }
    return pages, traits


def _about_texts(
    rng: np.random.Generator,
    nynorsk: np.ndarray,
    name: np.ndarray,
    has_hours: np.ndarray,
    has_rules: np.ndarray,
) -> np.ndarray:
    out = np.empty(len(name), dtype=object)
    for lang, mask in (("nb", ~nynorsk), ("nn", nynorsk)):
        idx = np.flatnonzero(mask)
        intro = _ABOUT_TEXTS[(lang, "intro")]
        pre = np.array([t.partition("{name}")[0] for t in intro], dtype=object)
        post = np.array([t.partition("{name}")[2] for t in intro], dtype=object)
        hours = np.asarray(_ABOUT_TEXTS[(lang, "hours")], dtype=object)
        rules = np.asarray(_ABOUT_TEXTS[(lang, "rules")], dtype=object)
        t = rng.integers(len(intro), size=len(idx))
        h = hours[rng.integers(len(hours), size=len(idx))]
        r = rules[rng.integers(len(rules), size=len(idx))]
        text = pre[t] + name[idx] + post[t]
        text = np.where(has_hours[idx], text + " " + h, text)
        text = np.where(has_rules[idx], text + " " + r, text)
        out[idx] = text
    return out


# --------------------------------------------------------------------------- one year
def _effort_clock(first_day: pd.Timestamp, n_days: int) -> np.ndarray:
    """Cumulative working effort at the start of each minute from ``first_day`` 00:00.

    Office hours on working days count 1 (0.5 in July), weekday evenings 0.12, weekends and
    public holidays 08-22 0.06, nights 0.01 (see the module docstring).
    """
    days = pd.date_range(first_day, periods=n_days, freq="D")
    off = _is_off_day(days)
    july = np.asarray(days.month == 7)
    m = np.arange(1440)
    office = (m >= 8 * 60) & (m < 15 * 60 + 30)
    evening = (m >= 15 * 60 + 30) & (m < 22 * 60)
    workday = np.where(office, 1.0, np.where(evening, 0.12, 0.01))
    offday = np.where((m >= 8 * 60) & (m < 22 * 60), 0.06, 0.01)
    weights = np.where(off[:, None], offday[None, :], workday[None, :])
    weights = np.where(july[:, None] & office[None, :] & ~off[:, None], 0.5, weights)
    return np.concatenate([[0.0], np.cumsum(weights.ravel())])


def _simulate_year(
    rng: np.random.Generator,
    year: int,
    pages: pd.DataFrame,
    traits: dict,
    pools: dict,
    cal: dict,
) -> dict[str, pd.DataFrame]:
    start, end = pd.Timestamp(year, 4, 1), pd.Timestamp(year, 8, 1)
    days = pd.date_range(start - pd.Timedelta(days=_BURN_IN_DAYS), end, freq="D")
    n_days = len(days)
    pidx = np.flatnonzero(traits["adoption_rank"] < traits["counts"][year])
    n_p = len(pidx)
    page_id = pages["page_id"].to_numpy(dtype=object)[pidx]
    nynorsk = traits["nynorsk"][pidx]

    # ---- followers: page trend x annual growth, noisy Poisson gains minus a few unlikes
    t_ref = pd.Timestamp(cal["reference_date"])
    t_days = np.asarray((days - t_ref).days, dtype=float)
    f_ref, growth = traits["f_ref"][pidx, None], traits["growth"][pidx, None]
    trend = f_ref * growth ** ((t_days[None, :] + 1) / 365.25)  # end of day
    before = f_ref * growth ** (t_days[None, :1] / 365.25)
    inc = np.clip(np.diff(trend, axis=1, prepend=before), 0, None)
    gains = rng.poisson((inc + _UNLIKE_RATE * trend) * rng.gamma(2.0, 0.5, size=inc.shape))
    losses = rng.poisson(_UNLIKE_RATE * trend)
    followers = np.maximum(np.round(before) + np.cumsum(gains - losses, axis=1), 0).astype(np.int64)

    # ---- posts: Poisson per page-day; weekday weight 1, off days 0.25, July halved
    off = _is_off_day(days)
    july = np.asarray(days.month == 7)
    day_w = np.where(off, _WEEKEND_WEIGHT, 1.0) * np.where(july, _JULY_POSTING, 1.0)
    week_units = 5 + 2 * _WEEKEND_WEIGHT
    lam = traits["rate_week"][pidx, None] / week_units * day_w[None, :]
    n_posts = rng.poisson(lam)
    flat = np.repeat(np.arange(n_p * n_days), n_posts.ravel())
    post_p, post_d = flat // n_days, flat % n_days
    n = len(flat)
    u = rng.random(n)
    cum_wd = np.cumsum(_HOURS_WEEKDAY) / _HOURS_WEEKDAY.sum()
    cum_we = np.cumsum(_HOURS_WEEKEND) / _HOURS_WEEKEND.sum()
    hour = np.where(
        off[post_d], np.searchsorted(cum_we, u, side="right"), np.searchsorted(cum_wd, u, "right")
    )
    hour = np.minimum(hour, 23)
    sec = post_d * 86400 + hour * 3600 + rng.integers(0, 3600, n)
    f_post = followers[post_p, post_d]
    kind = _categorical(rng, traits["kind_cum"][pidx][post_p])
    ptype = _categorical(rng, np.cumsum(_TYPE_GIVEN_KIND, axis=1)[kind])

    # ---- interactions: negative binomial around followers x page rate x built-in effects
    kind_eff = np.array([_KIND_EFFECTS[k] for k in POST_KINDS])
    type_eff = np.array([_TYPE_EFFECTS[t] for t in POST_TYPES])
    fast = traits["fast"][pidx][post_p]
    mu = (
        f_post
        * traits["engagement"][pidx][post_p]
        * np.where(fast, _FAST_RESPONDER_EFFECT, 1.0)
        * type_eff[ptype]
    )
    split = traits["split"][pidx][post_p]
    latent = rng.gamma(2.0, 0.5, n)
    likes = rng.poisson(mu * split[:, 0] * kind_eff[kind, 0] * latent)
    citizen = rng.poisson(mu * split[:, 1] * kind_eff[kind, 1] * latent * rng.gamma(3, 1 / 3, n))
    shares = rng.poisson(mu * split[:, 2] * kind_eff[kind, 2] * latent * rng.gamma(1.5, 1 / 1.5, n))
    inter = likes + citizen + shares
    reach = np.round(
        f_post * traits["reach_rate"][pidx][post_p] * rng.lognormal(0, 0.35, n) + 20 * inter
    ).astype(np.int64)
    impressions = np.round(reach * (1.3 + rng.gamma(2.0, 0.175, n))).astype(np.int64)
    engaged = np.round(0.85 * inter).astype(np.int64) + rng.poisson(0.01 * reach)

    # ---- page days (burn-in days feed the 7-day talking_about, are not written)
    cell = post_p * n_days + post_d

    def per_day(values: np.ndarray) -> np.ndarray:
        total = np.bincount(cell, weights=values, minlength=n_p * n_days)
        return np.round(total).astype(np.int64).reshape(n_p, n_days)

    stories = (
        rng.poisson(_TA_UNIQUE * per_day(inter))
        + gains
        + rng.poisson(traits["ta_base"][pidx, None] * followers)
    )
    cs = np.cumsum(stories, axis=1)
    talking = cs - np.concatenate([np.zeros((n_p, 7), np.int64), cs[:, :-7]], axis=1)
    day_reach = per_day(reach) + rng.poisson(0.02 * followers)
    day_impr = per_day(impressions) + rng.poisson(0.03 * followers)
    day_engaged = per_day(engaged) + rng.poisson(0.002 * followers)
    keep = slice(_BURN_IN_DAYS, None)
    out_days = days[keep]
    page_days = pd.DataFrame(
        {
            "page_id": np.repeat(page_id, len(out_days)),
            "date": np.tile(out_days.to_numpy(), n_p),
            "followers": followers[:, keep].ravel(),
            "talking_about": talking[:, keep].ravel(),
            "reach": day_reach[:, keep].ravel(),
            "impressions": day_impr[:, keep].ravel(),
            "engaged_users": day_engaged[:, keep].ravel(),
            "synthetic": True,
        }
    )

    # ---- posts written: from 1 April; ids numbered per page in time order
    out = np.flatnonzero(post_d >= _BURN_IN_DAYS)
    out = out[np.lexsort((sec[out], post_p[out]))]
    o_p = post_p[out]
    first = np.searchsorted(o_p, o_p, side="left")
    seq = np.arange(len(out)) - first + 1
    post_id = (
        pd.Series(page_id[o_p], dtype="str")
        + f"_{year}"
        + pd.Series(seq).astype("str").str.zfill(4)
    ).to_numpy(dtype=object)
    lang_post = nynorsk[o_p]
    keys = [(lang, k) for lang in ("nb", "nn") for k in POST_KINDS]
    group = np.where(lang_post, len(POST_KINDS), 0) + kind[out]
    message = _render(rng, group, _TEMPLATES, keys)

    # ---- citizen comments on written posts
    crow = np.repeat(np.arange(len(out)), citizen[out])  # index into `out`
    nc = len(crow)
    c_delay = np.clip(rng.lognormal(np.log(_COMMENT_DELAY_MEDIAN_MIN), 1.3, nc), 1, 4 * 1440)
    c_sec = sec[out][crow] + np.round(c_delay * 60).astype(np.int64)
    c_kind = kind[out][crow]
    q_share = np.array([_QUESTION_SHARE[k] for k in POST_KINDS])
    is_q = rng.random(nc) < q_share[c_kind]
    c_lang = lang_post[crow]
    c_msg = np.where(
        is_q,
        _pick(rng, c_lang, "question"),
        np.where(
            c_kind == POST_KINDS.index("question"),
            _pick(rng, c_lang, "opinion"),
            _pick(rng, c_lang, "statement"),
        ),
    )
    gpage = pidx[o_p][crow]  # page index in the pages table
    lo, hi = pools["before"][gpage], pools["total"][gpage]
    target = lo + rng.random(nc) * (hi - lo)
    member = np.searchsorted(pools["cum"], target, side="left")
    member = np.clip(member, pools["start"][gpage], pools["end"][gpage] - 1)
    author = pools["ids"][member]
    order = np.lexsort((c_sec, crow))
    crow, c_sec, is_q, c_msg, author = (
        crow[order],
        c_sec[order],
        is_q[order],
        c_msg[order],
        author[order],
    )
    c_id = (
        pd.Series(np.arange(1, nc + 1)).astype("str").str.zfill(6).radd(f"demo-c{year}-")
    ).to_numpy(dtype=object)

    # ---- page replies to questions, on the effort clock
    q = np.flatnonzero(is_q)
    q_page = pidx[o_p][crow[q]]
    answered = rng.random(len(q)) < traits["p_answer"][q_page]
    median = np.where(traits["fast"][q_page], _REPLY_MEDIAN_MIN[True], _REPLY_MEDIAN_MIN[False])
    effort = rng.lognormal(np.log(median), _REPLY_SIGMA)
    clock = _effort_clock(days[0], n_days + 21)
    minutes = np.arange(len(clock), dtype=float)
    q_min = c_sec[q] / 60
    goal = np.interp(q_min, minutes, clock) + effort
    answered &= goal < clock[-1]
    r_min = np.interp(goal, clock, minutes)
    r_sec = np.maximum(np.round(r_min * 60).astype(np.int64), c_sec[q] + 30)
    a = q[answered]
    r_sec = r_sec[answered]
    r_msg = _pick(rng, c_lang[order][a], "reply")
    n_r = len(a)
    comments = pd.DataFrame(
        {
            "comment_id": np.concatenate([c_id, c_id[a] + "-r"]),
            "post_id": np.concatenate([post_id[crow], post_id[crow[a]]]),
            "page_id": np.concatenate([page_id[o_p][crow], page_id[o_p][crow[a]]]),
            "parent_id": np.concatenate([np.full(nc, np.nan, dtype=object), c_id[a]]),
            "created_at": _to_oslo(days[0], np.concatenate([c_sec, r_sec])),
            "author_id": np.concatenate(
                [author, np.char.add("page:", page_id[o_p][crow[a]].astype(str)).astype(object)]
            ),
            "is_page_reply": np.concatenate([np.zeros(nc, bool), np.ones(n_r, bool)]),
            "message": np.concatenate([c_msg, r_msg]),
            "synthetic": True,
        }
    )
    n_comments = citizen[out] + np.bincount(crow[a], minlength=len(out))
    posts = pd.DataFrame(
        {
            "post_id": post_id,
            "page_id": page_id[o_p],
            "created_at": _to_oslo(days[0], sec[out]),
            "type": np.asarray(POST_TYPES, dtype=object)[ptype[out]],
            "message": message,
            "likes": likes[out],
            "comments": n_comments,
            "shares": shares[out],
            "reach": reach[out],
            "impressions": impressions[out],
            "engaged_users": engaged[out],
            "followers_at_posting": f_post[out],
            "synthetic": True,
        }
    )
    return {"page_days": page_days, "posts": posts, "comments": comments}


# --------------------------------------------------------------------------- visitor posts
#: Share of demo pages whose wall is open to citizens' posts (assumption: KS Veikart 2012,
#: s. 11, says many "avventende" municipalities have closed their walls; no count is
#: published).
_OPEN_WALL_SHARE = 0.6
#: Share of open-wall pages whose openness is *declared* in pages.open_wall (the rest are
#: left to be observed from their visitor posts); closed walls are always declared.
_DECLARED_OPEN_SHARE = 0.5
#: Visitor posts per week on an open wall: base + slope x followers / mean followers.
_VISITOR_RATE_BASE, _VISITOR_RATE_SLOPE = 0.15, 0.5
#: Share of visitor posts that are questions (citizens mostly post on the wall to ask).
_VISITOR_QUESTION_SHARE = 0.6
#: Seed offset of the visitor-post stream (independent of the other streams).
_VISITOR_STREAM = 0x5649
_VISITOR_TEXTS: dict[str, list[str]] = {
    "nb": [
        "Tips: gatelysene i boligfeltet har vært slukket i en uke.",
        "Stor takk til hjemmetjenesten for god hjelp til mor!",
        "Det er et stort hull i veien ved skolen.",
        "Flott arrangement i sentrum i helga!",
        "Søppelkassene ved badeplassen er fulle igjen.",
        "Skiltet ved rundkjøringen har blåst ned.",
    ],
    "nn": [
        "Tips: gatelysa i bustadfeltet har vore sløkte i ei veke.",
        "Stor takk til heimetenesta for god hjelp til mor!",
        "Det er ei stor grop i vegen ved skulen.",
        "Flott arrangement i sentrum i helga!",
        "Søppeldunkane ved badeplassen er fulle att.",
    ],
}


def _walls(rng: np.random.Generator, n_pages: int) -> tuple[np.ndarray, np.ndarray]:
    """Open wall per page (truth) and the declared value (pd.NA where not declared)."""
    open_ = rng.random(n_pages) < _OPEN_WALL_SHARE
    declare = ~open_ | (rng.random(n_pages) < _DECLARED_OPEN_SHARE)
    declared = pd.array(np.where(declare, open_, False), dtype="boolean")
    declared[~declare] = pd.NA
    return open_, np.asarray(declared, dtype=object)


def _visitor_year(
    rng: np.random.Generator,
    year: int,
    pages: pd.DataFrame,
    traits: dict,
    pools: dict,
    open_: np.ndarray,
    page_days: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Citizens' wall posts on open walls in one year and the page's answers to them."""
    start = pd.Timestamp(year, 4, 1)
    days = pd.date_range(start, pd.Timestamp(year, 8, 1), freq="D")
    n_days = len(days)
    pidx = np.flatnonzero((traits["adoption_rank"] < traits["counts"][year]) & open_)
    f_ref = traits["f_ref"]
    rate = _VISITOR_RATE_BASE + _VISITOR_RATE_SLOPE * f_ref[pidx] / f_ref.mean()
    off = _is_off_day(days)
    day_w = np.where(off, 0.5, 1.0)
    lam = rate[:, None] / (5 + 2 * 0.5) * day_w[None, :]
    n_posts = rng.poisson(lam)
    flat = np.repeat(np.arange(len(pidx) * n_days), n_posts.ravel())
    v_p, v_d = flat // n_days, flat % n_days
    n = len(flat)
    u = rng.random(n)
    cum_wd = np.cumsum(_HOURS_WEEKDAY) / _HOURS_WEEKDAY.sum()
    cum_we = np.cumsum(_HOURS_WEEKEND) / _HOURS_WEEKEND.sum()
    hour = np.minimum(
        np.where(
            off[v_d], np.searchsorted(cum_we, u, "right"), np.searchsorted(cum_wd, u, "right")
        ),
        23,
    )
    sec = v_d * 86400 + hour * 3600 + rng.integers(0, 3600, n)
    order = np.lexsort((sec, v_p))
    v_p, v_d, sec = v_p[order], v_d[order], sec[order]
    gpage = pidx[v_p]
    page_id = pages["page_id"].to_numpy(dtype=object)[gpage]
    first = np.searchsorted(v_p, v_p, side="left")
    seq = np.arange(n) - first + 1
    post_id = (
        pd.Series(page_id, dtype="str") + f"_{year}v" + pd.Series(seq).astype("str").str.zfill(4)
    ).to_numpy(dtype=object)
    lang = traits["nynorsk"][gpage]
    is_q = rng.random(n) < _VISITOR_QUESTION_SHARE
    nb = np.asarray(_VISITOR_TEXTS["nb"], dtype=object)
    nn = np.asarray(_VISITOR_TEXTS["nn"], dtype=object)
    u = rng.random(n)
    statement = np.where(lang, nn[(u * len(nn)).astype(int)], nb[(u * len(nb)).astype(int)])
    message = np.where(is_q, _pick(rng, lang, "question"), statement)
    member = pools["start"][gpage] + (
        rng.random(n) * (pools["end"][gpage] - pools["start"][gpage])
    ).astype(np.int64)
    author = pools["ids"][member]
    likes = rng.poisson(1.0, n)

    # the page answers questions on its wall as it answers comments (effort clock)
    q = np.flatnonzero(is_q)
    answered = rng.random(len(q)) < traits["p_answer"][gpage[q]]
    median = np.where(traits["fast"][gpage[q]], _REPLY_MEDIAN_MIN[True], _REPLY_MEDIAN_MIN[False])
    effort = rng.lognormal(np.log(median), _REPLY_SIGMA)
    clock = _effort_clock(days[0], n_days + 21)
    minutes = np.arange(len(clock), dtype=float)
    goal = np.interp(sec[q] / 60, minutes, clock) + effort
    answered &= goal < clock[-1]
    r_sec = np.maximum(np.round(np.interp(goal, clock, minutes) * 60).astype(np.int64), sec[q] + 30)
    a = q[answered]
    r_sec = r_sec[answered]
    replies = pd.DataFrame(
        {
            "comment_id": post_id[a] + "-r",
            "post_id": post_id[a],
            "page_id": page_id[a],
            "parent_id": np.full(len(a), np.nan, dtype=object),
            "created_at": _to_oslo(days[0], r_sec),
            "author_id": np.char.add("page:", page_id[a].astype(str)).astype(object),
            "is_page_reply": np.ones(len(a), bool),
            "message": _pick(rng, lang[a], "reply"),
            "synthetic": True,
        }
    )
    n_comments = np.zeros(n, dtype=np.int64)
    n_comments[a] = 1
    fol = page_days.set_index(["page_id", "date"])["followers"]
    f_post = fol.reindex(pd.MultiIndex.from_arrays([page_id, days[v_d]])).to_numpy()
    posts = pd.DataFrame(
        {
            "post_id": post_id,
            "page_id": page_id,
            "created_at": _to_oslo(days[0], sec),
            "type": "status",
            "message": message,
            "author_kind": "visitor",
            "author_id": author,
            "likes": likes,
            "comments": n_comments,
            "shares": np.zeros(n, dtype=np.int64),
            "followers_at_posting": f_post,
            "synthetic": True,
        }
    )
    return posts, replies


# --------------------------------------------------------------------------- activity
def _activity(rng: np.random.Generator, cal: dict) -> pd.DataFrame:
    n_pool, n = int(cal["participants"]), int(cal["tweets"])
    ids = _hex_ids(rng, n_pool)
    log_w = rng.normal(0.0, 1.8, n_pool)
    w = np.exp(log_w)
    actor = rng.choice(n_pool, size=n, p=w / w.sum())
    z = (log_w - log_w.mean()) / log_w.std()
    p_post = 1 / (1 + np.exp(-(-0.8 + 1.0 * z)))
    u = rng.random(n)
    pp = p_post[actor]
    action = np.where(u < pp, "post", np.where(u < pp + (1 - pp) * 0.85, "retweet", "reply"))
    day = rng.choice(len(_ACTIVITY_DAYS), size=n, p=[0.25, 0.5, 0.25])
    hours = np.array(
        [0, 0, 0, 0, 0, 0, 1, 3, 8, 12, 12, 11, 8, 10, 11, 10, 8, 5, 3, 3, 4, 3, 2, 1], float
    )
    hour = rng.choice(24, size=n, p=hours / hours.sum())
    sec = day * 86400 + hour * 3600 + rng.integers(0, 3600, n)
    order = np.lexsort((actor, sec))
    frame = pd.DataFrame(
        {
            "actor_id": ids[actor[order]],
            "community": COMMUNITY,
            "action": action[order],
            "created_at": _to_oslo(pd.Timestamp(_ACTIVITY_DAYS[0]), sec[order]),
            "item_id": pd.Series(np.arange(1, n + 1)).astype("str").str.zfill(4).radd("demo-tw"),
            "synthetic": True,
        }
    )
    return frame


# --------------------------------------------------------------------------- summary
def _window_check(posts: pd.DataFrame, pages_in_year: int, year: int) -> tuple[float, float]:
    """Mean posts per page and share of pages posting in Thu 08:00 - Fri 23:40 windows of
    ordinary weeks (Thursday and Friday working days, not July) of ``year``."""
    days = pd.date_range(pd.Timestamp(year, 4, 1), pd.Timestamp(year, 8, 1), freq="D")
    off = _is_off_day(days)
    thursdays = [
        d
        for d, o in zip(days, off, strict=True)
        if d.day_of_week == 3
        and not o
        and d.month != 7
        and (d + pd.Timedelta(days=1)) in days
        and not _is_off_day(pd.DatetimeIndex([d + pd.Timedelta(days=1)]))[0]
    ]
    t = posts["created_at"].dt.tz_localize(None)
    counts = []
    for thu in thursdays:
        lo, hi = thu + pd.Timedelta(hours=8), thu + pd.Timedelta(days=1, hours=23, minutes=40)
        sel = (t >= lo) & (t < hi)
        per_page = posts.loc[sel, "page_id"].value_counts()
        counts.append(
            np.concatenate([per_page.to_numpy(), np.zeros(pages_in_year - len(per_page))])
        )
    allc = np.concatenate(counts)
    return float(allc.mean()), float((allc > 0).mean())


def _summary(tables: dict[str, pd.DataFrame], cal: dict, counts: dict[int, int]) -> list[dict]:
    """Calibration table: quantity, target, reached in the panel, source."""
    pd_ = tables["page_days"]
    posts = tables["posts"]
    comments = tables["comments"]
    latest, first = max(counts), min(counts)
    rows: list[dict] = []

    def add(quantity: str, target: str, reached: str, source: str) -> None:
        rows.append({"quantity": quantity, "target": target, "reached": reached, "source": source})

    pages_per_year = pd_.groupby(pd_["date"].dt.year)["page_id"].nunique()
    for year in sorted(counts, reverse=True):
        if year == latest:
            target = f"{counts[year]} (n_pages; Gambit: {cal['pages_2013']:.0f})"
            source = _source("gambit2013", "facebook_pages_mapped")
        else:
            target = (
                f"{counts[year]} (x {cal['pages_2012']}/{cal['pages_2013']:.0f} a year back; "
                f"{cal['pages_2012']} = {cal['share_with_page_dec2011']:.0%} of "
                f"{cal['n_municipalities']:.0f}, Dec 2011)"
            )
            source = _source("thesis2012", "municipalities_with_official_facebook_page_dec2011")
        add(f"pages {year}", target, f"{pages_per_year.get(year, 0)}", source)
    t_ref = pd.Timestamp(cal["reference_date"])
    apr1 = pd.Timestamp(latest, 4, 1)
    expected = cal["mean_followers_jan2013"] * cal["annual_growth"] ** (
        (apr1 - t_ref).days / 365.25
    )
    first_days = pd_[(pd_["date"] >= apr1) & (pd_["date"] < apr1 + pd.Timedelta(days=3))]
    add(
        f"mean followers, 1-3 April {latest}",
        f"{expected:.0f} (= {cal['mean_followers_jan2013']:.0f} on {cal['reference_date']} "
        f"x growth)",
        f"{first_days['followers'].mean():.0f}",
        _source("ialloffentlighet", "total_likers", "jan2013")
        + " / "
        + _source("ialloffentlighet", "municipalities_with_page", "jan2013"),
    )
    f_by_page = pd_.groupby([pd_["date"].dt.year, "page_id"])["followers"]
    grow = (f_by_page.last() / f_by_page.first()) ** (365.25 / 122)
    add(
        "annual follower growth (mean factor)",
        f"x{cal['annual_growth']:.2f}",
        f"x{grow.mean():.2f}",
        _source("ialloffentlighet", "total_likers", "apr2015"),
    )
    apr_first = pd_[pd_["date"] == pd.Timestamp(first, 4, 1)]
    add(
        f"largest page, 1 April {first}",
        f"a few thousand (largest real page early 2012: {cal['largest_page_2012']:.0f}+)",
        f"{apr_first['followers'].max()}",
        _source("thesis2012", "largest_page_followers"),
    )
    latest_posts = posts[posts["created_at"].dt.year == latest]
    win_mean, win_share = _window_check(latest_posts, int(pages_per_year.get(latest, 0)), latest)
    add(
        "posts per page in a Thu 08:00-Fri 23:40 window (ordinary weeks)",
        f"{cal['window_posts_per_page']:.2f}",
        f"{win_mean:.2f}",
        _source("ialloffentlighet", "posts_observed", "jan2013"),
    )
    add(
        "share of pages posting in such a window",
        f"{1 - cal['window_zero_share']:.0%}",
        f"{win_share:.0%}",
        _source("ialloffentlighet", "municipalities_posting", "jan2013"),
    )
    n_all = int(pages_per_year.sum())
    spring = posts[posts["created_at"].dt.month <= 6]
    per_spring = spring.groupby([spring["created_at"].dt.year, "page_id"]).size() / (91 / 7)
    add(
        "posts per page per week, April-June (no July halving; holidays included)",
        f"{cal['posts_per_ordinary_week']:.1f} in ordinary weeks "
        f"(gamma shape {cal['posting_rate_gamma_shape']:.2f}, cut at {_MAX_RATE:.0f})",
        f"{per_spring.sum() / n_all:.1f}",
        "derived from the two rows above and the generator's time profile",
    )
    weeks = 123 / 7
    ppw = posts.groupby([posts["created_at"].dt.year, "page_id"]).size() / weeks
    ppw_all = np.concatenate([ppw.to_numpy(), np.zeros(n_all - len(ppw))])
    add(
        "posts per page per week, 1 April - 1 August (mean / median / share > 4)",
        "heterogeneous, straddling H1's threshold of 4",
        f"{ppw_all.mean():.1f} / {np.median(ppw_all):.1f} / {(ppw_all > 4).mean():.0%}",
        "brief (H1: gambit2013 hypotheses)",
    )
    rate = (posts["likes"] + posts["comments"] + posts["shares"]) / posts["followers_at_posting"]
    add(
        "interactions / followers per post (median, IQR)",
        "1-5 %",
        f"{rate.median():.1%} ({rate.quantile(0.25):.1%}-{rate.quantile(0.75):.1%})",
        "brief (no published per-post rate)",
    )
    ratio = (pd_["followers"] / pd_["talking_about"].where(pd_["talking_about"] > 0)).astype(float)
    by_page = ratio.groupby(pd_["page_id"]).median()
    add(
        "followers / talking_about (median over page-days; 10th-90th pct of page medians)",
        "typically 5-40",
        f"{ratio.median():.1f} ({by_page.quantile(0.1):.1f}-{by_page.quantile(0.9):.1f})",
        _source("thesis2012", "indicator_definition"),
    )
    q = comments[~comments["is_page_reply"] & comments["message"].str.contains("?", regex=False)]
    parents = comments["parent_id"].dropna().to_numpy(dtype=str)
    answered = pd.Series(np.isin(q["comment_id"].to_numpy(dtype=str), parents))
    add(
        "share of citizen questions answered",
        "assumption: most, not all",
        f"{answered.mean():.0%} of {len(q)}",
        "response norms of KS' Veikart (Langva, Meling & Wessel-Aas 2012; no published share)",
    )
    act = tables["activity"]
    per_actor = act.groupby("actor_id").size().sort_values(ascending=False)
    top = per_actor.head(max(1, round(0.1 * len(per_actor)))).sum() / len(act)
    add(
        f"{COMMUNITY} actions (distinct actors; share by top 10 %)",
        f"{cal['tweets']:.0f} ('just under 700'), pool of {cal['participants']:.0f}",
        f"{len(act)} ({len(per_actor)}; {top:.0%})",
        _source("thesis2012", "kommunedagene_messages")
        + " / "
        + _source("thesis2012", "kommunedagene_participants"),
    )
    return rows


def _readme(
    seed: int, tables: dict[str, pd.DataFrame], summary: list[dict], counts: dict[int, int]
) -> str:
    lines = [
        f"# SYNTHETIC demo data — generated by `kommunesm.demo.generate(seed={seed})`",
        "",
        "Nothing in this directory is real social-media data. The pages carry real 2013",
        "kommunenummer and population (so that joins work) but are shown only as pseudonyms",
        '("Demo-kommune NNN"); posts, comments, people and numbers are generated. Every',
        "table has `synthetic=True`. Do not present these numbers under a municipality's",
        "real name. Regenerate with `kommunesm demo` (same seed -> byte-identical files).",
        f'Generator version `DEMO_VERSION = "{DEMO_VERSION}"`; see `kommunesm/demo.py` for',
        "the model and `MANIFEST.json` for checksums.",
        "",
        "Period: 1 April - 1 August (inclusive) of "
        + ", ".join(str(y) for y in sorted(counts))
        + "; pages per year: "
        + ", ".join(f"{y}: {counts[y]}" for y in sorted(counts))
        + ".",
        "",
        "## Files",
        "",
        "| file | table | rows |",
        "|---|---|---:|",
    ]
    for table, name in FILES.items():
        lines.append(f"| `{name}` | {table} | {len(tables[table])} |")
    lines += [
        "",
        "## Calibration",
        "",
        "| quantity | target | reached in this panel | source |",
        "|---|---|---|---|",
    ]
    for row in summary:
        cells = [str(row[k]).replace("|", "/") for k in ("quantity", "target", "reached", "source")]
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "## Effects built in by construction",
        "",
        'Any "finding" about these effects in the demo report was put there by the generator.',
        "",
        "| effect | hypothesis | level | multiplier | description |",
        "|---|---|---|---|---|",
    ]
    for effect, spec in BUILT_IN_EFFECTS.items():
        lines.append(
            f"| {effect} | {spec['hypothesis']} | {spec['level']} | {spec['multiplier']} | "
            f"{spec['description']} |"
        )
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- entry point
def generate(
    seed: int = 2013,
    out_dir: str | Path | None = DEFAULT_DIR,
    n_pages: int = 225,
    years: tuple[int, ...] = (2012, 2013),
) -> dict[str, pd.DataFrame]:
    """Generate the synthetic demo panel, validate it, and (unless ``out_dir`` is None)
    write it with a README.md and MANIFEST.json.

    Parameters
    ----------
    seed : int, default 2013
        Seed of the random streams; the same seed gives byte-identical files.
    out_dir : str or Path, optional
        Output directory (default: the package's embedded ``kommunesm/data/demo``); None: write nothing.
    n_pages : int, default 225
        Pages in the latest year (default 225, Johnsen, Jørgensen & Aaneland 2013).
    years : tuple, default (2012, 2013)
        Years to simulate, each 1 April - 1 August; earlier years have fewer pages.

    Returns
    -------
    dict
        ``pages``, ``page_days``, ``posts``, ``comments``, ``activity`` as canonical,
        validated tables (every row ``synthetic=True``).
    """
    from kommunesm import registry

    years = tuple(sorted({int(y) for y in years}))
    if not years:
        raise ValueError("years must name at least one year")
    cal = calibration()
    reg = registry.municipalities(year=2013)
    reg = reg.sort_values("kommunenummer", kind="stable").reset_index(drop=True)
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3 + len(years))]
    rng_pages, rng_pool, rng_act, rng_years = streams[0], streams[1], streams[2], streams[3:]

    pages, traits = _make_pages(rng_pages, reg, n_pages, years, cal)
    size = traits["pool"]
    weights = np.exp(_AUTHOR_SIGMA * np.minimum(rng_pool.standard_normal(size.sum()), 3.0))
    cum = np.cumsum(weights)
    end = np.cumsum(size)
    start = end - size
    pools = {
        "ids": _hex_ids(rng_pool, int(size.sum())),
        "cum": cum,
        "start": start,
        "end": end,
        "before": np.where(start > 0, cum[np.maximum(start - 1, 0)], 0.0),
        "total": cum[end - 1],
    }
    parts = [
        _simulate_year(rng, y, pages, traits, pools, cal)
        for rng, y in zip(rng_years, years, strict=True)
    ]
    # citizens' wall posts: their own stream, so the other tables do not change with them
    rng_vis = np.random.default_rng([seed, _VISITOR_STREAM])
    open_, declared = _walls(rng_vis, len(pages))
    pages = pages.assign(open_wall=declared)
    for part, y in zip(parts, years, strict=True):
        part["posts"] = part["posts"].assign(author_kind="page")
        vis, replies = _visitor_year(rng_vis, y, pages, traits, pools, open_, part["page_days"])
        part["posts"] = pd.concat([part["posts"], vis], ignore_index=True)
        part["comments"] = pd.concat([part["comments"], replies], ignore_index=True)
    tables: dict[str, pd.DataFrame] = {
        "pages": pages.sort_values("page_id", kind="stable"),
        "page_days": pd.concat([p["page_days"] for p in parts]).sort_values(
            ["page_id", "date"], kind="stable"
        ),
        "posts": pd.concat([p["posts"] for p in parts]).sort_values(
            ["page_id", "created_at", "post_id"], kind="stable"
        ),
        "comments": pd.concat([p["comments"] for p in parts]).sort_values(
            ["post_id", "created_at", "comment_id"], kind="stable"
        ),
        "activity": _activity(rng_act, cal),
    }
    for name in tables:
        frame = schema.coerce_dtypes(tables[name].reset_index(drop=True), name)
        kept, quarantine = schema.validate(frame, name, source=f"demo {name}")
        if len(quarantine):
            raise RuntimeError(f"demo table {name!r} fails its schema:\n{quarantine.head()}")
        tables[name] = kept
    if out_dir is not None:
        _write(tables, Path(out_dir), seed, cal, traits["counts"])
        _write_instagram(generate_instagram(tables, seed), Path(out_dir))
    return tables


# --------------------------------------------------------------------------- instagram
#: Files of the synthetic Instagram accounts (issue 14), beside the Facebook panel. They
#: have their own names so that the 2013 Facebook chapters read exactly the tables they
#: always did; :func:`kommunesm.io.dataset.read_dataset` with ``platforms=True`` adds
#: them.
INSTAGRAM_FILES: dict[str, str] = {
    "pages": "instagram_pages.csv",
    "page_days": "instagram_page_days.csv.gz",
    "posts": "instagram_posts.csv.gz",
    "comments": "instagram_comments.csv.gz",
}
_IG_SHARE = 0.35  # share of the demo municipalities with an Instagram account
_IG_FOLLOWER_RATIO = 0.45  # Instagram followers / Facebook followers (median)
_IG_POSTS_PER_WEEK = 1.3
_IG_LIKE_RATE = 0.045  # likes per follower per post (median)
_IG_COMMENT_RATE = 0.0025
_IG_VIDEO_SHARE = 0.3
_IG_QUESTION_SHARE = 0.2
_IG_P_ANSWER = 0.55
_IG_REPLY_MEDIAN_MIN = 300.0
_IG_CAPTIONS = (
    "Sommerstemning ved fjorden i dag.",
    "Husk at biblioteket har sommeråpent fra neste uke.",
    "Nytt fortau ved skolen er ferdig. Takk for tålmodigheten!",
    "Bli med på ryddedugnad lørdag kl. 11.",
    "Se bildene fra 17. mai-feiringen.",
    "Brannvesenet øvde i sentrum i dag.",
)
_IG_QUESTIONS = (
    "Når åpner badeplassen?",
    "Hvor kan jeg levere hageavfall?",
    "Er biblioteket åpent i juli?",
    "Kommer det flere slike arrangementer?",
)
_IG_COMMENTS = ("Så fint!", "Flott bilde.", "Bra jobba!", "Heia kommunen!")
_IG_REPLIES = (
    "Takk for spørsmålet! Se nettsiden vår for detaljer.",
    "Hei! Det stemmer, velkommen.",
)


def generate_instagram(
    facebook: dict[str, pd.DataFrame], seed: int = 2013
) -> dict[str, pd.DataFrame]:
    """Synthetic Instagram accounts for part of the demo municipalities.

    About a third of the municipalities in the Facebook panel (:data:`_IG_SHARE`, chosen
    with probability rising with population) get an account in every year of the panel
    (1 April – 1 August), with fewer followers than their Facebook page, about
    :data:`_IG_POSTS_PER_WEEK` posts a week, likes and comments but no shares (the
    Instagram API gives none), views on videos, and citizen comments with questions of
    which the account answers fewer (about half) than the Facebook pages do. The stream of random numbers
    is its own (``SeedSequence([seed, 14])``), so the Facebook panel is unchanged.
    Everything is labelled synthetic; names are pseudonyms ("Demo-kommune 105
    (Instagram)").
    """
    rng = np.random.default_rng(np.random.SeedSequence([seed, 14]))
    fb_pages = facebook["pages"].sort_values("page_id", kind="stable").reset_index(drop=True)
    fb_days = facebook["page_days"]
    years = sorted(int(y) for y in fb_days["date"].dt.year.unique())
    pop = fb_pages["population"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    pop = np.where(np.isnan(pop), np.nanmedian(pop), pop)
    keys = 0.8 * np.log(pop) + rng.gumbel(size=len(fb_pages))
    n_ig = int(round(_IG_SHARE * len(fb_pages)))
    chosen = np.sort(np.argsort(-keys, kind="stable")[:n_ig])
    base = fb_pages.iloc[chosen].reset_index(drop=True)
    label = base["page_id"].str.removeprefix("demo-")
    page_id = ("instagram:demo-" + label).to_numpy(dtype=object)
    pages = pd.DataFrame(
        {
            "page_id": page_id,
            "platform": "instagram",
            "name": ("Demo-kommune " + label + " (Instagram)").to_numpy(dtype=object),
            "kommunenummer": base["kommunenummer"].to_numpy(),
            "kommunenummer_2024": base["kommunenummer_2024"].to_numpy(),
            "population": base["population"].to_numpy(),
            "about_text": "Kommunens offisielle Instagram-konto (syntetisk demo).",
            "synthetic": True,
        }
    )
    last_fb = fb_days.sort_values("date").groupby("page_id")["followers"].last()
    fb_followers = last_fb.reindex(base["page_id"]).to_numpy(dtype=float, na_value=np.nan)
    fb_followers = np.where(np.isnan(fb_followers), np.nanmedian(fb_followers), fb_followers)
    ratio = rng.lognormal(np.log(_IG_FOLLOWER_RATIO), 0.5, n_ig)
    engagement = rng.lognormal(np.log(_IG_LIKE_RATE), 0.4, n_ig)
    rate = rng.gamma(2.0, _IG_POSTS_PER_WEEK / 2.0, n_ig)
    p_answer = rng.beta(_IG_P_ANSWER * 8, (1 - _IG_P_ANSWER) * 8, n_ig)
    parts = {"page_days": [], "posts": [], "comments": []}
    for year in years:
        growth = 1.0 / (1.6 ** (max(years) - year))
        followers = np.maximum(np.round(fb_followers * ratio * growth), 30).astype(np.int64)
        start = pd.Timestamp(f"{year}-04-01")
        n_days = (pd.Timestamp(f"{year}-08-01") - start).days
        end_followers = np.round(followers * rng.lognormal(0.05, 0.03, n_ig)).astype(np.int64)
        parts["page_days"].append(
            pd.DataFrame(
                {
                    "page_id": np.repeat(page_id, 2),
                    "date": np.tile(np.array([start, start + pd.Timedelta(days=n_days - 1)]), n_ig),
                    "followers": np.column_stack([followers, end_followers]).ravel(),
                    "synthetic": True,
                }
            )
        )
        n_posts = rng.poisson(rate * n_days / 7)
        p = np.repeat(np.arange(n_ig), n_posts)
        n = len(p)
        # posting days at random, daytime hours (07-20); numbered per account in time order
        sec = rng.integers(0, n_days, n) * 86400 + rng.integers(7 * 3600, 20 * 3600, n)
        sec = sec[np.lexsort((sec, p))]
        latent = rng.gamma(2.5, 0.4, n)
        f_post = followers[p]
        likes = rng.poisson(f_post * engagement[p] * latent)
        citizen = rng.poisson(f_post * _IG_COMMENT_RATE * latent * 1.5)
        video = rng.random(n) < _IG_VIDEO_SHARE
        views = np.where(video, rng.poisson(f_post * 1.2 * latent), -1)
        first = np.searchsorted(p, p, side="left")
        seq = np.arange(n) - first + 1
        post_id = (
            pd.Series(page_id[p], dtype="str")
            + f"_{year}"
            + pd.Series(seq).astype("str").str.zfill(4)
        ).to_numpy(dtype=object)
        created = _to_oslo(start, sec)
        # citizen comments, some of them questions; the account answers some
        crow = np.repeat(np.arange(n), citizen)
        nc = len(crow)
        c_sec = sec[crow] + np.round(
            np.clip(rng.lognormal(np.log(120.0), 1.2, nc), 1, 3 * 1440) * 60
        ).astype(np.int64)
        is_q = rng.random(nc) < _IG_QUESTION_SHARE
        c_msg = np.where(
            is_q,
            rng.choice(np.array(_IG_QUESTIONS, dtype=object), nc),
            rng.choice(np.array(_IG_COMMENTS, dtype=object), nc),
        )
        author = _hex_ids(rng, nc)
        c_id = (
            pd.Series(np.arange(1, nc + 1)).astype("str").str.zfill(6).radd(f"demo-igc{year}-")
        ).to_numpy(dtype=object)
        q = np.flatnonzero(is_q)
        answered = q[rng.random(len(q)) < p_answer[p[crow[q]]]]
        r_sec = c_sec[answered] + np.round(
            rng.lognormal(np.log(_IG_REPLY_MEDIAN_MIN), 1.0, len(answered)) * 60
        ).astype(np.int64)
        na = len(answered)
        parts["comments"].append(
            pd.DataFrame(
                {
                    "comment_id": np.concatenate([c_id, c_id[answered] + "-r"]),
                    "post_id": np.concatenate([post_id[crow], post_id[crow[answered]]]),
                    "page_id": np.concatenate([page_id[p[crow]], page_id[p[crow[answered]]]]),
                    "parent_id": np.concatenate(
                        [np.full(nc, np.nan, dtype=object), c_id[answered]]
                    ),
                    "created_at": _to_oslo(start, np.concatenate([c_sec, r_sec])),
                    "author_id": np.concatenate(
                        [
                            author,
                            ("page:" + pd.Series(page_id[p[crow[answered]]], dtype="str")).to_numpy(
                                dtype=object
                            ),
                        ]
                    ),
                    "is_page_reply": np.concatenate([np.zeros(nc, bool), np.ones(na, bool)]),
                    "message": np.concatenate(
                        [c_msg, rng.choice(np.array(_IG_REPLIES, dtype=object), na)]
                    ),
                    "platform": "instagram",
                    "synthetic": True,
                }
            )
        )
        n_comments = citizen + np.bincount(crow[answered], minlength=n)
        parts["posts"].append(
            pd.DataFrame(
                {
                    "post_id": post_id,
                    "page_id": page_id[p],
                    "created_at": created,
                    "platform": "instagram",
                    "type": np.where(video, "REELS", "FEED").astype(object),
                    "message": rng.choice(np.array(_IG_CAPTIONS, dtype=object), n),
                    "likes": likes,
                    "comments": n_comments,
                    "views": pd.Series(views).where(views >= 0).astype("Int64").to_numpy(),
                    "followers_at_posting": f_post,
                    "synthetic": True,
                }
            )
        )
    tables = {
        "pages": pages,
        "page_days": pd.concat(parts["page_days"]).sort_values(["page_id", "date"], kind="stable"),
        "posts": pd.concat(parts["posts"]).sort_values(
            ["page_id", "created_at", "post_id"], kind="stable"
        ),
        "comments": pd.concat(parts["comments"]).sort_values(
            ["post_id", "created_at", "comment_id"], kind="stable"
        ),
    }
    for name in tables:
        frame = schema.coerce_dtypes(tables[name].reset_index(drop=True), name)
        kept, quarantine = schema.validate(frame, name, source=f"demo instagram {name}")
        if len(quarantine):
            raise RuntimeError(f"demo instagram {name!r} fails its schema:\n{quarantine.head()}")
        tables[name] = kept
    return tables


def _write(
    tables: dict[str, pd.DataFrame], out: Path, seed: int, cal: dict, counts: dict[int, int]
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    files = {}
    for table, name in FILES.items():
        path = canonical.write_table(tables[table], out / name, table)
        files[name] = {
            "rows": len(tables[table]),
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "table": table,
        }
    readme = _readme(seed, tables, _summary(tables, cal, counts), counts)
    (out / "README.md").write_text(readme, encoding="utf-8", newline="\n")
    manifest = {
        "demo_version": DEMO_VERSION,
        "files": files,
        "generator": "kommunesm.demo.generate",
        "n_pages": int(tables["pages"].shape[0]),
        "readme_sha256": hashlib.sha256(readme.encode("utf-8")).hexdigest(),
        "seed": seed,
        "synthetic": True,
        "years": sorted(counts),
    }
    text = json.dumps(manifest, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    (out / "MANIFEST.json").write_text(text, encoding="utf-8", newline="\n")


def describe_built_in_effects(names: Sequence[str] | None = None) -> str:
    """What the demo generator put into the synthetic panel, for the named effects.

    Reads :data:`BUILT_IN_EFFECTS` (empty string for unknown names), so
    that a notebook run on the demo panel says that its "findings" were built in.

    Parameters
    ----------
    names : sequence of str, optional
        Effects to describe (default: all).

    Returns
    -------
    str
        Markdown sentences; empty when there is nothing to say.
    """
    effects = BUILT_IN_EFFECTS
    if not effects:
        return ""
    keys = [k for k in (names or list(effects)) if k in effects]
    if not keys:
        return ""
    parts = [
        f"{k} ({effects[k].get('hypothesis', '-')}): {effects[k].get('description', '')}"
        for k in keys
    ]
    return (
        "On the synthetic demo panel these effects were put in by the generator "
        "(kommunesm.demo.BUILT_IN_EFFECTS): " + " ".join(parts) + " Estimates below recover "
        "the generator's settings; they are not findings about Norwegian municipalities."
    )


def _write_instagram(tables: dict[str, pd.DataFrame], out: Path) -> None:
    """Write the Instagram tables, list them in MANIFEST.json and describe them in the
    README (after :func:`_write`)."""
    manifest_path = out / "MANIFEST.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for table, name in INSTAGRAM_FILES.items():
        path = canonical.write_table(tables[table], out / name, table)
        manifest["files"][name] = {
            "rows": len(tables[table]),
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "table": table,
        }
    posts = tables["posts"]
    per_year = posts.groupby(posts["created_at"].dt.year).size()
    lines = [
        "",
        "## Instagram (issue 14)",
        "",
        f"`instagram_*.csv(.gz)`: {len(tables['pages'])} synthetic Instagram accounts of "
        "municipalities that also have a demo Facebook page (about a third, more likely the "
        "larger ones), generated by `kommunesm.demo.generate_instagram` from its own random "
        "stream (the Facebook files do not change). Posts per year: "
        + ", ".join(f"{y}: {n}" for y, n in per_year.items())
        + f"; {len(tables['comments'])} comments and replies. Followers are given on the first "
        "and last day of each period. Likes, comments and views (videos), no shares (the "
        "Instagram API gives none). Read them with `read_dataset(..., platforms=True)`.",
        "",
    ]
    readme_path = out / "README.md"
    readme = readme_path.read_text(encoding="utf-8").rstrip("\n") + "\n" + "\n".join(lines)
    readme_path.write_text(readme, encoding="utf-8", newline="\n")
    manifest["readme_sha256"] = hashlib.sha256(readme.encode("utf-8")).hexdigest()
    text = json.dumps(manifest, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    manifest_path.write_text(text, encoding="utf-8", newline="\n")
