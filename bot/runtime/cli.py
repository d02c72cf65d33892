"""The ``crossdesk`` command: run, sandbox, migrate, check-config, export, export-config, import-customers, report."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import io
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from bot import __version__
from bot.runtime import goal_report
from bot.runtime.config_cli import add_export_config
from bot.runtime.handoff_export import a_date, window_problem
from config.loader import EXAMPLE_PATH, ConfigError, load_workspace
from config.schema import WorkspaceConfig
from config.settings import Settings
from storage.database import Database, DatabaseUrlError, async_url, is_database_error

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2

_VARIABLE_HELP = {
    "SLACK_BOT_TOKEN": "the Bot User OAuth Token (xoxb-…) from your Slack app's OAuth & Permissions page",
    "SLACK_SIGNING_SECRET": "the Signing Secret from your Slack app's Basic Information page "
    "(or set SLACK_APP_TOKEN, an xapp-… token, to use Socket Mode instead)",
}


def _settings(out: TextIO) -> Settings | None:
    try:
        return Settings()
    except ValidationError as error:
        for detail in error.errors(include_url=False):
            name = str(detail["loc"][0]).upper() if detail["loc"] else "environment"
            print(f"error: {name}: {detail['msg']}", file=out)
        return None


def _workspace(path: Path, out: TextIO) -> WorkspaceConfig | None:
    try:
        return load_workspace(path)
    except ConfigError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=out)
        return None


def summary(path: Path, workspace: WorkspaceConfig) -> str:
    departments = ", ".join(d.key for d in workspace.departments)
    digest = f"digest to {workspace.digest.channel}" if workspace.digest else "no digest"
    return (
        f"{path}: OK — {len(workspace.departments)} departments ({departments}), "
        f"{len(workspace.intake_channels)} intake channel(s), {len(workspace.standups)} stand-up(s), {digest}, "
        f"language {workspace.language}, time zone {workspace.timezone}"
    )


def cmd_check_config(args: argparse.Namespace) -> int:
    path = Path(args.file)
    workspace = _workspace(path, sys.stdout)
    if workspace is None:
        if not path.exists():
            # Day one: there is no file yet (``make check-config`` looks for ./crossdesk.yaml). Say how to begin.
            print(
                "To start one, copy the example (it explains every key), put in your team's Slack ids "
                f"and run this check again:\n  cp {_shown(EXAMPLE_PATH)} {path}",
            )
        return EXIT_PROBLEM
    print(summary(path, workspace))
    return EXIT_OK


def _shown(path: Path) -> str:
    """``path`` relative to the working directory when it lies below it (``config/crossdesk.example.yaml``)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def cmd_run(_args: argparse.Namespace) -> int:
    settings = _settings(sys.stderr)
    if settings is None:
        return EXIT_PROBLEM
    problems = 0
    for name in settings.missing_for_run():
        print(f"error: missing environment variable {name}: {_VARIABLE_HELP[name]}", file=sys.stderr)
        problems += 1
    for message in settings.token_problems():
        print(f"error: {message}", file=sys.stderr)
        problems += 1
    path = settings.workspace_path()
    workspace = _workspace(path, sys.stderr)
    if workspace is None:
        problems += 1
    try:
        async_url(settings.database_url)
    except DatabaseUrlError as error:
        print(f"error: {error}", file=sys.stderr)
        problems += 1
    if problems or workspace is None:
        print(
            "crossdesk run: not started; fix the problems above (see README.md, 'Run it against Slack').",
            file=sys.stderr,
        )
        return EXIT_PROBLEM
    from bot.runtime import logs
    from bot.runtime.app import Crossdesk, StartupError

    secrets = [
        s.get_secret_value()
        for s in (
            settings.slack_bot_token,
            settings.slack_signing_secret,
            settings.slack_app_token,
            settings.metrics_token,
        )
        if s is not None
    ]
    logs.configure(settings.log_level, json_lines=settings.log_format == "json", secrets=secrets)
    # From here on everything goes through logging, so LOG_FORMAT=json gives nothing but JSON lines.
    log = logging.getLogger("crossdesk.cli")
    log.info("%s", summary(path, workspace))
    if path == EXAMPLE_PATH:
        log.warning(
            "no workspace file given, using the bundled example %s; its people and channels (U0ALICE, C0INTAKE, …) "
            "do not exist in your Slack. Set CROSSDESK_CONFIG or create ./crossdesk.yaml.",
            EXAMPLE_PATH,
        )
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(Crossdesk(settings, workspace).serve_forever())
    except StartupError as error:
        log.error("%s", error)
        return EXIT_PROBLEM
    except Exception as error:
        if not is_database_error(error):
            raise
        return _database_problem(settings, error)
    return EXIT_OK


