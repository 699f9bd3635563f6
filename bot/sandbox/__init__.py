"""An in-process fake Telegram Bot API, plugged in at PTB's transport seam.

:class:`SandboxRequest` is a :class:`telegram.request.BaseRequest`: PTB builds the URL and the
parameters exactly as it would for ``api.telegram.org`` and hands them to
:meth:`SandboxRequest.do_request`, which answers with the status code and JSON body the real Bot
API would send. So the real :class:`telegram.ext.Application` (handlers, ``Message.reply_text``,
error mapping, polling) runs unchanged and fully offline, in tests and in the product demo::

    sandbox = SandboxRequest(seed=1)
    builder = ApplicationBuilder().token("123:ABC")
    app = builder.request(sandbox).get_updates_request(sandbox).build()
    await app.initialize()
    ana = Respondent(sandbox, 1001, "Ana")
    await ana.command(app, "start", "cpob")
    await ana.tap(app, "4 · Sangat mudah")
    sandbox.last_text(1001)

What it keeps: every call (:attr:`SandboxRequest.calls`), the messages the bot sent per chat with
their edits (:meth:`SandboxRequest.message`, :meth:`SandboxRequest.buttons`), commands per scope and
language, updates queued for ``getUpdates``.

The package, by concern (``SandboxRequest`` combines the mixins):

- :mod:`~bot.sandbox.request`: :class:`SandboxRequest` and its ``do_request`` seam.
- :mod:`~bot.sandbox.store`: the state every part shares, and the readers tests assert with.
- :mod:`~bot.sandbox.faults`: :class:`Fault`, fault injection and flood control.
- :mod:`~bot.sandbox.updates`: update builders (messages, taps, media) and the getUpdates queue.
- :mod:`~bot.sandbox.methods` and :mod:`~bot.sandbox.delivery`: the Bot API methods, and storing
  and finding the bot's messages for them.
- :mod:`~bot.sandbox.wire`: the wire format and content checks (pure); :mod:`~bot.sandbox.chats`:
  ``User``/``Chat`` builders; :mod:`~bot.sandbox.respondent`: :class:`Respondent`.

How failures reach PTB (error bodies are shaped like the Bot API's, PTB picks the exception)::

    TelegramError
    ├── BadRequest      400 "Bad Request: …" (edits, lengths, BUTTON_DATA_INVALID, bad_request)
    ├── ChatMigrated    400 with parameters.migrate_to_chat_id (Fault.migrate)
    ├── RetryAfter      429 with parameters.retry_after (Fault.retry_after, flood_limit)
    ├── Forbidden       403 "Forbidden: …" (Fault.forbidden)
    ├── InvalidToken    404 "Not Found", which is what an unknown method gets
    └── NetworkError    5xx (Fault.server_error), raised from do_request (Fault.network_error)
        └── TimedOut    raised from do_request (Fault.timeout, latency above the read timeout)

Seam facts this package relies on (PTB 22.8, ``telegram/request/_baserequest.py``):

- PTB ignores ``ok`` and ``error_code`` in the body; the HTTP status picks the exception, and
  ``parameters.retry_after``/``migrate_to_chat_id`` only count when truthy (0 would not raise).
- Anything but a ``TelegramError`` escaping ``do_request`` is re-raised as ``NetworkError``.
- ``RetryAfter.__init__`` reads its own ``retry_after`` property, which warns
  ``PTBDeprecationWarning`` unless the environment has ``PTB_TIMEDELTA=true``.
- One instance may serve as both ``request`` and ``get_updates_request``: ``Bot.initialize`` and
  ``Bot.shutdown`` then call ours twice, concurrently, so both are idempotent.
"""

from bot.sandbox.chats import channel_chat, group_chat, supergroup_chat, user
from bot.sandbox.faults import Fault, FaultKind
from bot.sandbox.request import SandboxRequest
from bot.sandbox.respondent import Respondent
from bot.sandbox.wire import (
    MAX_ALBUM,
    MAX_CALLBACK_DATA,
    MAX_CAPTION,
    MAX_TEXT,
    NOT_MODIFIED,
    Buttons,
    Call,
    JSONDict,
    UploadedFile,
)

__all__ = [
    "MAX_ALBUM",
    "MAX_CALLBACK_DATA",
    "MAX_CAPTION",
    "MAX_TEXT",
    "NOT_MODIFIED",
    "Buttons",
    "Call",
    "Fault",
    "FaultKind",
    "JSONDict",
    "Respondent",
    "SandboxRequest",
    "UploadedFile",
    "channel_chat",
    "group_chat",
    "supergroup_chat",
    "user",
]
