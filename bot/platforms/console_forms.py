"""A form as questions in the terminal, one line each.

Only the questions a person answers are asked: a field the form arrives filled in with that
names what the form is about (an `..._id`, a `key`, a `slug`) is carried along unasked. A
wrong answer (a choice not on the list, a number that is not one, an empty required answer)
asks that question again and keeps every answer given so far. A default (the field's own, or
what this person answered last time, say before the bot turned the answers down) is taken
with an empty line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.events import UserRef
from bot.messages import Form, FormField

_BOOKKEEPING = re.compile(r"^(?:id|\w+_id|key|slug)$")
SKIP = "-"


def asked(form_field: FormField) -> bool:
    """Whether a person fills this field in (not the form's own bookkeeping)."""
    return not (form_field.initial and _BOOKKEEPING.match(form_field.name))


@dataclass
class PendingForm:
    form: Form
    user: UserRef
    earlier: Mapping[str, str] = field(default_factory=dict)  # answers given the last time, offered again
    values: dict[str, str] = field(default_factory=dict)
    _questions: list[FormField] = field(default_factory=list)

    def __post_init__(self) -> None:
        for form_field in self.form.fields:
            if asked(form_field):
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

    def prompt(self) -> list[str]:
        """The current question: its label, what an empty line or `-` does, and numbered choices."""
        question = self.current
        if question is None:
            return []
        notes = []
        if question.placeholder and not question.options:
            notes.append(f"e.g. {question.placeholder}")
        default = self.default(question)
        if default:
            notes.append(f"Enter keeps: {_label_of(question, default)}")
        if not question.required:
            notes.append(f"{SKIP} to skip" if "optional" in question.label.casefold() else f"optional, {SKIP} to skip")
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
                return "This one needs an answer."
        elif text == SKIP and not question.required:
            text = ""
        elif question.options:
            chosen = _choose(question, text)
            if chosen is None:
                return f"Pick one of the numbers 1 to {len(question.options)}."
            text = chosen
        elif question.kind == "number" and not text.isdigit():
            return "Please answer with a number, like 60."
        self.values[question.name] = text
        return None

    def given(self) -> dict[str, str]:
        """The answers a person typed (not the bookkeeping), to offer again next time."""
        return {q.name: self.values[q.name] for q in self._questions if q.name in self.values}


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
