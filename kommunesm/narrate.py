"""Words and numbers for readers: the one narration and formatting module.

Everything kommunesm shows a reader — numbers, percentages, p-values, dates, intervals,
generated sentences, table headers, figure labels and captions — is formatted here, by
locale with Babel (`Babel <https://babel.pocoo.org>`_), and translated through one
gettext message catalogue (``kommunesm/locale/<lang>/LC_MESSAGES/kommunesm.po``).

Norwegian (bokmål, ``nb``) is the source language: message ids are bokmål, and the
English catalogue translates them. The catalogue is read at run time with
:mod:`babel.messages.pofile` (no compile step). A message without a translation falls
back to bokmål and is listed by :func:`untranslated` (the tests keep that list empty).

Missing values (None, NaN, NaT, ±inf) show as an en dash, ``–``.

Examples
--------
>>> from kommunesm import narrate as nr
>>> nr.number(1234.5, 1, lang="nb")
'1\\xa0234,5'
>>> nr.percent(0.123, lang="nb")
'12,3\\xa0%'
>>> nr.pvalue(0.0002, lang="nb")
'p < 0,001'
>>> nr.date("2013-04-01", lang="nb")
'1. april 2013'
>>> nr.number(float("nan"))
'–'
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kommunesm import _docs

__all__ = [
    "LANG_ENV",
    "LANGUAGES",
    "METRIC_LABELS",
    "MISSING",
    "N_",
    "ci",
    "correlation_verdict",
    "date",
    "get_language",
    "gettext",
    "integer",
    "join",
    "markdown_blocks",
    "normality_verdict",
    "number",
    "percent",
    "pvalue",
    "set_language",
    "significance_verdict",
    "translate_markdown",
    "untranslated",
    "value",
]

#: Languages of the report: bokmål first.
LANGUAGES = ("nb", "en")
#: Environment variable that sets the language (the report build sets it for every chapter).
LANG_ENV = "KOMMUNESM_LANG"
#: Shown for a missing value.
MISSING = "–"

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "kommunesm"

_state: dict[str, str | None] = {"lang": None}

#: Parameters documented once for the functions of this module (``{name}`` lines).
_shared = _docs.filler(
    {
        "lang": """lang : {'nb', 'en'}, optional
    Report language; default: :func:`get_language`.""",
        "decimals": """decimals : int, optional
    Digits after the decimal mark; default: as :func:`number` chooses.""",
        "verdict": """Parameters
----------
p : float
    The p-value (missing → "kan ikke vurderes").
alpha : float, default 0.05
    Significance level.
lang : {'nb', 'en'}, optional
    Report language; default: :func:`get_language`.

Returns
-------
str
    The verdict in the report language.""",
        "text": """Returns
-------
str
    The text in the report language.""",
    }
)
_missing: set[str] = set()


# --------------------------------------------------------------------------- language
def set_language(lang: str) -> None:
    """Use ``lang`` from now on in this process.

    Parameters
    ----------
    lang : {'nb', 'en'}
        Bokmål or English.

    Returns
    -------
    None

    Raises
    ------
    ValueError
        If ``lang`` is not a report language.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    _state["lang"] = lang


def get_language(lang: str | None = None) -> str:
    """The report language in force.

    Parameters
    ----------
    lang : str, optional
        Used when given (an unknown language falls back to ``"nb"``).

    Returns
    -------
    str
        ``lang`` if given, else the one set with :func:`set_language`, else
        ``$KOMMUNESM_LANG``, else ``"nb"``.

    Examples
    --------
    >>> get_language("en")
    'en'
    """
    chosen = lang or _state["lang"] or os.environ.get(LANG_ENV) or "nb"
    return chosen if chosen in LANGUAGES else "nb"


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    """The translations of ``lang`` (message id → text), read from its ``.po`` file;
    empty for bokmål, the source language."""
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if lang == "nb" or not path.is_file():
        return {}
    from babel.messages.pofile import read_po

    with path.open("rb") as fh:
        cat = read_po(fh, locale=lang, domain=DOMAIN)
    return {
        str(m.id): str(m.string)
        for m in cat
        if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
    }


