"""The parsers every loader relies on: numbers, timestamps, durations, encodings."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kommunesm.io import tabular


@pytest.mark.parametrize(
    ("text", "decimal", "expected"),
    [
        ("1234", ".", 1234.0),
        ("1 234", ",", 1234.0),
        ("1\u00a0234,5", ",", 1234.5),
        ("1.234,5", ".", 1234.5),
        ("1,234.5", ",", 1234.5),
        ("1,234", ".", 1234.0),
        ("1,234", ",", 1.234),
        ("1.234", ",", 1234.0),
        ("1.234", ".", 1.234),
        ("12,5 %", ".", 12.5),
        ("79.0", ",", 79.0),
        ("-3", ".", -3.0),
        ("1e3", ".", 1000.0),
    ],
)
def test_parse_numbers(text, decimal, expected):
    numbers, bad = tabular.parse_numbers(pd.Series([text]), decimal=decimal)
    assert not bad.iloc[0]
    assert numbers.iloc[0] == pytest.approx(expected)


@pytest.mark.parametrize("text", ["", "-", "n/a", "NA", "  ", "#N/A"])
def test_missing_tokens_are_missing_not_bad(text):
    numbers, bad = tabular.parse_numbers(pd.Series([text]))
    assert pd.isna(numbers.iloc[0]) and not bad.iloc[0]


@pytest.mark.parametrize("text", ["mange", "12a", "1,2,3,4", "--5"])
def test_non_numbers_are_bad(text):
    _, bad = tabular.parse_numbers(pd.Series([text]))
    assert bad.iloc[0]


@settings(deadline=None)  # timing varies on a shared machine
@given(st.integers(min_value=0, max_value=10**12))
def test_thousands_separators_roundtrip(n):
    """Any count written with Norwegian or English thousands separators reads back."""
    no = f"{n:,}".replace(",", "\u00a0")
    en = f"{n:,}"
    for text, dec in ((no, ","), (en, "."), (str(n), ",")):
        counts, bad, _ = tabular.parse_counts(pd.Series([text]), decimal=dec)
        assert not bad.iloc[0] and counts.iloc[0] == n


@settings(deadline=None)
@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda x: round(x, 2)))
def test_decimal_comma_roundtrip(x):
    text = f"{x:.2f}".replace(".", ",")
    numbers, bad = tabular.parse_numbers(pd.Series([text]), decimal=",")
    assert not bad.iloc[0] and numbers.iloc[0] == pytest.approx(x)


def test_detect_decimal():
    frame = pd.DataFrame({"a": ["1,5", "2", "3,25"], "b": ["1,234", "x", ""]})
    assert tabular.detect_decimal(frame, ["a", "b"], ",") == ","
    frame = pd.DataFrame({"a": ["0.75", "79.0"]})
    assert tabular.detect_decimal(frame, ["a"], ";") == "."
    assert tabular.detect_decimal(pd.DataFrame({"a": ["1,234"]}), ["a"], ";") == ","
    assert tabular.detect_decimal(pd.DataFrame({"a": ["1,234"]}), ["a"], ",") == "."


@pytest.mark.parametrize(
    ("text", "tz", "oslo"),
    [
        ("2013-04-02T08:15:00+0000", "Europe/Oslo", "2013-04-02 10:15"),
        ("2013-04-02T08:15:00Z", "Europe/Oslo", "2013-04-02 10:15"),
        ("2013-04-02 10:15:00", "Europe/Oslo", "2013-04-02 10:15"),
        ("02.04.2013 10:15", "Europe/Oslo", "2013-04-02 10:15"),
        ("02.04.2013 kl. 10.15", "Europe/Oslo", "2013-04-02 10:15"),
        ("04/02/2013 01:15:00 AM", "America/Los_Angeles", "2013-04-02 10:15"),
        ("2013-04-02 04:15:00 EDT", "Europe/Oslo", "2013-04-02 10:15"),
        ("2013-01-15 12:00 CET", "UTC", "2013-01-15 12:00"),
        ("2013-01-15 12:00", "UTC", "2013-01-15 13:00"),
    ],
)
def test_parse_datetimes(text, tz, oslo):
    stamps, bad, _ = tabular.parse_datetimes(pd.Series([text]), tz=tz)
    assert not bad.iloc[0]
    assert stamps.iloc[0] == pd.Timestamp(oslo, tz="Europe/Oslo")
    assert str(stamps.dt.tz) == "Europe/Oslo"


def test_slash_dates_decided_by_data():
    stamps, bad, _ = tabular.parse_datetimes(pd.Series(["13/04/2013 10:00", "02/04/2013 10:00"]))
    assert not bad.any()
    assert stamps.dt.month.tolist() == [4, 4]


def test_ambiguous_dst_time_is_bad_with_reason():
    stamps, bad, reason = tabular.parse_datetimes(pd.Series(["2013-10-27 02:30"]))
    assert bad.iloc[0] and "daylight-saving" in reason.iloc[0]


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("83", 83),
        ("83 min", 83),
        ("1h 23m", 83),
        ("1 t 23 min", 83),
        ("01:23:00", 83),
        ("2 d", 2880),
        ("1,5 h", 90),
        ("45 sek", 0.75),
    ],
)
def test_parse_durations(text, minutes):
    parsed, bad = tabular.parse_durations(pd.Series([text]))
    assert not bad.iloc[0] and parsed.iloc[0] == pytest.approx(minutes)


def test_parse_bools():
    parsed, bad = tabular.parse_bools(pd.Series(["ja", "Nei", "TRUE", "0", "", "kanskje"]))
    assert parsed.tolist()[:4] == [True, False, True, False]
    assert bad.tolist() == [False, False, False, False, False, True]


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-16", "utf-16"),
        ("utf-16-le", "utf-16-le"),
        ("utf-16-be", "utf-16-be"),
        ("cp1252", "cp1252"),
        ("utf-8", "utf-8"),
    ],
)
def test_sniff_encoding(encoding, expected):
    raw = "Kommune;Følgere;Snakker om\nRøros;1200;40\n".encode(encoding)
    assert tabular.sniff_encoding(raw) == expected


def test_blank_rows_are_reported_not_silently_dropped(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n,\n3,4\n\n", encoding="utf-8")
    raw = tabular.read_raw(path)
    assert raw.n_in == 2
    assert raw.skipped["reason"].tolist() == ["blank row", "blank row"]
    assert raw.skipped["source_row"].tolist() == [3, 5]


def test_bare_dates_in_a_datetime_column_are_noted(tmp_path):
    import adversarial

    from kommunesm.io import detect

    rows = [adversarial._ct_row(1, **{"Post Created": "2013-04-02"}), adversarial._ct_row(2)]
    path = adversarial._ct("bare.csv", rows=rows)(tmp_path)[0]
    result = detect.read_file(path)
    result = result[0] if isinstance(result, list) else result
    notes = [n for n in result.meta["notes"] if "without a time" in n]
    assert notes == [
        "column 'Post Created': 1 values are dates without a time; kept as that date "
        "(00:00 Europe/Oslo), not shifted from another zone"
    ]
