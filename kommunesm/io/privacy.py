"""Pseudonymisation of citizens at ingestion.

Comment and activity authors are private persons. kommunesm replaces their names and
platform ids by a **salted hash** the moment a file is read, so that no name or id
of a citizen reaches ``data/processed/``, a notebook output or the HTML report. The
same person gets the same pseudonym within and across files read with the same salt
(so that participation profiles still work), but the pseudonym cannot be reversed or
recomputed without the salt.

The salt
--------
Taken from, in order: the environment variable ``KOMMUNESM_SALT``; the file named by
``KOMMUNESM_SALT_FILE``; a file ``.kommunesm_salt`` in the working directory (ignored
by git). Without any of them a built-in default is used **with a warning**: pseudonyms
made with the default salt can be recomputed by anyone who has the original ids, so
set your own salt for real data (``python -c "import secrets; print(secrets.token_hex(16))"
> .kommunesm_salt``).

Names in message text
---------------------
Authors' names also appear inside messages (replies addressing someone, @mentions).
:func:`scrub_names` replaces every known author name in the text by that author's
pseudonym, and :func:`scrub_mentions` replaces ``@handles``.

Examples
--------
>>> import pandas as pd
>>> ids = pseudonymise(pd.Series(["Ola Nordmann", "Kari Nordmann", "Ola Nordmann"]), salt="s")
>>> ids.iloc[0] == ids.iloc[2], ids.iloc[0] != ids.iloc[1], ids.iloc[0].startswith("p_")
(True, True, True)
"""

from __future__ import annotations

import hashlib
import os
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "DEFAULT_SALT",
    "PERSONAL_COLUMNS",
    "DefaultSaltWarning",
    "get_salt",
    "pseudonymise",
    "pseudonymise_columns",
    "scrub_mentions",
    "scrub_names",
]

#: The salt used when none is configured (a warning is issued).
DEFAULT_SALT = "kommunesm-default-salt-change-me"

#: Column names (normalised, lower case) that identify a person in the exports we read.
#: They are hashed when a loader keeps them as extra columns.
PERSONAL_COLUMNS = frozenset(
    {
        "author",
        "author_name",
        "author_id",
        "from.name",
        "from.id",
        "from_name",
        "from_id",
        "comment_by",
        "user",
        "user_name",
        "username",
        "screen_name",
        "user.screen_name",
        "user.name",
        "user.id",
        "user.id_str",
        "author.username",
        "author.name",
        "author_id_str",
        "name",
        "email",
        "e-post",
        "navn",
        "respondent_name",
        "phone",
        "telefon",
    }
)


class DefaultSaltWarning(UserWarning):
    """Pseudonyms were made with the built-in default salt."""


def get_salt() -> str:
    """The salt for pseudonyms (see the module docstring for where it comes from)."""
    salt = os.environ.get("KOMMUNESM_SALT")
    if salt:
        return salt
    salt_file = os.environ.get("KOMMUNESM_SALT_FILE")
    candidates = [Path(salt_file)] if salt_file else []
    candidates.append(Path.cwd() / ".kommunesm_salt")
    for path in candidates:
        if path.is_file():
            text = path.read_text(encoding="utf-8").strip()
            if text:
                return text
    warnings.warn(
        "kommunesm is pseudonymising with the built-in default salt; set KOMMUNESM_SALT "
        "or write a secret to .kommunesm_salt so that pseudonyms cannot be recomputed",
        DefaultSaltWarning,
        stacklevel=3,
    )
    return DEFAULT_SALT


def pseudonymise(
    values: pd.Series, *, salt: str | None = None, prefix: str = "p_", length: int = 16
) -> pd.Series:
    """Replace identifying values by ``prefix`` + the first ``length`` hex digits of
    SHA-256(salt + value).

    Missing values stay missing. Hashing is done once per distinct value, so large
    tables with repeated authors are fast.
    """
    salt = get_salt() if salt is None else salt
    s = values.astype("str")
    uniques = pd.unique(s.dropna())
    digests = {
        u: prefix + hashlib.sha256(f"{salt}\x1f{u}".encode()).hexdigest()[:length] for u in uniques
    }
    return s.map(digests).astype("str")