def _database_problem(settings: Settings, error: BaseException) -> int:
    """One line naming the database (never its password) and what went wrong; no traceback."""
    print(
        f"error: cannot use the database ({_database_label(settings.database_url)}): {_first_line(error)}",
        file=sys.stderr,
    )
    return EXIT_PROBLEM


def _database_label(url: str) -> str:
    """The database URL without its password, for messages."""
    try:
        return async_url(url).set(drivername=async_url(url).get_backend_name()).render_as_string(hide_password=True)
    except DatabaseUrlError:
        return "DATABASE_URL"


def _first_line(error: BaseException) -> str:
    cause = getattr(error, "orig", None) or error
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0][:300]


def cmd_sandbox(args: argparse.Namespace) -> int:
    """The bot against a local Slack-like workspace in the browser: nothing to configure, no Slack needed."""
    if not 0 <= args.port <= 65535:
        print(f"error: --port must be between 0 and 65535, not {args.port}", file=sys.stderr)
        return EXIT_USAGE
    settings = _settings(sys.stderr)
    if settings is None:
        return EXIT_PROBLEM
    path = settings.workspace_path()
    workspace = _workspace(path, sys.stderr)
    if workspace is None:
        return EXIT_PROBLEM
    if args.config_source is not None:
        # Try the Admin view (App Home → Admin) without editing the file: the file only seeds the database.
        workspace = WorkspaceConfig.model_validate({**workspace.model_dump(), "config_source": args.config_source})
    from bot.runtime import logs
    from bot.sandbox.example import sandbox_example
    from bot.sandbox.runner import Sandbox

    if path == EXAMPLE_PATH:
        workspace = sandbox_example(workspace)  # and a department whose owners include a user group
    sandbox = Sandbox(workspace, port=args.port, clean=args.reset, tick_seconds=settings.tick_seconds)
    logs.configure(settings.log_level, json_lines=settings.log_format == "json", secrets=sandbox.secrets())
    print(summary(path, workspace), file=sys.stderr)
    if args.reset:
        print(f"starting clean: {sandbox.data_dir}/ reset", file=sys.stderr)
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(sandbox.serve_forever())
    except OSError as error:
        print(f"error: cannot listen on {sandbox.host}:{args.port}: {error.strerror or error}", file=sys.stderr)
        return EXIT_PROBLEM
    return EXIT_OK


