"""Pseudonymisation of citizens and scrubbing of personal data at ingestion.

Comment and activity authors are private persons. kommunesm replaces their names, ids
and handles by a **keyed hash** (HMAC-SHA256 with a secret key) the moment a file is
read, so that no name, id, handle, e-mail address or phone number of a citizen reaches
``data/processed/``, the quarantine, a notebook output, the report or a coding sheet
(GDPR art. 4(5) and 25; personopplysningsloven). The same person gets the same
pseudonym within and across files and years read with the same key (participation
profiles and panels still work); without the key a pseudonym can be neither reversed
nor recomputed from a list of candidate names or ids.

The key
-------
Looked up, in order:

1. the environment variable ``KOMMUNESM_KEY`` (the secret itself);
2. the file named by ``KOMMUNESM_KEY_FILE``;
3. ``pseudonym.key`` in the user's configuration folder
   (:func:`key_path`, via ``platformdirs``: ``~/.config/kommunesm/`` on Linux), the
   same whatever the working directory.

If none exists, a random 256-bit key is **generated on first use** and stored in
(3) with owner-only permissions, and a :class:`NewKeyWarning` says once where it is
and that **losing it breaks the linkage of pseudonyms across ingests and years** (back
it up like a password; never commit it). A key that is empty, shorter than 128 bits
(16 bytes) or publicly known (the old built-in default, "salt", "secret" …) is refused
with :class:`KeyRefusedError`. The legacy names ``KOMMUNESM_SALT`` and
``KOMMUNESM_SALT_FILE`` are still read (after the new ones). An explicit ``salt=``
argument to the functions below overrides all of this (for tests and for callers that
manage their own key); it must not be empty or publicly known.

Free text
---------
:func:`scrub_text` removes personal data from message text: e-mail addresses, phone
numbers (``phonenumbers``, Norwegian numbering plan), fødselsnummer (checksums by
``python-stdnum``), profile links, ``@handles`` (replaced by their pseudonym), every
author name, id and handle seen in the whole ingest (replaced by that author's
pseudonym, whole-token: a known id ``555001`` or a handle ``ola.hansen.77`` without
``@`` are found, ordinary numbers such as "500 besøkende" or years are not) and any
Norwegian first name or surname (the bundled lists in ``kommunesm/data/names/``, from
the ``names-dataset`` package, Apache-2.0), replaced by ``[navn]``. Text is Unicode
NFKC-normalised first (an NFD-decomposed "Bjørn" or a full-width "＠" match too);
matching is whole-word, handles genitive ``-s`` and surnames next to a pseudonym, and
avoids the common false positives: a name that is also a word ("Per dag", "Hans
bil", "Liv og lære") at the start of a sentence, a place ("Sande kommune"), a street
("Hansen-veien", "Øvre Bakken") and a staff signature ("Hilsen Ola i kommunen"). Texts
written by the page itself (its posts and replies: ``by_page``) are the page's voice: a
sign-off such as "Hilsen Ola" is staff, never tagged as a citizen. Its recall and
false-positive rate are measured on a labelled set of Norwegian comments
(``tests/fixtures/scrubber_sentences.csv``; figures in the README).

Examples
--------
>>> import pandas as pd
>>> ids = pseudonymise(pd.Series(["Ola Nordmann", "Kari Nordmann", "Ola Nordmann", ""]),
...                    salt="an-example-key-of-sixteen+")
>>> ids.iloc[0] == ids.iloc[2], ids.iloc[0] != ids.iloc[1], ids.iloc[0].startswith("p_")
(True, True, True)
>>> pd.isna(ids.iloc[3])  # no author: no shared hash of the empty string
True
>>> scrub_text(pd.Series(["Ring meg på 912 34 567 eller skriv til kari@example.no"]),
...            salt="an-example-key-of-sixteen+").tolist()
['Ring meg på [telefon] eller skriv til [e-post]']
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import unicodedata
import warnings
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from kommunesm.errors import KommunesmError

__all__ = [
    "DEFAULT_SALT",
    "KEY_ENV",
    "KEY_FILE_ENV",
    "MIN_HANDLE_CHARS",
    "MIN_ID_DIGITS",
    "PERSONAL_COLUMNS",
    "DefaultSaltWarning",
    "KeyRefusedError",
    "NewKeyWarning",
    "Scrubber",
    "get_key",
    "get_salt",
    "is_personal_column",
    "key_path",
    "pseudonymise",
    "pseudonymise_columns",
    "scrub_mentions",
    "scrub_names",
    "scrub_text",
    "split_known",
]

KEY_ENV = "KOMMUNESM_KEY"
KEY_FILE_ENV = "KOMMUNESM_KEY_FILE"
_LEGACY_ENV = "KOMMUNESM_SALT"
_LEGACY_FILE_ENV = "KOMMUNESM_SALT_FILE"

#: The public default salt of kommunesm ≤ 0.1 — refused as a key (anyone could use it).
DEFAULT_SALT = "kommunesm-default-salt-change-me"
_KNOWN_KEYS = frozenset(
    {
        DEFAULT_SALT,
        "salt",
        "secret",
        "key",
        "password",
        "passord",
        "hemmelig",
        "changeme",
        "change-me",
        "kommunesm",
        "test",
        "default",
        "an-example-key",
    }
)
_MIN_KEY_BYTES = 16  # 128 bits

#: Column names (normalised, lower case) that identify a person in the exports we read.
PERSONAL_COLUMNS = frozenset(
    {
        "author",
        "author_name",
        "author_id",
        "actor_id",
        "actor",
        "actor_name",
        "from",
        "from.name",
        "from.id",
        "from.link",
        "from.picture",
        "from_name",
        "from_id",
        "comment_by",
        "post_by",
        "user",
        "user_id",
        "user_name",
        "username",
        "screen_name",
        "handle",
        "user.screen_name",
        "user.name",
        "user.id",
        "user.id_str",
        "author.username",
        "author.name",
        "author_id_str",
        "name",
        "email",
        "e-mail",
        "e-post",
        "epost",
        "navn",
        "fornavn",
        "etternavn",
        "respondent_name",
        "phone",
        "telefon",
        "mobil",
        "mobilnr",
        "mobilnummer",
        "telefonnummer",
        "tlf",
        "fødselsnummer",
        "fnr",
        "personnummer",
        "profile_url",
        "profile",
        "picture",
        "message_tags",
        "ip",
        "ip_address",
    }
)
_PERSONAL_TOKENS = re.compile(
    r"(^|[._\s-])(author|actor|from|user|username|screen.?name|handle|e-?mail|e-?post|"
    r"phone|telefon|tlf|mobil\w*|navn|fornavn|etternavn|fødselsnummer|fnr|profile|picture|"
    r"message_tags|ip)($|[._\s-])",
    re.IGNORECASE,
)


def is_personal_column(name: str) -> bool:
    """True if a column's name says it identifies a person (``from.link``, ``Mobilnr``,
    ``user.screen_name`` …).

    Parameters
    ----------
    name : str
        The column name as in the file.

    Returns
    -------
    bool
        Whether the column is treated as personal (pseudonymised or dropped).

    Examples
    --------
    >>> is_personal_column("from.link"), is_personal_column("Mobilnr"), is_personal_column("likes")
    (True, True, False)
    """
    key = unicodedata.normalize("NFC", str(name)).strip().casefold()
    return key in PERSONAL_COLUMNS or bool(_PERSONAL_TOKENS.search(key))


class KeyRefusedError(KommunesmError, ValueError):
    """The pseudonymisation key is empty, too short or publicly known."""


class NewKeyWarning(UserWarning):
    """A new pseudonymisation key was generated (said once, with where it is)."""


#: Kept for compatibility: kommunesm no longer falls back to a default salt.
DefaultSaltWarning = NewKeyWarning


def key_path() -> Path:
    """Where the generated key is stored.

    Returns
    -------
    pathlib.Path
        ``<user config dir>/kommunesm/pseudonym.key`` (platformdirs).
    """
    import platformdirs

    return Path(platformdirs.user_config_dir("kommunesm", appauthor=False)) / "pseudonym.key"


def _check(key: str, origin: str, *, strict: bool = True) -> str:
    key = key.strip()
    if not key:
        raise KeyRefusedError(f"the pseudonymisation key from {origin} is empty")
    if key.casefold() in _KNOWN_KEYS:
        raise KeyRefusedError(
            f"the pseudonymisation key from {origin} is publicly known; anyone could "
            "recompute the pseudonyms. Remove it; kommunesm then generates a random key"
        )
    if strict and len(key.encode("utf-8")) < _MIN_KEY_BYTES:
        raise KeyRefusedError(
            f"the pseudonymisation key from {origin} is shorter than 128 bits "
            f'({_MIN_KEY_BYTES} bytes); use e.g. `python -c "import secrets; '
            'print(secrets.token_hex(32))"`'
        )
    return key


def get_key() -> str:
    """The secret key for pseudonyms (see the module docstring for where it comes from).

    Returns
    -------
    str
        The key (generated and stored on first use).

    Raises
    ------
    KeyRefusedError
        If the configured key is empty, shorter than 128 bits or publicly known.
    """
    for env in (KEY_ENV, _LEGACY_ENV):
        if os.environ.get(env) is not None:
            return _check(os.environ[env], f"${env}")
    for env in (KEY_FILE_ENV, _LEGACY_FILE_ENV):
        if os.environ.get(env):
            path = Path(os.environ[env]).expanduser()
            if not path.is_file():
                raise KeyRefusedError(f"${env} names {path}, which does not exist")
            return _check(path.read_text(encoding="utf-8"), str(path))
    path = key_path()
    if path.is_file():
        return _check(path.read_text(encoding="utf-8"), str(path))
    return _generate(path)


def _generate(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return _check(path.read_text(encoding="utf-8"), str(path))
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key + "\n")
    warnings.warn(
        f"kommunesm generated a new secret pseudonymisation key and stored it in {path}. "
        "Back it up and keep it secret: the same key gives the same pseudonyms in later "
        "ingests; if it is lost, pseudonyms from earlier ingests and years can no longer "
        f"be linked. Set ${KEY_ENV} or ${KEY_FILE_ENV} to use a key from elsewhere.",
        NewKeyWarning,
        stacklevel=3,
    )
    return key


def get_salt() -> str:
    """Alias of :func:`get_key` (the key used to be called a salt).

    Returns
    -------
    str
        The key.
    """
    return get_key()


def _resolve(salt: str | None) -> bytes:
    key = get_key() if salt is None else _check(str(salt), "the salt= argument", strict=False)
    return key.encode("utf-8")


def _digest(key: bytes, value: str, length: int) -> str:
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:length]


def pseudonymise(
    values: pd.Series, *, salt: str | None = None, prefix: str = "p_", length: int = 16
) -> pd.Series:
    """Replace identifying values by ``prefix`` + the first ``length`` hex digits of
    HMAC-SHA256(key, value).

    Values are NFC-normalised and stripped first (an NFD "Bjørn" is the same person).
    Missing and blank values stay missing: rows without an author do not share a
    pseudonym. Hashing is done once per distinct value.

    Parameters
    ----------
    values : Series
        The identifying values (names, ids, handles).
    salt : str, optional
        The secret key (at least 128 bits); default: :func:`get_key`.
    prefix : str, default 'p_'
        Put before the hex digits.
    length : int, default 16
        Hex digits kept (64 bits by default).

    Returns
    -------
    Series
        The pseudonyms (object dtype), same index; missing where the value was missing
        or blank.
    """
    key = _resolve(salt)
    s = values.astype("str")
    s = s.where(s.isna(), s.map(_nfc_strip, na_action="ignore"))
    s = s.mask(s.fillna("").eq(""))
    uniques = pd.unique(s.dropna())
    digests = {u: prefix + _digest(key, u, length) for u in uniques}
    return s.map(digests).astype("str")


def _nfc_strip(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def pseudonymise_columns(
    frame: pd.DataFrame, *, salt: str | None = None, keep: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Hash every column whose name marks it as personal (:func:`is_personal_column`).

    Parameters
    ----------
    frame : DataFrame
        Any table.
    salt : str, optional
        The secret key (at least 128 bits); default: :func:`get_key`.
    keep : tuple of str, default ()
        Columns left as they are (already pseudonymised, or not about a citizen).

    Returns
    -------
    DataFrame
        A copy with the personal columns hashed by :func:`pseudonymise`.
    """
    out = frame.copy()
    personal = [c for c in out.columns if is_personal_column(c) and c not in keep]
    if personal:
        for col in personal:
            out[col] = pseudonymise(out[col], salt=salt)
    return out


