"""Tests of kommunesm.registry: SSB municipality codes, harmonisation, name matching."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kommunesm import registry
from kommunesm.errors import AmbiguousMunicipalityError, InputError, UnknownMunicipalityError

M2013 = registry.municipalities(2013)

#: (name, code, county) of the 2013 municipalities that share a name.
AMBIGUOUS = {
    "Våler": [("0137", "Østfold"), ("0426", "Hedmark")],
    "Os": [("0441", "Hedmark"), ("1243", "Hordaland")],
    "Herøy": [("1515", "Møre og Romsdal"), ("1818", "Nordland")],
    "Bø": [("0821", "Telemark"), ("1867", "Nordland")],
    "Nes": [("0236", "Akershus"), ("0616", "Buskerud")],
    "Sande": [("0713", "Vestfold"), ("1514", "Møre og Romsdal")],
}
AMBIGUOUS_CASES = [
    (name, code, county) for name, pairs in AMBIGUOUS.items() for code, county in pairs
]


def _unambiguous_names() -> list[str]:
    names = []
    for name in M2013["name"]:
        try:
            registry.match_name(name)
        except AmbiguousMunicipalityError:
            continue
        names.append(name)
    return names


UNAMBIGUOUS_NAMES = _unambiguous_names()


# --------------------------------------------------------------------------------------
# municipalities()
# --------------------------------------------------------------------------------------


def test_2013_has_428_unique_four_digit_codes():
    assert len(M2013) == 428
    assert M2013["kommunenummer"].is_unique
    assert M2013["kommunenummer"].str.fullmatch(r"\d{4}").all()
    assert "9999" not in set(M2013["kommunenummer"])
    assert list(M2013.columns) == [
        "kommunenummer",
        "name",
        "county",
        "population",
        "population_source",
        "kommunenummer_2024",
        "language_form",
    ]
    assert str(M2013["population"].dtype) == "Int64"


def test_2013_population_missing_only_for_the_sandefjord_merger():
    """The 2015 Wikipedia list already shows 0710 Sandefjord (2017 merger)."""
    missing = M2013.loc[M2013["population"].isna(), "kommunenummer"].tolist()
    assert missing == ["0706", "0719", "0720"]
    assert M2013["population"].notna().sum() >= 420
    assert M2013["population_source"].notna().sum() == 425
    source = M2013["population_source"].dropna().unique()
    assert len(source) == 1 and "2015-10-29" in source[0] and "SSB" in source[0]
    oslo = M2013.set_index("kommunenummer").loc["0301"]
    assert oslo["population"] > 600_000


def test_2013_names_and_counties_from_ssb():
    by_code = M2013.set_index("kommunenummer")
    assert by_code.at["0101", "name"] == "Halden"
    assert by_code.at["0101", "county"] == "Østfold"
    assert by_code.at["1850", "name"] == "Tysfjord - Divtasvuodna"
    assert by_code.at["1624", "county"] == "Sør-Trøndelag"
    assert by_code.at["2030", "county"] == "Finnmark"
    assert by_code.at["2021", "name"] == "Kárášjohka - Karasjok"  # '?' repaired
    assert not M2013["name"].str.contains("?", regex=False).any()
    assert M2013["county"].nunique() == 19
    assert set(M2013["county"]) == {registry.COUNTIES[p] for p in M2013["kommunenummer"].str[:2]}


def test_every_2013_code_harmonises_or_is_a_known_split():
    split = M2013.loc[M2013["kommunenummer_2024"].isna(), "kommunenummer"].tolist()
    assert split == ["1613", "1850"]
    harmonised = registry.harmonise(M2013["kommunenummer"])
    assert harmonised.isna().sum() == 2
    assert (harmonised.dropna() == M2013["kommunenummer_2024"].dropna()).all()
    valid_2024 = set(registry.municipalities(2024)["kommunenummer"])
    assert set(harmonised.dropna()) <= valid_2024
    for code in split:
        assert len(registry.to_2024_candidates(code)) > 1


@pytest.mark.parametrize(
    ("year", "count"),
    [(2002, 434), (2006, 431), (2008, 430), (2012, 429), (2017, 426), (2018, 422),
     (2019, 422), (2020, 356), (2023, 356), (2024, 357)],
)  # fmt: skip
def test_other_years_have_the_known_number_of_municipalities(year, count):
    frame = registry.municipalities(year)
    assert len(frame) == count
    assert frame["kommunenummer"].is_unique


def test_1994_lacks_borre_because_the_code_list_does():
    # 435 municipalities in 1994–2001, but 0717 Borre (renamed Horten, 0701, in 2002) is
    # not in municipality_codes_1994_2024.csv: a documented gap, not a parsing error.
    assert len(registry.municipalities(1994)) == 434
    assert "0716" in set(registry.municipalities(2001)["kommunenummer"])  # Våle, "0716u"


def test_label_validity_reproduces_the_ssb_2013_list():
    codes = registry._codes_1994_2024(str(registry.register_dir()))
    valid = codes[(codes["start"] <= 2013) & (codes["end"] >= 2013)]
    assert set(valid["code"]) == set(M2013["kommunenummer"])


def test_later_years_use_their_counties_and_no_2015_population():
    m2024 = registry.municipalities(2024).set_index("kommunenummer")
    assert m2024.at["3101", "county"] == "Østfold"
    assert m2024.at["5054", "county"] == "Trøndelag"
    assert m2024.at["4601", "county"] == "Vestland"
    assert m2024.at["3419", "name"] == "Våler"  # county qualifier stripped
    assert (m2024.index == m2024["kommunenummer_2024"]).all()
    assert m2024["population"].isna().all()
    m2020 = registry.municipalities(2020).set_index("kommunenummer")
    assert m2020.at["3001", "county"] == "Viken"
    assert m2020.at["5401", "county"] == "Troms og Finnmark"
    m2018 = registry.municipalities(2018).set_index("kommunenummer")
    assert m2018.at["0729", "name"] == "Færder"
    assert m2018.at["0729", "population"] is pd.NA  # not in the 2015 list


@pytest.mark.parametrize("year", [1993, 2025, 0, "2013", 2013.0])
def test_unsupported_year_names_the_range(year):
    with pytest.raises(ValueError, match="1994"):
        registry.municipalities(year)


def test_municipalities_returns_a_copy():
    frame = registry.municipalities(2013)
    frame.loc[0, "name"] = "changed"
    assert registry.municipalities(2013).loc[0, "name"] == "Halden"


# --------------------------------------------------------------------------------------
# to_2024 / harmonise
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("1624", "5054"),  # Rissa -> Indre Fosen
        ("1018", "4204"),  # Søgne -> Kristiansand
        ("0722", "3911"),  # Nøtterøy -> Færder
        ("0627", "3203"),  # Røyken -> Asker
        ("0217", "3207"),  # Oppegård -> Nordre Follo
        ("1617", "5056"),  # Hitra (-2017), group "Rest", one successor
        ("1805", "1806"),  # Narvik (-2019), group "Rest"
        ("1571", "5055"),  # Halsa, group "Rest"
        ("0301", "0301"),
        ("3101", "3101"),
        ("5054", "5054"),
        (722, "3911"),
        ("722", "3911"),
        (217, "3207"),
        (" 0722 ", "3911"),
    ],
)
def test_to_2024(code, expected):
    assert registry.to_2024(code) == expected
    assert registry.to_2024_candidates(code) == [expected]


@pytest.mark.parametrize(
    ("code", "candidates"),
    [
        ("1613", ["5055 Heim", "5056 Hitra", "5059 Orkland"]),
        ("1850", ["1806 Narvik", "1875 Hamarøy"]),
        (1850, ["1806 Narvik", "1875 Hamarøy"]),
    ],
)
def test_split_codes_are_ambiguous(code, candidates):
    with pytest.raises(AmbiguousMunicipalityError) as info:
        registry.to_2024(code)
    message = str(info.value)
    assert str(code) in message and "split" in message
    assert ", ".join(candidates) in message
    codes = [c.split()[0] for c in candidates]
    assert info.value.candidates == codes
    assert registry.to_2024_candidates(code) == codes
    assert isinstance(info.value, KeyError)


@pytest.mark.parametrize("code", ["9998", "abcd", "9999", "12345", "", "2111", 9998])
def test_unknown_codes_name_the_code(code):
    with pytest.raises(UnknownMunicipalityError) as info:
        registry.to_2024(code)
    assert not isinstance(info.value, AmbiguousMunicipalityError)
    assert isinstance(info.value, KeyError)
    assert repr(code) in str(info.value)


def test_harmonise_is_vectorised_and_never_raises():
    codes = pd.Series(["1624", 722, "1850", "9998", None, " 0217 ", 1018.0, "abcd"], name="k")
    out = registry.harmonise(codes)
    assert out.name == "k"
    assert out.index.equals(codes.index)
    assert str(out.dtype) == "string"
    assert out.tolist() == ["5054", "3911", pd.NA, pd.NA, pd.NA, "3207", "4204", pd.NA]
    ints = registry.harmonise(pd.Series([722, None, 1850], dtype="Int64"))
    assert ints.tolist() == ["3911", pd.NA, pd.NA]
    assert registry.harmonise(pd.Series([], dtype="str")).empty


ALL_CODES = sorted(registry._successors(str(registry.register_dir())))


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(ALL_CODES))
def test_to_2024_is_idempotent(code):
    for target in registry.to_2024_candidates(code):
        assert registry.to_2024(target) == target
        assert registry.to_2024(int(target)) == target


def test_county_of():
    assert registry.county_of("0426") == "Hedmark"
    assert registry.county_of(137) == "Østfold"
    assert registry.county_of("3419", 2024) == "Innlandet"
    assert registry.county_of("5054", 2018) == "Trøndelag"
    with pytest.raises(UnknownMunicipalityError, match="2020–2024"):
        registry.county_of("3419", 2013)


# --------------------------------------------------------------------------------------
# match_name
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Rissa kommune", "1624"),
        ("Sarpsborg Kommune", "0105"),
        ("Hol kommune", "0620"),
        ("Hol", "0620"),
        ("Holmestrand", "0702"),
        ("Holtålen kommune", "1644"),
        ("Nord-Fron", "0516"),
        ("Nord Fron", "0516"),
        ("nord–fron kommune", "0516"),
        ("Ålesund kommune", "1504"),
        ("Trondheim kommune", "1601"),
        ("Kvam herad", "1238"),
        ("Voss herad", "1235"),
        ("Bærum kommune.", "0219"),
        ("Rissa kommunes", "1624"),
        ("Sarpsborg kommune - offisiell side", "0105"),
        ("Sarpsborg (offisiell)", "0105"),
        ("  «Sarpsborg kommune»  ", "0105"),
        ("Municipality of Bærum", "0219"),
        ("Bærum municipality", "0219"),
        ("Oslo commune", "0301"),
        ("Oslo kommune", "0301"),
        ("Sorum", "0226"),
        ("Soerum", "0226"),
        ("Alesund", "1504"),
        ("Aalesund", "1504"),
        ("Baerum", "0219"),
        ("Barum", "0219"),
        ("Lardal", "0728"),
        ("Laerdal", "1422"),
        ("Lærdal", "1422"),
        ("SØR-VARANGER KOMMUNE", "2030"),
    ],
)
def test_match_name(name, code):
    assert registry.match_name(name) == code


def test_match_name_normalises_unicode():
    decomposed = "A\u030alesund kommune"  # Å as A + combining ring (NFD)
    assert registry.match_name(decomposed) == "1504"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Kautokeino", "2011"),
        ("Guovdageaidnu", "2011"),
        ("Guovdageaidnu - Kautokeino", "2011"),
        ("Tysfjord", "1850"),
        ("Divtasvuodna", "1850"),
        ("Porsanger", "2020"),
        ("Porsángu", "2020"),
        ("Porsanki", "2020"),
        ("Snåase", "1736"),
        ("Snåsa kommune", "1736"),
        ("Karasjok", "2021"),
        ("Kárášjohka", "2021"),
        ("Karasjok kommune", "2021"),
        ("Hábmer", "1849"),
        ("Hamarøy", "1849"),
    ],
)
def test_match_name_bilingual(name, code):
    assert registry.match_name(name) == code


@pytest.mark.parametrize("name", list(AMBIGUOUS))
def test_ambiguous_names_are_not_guessed(name):
    with pytest.raises(AmbiguousMunicipalityError) as info:
        registry.match_name(name)
    message = str(info.value)
    for code, county in AMBIGUOUS[name]:
        assert code in message and county in message
    assert info.value.candidates == [code for code, _ in AMBIGUOUS[name]]
    with pytest.raises(AmbiguousMunicipalityError):
        registry.match_name(f"{name} kommune")


@pytest.mark.parametrize(("name", "code", "county"), AMBIGUOUS_CASES)
def test_ambiguous_names_resolved_by_county_argument(name, code, county):
    assert registry.match_name(name, county=county) == code
    assert registry.match_name(f"{name} kommune", county=county.lower()) == code


@pytest.mark.parametrize(("name", "code", "county"), AMBIGUOUS_CASES)
@pytest.mark.parametrize("pattern", ["{n} kommune ({c})", "{n} kommune, {c}", "{n} kommune i {c}"])
def test_ambiguous_names_resolved_by_county_in_name(name, code, county, pattern):
    assert registry.match_name(pattern.format(n=name, c=county)) == code


@pytest.mark.parametrize(
    ("name", "county", "code"),
    [
        ("Våler kommune (Hedmark)", None, "0426"),
        ("Herøy kommune, Nordland", None, "1818"),
        ("Os kommune i Hordaland", None, "1243"),
        ("Våler", "hedmark", "0426"),
        ("Våler", "Innlandet", "0426"),  # the county of its 2024 code
        ("Os", "04", "0441"),
        ("Sande", "More og Romsdal", "1514"),
        ("Bø (Telemark)", None, "0821"),
        ("Nes, Buskerud", None, "0616"),
    ],
)
def test_county_hints(name, county, code):
    assert registry.match_name(name, county=county) == code


def test_county_that_does_not_fit_is_an_error():
    with pytest.raises(UnknownMunicipalityError, match="Sør-Trøndelag"):
        registry.match_name("Rissa", county="Hedmark")
    with pytest.raises(UnknownMunicipalityError):
        registry.match_name("Våler", county="Nordland")
    with pytest.raises(ValueError, match="unknown county"):
        registry.match_name("Våler", county="Narnia")


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [("Trondhiem", "Trondheim"), ("Sarpsbrog kommune", "Sarpsborg"), ("Bærumm", "Bærum")],
)
def test_unknown_names_give_suggestions_not_matches(name, suggestion):
    with pytest.raises(UnknownMunicipalityError) as info:
        registry.match_name(name)
    assert not isinstance(info.value, AmbiguousMunicipalityError)
    assert suggestion in info.value.candidates
    assert len(info.value.candidates) <= 5
    assert suggestion in str(info.value) and name in str(info.value)


@pytest.mark.parametrize("name", ["xyz", "kommune", "", "Holm", "Ho"])
def test_unknown_names(name):
    with pytest.raises(UnknownMunicipalityError):
        registry.match_name(name)


def test_later_municipality_is_pointed_to():
    with pytest.raises(UnknownMunicipalityError, match="5054 Indre Fosen"):
        registry.match_name("Indre Fosen kommune")
    assert registry.match_name("Indre Fosen kommune", year=2024) == "5054"


def test_match_name_in_other_years():
    assert registry.match_name("Midt-Telemark", 2024) == "4020"
    assert registry.match_name("Våler", 2024, county="Innlandet") == "3419"
    assert registry.match_name("Våler (Østfold)", 2020) == "3018"
    assert registry.match_name("Rindal", 2018) == "1567"
    assert registry.match_name("Rindal", 2019) == "5061"
    assert registry.match_name("Våle", 1995) == "0716"
    assert registry.match_name("Re", 2002) == "0716"
    with pytest.raises(ValueError, match="1994"):
        registry.match_name("Oslo", 1990)


def test_every_unambiguous_2013_name_and_part_matches_its_code():
    by_name = M2013.set_index("name")["kommunenummer"]
    assert len(UNAMBIGUOUS_NAMES) == 428 - 12
    for name in UNAMBIGUOUS_NAMES:
        assert registry.match_name(name) == by_name[name]
        for part in name.split(" - "):
            assert registry.match_name(part) == by_name[name]


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(UNAMBIGUOUS_NAMES), st.sampled_from(["kommune", "Kommune", "herad"]))
def test_affix_and_case_do_not_matter(name, affix):
    code = registry.match_name(name)
    assert registry.match_name(f"{name} {affix}") == code
    assert registry.match_name(name.upper()) == code
    assert registry.match_name(f" {name.lower()} {affix}. ") == code


# --------------------------------------------------------------------------------------
# files
# --------------------------------------------------------------------------------------


def test_register_dir_override(tmp_path, monkeypatch):
    source = registry.register_dir()
    for path in source.glob("*.csv"):
        shutil.copy(path, tmp_path / path.name)
    monkeypatch.setenv("KOMMUNESM_REGISTER_DIR", str(tmp_path))
    assert registry.register_dir() == tmp_path.resolve()
    assert len(registry.municipalities(2013)) == 428

    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("KOMMUNESM_REGISTER_DIR", str(empty))
    with pytest.raises(FileNotFoundError, match="KOMMUNESM_REGISTER_DIR"):
        registry.municipalities(2013)


def test_bad_code_in_a_file_names_file_row_and_column(tmp_path, monkeypatch):
    source = registry.register_dir()
    for path in source.glob("*.csv"):
        shutil.copy(path, tmp_path / path.name)
    wiki = tmp_path / "municipalities_2015.csv"
    lines = wiki.read_text(encoding="utf-8").splitlines()
    lines[3] = "10X," + lines[3].split(",", 1)[1]
    wiki.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("KOMMUNESM_REGISTER_DIR", str(tmp_path))
    with pytest.raises(InputError) as info:
        registry.municipalities(2013)
    assert info.value.row == 4
    assert info.value.column == "kommunenummer"
    assert Path(info.value.file).name == "municipalities_2015.csv"
