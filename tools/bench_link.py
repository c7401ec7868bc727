"""One throttled network link shared by every connection through it: a TCP proxy for the benchmark.

    with Link(("127.0.0.1", 8000), mbps=1.6, rtt_ms=150) as link:
        page.goto(link.origin + "/qmas/calculator/")     # the proxy's port is the site's origin

Each direction is one serial pipe shared by all connections (a phone's radio link, not a line per
request): the bytes wait their turn, one segment at a time at the bandwidth, connections taking
turns as TCP flows (or HTTP/2 streams) share a bottleneck, and each segment reaches the other side
rtt/2 after its last bit was sent. Opening the link costs HANDSHAKE_RTTS round trips (TCP's and
TLS 1.3's handshakes, as on an HTTPS host such as GitHub Pages): a connection opened while none is
open waits for them; one opened while another is open does not, as a request on Pages' one HTTP/2
connection would not (Chromium speaks HTTP/1.1 to the local server, up to six connections).
Not modelled: TCP slow start and losses (the link is the ideal one that the floor, bytes /
bandwidth, assumes).

Every segment is logged as it arrives (``down``: server to browser, ``up``: browser to server)
as (wall-clock time, bytes, seconds late), so the bench counts what crossed the link before a moment
in the page, and sees whether the proxy kept time.
"""

from __future__ import annotations

import asyncio
import collections
import threading
import time

SEGMENT = 4096  # bytes sent as one unit: connections interleave at this grain
BUFFER = 64 * 1024  # bytes read ahead per connection and direction (TCP's window, roughly)
HANDSHAKE_RTTS = 2


class _Flow:
    """One connection's bytes in one direction: waiting for the pipe, then for their arrival."""

    def __init__(self, writer: asyncio.StreamWriter):
        self.writer = writer
        self.waiting: collections.deque[tuple[float, bytes]] = collections.deque()  # (read at, bytes)
        self.buffered = 0
        self.room = asyncio.Event()
        self.room.set()
        self.in_transit: collections.deque[bytes] = collections.deque()
        self.queued = False
        self.dead = False
        self.finished = asyncio.Event()  # the end of the stream delivered (or the peer gone)
        self.other: _Flow | None = None  # the same connection's other direction

    def kill(self) -> None:
        """A peer is gone: both directions' bytes are dropped and both sockets closed."""
        for flow in (self, self.other):
            flow.dead = True
            flow.waiting.clear()
            flow.buffered = 0
            flow.room.set()
            flow.finished.set()
            flow.writer.close()


class _Pipe:
    """One direction of the link: a serial queue paced at the bandwidth, round robin by connection."""

    def __init__(self, link: "Link", log: list):
        self.link = link
        self.log = log
        self.flows: collections.deque[_Flow] = collections.deque()
        self.busy_until = 0.0
        self.wake = asyncio.Event()

    def put(self, flow: _Flow, data: bytes, now: float) -> None:
        """Queue ``data`` (b"": the end of the stream) of ``flow``."""
        if flow.dead:
            return
        flow.waiting.append((now, data))
        flow.buffered += len(data)
        if flow.buffered >= BUFFER:
            flow.room.clear()
        if not flow.queued:
            flow.queued = True
            self.flows.append(flow)
            self.wake.set()

    def idle(self, now: float) -> bool:
        return not self.flows and self.busy_until + self.link.one_way <= now

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            if not self.flows:
                self.wake.clear()
                await self.wake.wait()
                continue
            flow = self.flows.popleft()
            if flow.dead:
                flow.queued = False
                continue
            read_at, data = flow.waiting[0]
            segment, rest = data[:SEGMENT], data[SEGMENT:]
            if rest:
                flow.waiting[0] = (read_at, rest)
            else:
                flow.waiting.popleft()
            flow.buffered -= len(segment)
            if flow.buffered < BUFFER:
                flow.room.set()
            if flow.waiting:
                self.flows.append(flow)  # its next segment after the other connections' turn
            else:
                flow.queued = False
            # Sent from when the link is free (not from when this loop woke: no drift), or read.
            sent = max(self.busy_until, read_at) + len(segment) * 8 / self.link.bits_per_second
            self.busy_until = sent
            flow.in_transit.append(segment)
            loop.call_at(sent + self.link.one_way, self._arrive, flow, sent + self.link.one_way)
            delay = sent - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)

    def _arrive(self, flow: _Flow, due: float) -> None:
        segment = flow.in_transit.popleft()
        transport = flow.writer.transport
        if flow.dead:
            return
        if transport.is_closing():
            flow.kill()
            return
        if segment:
            # how late this loop delivers it (a busy machine): the figures are only as good as that
            self.log.append((time.time(), len(segment), asyncio.get_running_loop().time() - due))
            transport.write(segment)
            return
        try:
            if transport.can_write_eof():
                transport.write_eof()
        except OSError:  # the other end has gone: nothing is left to deliver
            flow.kill()
            return
        flow.finished.set()