# ---------------------------------------------------------------------------- scrubber
# the look-behind starts a match only at the start of a run (linear, not quadratic, on a
# 1 MB message without spaces)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
_PROFILE = re.compile(
    r"(?:https?://)?(?:www\.|m\.|mobile\.|no-nb\.|nb-no\.)?"
    r"(?:facebook\.com|fb\.com|fb\.me|twitter\.com|x\.com|instagram\.com|tiktok\.com|"
    r"linkedin\.com/in|snapchat\.com/add|threads\.net)/"
    r"(?!@?p_[0-9a-f]{16}\b)(?:profile\.php\?id=\d+|@?[\w.%-]+)[^\s]*",
    re.IGNORECASE,
)
_FNR = re.compile(r"(?<!\d)(\d{6})[ .-]?(\d{5})(?!\d)")
_HANDLE = re.compile(r"(?<![\w@.])@(?!p_[0-9a-f]{16}\b)(\w[\w.]{0,49}\w|\w)")
_MONEY = re.compile(r"(?:kr\.?|nok|kroner|,-)", re.IGNORECASE)

# words that are also names; capitalised at the start of a sentence they are words
_WORD_NAMES = frozenset(
    """Per Dag Hans Liv Tor Bo Sol Vår Unn Ask Bjørn Ørn Rune Stig Siv Mai Kai Odd Even
    Frank Eng Lie Berg Dal Strand Vik Lund Moen Hagen Haugen Bakken Lien Holm Nes Sande
    Bø Os Foss Skog Sand Fjell Bakke Li Å Ås Brekke Dale Heia Lia Storm Vinter Sommer
    Høst Vang Myr Ree Rød Grønn Hvit Svart Stein Ulv Bjørk Eik Lind Rogn Ring Vel Sunn
    Fri God Glad Kjær Line Lene Tone Mette Ane Vilde Inge Hauge Haug Bryn Hov Tveit
    Engen Dalen Holmen Strømmen Sletten Viken Berget Nordby Rønning Torp Eng Ruud Aas""".split()
)
# capitalised words that often start a sentence or follow a greeting and are never names
_NOT_NAMES = frozenset(
    """Hei Hallo Heisann Takk Tusen Kjære Hilsen Mvh Vh God Bra Ja Nei Ok Kommunen Kommune
    Rådhuset Servicetorget Norge Oslo Facebook Twitter Instagram Vi Jeg Du Dere De Det
    Den Han Hun Man Når Hvor Hva Hvem Hvorfor Hvordan Som Og Men Eller Til Fra På I Med
    Om Etter Før Under Over Alle Mange Noen Ingen Kan Vil Skal Må Har Er Var Blir""".split()
)
_PLACE_AFTER = re.compile(
    r"^[\s-]*(?:kommunes?|fylke|sentrum|skole|skule|kirke|kyrkje|barnehage|sykehjem|"
    r"stadion|hallen|bibliotek|vgs|gate|gata|vei|veien|veg|vegen|allé|torg|brygge|"
    r"havn|hamn|stasjon|senter|IL|IF|FK|SK)\b"
)
_STAFF_AFTER = re.compile(
    r"^,?\s+(?:i|fra|på|hos|ved)\s+(?:[\wæøåÆØÅ-]+\s+)?"
    r"(?:kommunen?|servicetorget|rådhuset|kundesenteret|informasjonstjenesten|"
    r"kommunikasjonsavdelingen|sentralbordet|[A-ZÆØÅ][\wæøå-]*\s+kommune)\b"
)
_PLACE_BEFORE = re.compile(
    r"\b(?:Øvre|Nedre|Indre|Ytre|Nordre|Søndre|Vestre|Østre|Midtre|Store|Lille|Gamle|"
    r"Sankt|St\.)\s+$"
)
_GREETING_BEFORE = re.compile(
    r"(?:\b(?:hei|hallo|heisann|hey|takk|tusen takk|kjære|hilsen|mvh|vh|vennlig hilsen|"
    r"ring|spør|kontakt|snakk med|ifølge)[\s,:]*|@)$",
    re.IGNORECASE,
)
_NAME_TOKEN = (
    r"[A-ZÆØÅÉÄÖÜ][a-zæøåéäöüèáóí]+(?:-[A-ZÆØÅÉÄÖÜ][a-zæøåéäöüèáóí]+)?"
    r"(?:(?:'|’)?s)?"
)
_SPAN = re.compile(
    r"(?<![\w@.-])(?:" + _NAME_TOKEN + r")(?:\s+(?:[A-ZÆØÅ]\.\s+)?(?:" + _NAME_TOKEN + r"))*"
    r"(?![\w-])"
)
_PSEUDONYM_SURNAME = re.compile(r"(p_[0-9a-f]{8,64})((?:\s+" + _NAME_TOKEN + r")+)")


