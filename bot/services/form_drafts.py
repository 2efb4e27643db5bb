"""What someone typed into a form the bot then turned down, so they can change it instead of typing it again.

Slack closes a modal once the app acknowledges it, and Discord cannot show an error inside a modal
at all: a refusal ("that time is in the past") arrives as a reply after the form is gone. The
reply carries a button that opens the same form again, filled in with what was sent (`again`).

Each person's last opened form of each kind is kept in memory, with what they sent if it was
refused, for a day and for the latest `MOST` forms in all: a convenience, not a record, so a
restart forgets them (the button then says to start from the command again).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.events import UserRef
from bot.messages import Form, FormField

KEEP = timedelta(days=1)
MOST = 500

_Key = tuple[str, str, str, str]  # platform, workspace, user, form id


@dataclass(frozen=True)
class _Kept:
    form: Form
    opened_at: datetime
    sent: Mapping[str, str] | None = None  # what was sent and refused


class FormDrafts:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._kept: OrderedDict[_Key, _Kept] = OrderedDict()

    def opened(self, user: UserRef, form: Form) -> None:
        """`user` was shown `form`: the one a refusal of its submission offers again."""
        key = _key(user, form.form_id)
        self._kept.pop(key, None)
        self._kept[key] = _Kept(form, self._clock.now())
        while len(self._kept) > MOST:
            self._kept.popitem(last=False)

    def refused(self, user: UserRef, form_id: str, sent: Mapping[str, str]) -> bool:
        """The bot turned down what `user` sent in `form_id`. Whether it can offer the form again."""
        kept = self._fresh(_key(user, form_id))
        if kept is None:
            return False
        self._kept[_key(user, form_id)] = replace(kept, sent=dict(sent))
        return True

    def again(self, user: UserRef, form_id: str) -> Form | None:
        """The form `user` last sent and had refused, filled in with what they sent; None once forgotten."""
        kept = self._fresh(_key(user, form_id))
        if kept is None or kept.sent is None:
            return None
        sent = kept.sent
        return replace(kept.form, fields=tuple(_filled(f, sent.get(f.name)) for f in kept.form.fields))

    def _fresh(self, key: _Key) -> _Kept | None:
        kept = self._kept.get(key)
        if kept is not None and self._clock.now() - kept.opened_at > KEEP:
            del self._kept[key]
            return None
        return kept


def _key(user: UserRef, form_id: str) -> _Key:
    return (user.platform, user.workspace_id, user.user_id, form_id)


def _filled(form_field: FormField, sent: str | None) -> FormField:
    """The field holding what was sent, where it can: a choice only if it is still one of the options."""
    if sent is None or (form_field.options and sent not in {o.value for o in form_field.options}):
        return form_field
    return replace(form_field, initial=sent)