class Link:
    """A proxy on 127.0.0.1 to ``target`` (host, port), running in a thread of its own."""

    def __init__(self, target: tuple[str, int], mbps: float, rtt_ms: float, handshake_rtts: int = HANDSHAKE_RTTS):
        if mbps <= 0 or rtt_ms < 0:
            raise ValueError(f"a link needs a bandwidth > 0 and a round trip >= 0, got {mbps} Mbps, {rtt_ms} ms")
        self.target = (target[0], target[1])
        self.mbps, self.rtt_ms = mbps, rtt_ms
        self.bits_per_second = mbps * 1e6
        self.rtt = rtt_ms / 1000
        self.one_way = self.rtt / 2
        self.handshake = handshake_rtts * self.rtt
        self.down: list[tuple[float, int, float]] = []  # (time.time() of arrival, bytes, late): server to browser
        self.up: list[tuple[float, int, float]] = []  # browser to server
        self.connections = 0  # opened so far
        self._open = 0
        self._link_ready = 0.0  # when the open connections' handshake is done (loop time)
        self.port: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._serve, name="bench-link", daemon=True)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def floor_seconds(self, nbytes: int) -> float:
        """The time ``nbytes`` take on the link at its bandwidth alone."""
        return nbytes * 8 / self.bits_per_second

    # ------------------------------------------------------------------ running

    def start(self) -> "Link":
        self._thread.start()
        self._ready.wait(10)
        if self._error or self.port is None:
            raise RuntimeError(f"the link did not start: {self._error}")
        return self

    def close(self) -> None:
        if self._loop and self._stop:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)

    def __enter__(self) -> "Link":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    def wait_idle(self, timeout: float = 10) -> bool:
        """Wait until nothing is queued or in transit (a closed page's last bytes included)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            future = asyncio.run_coroutine_threadsafe(self._idle(), self._loop)
            if future.result(timeout):
                return True
            time.sleep(0.05)
        return False

    async def _idle(self) -> bool:
        now = asyncio.get_running_loop().time()
        return self._pipes[0].idle(now) and self._pipes[1].idle(now)

    def _serve(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as error:  # reported by start()
            self._error = error
            self._ready.set()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self._pipes = (_Pipe(self, self.up), _Pipe(self, self.down))
        pumps = [asyncio.create_task(p.run()) for p in self._pipes]
        connections: set[asyncio.Task] = set()

        async def accepted(reader, writer):
            task = asyncio.current_task()
            connections.add(task)
            try:
                await self._connection(reader, writer)
            except asyncio.CancelledError:
                pass  # the link is closing
            finally:
                connections.discard(task)

        server = await asyncio.start_server(accepted, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            await self._stop.wait()
        finally:
            server.close()
            for task in (*pumps, *connections):
                task.cancel()
            await asyncio.gather(*pumps, *connections, return_exceptions=True)

    async def _connection(self, browser_reader, browser_writer) -> None:
        self.connections += 1
        self._open += 1
        try:
            await self._relay(browser_reader, browser_writer)
        finally:
            self._open -= 1

    async def _relay(self, browser_reader, browser_writer) -> None:
        loop = asyncio.get_running_loop()
        if self._open == 1:
            self._link_ready = loop.time() + self.handshake
        await asyncio.sleep(max(0.0, self._link_ready - loop.time()))
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        except OSError:
            browser_writer.close()
            return
        up_pipe, down_pipe = self._pipes
        up, down = _Flow(server_writer), _Flow(browser_writer)
        up.other, down.other = down, up
        try:
            await asyncio.gather(self._read(browser_reader, up_pipe, up), self._read(server_reader, down_pipe, down))
            await asyncio.gather(up.finished.wait(), down.finished.wait())
        finally:
            for writer in (browser_writer, server_writer):
                writer.close()

    async def _read(self, reader: asyncio.StreamReader, pipe: _Pipe, flow: _Flow) -> None:
        """Feed what ``reader`` receives into ``pipe``; a reset drops both directions' bytes."""
        loop = asyncio.get_running_loop()
        while not flow.dead:
            await flow.room.wait()
            try:
                data = await reader.read(SEGMENT * 4)
            except (ConnectionError, OSError):
                flow.kill()
                return
            pipe.put(flow, data, loop.time())
            if not data:
                return
