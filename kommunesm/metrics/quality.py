"""The thesis' quality indicator (followers / "people talking about") and per-capita shares.

The BI thesis *Sosiale kommuner* (Handelshøyskolen BI 2012, s. 12)
defines a *kvalitetsindikator* as "Antall tilhengere / snakker om" — a page's followers
divided by Facebook's "People talking about this" — for the ten largest municipal
pages (Figure 6), and claims there is no correlation between followers and the
indicator.

**Direction — which value is "better"?** The thesis states the ratio and the winner,
not the direction: "Ved å se på forholdet Likere vs Snakker om får vi en
kvalitetsindikator, som da uttrykker forholdet mellom Antall tilhengere/snakker om" and
"Blant annet hadde Sørum, med sine 950 følgere, best score av alle vi foretok målinger
på"; the same paragraph says Sarpsborg "genererer langt mindre aktivitet og engasjement
… enn hva for eksempel Trondheim, med under halvparten av antall tilhengere får til"
(Handelshøyskolen BI 2012, s. 12). Activity *relative to followers* is what the thesis
praises, so kommunesm reads the indicator as **lower is better**: few followers per
person talking about the page, a more active audience. Equivalently,
:func:`talking_about_share` (talking about / followers, the inverse) is **higher is
better**. Both orderings rank the pages identically; tables show both columns so a reader
can check the reading.

Per-capita shares use the municipality's population from the register (``pages.population``;
``kommunesm.registry``), as I all offentlighet's "NM i Facebook" (2013) did for likers and
talking-about per inhabitant.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

__all__ = [
    "QualityWarning",
    "figure6_table",
    "per_inhabitant",
    "quality_indicator",
    "talking_about_share",
]


class QualityWarning(RuntimeWarning):
    """A ratio had a zero denominator and was set to NaN."""


def _ratio(num: object, den: object, what: str, name: str) -> pd.Series | float:
    scalar = np.ndim(num) == 0 and np.ndim(den) == 0
    if isinstance(num, pd.Series) and isinstance(den, pd.Series):
        n, d = num.align(den)
    elif isinstance(num, pd.Series):
        n, d = num, pd.Series(np.broadcast_to(np.asarray(den), len(num)), index=num.index)
    elif isinstance(den, pd.Series):
        n, d = pd.Series(np.broadcast_to(np.asarray(num), len(den)), index=den.index), den
    else:
        a, b = np.broadcast_arrays(np.atleast_1d(num), np.atleast_1d(den))
        n, d = pd.Series(a), pd.Series(b)
    n = pd.to_numeric(n, errors="coerce").astype("float64")
    d = pd.to_numeric(d, errors="coerce").astype("float64")
    zero = d == 0
    if zero.any():
        warnings.warn(
            f"{int(zero.sum())} value(s) with {what} = 0: the ratio is undefined and set to "
            "NaN (not inf)",
            QualityWarning,
            stacklevel=3,
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        out = n / d.where(~zero)
    out = out.replace([np.inf, -np.inf], np.nan).rename(name)
    return float(out.iloc[0]) if scalar else out


def quality_indicator(followers: object, talking_about: object) -> pd.Series | float:
    """The thesis' quality indicator = followers / people talking about.

    Parameters
    ----------
    followers, talking_about : object
        Numbers, arrays or Series (aligned on their index when both are Series).

    Returns
    -------
    float or Series
        Followers per person talking about the page. **Lower is better** (a more active
        audience). Zero talking-about gives NaN and a :class:`QualityWarning`, never inf;
        missing inputs give NaN.

    Notes
    -----
    BI thesis *Sosiale kommuner* (Handelshøyskolen BI 2012, s. 12;
    "kvalitetsindikator … Antall tilhengere/snakker om", Figure 6).

    Examples
    --------
    >>> quality_indicator(950, 95)
    10.0
    >>> import pandas as pd, warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     quality_indicator(pd.Series([4600, 100]), pd.Series([230, 0])).tolist()
    [20.0, nan]
    """
    return _ratio(followers, talking_about, "talking_about", "quality_indicator")


def talking_about_share(followers: object, talking_about: object) -> pd.Series | float:
    """The inverse of :func:`quality_indicator`: talking about / followers (higher is
    better). Zero followers gives NaN with a :class:`QualityWarning`.

    Parameters
    ----------
    followers, talking_about : scalar, array_like or Series
        Followers and people talking about the page (aligned on their index when both are
        Series).

    Returns
    -------
    float or Series
        People talking about per follower (named ``talking_about_share`` for Series input).

    Examples
    --------
    >>> talking_about_share(1000, 50)
    0.05
    """
    return _ratio(talking_about, followers, "followers", "talking_about_share")


def per_inhabitant(count: object, population: object) -> pd.Series | float:
    """A count per inhabitant (e.g. likers per inhabitant, NM i Facebook 2013).

    Zero or missing population gives NaN (with a warning for zero).

    Parameters
    ----------
    count : scalar, array_like or Series
        What is counted (followers, likers, people talking about).
    population : scalar, array_like or Series
        Inhabitants (aligned on the index when both are Series).

    Returns
    -------
    float or Series
        ``count / population`` (named ``per_inhabitant`` for Series input).

    Examples
    --------
    >>> per_inhabitant(5000, 50000)
    0.1
    """
    return _ratio(count, population, "population", "per_inhabitant")


def figure6_table(table: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The thesis' Figure 6 data: the ``n`` pages with most followers, their talking-about,
    quality indicator (followers / talking about, lower = better) and its inverse
    ``talking_about_share`` (higher = better), sorted by followers (descending);
    ``quality_rank`` is 1 for the best score (the lowest indicator).

    ``table`` is a :func:`kommunesm.metrics.page_table` (or any frame with followers and
    people_talking_about, indexed by page). BI thesis (Handelshøyskolen BI
    2012, s. 12; "Tall for Norges 10 største Facebook-kommuner").

    Parameters
    ----------
    table : DataFrame
        A :func:`kommunesm.metrics.page_table` (or any frame with ``followers`` and
        ``people_talking_about``, indexed by page).
    n : int, default 10
        How many pages, largest first (the thesis shows 10).

    Returns
    -------
    DataFrame
        ``followers``, ``people_talking_about`` and ``quality_indicator`` of the ``n`` pages
        with most followers, sorted by followers (descending).
    """
    cols = ["followers", "people_talking_about"]
    top = (
        table[cols]
        .dropna(subset=["followers"])
        .sort_values("followers", ascending=False, kind="stable")
    )
    top = top.head(n).copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QualityWarning)
        top["quality_indicator"] = quality_indicator(top["followers"], top["people_talking_about"])
        top["talking_about_share"] = talking_about_share(
            top["followers"], top["people_talking_about"]
        )
    top["quality_rank"] = top["quality_indicator"].rank(method="min")
    return top