@_shared
def gettext(message: str, /, lang: str | None = None, **values: Any) -> str:
    """``message`` (bokmål) in the report language, with ``{name}`` fields filled from
    ``values`` (format them first with :func:`number`, :func:`pvalue`, …).

    A message without a translation falls back to bokmål and is recorded for
    :func:`untranslated`.

    Parameters
    ----------
    message : str
        The message id (bokmål), as in the catalogue.
    {lang}
    **values : object
        Values of the message's ``{name}`` fields.

    {text}

    Examples
    --------
    >>> gettext("Kommune", lang="en")
    'Municipality'
    """
    lang = get_language(lang)
    text = message
    if lang != "nb":
        text = catalogue(lang).get(message, "")
        if not text:
            _missing.add(message)
            text = message
    return text.format(**values) if values else text


_ = gettext


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it (translated later).

    Parameters
    ----------
    message : str
        The message id (bokmål).

    Returns
    -------
    str
        ``message`` unchanged.
    """
    return message


#: Labels of the page metrics (bokmål message ids), the one table used by tables
#: (:data:`kommunesm.show.LABELS`), figures and the municipality profiles.
METRIC_LABELS: dict[str, str] = {
    "followers": N_("Følgere"),
    "interactions": N_("Interaksjoner"),
    "people_talking_about": N_("Snakker om dette"),
    "questions_answered": N_("Besvarte spørsmål"),
    "page_posts": N_("Innlegg fra siden"),
    "avg_response_time_minutes": N_("Gj.sn. svartid (min)"),
    "likes": N_("Liker"),
    "comments": N_("Kommentarer"),
    "shares": N_("Delinger"),
    "engagement_rate": N_("Engasjementsgrad (%)"),
    "engagement_rate_per_post": N_("Engasjementsgrad per innlegg (%)"),
    "engagement_rate_daily": N_("Engasjementsgrad, daglig (%)"),
    "quality_indicator": N_("Kvalitetsindikator (følgere / snakker om)"),
}


def untranslated() -> list[str]:
    """Messages looked up in this process that have no translation.

    Returns
    -------
    list of str
        The message ids, sorted.
    """
    return sorted(_missing)


# --------------------------------------------------------------------------- numbers
def _is_missing(x: Any) -> bool:
    if x is None:
        return True
    try:
        import pandas as pd

        if x is pd.NA or x is pd.NaT:
            return True
    except ImportError:  # pragma: no cover
        pass
    if isinstance(x, float | int) and not isinstance(x, bool):
        return not math.isfinite(float(x))
    try:
        return not math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


@_shared
def number(
    x: Any, decimals: int | None = None, lang: str | None = None, *, sign: bool = False
) -> str:
    """``x`` with the locale's decimal mark and thousands separator.

    ``decimals`` fixes the digits after the mark; by default integers get none and other
    numbers three significant digits (at most two decimals above 10). ``sign=True``
    writes a plus sign before a positive number (for changes and effects).

    Parameters
    ----------
    x : float or int
        The number; missing (None, NaN, ±inf) → ``–``.
    {decimals}
    {lang}
    sign : bool, default False
        Write ``+`` before a positive number.

    {text}

    Examples
    --------
    >>> number(34327, lang="nb"), number(34327, lang="en")
    ('34\\xa0327', '34,327')
    >>> number(0.04567, lang="nb"), number(123.456, lang="nb")
    ('0,0457', '123,5')
    >>> number(2.5, 1, lang="en", sign=True), number(-2.5, 1, lang="nb", sign=True)
    ('+2.5', '-2,5')
    """
    if _is_missing(x):
        return MISSING
    from babel.numbers import format_decimal

    lang = get_language(lang)
    x = float(x)
    if decimals is None:
        if x == int(x) and abs(x) < 1e15:
            decimals = 0
        else:
            mag = math.floor(math.log10(abs(x))) if x else 0
            decimals = 1 if mag >= 2 else (2 if mag >= 1 else max(2 - mag, 0))
            decimals = min(decimals, 6)
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    text = format_decimal(round(x, decimals), format=pattern, locale=lang)
    if text.lstrip("-−") and set(text.lstrip("-−")) <= set("0,.\xa0 ") and x != 0:
        text = text.lstrip("-−")  # no "-0,0"
    if sign and x > 0 and set(text) - set("0,.\xa0 "):
        text = "+" + text
    return text


@_shared
def integer(x: Any, lang: str | None = None) -> str:
    """``x`` rounded to a whole number (``1 234``); missing → ``–``.

    Parameters
    ----------
    x : float or int
        The number.
    {lang}

    {text}

    Examples
    --------
    >>> integer(1234.6, lang="en")
    '1,235'
    """
    return number(x, 0, lang)


@_shared
def percent(share: Any, decimals: int = 1, lang: str | None = None) -> str:
    """A share (0.123) as a percentage (``12,3 %`` in bokmål, ``12.3%`` in English).

    Parameters
    ----------
    share : float
        A share between 0 and 1; missing → ``–``.
    decimals : int, default 1
        Digits after the decimal mark.
    {lang}

    {text}

    Examples
    --------
    >>> percent(0.5, 0, lang="en")
    '50%'
    """
    if _is_missing(share):
        return MISSING
    lang = get_language(lang)
    text = number(float(share) * 100, decimals, lang)
    return text + ("\xa0%" if lang == "nb" else "%")


@_shared
def pvalue(p: Any, lang: str | None = None) -> str:
    """A p-value as a reader sees it: ``p < 0,001``, ``p = 0,003`` (below 0.01), else
    two decimals (``p = 0,27``); missing → ``p = –``.

    Parameters
    ----------
    p : float
        The p-value.
    {lang}

    {text}

    Examples
    --------
    >>> pvalue(0.0312, lang="en"), pvalue(0.2712, lang="nb")
    ('p = 0.031', 'p = 0,27')
    """
    if _is_missing(p):
        return "p = " + MISSING
    p = float(p)
    if p < 0.001:
        return "p < " + number(0.001, 3, lang)
    return "p = " + number(p, 3 if p < 0.1 else 2, lang)


@_shared
def ci(low: Any, high: Any, decimals: int = 2, lang: str | None = None) -> str:
    """A 95 % confidence interval as text.

    Parameters
    ----------
    low, high : float
        The bounds.
    decimals : int, default 2
        Digits after the decimal mark.
    {lang}

    {text}

    Examples
    --------
    >>> ci(0.12, 0.341, lang="nb")
    '95 % KI 0,12 til 0,34'
    >>> ci(0.12, 0.341, lang="en")
    '95% CI 0.12 to 0.34'
    """
    lo, hi = number(low, decimals, lang), number(high, decimals, lang)
    return gettext("95 % KI {low} til {high}", lang=lang, low=lo, high=hi)


@_shared
def date(value: Any, lang: str | None = None) -> str:
    """A date in the locale's long form.

    Parameters
    ----------
    value : str, datetime.date or Timestamp
        The date (an ISO string is read by its first ten characters); missing → ``–``.
    {lang}

    {text}

    Examples
    --------
    >>> date("2013-04-01", lang="nb"), date("2013-04-01", lang="en")
    ('1. april 2013', 'April 1, 2013')
    """
    if _is_missing(value):
        return MISSING
    from babel.dates import format_date

    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    if hasattr(value, "date") and callable(value.date):
        value = value.date()
    return format_date(value, format="long", locale=get_language(lang))


@_shared
def value(x: Any, decimals: int | None = None, lang: str | None = None) -> str:
    """Any cell value for a reader: numbers by :func:`number`, booleans as ``ja``/``nei``,
    dates by :func:`date`, missing as ``–``, anything else as its text.

    Parameters
    ----------
    x : object
        A table cell.
    {decimals}
    {lang}

    {text}

    Examples
    --------
    >>> value(True, lang="nb"), value(2.5, lang="en"), value(None)
    ('ja', '2.5', '–')
    """
    if isinstance(x, bool):
        return gettext(N_("ja") if x else N_("nei"), lang=lang)
    try:
        import numpy as np

        if isinstance(x, np.bool_):
            return gettext("ja" if bool(x) else "nei", lang=lang)
    except ImportError:  # pragma: no cover
        pass
    if isinstance(x, dt.datetime | dt.date) or type(x).__name__ == "Timestamp":
        return date(x, lang)
    if isinstance(x, str):
        return x
    if _is_missing(x):
        return MISSING
    try:
        return number(float(x), decimals, lang)
    except (TypeError, ValueError):
        return str(x)


@_shared
def join(items: Iterable[str], lang: str | None = None) -> str:
    """A list in words: ``a, b og c`` / ``a, b and c``.

    Parameters
    ----------
    items : iterable of str
        The items, already formatted.
    {lang}

    {text}

    Examples
    --------
    >>> join(["a", "b", "c"], lang="nb")
    'a, b og c'
    """
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + gettext(" og ", lang=lang) + items[-1]


# --------------------------------------------------------------------------- verdicts
@_shared
def correlation_verdict(rho: float, low: float, high: float, lang: str | None = None) -> str:
    """How strong a correlation is, in words that follow the statistics.

    A 95 % interval that includes 0 never gives more than "ingen påvist sammenheng"; the
    strength word (svak/moderat/sterk) comes from the bound nearest 0, so a wide interval
    cannot make a strong claim (the words change at 0.3 and 0.5).

    Parameters
    ----------
    rho : float
        The correlation.
    low, high : float
        Its 95 % interval.
    {lang}

    {text}

    Examples
    --------
    >>> correlation_verdict(0.67, -0.001, 0.93, lang="en")
    'no demonstrated correlation (the interval includes 0)'
    >>> correlation_verdict(0.67, 0.55, 0.93, lang="nb")
    'sterk positiv sammenheng'
    """
    if any(_is_missing(v) for v in (rho, low, high)):
        return gettext("kan ikke vurderes (for få observasjoner)", lang=lang)
    if low <= 0 <= high:
        return gettext("ingen påvist sammenheng (intervallet inkluderer 0)", lang=lang)
    near = min(abs(low), abs(high))
    strength = 0 if near < 0.3 else (1 if near < 0.5 else 2)
    words = (
        (
            N_("svak positiv sammenheng"),
            N_("moderat positiv sammenheng"),
            N_("sterk positiv sammenheng"),
        ),
        (
            N_("svak negativ sammenheng"),
            N_("moderat negativ sammenheng"),
            N_("sterk negativ sammenheng"),
        ),
    )
    return gettext(words[0 if rho > 0 else 1][strength], lang=lang)


@_shared
def normality_verdict(p: float, alpha: float = 0.05, lang: str | None = None) -> str:
    """The verdict of a normality (or any goodness-of-fit) test: p < ``alpha`` means the
    distribution does *not* fit; otherwise the test finds no departure (which is not proof
    that it fits).

    {verdict}

    Examples
    --------
    >>> normality_verdict(0.0001, lang="en")
    'departs from the normal distribution'
    """
    below = N_("avviker fra normalfordelingen")
    return _by_p(p, alpha, below, N_("testen finner ikke avvik fra normalfordelingen"), lang)


@_shared
def significance_verdict(p: float, alpha: float = 0.05, lang: str | None = None) -> str:
    """``statistisk signifikant`` (p < ``alpha``) or ``ikke statistisk signifikant``.

    {verdict}

    Examples
    --------
    >>> significance_verdict(0.03, lang="nb")
    'statistisk signifikant'
    """
    return _by_p(p, alpha, N_("statistisk signifikant"), N_("ikke statistisk signifikant"), lang)


def _by_p(p: float, alpha: float, below: str, above: str, lang: str | None) -> str:
    """``below`` if p < ``alpha``, else ``above`` (translated); missing p: no verdict."""
    if _is_missing(p):
        return gettext("kan ikke vurderes", lang=lang)
    return gettext(below if float(p) < alpha else above, lang=lang)


# --------------------------------------------------------------------------- narrative
def markdown_blocks(source: str) -> list[str]:
    """The translatable blocks of a Markdown cell: each heading line, and each paragraph
    or list (lines separated by a blank line), stripped.

    Parameters
    ----------
    source : str
        The cell's Markdown.

    Returns
    -------
    list of str
        The blocks, in order.

    Examples
    --------
    >>> markdown_blocks("# Tittel\\nFørste avsnitt\\nfortsetter.\\n\\n- a\\n- b")
    ['# Tittel', 'Første avsnitt\\nfortsetter.', '- a\\n- b']
    """
    blocks: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            blocks.append("\n".join(current).strip())
            current.clear()

    for line in source.splitlines():
        if not line.strip():
            flush()
        elif line.lstrip().startswith("#"):
            flush()
            blocks.append(line.strip())
        else:
            current.append(line.rstrip())
    flush()
    return [b for b in blocks if b]


@_shared
def translate_markdown(source: str, lang: str | None = None) -> str:
    """A Markdown cell in the report language, block by block (:func:`markdown_blocks`)
    through the catalogue; bokmål is returned unchanged.

    Parameters
    ----------
    source : str
        The cell's Markdown (bokmål).
    {lang}

    Returns
    -------
    str
        The Markdown in the report language (blocks joined by blank lines).
    """
    lang = get_language(lang)
    if lang == "nb":
        return source
    return "\n\n".join(gettext(block, lang=lang) for block in markdown_blocks(source))
