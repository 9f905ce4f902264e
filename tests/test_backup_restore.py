"""Backup and restore as a drill (issue 18 §5, docs/operations.md "Backup and restore").

Real PostgreSQL throughout: the backup is taken from the test database with pg_dump, restored with
pg_restore into a database created here on the same server, and compared table by table."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from pghistory.models import Event

from accountability.platform.backup import Connection, row_counts

BASE_DIR = Path(__file__).resolve().parent.parent


def url_of(name: str) -> str:
    """A postgres:// URL for database ``name`` on the test database's server."""
    entry = connection.settings_dict
    user = quote(entry.get("USER") or "", safe="")
    password = f":{quote(entry['PASSWORD'], safe='')}" if entry.get("PASSWORD") else ""
    host = quote(entry.get("HOST") or "", safe="")
    port = f":{entry['PORT']}" if entry.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{name}"


def counts_of(name: str) -> dict[str, int]:
    with Connection.from_url(url_of(name)).connect(autocommit=True) as conn:
        return row_counts(conn)


def run_backup(target: Path) -> str:
    out = io.StringIO()
    call_command("backup", "--to", str(target), stdout=out)
    return out.getvalue()


def run_restore(source: Path, database_url: str, media_root: Path) -> str:
    out = io.StringIO()
    call_command(
        "restore",
        "--from",
        str(source),
        "--database-url",
        database_url,
        "--media-root",
        str(media_root),
        stdout=out,
    )
    return out.getvalue()


@pytest.fixture
def fresh_database():
    """An empty database with a unique name on the same server, dropped at the end."""
    name = f"restore_drill_{uuid.uuid4().hex[:12]}"
    server = Connection.from_settings({**connection.settings_dict, "NAME": "postgres"})
    with server.connect(autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with server.connect(autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def write_upload(relative: str, content: bytes) -> Path:
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_a_fresh_database_with_the_same_rows_history_and_files(tmp_path, fresh_database):
    call_command("load_demo", stdout=io.StringIO())
    uploads = {
        "imports/2026/12/户籍导入.xlsx": b"PK\x03\x04 not really a workbook " + os.urandom(2048),
        "imports/notes.txt": "走访记录".encode(),
    }
    for relative, content in uploads.items():
        write_upload(relative, content)
    source_counts = counts_of(connection.settings_dict["NAME"])

    run_backup(tmp_path / "backup")
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["row_counts"] == source_counts
    assert set(manifest["files"]) == set(uploads)
    assert ["accountability", "0001_initial"] in manifest["migrations"]
    # the dump holds unmasked ID numbers: owner-only
    assert (tmp_path / "backup").stat().st_mode & 0o777 == 0o700
    assert {p.stat().st_mode & 0o777 for p in (tmp_path / "backup").iterdir()} == {0o600}

    restored_media = tmp_path / "restored-media"
    run_restore(tmp_path / "backup", url_of(fresh_database), restored_media)

    # counted again here, independently of the command's own verification
    restored_counts = counts_of(fresh_database)
    assert restored_counts == source_counts
    history_tables = {
        f"public.{model._meta.db_table}" for model in apps.get_models() if issubclass(model, Event)
    }
    assert history_tables and history_tables <= set(restored_counts)
    assert sum(restored_counts[table] for table in history_tables) > 0  # the demo's history came along
    assert restored_counts["public.pghistory_context"] == source_counts["public.pghistory_context"] > 0
    for relative, content in uploads.items():
        assert (restored_media / relative).read_bytes() == content
    # the history triggers came along too: the restored database keeps recording changes
    with Connection.from_url(url_of(fresh_database)).connect(autocommit=True) as conn:
        restored_triggers = conn.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'pgtrigger%%'"
        ).fetchone()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'pgtrigger%%'")
        source_triggers = cursor.fetchone()
    assert restored_triggers == source_triggers and source_triggers[0] > 0


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    run_backup(tmp_path / "backup")
    before = counts_of(connection.settings_dict["NAME"])
    with pytest.raises(CommandError, match="不是空库"):
        run_restore(tmp_path / "backup", url_of(connection.settings_dict["NAME"]), tmp_path / "media-out")
    assert counts_of(connection.settings_dict["NAME"]) == before


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (
            lambda m: m["row_counts"].__setitem__(
                "public.django_migrations", m["row_counts"]["public.django_migrations"] + 1
            ),
            "public.django_migrations",
        ),
        (lambda m: m["files"]["upload.txt"].__setitem__("sha256", "0" * 64), "upload.txt"),
        (lambda m: m["files"].__setitem__("lost.txt", {"size": 1, "sha256": "0" * 64}), "lost.txt"),
    ],
    ids=["row-count", "file-hash", "missing-file"],
)
def test_restore_fails_when_the_result_differs_from_the_manifest(tmp_path, fresh_database, tamper, message):
    write_upload("upload.txt", b"uploaded")
    run_backup(tmp_path / "backup")
    manifest_path = tmp_path / "backup" / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    tamper(manifest)
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(CommandError, match=f"恢复结果与备份清单不符.*{message}"):
        run_restore(tmp_path / "backup", url_of(fresh_database), tmp_path / "media-out")


