"""Every creator and moderator command refuses lower roles politely and changes nothing.

The matrix is built from the real router, so a command another feature registers with
`role="creator"` or `role="moderator"` is covered without touching this file.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.handlers import register_all
from bot.platforms.memory import MemoryPlatform
from bot.router import Router
from bot.services.community import outranks
from storage.models import Activity, Base, InboundEvent

IGNORED_TABLES = {Activity.__tablename__, InboundEvent.__tablename__}  # every interaction is logged
ARGS = ("", "list", "1", "all | hello | there", "cancel 1")  # empty, a subcommand, an id, a full line
ACCOUNTS = {"member": "u1", "moderator": "mod", "creator": "creator"}


def _roles() -> dict[str, str]:
    router = Router()
    register_all(router)
    return {name: spec.role for name, spec in sorted(router.commands.items())}


ROLES = _roles()
PRIVILEGED = [name for name, role in ROLES.items() if role != "member"]
CASES = [
    (name, caller)
    for name in PRIVILEGED
    for caller in ("member", "moderator")
    if not outranks(caller, ROLES[name])
]


async def table_counts(app: App) -> dict[str, int]:
    async with app.database.session() as session:
        return {
            table.name: await session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
            if table.name not in IGNORED_TABLES
        }


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
