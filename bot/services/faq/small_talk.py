"""Small talk: "thanks!", "ok 👍", "hi", "yes please": a message to the bot that asks nothing.

Sent to the FAQ, such a message earned an "I don't know" and a line in the creator's inbox.
A message is small talk when every word in it is one of a few greetings, thanks,
acknowledgements or names (en, nb, da, nl, zh) or it holds no word at all (emoji,
punctuation), and it has no question mark. Anything else, however short, is left to the FAQ:
"pause?" is a question. A "yes" matters: it may answer the bot's own "Shall I pass your
question on?".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

MAX_WORDS = 6


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


GREETINGS = _words("""hi hello hey heya hiya yo morning evening afternoon hei heisann hallo hej goddag godmorgen
    morgen kveld aften moin dag hoi goedemorgen goedemiddag goedenavond""")
THANKS = _words("thanks thank thx ty cheers appreciated appreciate takk tak dank bedankt")
YES = _words("yes yep yeah y sure please pls plz ja jo gjerne graag ask go ahead do")
"""Taking up the bot's offer, whatever else is said ("ja takk" is "yes please")."""
OKAY = _words("ok okay oké k kk")
"""Yes on their own; with thanks ("ok thanks") they close the matter instead."""
NO = _words("no nope nah nei nej nee")
FILLER = _words("""you u so much very a lot great cool nice perfect awesome amazing brilliant lovely excellent
    got it noted understood all right alright fine super wow haha lol hmm hm mhm that this s i see
    good and there again everyone bot her him them tusen for det skal flott bra supert fint mange
    dejligt fedt godt god forstått forstået og je jullie wel hartelijk top prima mooi goed helder
    begrepen""")
CHINESE_GREETINGS = ("你好", "您好", "嗨", "早上好", "晚上好")
CHINESE_THANKS = ("谢谢", "多谢", "感谢", "谢")
CHINESE_YES = ("是的", "是", "可以", "请", "麻烦")
CHINESE_OKAY = ("好的", "好")
CHINESE_NO = ("不用", "不")
CHINESE_FILLER = (
    "收到",
    "明白",
    "了解",
    "哈哈",
    "啦",
    "了",
    "的",
    "你",
    "您",
    "啊",
    "呀",
    "嗯",
    "哦",
    "非常",
    "太",
    "棒",
)
CHINESE = CHINESE_GREETINGS + CHINESE_THANKS + CHINESE_YES + CHINESE_OKAY + CHINESE_NO + CHINESE_FILLER

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class SmallTalk:
    greeting: bool
    thanks: bool
    yes: bool  # takes up an offer: "yes please", "ja takk", "ok" (not "ok thanks", nor anything with a "no")
    no: bool  # turns one down: "no thanks", "nei takk"


def small_talk(text: str, names: Iterable[str] = ()) -> SmallTalk | None:
    """What the small talk says, or None when the message may be a question.

    ``names``: words that may address someone ("hi Maya"), such as the creator's first name. A
    question mark makes it a question, except after a greeting alone ("hello?": anyone there?).
    """
    words = [w.casefold() for w in _WORD.findall(text)]
    if len(words) > MAX_WORDS:
        return None
    han_words = _split_han("".join(w for w in words if _HAN.search(w)))
    if han_words is None:
        return None
    latin = {w for w in words if not _HAN.search(w)}
    known = GREETINGS | THANKS | YES | OKAY | NO | FILLER | {n.casefold() for n in names}
    if not latin <= known:
        return None
    greeting = bool(latin & GREETINGS) or any(w in CHINESE_GREETINGS for w in han_words)
    asks = ("?" in text or "？" in text) and (bool(words) or any(c.isdigit() for c in text))  # "?" alone asks nothing
    if asks and not (greeting and latin <= GREETINGS | {n.casefold() for n in names} and not han_words):
        return None
    thanks = bool(latin & THANKS) or any(w in CHINESE_THANKS for w in han_words)
    no = bool(latin & NO) or any(w in CHINESE_NO for w in han_words)
    yes = bool(latin & YES) or any(w in CHINESE_YES for w in han_words)
    okay = bool(latin & OKAY) or any(w in CHINESE_OKAY for w in han_words)
    return SmallTalk(greeting=greeting, thanks=thanks, yes=not no and (yes or (okay and not thanks)), no=no)


def _split_han(han: str) -> list[str] | None:
    """A run of Chinese characters as words of the vocabulary (longest first); None if it holds another word."""
    by_length = sorted(CHINESE, key=len, reverse=True)
    found: list[str] = []
    rest = han
    while rest:
        word = next((w for w in by_length if rest.startswith(w)), None)
        if word is None:
            return None
        found.append(word)
        rest = rest[len(word) :]
    return found
