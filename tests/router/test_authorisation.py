"""Every creator and moderator command, button and form refuses lower roles politely and changes nothing.

The matrix is built from the real router, so a command, action or form another feature
registers with `role="creator"` or `role="moderator"` is covered without touching this file.
"""

from __future__ import annotations

import inspect
import pkgutil
from collections.abc import Mapping

import pytest
from sqlalchemy import func, select

import bot.handlers
from bot.app import App
from bot.handlers import register_all
from bot.platforms.memory import MemoryPlatform
from bot.router import Router, RouteSpec
from bot.services.community import outranks
from storage.models import Activity, ContentItem, InboundEvent
from tests.kits.database import table_counts

IGNORED_TABLES = {Activity.__tablename__, InboundEvent.__tablename__}  # every interaction is logged
ARGS = ("", "list", "1", "all | hello | there", "cancel 1")  # empty, a subcommand, an id, a full line
ACCOUNTS = {"member": "u1", "moderator": "mod", "creator": "creator"}


def _roles() -> dict[str, str]:
    router = Router()
    register_all(router)
    return {name: spec.role for name, spec in sorted(router.commands.items())}


def _routes() -> tuple[dict[str, RouteSpec], dict[str, RouteSpec]]:
    router = Router()
    register_all(router)
    return dict(router.actions), dict(router.forms)


ROLES = _roles()
PRIVILEGED = [name for name, role in ROLES.items() if role != "member"]
CASES = [
    (name, caller) for name in PRIVILEGED for caller in ("member", "moderator") if not outranks(caller, ROLES[name])
]
ACTIONS, FORMS = _routes()
# What a forger would send: values each form's handler accepts, so only the role check stands in the way.
FORGED_VALUES: dict[str, dict[str, str]] = {
    "drops.add": {
        "title": "Claim your bonus",
        "kind": "resource",
        "url": "https://phish.example/login",
        "teaser": "Log in now",
    },
    "drops.edit": {
        "slug": "w1-find-your-one-customer",
        "title": "Claim your bonus",
        "teaser": "Log in now",
        "url": "https://phish.example/login",
        "levels": "",
        "topics": "",
    },
    "announce.compose": {"segment": "all", "when": "", "text": "Urgent: renew at https://phish.example"},
    "poll.create": {"question": "Is this a forged poll?", "options": "yes\nno"},
    "faq.add": {"question": "How do I pay?", "answer": "Send card details to https://phish.example"},
    "faq.edit": {"key": "free-trial", "question": "How does the free trial work?", "answer": "https://phish.example"},
    "faq.answer": {"question_id": "1", "answer": "hacked"},
    "analytics.note": {"member_id": "1", "note": "hello from a forger"},
    "reply.answer": {"reply_id": "1", "answer": "hello from a forger"},
    "qa.schedule": {"title": "Fake session", "date": "2030-01-07", "time": "17:00", "link": "https://phish.example"},
}
ACTION_ARGS = ("", ":1", ":1-1")  # bare, a record id, a session-member pair
ROUTE_CASES = [
    (kind, route, caller)
    for kind, table in (("action", ACTIONS), ("form", FORMS))
    for route, spec in sorted(table.items())
    if spec.role != "member"
    for caller in ("member", "moderator")
    if not outranks(caller, spec.role)
]


def refusal(app: App, name: str) -> str:
    return app.services.catalog.for_locale("en")("errors.not_allowed", command=name)


def test_the_matrix_is_the_apps_and_covers_the_creator_tools(app: App) -> None:
    assert {name: spec.role for name, spec in app.router.commands.items()} == ROLES
    assert {"announce", "poll", "ambassadors"} <= set(PRIVILEGED)
    assert ROLES["announce"] == "creator" and ROLES["poll"] == "moderator"


