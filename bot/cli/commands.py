"""What each ``surveibot`` command does, once :mod:`bot.cli.main` has read its arguments.

Errors a user can fix raise :class:`UsageError` (the command line is wrong: exit 2) or
:class:`CommandError` (it cannot be carried out: exit 1); :func:`bot.cli.main.main` prints them
as one line. ``report`` and ``export`` stage their output beside its target and move it into
place only once complete.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bot.config import load
from survey.console import say
from survey.period import Period

logger = logging.getLogger("surveibot")


class UsageError(Exception):
    """A command-line argument is wrong; the message says the expected form. Exit status 2."""


class CommandError(Exception):
    """The command cannot be carried out (no database, an unreadable file); exit status 1."""


def _period(text: str) -> Period:
    if not Period.is_one(text):
        raise UsageError(say("cli.period", value=repr(text)))
    return Period.parse(text)


def run_bot(args: argparse.Namespace) -> int:
    from telegram import Update

    from bot.app import build_application

    config = load(args.config)
    app = build_application(config)
    webhook = config.webhook
    if webhook is None:
        logger.info("starting with long polling; database %s", config.storage.path)
        app.run_polling(allowed_updates=Update.ALL_TYPES)
        return 0
    logger.info("starting webhook on %s:%s", webhook.listen, webhook.port)
    app.run_webhook(
        listen=webhook.listen,
        port=webhook.port,
        url_path=webhook.url_path,
        webhook_url=webhook.url,
        secret_token=webhook.secret_token,
        allowed_updates=Update.ALL_TYPES,
    )
    return 0


def demo(args: argparse.Namespace) -> int:
    from bot.cli import demo

    print(say("cli.demo.start"), file=sys.stderr)
    result = demo.run(args.out)
    print(_summary_text(result.summary))
    print()
    print(say("cli.demo.done", submitted=result.submitted, abandoned=result.abandoned))
    print(say("cli.demo.database", path=result.database))
    print(say("cli.demo.config", config=args.out / "config.toml", period=result.period))
    _print_files(result.files.paths)
    return 0


def report(args: argparse.Namespace) -> int:
    period = _period(args.period)
    config = load(args.config, need_token=False)
    _existing_database(config.storage.path)
    services = {s.code: s.name for s in config.services}
    if args.service is not None and args.service not in services:
        codes = ", ".join(services)
        raise UsageError(say("cli.service", value=repr(args.service), codes=codes))
    if args.json:
        from analysis.summary import summarize

        summary = summarize(
            config.storage.path,
            period,
            config.survey.questionnaire,
            services,
            config.survey.monthly_quota,
            args.service,
            rules=config.quality_rules,
        )
        print(json.dumps(summary, ensure_ascii=False))
        if summary["responses"] == 0:
            print(f"surveibot: {say('cli.report.no_data', period=period)}", file=sys.stderr)
        return 0
    from analysis.report import NoResponses, ReportRequest, build_report
    from bot.store.staff import survey_links

    out = args.out or Path(f"report-{period}")
    print(say("cli.report.building", period=period), file=sys.stderr)
    try:
        with _staged_folder(out) as staging:
            request = ReportRequest(
                config.storage.path,
                period,
                config.survey.questionnaire,
                services,
                config.survey.monthly_quota,
                service=args.service,
                include_personal=config.reports.include_personal,
                unit_name=config.reports.unit_name,
                zone=config.survey.timezone,
                links=survey_links(config.storage.path, config.services),
                legal_basis=config.reports.legal_basis,
                unit_texts=config.reports.unit_texts,
                quality=config.quality_rules,
            )
            files = build_report(request, staging, allow_empty=False)
    except NoResponses as empty:  # a report of nothing would read as if the survey had run
        print(say("cli.report.empty", period=period))
        print(_summary_text(dict(empty.summary)))
        return 0
    except (OSError, UsageError, CommandError):
        raise
    except Exception as exc:  # its text may quote a respondent: only its kind is said
        raise CommandError(
            say("cli.report.failed", period=period, kind=type(exc).__name__, out=out)
        ) from None
    print(_summary_text(dict(files.summary)))
    _print_files([out / path.relative_to(staging) for path in files.paths])
    return 0


def audit(args: argparse.Namespace) -> int:
    """Prints the month's audit trail (bot/store/events.py), oldest first."""
    from bot.store import events

    period = _period(args.period)
    config = load(args.config, need_token=False)
    _existing_database(config.storage.path)
    found = events.read(config.storage.path, period)
    if args.json:
        print(json.dumps(found, ensure_ascii=False, indent=2))
        return 0
    if not found:
        print(say("cli.audit.none", period=period))
    for event in found:
        detail = ", ".join(
            f"{k}={v}" for k, v in event.items() if k not in ("id", "at", "kind", "period")
        )
        print(f"{event['at']}  {event['kind']}  {detail}".rstrip())
    return 0


