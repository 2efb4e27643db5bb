"""Normalisation and tokenisation for en/nb/da/nl/zh text.

Latin words are case-folded, accent-folded, stopword-filtered and stemmed; CJK runs
(detected by Unicode range) become character unigrams plus bigrams. Stemming uses the
Snowball stemmer of the knowledge base's language, guessed once per corpus from
function-word counts (:func:`detect_language`); with no clear guess a crude merged
suffix list is used, so an unknown language still gets some inflection folding.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

import snowballstemmer

# Letters that NFD does not decompose but that members often type without the accent.
_FOLD = str.maketrans({"ø": "o", "æ": "ae", "ß": "ss", "đ": "d", "ł": "l", "œ": "oe"})

# A run of CJK ideographs (plus kana/hangul), or a run of letters/digits.
_RUN = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]+"
    r"|[^\W_]+(?:['’][^\W_]+)*"
)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]")

# Small generic function-word lists per language (accent-folded, lower case). Their
# union is dropped from every text because a query's language is never detected;
# words that are content words in another of the languages are left out.
_EN_STOP = frozenset(
    "a an the and or but if of to in on at by for from with about into over than then "
    "so too very just also i me my mine we us our you your yours he him his she her it its "
    "they them their this that these those there here what which who whom whose when where "
    "why how is am are was were be been being do does did doing have has had having will "
    "would shall should can could may might must not no yes any some all hi hey hello "
    "please thanks thank ok okay im id ive dont doesnt didnt cant wont isnt u ur pls lol "
    "get got want wanna like know need one still really just bit".split()
)
_NB_STOP = frozenset(
    "og i pa til av for med som er var har hadde jeg meg min mitt mine du deg din ditt "
    "dine vi oss var han hun den det de dem seg sin sitt sine en et ei ikke at om men "
    "eller hvis nar hva hvem hvor hvordan hvorfor kan kunne skal skulle vil ville ma "
    "matte bli blir ble blitt vaere vaert fra der her sa hei takk noe noen jo da ogsa "
    "ja nei ikkje enn mer bare litt".split()
)
_DA_STOP = frozenset(
    "og i pa til af for med som er var har havde jeg mig min mit mine du dig din dit "
    "dine vi os han hun den det de dem sig sin sit sine en et ikke at om men eller hvis "
    "nar hvad hvem hvor hvordan hvorfor kan kunne skal skulle vil ville ma matte blive "
    "bliver blev fra der her sa hej tak nogen nogle jo da ogsa ja nej jer hvornar end "
    "mere bare lige lidt".split()
)
_NL_STOP = frozenset(
    "de het een en of maar als van in op aan te met voor door naar bij uit over om "
    "ik mij me mijn jij je jou jouw u uw wij we ons onze zij ze hij hem haar zijn "
    "is ben bent was waren heb hebt heeft hebben had kan kun kunt kunnen zal zou moet "
    "moeten wil wilt willen wat wie waar wanneer waarom hoe dit dat deze die er hier "
    "niet geen wel ook nog al dan toch even hallo hoi bedankt dank graag".split()
)
# Snowball algorithm name -> that language's function words, for detect_language.
LANGUAGE_STOPWORDS: dict[str, frozenset[str]] = {
    "english": _EN_STOP, "norwegian": _NB_STOP, "danish": _DA_STOP, "dutch": _NL_STOP,
}
STOPWORDS: frozenset[str] = _EN_STOP | _NB_STOP | _DA_STOP | _NL_STOP
# detect_language counts only each language's *exclusive* function words (nb and da
# share most of theirs). It needs this many exclusive hits, and the winner must have
# this many times the runner-up's; round a-priori values (a short FAQ entry already
# has a few function words), not tuned.
MIN_LANGUAGE_EVIDENCE = 5
MIN_LANGUAGE_RATIO = 2.0

# Chinese function characters dropped as unigrams (bigrams containing them are kept).
CJK_STOP_CHARS: frozenset[str] = frozenset("的了吗呢吧啊呀我你您他她它们是在有和就都也还要会能可以这那个么什怎")

# Suffixes stripped longest-first from words of >= 5 letters, keeping a stem of >= 3.
# A single merged list (en + nb/da + nl inflectional endings) since language is unknown.
_SUFFIXES: frozenset[str] = frozenset(
        {
            # English
            "ations", "ation", "ings", "ing", "edly", "ed", "ies", "es", "s", "ly", "ment", "ments",
            # Norwegian / Danish
            "ene", "ane", "erne", "ende", "ert", "ere", "er", "en", "et", "a", "e", "te", "de",
            "het", "heten", "ing", "ingen", "ninger", "ninga", "elser", "else", "lig", "lige",
            # Dutch
            "heden", "heid", "ingen", "tjes", "tje", "jes", "je", "en", "eren", "ste", "st",
        }
)
# The lazy stem makes the regex prefer the longest suffix, as a longest-first loop would.
_SUFFIX_RE = re.compile(
    r"^(\w{3,}?)(?:" + "|".join(sorted(_SUFFIXES, key=len, reverse=True)) + r")$"
)
_DOUBLED_END = re.compile(r"([^aeiouy\d])\1$")
_COMBINING = re.compile(r"[\u0300-\u036f]+")


def fold(text: str) -> str:
    """Case-fold, NFKC-normalise and strip accents (å→a, ø→o, é→e)."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text).casefold().translate(_FOLD)
    return _COMBINING.sub("", unicodedata.normalize("NFD", text))


