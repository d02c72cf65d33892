"""``crossdesk export-config``: the running configuration as workspace-file YAML that ``check-config`` accepts.

The running configuration is the one the bots recorded in the database when they started or last reloaded (so
a file edited since, or refused, does not change what is exported); before any bot ran, it is the workspace file.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from config.export import to_yaml
from config.loader import ConfigError, load_workspace
from config.settings import Settings
from storage import workspace_configs
from storage.database import Database, DatabaseUrlError, is_database_error

EXIT_OK, EXIT_PROBLEM = 0, 1


async def running_text(settings: Settings) -> str | None:
    """The YAML of the configuration the bots recorded last, or ``None`` when none did."""
    db = Database(settings.database_url, sqlite_fast_path=settings.sqlite_fast_path)
    try:
        async with db.read() as session:
            record = await workspace_configs.latest(session)
        return record.text if record is not None else None
    finally:
        await db.dispose()


def cmd_export_config(args: argparse.Namespace) -> int:
    try:
        settings = Settings()
    except ValidationError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_PROBLEM
    try:
        text = asyncio.run(running_text(settings))
    except DatabaseUrlError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_PROBLEM
    except Exception as error:
        if not is_database_error(error):
            raise
        # A database not created or not migrated yet: no bot ran on it, so the file is what would run.
        print(
            f"note: no running configuration recorded in the database; exporting {settings.workspace_path()}",
            file=sys.stderr,
        )
        text = None
    if text is None:
        path = settings.workspace_path()
        try:
            text = to_yaml(load_workspace(path))
        except ConfigError as error:
            for problem in error.problems:
                print(f"error: {problem}", file=sys.stderr)
            return EXIT_PROBLEM
    if args.output and args.output != "-":
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"exported the running configuration to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def add_export_config(commands: Any) -> None:
    """Register ``export-config`` on the ``crossdesk`` command's sub-parsers."""
    export = commands.add_parser("export-config", help="write the running configuration as a workspace file (YAML)")
    export.add_argument("--output", "-o", help="file to write (default: standard output)")
    export.set_defaults(func=cmd_export_config)