@cache
def _name_list(kind: str) -> frozenset[str]:
    ref = resources.files("kommunesm").joinpath("data", "names", f"{kind}_no.txt")
    with ref.open("r", encoding="utf-8") as fh:
        return frozenset(
            unicodedata.normalize("NFC", ln.strip())
            for ln in fh
            if ln.strip() and not ln.startswith("#")
        )


def _norm_key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


def _base(token: str) -> str:
    """A token without its genitive ending (``Karis`` → ``Kari``, ``Ola's`` → ``Ola``)."""
    for end in ("'s", "’s", "'"):
        if token.endswith(end):
            return token[: -len(end)]
    return token


class _Names:
    """Name vocabulary for one scrub: the bundled lists plus the ingest's authors.

    ``known`` holds display names only (ids and handles are :class:`_Tokens`). A full
    name of several words is found anywhere, in any case (``full``); a one-word name
    ("Per", "Sol") is a name only where the word rules say so (:func:`_decide`), so that
    an author called "Per" does not rewrite "per dag".
    """

    def __init__(self, known: Mapping[str, str]) -> None:
        self.first = _name_list("first")
        self.last = _name_list("last")
        self.known = {_norm_key(n): p for n, p in known.items() if len(_norm_key(n)) >= 2}
        self.full = tuple(sorted((k for k in self.known if " " in k), key=len, reverse=True))
        parts: set[str] = set()
        for name in known:
            for part in re.split(r"[\s]+", unicodedata.normalize("NFKC", name)):
                if len(part) >= 3 and part[:1].isupper() and part not in _NOT_NAMES:
                    parts.add(part)
        self.parts = frozenset(parts)
        self.all = self.first | self.last | self.parts
        # handles made of a known author's name: "olahansen", "ola.hansen.77", "kari_n"
        self.handles: dict[str, str] = {}
        self.initials: dict[str, str] = {}
        for key, pseudonym in self.known.items():
            words = [w for w in re.split(r"[\s-]+", re.sub(r"[^\w\s-]|[\d_]", "", key)) if w]
            if len(words) < 2:
                continue
            first, last = words[0], words[-1]
            for form in ("".join(words), first + last, last + first):
                self.handles.setdefault(form, pseudonym)
            for form in (first + last[0], first[0] + last):
                if len(form) >= MIN_HANDLE_CHARS:
                    self.initials.setdefault(form, pseudonym)

    def handle(self, token: str) -> str | None:
        """What a handle-like token stands for: a known author's pseudonym when it is
        made of that author's name (``ola.hansen.77`` for Ola Hansen, ``kari_n`` for
        Kari Nordmann), ``[navn]`` when it is made of names from the lists
        (``kari.hansen``, ``ingrid_solberg``), else None."""
        folded = token.casefold()
        letters = re.sub(r"[\W\d_]", "", folded)
        inner = letters != folded  # dots, underscores or digits: cannot be a word
        if len(letters) < 3:
            return None
        hit = self.handles.get(letters) or (self.initials.get(letters) if inner else None)
        if hit is not None or not inner:
            return hit
        parts = [w.capitalize() for w in re.split(r"[\W\d_]+", folded) if w]
        named = [w in self.all for w in parts]
        digits = any(c.isdigit() for c in folded)
        if not parts or not all(named) or not any(w in self.first for w in parts):
            return None
        if len(parts) >= 2 or (digits and len(parts[0]) >= 4 and parts[0] not in _WORD_NAMES):
            return "[navn]"
        return None

    def is_name(self, token: str) -> bool:
        if token in _NOT_NAMES:
            return False
        if token in self.all:
            return True
        base = _base(token)
        if base != token and base in self.all:
            return True
        return token.endswith("s") and token[:-1] in self.all and len(token) > 3


