"""An HTTP front for :class:`~bot.sandbox.SandboxRequest`, so a separate bot process can be driven.

A bot started with ``[telegram] base_url = "http://127.0.0.1:<port>/bot"`` talks to this server
exactly as it would to ``api.telegram.org``: ``POST`` (or ``GET``) ``/bot<token>/<method>`` with a
form, JSON or multipart body. Each call is handed to the sandbox, so its recording, fault
injection and ``getUpdates`` queue work as in-process; the test keeps the sandbox object and can
kill and restart the bot process around it::

    sandbox = SandboxRequest()
    async with SandboxServer(sandbox) as server:
        ...  # start `surveibot run` with base_url = server.base_url, queue updates, inspect calls

Faults that have no HTTP status are played at the connection level: an injected network error
closes the connection without an answer; an injected timeout holds the connection unanswered until
the client gives up (or ``stall`` seconds pass), which is what the client's read timeout sees.

Only this loopback test server: one request at a time per connection, HTTP/1.1 keep-alive,
``Content-Length`` or chunked bodies. ``python -m bot.sandbox.http`` serves an empty sandbox.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from email.policy import HTTP
from types import TracebackType
from typing import Any, cast
from urllib.parse import parse_qsl, urlsplit

from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData

from bot.sandbox import SandboxRequest

logger = logging.getLogger(__name__)

MAX_HEADER = 64 * 1024
MAX_BODY = 60 * 1024 * 1024  # above the Bot API's 50 MB upload limit
# Parameters that are text even when they look like JSON ("123", "true"); every other form value
# is decoded as JSON when it parses, the way the Bot API reads numbers, booleans and objects.
_TEXT_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "url",
        "language_code",
        "secret_token",
        "ip_address",
        "emoji",
        "title",
        "description",
        "short_description",
        "name",
        "query",
        "filename",
        "photo",
        "document",
        "audio",
        "video",
        "voice",
        "sticker",
        "animation",
        "video_note",
        "thumbnail",
        "business_connection_id",
        "message_effect_id",
    }
)
_REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 413: "Payload Too Large"}


class _BadHttp(Exception):
    """The client sent something this server cannot read; answered with 400 and closed."""


@dataclass
class _Request:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    @property
    def keep_alive(self) -> bool:
        return self.headers.get("connection", "").lower() != "close"


@dataclass
class _Received:
    """What :meth:`SandboxRequest.do_request` reads of PTB's ``RequestData``."""

    parameters: dict[str, Any] = field(default_factory=dict)
    multipart_data: dict[str, tuple[str, bytes, str]] = field(default_factory=dict)


class SandboxServer:
    """Serves one :class:`SandboxRequest` over HTTP on ``host:port`` (port 0: any free one)."""

    def __init__(
        self,
        sandbox: SandboxRequest,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        stall: float = 30.0,
    ) -> None:
        self.sandbox = sandbox
        self.host = host
        self.port = port
        self.stall = stall
        self.requests = 0
        self._server: asyncio.Server | None = None
        self._connections: dict[asyncio.Task[None], asyncio.StreamWriter] = {}

    @property
    def base_url(self) -> str:
        """The ``[telegram] base_url`` a bot needs to talk to this server."""
        return f"http://{self.host}:{self.port}/bot"

    async def start(self) -> None:
        await self.sandbox.initialize()
        self._server = await asyncio.start_server(self._connection, self.host, self.port)
        self.port = int(self._server.sockets[0].getsockname()[1])
        logger.info("sandbox Bot API listening on %s", self.base_url)

    async def stop(self) -> None:
        """Stops listening and drops every open connection."""
        if self._server is not None:
            self._server.close()
        # Closing the transports ends each connection's task at its next read; cancelling the
        # tasks instead makes asyncio's stream callback log the CancelledError (Python 3.11).
        self.sandbox.release_polls()  # a long poll would otherwise hold its task until it ends
        for writer in self._connections.values():
            writer.transport.abort()
        if self._connections:
            await asyncio.wait(list(self._connections), timeout=5)
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    async def __aenter__(self) -> SandboxServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- one connection -------------------------------------------------------------------------

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections[task] = writer
        try:
            while True:
                try:
                    request = await _read_request(reader)
                    if request is None:
                        return
                    self.requests += 1
                    status, body = await self._answer(request)
                except _BadHttp as exc:
                    _write(writer, 400, _error(400, f"Bad Request: {exc}"), keep_alive=False)
                    await writer.drain()
                    return
                except TimedOut:
                    # Never answered: the client's read timeout fires and it hangs up.
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(self.stall):
                            await reader.read()
                    return
                except NetworkError:
                    return  # closed without an answer, as a dropped connection looks
                _write(writer, status, body, keep_alive=request.keep_alive)
                await writer.drain()
                if not request.keep_alive:
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            return  # the client went away, e.g. a bot process killed mid-request
        finally:
            self._connections.pop(task, None)
            writer.close()
            with contextlib.suppress(ConnectionError, asyncio.CancelledError):
                await writer.wait_closed()

    async def _answer(self, request: _Request) -> tuple[int, bytes]:
        split = urlsplit(request.target)
        url = f"http://{self.host}:{self.port}{split.path}"
        received = _Received()
        if split.query:
            received.parameters.update(_decoded(parse_qsl(split.query, keep_blank_values=True)))
        _parse_body(request, received)
        # The sandbox reads every non-POST as a file download; a GET of a method is a call.
        method = "POST" if request.method == "POST" or "/file/" not in split.path else "GET"
        try:
            return await self.sandbox.do_request(url, method, cast(RequestData, received))
        except (TimedOut, NetworkError):
            raise
        except Exception as exc:  # a sandbox bug must not look like a Bot API answer
            logger.exception("sandbox failed on %s", split.path.rsplit("/", 1)[-1])
            return 500, _error(500, f"Internal Server Error: {type(exc).__name__}")


