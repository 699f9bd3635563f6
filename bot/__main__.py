"""The ``surveibot`` command line.

    surveibot run     [-c config.toml]                  run the bot (polling or webhook)
    surveibot demo    [--out DIR]                        a simulated month, then its report
    surveibot report  YYYY-MM [--service S] [--out DIR] [--json]
    surveibot export  YYYY-MM [--format csv|xlsx] [--out FILE]
    surveibot import  FILE
    surveibot backup  FILE

Errors a user can fix (config, periods, files) print one line and exit non-zero, never a
traceback. Heavy modules (telegram, pandas, matplotlib) are imported only by the commands that
use them.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.config import ConfigError, load
from bot.storage import StorageError

logger = logging.getLogger("surveibot")
PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


class UsageError(Exception):
    """A command-line argument is wrong; the message says the expected form."""


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command line; returns the exit status."""
    # PTB 22 warns about int periods unless told to use timedelta (we read retry_after as such).
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    args = _parser().parse_args(argv)
    _configure_logging(quiet=args.command != "run")
    try:
        return int(args.handler(args))
    except (ConfigError, UsageError) as exc:
        print(f"surveibot: {exc}", file=sys.stderr)
        return 2
    except StorageError as exc:
        print(f"surveibot: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="surveibot", description="Telegram bot for the monthly SPKP/SPAK surveys."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help_text: str, handler: Any) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        if name != "demo":
            sub.add_argument(
                "-c", "--config", type=Path, default=Path("config.toml"), help="config file"
            )
        return sub

    command("run", "run the bot (long polling, or a webhook when [webhook] is set)", _run)
    demo = command("demo", "simulate a month of respondents offline, then write its report", _demo)
    demo.add_argument("--out", type=Path, default=Path("surveibot-demo"), help="output folder")
    report = command(
        "report", "write a month's charts, XLSX and DOCX, and print its figures", _report
    )
    report.add_argument("period", help="the month, YYYY-MM")
    report.add_argument("--service", help="only this service code")
    report.add_argument("--out", type=Path, help="output folder (default: report-YYYY-MM)")
    report.add_argument("--json", action="store_true", help="print one JSON object, write nothing")
    export = command("export", "write a month's submissions as CSV or XLSX", _export)
    export.add_argument("period", help="the month, YYYY-MM")
    export.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    export.add_argument("--out", type=Path, help="output file (default: surveibot-YYYY-MM.csv)")
    imported = command(
        "import", "add submissions from a CSV or XLSX file (export's layout)", _import
    )
    imported.add_argument("file", type=Path)
    backup = command("backup", "copy the database consistently, even while the bot runs", _backup)
    backup.add_argument("file", type=Path, help="where to write the copy")
    return parser


def _period(text: str) -> str:
    if not PERIOD.fullmatch(text):
        raise UsageError(f"period {text!r} must be a month written YYYY-MM, e.g. 2025-01")
    return text


def _run(args: argparse.Namespace) -> int:
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


def _demo(args: argparse.Namespace) -> int:
    from bot import demo

    print(
        "surveibot demo: the real bot against a sandbox Bot API (no token, no network)",
        file=sys.stderr,
    )
    result = demo.run(args.out)
    print(_summary_text(result.summary))
    print(f"\n{result.submitted} respondents submitted, {result.abandoned} stopped halfway.")
    print(f"Database: {result.database}")
    _print_files(result.files)
    return 0


def _report(args: argparse.Namespace) -> int:
    period = _period(args.period)
    config = load(args.config, need_token=False)
    _existing_database(config.storage.path)
    services = {s.code: s.name for s in config.services}
    if args.service is not None and args.service not in services:
        raise UsageError(f"service {args.service!r} is not one of: {', '.join(services)}")
    if args.json:
        from analysis.summary import summarize

        summary = summarize(
            config.storage.path,
            period,
            config.survey.questionnaire,
            services,
            config.survey.monthly_quota,
            args.service,
        )
        print(json.dumps(summary, ensure_ascii=False))
        if summary["responses"] == 0:
            print(f"surveibot: no counted submissions for {period}", file=sys.stderr)
        return 0
    from analysis.report import build_report

    out = args.out or Path(f"report-{period}")
    print(f"Building the report for {period} …", file=sys.stderr)
    files = build_report(
        config.storage.path,
        period,
        config.survey.questionnaire,
        services,
        config.survey.monthly_quota,
        out,
        include_personal=config.reports.include_personal,
        service=args.service,
    )
    summary = getattr(files, "summary", {})
    if summary.get("responses", 0) == 0:
        print(f"No data for {period}: no counted submissions yet.")
    print(_summary_text(summary))
    _print_files(files)
    return 0


def _export(args: argparse.Namespace) -> int:
    from bot import transfer

    period = _period(args.period)
    config = load(args.config, need_token=False)
    _existing_database(config.storage.path)
    out = args.out or Path(f"surveibot-{period}.{args.format}")
    if out.suffix.lower() != f".{args.format}":
        raise UsageError(f"--out {out} does not end in .{args.format}")
    rows = transfer.export_rows(config, period)
    transfer.write_file(out, transfer.header(config.survey.questionnaire), rows)
    print(f"{len(rows)} submissions of {period} written to {out}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from bot import transfer
    from bot.storage import Storage

    config = load(args.config, need_token=False)
    _prepare_database(Storage(config.storage.path))
    try:
        result = transfer.import_file(config, args.file)
    except transfer.TransferError as exc:
        raise UsageError(str(exc)) from None
    if result.errors:
        for error in result.errors:
            print(f"{args.file}: {error}", file=sys.stderr)
        print(f"surveibot: nothing imported: {len(result.errors)} bad row(s)", file=sys.stderr)
        return 1
    print(f"{result.added} submissions imported, {result.already_present} already present.")
    return 0


def _backup(args: argparse.Namespace) -> int:
    from bot.backup import backup

    config = load(args.config, need_token=False)
    _existing_database(config.storage.path)
    pages = backup(config.storage.path, args.file)
    print(f"Backed up {config.storage.path} to {args.file} ({pages} pages)")
    return 0


def _existing_database(path: Path) -> None:
    if not path.is_file():
        raise UsageError(f"no database at {path}: run the bot first, or check [storage] path")


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
        f"{summary['period']}: {summary['responses']} counted responses"
        f" ({summary['beyond_quota']} beyond quota)"
    ]
    for key in ("ipp", "ipak"):
        value = summary.get(key)
        if value:
            lines.append(f"  {key.upper()} {value['display']} — {value['category']}")
    return "\n".join(lines)


def _print_files(files: Any) -> None:
    paths = getattr(files, "paths", None) or getattr(files, "all", None)
    if callable(paths):
        paths = paths()
    if paths:
        print("Files:")
        for path in paths:
            print(f"  {path}")


def _configure_logging(quiet: bool) -> None:
    logging.basicConfig(
        level=logging.WARNING if quiet else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # httpx logs every request URL, and the URL holds the token.
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


if __name__ == "__main__":
    sys.exit(main())
