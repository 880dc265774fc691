"""A fake Telegram Bot API server on loopback, for end-to-end tests over real HTTP.

The package's modules, one per concern: ``spec`` (the Bot API spec and the per-call checks),
``parse_mode`` (HTML, MarkdownV2 and Markdown entity parsing), ``faults`` (injected faults and
rate limits), ``users`` (simulated users and chats), ``records`` (what the bot did, and
waiting on it), ``webhook`` (webhook delivery), ``multipart`` (request bodies and uploads),
``server`` (the aiohttp application and its state) and ``common`` (what they share). The
public names are imported here: ``from tests.fakes.telegram_server import FakeTelegramServer``.

What it fakes
-------------
An aiohttp application on 127.0.0.1 (random free port) that answers like
``api.telegram.org``, so the real bot -- an aiogram ``Bot`` whose session is
``AiohttpSession(api=TelegramAPIServer.from_base(server.base_url))``, or plain httpx/aiohttp
code -- is driven through HTTP:

* ``/bot<token>/<method>`` (GET query, JSON, urlencoded and multipart bodies) answering
  ``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code": N, "description": ...}``,
  and ``/file/bot<token>/<file_path>`` for downloads;
* simulated users (and group chats) that send text, commands, photos, documents, stickers and
  contacts and press inline buttons, each producing a well-formed ``Update``;
* delivery through ``getUpdates`` (offset confirmation, long polling, 409 conflicts) or a
  webhook (secret header, retry until 2xx, a method answered in the webhook reply is run);
* the bot's side: messages, edits, deletions, callback answers, chat actions, command menus,
  profile texts and files are recorded and can be awaited per chat, without sleeping loops;
  command menus are kept per scope and language (``commands``), and ``menu(chat_id)`` is the
  list a user sees there, resolved in Telegram's order (chat, all private chats, default).

    async with FakeTelegramServer(token="123:ABC") as server:
        lan = server.user(user_id=1001, first_name="Lan")
        await lan.send_text("/start ABC")
        reply = await lan.expect_message(contains="Chào")
        await lan.press_button(reply, "yes")

What it checks
--------------
Every call is validated against the machine-readable Bot API spec ``api.json`` (loaded once;
``TELEGRAM_API_SPEC``, else ``shared/docs/telegram-bot-api/api.json`` beside the repository):
unknown methods (404), a wrong token (401), missing required parameters ("chat_id is
empty"), unknown parameters and fields (``strict=True``), and wrongly typed values, recursively
through nested objects (reply markups, command scopes, media, entities). Limits that the spec
only states in prose are enforced too: text 1-4096 characters and caption up to 1024 after
entity parsing, HTML / MarkdownV2 / Markdown syntax, callback_data 1-64 bytes, one action per
inline button, command names, webhook secrets. Chats the bot may not write to answer 400
"chat not found" or 403 "Forbidden", and a command scope naming a chat the bot does not know
answers "chat not found"; faults can be injected per method and chat (429, 5xx, slow, 403,
400, dropped connection; a command-menu call's chat is its scope's); sending faster than
Telegram allows (30 messages/s overall, bursts per chat, 20/min per group) is counted in
``rate_violations`` (or refused with 429 when ``RateLimits.enforce`` is set).

Not faked: inline mode, payments, business accounts, stories, games; methods without an
emulation answer True when the spec says they return Boolean, else 400 "not emulated".
"""

from tests.fakes.telegram_server.common import ApiError, JsonDict, bad_request
from tests.fakes.telegram_server.faults import (
    Fault,
    FaultInjector,
    FaultKind,
    RateLimits,
    RateViolation,
)
from tests.fakes.telegram_server.multipart import Upload
from tests.fakes.telegram_server.parse_mode import parse_entities
from tests.fakes.telegram_server.records import (
    ApiCall,
    BotMessage,
    FakeFile,
    WaitTimeout,
    WebhookAttempt,
)
from tests.fakes.telegram_server.server import (
    BOT_FIRST_NAME,
    BOT_USERNAME,
    CHAT_ACTIONS,
    MAX_CAPTION_LENGTH,
    MAX_TEXT_LENGTH,
    OPT_IN_UPDATES,
    FakeTelegramServer,
    Handler,
)
from tests.fakes.telegram_server.spec import (
    MAX_CALLBACK_DATA_BYTES,
    SPEC,
    ApiSpec,
    FieldSpec,
    ObjectSpec,
    validate_object,
)
from tests.fakes.telegram_server.users import FakeChat, FakeUser
from tests.fakes.telegram_server.webhook import SECRET_HEADER

__all__ = [
    "BOT_FIRST_NAME",
    "BOT_USERNAME",
    "CHAT_ACTIONS",
    "MAX_CALLBACK_DATA_BYTES",
    "MAX_CAPTION_LENGTH",
    "MAX_TEXT_LENGTH",
    "OPT_IN_UPDATES",
    "SECRET_HEADER",
    "SPEC",
    "ApiCall",
    "ApiError",
    "ApiSpec",
    "BotMessage",
    "FakeChat",
    "FakeFile",
    "FakeTelegramServer",
    "FakeUser",
    "Fault",
    "FaultInjector",
    "FaultKind",
    "FieldSpec",
    "Handler",
    "JsonDict",
    "ObjectSpec",
    "RateLimits",
    "RateViolation",
    "Upload",
    "WaitTimeout",
    "WebhookAttempt",
    "bad_request",
    "parse_entities",
    "validate_object",
]
