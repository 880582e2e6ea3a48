"""Pagefind's service (the `pagefind` package's PagefindService), with each reply read as soon
as the binary writes it.

The package reads the binary's replies in a loop that sleeps a tenth of a second before each
read, so a request can wait up to 0.1 s more than the work takes, and indexing a bundle takes
four (create, add, write, delete): re-indexing one year of a county's minutes took a median
1.75 s, and takes 1.58 s with `PromptService`, which reads the replies in a loop that waits on
the pipe alone.

It also fails every request, waiting or new, once the binary stops answering (it crashed, or
wrote something that is not a reply): the package's loop would stop, and leave the build
waiting for ever. And it reads a reply of any length, so that a bundle's files can be asked
for (`get_files`) rather than written by Pagefind (see search_index._index).
"""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

from pagefind.service import PagefindService


class PagefindStopped(RuntimeError):
    """The Pagefind binary stopped answering before it replied."""


class PromptService(PagefindService):
    _stopped: Exception | None = None

    async def send(self, payload: Any) -> Any:
        if self._stopped is not None:
            raise PagefindStopped(f"Pagefind stopped answering: {self._stopped}")
        return await super().send(payload)

    async def close(self) -> None:
        """Stop the binary. (The package's close waits up to five seconds for replies still
        due, and raises a failed one's error again; every request here was awaited.)"""
        self._poll_task.cancel()
        if self._backend.returncode is None:
            self._backend.terminate()
        await self._backend.wait()

    async def _wait_for_responses(self) -> None:
        """Read the replies, each base64 ended by a comma, of any length (a bundle's files,
        `get_files`, are megabytes: more than the pipe reader's limit)."""
        stdout = self._backend.stdout
        assert stdout is not None
        pending = bytearray()
        try:
            while chunk := await stdout.read(1 << 20):
                searched = len(pending)
                pending += chunk
                while (end := pending.find(b",", searched)) >= 0:
                    reply = json.loads(base64.b64decode(bytes(pending[:end])))
                    del pending[: end + 1]
                    searched = 0
                    if reply is not None:
                        self._answer(reply)
            raise asyncio.IncompleteReadError(bytes(pending), None)
        except (asyncio.IncompleteReadError, ValueError, KeyError) as stop:
            self._fail_waiting(stop)

    def _answer(self, reply: dict[str, Any]) -> None:
        """Resolve the request the reply answers. A reply to a request the binary could not
        parse has no message id, but quotes the request."""
        message_id = reply.get("message_id")
        payload = reply["payload"]
        if message_id is None and (original := payload.get("original_message")):
            message_id = json.loads(original).get("message_id")
        waiting = self._responses.get(message_id)
        if waiting is None or waiting.done():
            return
        if payload["type"] == "Error":
            waiting.set_exception(RuntimeError(f"Pagefind: {payload['message']}"))
        else:
            waiting.set_result(payload)

    def _fail_waiting(self, stop: Exception) -> None:
        self._stopped = stop
        for waiting in self._responses.values():
            if not waiting.done():
                waiting.set_exception(PagefindStopped(f"Pagefind stopped answering: {stop}"))
