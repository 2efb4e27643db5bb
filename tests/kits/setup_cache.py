"""What every app under test reads and builds the same way, done once per test process.

About 550 tests build an app. Each used to read the prompts (~75 ms), load the sample
community (~45 ms) and import it into a fresh copy of the migrated SQLite template (~105 ms)
before starting. Now the prompts and each community folder are read once (a folder again when
one of its files changes), and the import into a fresh copy is done once per folder and
moment: later apps get a copy of that imported file, as they get a copy of the migrated one.

A database that is not a fresh copy of the template (PostgreSQL, a restart on the same file,
rows a test wrote first) is imported into as before.
"""

from __future__ import annotations

import filecmp
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bot.community.loader import CommunitySpec, load_community
from bot.i18n import Catalog
from bot.services.importer import import_community
from storage.database import Database

Fingerprint = tuple[tuple[str, int, int], ...]


def fingerprint(root: Path) -> Fingerprint:
    """Every file under `root` by relative path, modification time and size."""
    files = (path for path in root.rglob("*") if path.is_file())
    return tuple(sorted((str(p.relative_to(root)), p.stat().st_mtime_ns, p.stat().st_size) for p in files))


def sqlite_file(database: Database) -> Path | None:
    """The file behind a file-based SQLite database; None for PostgreSQL or memory."""
    prefix = "sqlite+aiosqlite:///"
    if not database.url.startswith(prefix) or ":memory:" in database.url:
        return None
    return Path(database.url.removeprefix(prefix))


@dataclass
class SetupCache:
    template: Path | None = None  # the migrated SQLite file every `sqlite_db` starts as a copy of
    folder: Path | None = None  # where imported copies are kept
    catalogs: dict[Path, Catalog] = field(default_factory=dict)
    specs: dict[tuple[Path, Fingerprint], CommunitySpec] = field(default_factory=dict)
    imported: dict[tuple[Path, Fingerprint, datetime], Path] = field(default_factory=dict)

    def catalog(self, root: Path) -> Catalog:
        if root not in self.catalogs:
            self.catalogs[root] = Catalog.load(root)
        return self.catalogs[root]

    def community(self, root: Path) -> tuple[CommunitySpec, Fingerprint]:
        key = (root, fingerprint(root))
        if key not in self.specs:
            self.specs[key] = load_community(root)
        return self.specs[key], key[1]

    async def import_into(self, database: Database, root: Path, now: datetime) -> None:
        """`import_community` of `root` at `now`, from a copy when the same import was done before."""
        spec, files = self.community(root)
        path = sqlite_file(database)
        fresh = path is not None and self._fresh(path)
        key = (root, files, now)
        if fresh and path is not None and key in self.imported:
            await database.dispose()  # no connection may see the file change under it
            shutil.copyfile(self.imported[key], path)
            return
        await import_community(database, spec, now)
        if fresh and path is not None and self.folder is not None:
            await database.dispose()  # the last connection closing folds the WAL into the file
            kept = self.folder / f"imported-{len(self.imported)}.db"
            shutil.copyfile(path, kept)
            self.imported[key] = kept

    def _fresh(self, path: Path) -> bool:
        """Whether the file is still the untouched template: same bytes, and nothing in a WAL."""
        wal = path.with_name(path.name + "-wal")
        if self.template is None or not path.exists() or (wal.exists() and wal.stat().st_size):
            return False
        return filecmp.cmp(path, self.template, shallow=False)
