"""The ``surveibot`` command: loads the config, builds the application and runs it."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import ConfigError, load
from bot.storage import StorageError

logger = logging.getLogger("surveibot")


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command line; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="surveibot", description="Telegram bot for the monthly SPKP/SPAK surveys."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser("run", help="run the bot (long polling)")
    run.add_argument("-c", "--config", type=Path, default=Path("config.toml"), help="config file")
    args = parser.parse_args(argv)
    _configure_logging()
    try:
        if args.command == "run":
            return _run(args.config)
    except ConfigError as exc:
        print(f"surveibot: {exc}", file=sys.stderr)
        return 2
    except StorageError as exc:
        print(f"surveibot: {exc}", file=sys.stderr)
        return 1
    parser.error(f"unknown command {args.command}")
    return 2


def _run(config_path: Path) -> int:
    from telegram import Update

    from bot.app import build_application

    config = load(config_path)
    app = build_application(config)
    logger.info("starting; database %s", config.storage.path)
    app.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


def _configure_logging() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs every request URL, and the URL holds the token.
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


if __name__ == "__main__":
    sys.exit(main())