@pytest.mark.parametrize(("name", "caller"), CASES, ids=[f"{n}-as-{c}" for n, c in CASES])
async def test_lower_roles_get_a_polite_refusal_and_nothing_changes(
    app: App, memory: MemoryPlatform, name: str, caller: str
) -> None:
    user = ACCOUNTS[caller]
    await memory.command(user, "help")  # the account exists before the snapshot
    await app.settle()
    sent_before, before = len(memory.sent), await table_counts(app)

    for args in ARGS:
        reply = await memory.command(user, name, args)
        assert reply.texts == [refusal(app, name)], f"/{name} {args!r} as {caller}"
        assert reply.forms == []
    await app.settle()

    assert await table_counts(app) == before
    assert len(memory.sent) == sent_before and memory.edits == []


@pytest.mark.parametrize("name", PRIVILEGED)
async def test_the_creator_is_never_refused(app: App, memory: MemoryPlatform, name: str) -> None:
    reply = await memory.command("creator", name)
    t = app.services.catalog.for_locale("en")
    assert refusal(app, name) not in reply.texts
    assert t("errors.internal") not in reply.texts
    assert reply.replies or reply.forms, f"/{name} answered nothing"


@pytest.mark.parametrize("name", [n for n in PRIVILEGED if ROLES[n] == "moderator"])
async def test_moderators_may_use_moderator_commands(app: App, memory: MemoryPlatform, name: str) -> None:
    reply = await memory.command("mod", name)
    assert refusal(app, name) not in reply.texts


async def test_help_lists_only_what_the_caller_may_use(app: App, memory: MemoryPlatform) -> None:
    member_help = (await memory.command("u1", "help")).replies[0][0].blocks[1].text  # type: ignore[attr-defined]
    creator_help = (await memory.command("creator", "help")).replies[0][0].blocks[1].text  # type: ignore[attr-defined]
    for name in PRIVILEGED:
        assert f"`/{name}" not in member_help
    assert "`/feedback" in member_help and "`/invite" in member_help
    assert "`/announce" in creator_help and "`/ambassadors" in creator_help
    # Found as an outsider: a member's /help listed the creators' subcommands of /faq and /live.
    assert "`/faq inbox`" not in member_help and "`/live schedule`" not in member_help
    assert "`/faq list [tag]`: the FAQ" in member_help and "`/live ask [ID] question`" in member_help
    assert "`/faq inbox`" in creator_help and "`/live schedule`" in creator_help
    # Found as an outsider: the creator's summary left out how to answer the inbox.
    assert "`/faq answer N`" in creator_help and "`/faq help`" in creator_help


# -- buttons and forms ------------------------------------------------------------------------


def test_every_creator_tools_button_and_form_declares_its_role() -> None:
    creator_actions = {
        "announce.send",
        "announce.schedule",
        "announce.cancel",
        "announce.list",
        "feedback.list",
        "analytics.note",
        "faq.inbox",
        "faq.answer",
        "faq.save",
        "faq.to-live",
        "reply.answer",
        "reply.done",
    }
    creator_forms = {
        "drops.add",
        "drops.edit",
        "announce.compose",
        "analytics.note",
        "faq.answer",
        "faq.add",
        "faq.edit",
        "qa.schedule",
        "reply.answer",
    }
    assert {r for r in creator_actions if ACTIONS[r].role == "creator"} == creator_actions
    assert {r for r in creator_forms if FORMS[r].role == "creator"} == creator_forms
    assert ACTIONS["qa.mark"].role == FORMS["poll.create"].role == "moderator"
    assert set(FORGED_VALUES) == {r for r, spec in FORMS.items() if spec.role != "member"}, (
        "give a new form forged values"
    )


def refused_text(app: App, spec: RouteSpec) -> str:
    error = spec.refused(app.services.community.creator_name)
    return app.services.catalog.for_locale("en")(error.key, **error.values)