def cmd_migrate(_args: argparse.Namespace) -> int:
    settings = _settings(sys.stderr)
    if settings is None:
        return EXIT_PROBLEM
    from storage.migrate import upgrade

    async def run() -> tuple[str | None, str | None]:
        db = Database(settings.database_url, sqlite_fast_path=settings.sqlite_fast_path)
        try:
            return await upgrade(db)
        finally:
            await db.dispose()

    try:
        before, after = asyncio.run(run())
    except DatabaseUrlError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_PROBLEM
    except Exception as error:
        if not is_database_error(error):
            raise
        return _database_problem(settings, error)
    if before == after:
        print(f"database is up to date (revision {after})")
    else:
        print(f"database migrated from {before or 'empty'} to {after}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    settings = _settings(sys.stderr)
    if settings is None:
        return EXIT_PROBLEM
    problem = window_problem(args.since, args.until, handoff_map=args.handoff_map)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    workspace = _workspace(settings.workspace_path(), sys.stderr) if args.handoff_map else None
    if args.handoff_map and workspace is None:
        return EXIT_PROBLEM  # the map needs the working hours, holidays and SLAs of the workspace file
    from bot.runtime.ticket_export import EXPORT_FIELDS, HISTORY_FIELDS, history_rows, ticket_rows

    fields: tuple[str, ...] = HISTORY_FIELDS if args.history else EXPORT_FIELDS
    what = ""

    async def rows() -> list[dict[str, object]] | None:
        nonlocal fields, what
        db = Database(settings.database_url, sqlite_fast_path=settings.sqlite_fast_path)
        try:
            if args.customers:
                from bot.customers.export import CUSTOMER_FIELDS, customer_export_rows

                customers = await customer_export_rows(db)
                fields, what = CUSTOMER_FIELDS, f"{len(customers)} customers"
                return customers
            if workspace is not None:
                from bot.runtime import handoff_export

                found, what = await handoff_export.handoff_rows(db, workspace, args.since, args.until)
                fields = handoff_export.HANDOFF_FIELDS
                return found
            if args.ratings:
                from bot.runtime import rating_export

                (found, what), fields = await rating_export.rating_rows(db), rating_export.RATING_FIELDS
                return found
            return await (history_rows(db, args.history) if args.history else ticket_rows(db))
        finally:
            await db.dispose()

    try:
        records = asyncio.run(rows())
    except DatabaseUrlError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_PROBLEM
    if records is None:
        print(f"error: no ticket {args.history.upper()}", file=sys.stderr)
        return EXIT_PROBLEM
    buffer = io.StringIO()
    if args.format == "json":
        json.dump(records, buffer, ensure_ascii=False, indent=2)
        buffer.write("\n")
    else:
        writer = csv.DictWriter(buffer, fieldnames=list(fields))
        writer.writeheader()
        writer.writerows(records)
    what = what or (f"{len(records)} entries of {args.history.upper()}" if args.history else f"{len(records)} tickets")
    if args.output and args.output != "-":
        Path(args.output).write_text(buffer.getvalue(), encoding="utf-8")
        print(f"exported {what} to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(buffer.getvalue())
    return EXIT_OK


def cmd_import_customers(args: argparse.Namespace) -> int:
    settings = _settings(sys.stderr)
    if settings is None:
        return EXIT_PROBLEM
    from bot.customers.import_command import run_import

    return run_import(
        Path(args.file), settings.database_url, dry_run=args.dry_run, sqlite_fast_path=settings.sqlite_fast_path
    )


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="crossdesk", description="One accountable owner for every cross-department request."
    )
    root.add_argument("--version", action="version", version=f"crossdesk {__version__}")
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser(
        "run", help="run the bot against Slack (HTTP mode, or Socket Mode with SLACK_APP_TOKEN)"
    ).set_defaults(func=cmd_run)
    sandbox = commands.add_parser("sandbox", help="try the bot in a local Slack-like workspace in the browser")
    sandbox.add_argument("--port", type=int, default=8080, help="port of the page and its Web API (default 8080)")
    sandbox.add_argument("--reset", action="store_true", help="start clean: forget the tickets in .sandbox/")
    sandbox.add_argument(
        "--config-source",
        choices=["file", "database"],
        help="override the file's config_source; database lets admins and leads edit teams in App Home → Admin",
    )
    sandbox.set_defaults(func=cmd_sandbox)
    commands.add_parser("migrate", help="apply database migrations (DATABASE_URL)").set_defaults(func=cmd_migrate)
    check = commands.add_parser("check-config", help="validate a workspace file and report every problem")
    check.add_argument("file", help="path of the workspace file, e.g. crossdesk.yaml")
    check.set_defaults(func=cmd_check_config)
    export = commands.add_parser(
        "export", help="export tickets (or one ticket's whole history, the hand-off map, customers) as CSV or JSON"
    )
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("--output", "-o", help="file to write (default: standard output)")
    instead = export.add_mutually_exclusive_group()
    instead.add_argument("--history", metavar="KEY", help="every entry of ticket KEY's history instead, e.g. SUP-12")
    instead.add_argument(
        "--handoff-map", action="store_true", help="the hand-off map instead: a row per pair of departments"
    )
    instead.add_argument("--ratings", action="store_true", help="every satisfaction rating given instead")
    export.add_argument("--from", dest="since", type=a_date, metavar="DATE", help="with --handoff-map: first day")
    export.add_argument("--to", dest="until", type=a_date, metavar="DATE", help="with --handoff-map: last day")
    instead.add_argument("--customers", action="store_true", help="customers instead: stage, manager, ticket counts")
    export.set_defaults(func=cmd_export)
    customers = commands.add_parser("import-customers", help="add or update customers from a CSV file")
    customers.add_argument("file", help="CSV with the header name,aliases,stage,manager,external_id")
    customers.add_argument("--dry-run", action="store_true", help="check every row and say what would change")
    customers.set_defaults(func=cmd_import_customers)
    add_export_config(commands)
    goal_report.add_command(commands)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
