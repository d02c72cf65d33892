"""The fake Slack over HTTP: an aiohttp app routing ``/api/<method>`` (GET and POST) to the Web API methods, the
file upload URLs and the Socket Mode WebSocket; ``SlackApiServer`` runs it on a local port."""

from __future__ import annotations

import asyncio
import copy
from types import TracebackType

from aiohttp import WSCloseCode, WSMsgType, web

from bot.sandbox.fake_slack.faults import APP_TOKEN_METHODS
from bot.sandbox.fake_slack.methods import METHODS
from bot.sandbox.fake_slack.models import JsonDict, RecordedCall
from bot.sandbox.fake_slack.protocol import ApiError, ApiRequest
from bot.sandbox.fake_slack.socket_mode import SOCKET_CLOSE_TIMEOUT, SocketConnection
from bot.sandbox.fake_slack.workspace import SlackWorkspace

WORKSPACE_KEY = web.AppKey("workspace", SlackWorkspace)


async def _read_arguments(request: web.Request) -> tuple[JsonDict, str | None]:
    """Query, form or JSON arguments merged, and the token (Authorization header first, then ``token``)."""
    args: JsonDict = dict(request.query)
    if request.method == "POST" and request.body_exists:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise ApiError("invalid_json") from None
            if not isinstance(body, dict):
                raise ApiError("invalid_json")
            args.update(body)
        elif request.content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
            form = await request.post()
            for name, value in form.items():
                args[name] = value if isinstance(value, str) else f"<file {getattr(value, 'filename', name)}>"
    token = args.pop("token", None)
    authorization = request.headers.get("Authorization", "")
    if authorization.startswith("Bearer "):
        token = authorization.removeprefix("Bearer ").strip()
    return args, str(token) if token else None


def _answer(
    workspace: SlackWorkspace, method: str, args: JsonDict, token: str | None, origin: str
) -> tuple[int, JsonDict, dict[str, str], bool, JsonDict | None]:
    """(HTTP status, body, headers, whether the answer is an injected fault, what the call did anyway when a fault
    was injected after doing it) for one call."""
    handler = METHODS.get(method)
    if handler is None:
        return 404, {"ok": False, "error": "unknown_method"}, {}, False, None
    if not token:
        return 200, {"ok": False, "error": "not_authed"}, {}, False, None
    if token not in {workspace.bot_token, workspace.app_token}:
        return 200, {"ok": False, "error": "invalid_auth"}, {}, False, None
    revoked = workspace._token_refusal(token)  # a revoked token, as a test or the sandbox asked (injected)
    if revoked is not None:
        return 200, {"ok": False, "error": revoked}, {}, True, None
    if (token == workspace.app_token) != (method in APP_TOKEN_METHODS):
        return 200, {"ok": False, "error": "not_allowed_token_type"}, {}, False, None
    fault = workspace._take_fault(method)
    if fault is not None and not fault.after_doing_it:
        return fault.status, {"ok": False, "error": fault.error}, fault.headers(), True, None
    try:
        # The handler gets its own copy: state it stores must not share lists with the recorded call.
        own_args = copy.deepcopy(args) if workspace.record_calls else args
        done = handler(workspace, ApiRequest(method, own_args, origin))
    except ApiError as error:
        return 200, error.body(), {}, False, None
    if fault is not None:
        return fault.status, {"ok": False, "error": fault.error}, fault.headers(), True, done
    return 200, {"ok": True, **done}, {}, False, None


async def _handle_api(request: web.Request) -> web.Response:
    headers: dict[str, str]
    workspace = request.app[WORKSPACE_KEY]
    method = request.match_info["method"]
    if workspace.delay_seconds > 0:
        await workspace.sleep(workspace.delay_seconds)
    try:
        args, token = await _read_arguments(request)
    except ApiError as error:
        args = {}
        status, body, headers, injected, done_anyway = 200, error.body(), {}, False, None
    else:
        origin = f"{request.scheme}://{request.host}"
        status, body, headers, injected, done_anyway = _answer(workspace, method, args, token, origin)
    workspace._record(
        RecordedCall(
            method=method,
            args=args,
            ok=bool(body["ok"]),
            error=body.get("error"),
            status=status,
            http_verb=request.method,
            response=copy.deepcopy(body) if workspace.record_calls else body,
            injected=injected,
            done_anyway=done_anyway,
        )
    )
    return web.json_response(body, status=status, headers=headers)


async def _handle_upload(request: web.Request) -> web.Response:
    """The upload URL from files.getUploadURLExternal; Slack answers it in plain text."""
    workspace = request.app[WORKSPACE_KEY]
    file = workspace.files.get(request.match_info["file_id"])
    if file is None:
        return web.Response(status=404, text="file not found", content_type="text/plain")
    file.content = await request.read()
    return web.Response(text=f"OK - {len(file.content)}", content_type="text/plain")


async def _handle_socket(request: web.Request) -> web.WebSocketResponse:
    """The Socket Mode WebSocket: ``hello`` first, then whatever ``socket_send`` delivers; acks are recorded."""
    workspace = request.app[WORKSPACE_KEY]
    ws = web.WebSocketResponse(timeout=SOCKET_CLOSE_TIMEOUT)
    await ws.prepare(request)
    ticket = request.query.get("ticket", "")
    if not workspace._redeem_socket_ticket(ticket):
        # Close rather than refuse the upgrade: slack_sdk answers a close by asking apps.connections.open again.
        await ws.close(code=WSCloseCode.POLICY_VIOLATION, message=b"invalid or already used ticket")
        return ws
    connection = SocketConnection(ws=ws, loop=asyncio.get_running_loop(), app=request.app, ticket=ticket)
    await ws.send_json(workspace._hello())
    workspace._socket_opened(connection)
    try:
        async for message in ws:
            if message.type is WSMsgType.TEXT:
                workspace._socket_received(message.data)
    finally:
        workspace._socket_closed(connection)
    return ws


async def _close_sockets(app: web.Application) -> None:
    """On shutdown: close this app's open sockets, so stopping the server does not wait on them."""
    workspace = app[WORKSPACE_KEY]
    live = [c for c in workspace._live_sockets() if c.app is app]
    await asyncio.gather(
        *(c.ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutting down") for c in live),
        return_exceptions=True,
    )


def build_slack_api_app(workspace: SlackWorkspace) -> web.Application:
    """The aiohttp app serving ``/api/{method}`` (GET and POST), the file upload URLs and the Socket Mode socket."""
    app = web.Application()
    app[WORKSPACE_KEY] = workspace
    app.router.add_post("/api/{method}", _handle_api)
    app.router.add_get("/api/{method}", _handle_api)
    app.router.add_post("/upload/{file_id}", _handle_upload)
    app.router.add_get("/socket", _handle_socket)
    app.on_shutdown.append(_close_sockets)
    return app


class SlackApiServer:
    """Serves a ``SlackWorkspace`` on 127.0.0.1 (an ephemeral port by default); use as ``async with``."""

    def __init__(self, workspace: SlackWorkspace | None = None, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.workspace = workspace if workspace is not None else SlackWorkspace()
        self.host = host
        self._requested_port = port
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the fake Slack API server is not running")
        return self._port

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``, for the upload URLs and anything outside ``/api/``."""
        return f"http://{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """What ``SLACK_API_URL`` / ``AsyncWebClient(base_url=…)`` should be."""
        return f"{self.base_url}/api/"

    async def start(self) -> SlackApiServer:
        runner = web.AppRunner(build_slack_api_app(self.workspace), access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self._requested_port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._port = int(runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        runner, self._runner, self._port = self._runner, None, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> SlackApiServer:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.stop()