# -- HTTP/1.1 parsing ---------------------------------------------------------------------------


async def _read_request(reader: asyncio.StreamReader) -> _Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if not exc.partial.strip():
            return None  # a clean end of a kept-alive connection
        raise _BadHttp("incomplete request head") from exc
    except asyncio.LimitOverrunError as exc:
        raise _BadHttp("request head too large") from exc
    if len(head) > MAX_HEADER:
        raise _BadHttp("request head too large")
    lines = head.decode("latin-1").split("\r\n")
    try:
        method, target, _version = lines[0].split(" ", 2)
    except ValueError as exc:
        raise _BadHttp(f"bad request line {lines[0][:80]!r}") from exc
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep:
            raise _BadHttp(f"bad header line {line[:80]!r}")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = await _read_chunked(reader)
    else:
        try:
            length = int(headers.get("content-length", "0"))
        except ValueError as exc:
            raise _BadHttp("bad Content-Length") from exc
        if not 0 <= length <= MAX_BODY:
            raise _BadHttp("body too large")
        body = await reader.readexactly(length)
    return _Request(method.upper(), target, headers, body)


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    body = bytearray()
    while True:
        size_line = await reader.readuntil(b"\r\n")
        try:
            size = int(size_line.split(b";", 1)[0].strip(), 16)
        except ValueError as exc:
            raise _BadHttp("bad chunk size") from exc
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":  # trailers
                pass
            return bytes(body)
        if len(body) + size > MAX_BODY:
            raise _BadHttp("body too large")
        body += await reader.readexactly(size)
        await reader.readexactly(2)


def _parse_body(request: _Request, received: _Received) -> None:
    if not request.body:
        return
    content_type = request.headers.get("content-type", "")
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "application/json":
        try:
            data = json.loads(request.body)
        except ValueError as exc:
            raise _BadHttp("body is not JSON") from exc
        if not isinstance(data, dict):
            raise _BadHttp("JSON body is not an object")
        received.parameters.update(data)
    elif kind == "multipart/form-data":
        _parse_multipart(content_type, request.body, received)
    else:  # application/x-www-form-urlencoded, what PTB sends without files
        pairs = parse_qsl(request.body.decode("utf-8"), keep_blank_values=True)
        received.parameters.update(_decoded(pairs))


def _parse_multipart(content_type: str, body: bytes, received: _Received) -> None:
    params = BytesHeaderParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode("latin-1")
    )
    boundary = params.get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        raise _BadHttp("multipart body without a boundary")
    # Every part starts after CRLF "--boundary"; the body's first delimiter has no CRLF before it.
    chunks = (b"\r\n" + body).split(b"\r\n--" + boundary.encode("latin-1"))
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            return  # the closing delimiter
        head, sep, content = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        if not sep:
            raise _BadHttp("multipart part without headers")
        headers = BytesHeaderParser(policy=HTTP).parsebytes(head + b"\r\n\r\n")
        name = headers.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            raise _BadHttp("multipart part without a name")
        filename = headers.get_filename()
        if filename is None:
            received.parameters.update(_decoded([(name, content.decode("utf-8"))]))
        else:
            mime = headers.get_content_type() if headers["content-type"] else None
            received.multipart_data[name] = (filename, content, mime or "application/octet-stream")
    raise _BadHttp("multipart body without its closing delimiter")


def _decoded(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for key, value in pairs:
        params[key] = value if key in _TEXT_PARAMS else _json_or_text(value)
    return params


def _json_or_text(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


def _write(writer: asyncio.StreamWriter, status: int, body: bytes, *, keep_alive: bool) -> None:
    reason = _REASONS.get(status, "Error")
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"Connection: {'keep-alive' if keep_alive else 'close'}\r\n\r\n"
    )
    writer.write(head.encode("latin-1") + body)


def _error(status: int, description: str) -> bytes:
    body: Mapping[str, Any] = {"ok": False, "error_code": status, "description": description}
    return json.dumps(body).encode()


# -- python -m bot.sandbox.http ---------------------------------------------------------------


def main() -> None:
    """Serves an empty sandbox until interrupted; point a bot's ``base_url`` at it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")

    async def serve() -> None:
        async with SandboxServer(SandboxRequest(seed=None), args.host, args.port) as server:
            print(f"base_url = {server.base_url!r}", flush=True)
            await asyncio.Event().wait()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())


if __name__ == "__main__":
    main()
