"""A bot run as deployed: ``python -m bot run -c cfg.toml`` in its own process, talking over HTTP
to a sandbox Bot API served by :mod:`bot.sandbox.http` (see tests/test_kill.py)."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

from bot.sandbox import SandboxRequest
from tests.support.app import REPO, TOKEN

# The console script pip installed beside this interpreter, as systemd runs it (README).
SURVEIBOT = (str(Path(sys.executable).parent / "surveibot"),)
SERVICES = ("cpob", "cpob_impor", "fasilitas_bersama", "suket_cpob")


def write_config(folder: Path, base_url: str, *, telegram: str = "", more: str = "") -> Path:
    """``folder/cfg.toml`` for a bot on ``base_url`` with a database in ``folder``; ``telegram``
    adds lines to its ``[telegram]`` table, ``more`` adds tables at the end."""
    path = folder / "cfg.toml"
    services = "\n".join(
        f'[[services]]\ncode = "{code}"\nname = "Layanan {code}"\n' for code in SERVICES
    )
    path.write_text(
        f'[telegram]\ntoken = "{TOKEN}"\nbase_url = "{base_url}"\n{telegram}\n\n'
        f'[storage]\npath = "{folder / "survey.db"}"\n\n{services}\n{more}',
        encoding="utf-8",
    )
    return path


@contextlib.asynccontextmanager
async def bot_process(
    config: Path, log: Path, command: Sequence[str] = (sys.executable, "-m", "bot")
) -> AsyncIterator[asyncio.subprocess.Process]:
    """``command run -c config`` (by default ``python -m bot``); killed on the way out if the
    test did not stop it."""
    with log.open("ab") as stderr:
        process = await asyncio.create_subprocess_exec(
            *command,
            "run",
            "-c",
            str(config),
            cwd=REPO,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def until_polling(
    sandbox: SandboxRequest, since: int, process: asyncio.subprocess.Process
) -> None:
    """Waits until the process asked to poll (deleteWebhook comes right before getUpdates)."""
    async with asyncio.timeout(20):
        while not any(c.method == "deleteWebhook" for c in sandbox.calls[since:]):
            assert process.returncode is None, "the bot process stopped on its own"
            await asyncio.sleep(0.02)
