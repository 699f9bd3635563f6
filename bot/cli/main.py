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
import logging
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from bot.cli import commands
from bot.cli.commands import CommandError, UsageError
from bot.config import ConfigError
from bot.store import StorageError
from survey import console
from survey.console import reason, say

logger = logging.getLogger("surveibot")


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
    subcommands = parser.add_subparsers(
        dest="command",
        required=True,
        metavar=say("cli.metavar.command"),
        title=say("cli.help.commands"),
        parser_class=_Parser,
    )

    def command(name: str, handler: Any) -> _Parser:
        help_text = say(f"cli.help.{name}")
        sub: _Parser = subcommands.add_parser(name, help=help_text, description=help_text)
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

    command("run", commands.run_bot)
    demo = command("demo", commands.demo)
    folder, file = say("cli.metavar.folder"), say("cli.metavar.file")
    demo.options.add_argument(
        "--out",
        type=Path,
        default=Path("surveibot-demo"),
        metavar=folder,
        help=say("cli.help.demo_out"),
    )
    report = command("report", commands.report)
    report.arguments.add_argument("period", metavar="YYYY-MM", help=say("cli.help.period"))
    report.options.add_argument(
        "--service", metavar=say("cli.metavar.code"), help=say("cli.help.service")
    )
    report.options.add_argument("--out", type=Path, metavar=folder, help=say("cli.help.report_out"))
    report.options.add_argument("--json", action="store_true", help=say("cli.help.json"))
    audit = command("audit", commands.audit)
    audit.arguments.add_argument("period", metavar="YYYY-MM", help=say("cli.help.period"))
    audit.options.add_argument("--json", action="store_true", help=say("cli.help.json"))
    export = command("export", commands.export)
    export.arguments.add_argument("period", metavar="YYYY-MM", help=say("cli.help.period"))
    export.options.add_argument(
        "--format", choices=("csv", "xlsx"), default="csv", help=say("cli.help.format")
    )
    export.options.add_argument("--out", type=Path, metavar=file, help=say("cli.help.export_out"))
    export.options.add_argument("--personal", action="store_true", help=say("cli.help.personal"))
    imported = command("import", commands.import_file)
    imported.arguments.add_argument(
        "file", type=Path, metavar=file, help=say("cli.help.import_file")
    )
    backup = command("backup", commands.backup)
    backup.arguments.add_argument("file", type=Path, metavar=file, help=say("cli.help.backup_file"))
    return parser


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