@pytest.mark.parametrize("caller", ["member", "moderator"])
async def test_lower_roles_clicking_or_submitting_creator_routes_are_refused_and_nothing_changes(
    app: App, memory: MemoryPlatform, caller: str
) -> None:
    """Every route above the caller's role, in one app (one app per route would be slow): refused, nothing changes."""
    user = ACCOUNTS[caller]
    await memory.command(user, "help")  # the account exists before the snapshot
    await memory.command("u2", "ask", "How does the free trial work?")  # a question #1 to answer, save or forward
    await app.settle()
    cases = [(kind, route) for kind, route, who in ROUTE_CASES if who == caller]
    assert len(cases) >= (19 if caller == "member" else 17)
    for kind, route in cases:
        sent_before, before = len(memory.sent), await table_counts(app)
        spec = (ACTIONS if kind == "action" else FORMS)[route]
        if kind == "action":
            replies = [await memory.click(user, route + arg) for arg in ACTION_ARGS]
        else:
            replies = [
                await memory.submit(user, route, FORGED_VALUES.get(route, {})),
                await memory.submit(user, route, {}),
            ]
        for reply in replies:
            assert reply.texts == [refused_text(app, spec)], f"{kind} {route} as {caller}"
            assert reply.forms == [], f"{kind} {route} as {caller}"
        await app.settle()
        assert await table_counts(app) == before, f"{kind} {route} as {caller}"
        assert len(memory.sent) == sent_before and memory.edits == [], f"{kind} {route} as {caller}"


async def test_a_forged_drop_with_a_phishing_link_is_refused(app: App, memory: MemoryPlatform) -> None:
    """The repro: a member submits the creator's `drops.add` form; nothing is queued for anyone."""
    reply = await memory.submit("u1", "drops.add", FORGED_VALUES["drops.add"])
    assert reply.texts == ["Sorry, /drop is for the creator and moderators only."]
    await app.settle()
    assert await _drops_titled(app, "Claim your bonus") == 0

    accepted = await memory.submit("creator", "drops.add", FORGED_VALUES["drops.add"])
    assert "Sorry" not in accepted.texts[0]
    assert await _drops_titled(app, "Claim your bonus") == 1  # the same values from the creator are accepted


async def _drops_titled(app: App, title: str) -> int:
    async with app.database.session() as session:
        return (
            await session.scalar(select(func.count()).select_from(ContentItem).where(ContentItem.title == title)) or 0
        )


# -- registration -----------------------------------------------------------------------------


def _handler_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(bot.handlers.__path__) if hasattr(_module(m.name), "register"))


def _module(name: str) -> object:
    return __import__(f"bot.handlers.{name}", fromlist=["register"])


def test_register_all_names_every_handler_module_itself() -> None:
    source = inspect.getsource(register_all)
    modules = _handler_modules()
    assert {"announcements", "polls", "feedback", "referrals", "content", "faq", "live"} <= set(modules)
    missing = [name for name in modules if f"    {name}.register(router)" not in source]
    assert missing == []


@pytest.mark.parametrize("name", _handler_modules())
def test_registering_a_module_twice_raises(name: str) -> None:
    router = Router()
    register_all(router)
    with pytest.raises(ValueError, match="registered twice"):
        _module(name).register(router)  # type: ignore[attr-defined]


async def _noop(_ctx: object) -> None:
    return None


@pytest.mark.parametrize("kind", ["command", "action", "form"])
def test_a_duplicate_route_of_any_kind_raises(kind: str) -> None:
    router = Router()
    register = getattr(router, kind)
    register("x.y")(_noop)
    with pytest.raises(ValueError, match="registered twice"):
        register("x.y", role="creator")(_noop)


@pytest.mark.parametrize("kind", ["command", "action", "form"])
def test_an_unknown_role_fails_at_registration(kind: str) -> None:
    with pytest.raises(ValueError, match="unknown role"):
        getattr(Router(), kind)("x.y", role="admin")


def test_the_routes_the_app_uses_are_the_matrixs(app: App) -> None:
    def roles(table: Mapping[str, RouteSpec]) -> dict[str, str]:
        return {route: spec.role for route, spec in table.items()}

    assert roles(app.router.actions) == roles(ACTIONS) and roles(app.router.forms) == roles(FORMS)