def stem(word: str) -> str:
    """Strip one inflectional suffix; crude but shared across en/nb/da/nl (the fallback)."""
    if len(word) < 5 or word.isdigit():
        return word
    match = _SUFFIX_RE.match(word)
    if match:
        word = match.group(1)
    # Collapse a doubled final consonant left behind (running → runn → run, bestelling).
    if len(word) >= 4:
        word = _DOUBLED_END.sub(r"\1", word)
    return word


def _cjk_tokens(run: str) -> list[str]:
    unigrams = [ch for ch in run if ch not in CJK_STOP_CHARS]
    bigrams = [run[i : i + 2] for i in range(len(run) - 1)]
    return unigrams + bigrams


def words(text: str) -> list[str]:
    """Folded word runs (Latin) and raw CJK runs, in order."""
    return _RUN.findall(fold(text))


def detect_language(texts: Iterable[str]) -> str | None:
    """Snowball name of the language whose function words dominate ``texts``, or None.

    Meant for a whole corpus (a knowledge base), not a single short message.
    """
    exclusive = {
        language: stops - frozenset().union(
            *(other for name, other in LANGUAGE_STOPWORDS.items() if name != language))
        for language, stops in LANGUAGE_STOPWORDS.items()
    }
    counts = dict.fromkeys(LANGUAGE_STOPWORDS, 0)
    for text in texts:
        for word in words(text):
            for language, stops in exclusive.items():
                counts[language] += word in stops
    ranked = sorted(counts.items(), key=lambda item: item[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    if top < MIN_LANGUAGE_EVIDENCE or top < MIN_LANGUAGE_RATIO * second:
        return None
    return best


def make_stemmer(language: str | None) -> Callable[[str], str]:
    """Snowball stemmer for ``language`` (a Snowball algorithm name), else the crude one."""
    if language is None:
        return stem
    return snowballstemmer.stemmer(language).stemWord


class Analyzer:
    """Tokeniser bound to one stemmer, with a word->stem memo shared by all its calls."""

    def __init__(self, language: str | None = None) -> None:
        self.language = language
        self._stem = make_stemmer(language)
        self._memo: dict[str, str] = {}

    def stem(self, word: str) -> str:
        stemmed = self._memo.get(word)
        if stemmed is None:
            stemmed = self._stem(word)
            if len(stemmed) < 2:  # e.g. a Snowball stem of a short word: keep the word
                stemmed = word
            self._memo[word] = stemmed
        return stemmed

    def tokenize(self, text: str) -> list[str]:
        """Index/query terms: stemmed non-stopword Latin words plus CJK uni+bigrams."""
        out: list[str] = []
        for run in words(text):
            if _CJK.match(run):
                out.extend(_cjk_tokens(run))
                continue
            run = run.replace("'", "").replace("’", "")
            if run in STOPWORDS or (len(run) < 2 and not run.isdigit()):
                continue
            out.append(run if run.isdigit() else self.stem(run))
        return out


def tokenize(text: str, stems: dict[str, str] | None = None) -> list[str]:
    """Tokenise with the crude language-free stemmer (see :class:`Analyzer` for Snowball).

    ``stems`` is an optional word->stem memo the caller may share across many calls.
    """
    out: list[str] = []
    for run in words(text):
        if _CJK.match(run):
            out.extend(_cjk_tokens(run))
            continue
        run = run.replace("'", "").replace("’", "")
        if run in STOPWORDS or (len(run) < 2 and not run.isdigit()):
            continue
        if stems is None:
            out.append(stem(run))
        else:
            stemmed = stems.get(run)
            if stemmed is None:
                stemmed = stems[run] = stem(run)
            out.append(stemmed)
    return out


def char_ngrams(text: str, n: int = 4) -> list[str]:
    """Character n-grams of each non-stopword Latin word (padded), for typos and compounds."""
    out: list[str] = []
    for run in words(text):
        if _CJK.match(run) or run in STOPWORDS or len(run) < 3:
            continue
        padded = f"#{run}#"
        if len(padded) <= n:
            out.append(padded)
            continue
        out.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return out