def export(args: argparse.Namespace) -> int:
    from bot.cli import transfer

    period = _period(args.period)
    config = load(args.config, need_token=False)
    _existing_database(config.storage.path)
    out = args.out or Path(f"surveibot-{period}.{args.format}")
    if out.suffix.lower() != f".{args.format}":
        raise UsageError(say("cli.export.suffix", out=out, format=args.format))
    personal = args.personal or config.reports.include_personal
    try:
        rows = transfer.export_rows(config, period, personal)
        with _staged_file(out) as staging:
            transfer.write_file(staging, transfer.header(config.survey.questionnaire), rows)
    except (OSError, UsageError, CommandError, transfer.TransferError):
        raise
    except Exception as exc:  # its text may quote a respondent: only its kind is said
        raise CommandError(
            say("cli.export.failed", period=period, kind=type(exc).__name__, out=out)
        ) from None
    # Which one was written, and why: a file with names must never surprise its reader.
    which = "option" if args.personal else "config" if personal else "private"
    print(say(f"cli.export.done_{which}", count=len(rows), period=period, out=out))
    return 0


def import_file(args: argparse.Namespace) -> int:
    from bot.cli import importing
    from bot.cli.transfer import TransferError
    from bot.store import Storage

    config = load(args.config, need_token=False)
    try:
        checked = importing.check_file(config, args.file)
    except TransferError as exc:
        raise CommandError(str(exc)) from None
    if checked.errors:
        for error in checked.errors:
            print(f"{args.file}: {error}", file=sys.stderr)
        refused = say("cli.import.refused", count=checked.bad_lines)
        print(f"surveibot: {refused}", file=sys.stderr)
        return 1
    database = config.storage.path
    if not database.exists():  # a first install, or a mistyped [storage] path: say which
        print(say("cli.import.new_database", path=database))
    _prepare_database(Storage(database))
    result = importing.store(config, checked.rows, args.file)
    print(say("cli.import.done", added=result.added, identical=result.identical))
    for period, count in result.late.items():
        print(say("cli.import.late", period=period, count=count))
    return 0


def backup(args: argparse.Namespace) -> int:
    from bot.cli.backup import backup

    config = load(args.config, need_token=False)
    _existing_database(config.storage.path)
    pages = backup(config.storage.path, args.file)
    print(say("cli.backup.done", path=config.storage.path, target=args.file, pages=pages))
    return 0


@contextmanager
def _staged_folder(out: Path) -> Iterator[Path]:
    """Yields a new folder beside ``out`` to write into; when the block ends without error, its
    files are moved into ``out`` (made if need be). The folder is removed either way, so a
    failure leaves ``out`` as it was."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        yield staging
        out.mkdir(exist_ok=True)
        for path in sorted(staging.iterdir()):
            os.replace(path, out / path.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


@contextmanager
def _staged_file(out: Path) -> Iterator[Path]:
    """Yields a new file's path beside ``out`` (same suffix) to write; when the block ends
    without error it replaces ``out`` in one step, otherwise it is removed."""
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{out.stem}-", suffix=out.suffix, dir=out.parent)
    os.close(handle)
    staging = Path(name)
    try:
        yield staging
        os.replace(staging, out)
    finally:
        staging.unlink(missing_ok=True)


def _existing_database(path: Path) -> None:
    """Refuses a missing database; migrates an existing one as the bot would at start, so a
    database last opened by an older version reads like a current one."""
    from bot.store import Storage

    if not path.is_file():
        raise CommandError(say("cli.no_database", path=path))
    _prepare_database(Storage(path))


def _prepare_database(storage: Any) -> None:
    """Creates and migrates the database, as the bot would, so import works on a new file."""
    import asyncio

    async def prepare() -> None:
        await storage.open()
        await storage.close()

    asyncio.run(prepare())


def _summary_text(summary: dict[str, Any]) -> str:
    if not summary:
        return ""
    lines = [
        say(
            "cli.summary.responses",
            period=summary["period"],
            respondents=summary.get("respondents", 0),
            responses=summary["responses"],
            beyond=summary["beyond_quota"],
            late=summary.get("late", 0),
        )
    ]
    for key, value in summary.get("indices", {}).items():
        if value:
            lines.append(f"  {key.upper()} {value['display']} — {value['category']}")
    return "\n".join(lines)


def _print_files(paths: Sequence[Path]) -> None:
    print(say("cli.files"))
    for path in paths:
        print(f"  {path}")
