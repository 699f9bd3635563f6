"""The ``surveibot`` command: loads the config, builds the application and runs it."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import ConfigError, load
from bot.storage import StorageError

logger = logging.getLogger("surveibot")


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command line; returns the exit status."""
    # PTB 22 warns about int periods unless told to use timedelta (we read retry_after as such).
    os.environ.setdefault("PTB_TIMEDELTA", "true")
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
    webhook = config.webhook
    if webhook is None:
        logger.info("starting with long polling; database %s", config.storage.path)
        app.run_polling(allowed_updates=Update.ALL_TYPES)
        return 0
    logger.info(
        "starting webhook on %s:%s; database %s", webhook.listen, webhook.port, config.storage.path
    )
    app.run_webhook(
        listen=webhook.listen,
        port=webhook.port,
        url_path=webhook.url_path,
        webhook_url=webhook.url,
        secret_token=webhook.secret_token,
        allowed_updates=Update.ALL_TYPES,
    )
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