#: A candidate id or handle in text: a maximal run of word characters and inner dots
#: (``ola.hansen.77``, ``555001``, ``kari_n``), with an optional ``@`` before it.
_TOKEN = re.compile(r"(?<![\w.@])(@?)(\w(?:[\w.]*\w)?)")
_NAME_KEY = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*(?:\.?\s+[^\W\d_]+(?:[-'’][^\W\d_]+)*\.?)*")
_PROFILE_KEY = re.compile(
    r"(?:profile\.php\?id=(\d+)|(?:facebook|fb|twitter|x|instagram|tiktok|threads|youtube)"
    r"\.(?:com|me|net)/(?:in/|add/|user/|channel/|c/)?@?([\w.%-]+))",
    re.IGNORECASE,
)
#: Shortest known id (digits) and handle found in free text: shorter ones are ordinary
#: numbers and words ("500 besøkende", "2013", "E18").
MIN_ID_DIGITS = 6
MIN_HANDLE_CHARS = 4


def _token_key(value: str) -> str | None:
    """The form in which a known id, handle or profile link is looked up in text
    (casefolded, without ``@``), or None if it is a display name or too short to be
    found safely."""
    value = unicodedata.normalize("NFKC", value).strip()
    if "/" in value or value.casefold().startswith(("http", "www.")):
        m = _PROFILE_KEY.search(value)
        if m is None:
            return None
        value = m.group(1) or m.group(2)
    value = value.removeprefix("@")
    if not re.fullmatch(r"\w(?:[\w.]*\w)?", value):
        return None
    if value.isdigit():
        return value if len(value) >= MIN_ID_DIGITS else None
    if len(value) < MIN_HANDLE_CHARS:
        return None
    return value.casefold()


def split_known(known: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Split a vocabulary of persons seen in an ingest (raw value → pseudonym) into
    display names and ids/handles.

    A value with a capital letter and only letters (``Kari Nordmann``, ``Per``,
    ``Anne-Lise``) is a name. Anything else is looked up as a whole token: digits
    (an id, at least :data:`MIN_ID_DIGITS` long), a handle with or without ``@``
    (``ola.hansen.77``, ``@kari_n``, ``olanordmann``; at least
    :data:`MIN_HANDLE_CHARS` characters) or the user part of a profile link
    (``facebook.com/ola.hansen.77``, ``profile.php?id=555001``).

    Parameters
    ----------
    known : Mapping[str, str]
        Raw names, ids or handles → pseudonyms.

    Returns
    -------
    tuple of dict
        ``(names, tokens)``: names as given; tokens casefolded, without ``@``.

    Examples
    --------
    >>> split_known({"Kari Nordmann": "p_1", "555001": "p_2", "@kari_n": "p_3", "12": "p_4"})
    ({'Kari Nordmann': 'p_1'}, {'555001': 'p_2', 'kari_n': 'p_3'})
    """
    names: dict[str, str] = {}
    tokens: dict[str, str] = {}
    for raw, pseudonym in known.items():
        value = unicodedata.normalize("NFKC", str(raw)).strip()
        if not value:
            continue
        if _NAME_KEY.fullmatch(value) and (" " in value or not value.islower()):
            names[value] = pseudonym
            continue
        key = _token_key(value)
        if key is not None:
            tokens.setdefault(key, pseudonym)
    return names, tokens


def _plain_word(token: str) -> bool:
    """A capitalised or lower-case word of letters ("Hansen", "kommunen"), not a handle
    such as "OlaHansen" or "ola.hansen.77"."""
    return token.isalpha() and (token.islower() or token[1:].islower())


def _sub_tokens(text: str, tokens: Mapping[str, str], names: _Names) -> str:
    """Known ids and handles (whole tokens, any case) → their pseudonyms; handles made
    of names (:meth:`_Names.handle`) too."""

    def one(m: re.Match[str]) -> str:
        at, token = m.group(1), m.group(2)
        hit = tokens.get(token.casefold())
        if hit is None and token[-1:] in "sS":  # genitive: "555001s", "kari_ns"
            hit = tokens.get(token[:-1].casefold())
        if hit is None and not token.isdigit():
            if at or not _plain_word(token):
                hit = names.handle(token)
            elif token.islower():  # "olahansen": a known author's name run together
                hit = names.handles.get(token)
            # capitalised words ("Hansen", "Per") are left to the name rules
        if hit is not None:
            return at + hit
        if "." not in token:
            return m.group(0)
        parts = token.split(".")  # "kari_n.ola": a known handle before a dot
        return at + ".".join(tokens.get(p.casefold(), p) for p in parts)

    return _TOKEN.sub(one, text)


def _sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t\"'«(")
    return not before or before[-1] in ".!?:\n" or before.endswith(("-", "–", "•"))


class _LazyKey:
    """The key, looked up only when a handle has to be pseudonymised (so that scrubbing
    text without handles never needs, or generates, a key)."""

    def __init__(self, salt: str | None) -> None:
        self.salt = salt
        self._key: bytes | None = None

    def get(self) -> bytes:
        if self._key is None:
            self._key = _resolve(self.salt)
        return self._key


#: A staff sign-off in the page's own text ("Hilsen Ola", "Mvh Kari, servicetorget",
#: "Vennlig hilsen Ola i kommunen"): the name is the page's employee, not a citizen.
_SIGN_OFF = re.compile(
    r"(?i:\b(?:(?:med\s+)?vennlig\s+hilsen|venleg\s+helsing|hilsen|helsing|hilsner|mvh|vh))"
    r"[\s,:]+(" + _NAME_TOKEN + r"(?:\s+" + _NAME_TOKEN + r")?)"
    r"(?=\s*(?:$|[.!,;)\n]|(?:i|fra|frå|på|hos|ved)\b))"
)
_HELD = 0xE000  # private-use characters stand in for held sign-offs during the scrub


def _hold_sign_offs(text: str, names: _Names) -> tuple[str, list[str]]:
    held: list[str] = []

    def one(m: re.Match[str]) -> str:
        if len(held) >= 256 or _norm_key(m.group(1)) in names.full:
            return m.group(0)  # a citizen's known full name is scrubbed even here
        held.append(m.group(1))
        return m.group(0)[: m.start(1) - m.start(0)] + chr(_HELD + len(held) - 1)

    return _SIGN_OFF.sub(one, text), held


def _scrub_one(
    text: str, names: _Names, tokens: Mapping[str, str], key: _LazyKey, by_page: bool = False
) -> str:
    text = unicodedata.normalize("NFKC", text)
    held: list[str] = []
    if by_page:
        text, held = _hold_sign_offs(text, names)
    text = _PROFILE.sub("[profil]", text)
    text = _EMAIL.sub("[e-post]", text)
    text = _sub_tokens(text, tokens, names)  # known ids and handles, with or without "@"
    text = _FNR.sub(lambda m: "[fnr]" if _valid_fnr(m.group(1) + m.group(2)) else m.group(0), text)
    text = _scrub_phones(text)
    text = _HANDLE.sub(lambda m: "@p_" + _digest(key.get(), m.group(1).casefold(), 16), text)
    # known full names anywhere, any case → that author's pseudonym
    if names.full:
        text = _known_pattern(names.full).sub(
            lambda m: names.known.get(_norm_key(_base(m.group(0))), "[navn]"), text
        )
    # a surname left beside a pseudonym ("p_… Nordmann") belongs to that person
    text = _PSEUDONYM_SURNAME.sub(
        lambda m: m.group(1) if all(names.is_name(t) for t in m.group(2).split()) else m.group(0),
        text,
    )
    text = _SPAN.sub(lambda m: _replace_span(m, text, names), text)
    for i, original in enumerate(held):
        text = text.replace(chr(_HELD + i), original)
    return text


@cache
def _known_pattern(keys: tuple[str, ...]) -> re.Pattern[str]:
    alternation = "|".join(re.escape(k) for k in keys)
    return re.compile(r"(?<![\w@])(?:" + alternation + r")(?:(?:'|’)?s)?(?![\w-])", re.IGNORECASE)


def _replace_span(m: re.Match[str], text: str, names: _Names) -> str:
    span = m.group(0)
    tokens = [t for t in span.split() if not re.fullmatch(r"[A-ZÆØÅ]\.", t)]
    flags = [names.is_name(t) for t in tokens]
    # keep the longest run of name tokens (trim non-names at both ends)
    if not any(flags):
        return span
    first = flags.index(True)
    last = len(flags) - 1 - flags[::-1].index(True)
    if not all(flags[first : last + 1]):
        # several separate names in one capitalised run: treat each on its own
        return " ".join(
            _decide([t], m.start() + span.find(t), m.start() + span.find(t) + len(t), text, names)
            for t in tokens
        )
    head = " ".join(tokens[:first])
    tail = " ".join(tokens[last + 1 :])
    core = tokens[first : last + 1]
    start = m.start() + span.find(core[0])
    end = m.start() + span.rfind(core[-1]) + len(core[-1])
    replaced = _decide(core, start, end, text, names)
    return " ".join(x for x in (head, replaced, tail) if x)


def _decide(core: list[str], start: int, end: int, text: str, names: _Names) -> str:
    original = " ".join(core)
    if not names.is_name(core[0]) and len(core) == 1:
        return original
    after = text[end:]
    if _PLACE_AFTER.match(after) or _STAFF_AFTER.match(after):
        return original
    if _PLACE_BEFORE.search(text[:start]):  # "Øvre Bakken", "Nordre Land"
        return original
    if len(core) == 1:
        token = core[0]
        base = _base(token)
        wordlike = base in _WORD_NAMES or token in _WORD_NAMES
        if not wordlike and base not in names.first and _sentence_start(text, start):
            # a surname alone at the start of a sentence that is a definite noun
            wordlike = base.endswith("en") and not base.endswith("sen")
        if wordlike:
            before = text[:start]
            if _GREETING_BEFORE.search(before):
                return names.known.get(_norm_key(_base(original)), "[navn]")
            if _sentence_start(text, start):
                return original
            # mid-sentence a capitalised place name is a place ("i Nes", "til Sande")
            if re.search(r"\b(?:i|til|fra|på|ved|mot|over|gjennom)\s+$", before):
                return original
    return names.known.get(_norm_key(_base(original)), "[navn]")


def _valid_fnr(number: str) -> bool:
    from stdnum.no import fodselsnummer

    return bool(fodselsnummer.is_valid(number))


def _scrub_phones(text: str) -> str:
    if sum(c.isdigit() for c in text) < 8:
        return text
    import phonenumbers

    out, last = [], 0
    for match in phonenumbers.PhoneNumberMatcher(text, "NO", leniency=phonenumbers.Leniency.VALID):
        before = text[max(0, match.start - 6) : match.start]
        after = text[match.end : match.end + 8]
        if _MONEY.search(before) or re.match(r"^\s*(?:kr|nok|kroner|,-|millioner)", after, re.I):
            continue
        if str(match.number.national_number).startswith("8"):
            continue  # 800/810/815/820 service numbers belong to organisations
        out.append(text[last : match.start])
        out.append("[telefon]")
        last = match.end
    out.append(text[last:])
    return "".join(out)


class Scrubber:
    """A free-text scrubber for one vocabulary of known persons, built once and applied
    to any number of texts (e.g. chunk by chunk of a streamed file).

    Parameters
    ----------
    known : Mapping[str, str], optional
        Names, ids and handles of persons seen in the ingest → their pseudonyms
        (:func:`split_known` says which is which). A known name, id or handle is
        replaced by that pseudonym; other names by ``[navn]``.
    salt : str, optional
        Key for the pseudonyms of unknown ``@handles`` (default :func:`get_key`,
        looked up only when a text has one).

    Examples
    --------
    >>> scrubber = Scrubber({"Ola Hansen": "p_1", "555001": "p_1", "ola.hansen.77": "p_1"},
    ...                     salt="an-example-key-of-sixteen+")
    >>> scrubber.scrub(pd.Series(["id 555001, se ola.hansen.77", "500 besøkende i 2013"])).tolist()
    ['id p_1, se p_1', '500 besøkende i 2013']
    """

    def __init__(self, known: Mapping[str, str] | None = None, *, salt: str | None = None):
        if salt is not None:
            _resolve(salt)  # an explicit key is checked even when no handle needs it
        self.key = _LazyKey(salt)
        names, self.tokens = split_known(dict(known or {}))
        self.names = _Names(names)

    def scrub(self, messages: pd.Series, *, by_page: pd.Series | bool | None = None) -> pd.Series:
        """Scrub ``messages`` (see :func:`scrub_text`).

        Parameters
        ----------
        messages : pandas.Series
            Texts (missing values stay missing).
        by_page : pandas.Series of bool or bool, optional
            True where the text is the page's own (a page post or a page reply).

        Returns
        -------
        pandas.Series
            The scrubbed texts, aligned with ``messages``.
        """
        s = messages.astype("str")
        if isinstance(by_page, pd.Series):
            flags = by_page if by_page.index.equals(s.index) else by_page.reindex(s.index)
            page = flags.fillna(False).astype(bool).to_numpy()
        else:
            page = np.full(len(s), bool(by_page))
        out = s.copy()
        for flag in (False, True):
            part = s[page == flag]
            present = part.dropna()
            if present.empty:
                continue
            uniques = pd.unique(present)
            mapping = {u: _scrub_one(u, self.names, self.tokens, self.key, flag) for u in uniques}
            out[page == flag] = part.map(mapping, na_action="ignore")
        return out.astype("str")


def scrub_text(
    messages: pd.Series,
    *,
    known: Mapping[str, str] | None = None,
    salt: str | None = None,
    by_page: pd.Series | bool | None = None,
) -> pd.Series:
    """Remove personal data from free text (see the module docstring).

    Parameters
    ----------
    messages : pandas.Series
        Texts (missing values stay missing).
    known : Mapping[str, str], optional
        Names, ids and handles of persons seen in the ingest → their pseudonyms
        (:func:`split_known`). A known full name, id or handle is replaced by that
        pseudonym wherever it stands as a whole word or token; other names by
        ``[navn]``.
    salt : str, optional
        Key for handle pseudonyms (default :func:`get_key`).
    by_page : pandas.Series of bool or bool, optional
        True where the text is the page's own voice (its posts, its replies): a staff
        sign-off there ("Hilsen Ola") is kept, never tagged as a citizen.

    Returns
    -------
    pandas.Series
        The scrubbed texts, aligned with ``messages``.

    Examples
    --------
    >>> key = "an-example-key-of-sixteen+"
    >>> scrub_text(pd.Series(["Takk til Kari Hansen!", "Per dag er det 10 kr.",
    ...                       "Hilsen Ola i kommunen", "Bor i Hansen-veien 3"]), salt=key).tolist()
    ['Takk til [navn]!', 'Per dag er det 10 kr.', 'Hilsen Ola i kommunen', 'Bor i Hansen-veien 3']
    """
    return Scrubber(known, salt=salt).scrub(messages, by_page=by_page)


def scrub_names(
    messages: pd.Series, names: pd.Series, pseudonyms: pd.Series, *, salt: str | None = None
) -> pd.Series:
    """Scrub ``messages`` knowing that ``names`` are persons with ``pseudonyms``
    (:func:`scrub_text` with ``known`` built from the two aligned series).

    Parameters
    ----------
    messages : Series
        Free text.
    names : Series
        Names of persons known to appear.
    pseudonyms : Series
        Their pseudonyms (aligned with ``names``), put in place of the full name.
    salt : str, optional
        The secret key (at least 128 bits); default: :func:`get_key`.

    Returns
    -------
    Series
        The scrubbed messages, same index.

    Examples
    --------
    >>> msgs = pd.Series(["Hei Kari Nordmann, takk!", "Kari: se nettsida"])
    >>> scrub_names(msgs, pd.Series(["Kari Nordmann"]), pd.Series(["p_1"]),
    ...             salt="an-example-key-of-sixteen+").tolist()
    ['Hei p_1, takk!', '[navn]: se nettsida']
    """
    pairs = pd.DataFrame({"name": names.astype("str"), "pseudonym": pseudonyms.astype("str")})
    pairs = pairs.dropna().drop_duplicates("name")
    known = {n.strip(): p for n, p in zip(pairs["name"], pairs["pseudonym"], strict=True)}
    known = {n: p for n, p in known.items() if len(n) >= 3}
    return scrub_text(messages, known=known, salt=salt)


def scrub_mentions(messages: pd.Series, *, salt: str | None = None) -> pd.Series:
    """Replace ``@handle`` mentions by ``@`` + the handle's pseudonym.

    Parameters
    ----------
    messages : Series
        Free text.
    salt : str, optional
        The secret key (at least 128 bits); default: :func:`get_key`.

    Returns
    -------
    Series
        The messages with each handle pseudonymised, same index.

    Examples
    --------
    >>> out = scrub_mentions(pd.Series(["RT @ola_n: bra!"]), salt="an-example-key-of-sixteen+")
    >>> out.str.startswith("RT @p_").tolist()
    [True]
    """
    key = _resolve(salt)
    s = messages.astype("str")
    handles = s.str.extractall(_HANDLE.pattern)
    if handles.empty:
        return s
    uniq = np.unique(handles[0].str.casefold().to_numpy())
    mapping = {h: "p_" + _digest(key, h, 16) for h in uniq}
    return s.str.replace(_HANDLE, lambda m: "@" + mapping[m.group(1).casefold()], regex=True)


def names_in(values: Iterable[object]) -> dict[str, str]:
    """Helper: ``{name: ""}`` for non-empty names (for :func:`scrub_text`'s ``known``)."""
    return {str(v).strip(): "[navn]" for v in values if isinstance(v, str) and v.strip()}