def pseudonymise_columns(
    frame: pd.DataFrame, *, salt: str | None = None, keep: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Hash every column whose name marks it as personal (:data:`PERSONAL_COLUMNS`).

    ``keep`` lists columns that are already pseudonymised or are not about a citizen.
    """
    out = frame.copy()
    personal = [
        c for c in out.columns if c.strip().casefold() in PERSONAL_COLUMNS and c not in keep
    ]
    if personal:
        salt = get_salt() if salt is None else salt
        for col in personal:
            out[col] = pseudonymise(out[col], salt=salt)
    return out


def scrub_names(messages: pd.Series, names: pd.Series, pseudonyms: pd.Series) -> pd.Series:
    """Replace every occurrence of a known person's name in ``messages`` by their pseudonym.

    Parameters
    ----------
    messages : Series
        Message texts.
    names, pseudonyms : Series
        Aligned: the original names and their pseudonyms (e.g. the author columns of a
        comments export before hashing). Names shorter than 3 characters are ignored.
        First names alone are replaced too when a name has several parts (replies often
        address people by first name: "Hei Kari!"); they are matched with their
        capital letter only, so that "Per" is replaced but "10 kr per dag" is not.

    Examples
    --------
    >>> msgs = pd.Series(["Hei Kari Nordmann, takk!", "Kari: se nettsida"])
    >>> scrub_names(msgs, pd.Series(["Kari Nordmann"]), pd.Series(["p_1"])).tolist()
    ['Hei p_1, takk!', 'p_1: se nettsida']
    """
    pairs = (
        pd.DataFrame({"name": names.astype("str"), "pseudonym": pseudonyms.astype("str")})
        .dropna()
        .drop_duplicates("name")
    )
    pairs["name"] = pairs["name"].str.strip()
    pairs = pairs[pairs["name"].str.len() >= 3]
    if pairs.empty:
        return messages
    full: dict[str, str] = {}
    for name, pseud in zip(pairs["name"], pairs["pseudonym"], strict=True):
        full.setdefault(name.casefold(), pseud)
    # first names are matched case-sensitively: "Per" is a name, "per dag" is not
    firsts = pairs.assign(first=pairs["name"].str.split().str[0])
    firsts = firsts[(firsts["first"] != firsts["name"]) & (firsts["first"].str.len() >= 3)]
    first: dict[str, str] = {}
    for name, pseud in zip(firsts["first"], firsts["pseudonym"], strict=True):
        if name.casefold() not in full:
            first.setdefault(name, pseud)
    out = messages.astype("str")
    out = out.str.replace(
        _alternation(full, re.IGNORECASE), lambda m: full[m.group(1).casefold()], regex=True
    )
    if first:
        out = out.str.replace(_alternation(first, 0), lambda m: first[m.group(1)], regex=True)
    return out


def _alternation(words: dict[str, str], flags: int) -> re.Pattern[str]:
    keys = sorted(words, key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(k) for k in keys) + r")(?!\w)", flags)


def scrub_mentions(messages: pd.Series, *, salt: str | None = None) -> pd.Series:
    """Replace ``@handle`` mentions by ``@`` + the handle's pseudonym.

    >>> scrub_mentions(pd.Series(["RT @ola_n: bra!"]), salt="s").str.startswith("RT @p_").tolist()
    [True]
    """
    salt = get_salt() if salt is None else salt
    s = messages.astype("str")
    handles = s.str.extractall(r"@(\w{1,50})")
    if handles.empty:
        return s
    uniq = pd.Series(np.unique(handles[0].str.casefold().to_numpy()))
    mapping = dict(zip(uniq, pseudonymise(uniq, salt=salt), strict=True))
    return s.str.replace(r"@(\w{1,50})", lambda m: "@" + mapping[m.group(1).casefold()], regex=True)
