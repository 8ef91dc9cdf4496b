"""The study period shared by the page-level metrics (internal)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

TZ = "Europe/Oslo"


@dataclass(frozen=True)
class Period:
    """Inclusive calendar days ``first_day``..``last_day`` (Europe/Oslo).

    ``start``/``end`` are the tz-aware half-open bounds [start, end) of the same days.
    ``bounded`` is False when neither bound was given (then nothing is filtered out,
    not even rows without a timestamp).
    """

    first_day: pd.Timestamp
    last_day: pd.Timestamp
    bounded: bool = True

    @property
    def start(self) -> pd.Timestamp:
        return self.first_day.tz_localize(TZ)

    @property
    def end(self) -> pd.Timestamp:
        return (self.last_day + pd.Timedelta(days=1)).tz_localize(TZ)

    @property
    def n_days(self) -> int:
        return int((self.last_day - self.first_day).days) + 1

    @property
    def weeks(self) -> float:
        return self.n_days / 7.0

    def posts_mask(self, created_at: pd.Series) -> pd.Series:
        ts = _oslo(created_at)
        if not self.bounded:
            return pd.Series(True, index=created_at.index)
        return (ts >= self.start) & (ts < self.end)

    def days_mask(self, date: pd.Series) -> pd.Series:
        d = pd.to_datetime(date)
        if d.dt.tz is not None:
            d = d.dt.tz_convert(TZ).dt.tz_localize(None)
        d = d.dt.normalize()
        if not self.bounded:
            return pd.Series(True, index=date.index)
        return (d >= self.first_day) & (d <= self.last_day)


def _oslo(ts: pd.Series) -> pd.Series:
    ts = pd.to_datetime(ts)
    if ts.dt.tz is None:
        return ts.dt.tz_localize(TZ)
    return ts.dt.tz_convert(TZ)


def _day(value: object) -> pd.Timestamp:
    ts = pd.Timestamp(value)
    if ts.tzinfo is not None:
        ts = ts.tz_convert(TZ).tz_localize(None)
    return ts.normalize().as_unit("us")


def resolve(
    start: object,
    end: object,
    *,
    timestamps: list[pd.Series] = (),
    dates: list[pd.Series] = (),
) -> Period:
    """A :class:`Period` from ``start``/``end`` (inclusive calendar days); a missing bound
    is taken from the data (earliest/latest timestamp or date)."""
    bounded = start is not None or end is not None
    if start is None or end is None:
        days = []
        for s in timestamps:
            if len(s) and s.notna().any():
                o = _oslo(s).dropna().dt.tz_localize(None).dt.normalize()
                days += [o.min(), o.max()]
        for s in dates:
            if len(s) and s.notna().any():
                d = pd.to_datetime(s).dropna()
                if d.dt.tz is not None:
                    d = d.dt.tz_convert(TZ).dt.tz_localize(None)
                d = d.dt.normalize()
                days += [d.min(), d.max()]
        if not days:
            if start is None and end is None:
                # nothing dated: a nominal one-day period (rates per week are then NaN)
                day = pd.Timestamp("1970-01-01")
                return Period(day, day, bounded=False)
            days = [_day(start if start is not None else end)]
        first = _day(start) if start is not None else min(days)
        last = _day(end) if end is not None else max(days)
    else:
        first, last = _day(start), _day(end)
    if last < first:
        raise ValueError(f"period end {last.date()} is before its start {first.date()}")
    return Period(first.as_unit("us"), last.as_unit("us"), bounded=bounded)


def as_float(s: pd.Series) -> pd.Series:
    """A numeric column as float64 with NaN for missing."""
    return pd.to_numeric(s, errors="coerce").astype("float64")


def safe_ratio(num: pd.Series | float, den: pd.Series | float) -> pd.Series | float:
    """num / den with NaN (never inf) where den is 0 or missing."""
    num = np.asarray(num, dtype="float64") if not isinstance(num, pd.Series) else num
    if isinstance(den, pd.Series):
        den = den.astype("float64").where(den != 0)
    else:
        den = np.where(np.asarray(den, dtype="float64") == 0, np.nan, den)
    with np.errstate(divide="ignore", invalid="ignore"):
        return num / den
