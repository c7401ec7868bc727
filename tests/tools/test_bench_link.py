"""tools.bench_link: one throttled link shared by all connections, over real sockets (no browser).

Timed with wide margins: the lower bounds are what the link imposes (a busy machine only adds
time), the upper bounds leave room for a busy machine and still tell the cases apart (a shared
link doubles the time of two transfers; opening the link takes three round trips, not one)."""

from __future__ import annotations

import socket
import socketserver
import threading
import time

import pytest

from tools.bench_link import HANDSHAKE_RTTS, Link

SIZE = 200_000


class _Sender(socketserver.BaseRequestHandler):
    """Sends SIZE bytes after one byte of request, then closes."""

    def handle(self):
        self.request.recv(1)
        self.request.sendall(b"x" * SIZE)


class _Echo(socketserver.BaseRequestHandler):
    def handle(self):
        while data := self.request.recv(4096):
            self.request.sendall(data)


@pytest.fixture
def target(request):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), request.param)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address
    server.shutdown()
    server.server_close()


def _download(port: int, times: list) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        start = time.monotonic()
        s.sendall(b"?")
        received = 0
        while chunk := s.recv(65536):
            received += len(chunk)
        times.append((time.monotonic() - start, received))


@pytest.mark.parametrize("target", [_Sender], indirect=True)
def test_parallel_connections_share_the_bandwidth(target):
    with Link(target, mbps=8, rtt_ms=10) as link:
        alone: list = []
        _download(link.port, alone)
        assert link.wait_idle()
        assert sum(n for _, n, _ in link.down) == SIZE and sum(n for _, n, _ in link.up) == 1
        together: list = []
        threads = [threading.Thread(target=_download, args=(link.port, together)) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
    floor = SIZE * 8 / 8e6  # 0.2 s for one transfer at the full bandwidth
    [(single, got)] = alone
    assert got == SIZE
    assert floor * 0.95 < single < floor * 3, "one transfer: about its bytes / bandwidth"
    assert [n for _, n in together] == [SIZE, SIZE]
    # Shared, not a line each: both end about when 2 x SIZE would have crossed alone (they take
    # turns, so neither finishes near the single transfer's time).
    assert min(t for t, _ in together) > 1.8 * floor
    assert sum(n for _, n, _ in link.down) == 3 * SIZE


def _ping(s: socket.socket) -> float:
    start = time.monotonic()
    s.sendall(b"ping")
    assert s.recv(16) == b"ping"
    return time.monotonic() - start


@pytest.mark.parametrize("target", [_Echo], indirect=True)
def test_a_round_trip_takes_the_rtt_and_opening_the_link_its_handshake(target):
    rtt = 0.2
    with Link(target, mbps=100, rtt_ms=rtt * 1000) as link, \
            socket.create_connection(("127.0.0.1", link.port), timeout=10) as first:
        opening, again = _ping(first), _ping(first)
        # A connection opened while another is open rides along (a stream of the open HTTP/2
        # connection): one round trip.
        with socket.create_connection(("127.0.0.1", link.port), timeout=10) as second:
            along = _ping(second)
    assert rtt * 0.95 < again < rtt * 2
    assert rtt * 0.95 < along < rtt * 2
    assert rtt * (HANDSHAKE_RTTS + 1) * 0.95 < opening < rtt * (HANDSHAKE_RTTS + 2)
