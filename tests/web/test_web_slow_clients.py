"""The page server (serve.py) is not held by slow clients.

A client that opens a connection and sends nothing, or sends its request one
byte at a time, is dropped after serve.py's request timeout (default 10 s), and
while such clients wait, others are served. Every socket here has a client-side
timeout, so a server that never lets go fails the test instead of hanging it.
"""

from __future__ import annotations

import select
import socket
import time
import urllib.request
from urllib.parse import urlsplit

import pytest

# Far longer than serve.py's default timeout (10 s): the bound for "dropped at all".
GIVE_UP_S = 40.0
SLOW_CLIENTS = 30


@pytest.fixture(scope="module")
def page(page_server) -> str:
    return page_server()  # the default timeout, as `make run` starts it


def _address(base: str):
    parts = urlsplit(base)
    return parts.hostname, parts.port


def _closed_by_server(sock: socket.socket) -> bool:
    """Whether the server has closed the connection (reads end or fail)."""
    readable, _, _ = select.select([sock], [], [], 0)
    if not readable:
        return False
    try:
        return sock.recv(65536) == b""
    except OSError:
        return True


def test_idle_and_trickling_clients_are_dropped(page):
    idle = socket.create_connection(_address(page), timeout=GIVE_UP_S)
    trickle = socket.create_connection(_address(page), timeout=GIVE_UP_S)
    try:
        trickle.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        idle_dropped = trickle_dropped = False
        give_up = time.monotonic() + GIVE_UP_S
        while time.monotonic() < give_up and not (idle_dropped and trickle_dropped):
            idle_dropped = idle_dropped or _closed_by_server(idle)
            if not trickle_dropped:
                try:
                    trickle.send(b"a")  # one byte every half second keeps a per-read timeout happy
                    trickle_dropped = _closed_by_server(trickle)
                except OSError:
                    trickle_dropped = True
            time.sleep(0.5)
        assert idle_dropped, "serve.py still holds a connection that never sent a request"
        assert trickle_dropped, "serve.py still holds a connection that sends its request byte by byte"
    finally:
        idle.close()
        trickle.close()


def test_slow_clients_do_not_keep_others_waiting(page):
    slow = []
    try:
        for i in range(SLOW_CLIENTS):
            sock = socket.create_connection(_address(page), timeout=GIVE_UP_S)
            if i % 2:
                sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # headers never finished
            slow.append(sock)
        with urllib.request.urlopen(page + "/", timeout=GIVE_UP_S) as r:
            assert r.status == 200
            assert "政策通" in r.read().decode("utf-8")
    finally:
        for sock in slow:
            sock.close()


def test_a_normal_request_is_answered_whole(page):
    """The bounds do not cut a client that sends its request at once and reads the answer."""
    with socket.create_connection(_address(page), timeout=GIVE_UP_S) as sock:
        sock.sendall(b"GET /webchat.js HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 200")
    length = int(
        next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))
    )
    assert len(body) == length > 1000
