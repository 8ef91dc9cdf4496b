"""Automatic coders for the measurable hypotheses, with documented Norwegian lexicons.

Johnsen, Jørgensen & Aaneland (2013, s. 13–14, section 2.5) rated the
top-10 pages on ten statements by looking at them. Six of the statements have a rule
that can be measured; this module measures them so that a human coder only *checks*
them (and so that all 225 pages, not only the top 10, can be rated):

=====  ==========  ===========================================================
H1     page        posts per week (:func:`kommunesm.metrics.activity.posting_activity`)
H2     page        share of citizen questions answered within 24 h on weekdays
                   (:func:`kommunesm.metrics.response.page_response`)
H5     post        "du"-form: :func:`du_form`
H7     post        operational notices: :func:`operational_notice`
H9     page        opening hours in the About text: :func:`opening_hours`
H10    post        questions / invitations addressed to the reader: :func:`reader_question`
=====  ==========  ===========================================================

H3, H4, H6 and H8 are coded by people. :func:`suggest` is an optional *hook* that
pre-fills suggestions for them (a keyword heuristic by default, or any classifier you
pass); suggestions are always named ``*_suggestion`` and shown as such in the coding
sheets, never as codes.

The lexicons are module-level data (:data:`DU_PRONOUNS`, :data:`OPERATIONAL_TERMS`, …)
covering bokmål and nynorsk; each entry says which written standard it is from.
Matching is case-insensitive, on whole words (Unicode letters, so æ/ø/å count as
letters), after removing URLs.

Decisions on known ambiguities (pinned in ``tests/test_hypotheses_coders.py``):

* **du-form** counts only the whole words du/deg/din/ditt/dine: *Sandvika*, *studie*,
  *dusj*, *Dubai* do not count; neither does the hyphenated compound *du-form* (a post
  *about* the du-form does not address the reader). Plural *dere/deres* (bokmål),
  *dykk/dykkar* (nynorsk) count only with ``plural=True``; nynorsk plural *de* is never
  counted because it cannot be told apart from bokmål *de* ("they").
* **operational notices**: words that name infrastructure but have everyday meanings —
  *strøm/straum* ("power" but also "stream, flow": *strømmen av turister*), *vann/vatn*
  ("water supply" but also "lake": *friluftsdag ved vannet*), *vei/veg*, *bru*, *ferje* —
  count only together with a notice context word in the same post (brudd/brot, stengt,
  stans, arbeid, vedlikehold, lekkasje, ulempe, berørt, …). So *Strømmen av turister var
  stor i helgen* is **not** a notice, *Strømmen er borte i Sjøgata* is. A residual false
  positive remains when an unrelated context word co-occurs (*Veien videre for arbeidet
  med kommuneplanen*): this is documented, pinned in a test and left to the human check.
* **reader questions**: a question sentence counts if it addresses the reader (a
  second-person pronoun) or asks for opinions/suggestions (*synes, mener, meiner, innspill,
  forslag, …*); headline questions such as *Hva skjer i sommer?* do not, nor do questions
  inside quotation marks («…», "…") or in URLs (``?id=3``). Explicit invitations to
  comment count without a question mark.

Examples
--------
>>> import pandas as pd
>>> from kommunesm.hypotheses import coders
>>> posts = pd.DataFrame({"message": [
...     "Husk at du kan søke om kulturmidler innen fredag.",
...     "Strømbrudd i sentrum i kveld på grunn av vedlikehold.",
...     "Hva synes du om de nye benkene?",
...     "Vi har fått ny dusj i svømmehallen i Sandvika."]})
>>> coders.auto_code(posts).astype(int).values.tolist()
[[1, 0, 0], [0, 1, 0], [1, 0, 1], [0, 0, 0]]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from kommunesm.errors import InputError

__all__ = [
    "AMBIGUOUS_CONTEXT",
    "AUTO_POST_COLUMNS",
    "DU_PLURAL",
    "DU_PRONOUNS",
    "INVITATION_PHRASES",
    "OPENING_HOURS_PATTERNS",
    "OPERATIONAL_AMBIGUOUS",
    "OPERATIONAL_TERMS",
    "OPINION_WORDS",
    "SUGGESTION_LEXICONS",
    "auto_code",
    "code_h1",
    "code_h2",
    "code_h9",
    "du_form",
    "keyword_suggestions",
    "lexicon_table",
    "operational_notice",
    "opening_hours",
    "page_auto_codes",
    "reader_question",
    "suggest",
    "suggest_h8",
]

#: The boolean post-level columns :func:`auto_code` returns.
AUTO_POST_COLUMNS = ("H5_du_form", "H7_operational_notice", "H10_question")

# ----------------------------------------------------------------------------- lexicons
# Each entry: (regular expression matched at a word start, written standard, note).
# "nb" bokmål, "nn" nynorsk, "nb/nn" both spell it so.

#: Second person singular pronouns (H5): identical in bokmål and nynorsk.
DU_PRONOUNS: tuple[tuple[str, str, str], ...] = (
    ("du", "nb/nn", "subject"),
    ("deg", "nb/nn", "object"),
    ("din", "nb/nn", "possessive (masculine/feminine)"),
    ("ditt", "nb/nn", "possessive (neuter)"),
    ("dine", "nb/nn", "possessive (plural)"),
)

#: Second person plural pronouns (H5 with ``plural=True``). Nynorsk *de* (= dere) is left
#: out on purpose: it is indistinguishable from bokmål *de* ("they").
DU_PLURAL: tuple[tuple[str, str, str], ...] = (
    ("dere", "nb", "subject/object"),
    ("deres", "nb", "possessive"),
    ("dykk", "nn", "object"),
    ("dykkar", "nn", "possessive"),
)

#: H7 terms that signal an operational notice on their own. ``\w*`` lets a stem take
#: inflections and compound tails (*stengt*, *vannbruddet*, *brøytemannskap*).
OPERATIONAL_TERMS: tuple[tuple[str, str, str], ...] = (
    (r"(?:vann|vass)(?:brudd|brot)\w*", "nb/nn", "water main break (vannbrudd, vassbrot)"),
    (r"(?:strøm|straum)(?:brudd|brot)\w*", "nb/nn", "power cut (strømbrudd, straumbrot)"),
    (r"(?:rør|lednings|leidnings|kabel)(?:brudd|brot)\w*", "nb/nn", "pipe / cable break"),
    (r"(?:vann|vass)lekkasje\w*", "nb/nn", "water leak"),
    (
        r"(?:strøm|straum|vann|vass)(?:stans|avbrudd|avbrot|utkobling|utkopling|utfall)\w*",
        "nb/nn",
        "supply interruption",
    ),
    (r"utkobling\w*|utkopling\w*", "nb/nn", "disconnection (utkobling, utkopling)"),
    (r"driftsmelding\w*|driftsstans\w*|driftsavbrudd\w*|driftsavbrot\w*", "nb/nn", "notice"),
    (r"driftsforstyrr\w*", "nb/nn", "disruption"),
    (r"avsteng\w*", "nb/nn", "shut-off (avstengning, avstenging, avstengt)"),
    (
        r"steng(?:t|te|d|de|es|ast|ing|inga|ingen|ning|ningen)(?!\w)",
        "nb/nn",
        "closed (stengt, stengd, stenges, stengast, stenging)",
    ),
    (r"(?:vei|veg)steng\w*", "nb/nn", "road closure (veistengning, vegstenging)"),
    (r"\w*omkjøring\w*", "nb", "diversion"),
    (r"\w*omkøyring\w*", "nn", "diversion"),
    (r"\w*brøyt\w*", "nb/nn", "snow clearing (brøyting, brøyter, brøytebil)"),
    (r"\w*strøing\w*|strøbil\w*", "nb/nn", "gritting"),
    (r"kokevarsel\w*|kokepåbud\w*", "nb/nn", "boil-water notice"),
    (r"kok(?:e)?\s+(?:drikke)?(?:vannet|vatnet)", "nb/nn", "boil the (drinking) water"),
    (r"spyling\w*", "nb/nn", "flushing of pipes / sewers"),
    (r"avløp\w*|\w*kloakk\w*", "nb/nn", "sewerage"),
    (r"(?:vei|veg|grave|asfalt)arbeid\w*|asfalter\w*", "nb/nn", "road works (nn vegarbeid)"),
    (r"(?:gate)?feiing\w*", "nb/nn", "street / chimney sweeping"),
    (r"trafikkomlegg\w*", "nb/nn", "traffic diversion"),
    (
        r"(?:søppel|avfall|avfalls|bos|restavfall)(?:tømming|henting|innsamling)\w*",
        "nb/nn",
        "waste collection",
    ),
    (r"\w*rasfare\w*|steinras\w*|jordras\w*|\w*skredfare\w*", "nb/nn", "landslide danger"),
    (r"flomvarsel\w*|flomfare\w*|farevarsel\w*|ekstremvær\w*", "nb/nn", "flood/weather warning"),
    (r"glattkjøring\w*|glatte?\s+(?:veier|vegar|veger|føre)", "nb/nn", "slippery roads"),
)

#: H7 words with an everyday meaning besides infrastructure: they count only together
#: with a word of :data:`AMBIGUOUS_CONTEXT` in the same post.
OPERATIONAL_AMBIGUOUS: tuple[tuple[str, str, str], ...] = (
    (r"strøm(?:men|s)?(?!\w)", "nb", "power — or stream/flow ('strømmen av turister')"),
    (r"straum(?:en|s)?(?!\w)", "nn", "power — or stream/flow"),
    (r"vann(?:et)?(?!\w)|vatn(?:et)?(?!\w)", "nb/nn", "water — or lake ('ved vannet')"),
    (r"drikkevann\w*|drikkevatn\w*", "nb/nn", "drinking water"),
    (r"(?:vann|vass)(?:ledning|leidning)\w*", "nb/nn", "water main"),
    (r"(?:vei|veg)(?:en|er|ene|ar|ane)?(?!\w)", "nb/nn", "road — or way ('veien videre')"),
    (r"bru(?:a|en|i|er|ene)?(?!\w)", "nb/nn", "bridge"),
    (r"fer[gj]e\w*", "nb/nn", "ferry"),
)

#: Notice context words that make an ambiguous word an operational notice.
AMBIGUOUS_CONTEXT: tuple[tuple[str, str, str], ...] = (
    (r"brudd\w*|brot(?:et)?(?!\w)", "nb/nn", "break"),
    (r"steng\w*", "nb/nn", "closed"),
    (r"stans\w*|avbrudd\w*|avbrot\w*", "nb/nn", "interruption"),
    (r"\w*arbeid\w*", "nb/nn", "works"),
    (r"vedlikehold\w*|vedlikehald\w*|repar\w*", "nb/nn", "maintenance, repair"),
    (r"lekkasje\w*|oversvømm\w*|flom\w*", "nb/nn", "leak, flood"),
    (r"ulempe\w*|berørt\w*|abonnent\w*|råka(?!\w)", "nb/nn", "inconvenience, affected, users"),
    (r"varsel\w*|varsl\w*|kok(?:e)?(?!\w)", "nb/nn", "warning, boil"),
    (r"forsink\w*|innstilt\w*|midlertidig\w*|mellombels\w*", "nb/nn", "delayed, temporary"),
    (r"borte(?!\w)|tilbake\s+(?:igjen|att)", "nb/nn", "gone, back again"),
)

#: Opinion / suggestion words that make a question sentence an invitation (H10).
OPINION_WORDS: tuple[tuple[str, str, str], ...] = (
    (r"syne?s\w*|synest\w*|mene?r(?!\w)|meiner(?!\w)|tykkj\w*|tenker(?!\w)", "nb/nn", "think"),
    (r"innspill\w*|innspel\w*|forslag\w*|idéer|ideer|ideen?(?!\w)|tips(?!\w)", "nb/nn", "input"),
    (r"ønske?r(?!\w)|ønskjer(?!\w)|fornøyd|nøgd|erfaring\w*|røynsl\w*", "nb/nn", "wish, satisfied"),
)

#: Explicit invitations to comment (H10), with or without a question mark.
INVITATION_PHRASES: tuple[tuple[str, str, str], ...] = (
    (r"si\s+(?:din|di)\s+mening|sei\s+(?:di|din)\s+meining|meininga\s+di", "nb/nn", "say it"),
    (r"vi\s+vil\s+(?:gjerne\s+)?(?:høre|høyre)", "nb/nn", "we want to hear"),
    (r"(?:alle\s+)?(?:innspill|innspel)\s+(?:er|blir)\s+velkomn\w*", "nb/nn", "input welcome"),
    (r"kom\s+med\s+(?:innspill|innspel|forslag|tips)", "nb/nn", "give input"),
    (r"fortell\s+oss|fortel\s+oss|gi\s+oss\s+(?:beskjed|tilbakemelding)", "nb/nn", "tell us"),
    (r"skriv\s+(?:gjerne\s+)?i\s+kommentarfelt\w*|kommenter\s+gjerne", "nb/nn", "comment"),
    (r"\w*chat(?:t)?(?:en|a|tenesta|tjenesten)?(?!\w)|nettprat\w*", "nb/nn", "chat service"),
)

#: H9 patterns in the About text: (name, regular expression, level contributed).
#: ``clock_range`` (times) gives *Bra*; the others alone give *Kan bli bedre*.
OPENING_HOURS_PATTERNS: tuple[tuple[str, str, int], ...] = (
    (
        "clock_range",
        r"(?:kl\.?|klokka|klokken)\s*\d{1,2}(?:[.:]\d{2})?\s*(?:[-–—]|til)\s*(?:kl\.?\s*)?"
        r"\d{1,2}(?:[.:]\d{2})?(?!\d)",
        2,
    ),
    ("clock_range_bare", r"(?<![\d.])\d{1,2}[.:]\d{2}\s*[-–—]\s*\d{1,2}[.:]\d{2}(?![\d.])", 2),
    (
        "weekday_range",
        r"(?:mandag|måndag|man|mån)\.?\s*(?:[-–—]|til)\s*(?:fredag|torsdag|lørdag|laurdag|"
        r"søndag|sundag|fre|tor|lør|laur|søn)\b\.?",
        1,
    ),
    ("weekdays_word", r"hverdag(?:er|ene)?\b|kvardag(?:ar|ane)?\b|virkedag\w*|yrkedag\w*", 1),
    ("hours_word", r"åpningstid\w*|opningstid\w*|kontortid\w*|betjent\s+(?:mandag|måndag)", 1),
)

#: Keyword lexicons of the default suggestion heuristic (:func:`keyword_suggestions`).
#: These are *suggestions* for manual hypotheses, never codes.
SUGGESTION_LEXICONS: dict[str, tuple[str, ...]] = {
    "H3_informal": (
        r"!",
        r"[\U0001F300-\U0001FAFF\u2600-\u27BF]",
        r"(?<!\w)(?:heia|hurra|supert?|kjempe\w*|gøy|moro|kos(?:elig|eleg)?|takk)(?!\w)",
    ),
    "H3_formal": (
        r"(?<!\w)(?:kunngjøring\w*|kunngjering\w*|saksdokument\w*|høring\w*|høyring\w*)",
        r"(?<!\w)(?:offentlig|offentleg)\s+ettersyn",
        r"(?<!\w)kommunestyret\s+(?:behandler|handsamar)",
        r"(?<!\w)kommunen\s+informerer",
    ),
    "H4": (
        r"(?<!\w)(?:stolt\w*|vakker\w*|vakkert|nydelig\w*|nydeleg\w*|fineste|finaste)",
        r"(?<!\w)(?:verdens|verdas)\s+fin\w*",
        r"(?<!\w)(?:kommunen|bygda|byen|heimplassen)\s+vår",
    ),
    "H6": (
        r"(?<!\w)(?:takk\s+til|heia|ildsjel\w*|eldsjel\w*|frivillig\w*|dugnad\w*)",
        r"(?<!\w)(?:idrettslag\w*|velforening\w*|grendalag\w*|speide\w*|korps\w*|foreining\w*|"
        r"forening\w*|sanitet\w*)",
        r"(?<!\w)(?:gratulerer|imponerende\w*|imponerande\w*|innsats)",
    ),
    "H8_rules": (
        r"(?<!\w)(?:slett\w*|retningslinjer|regler|reglar|usaklig\w*|usakleg\w*|støtende|"
        r"støytande|personangrep\w*|reklame)",
    ),
    "H8_purpose": (
        r"(?<!\w)(?:her\s+får\s+du|vi\s+deler|offisiell\w*\s+(?:facebook-)?sid\w*|"
        r"informasjon\s+(?:fra|frå)\s+kommunen)",
    ),
}

_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_QUOTED = re.compile(r"«[^»]*»|\"[^\"]*\"|“[^”]*”|„[^“”]*[“”]")


def _alternation(entries: Sequence[tuple[str, str, str]]) -> str:
    return "|".join(f"(?:{e[0]})" for e in entries)


def _top_level_parts(pattern: str) -> list[str]:
    """Split a pattern at the ``|`` that are not inside parentheses or classes."""
    parts, depth, in_class, cur, i = [], 0, False, [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            cur.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append("".join(cur))
            cur = []
            i += 1
            continue
        cur.append(ch)
        i += 1
    parts.append("".join(cur))
    return parts


def _word_regex(entries: Sequence[tuple[str, str, str]]) -> re.Pattern[str]:
    """Entries matched at a word start; an entry starting with ``\\w*`` may start
    anywhere inside a word (compound heads: *trafikkomkjøring*) and is compiled without
    the leading ``\\w*``: the same texts match, far faster (the matched text then starts
    at the lexicon word, e.g. "omkjøring")."""
    prefix, infix = [], []
    for entry in entries:
        for part in _top_level_parts(entry[0]):
            (infix if part.startswith(r"\w*") else prefix).append(part)
    alts = []
    if prefix:
        alts.append(r"(?<![\w-])(?:" + "|".join(f"(?:{p})" for p in prefix) + ")")
    if infix:
        alts.append("|".join(f"(?:{p[3:]})" for p in infix))
    return re.compile("|".join(alts), re.IGNORECASE)


def _pronoun_regex(entries: Sequence[tuple[str, str, str]]) -> re.Pattern[str]:
    # whole words only; a hyphen on either side makes it part of a compound ("du-form")
    return re.compile(rf"(?<![\w-])(?:{_alternation(entries)})(?![\w-])", re.IGNORECASE)


_DU = _pronoun_regex(DU_PRONOUNS)
_DU_PL = _pronoun_regex(DU_PRONOUNS + DU_PLURAL)
_OP_STRONG = _word_regex(OPERATIONAL_TERMS)
_OP_WEAK = _word_regex(OPERATIONAL_AMBIGUOUS)
_OP_CONTEXT = _word_regex(AMBIGUOUS_CONTEXT)
_OPINION = _word_regex(OPINION_WORDS)
_INVITE = _word_regex(INVITATION_PHRASES)
_QUESTION_SENTENCE = re.compile(r"(?:^|(?<=[.!?\n]))[^.!?\n]*\?")


def _as_series(texts: Sequence[object] | pd.Series) -> pd.Series:
    return texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)


def _texts(texts: Sequence[object] | pd.Series) -> pd.Series:
    """Texts as str with missing → "" and URLs removed."""
    s = _as_series(texts)
    return s.astype(object).where(s.notna(), "").astype(str).str.replace(_URL, " ", regex=True)


def _on_unique(
    texts: Sequence[object] | pd.Series, fn: Callable[[pd.Series], np.ndarray]
) -> np.ndarray:
    """Apply ``fn`` (cleaned texts → bool array) to each distinct text once and spread
    the result back: municipal posts repeat a lot (notices, templates, shares)."""
    s = _as_series(texts)
    raw = s.astype(object).where(s.notna(), "").to_numpy(dtype=object)
    codes, uniques = pd.factorize(raw)
    if not len(uniques):
        return np.zeros(len(raw), dtype=bool)
    return np.asarray(fn(_texts(pd.Series(uniques, dtype=object))), dtype=bool)[codes]


def _contains(texts: pd.Series, pattern: re.Pattern[str]) -> np.ndarray:
    return np.fromiter((pattern.search(t) is not None for t in texts), bool, len(texts))


def du_form(texts: Sequence[object] | pd.Series, *, plural: bool = False) -> pd.Series:
    """H5: does the text address the reader in the second person?

    Parameters
    ----------
    texts : sequence of object or Series
        Post messages (missing → False).
    plural : bool, default False
        Also count plural *dere/deres* (bokmål) and *dykk/dykkar* (nynorsk).

    Returns
    -------
    Series of bool, same index as ``texts`` (when it is a Series).

    Notes
    -----
    Johnsen, Jørgensen & Aaneland (2013, s. 13), Påstand 5: «Innlegg med «du-form» er mer
    personlig rettet mot innbyggerne.» Lexicon: :data:`DU_PRONOUNS`, :data:`DU_PLURAL`.

    Examples
    --------
    >>> du_form(["Du kan søke nå", "Ny dusj i Sandvika", "studiested", "Vi ses, dere!"]).tolist()
    [True, False, False, False]
    >>> du_form(["Vi ses, dere!"], plural=True).tolist()
    [True]
    """
    pattern = _DU_PL if plural else _DU
    out = _on_unique(texts, lambda u: _contains(u, pattern))
    return pd.Series(out, index=_as_series(texts).index, name="H5_du_form")


def operational_notice(texts: Sequence[object] | pd.Series) -> pd.Series:
    """H7: is the text an operational notice (driftsmelding)?

    True if the text contains a term of :data:`OPERATIONAL_TERMS`, or a word of
    :data:`OPERATIONAL_AMBIGUOUS` together with a context word of
    :data:`AMBIGUOUS_CONTEXT` (see the module docstring for the "strømmen av turister"
    decision).

    Parameters
    ----------
    texts : sequence of object or Series
        Post or About texts (missing values allowed).

    Returns
    -------
    Series of bool
        One value per text (same index for Series input).

    Notes
    -----
    Johnsen, Jørgensen & Aaneland (2013, s. 13), Påstand 7: «Driftsmeldinger er meldinger om
    strøm- og vannbrudd, stengte veier eller andre viktige meldinger fra kommunen til
    berørte innbyggere.»

    Examples
    --------
    >>> operational_notice([
    ...     "Strømbrudd i sentrum i kveld.",
    ...     "Strømmen av turister var stor i helgen.",
    ...     "Strømmen er borte i Sjøgata.",
    ...     "Friluftsdag ved vannet på søndag!"]).tolist()
    [True, False, True, False]
    """
    out = _on_unique(texts, _notice)
    return pd.Series(out, index=_as_series(texts).index, name="H7_operational_notice")


def _notice(u: pd.Series) -> np.ndarray:
    strong = _contains(u, _OP_STRONG)
    weak = _contains(u, _OP_WEAK) & _contains(u, _OP_CONTEXT)
    return strong | weak


def reader_question(texts: Sequence[object] | pd.Series) -> pd.Series:
    """H10: does the text ask the reader a question or invite dialogue?

    True if (a) a question sentence (ending in ``?``, after removing URLs and quoted
    passages) contains a second-person pronoun (singular or plural) or an opinion /
    suggestion word (:data:`OPINION_WORDS`), or (b) the text contains an explicit
    invitation (:data:`INVITATION_PHRASES`, e.g. "si din mening", "vi vil gjerne høre",
    a chat service).

    Parameters
    ----------
    texts : sequence of object or Series
        Post or About texts (missing values allowed).

    Returns
    -------
    Series of bool
        One value per text (same index for Series input).

    Notes
    -----
    Johnsen, Jørgensen & Aaneland (2013, s. 14), Påstand 10: the municipality «kan stille
    spørsmål om hva innbyggere mener om ulike forhold av generell karakter. Noen av
    kommunene har i tillegg egne chatte-tjenester».

    Examples
    --------
    >>> reader_question([
    ...     "Hva synes du om de nye benkene?",
    ...     "Hva skjer i sommer? Se programmet.",
    ...     "Temaet er «Hvordan vil du bo i 2030?»",
    ...     "Les mer: https://example.no/sak?id=3 – si din mening!"]).tolist()
    [True, False, False, True]
    """
    out = _on_unique(texts, _question)
    return pd.Series(out, index=_as_series(texts).index, name="H10_question")


def _question(u: pd.Series) -> np.ndarray:
    s = u.str.replace(_QUOTED, " ", regex=True)
    questions = s.map(lambda t: " | ".join(_QUESTION_SENTENCE.findall(t)) if "?" in t else "")
    addressed = _contains(questions, _DU_PL) | _contains(questions, _OPINION)
    return addressed | _contains(s, _INVITE)


def auto_code(posts: pd.DataFrame, *, plural: bool = False, explain: bool = False) -> pd.DataFrame:
    """Automatic post-level codes for H5, H7 and H10.

    Parameters
    ----------
    posts : DataFrame
        A posts table (needs ``message``; any index).
    plural : bool, default False
        Count plural *dere/dykk* as du-form (H5).
    explain : bool, default False
        Also return the matched words (``H5_terms``, ``H7_terms``, ``H10_terms``), for
        the coding sheets and for checking the coders.

    Returns
    -------
    DataFrame
        Same index as ``posts``; boolean columns ``H5_du_form``, ``H7_operational_notice``,
        ``H10_question``.

    Examples
    --------
    >>> posts = pd.DataFrame({"message": ["Hva mener du?", None]}, index=["p1", "p2"])
    >>> auto_code(posts)
        H5_du_form  H7_operational_notice  H10_question
    p1        True                  False          True
    p2       False                  False         False
    """
    if "message" not in posts.columns:
        raise InputError(
            "posts table has no message column",
            file="posts",
            column="message",
            expected="the post texts",
        )
    msg = posts["message"]
    out = pd.DataFrame(
        {
            "H5_du_form": du_form(msg, plural=plural).to_numpy(),
            "H7_operational_notice": operational_notice(msg).to_numpy(),
            "H10_question": reader_question(msg).to_numpy(),
        },
        index=posts.index,
    )
    if explain:
        raw = msg.astype(object).where(msg.notna(), "").to_numpy(dtype=object)
        codes, uniques = pd.factorize(raw)
        terms = _explain(_texts(pd.Series(uniques, dtype=object)), plural)
        flags = dict(zip(("H5_terms", "H7_terms", "H10_terms"), AUTO_POST_COLUMNS, strict=True))
        for col, flag in flags.items():
            values = terms[col].to_numpy(dtype=object)[codes] if len(codes) else []
            out[col] = np.where(out[flag].to_numpy(dtype=bool), values, "")
    return out


def _explain(u: pd.Series, plural: bool) -> pd.DataFrame:
    """Matched words per distinct text (for the coding sheets)."""

    def found(pattern: re.Pattern[str], t: str) -> list[str]:
        return [m.group(0).strip() for m in pattern.finditer(t)]

    rows = []
    for t in u:
        q = _QUOTED.sub(" ", t)
        rows.append(
            {
                "H5_terms": ", ".join(found(_DU_PL if plural else _DU, t)),
                "H7_terms": ", ".join(
                    found(_OP_STRONG, t) + found(_OP_WEAK, t) + found(_OP_CONTEXT, t)
                ),
                "H10_terms": " | ".join(found(_QUESTION_SENTENCE, q) + found(_INVITE, q)),
            }
        )
    return pd.DataFrame(rows, columns=["H5_terms", "H7_terms", "H10_terms"])


# ----------------------------------------------------------------------------- H9
def opening_hours(texts: Sequence[object] | pd.Series) -> pd.DataFrame:
    """H9: does an About text say when the page (or the municipality) is available?

    Parameters
    ----------
    texts : sequence of object or Series
        Post or About texts (missing values allowed).

    Returns
    -------
    DataFrame
        Same index; ``H9_level`` (2: times given, e.g. "kl. 08.00–15.30" or
        "08.00–15.30" with a weekday range; 1: only named — "åpningstid(er)",
        "opningstid", "kontortid", "mandag–fredag", "hverdager"; 0: nothing),
        ``H9_hours`` (level 2) and ``H9_match`` (the matched text).

    Notes
    -----
    Johnsen, Jørgensen & Aaneland (2013, s. 13), Påstand 9: municipalities «som har lagt ut
    åpningstidene under beskrivelsen av Facebook-siden tydeliggjør når de er
    tilgjengelige». A bare range "12.06–15.06" could be a pair of dates; it counts only
    next to a weekday range or an opening-hours word.

    Examples
    --------
    >>> opening_hours(["Vi svarer mandag–fredag kl. 08.00–15.30.",
    ...                "Sjå opningstidene på nettsida.", "Velkommen!"])["H9_level"].tolist()
    [2, 1, 0]
    """
    s = _texts(texts)
    found = {}
    for name, pattern, _ in OPENING_HOURS_PATTERNS:
        found[name] = s.str.findall(re.compile(pattern, re.IGNORECASE))
    has = {k: v.str.len().to_numpy() > 0 for k, v in found.items()}
    named = has["weekday_range"] | has["weekdays_word"] | has["hours_word"]
    hours = has["clock_range"] | (has["clock_range_bare"] & named)
    level = np.where(hours, 2, np.where(named, 1, 0))
    match = found["clock_range"]
    for name in ("clock_range_bare", "weekday_range", "weekdays_word", "hours_word"):
        match = match + found[name]
    return pd.DataFrame(
        {
            "H9_level": level.astype("int64"),
            "H9_hours": hours,
            "H9_match": match.map(lambda m: "; ".join(dict.fromkeys(x.strip() for x in m))),
        },
        index=s.index,
    )


def code_h9(pages: pd.DataFrame) -> pd.DataFrame:
    """H9 per page from ``pages.about_text`` (index page_id); see :func:`opening_hours`.

    Pages without an About text get level 0 and ``H9_about_missing`` True, so that a
    missing text is not mistaken for a text without opening hours.

    Parameters
    ----------
    pages : DataFrame
        Canonical ``pages`` with ``about_text``.

    Returns
    -------
    DataFrame
        Index page_id; the columns of :func:`opening_hours` and ``H9_about_missing``.
    """
    for col in ("page_id", "about_text"):
        if col not in pages.columns:
            raise InputError(
                "pages table lacks a column H9 needs",
                file="pages",
                column=col,
                expected="page_id and about_text",
            )
    out = opening_hours(pages["about_text"]).set_axis(pd.Index(pages["page_id"], name="page_id"))
    out["H9_about_missing"] = pages["about_text"].isna().to_numpy()
    return out


# ----------------------------------------------------------------------------- H1, H2
def code_h1(
    posts: pd.DataFrame, start: object | None = None, end: object | None = None
) -> pd.DataFrame:
    """H1 measure per page: posts per week, from
    :func:`kommunesm.metrics.activity.posting_activity` (not re-implemented here).

    Parameters
    ----------
    posts : DataFrame
        Canonical ``posts``.
    start, end : object, optional
        Period (inclusive days; default: the data).

    Returns
    -------
    DataFrame
        One row per page with the posting-activity measures (``posts_per_week`` …).

    Notes
    -----
    Johnsen, Jørgensen & Aaneland (2013, s. 13), Påstand 1: «Ofte betyr i denne sammenhengen mer
    enn fire oppdateringer i uken.» The rating (``> 4`` → Bra) is
    :data:`kommunesm.hypotheses.definitions.DEFAULT_RULES` ``["H1"]``.
    """
    from kommunesm.metrics.activity import posting_activity

    return posting_activity(posts, start, end)


def code_h2(comments: pd.DataFrame | None, posts: pd.DataFrame | None = None) -> pd.DataFrame:
    """H2 measures per page (share of citizen questions answered within 24 h on weekdays,
    response times, and KS Veikart's same-working-day and few-hours shares), from
    :func:`kommunesm.metrics.response.page_response`. Questions are counted in comments
    and, when ``posts`` are given, in citizens' wall posts (visitor posts);
    ``questions_in_comments`` and ``questions_in_visitor_posts`` say which.

    Parameters
    ----------
    comments : DataFrame or None
        Canonical ``comments``.
    posts : DataFrame, optional
        Canonical ``posts`` (for questions in visitor posts).

    Returns
    -------
    DataFrame
        One row per page with the response measures of
        :func:`kommunesm.metrics.response.page_response`.

    Notes
    -----
    Johnsen, Jørgensen & Aaneland (2013, s. 13), Påstand 2: «de beste kommunene svarer som
    oftest i løpet av 24 timer i ukedagene». KS' Veikart (Langva, Meling & Wessel-Aas 2012, s. 13):
    «naturlig å respondere på henvendelser samme virkedag, og helst i løpet av få
    timer» (rule :data:`kommunesm.hypotheses.definitions.H2_KS_VEIKART`).
    """
    from kommunesm.metrics.response import page_response

    return page_response(comments, posts=posts)


def page_auto_codes(
    pages: pd.DataFrame | None = None,
    posts: pd.DataFrame | None = None,
    comments: pd.DataFrame | None = None,
    start: object | None = None,
    end: object | None = None,
    *,
    plural: bool = False,
    metrics: pd.DataFrame | None = None,
    codes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Page-level measures of every automatically coded hypothesis.

    Parameters
    ----------
    pages, posts, comments : DataFrame, optional
        Canonical tables; any may be None (its hypotheses are then left out).
    start, end : object, optional
        Study period for H1 (passed to ``posting_activity``).
    plural : bool, default False
        Count plural *dere/dykk* as du-form.
    metrics : DataFrame, optional
        Optional page table of :func:`kommunesm.metrics.page_table` for the same period:
        its ``posts_per_week`` (H1) and response columns (H2) are used instead of
        computing them again (same functions, same numbers, less time).
    codes : DataFrame, optional
        Optional :func:`auto_code` result for ``posts`` (same index), to avoid coding
        twice.

    Returns
    -------
    DataFrame indexed by page_id with, where the input allows: ``posts_per_week`` (H1),
    ``share_within_24h_weekdays``, ``median_response_time_minutes``, ``questions`` (H2),
    ``n_posts_coded`` and the *shares* of posts ``H5_du_form``, ``H7_operational_notice``,
    ``H10_question``, and ``H9_level``. Feed it to
    :func:`kommunesm.hypotheses.definitions.rate_pages` for Bra / Kan bli bedre / Dårlig.
    """
    parts: list[pd.DataFrame] = []
    h2_cols = [
        "questions",
        "share_within_24h_weekdays",
        "median_response_time_minutes",
        "avg_response_time_minutes",
        "questions_in_comments",
        "questions_in_visitor_posts",
        "share_same_working_day",
        "share_within_few_hours",
        "median_response_working_hours",
    ]
    have = set(metrics.columns) if metrics is not None else set()
    if "posts_per_week" in have:
        parts.append(metrics[["posts_per_week"]].astype("float64"))
    if {"questions", "share_within_24h_weekdays"} <= have:
        parts.append(metrics[[c for c in h2_cols if c in have]].astype("float64"))
    all_posts = posts
    if posts is not None and len(posts):
        # H1, H5, H7, H10 judge the page's own posts, not citizens' wall posts
        from kommunesm.metrics.wall import is_visitor_post

        own = ~is_visitor_post(posts).to_numpy()
        posts = posts[own]
        if codes is not None and len(codes) == len(own):
            codes = codes[own]
    if posts is not None and len(posts):
        if "posts_per_week" not in have:
            act = code_h1(posts, start, end)
            parts.append(act[["posts_per_week"]])
        codes = auto_code(posts, plural=plural) if codes is None else codes.copy()
        codes["page_id"] = posts["page_id"].to_numpy()
        shares = codes.groupby("page_id", sort=True)[list(AUTO_POST_COLUMNS)].mean()
        shares.insert(0, "n_posts_coded", codes.groupby("page_id", sort=True).size())
        parts.append(shares)
    if comments is not None and len(comments) and "share_within_24h_weekdays" not in have:
        resp = code_h2(comments, all_posts)
        parts.append(resp[[c for c in h2_cols if c in resp.columns]])
    if pages is not None and len(pages) and "about_text" in pages.columns:
        parts.append(code_h9(pages)[["H9_level", "H9_about_missing"]])
    if not parts:
        return pd.DataFrame(index=pd.Index([], name="page_id"))
    out = pd.concat(parts, axis=1, sort=True)
    out.index.name = "page_id"
    if pages is not None and len(pages):
        out = out.reindex(pd.Index(sorted(set(out.index) | set(pages["page_id"])), name="page_id"))
    if posts is not None and len(posts):
        # pages without posts in the period: nothing posted → 0 posts a week, no shares
        if "posts_per_week" in out.columns:
            out["posts_per_week"] = out["posts_per_week"].fillna(0.0)
        out["n_posts_coded"] = out["n_posts_coded"].fillna(0).astype("int64")
    return out


# ----------------------------------------------------------------------------- suggestions
def _any(texts: pd.Series, patterns: Sequence[str]) -> np.ndarray:
    rx = re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
    return texts.str.contains(rx, regex=True).to_numpy(dtype=bool)


def keyword_suggestions(texts: pd.Series) -> pd.DataFrame:
    """Default suggestion heuristic for the manual post-level hypotheses H3, H4 and H6
    (keywords of :data:`SUGGESTION_LEXICONS`). A *suggestion*: coders decide.

    H3 is suggested when the text has an informal cue (exclamation mark, emoji, informal
    word, or du-form) and no formal cue (kunngjøring, høring, offentlig ettersyn, …).

    Parameters
    ----------
    texts : Series
        Post texts.

    Returns
    -------
    DataFrame
        Same index; ``H3_suggestion``, ``H4_suggestion``, ``H6_suggestion``.
    """
    s = _texts(texts)
    informal = _any(s, SUGGESTION_LEXICONS["H3_informal"]) | du_form(s).to_numpy()
    formal = _any(s, SUGGESTION_LEXICONS["H3_formal"])
    return pd.DataFrame(
        {
            "H3_suggestion": informal & ~formal,
            "H4_suggestion": _any(s, SUGGESTION_LEXICONS["H4"]),
            "H6_suggestion": _any(s, SUGGESTION_LEXICONS["H6"]),
        },
        index=s.index,
    )


def suggest(
    posts: pd.DataFrame,
    classifier: Callable[[pd.Series], pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Suggestions for the manual hypotheses H3, H4, H6 (the optional classifier hook).

    Parameters
    ----------
    posts : DataFrame
        Posts with a ``message`` column.
    classifier : callable, optional
        Any callable taking the Series of messages and returning a DataFrame with the
        same index and columns named ``H3``/``H4``/``H6`` (or ``*_suggestion``) holding
        booleans or probabilities — e.g. a fitted scikit-learn pipeline wrapped in a
        function. Default: :func:`keyword_suggestions`.

    Returns
    -------
    DataFrame
        Same index as ``posts``; columns ``H3_suggestion``, ``H4_suggestion``,
        ``H6_suggestion`` (whatever the classifier returned; never used as codes).
    """
    msg = posts["message"]
    res = (classifier or keyword_suggestions)(msg)
    res = res.rename(columns={c: f"{c}_suggestion" for c in res.columns if "_" not in c})
    res.index = posts.index
    return res


def suggest_h8(pages: pd.DataFrame) -> pd.DataFrame:
    """Suggestion for H8 (page rules in the About text), index page_id: level 2 if the
    text states rules (what is deleted) *and* what the page is for, 1 if one of them,
    0 if neither; ``H8_suggestion`` is the corresponding label. A suggestion only.

    Parameters
    ----------
    pages : DataFrame
        Canonical ``pages`` with ``about_text``.

    Returns
    -------
    DataFrame
        Index page_id; ``H8_level_suggestion`` and ``H8_suggestion``.
    """
    from kommunesm.hypotheses.definitions import SCALE

    s = _texts(pages["about_text"])
    level = _any(s, SUGGESTION_LEXICONS["H8_rules"]).astype(int) + _any(
        s, SUGGESTION_LEXICONS["H8_purpose"]
    ).astype(int)
    labels = np.asarray([SCALE[2], SCALE[1], SCALE[0]], dtype=object)[level]
    return pd.DataFrame(
        {"H8_level_suggestion": level, "H8_suggestion": labels},
        index=pd.Index(pages["page_id"], name="page_id"),
    )


def lexicon_table() -> pd.DataFrame:
    """All lexicons as one table (lexicon, pattern, standard, note), for documentation.

    Returns
    -------
    DataFrame
        One row per pattern: lexicon, pattern, standard, note.
    """
    rows = []
    for name, entries in (
        ("H5 du-form", DU_PRONOUNS),
        ("H5 plural (option)", DU_PLURAL),
        ("H7 notice terms", OPERATIONAL_TERMS),
        ("H7 ambiguous words", OPERATIONAL_AMBIGUOUS),
        ("H7 context words", AMBIGUOUS_CONTEXT),
        ("H10 opinion words", OPINION_WORDS),
        ("H10 invitations", INVITATION_PHRASES),
    ):
        rows += [{"lexicon": name, "pattern": p, "standard": f, "note": n} for p, f, n in entries]
    rows += [
        {"lexicon": "H9 opening hours", "pattern": p, "standard": "nb/nn", "note": f"{n} → {lv}"}
        for n, p, lv in OPENING_HOURS_PATTERNS
    ]
    return pd.DataFrame(rows)
