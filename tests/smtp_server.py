"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1, keeping what arrives."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

from aiosmtpd.controller import Controller


class Collector:
    """The server's handler: keeps each envelope, or refuses with ``refuse`` (e.g. "550 …")."""

    def __init__(self, refuse: str = "") -> None:
        self.envelopes = []
        self.refuse = refuse

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return self.refuse
        self.envelopes.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_server(collector: Collector) -> Iterator[Controller]:
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()
