"""The ``surveibot`` command line.

    surveibot [--lang id|en] COMMAND …
    surveibot run     [-c config.toml]                  run the bot (polling or webhook)
    surveibot demo    [--out DIR]                        a simulated month, then its report
    surveibot report  YYYY-MM [--service S] [--out DIR] [--json]
    surveibot export  YYYY-MM [--format csv|xlsx] [--out FILE] [--personal]
    surveibot import  FILE
    surveibot backup  FILE

Everything it prints is in Indonesian, or English with ``--lang en`` or ``SURVEIBOT_LANG=en``
(:mod:`survey.console`), including argparse's help and its commonest errors. Errors a user can fix
print one line, never a traceback, and exit with 2 when the command line itself is wrong
(arguments, periods) or 1 when the command cannot be carried out (configuration, database,
files). Heavy modules (telegram, pandas, matplotlib) are imported only by the commands that use
them. ``report`` and ``export`` write into a temporary folder or file beside their target and
move the result into place only once it is complete: a report that fails leaves nothing
half-written, and says so in one line (the error's kind, never its text, which may quote a
respondent).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from bot.config import ConfigError, load
from bot.store import StorageError
from survey import console
from survey.console import reason, say
from survey.period import Period

logger = logging.getLogger("surveibot")


class UsageError(Exception):
    """A command-line argument is wrong; the message says the expected form. Exit status 2."""


class CommandError(Exception):
    """The command cannot be carried out (no database, an unreadable file); exit status 1."""


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command line; returns the exit status."""
    # PTB 22 warns about int periods unless told to use timedelta (we read retry_after as such).
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        console.use(_language(argv))
    except UsageError as exc:
        print(f"surveibot: {exc}", file=sys.stderr)
        return 2
    args = _parser().parse_args(argv)
    _configure_logging(quiet=args.command != "run")
    try:
        status = int(args.handler(args))
        sys.stdout.flush()  # here, where a closed pipe can still be told apart
        return status
    except BrokenPipeError:
        # `surveibot report … | head`: the reader has gone, which is no error of ours. Python's
        # recipe (docs: signal, "Note on SIGPIPE"): stdout onto devnull, so that the flush at exit
        # finds nothing to complain about.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except UsageError as exc:
        print(f"surveibot: {exc}", file=sys.stderr)
        return 2
    except (ConfigError, StorageError, CommandError) as exc:
        print(f"surveibot: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # an output file or folder that cannot be written
        where = exc.filename if exc.filename is not None else ""
        print(f"surveibot: {say('cli.os_error', path=where, reason=reason(exc))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _language(argv: Sequence[str]) -> str:
    """The language asked for by ``--lang`` anywhere in ``argv``, else by the environment."""
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--lang", nargs="?")  # "--lang" alone is left to the full parser to refuse
    asked, _ = pre.parse_known_args(argv)
    chosen = asked.lang or os.environ.get(console.LANGUAGE_ENV) or console.LANGUAGES[0]
    if chosen not in console.LANGUAGES:
        # Said in both languages: the one asked for is not known, so neither can be assumed.
        raise UsageError(
            " / ".join(
                console.say_in(lang, "cli.language", value=repr(chosen), env=console.LANGUAGE_ENV)
                for lang in console.LANGUAGES
            )
        )
    return chosen


class _Parser(argparse.ArgumentParser):
    """argparse, speaking the chosen language in its help, usage line and commonest errors.

    argparse writes its own words in English; the help lines, group titles and the "usage:"
    prefix are given to it here, and the errors people meet most are rewritten from
    :data:`_ARGPARSE_ERRORS`. Rarer argparse errors stay English, followed by the hint.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(add_help=False, formatter_class=_Formatter, **kwargs)
        self.arguments = self.add_argument_group(say("cli.help.arguments"))
        self.options = self.add_argument_group(say("cli.help.options"))
        self.options.add_argument("-h", "--help", action="help", help=say("cli.help.help"))

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        for pattern, key in _ARGPARSE_ERRORS:
            found = pattern.fullmatch(message)
            if found:
                message = say(key, **found.groupdict())
                break
        self.exit(2, say("cli.argument_error", prog=self.prog, message=message) + "\n")


class _Formatter(argparse.HelpFormatter):
    """Writes the usage line's "usage:" in the chosen language."""

    def add_usage(
        self, usage: str | None, actions: Any, groups: Any, prefix: str | None = None
    ) -> None:
        if prefix is None:  # argparse passes "" when it only wants the program's name
            prefix = say("cli.help.usage") + " "
        super().add_usage(usage, actions, groups, prefix)


# argparse's messages (Python 3.11–3.13) and the console texts that say them in our language.
_ARGPARSE_ERRORS = (
    (re.compile(r"the following arguments are required: (?P<names>.+)"), "cli.argparse.required"),
    (re.compile(r"unrecognized arguments: (?P<names>.+)"), "cli.argparse.unrecognized"),
    (
        re.compile(
            r"argument (?P<name>\S+): invalid choice: (?P<value>.+?)"
            r" \(choose from (?P<choices>.+)\)"
        ),
        "cli.argparse.choice",
    ),
    (re.compile(r"argument (?P<name>\S+): expected one argument"), "cli.argparse.one_value"),
)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="surveibot", description=say("cli.help.description"))
    language_help = say("cli.help.lang", env=console.LANGUAGE_ENV)
    parser.options.add_argument("--lang", choices=console.LANGUAGES, help=language_help)
    commands = parser.add_subparsers(
        dest="command",
        required=True,
        metavar=say("cli.metavar.command"),
        title=say("cli.help.commands"),
        parser_class=_Parser,
    )

    def command(name: str, handler: Any) -> _Parser:
        help_text = say(f"cli.help.{name}")
        sub: _Parser = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        # Accepted after the command too; the value was already read by _language.
        sub.options.add_argument(
            "--lang", choices=console.LANGUAGES, default=argparse.SUPPRESS, help=language_help
        )
        if name != "demo":
            config_help = say("cli.help.config")
            sub.options.add_argument(
                "-c",
                "--config",
                type=Path,
                default=Path("config.toml"),
                metavar="config.toml",
                help=config_help,
            )
        return sub

    command("run", _run)
    demo = command("demo", _demo)
    folder, file = say("cli.metavar.folder"), say("cli.metavar.file")
    demo.options.add_argument(
        "--out",
        type=Path,
        default=Path("surveibot-demo"),
        metavar=folder,
        help=say("cli.help.demo_out"),
    )
    report = command("report", _report)
    report.arguments.add_argument("period", metavar="YYYY-MM", help=say("cli.help.period"))
    report.options.add_argument(
        "--service", metavar=say("cli.metavar.code"), help=say("cli.help.service")
    )
    report.options.add_argument("--out", type=Path, metavar=folder, help=say("cli.help.report_out"))
    report.options.add_argument("--json", action="store_true", help=say("cli.help.json"))
    export = command("export", _export)
    export.arguments.add_argument("period", metavar="YYYY-MM", help=say("cli.help.period"))
    export.options.add_argument(
        "--format", choices=("csv", "xlsx"), default="csv", help=say("cli.help.format")
    )
    export.options.add_argument("--out", type=Path, metavar=file, help=say("cli.help.export_out"))
    export.options.add_argument("--personal", action="store_true", help=say("cli.help.personal"))
    imported = command("import", _import)
    imported.arguments.add_argument(
        "file", type=Path, metavar=file, help=say("cli.help.import_file")
    )
    backup = command("backup", _backup)
    backup.arguments.add_argument("file", type=Path, metavar=file, help=say("cli.help.backup_file"))
    return parser


def _period(text: str) -> Period:
    if not Period.is_one(text):
        raise UsageError(say("cli.period", value=repr(text)))
    return Period.parse(text)


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


def _report(args: argparse.Namespace) -> int:
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


def _export(args: argparse.Namespace) -> int:
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


def _import(args: argparse.Namespace) -> int:
    from bot.cli import transfer
    from bot.store import Storage

    config = load(args.config, need_token=False)
    try:
        checked = transfer.check_file(config, args.file)
    except transfer.TransferError as exc:
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
    result = transfer.store(config, checked.rows)
    print(say("cli.import.done", added=result.added, identical=result.identical))
    for period, count in result.late.items():
        print(say("cli.import.late", period=period, count=count))
    return 0


def _backup(args: argparse.Namespace) -> int:
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
    for key in ("ipp", "ipak"):
        value = summary.get(key)
        if value:
            lines.append(f"  {key.upper()} {value['display']} — {value['category']}")
    return "\n".join(lines)


def _print_files(paths: Sequence[Path]) -> None:
    print(say("cli.files"))
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