@pytest.mark.django_db(transaction=True)
def test_a_damaged_archive_is_refused_before_anything_is_restored(tmp_path, fresh_database):
    run_backup(tmp_path / "backup")
    with (tmp_path / "backup" / "database.dump").open("ab") as dump:
        dump.write(b"\0")
    with pytest.raises(CommandError, match=r"database\.dump 已损坏"):
        run_restore(tmp_path / "backup", url_of(fresh_database), tmp_path / "media-out")
    assert counts_of(fresh_database) == {}


@pytest.mark.django_db(transaction=True)
def test_missing_pg_dump_is_a_chinese_error_and_leaves_no_partial_backup(tmp_path, monkeypatch):
    empty = tmp_path / "no-binaries"
    empty.mkdir()
    monkeypatch.setenv("PG_BIN_DIR", str(empty))
    with pytest.raises(CommandError, match=r"找不到 pg_dump.*PG_BIN_DIR"):
        run_backup(tmp_path / "backup")
    assert not (tmp_path / "backup").exists()


@pytest.mark.django_db(transaction=True)
def test_backup_refuses_a_directory_that_is_not_empty(tmp_path):
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "keep.txt").write_text("older backup")
    with pytest.raises(CommandError, match="已存在且不为空"):
        run_backup(tmp_path / "backup")
    assert [p.name for p in (tmp_path / "backup").iterdir()] == ["keep.txt"]


@pytest.mark.django_db(transaction=True)
def test_an_unexpected_error_is_a_chinese_command_error(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("accountability.management.commands.backup.backup", broken)
    with pytest.raises(CommandError, match="备份失败（意外错误：RuntimeError）"):
        run_backup(tmp_path / "backup")


def test_the_cli_shows_no_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", "--from", str(tmp_path / "nothing"), "--database-url", "x"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "不是完整的备份" in result.stderr


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("existing_empty_directory", [False, True])
def test_a_failing_dump_leaves_no_partial_backup(tmp_path, monkeypatch, existing_empty_directory):
    """A pg_dump that dies half-way (disk full, killed): a stand-in binary of the server's version that
    writes part of the dump and exits 1. The real PostgreSQL still answers the snapshot and counts."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    major = connection.pg_version // 10000
    fake = bin_dir / "pg_dump"
    fake.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = "--version" ]; then echo "pg_dump (PostgreSQL) {major}.0"; exit 0; fi\n'
        'for arg in "$@"; do case "$arg" in --file=*) echo partial > "${arg#--file=}";; esac; done\n'
        'echo "pg_dump: error: could not write to output file: No space left on device" >&2\n'
        "exit 1\n"
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PG_BIN_DIR", str(bin_dir))
    target = tmp_path / "backup"
    if existing_empty_directory:
        target.mkdir()
    with pytest.raises(CommandError, match=r"pg_dump 失败（退出码 1）.*No space left"):
        run_backup(target)
    if existing_empty_directory:
        assert list(target.iterdir()) == []
    else:
        assert not target.exists()
