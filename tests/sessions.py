"""Many analysts at once, without a browser: each session speaks Streamlit's own websocket protocol (the BackMsg a
browser sends to run the page, the ForwardMsgs it gets back) and reports how long its page took and whether any
element of it was a traceback. Used by tests/test_sessions.py (20 sessions) and tests/benchmark.py (20 and 50).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import ssl
import statistics
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

FINISHED = {ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY}
DONE = {
    ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY,
    ForwardMsg.ScriptFinishedStatus.FINISHED_WITH_COMPILE_ERROR,
}


@dataclass
class Page:
    """One session's first page: how long until the script finished, and what went wrong on it."""

    seconds: float = 0.0
    finished: bool = False
    exceptions: list[str] = field(default_factory=list)  # traceback elements the page showed
    errors: list[str] = field(default_factory=list)  # st.error notices the page showed
    failure: str = ""  # the session itself failed (refused, closed, timed out)
    bytes: int = 0
    texts: list[str] = field(default_factory=list)  # markdown and HTML the page drew, to read figures from

    @property
    def ok(self) -> bool:
        """Finished with no traceback and no failure."""
        return self.finished and not self.exceptions and not self.failure


def _elements(msg: ForwardMsg) -> list:
    """The elements a ForwardMsg adds to the page."""
    delta = msg.delta
    return [delta.new_element] if msg.HasField("delta") and delta.HasField("new_element") else []


async def open_page(url: str, query: str = "", timeout: float = 120.0, tls: ssl.SSLContext | None = None) -> Page:
    """Open the page as a new browser tab would, and wait until its script has finished (https: through TLS,
    trusting `tls`)."""
    page, start = Page(), time.perf_counter()
    address = urlsplit(url)
    scheme = "wss" if address.scheme == "https" else "ws"
    ws_url = f"{scheme}://{address.netloc}/_stcore/stream"
    try:
        async with websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=timeout,
                                      ssl=tls if scheme == "wss" else None) as socket:  # fmt: skip
            back = BackMsg()
            back.rerun_script.query_string = query
            back.rerun_script.page_script_hash = ""
            await socket.send(back.SerializeToString())
            async with asyncio.timeout(timeout):
                async for data in socket:
                    page.bytes += len(data)
                    msg = ForwardMsg()
                    msg.ParseFromString(data)
                    for element in _elements(msg):
                        if element.HasField("exception"):
                            page.exceptions.append(f"{element.exception.type}: {element.exception.message}"[:300])
                        if element.HasField("markdown") or element.HasField("html"):
                            page.texts.append(element.markdown.body or element.html.body)
                        if element.HasField("alert") and element.alert.format == element.alert.ERROR:
                            page.errors.append(element.alert.body[:300])
                    if msg.HasField("script_finished") and msg.script_finished in DONE:
                        page.finished = msg.script_finished in FINISHED
                        break
    except (OSError, TimeoutError, websockets.WebSocketException) as err:
        page.failure = f"{type(err).__name__}: {err}"[:300]
    page.seconds = time.perf_counter() - start
    return page


def _run(coroutine: object) -> object:
    """Run a coroutine to its end in a thread of its own: the caller may already be inside an event loop (Playwright's
    sync API leaves one running in the test process)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def crowd(urls: list[str], per_url: int, query: str = "", timeout: float = 180.0,
          tls: ssl.SSLContext | None = None) -> list[Page]:  # fmt: skip
    """`per_url` analysts on each server opening the page at the same moment: each one's page."""

    async def together() -> list[Page]:
        return list(await asyncio.gather(*(open_page(u, query, timeout, tls) for u in urls for _ in range(per_url))))

    return _run(together())


def open_together(url: str, count: int, query: str = "", timeout: float = 180.0) -> list[Page]:
    """`count` analysts opening the page together: each one's page."""
    return crowd([url], count, query, timeout)


def summary(pages: list[Page]) -> dict:
    """Errors, median and worst page time of a crowd."""
    times = [p.seconds for p in pages]
    return {
        "sessions": len(pages),
        "errors": sum(not p.ok for p in pages),
        "median_s": round(statistics.median(times), 2),
        "worst_s": round(max(times), 2),
        "first_problem": next((p.failure or (p.exceptions or ["unfinished"])[0] for p in pages if not p.ok), ""),
    }
