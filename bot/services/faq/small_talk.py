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
THANKS = _words("thanks thank thx ty appreciated appreciate takk tak dank bedankt")
YES = _words("yes yep yeah sure please pls plz ok okay oké ja jo gjerne graag")
NO = _words("no nope nah nei nej nee")
FILLER = _words("""you u so much very a lot great cool nice perfect awesome amazing brilliant lovely excellent
    k kk got it noted understood all right alright fine super wow haha lol that this s i see good
    and there again everyone bot tusen for det skal flott bra supert fint mange dejligt fedt godt
    god forstått forstået og je jullie wel hartelijk top prima mooi goed helder begrepen""")
CHINESE_GREETINGS = ("你好", "您好", "嗨", "早上好", "晚上好")
CHINESE_THANKS = ("谢谢", "多谢", "感谢", "谢")
CHINESE_YES = ("是的", "是", "好的", "好", "可以", "请", "麻烦")
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
CHINESE = CHINESE_GREETINGS + CHINESE_THANKS + CHINESE_YES + CHINESE_NO + CHINESE_FILLER

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class SmallTalk:
    greeting: bool
    thanks: bool
    yes: bool  # an unqualified yes ("yes please", "ja takk", "ok"), no "no" in it


def small_talk(text: str, names: Iterable[str] = ()) -> SmallTalk | None:
    """What the small talk says, or None when the message may be a question.

    ``names``: words that may address someone ("hi Maya"), such as the creator's first name.
    """
    if "?" in text or "？" in text:
        return None
    words = [w.casefold() for w in _WORD.findall(text)]
    if len(words) > MAX_WORDS:
        return None
    han_words = _split_han("".join(w for w in words if _HAN.search(w)))
    if han_words is None:
        return None
    latin = {w for w in words if not _HAN.search(w)}
    known = GREETINGS | THANKS | YES | NO | FILLER | {n.casefold() for n in names}
    if not latin <= known:
        return None
    return SmallTalk(
        greeting=bool(latin & GREETINGS) or any(w in CHINESE_GREETINGS for w in han_words),
        thanks=bool(latin & THANKS) or any(w in CHINESE_THANKS for w in han_words),
        yes=(bool(latin & YES) or any(w in CHINESE_YES for w in han_words))
        and not (latin & NO or any(w in CHINESE_NO for w in han_words)),
    )


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
