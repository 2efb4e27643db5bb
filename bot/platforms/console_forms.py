"""A form as questions in the terminal, one line each.

Only the questions a person answers are asked: a field the form arrives filled in with that
names what the form is about (an `..._id`, a `key`, a `slug`) is carried along unasked. A
wrong answer (a choice not on the list, a number that is not one, an empty required answer, one
longer than the field takes)
asks that question again and keeps every answer given so far. A default (the field's own, or
what this person answered before leaving the form part-way with a /command) is taken with an
empty line. When the bot turns a submission down and opens the same form again with
the answers it keeps filled in (`retry`), only the questions it cleared are asked again.

The words around the questions are the member's: `words` is the translator the app used for
them (`forms.console.*` in prompts/), or English when the app did not say.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.events import UserRef
from bot.messages import Form, FormField
from bot.settings import REPO_ROOT

_BOOKKEEPING = re.compile(r"^(?:id|\w+_id|key|slug)$")
SKIP = "-"
Words = Callable[..., str]  # a Translator: words(key, **values)


def english(key: str, **values: Any) -> str:
    """The console's form words in English, read from prompts/en/forms.toml: only used when the app
    gave no translator (a repeated delivery, a test's fake dispatch), so read when needed."""
    with (REPO_ROOT / "prompts" / "en" / "forms.toml").open("rb") as handle:
        words: dict[str, str] = tomllib.load(handle)["console"]
    return words[key.removeprefix("forms.console.")].format(**values)


def asked(form_field: FormField) -> bool:
    """Whether a person fills this field in (not the form's own bookkeeping)."""
    return not (form_field.initial and _BOOKKEEPING.match(form_field.name))


def kept_on_retry(form_field: FormField, sent: Mapping[str, str]) -> bool:
    """On a form opened again after a submission: the bot kept this answer (filled in as sent)."""
    if form_field.initial != sent.get(form_field.name, form_field.initial):
        return False
    return bool(form_field.initial) or not form_field.required


@dataclass
class PendingForm:
    form: Form
    user: UserRef
    earlier: Mapping[str, str] = field(default_factory=dict)  # answers given the last time, offered again
    words: Words = english
    retry: Mapping[str, str] | None = None  # what was just sent, when the bot opened the form again
    values: dict[str, str] = field(default_factory=dict)
    _questions: list[FormField] = field(default_factory=list)

    def __post_init__(self) -> None:
        for form_field in self.form.fields:
            if asked(form_field) and not (self.retry is not None and kept_on_retry(form_field, self.retry)):
                self._questions.append(form_field)
            else:
                self.values[form_field.name] = form_field.initial

    @property
    def current(self) -> FormField | None:
        answered = sum(1 for q in self._questions if q.name in self.values)
        return self._questions[answered] if answered < len(self._questions) else None

    @property
    def done(self) -> bool:
        return self.current is None

    def default(self, question: FormField) -> str:
        return self.earlier.get(question.name) or question.initial

    def word(self, key: str, **values: Any) -> str:
        return self.words(f"forms.console.{key}", **values)

    def intro(self) -> str:
        """The line under the form's title: how to answer (or, opened again, that only one is asked)."""
        return self.word("again" if self.retry is not None else "intro")

    def prompt(self) -> list[str]:
        """The current question: its label, what an empty line or `-` does, and numbered choices."""
        question = self.current
        if question is None:
            return []
        notes = []
        if question.placeholder and not question.options:
            notes.append(self.word("example", hint=question.placeholder))
        default = self.default(question)
        if default:
            notes.append(self.word("keeps", value=_label_of(question, default)))
        if not question.required:
            said = self.word("optional").casefold() in question.label.casefold()  # "(optional)" in the label
            notes.append(self.word("skip" if said else "optional_skip", skip=SKIP))
        lines = [question.label + (f" ({'; '.join(notes)})" if notes else "")]
        lines += [f"  [{n}] {option.label}" for n, option in enumerate(question.options, 1)]
        return lines

    def answer(self, line: str) -> str | None:
        """Take an answer to the current question. Returns what is wrong with it (it is asked again), or None."""
        question = self.current
        if question is None:
            return None
        text = line.strip()
        if not text:
            text = self.default(question)
            if not text and question.required:
                return self.word("required")
        elif text == SKIP and not question.required:
            text = ""
        elif question.options:
            chosen = _choose(question, text)
            if chosen is None:
                return self.word("pick", count=len(question.options))
            text = chosen
        elif question.kind == "number" and not text.isdigit():
            return self.word("number")
        elif question.max_length is not None and len(text) > question.max_length:
            return self.word("too_long", limit=question.max_length, count=len(text))  # as a modal would stop it
        self.values[question.name] = text
        return None

    def given(self) -> dict[str, str]:
        """The answers a person gave (not the bookkeeping; with those kept from before on a form
        opened again), to offer again next time."""
        return {f.name: self.values[f.name] for f in self.form.fields if asked(f) and f.name in self.values}


def _choose(question: FormField, text: str) -> str | None:
    if text.isdigit() and 1 <= int(text) <= len(question.options):
        return question.options[int(text) - 1].value
    folded = text.casefold()
    for option in question.options:
        if folded in (option.label.casefold(), option.value.casefold()):
            return option.value
    return None


def _label_of(question: FormField, value: str) -> str:
    for option in question.options:
        if option.value == value:
            return option.label
    return value if len(value) <= 60 else value[:59] + "…"
