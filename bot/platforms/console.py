"""An interactive terminal chat: you are a member, `/as NAME` switches person, `/time +3d` moves time.

When standard input is not a terminal it reads lines until end of input, so a session can
be scripted: `printf '/join\\n/time +7d\\n' | membot run --platform console`. The screen holds
the chat: the files a message carries are written to a folder and named, forms ask one question
per line (console_forms.py) in the member's language, and `/time` shows when each message arrives
on the way.
"""

from __future__ import annotations

import itertools
import sys
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from pathlib import Path

from bot.events import (
    ActionClicked,
    ChannelRef,
    CommandInvoked,
    Event,
    FormSubmitted,
    MemberJoined,
    MessagePosted,
    UserRef,
)
from bot.i18n import Translator
from bot.messages import DeliveryKey, Form, OutboundMessage, SentMessage, Target
from bot.platforms.console_choices import Choices
from bot.platforms.console_files import FileShelf, describe
from bot.platforms.console_forms import PendingForm, Words, english
from bot.platforms.console_input import CREATOR_ID, addressed, member_id, parse_duration, posted_where, reader
from bot.platforms.console_render import indent, render_text
from bot.ports import Capabilities, Dispatch, PermanentError, UserProfile

WORKSPACE = "console"  # the first community's; others get their own, so their members stay apart
DEFAULT_MEMBER = "Alex"
LONG_JUMP = timedelta(days=7)  # from here `/time` says it will take a while

Reader = Callable[[], Awaitable[str | None]]
Writer = Callable[[str], None]
Advance = Callable[[timedelta, Callable[[str], None]], Awaitable[str]]
FILES = Path("membot-files")


class ConsoleResponder:
    def __init__(
        self, console: ConsolePlatform, user: UserRef, sent: tuple[str, Mapping[str, str]] | None = None
    ) -> None:
        self._console = console
        self._user = user
        self._sent = sent  # (form id, values) when answering a form's submission

    async def reply(self, message: OutboundMessage, *, ephemeral: bool = True) -> None:
        self._console.show(f"reply to {self._user.display_name}", message, to=self._user.user_id)

    async def open_form(self, form: Form) -> bool:
        """Opened while answering its own submission: the bot turned it down and asks again."""
        sent = self._sent
        await self._console.begin_form(form, self._user, retry=sent[1] if sent and sent[0] == form.form_id else None)
        return True


