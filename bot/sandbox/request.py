"""The sandbox's seam: :class:`SandboxRequest`, PTB's ``BaseRequest`` answering as the Bot API.

:meth:`SandboxRequest.do_request` takes each call as PTB sends it, waits out the latency, answers
with an injected fault or a flood-control 429 when one applies, and otherwise dispatches to the Bot
API method or to the ``getUpdates`` queue, recording the call (an empty ``getUpdates`` excepted).
The other concerns are mixins combined here: :class:`~bot.sandbox.store.Store` (state and readers),
:class:`~bot.sandbox.faults.FaultInjection`, :class:`~bot.sandbox.updates.UpdateBuilders` and
:class:`~bot.sandbox.methods.BotApiMethods`.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import re
import time
from collections import deque
from collections.abc import Callable

from telegram._utils.types import ODVInput  # the base class's own annotation; no public alias
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.sandbox.faults import Fault, FaultInjection
from bot.sandbox.methods import BotApiMethods
from bot.sandbox.updates import UpdateBuilders
from bot.sandbox.wire import JSONDict, UploadedFile, _encode, _normalise, _uploads

_TOKEN_ID = re.compile(r"/bot(\d+):[^/]*/")


class SandboxRequest(FaultInjection, UpdateBuilders, BotApiMethods, BaseRequest):
    """A fake Bot API server behind PTB's request seam; see the package docstring."""

    def __init__(
        self,
        *,
        seed: int | None = 0,
        latency: float = 0.0,
        flood_limit: tuple[int, float] | None = None,
        per_chat_limit: tuple[int, float] | None = None,
        bot_id: int | None = None,
        bot_username: str = "surveibot_demo_bot",
        bot_first_name: str = "Surveibot Demo",
        read_timeout: float | None = 5.0,
        max_poll_wait: float = 0.05,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        """Set up an empty Bot API.

        ``flood_limit``/``per_chat_limit`` = (calls, seconds) allowed for send*/edit*/copy/forward
        overall and per chat, in a rolling window; beyond it the answer is a 429. ``bot_id``
        defaults to the number in the token of the first URL. ``clock`` stamps calls and rate
        windows, ``wall_clock`` gives message dates.
        """
        self.calls = []
        self.latency = latency
        self.flood_limit = flood_limit
        self.per_chat_limit = per_chat_limit
        self.flood_errors = 0
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.max_poll_wait = max_poll_wait
        self.clock = clock
        self.wall_clock = wall_clock
        self._bot_id = bot_id
        self._read_timeout = read_timeout
        self._rng = random.Random(seed)
        self._closed = False
        self._injections = []
        self._global_window = deque()
        self._chat_window = {}
        self._chats = {}
        self._messages = {}
        self._bot_sent = {}
        self._message_ids = {}
        self._commands = {}
        self._updates = deque()
        self._waiters = []
        self._last_update_id = 0
        self._webhook_url = ""
        self._file_seq = itertools.count(1)
        self._hosted = {}
        self._callback_seq = itertools.count(1)
        self._queries = {}
        self._media_group_seq = itertools.count(1)
        self._methods = self._method_table()
        self._method_names = {name.lower(): name for name in (*self._methods, "getUpdates")}

    # -- the BaseRequest seam ---------------------------------------------------------------

    @property
    def read_timeout(self) -> float | None:
        """The read timeout PTB adds the getUpdates ``timeout`` to."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open for calls (again); safe to call twice, as Bot.initialize does with one instance."""
        self._closed = False

    async def shutdown(self) -> None:
        """Refuse further calls until initialized again, like HTTPXRequest after closing."""
        self._closed = True

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Answer one Bot API call with the status code and body Telegram would send."""
        if self._closed:
            raise RuntimeError("This SandboxRequest is not initialized!")
        # Telegram's method names are case-insensitive; calls are recorded by their usual name.
        api_method = url.rstrip("/").rsplit("/", 1)[-1]
        api_method = self._method_names.get(api_method.lower(), api_method)
        if method != "POST":  # a file download: what users sent with content is hosted
            content = self.download(url)
            if content is None:
                return 404, _encode({"ok": False, "error_code": 404, "description": "Not Found"})
            self._record("download", {}, {}, url, 200)
            return 200, content
        self._learn_bot_id(url)
        params = _normalise(request_data.parameters) if request_data else {}
        files = _uploads(request_data.multipart_data) if request_data else {}

        if self.latency > 0:
            limit = self._timeout_of(read_timeout)
            if limit is not None and self.latency > limit:
                await asyncio.sleep(limit)
                self._record(api_method, params, files, url, None)
                raise TimedOut(f"sandbox: no answer to {api_method} within {limit} s")
            await asyncio.sleep(self.latency)

        fault = self._pick_fault(api_method, params)
        if fault is not None:
            return self._fail(fault, api_method, params, files, url)

        retry_after = self._rate_check(api_method, params)
        if retry_after is not None:
            self.flood_errors += 1
            body = Fault.retry_after(retry_after).body()
            self._record(api_method, params, files, url, 429)
            return 429, _encode(body)

        if api_method == "getUpdates":
            updates = await self._get_updates(params)
            if updates:  # an idle polling loop would otherwise fill `calls`
                self._record(api_method, params, files, url, 200, updates)
            return 200, _encode({"ok": True, "result": updates})

        status, body = self._dispatch(api_method, params, files)
        self._record(api_method, params, files, url, status, body.get("result"))
        return status, _encode(body)

    def _fail(
        self,
        fault: Fault,
        method: str,
        params: JSONDict,
        files: dict[str, UploadedFile],
        url: str,
    ) -> tuple[int, bytes]:
        if fault.kind == "timeout":
            result = None
            if fault.delivered and method != "getUpdates":
                result = self._dispatch(method, params, files)[1].get("result")
            self._record(method, params, files, url, None, result)
            raise TimedOut(f"sandbox: injected timeout on {method}")
        if fault.kind == "network_error":
            self._record(method, params, files, url, None)
            raise NetworkError(f"sandbox: ConnectError: injected network error on {method}")
        self._record(method, params, files, url, fault.status)
        return fault.status, _encode(fault.body())

    def _learn_bot_id(self, url: str) -> None:
        if self._bot_id is None and (match := _TOKEN_ID.search(url)):
            self._bot_id = int(match.group(1))

    def _timeout_of(self, read_timeout: ODVInput[float]) -> float | None:
        if isinstance(read_timeout, int | float):
            return float(read_timeout)
        if read_timeout is None:
            return None
        return self._read_timeout
