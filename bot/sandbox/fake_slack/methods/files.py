"""The ``files.*`` Web API methods of Slack's two-step upload: get an upload URL, then complete and share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.sandbox.fake_slack.methods.common import (
    joined,
    postable_channel,
)
from bot.sandbox.fake_slack.models import FakeFile, FakeMessage, JsonDict
from bot.sandbox.fake_slack.protocol import ApiError, ApiRequest, api_method

if TYPE_CHECKING:
    from bot.sandbox.fake_slack.state import WorkspaceState


@api_method("files.getUploadURLExternal")
def _files_get_upload_url_external(workspace: WorkspaceState, request: ApiRequest) -> JsonDict:
    filename = request.required("filename")
    length = request.integer("length", -1)
    if length < 0:
        raise ApiError.missing("length")
    file = FakeFile(id=workspace._new_id("F"), name=filename, length=length, alt_txt=request.text("alt_txt"))
    workspace.files[file.id] = file
    return {"upload_url": f"{request.origin}/upload/{file.id}", "file_id": file.id}


@api_method("files.completeUploadExternal")
def _files_complete_upload_external(workspace: WorkspaceState, request: ApiRequest) -> JsonDict:
    entries = request.decoded("files", error="invalid_arguments")
    if not isinstance(entries, list) or not entries:
        raise ApiError.missing("files")
    files: list[FakeFile] = []
    for entry in entries:
        file = workspace.files.get(str(entry.get("id"))) if isinstance(entry, dict) else None
        if file is None or file.content is None:
            raise ApiError("file_not_found")
        file.title = str(entry.get("title") or file.name)
        files.append(file)
    targets = [c.strip() for c in (request.text("channels") or "").split(",") if c.strip()]
    if request.text("channel_id"):
        targets.insert(0, request.required("channel_id"))
    channels = [joined(workspace, postable_channel(workspace, target)) for target in targets]
    thread_ts = request.text("thread_ts") or None
    created = int(workspace.clock.now().timestamp())
    shared = [
        {
            "id": f.id,
            "created": created,
            "name": f.name,
            "title": f.title,
            "user": workspace.bot_user_id,
            "size": len(f.content or b""),
            "url_private": f"{request.origin}/files/{f.id}",
        }
        for f in files
    ]
    for channel in channels:
        for file in files:
            file.channels.append(channel.id)
            file.completed = True
        workspace._add_message(
            FakeMessage(
                channel=channel.id,
                ts=workspace.next_ts(),
                text=request.text("initial_comment") or "",
                user=workspace.bot_user_id,
                bot_id=workspace.bot_id,
                thread_ts=workspace._thread_root(channel.id, thread_ts),
                files=shared,
            )
        )
    for file in files:
        file.completed = True
    return {"files": shared}