class ConsolePlatform:
    name = "console"
    capabilities = Capabilities(forms=True, ephemeral=True, threads=False, sends_per_second=1000.0, burst=1000)

    def __init__(
        self,
        *,
        read_line: Reader | None = None,
        write: Writer | None = None,
        echo_input: bool | None = None,
        creator_name: str = "Creator",
        community_id: int = 1,
        files: Path = FILES,
    ) -> None:
        interactive = sys.stdin.isatty()
        self._read_line = read_line or reader(interactive)
        self._write = write or (lambda text: print(text, flush=True))
        self._echo = (not interactive) if echo_input is None else echo_input
        self._creator_name = creator_name
        # One workspace per community (stable across a slug rename): the same name in two
        # communities of one database is two people, not one account in both.
        self._workspace = WORKSPACE if community_id == 1 else f"{WORKSPACE}-{community_id}"
        self._names: dict[str, str] = {CREATOR_ID: creator_name}
        self._dispatch: Dispatch | None = None
        self._advance: Advance | None = None
        self._settle: Callable[[], Awaitable[object]] | None = None
        self._ids = itertools.count(1)
        self._session = uuid.uuid4().hex[:12]  # event ids differ between runs: each run's events are new
        self._choices = Choices()  # the numbered buttons shown, and who may press each
        self._known: set[str] = set()
        self._form: PendingForm | None = None
        self._form_shown = False  # a form opened by a handler is shown once the handler is done
        self._words: dict[str, Words] = {}  # user id -> the translator the app last used for them
        self._earlier: dict[tuple[str, str], dict[str, str]] = {}  # (user id, form id): answers last given
        self._access: dict[str, set[str]] = {}
        self._shelf = FileShelf(files)
        self._moment: str | None = None  # while time moves: the stop being delivered
        self._stamped: str | None = None
        self.user = self._user_ref(DEFAULT_MEMBER)

    @property
    def workspaces(self) -> tuple[str, ...]:
        return (self._workspace,)

    def bind(self, *, advance_time: Advance, settle: Callable[[], Awaitable[object]]) -> None:
        """Hooks into the app: move the clock (and run what became due), and deliver the outbox."""
        self._advance = advance_time
        self._settle = settle

    # -- protocol ------------------------------------------------------------------------

    async def start(self, dispatch: Dispatch) -> None:
        self._dispatch = dispatch

    async def stop(self) -> None:
        self._dispatch = None

    async def send(
        self, target: Target, message: OutboundMessage, *, delivery: DeliveryKey | None = None
    ) -> SentMessage:
        where = f"DM to {self._name_of(target.user_id)}" if target.user_id else f"#{target.channel}"
        self.show(where, message, to=target.user_id)
        return SentMessage(message_id=f"c{next(self._ids)}", channel_id=target.channel or "")

    async def edit(self, target: Target, message_id: str, message: OutboundMessage) -> None:
        self.show("edited", message, to=target.user_id)

    async def upload_file(self, target: Target, filename: str, data: bytes, title: str) -> SentMessage:
        where = f"DM to {self._name_of(target.user_id)}" if target.user_id else f"#{target.channel}"
        self._stamp()
        self._write(f"[{where}]\n{indent(title)}" if title else f"[{where}]")
        self._write(indent(self._keep(filename, data)))
        return SentMessage(message_id=f"c{next(self._ids)}", channel_id=target.channel or "")

    async def grant_access(self, workspace_id: str, user_id: str, tier: str) -> None:
        if tier not in self._access.setdefault(user_id, set()):
            self._access[user_id].add(tier)
            self._write(f"[access: {self._name_of(user_id)} now has the {tier} role]")

    async def revoke_access(self, workspace_id: str, user_id: str, tier: str) -> None:
        if tier in self._access.get(user_id, set()):
            self._access[user_id].discard(tier)
            self._write(f"[access: {self._name_of(user_id)} no longer has the {tier} role]")

    async def lookup_user(self, workspace_id: str, user_id: str) -> UserProfile:
        if user_id not in self._known:
            raise PermanentError("unknown console user")
        return UserProfile(user_id=user_id, display_name=self._name_of(user_id))

    # -- the session ---------------------------------------------------------------------

    async def run_session(self, *, log_file: Path | None = None, files: Path | None = None) -> None:
        """Read lines until end of input (or /quit). The first line names the log file."""
        if files is not None:
            self._shelf = FileShelf(files)
        logs = f" Logs: {log_file}." if log_file is not None else ""
        self._write(
            f"membot console.{logs} You are {self.user.display_name} (a member). "
            "Type to write to the bot; #general TEXT posts in a channel. "
            "Try /help, /as NAME, /as creator, /time +1d, /quit. Numbers pick choices."
        )
        await self._arrive(self.user)
        while True:
            line = await self._read_line()
            if line is None:
                break
            line = line.strip()
            if not line and self._form is None:
                continue
            if self._echo:
                self._write(f"{self.user.display_name}> {line}")
            if line in ("/quit", "/exit"):
                break
            await self.handle_line(line)

    async def handle_line(self, line: str) -> None:
        if self._form is not None and line.startswith("/"):
            self._close_form()
        waiting = self._form if addressed(line) else None  # a post or a mention is not an answer
        if waiting is not None:
            await self._post(line)
        elif self._form is not None:
            await self._answer_form(line)
        elif line.startswith("/as ") or line == "/as":
            await self._switch(line[3:].strip())
        elif line.startswith("/time"):
            await self._time(line[5:].strip())
        elif line.isdigit():
            await self._pick(int(line))
        elif line.startswith("/"):
            name, _, args = line[1:].partition(" ")
            await self._emit(
                CommandInvoked(
                    user=self.user,
                    name=name.lower(),
                    args=args.strip(),
                    event_id=self._eid(),
                    responder=self._responder(),
                )
            )
        else:
            await self._post(line)
        if self._settle is not None:
            await self._settle()
        if waiting is not None and self._form is waiting:  # after what the post brought: the form waits
            self._write(waiting.word("waiting", title=waiting.form.title))
            self._prompt_field()

    async def _post(self, line: str) -> None:
        """A plain line is a DM to the bot (the conversation the console shows); ``#channel text``
        posts in a channel, and ``@bot text`` mentions the bot in #general."""
        channel, text, mentions = posted_where(line)
        dm = channel is None
        where = ChannelRef(self.name, self._workspace, channel or f"D-{self.user.user_id}", is_dm=dm)
        if not text:
            self._write("Say something after it: #general hello everyone, or @bot your question.")
            return
        await self._emit(
            MessagePosted(
                user=self.user,
                channel=where,
                text=text,
                message_id=f"c{next(self._ids)}",
                mentions_bot=mentions,
                event_id=self._eid(),
                responder=self._responder(),
            )
        )

    # -- output --------------------------------------------------------------------------

    def show(self, where: str, message: OutboundMessage, *, to: str | None = None) -> None:
        """Write a message shown to the user `to` (their DM or a reply to them), or to everyone."""
        self._stamp()
        self._write(f"[{where}]\n{indent(render_text(message, self._choices.numbering(to)))}")
        if message.attachment is not None:
            self._write(indent(self._keep(message.attachment.filename, message.attachment.data)))

    def _keep(self, filename: str, data: bytes) -> str:
        """Write a file the chat carries to the folder; the line that names it."""
        try:
            return describe(self._shelf.put(filename, data), len(data))
        except OSError as exc:
            return f"[file {filename} could not be written to {self._shelf.folder}: {exc.strerror or exc}]"

    def _stamp(self) -> None:
        """While time moves, say when (once per stop) before the first message of that stop."""
        if self._moment is not None and self._moment != self._stamped:
            self._write(f"-- {self._moment} --")
            self._stamped = self._moment

    def _at(self, moment: str) -> None:
        self._moment = moment

    # -- commands only the console has ---------------------------------------------------

    async def _switch(self, name: str) -> None:
        if not name or len(name) > 40:
            self._write("Say who to be: /as NAME (up to 40 characters), or /as creator.")
            return
        self.user = self._user_ref(name)
        self._write(f"You are now {self.user.display_name}.")
        await self._arrive(self.user)

    async def _time(self, amount: str) -> None:
        try:
            delta = parse_duration(amount)
        except ValueError as exc:
            self._write(f"Sorry: {exc}.")
            return
        if self._advance is None:
            self._write("Time travel is not available here.")
            return
        if delta >= LONG_JUMP:
            self._write(f"[living through {delta.days} days, every job at its own times: this takes a while]")
        try:
            now = await self._advance(delta, self._at)
        finally:
            self._moment = self._stamped = None
        self._write(f"[time moves forward {amount.lstrip('+').strip()}: it is now {now}]")

    async def _pick(self, number: int) -> None:
        choice = self._choices.pick(number, self.user.user_id, self._name_of)
        if isinstance(choice, str):  # not on screen, or shown to someone else
            self._write(choice)
            return
        await self._emit(
            ActionClicked(
                user=self.user,
                action_id=choice.action_id,
                value=choice.value,
                event_id=self._eid(),
                responder=self._responder(),
            )
        )

    async def begin_form(self, form: Form, user: UserRef, *, retry: Mapping[str, str] | None = None) -> None:
        """Hold the form; it is shown when the handler that opened it is done (`_show_form`), in the
        words of the translator that handler had, after whatever it replied first."""
        earlier = {} if retry is not None else self._earlier.get((user.user_id, form.form_id), {})
        self._form = PendingForm(form, user, earlier=earlier, retry=retry)
        self._form_shown = False

    def _show_form(self) -> None:
        pending = self._form
        assert pending is not None
        self._form_shown = True
        pending.words = self._words.get(pending.user.user_id, english)
        self._write(f"** {pending.form.title} ** {pending.intro()}")
        if pending.done:  # nothing for a person to fill in (sent from inside a handler, it would nest)
            self._write(pending.word("nothing"))
            return
        self._prompt_field()

    def _prompt_field(self) -> None:
        assert self._form is not None
        for line in self._form.prompt():
            self._write(line)

    def _close_form(self) -> None:
        """A /command mid-form: the form is closed, its answers kept for the next time it opens."""
        pending = self._form
        assert pending is not None
        self._form = None
        self._earlier[(pending.user.user_id, pending.form.form_id)] = pending.given()
        self._write(pending.word("left", title=pending.form.title))

    async def _answer_form(self, line: str) -> None:
        pending = self._form
        assert pending is not None
        problem = pending.answer(line)
        if problem is not None:
            self._write(problem)
        if not pending.done:
            self._prompt_field()
            return
        self._form = None
        await self._submit(pending)

    async def _submit(self, pending: PendingForm) -> None:
        # Sent: the next time this form opens, it starts afresh (found as an outsider: Enter through a
        # second `/drop add` queued the first one again). A refusal opens it again with what was sent.
        self._earlier.pop((pending.user.user_id, pending.form.form_id), None)
        await self._emit(
            FormSubmitted(
                user=pending.user,
                form_id=pending.form.form_id,
                values=pending.values,
                event_id=self._eid(),
                responder=ConsoleResponder(self, pending.user, (pending.form.form_id, dict(pending.values))),
            )
        )

    # -- helpers -------------------------------------------------------------------------

    async def _arrive(self, user: UserRef) -> None:
        if user.user_id in self._known:
            return
        self._known.add(user.user_id)
        await self._emit(MemberJoined(user=user, event_id=self._eid()))
        if self._settle is not None:
            await self._settle()

    def _user_ref(self, name: str) -> UserRef:
        name = name.strip()
        if name.casefold() == CREATOR_ID:
            return UserRef(self.name, self._workspace, CREATOR_ID, self._creator_name)
        user_id = member_id(name)
        self._names.setdefault(user_id, name)
        return UserRef(self.name, self._workspace, user_id, self._names[user_id])

    def _name_of(self, user_id: str | None) -> str:
        if user_id in self._names:
            return self._names[user_id]
        return (user_id or "?").replace("-", " ").title()

    def _responder(self) -> ConsoleResponder:
        return ConsoleResponder(self, self.user)

    def _eid(self) -> str:
        return f"console-{self._session}-{next(self._ids)}"

    async def _emit(self, event: Event) -> None:
        if self._dispatch is None:
            raise RuntimeError("console not started")
        handled = await self._dispatch(event)
        # The router answers with the handler's context; its translator is the member's language.
        words = getattr(handled, "t", None)
        if isinstance(words, Translator):
            self._words[event.user.user_id] = words
        if self._form is not None and not self._form_shown:
            self._show_form()
