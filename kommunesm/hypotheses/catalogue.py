"""The coding schemes kommunesm ships, each with its source (author-year, page).

Every definition in «…» is quoted from the source document (the seeds are Norwegian text
transcripts of PDFs; pages are the printed page numbers). Where the transcript lost part
of a framework, the category or scheme says so: read :attr:`CodingScheme.notes` before
you code. Suggestion rules are kommunesm's readings of the sources, marked as such; they
are shown to coders as suggestions, never used as codes.

The registry :data:`SCHEMES` holds the shipped schemes and any you :func:`register`;
:func:`get_scheme` finds one by name.

Examples
--------
>>> from kommunesm.hypotheses.catalogue import VEIKART_AMBISJON
>>> VEIKART_AMBISJON.allowed("ambisjonsniva")
['passiv', 'avventende', 'inviterende']
>>> import pandas as pd
>>> pages = pd.DataFrame({"open_wall": [True, False, True], "posts_per_week": [3.0, 2.0, 0.0]})
>>> VEIKART_AMBISJON.suggest(pages)["ambisjonsniva"].tolist()
['inviterende', 'avventende', 'passiv']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kommunesm.hypotheses.definitions import HYPOTHESES, SCALE
from kommunesm.hypotheses.schemes import Category, CodingScheme, Variable
from kommunesm.references import cite

__all__ = [
    "BONSON",
    "BONSON_MEDIA_TYPES",
    "DIFI_PLATFORM_TYPES",
    "DIFI_TYPOLOGI",
    "GAMBIT_INNLEGG",
    "GAMBIT_SIDER",
    "SCHEMES",
    "SHIPPED",
    "VEIKART_AMBISJON",
    "VEIKART_BEMANNING",
    "VEIKART_BRUKSOMRADER",
    "get_scheme",
    "list_schemes",
    "register",
    "unregister",
]


def _c(key: str, page: str | None = None) -> str:
    """Author-year citation with page (:func:`kommunesm.references.cite`)."""
    return cite(key, page=page)


def _text(units: pd.DataFrame, *cols: str) -> pd.Series:
    for c in cols:
        if c in units.columns:
            s = units[c]
            return s.astype(object).where(s.notna(), "").astype(str)
    return pd.Series("", index=units.index, dtype=object)


# ============================================================================ Gambit H1–H10
_YES = Category("1", "Ja: innlegget oppfyller påstanden.", aliases=("ja", "1.0", "true", "x"))
_NO = Category("0", "Nei.", aliases=("nei", "0.0", "false"))


def _h_source(hid: str) -> str:
    return _c("gambit2013", "13–14") + f", påstand {hid[1:]}"


def _suggest_h8(units: pd.DataFrame) -> pd.Series:
    from kommunesm.hypotheses import coders

    if "about_text" not in units.columns:
        return pd.Series(None, index=units.index, dtype=object)
    frame = units.assign(page_id=range(len(units)))
    return pd.Series(
        coders.suggest_h8(frame)["H8_suggestion"].to_numpy(), index=units.index, dtype=object
    )


def _suggest_h9(units: pd.DataFrame) -> pd.Series:
    from kommunesm.hypotheses import coders
    from kommunesm.hypotheses.definitions import DEFAULT_RULES

    if "about_text" not in units.columns:
        return pd.Series(None, index=units.index, dtype=object)
    level = coders.opening_hours(units["about_text"])["H9_level"]
    return DEFAULT_RULES["H9"].rate(level).set_axis(units.index).astype(object)


_PAGE_RULES = {
    "H8": (_suggest_h8, "H8: regler og formål i Om-teksten (coders.suggest_h8)"),
    "H9": (_suggest_h9, "H9: åpningstider i Om-teksten (coders.opening_hours)"),
}


def _gambit_page_variable(hid: str) -> Variable:
    h = HYPOTHESES[hid]
    fn, rule = _PAGE_RULES.get(hid, (None, ""))
    if hid in ("H1", "H2", "H5", "H7", "H10"):
        rule = "automatisk vurdering fra sidens tall og innlegg (hyp.page_auto_codes, rate_pages)"
    return Variable(
        hid,
        h.statement_nb,
        [
            Category(SCALE[0], "Siden oppfyller påstanden.", _h_source(hid)),
            Category(SCALE[1], "Delvis.", _h_source(hid), aliases=("kbb", "kan bli betre")),
            Category(
                SCALE[2],
                "Siden oppfyller ikke påstanden.",
                _h_source(hid),
                aliases=("dårleg", "darlig"),
            ),
        ],
        level="ordinal",
        ascending=False,
        definition_nb=f"«{h.definition_nb}» Regel: {h.rule_en}",
        source=_h_source(hid),
        suggest=fn,
        suggest_rule=rule,
    )


def _gambit_post_variable(hid: str) -> Variable:
    from kommunesm.hypotheses import coders

    h = HYPOTHESES[hid]
    rules = {
        "H5": (coders.du_form, "H5: du/deg/din/ditt/dine som helt ord (coders.du_form)"),
        "H7": (
            coders.operational_notice,
            "H7: driftsmeldingsleksikonet (coders.operational_notice)",
        ),
        "H10": (coders.reader_question, "H10: spørsmål til leseren (coders.reader_question)"),
    }
    fn, rule = rules.get(hid, (None, ""))
    if hid in ("H3", "H4", "H6"):
        fn = lambda t, hid=hid: coders.keyword_suggestions(t)[f"{hid}_suggestion"]  # noqa: E731
        rule = f"{hid}: nøkkelord (coders.keyword_suggestions), bare et forslag"
    return Variable(
        hid,
        h.statement_nb,
        [_YES, _NO],
        definition_nb=f"«{h.definition_nb}» Regel: {h.rule_en}",
        source=_h_source(hid),
        suggest=(lambda u, fn=fn: fn(_text(u, "message", "text")).map({True: "1", False: "0"}))
        if fn
        else None,
        suggest_rule=rule,
    )


#: H1–H10 rated per page (Bra / Kan bli bedre / Dårlig), as the report did.
GAMBIT_SIDER = CodingScheme(
    "gambit_sider",
    "page",
    [_gambit_page_variable(h) for h in HYPOTHESES],
    title_nb="Ti påstander (H1–H10), vurdert per side",
    source=_c("gambit2013", "13–14") + ", kap. 2.5",
    notes=(
        "Rapporten vurderte topp-10-sidene «ved observasjon» med én koder og uten skriftlige "
        "regler ut over én setning per påstand; reglene og grensene for Kan bli bedre er "
        "kommunesms (se hyp.DEFAULT_RULES).",
    ),
)

#: The post-level hypotheses H3–H7, H10 coded yes/no on sampled posts.
GAMBIT_INNLEGG = CodingScheme(
    "gambit_innlegg",
    "post",
    [_gambit_post_variable(h) for h in ("H3", "H4", "H5", "H6", "H7", "H10")],
    title_nb="Påstandene H3–H7 og H10, ja/nei per innlegg",
    source=_c("gambit2013", "13–14") + ", kap. 2.5",
    notes=("Koding per innlegg er kommunesms operasjonalisering; rapporten vurderte hele sider.",),
)


# ============================================================================ Veikart
def suggest_ambition(units: pd.DataFrame) -> pd.Series:
    """Suggested ambition level from what the page data show (kommunesm's reading of
    Langva, Meling & Wessel-Aas 2012, s. 11): no posts in the period → ``passiv``
    («Tilstedeværelse: ikke aktiv»); a wall closed to citizens' own posts →
    ``avventende`` («sperret for at brukere skal kunne skrive egne saker på
    Facebook-vegg»); an open wall → ``inviterende`` (innbyggerne «selv kan initiere saker
    direkte på Facebook-vegger»). Needs ``open_wall`` and/or ``posts_per_week``
    (``n_posts``); NA where they are missing.

    Parameters
    ----------
    units : DataFrame
        The units to code (``open_wall``, ``posts_per_week`` / ``n_posts``).

    Returns
    -------
    Series
        Suggested category code per unit (same index), None where there is none.
    """
    n = len(units)
    activity = None
    for col in ("posts_per_week", "n_posts", "page_posts"):
        if col in units.columns:
            activity = pd.to_numeric(units[col], errors="coerce").to_numpy(dtype="float64")
            break
    wall = (
        units["open_wall"]
        .map(lambda v: np.nan if pd.isna(v) else float(bool(v)))
        .to_numpy(dtype="float64")
        if "open_wall" in units.columns
        else np.full(n, np.nan)
    )
    out = np.full(n, None, dtype=object)
    out[wall == 1.0] = "inviterende"
    out[wall == 0.0] = "avventende"
    if activity is not None:
        out[activity == 0] = "passiv"
    return pd.Series(out, index=units.index, dtype=object)


_AMB_SRC = _c("ksveikart2012", "11")

#: Veikart's three ambition levels, per page (ordinal: passiv < avventende < inviterende).
VEIKART_AMBISJON = CodingScheme(
    "veikart_ambisjon",
    "page",
    [
        Variable(
            "ambisjonsniva",
            "Ambisjonsnivå og tilstedeværelse",
            [
                Category(
                    "passiv",
                    "«Den passive kommunen er i prinsippet ikke en deltaker på sosiale medier. "
                    "Representasjonen er kanskje et resultat av en prosess som stagnerte før den "
                    "i det hele tatt kom i gang.» Tabellen: «Innhold: i liten grad tilpasset "
                    "mediet Tilstedeværelse: ikke aktiv Brukerinvolvering: kan ikke skape eget "
                    "innhold».",
                    _AMB_SRC,
                    label_en="passive",
                    aliases=("den passive kommunen",),
                ),
                Category(
                    "avventende",
                    "«Denne kommunen bruker sosiale medier som en alternativ kanal til å "
                    "synliggjøre innhold fra sine ordinære nettsider. Henvendelser fra publikum "
                    "direkte gjennom sosiale medier har et forholdsvis lavt volum, og kommunen "
                    "har varierende grad av rutiner for å følge opp og respondere på disse. De "
                    "som har en tilbakeholdende tilnærming til sosiale medier har sperret for at "
                    "brukere skal kunne skrive egne saker på Facebook-vegg, men tillater ofte "
                    "kommentarer på egne saker.» Tabellen: «Innhold: «gjenfortelling» fra vanlig "
                    "nettside Tilstedeværelse: sporadisk, varierende grad».",
                    _AMB_SRC,
                    label_en="waiting",
                    aliases=("den avventende kommunen",),
                    note="Tabellens rad «Brukerinvolvering» for dette nivået mangler i "
                    "transkripsjonen.",
                ),
                Category(
                    "inviterende",
                    "«Den inviterende kommunen jobber bevisst mot sosiale medier som "
                    "sidestilte, likeverdige men utfyllende kanaler for den ordinære "
                    "nettsiden. […] Denne kommunen bruker sosiale medier bevisst også som en "
                    "inn-kanal for innbyggerne, som selv kan initiere saker direkte på "
                    "Facebook-vegger og gjerne går i dialog på Twitter» Tabellen: «Innhold: "
                    "tilpasses de enkelte plattformer Tilstedeværelse: plattform som "
                    "kommunikasjonskanal Brukerinvolvering: full tilgang til å ytre seg».",
                    _AMB_SRC,
                    label_en="inviting",
                    aliases=("den inviterende kommunen",),
                ),
            ],
            level="ordinal",
            definition_nb="«[A]mbisjonsnivå [uttrykker] grad av tilstedeværelse, form på "
            "budskap, og i hvilken grad en inviterer og tilrettelegger for interaksjon med "
            "personer gjennom sosiale medier.»",
            source=_AMB_SRC,
            suggest=suggest_ambition,
            suggest_rule="kommunesms lesning: ingen innlegg i perioden → passiv; vegg stengt "
            "for innbyggernes egne innlegg → avventende; åpen vegg → inviterende.",
        )
    ],
    title_nb="Ambisjonsnivå (KS Veikart)",
    source=_AMB_SRC,
    notes=(
        "Veikartets tabell over de tre nivåene er bare delvis transkribert: kolonne"
        "overskriftene mangler (tabellradene er knyttet til nivåene i teksten etter "
        "rekkefølgen), og «Brukerinvolvering» for det avventende nivået mangler.",
        "KS anbefaler det inviterende nivået (s. 11).",
    ),
)

_BEM_SRC = _c("ksveikart2012", "10–11")

#: Veikart's three staffing models, per page (nominal).
VEIKART_BEMANNING = CodingScheme(
    "veikart_bemanning",
    "page",
    [
        Variable(
            "bemanningsmodell",
            "Bemanning",
            [
                Category(
                    "Ildsjelen",
                    "«Én person har hovedansvar for kommunikasjon i sosiale medier» — «vanligvis "
                    "et resultat av at en entusiast har tatt på seg og stått for kommunens "
                    "inntreden i sosiale medier».",
                    _BEM_SRC,
                    label_en="the enthusiast",
                    aliases=("ildsjel", "ildsjelen-modell", "ildsjel-modell"),
                ),
                Category(
                    "Teamet",
                    "«En gruppe mennesker, ofte kommunikasjonsavdelingen, deler på ansvaret».",
                    _BEM_SRC,
                    label_en="the team",
                    aliases=("team", "team-modell"),
                ),
                Category(
                    "Distribuert ansvar",
                    "«Fagpersoner i hele organisasjonen har ansvar for å følge opp sine egne "
                    "fagområder».",
                    _BEM_SRC,
                    label_en="distributed responsibility",
                    aliases=("distribuert", "distribuert modell"),
                ),
            ],
            definition_nb="«Hvem skal representere kommunen i sosiale medier? Hvem uttaler "
            "seg på vegne av kommunen, og er det alltid de samme som har denne rollen?»",
            source=_BEM_SRC,
        )
    ],
    title_nb="Bemanningsmodell (KS Veikart)",
    source=_BEM_SRC,
    notes=(
        "Bemanningen ses bare delvis på siden (signaturer med navn og avdeling, Veikart s. 14); "
        "kod den fra kommunens svar i en spørreundersøkelse eller et intervju der det finnes. "
        "Ingen automatisk regel.",
        "KS anbefaler team-modellen for de fleste kommuner (s. 11).",
    ),
)

_BRUK_SRC = _c("ksveikart2012", "23–27")
_TITLE_ONLY = (
    "Bare tittelen er transkribert (innholdsfortegnelsen); Veikartets tekst om dette "
    "bruksområdet mangler i kilden vi har. Avtal en definisjon før koding."
)

#: Veikart's recommended use areas, per post (multiple choice: a post may serve several).
VEIKART_BRUKSOMRADER = CodingScheme(
    "veikart_bruksomrader",
    "post",
    [
        Variable(
            "bruksomrade",
            "Anbefalte bruksområder",
            [
                Category(
                    "folge_med",
                    "Følge med der det skjer: «Fordelen ved å følge med i det som skjer handler "
                    "om å kunne besvare og videreformidle spørsmål der de stilles, korrigere "
                    "dersom det dukker opp faktafeil eller takke og videreformidle når kommunen "
                    "omtales positivt.»",
                    _c("ksveikart2012", "24"),
                    label_en="follow what happens",
                ),
                Category(
                    "dokumentere",
                    "Dokumentere aktiviteter og resultater: «Sosiale medier representerer en ny "
                    "mulighet for å dokumentere leveranser, aktiviteter og resultater.»",
                    _c("ksveikart2012", "25"),
                    label_en="document activities and results",
                ),
                Category(
                    "rekruttering",
                    "Rekruttering: «Kommune-Norge er i ferd med å ta i bruk sosiale medier for å "
                    "rekruttere nye medarbeidere. […] I tillegg til rekruttering av ansatte "
                    "benyttes sosiale medier også til å \u201crekruttere\u201d innbyggere, "
                    "næringsdrivende og turister.»",
                    _c("ksveikart2012", "26"),
                    label_en="recruitment",
                ),
                Category(
                    "hjelp_til_selvhjelp",
                    "Hjelp til selvhjelp: «Ved å benytte sosiale medier kan informasjon om og "
                    "lenker til slike sider distribueres til innbyggerne. Slike utadrettede "
                    "aktiviteter vil innebære at flere innbyggere kan finne svar på sine "
                    "spørsmål uten å måtte bruke tid på å kontakte kommunen»",
                    _c("ksveikart2012", "27"),
                    label_en="help to self-help",
                ),
                Category(
                    "krisekommunikasjon",
                    "Krisekommunikasjon.",
                    _c("ksveikart2012", "28"),
                    label_en="crisis communication",
                    note=_TITLE_ONLY,
                ),
                Category(
                    "planarbeid_horinger",
                    "Planarbeid og høringer.",
                    _c("ksveikart2012", "30"),
                    label_en="planning and hearings",
                    note=_TITLE_ONLY,
                ),
                Category(
                    "omdommekriser",
                    "Omdømmekriser.",
                    _c("ksveikart2012", "32"),
                    label_en="reputation crises",
                    note=_TITLE_ONLY,
                ),
                Category(
                    "hverdagskriser",
                    "Hverdagskriser.",
                    _c("ksveikart2012", "33"),
                    label_en="everyday crises",
                    note=_TITLE_ONLY,
                ),
                Category(
                    "samhandlingsreformen",
                    "Samhandlingsreformen og forebyggende tiltak.",
                    _c("ksveikart2012") + ", innholdsfortegnelsen",
                    label_en="the Coordination Reform and prevention",
                    note=_TITLE_ONLY + " Sidetallet mangler også.",
                ),
            ],
            choice="multiple",
            definition_nb="Kapittel 4 «10 anbefalte bruksområder»: hvilke(t) bruksområde(r) "
            "tjener innlegget? Marker alle som passer (1), ellers 0.",
            source=_BRUK_SRC,
        )
    ],
    title_nb="Anbefalte bruksområder (KS Veikart)",
    source=_BRUK_SRC,
    notes=(
        "Kapitlet heter «10 anbefalte bruksområder», men innholdsfortegnelsen i "
        "transkripsjonen nevner ni titler, og transkripsjonen slutter på s. 27: bare de fire "
        "første bruksområdene har tekst; de fem andre er bare titler, og det tiende er ukjent.",
    ),
)


# ============================================================================ Difi 2012:2
#: Suggested Difi type of a page from its platform (kommunesm's reading of Difi's own
#: examples: Facebook, Twitter, LinkedIn, Google+, Origo are «dialogbaserte møteplasser»,
#: s. 3 and 16; blogs, «bildedelingstjenester» such as Flickr and comment fields on own web
#: pages are «avsenderstyrte møteplasser», s. 3 and 18). YouTube and Instagram are sharing
#: services like Flickr (our analogy; Difi names neither).
DIFI_PLATFORM_TYPES: dict[str, str] = {
    "facebook": "dialogbaserte møteplasser",
    "twitter": "dialogbaserte møteplasser",
    "x": "dialogbaserte møteplasser",
    "linkedin": "dialogbaserte møteplasser",
    "yammer": "dialogbaserte møteplasser",
    "youtube": "avsenderstyrte møteplasser",
    "instagram": "avsenderstyrte møteplasser",
    "flickr": "avsenderstyrte møteplasser",
    "blogg": "avsenderstyrte møteplasser",
    "blog": "avsenderstyrte møteplasser",
    "sharepoint": "prosjekt- og saksbehandlerstøtte",
    "rss": "lytte- og deleverktøy",
    "wiki": "digitale dugnadsarenaer",
}


def suggest_difi(units: pd.DataFrame) -> pd.Series:
    """Suggested Difi type from ``platform`` (:data:`DIFI_PLATFORM_TYPES`); NA for
    platforms not listed.

    Parameters
    ----------
    units : DataFrame
        The units to code (``platform``).

    Returns
    -------
    Series
        Suggested category code per unit (same index), None where there is none.
    """
    plat = _text(units, "platform").str.strip().str.lower()
    return plat.map(DIFI_PLATFORM_TYPES).astype(object)


_DIFI_SRC = _c("difi2012", "3–4 og 15–20")

#: Difi's five types of social media, per page/channel (nominal).
DIFI_TYPOLOGI = CodingScheme(
    "difi_typologi",
    "page",
    [
        Variable(
            "difi_type",
            "Type sosialt medium",
            [
                Category(
                    "dialogbaserte møteplasser",
                    "«Sosiale nettsamfunn er dialogbaserte møteplasser som lar deltagerne "
                    "presentere seg selv og kommunisere med hverandre. Møteplasser som dette er "
                    "dialogbaserte, ikke styrte. […] Kjernen i dialogbaserte møteplasser er "
                    "dialog mellom deltagerne og deling av lenker og innhold.»",
                    _c("difi2012", "3 og 16"),
                    label_en="dialogue-based meeting places",
                    aliases=("dialogbasert", "dialogbaserte"),
                ),
                Category(
                    "avsenderstyrte møteplasser",
                    "«På avsenderstyrte møteplasser kan en presentere eget innhold og få "
                    "tilbakemeldinger og kommentarer, samtidig som en til en viss grad beholder "
                    "kontrollen over samtalen. […] Det finnes en rekke slike møteplasser, både "
                    "blogger, diskusjonsfora, bildedelingstjenester og kommentarfelt på egne "
                    "nettsider.»",
                    _c("difi2012", "3 og 18"),
                    label_en="sender-controlled meeting places",
                    aliases=("avsenderstyrt", "avsenderstyrte"),
                ),
                Category(
                    "prosjekt- og saksbehandlerstøtte",
                    "«Prosjekt- og saksbehandlingsstøtte er lukkede verktøy for samarbeid mellom "
                    "mennesker, enheter og etater. Slike møteplasser, som chat og prosjektrom, "
                    "kan være integrerte deler av sak- og arkivsystemer, eller supplerende "
                    "møteplasser for kunnskapsdeling»",
                    _c("difi2012", "3 og 19"),
                    label_en="project and case-work support",
                    aliases=("prosjekt- og saksbehandlingsstøtte", "saksbehandlerstøtte"),
                ),
                Category(
                    "lytte- og deleverktøy",
                    "«Tjenester som hjelper en til å håndtere informasjonen i sosiale medier, "
                    "som for eksempel RSS-lesere og bokmerketjenester, gjør to relevante ting: "
                    "de siler og sortere ut kildene en ønsker å lytte til, og gjør det mulig å "
                    "dele disse kildene videre til andre.»",
                    _c("difi2012", "4"),
                    label_en="listening and sharing tools",
                    aliases=("lytteverktøy",),
                    note="Kapittel 3.4 (s. 20) er avbrutt i transkripsjonen; definisjonen er "
                    "sammendragets (s. 4).",
                ),
                Category(
                    "digitale dugnadsarenaer",
                    "«Vi bruker betegnelsen digital dugnad om frivillige samarbeidsprosjekter "
                    "via Internett. Det engelske uttrykket er crowdsourcing. Det dreier seg om "
                    "en form for kollektiv innsats som er lite organisert og styrt.»",
                    _c("difi2012", "4"),
                    label_en="digital voluntary-work arenas (crowdsourcing)",
                    aliases=("digital dugnad", "dugnadsarena"),
                    note="Kapittel 3.5 mangler i transkripsjonen; definisjonen er "
                    "sammendragets (s. 4).",
                ),
            ],
            definition_nb="«Vi definerer begrepet sosiale medier som åpne eller lukkede "
            "digitale møteplasser, som gjør det mulig for to eller flere mennesker å "
            "kommunisere via internett.» Hvilken av de fem typene er kanalen?",
            source=_DIFI_SRC,
            suggest=suggest_difi,
            suggest_rule="Plattform → type etter Difis egne eksempler (Facebook, Twitter, "
            "LinkedIn: dialogbaserte; blogger, bildedeling: avsenderstyrte); YouTube og "
            "Instagram er kommunesms analogi til bildedeling.",
        )
    ],
    title_nb="Difis typologi over sosiale medier",
    source=_DIFI_SRC,
    notes=(
        "Difi-rapporten er transkribert bare til og med kapittel 3.4 (s. 20, avbrutt); for "
        "lytte- og deleverktøy og digitale dugnadsarenaer brukes sammendragets definisjoner "
        "(s. 4).",
        "Enheten er en kanal (en side eller konto): på én plattform er typen som regel den "
        "samme for alle kommuner, så skjemaet skiller mest når flere plattformer kodes.",
    ),
)


# ============================================================================ Bonsón et al.
#: Media type of a post from the export's post type (Facebook Graph API ``type``,
#: CrowdTangle ``Type``): the suggestion rule of the ``medietype`` variable.
BONSON_MEDIA_TYPES: dict[str, str] = {
    "status": "tekst",
    "text": "tekst",
    "link": "lenke",
    "photo": "bilde",
    "album": "bilde",
    "image": "bilde",
    "video": "video",
    "native video": "video",
    "live video": "video",
    "youtube": "video",
    "event": "hendelse",
}


def suggest_media_type(units: pd.DataFrame) -> pd.Series:
    """Media type from the post type (:data:`BONSON_MEDIA_TYPES`); NA if unknown.

    Parameters
    ----------
    units : DataFrame
        The units to code (``type``).

    Returns
    -------
    Series
        Suggested category code per unit (same index), None where there is none.
    """
    t = _text(units, "type").str.strip().str.lower()
    return t.map(BONSON_MEDIA_TYPES).astype(object)


def suggest_content_type(units: pd.DataFrame) -> pd.Series:
    """``driftsmelding`` where H7's notice lexicon matches the message
    (:func:`kommunesm.hypotheses.coders.operational_notice`); otherwise no suggestion.

    Parameters
    ----------
    units : DataFrame
        The units to code (``message``).

    Returns
    -------
    Series
        Suggested category code per unit (same index), None where there is none.
    """
    from kommunesm.hypotheses import coders

    hit = coders.operational_notice(_text(units, "message", "text")).to_numpy(dtype=bool)
    out = np.where(hit, "driftsmelding", None).astype(object)
    return pd.Series(out, index=units.index, dtype=object)


_BON_SRC = _c("bonson2015", "52")
_BON_UNVERIFIED = (
    "Artikkelens fulle kategoriliste var ikke tilgjengelig for prosjektet; kategorien er "
    "lagt til for at listen skal være uttømmende, ikke hentet fra artikkelen."
)

#: Bonsón, Royo & Ratkai's (2015) content and media types, per post.
BONSON = CodingScheme(
    "bonson",
    "post",
    [
        Variable(
            "innholdstype",
            "Innholdstype (tema)",
            [
                Category(
                    "kulturaktiviteter",
                    "Kulturaktiviteter (kultur, arrangementer).",
                    _BON_SRC,
                    label_en="cultural activities",
                ),
                Category("sport", "Idrett og sport.", _BON_SRC, label_en="sports"),
                Category(
                    "markedsføring",
                    "Markedsføring av kommunen (stedet, turisme).",
                    _BON_SRC,
                    label_en="marketing",
                ),
                Category("miljø", "Miljø.", _BON_SRC, label_en="environment"),
                Category("bolig", "Bolig.", _BON_SRC, label_en="housing"),
                Category(
                    "driftsmelding",
                    "«Driftsmeldinger er meldinger om strøm- og vannbrudd, stengte veier eller "
                    "andre viktige meldinger fra kommunen til berørte innbyggere.»",
                    _c("gambit2013", "13") + ", påstand 7",
                    label_en="operational notice",
                    note="Ikke en av Bonsóns kategorier: lagt til fra Gambit H+Ks påstand 7 "
                    "slik at H7-leksikonet kan foreslå den.",
                ),
                Category(
                    "annet",
                    "Alle andre temaer.",
                    "kommunesm",
                    label_en="other",
                    note=_BON_UNVERIFIED,
                ),
            ],
            definition_nb="Hva handler innlegget om? Ett tema per innlegg (det viktigste).",
            source=_BON_SRC,
            suggest=suggest_content_type,
            suggest_rule="driftsmelding der H7-leksikonet (coders.operational_notice) slår "
            "til; ellers ikke noe forslag.",
        ),
        Variable(
            "medietype",
            "Medietype",
            [
                Category(
                    "tekst",
                    "Bare tekst (statusoppdatering).",
                    _BON_SRC,
                    label_en="text",
                    aliases=("status",),
                ),
                Category("lenke", "Lenke.", _BON_SRC, label_en="link", aliases=("link",)),
                Category(
                    "bilde",
                    "Bilde eller album.",
                    _BON_SRC,
                    label_en="photo",
                    aliases=("photo", "foto"),
                ),
                Category("video", "Video.", _BON_SRC, label_en="video"),
                Category(
                    "hendelse",
                    "Arrangement (Facebook-hendelse).",
                    "kommunesm",
                    label_en="event",
                    aliases=("event", "arrangement"),
                    note="Femte medietype: artikkelen oppgir fem, men navnet på den femte kunne "
                    "ikke verifiseres her; «event» er Facebooks femte vanlige posttype.",
                ),
            ],
            definition_nb="Hvilken form har innlegget? Ett valg.",
            source=_BON_SRC,
            suggest=suggest_media_type,
            suggest_rule="Fra innleggets type i eksporten (status → tekst, link → lenke, "
            "photo → bilde, video → video, event → hendelse).",
        ),
    ],
    title_nb="Innholds- og medietyper (Bonsón, Royo & Ratkai 2015)",
    source=_BON_SRC,
    notes=(
        "Bonsón, Royo & Ratkai (2015, s. 52) kodet innleggene i 16 innholdstyper og 5 "
        "medietyper. Bare sammendraget var tilgjengelig for prosjektet: det nevner miljø, "
        "bolig, kulturaktiviteter, sport og markedsføring, og lenker, bilder, video og tekst. "
        "De elleve andre innholdstypene er samlet i «annet» til de er lagt inn fra artikkelens "
        "tabell; driftsmelding er lagt til fra Gambit H+K (påstand 7). Definisjonene er "
        "kommunesms, ikke sitater.",
    ),
)

#: The schemes shipped with kommunesm, by name.
SHIPPED: dict[str, CodingScheme] = {
    s.name: s
    for s in (
        GAMBIT_SIDER,
        GAMBIT_INNLEGG,
        VEIKART_AMBISJON,
        VEIKART_BEMANNING,
        VEIKART_BRUKSOMRADER,
        DIFI_TYPOLOGI,
        BONSON,
    )
}

# ============================================================================ registry
#: Schemes by name (the shipped ones, and any you :func:`register`).
SCHEMES: dict[str, CodingScheme] = {}  # filled with SHIPPED below


def register(scheme: CodingScheme, *, replace_existing: bool = False) -> CodingScheme:
    """Make a scheme available by name (to :func:`get_scheme`, the importer, the CLI).

    Parameters
    ----------
    scheme : CodingScheme
        The scheme.
    replace_existing : bool, default False
        Replace a registered scheme of the same name (otherwise that is an error).

    Returns
    -------
    CodingScheme
        The scheme, as registered.
    """
    if scheme.name in SCHEMES and not replace_existing and SCHEMES[scheme.name] is not scheme:
        raise ValueError(f"a scheme named {scheme.name!r} exists; pass replace_existing=True")
    SCHEMES[scheme.name] = scheme
    return scheme


def unregister(name: str) -> None:
    """Remove a registered scheme.

    Parameters
    ----------
    name : str
        The scheme's name.
    """
    SCHEMES.pop(name, None)


def get_scheme(name: str | CodingScheme) -> CodingScheme:
    """A scheme by name (or the scheme itself).

    Parameters
    ----------
    name : str or CodingScheme
        A registered scheme's name, or a scheme.

    Returns
    -------
    CodingScheme
        The scheme.
    """
    if isinstance(name, CodingScheme):
        return name
    try:
        return SCHEMES[name]
    except KeyError:
        raise KeyError(f"unknown coding scheme {name!r}; known: {', '.join(SCHEMES)}") from None


def list_schemes() -> pd.DataFrame:
    """The registered schemes: name, unit, variables, number of categories, source.

    Returns
    -------
    DataFrame
        One row per registered scheme.
    """
    return pd.DataFrame(
        [
            {
                "scheme": s.name,
                "title_nb": s.title_nb,
                "unit": s.unit,
                "variables": ", ".join(v.id for v in s.variables),  # type: ignore[union-attr]
                "n_categories": sum(len(v.categories) for v in s.variables),  # type: ignore[union-attr,arg-type]
                "source": s.source,
                "notes": " ".join(s.notes),
            }
            for s in SCHEMES.values()
        ]
    ).set_index("scheme")


SCHEMES.update(SHIPPED)
