"""A fault-injecting HTTP proxy in front of the local emulator (loopback only, bounded).

The scanner is pointed at the proxy's endpoint; each call passes through to the emulator
unless a rule names its operation, in which case the proxy answers instead: a JSON or XML
body with a field taken out, an HTML error page, or silence for a bounded time (a hung
read). The scanner meets these answers through the same boto3 code path as real AWS.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import botocore.exceptions
import botocore.session

MAX_HANG_SECONDS = 30.0  # a hung answer never outlives a test


@dataclass
class Answer:
    status: int
    body: bytes
    content_type: str = "application/x-amz-json-1.1"


# A rule gets (the emulator's status, headers, body) and returns the answer to send, or None
# to pass the emulator's answer on; `hang` rules sleep instead.
Rewrite = Callable[[int, dict, bytes], Answer | None]


@functools.cache
def _rest_json_routes(service: str) -> list[tuple[str, re.Pattern, str]]:
    """(method, path pattern, operation name) of a rest-json service, from botocore's model."""
    try:  # a signing name need not name a model (CloudWatch signs as "monitoring")
        model = botocore.session.get_session().get_service_model(service)
    except botocore.exceptions.UnknownServiceError:
        return []
    if model.protocol != "rest-json":
        return []
    routes = []
    for name in model.operation_names:
        http = model.operation_model(name).http
        path = re.escape(http["requestUri"].partition("?")[0])
        path = re.sub(r"\\\{\w+\\\+\\\}", ".+", path)  # "{Key+}", as re.escape wrote it
        path = re.sub(r"\\\{\w+\\\}", "[^/]+", path)  # "{Name}"
        routes.append((http["method"], re.compile(f"^{path}/?$"), name))
    return routes


def rest_json_operation(service: str, method: str, path: str) -> str | None:
    return next((name for verb, pattern, name in _rest_json_routes(service)
                 if verb == method and pattern.match(urlsplit(path).path)), None)


def operation_of(method: str, path: str, headers, body: bytes) -> str:
    """The API operation a request calls, for the protocols the scanner uses."""
    target = headers.get("X-Amz-Target")
    if target:  # JSON protocols: KMS, DynamoDB, the Tagging API
        return target.rsplit(".", 1)[-1]
    query = parse_qs(urlsplit(path).query, keep_blank_values=True)
    form = parse_qs(body.decode("utf-8", "replace")) if body else {}
    action = (form.get("Action") or query.get("Action") or [None])[0]
    if action:  # query protocols: EC2, RDS, STS, CloudWatch
        return action
    scope = headers.get("Authorization", "").split("/")  # Credential=id/date/region/service
    found = rest_json_operation(scope[3], method, path) if len(scope) > 4 else None
    if found:  # rest-json: Athena (its operation from botocore's model of the service)
        return found
    parts = [p for p in urlsplit(path).path.split("/") if p]
    if method == "GET" and not parts:
        return "ListBuckets"
    for marker, name in (("encryption", "GetBucketEncryption"), ("location", "GetBucketLocation")):
        if marker in query:
            return name
    return f"{method} {urlsplit(path).path}"


class FaultProxy:
    def __init__(self, upstream: str):
        parts = urlsplit(upstream)
        assert parts.hostname in ("127.0.0.1", "localhost"), "loopback only"
        self.upstream = (parts.hostname, parts.port)
        self.rules: dict[str, Rewrite] = {}
        self.hangs: dict[str, float] = {}
        self.cut: set[str] = set()  # operations whose answer body stops halfway
        self.seen: list[str] = []
        self.endpoint = ""
        self._lock = threading.Lock()

    def rewrite(self, operation: str, rule: Rewrite) -> None:
        self.rules[operation] = rule

    def answer(self, operation: str, answer: Answer) -> None:
        self.rules[operation] = lambda status, headers, body: answer

    def hang(self, operation: str, seconds: float) -> None:
        """Calls of `operation` (or, ending in "*", whose name starts so) get no answer."""
        self.hangs[operation] = min(seconds, MAX_HANG_SECONDS)

    def _hang_for(self, name: str) -> float | None:
        for pattern, seconds in self.hangs.items():
            if name == pattern or (pattern.endswith("*") and name.startswith(pattern[:-1])):
                return seconds
        return None

    def handle(self, method: str, path: str, headers, body: bytes):
        name = operation_of(method, path, headers, body)
        with self._lock:
            self.seen.append(name)
        seconds = self._hang_for(name)
        if seconds is not None:
            time.sleep(seconds)
            return None
        connection = http.client.HTTPConnection(*self.upstream, timeout=30)
        try:
            connection.request(method, path, body=body, headers=dict(headers))
            response = connection.getresponse()
            status, data = response.status, response.read()
            answer_headers = dict(response.getheaders())
        finally:
            connection.close()
        rule = self.rules.get(name)
        replaced = rule(status, answer_headers, data) if rule else None
        if replaced is not None:
            return replaced.status, {"Content-Type": replaced.content_type}, replaced.body
        return status, answer_headers, data


def without(*fields: str) -> Rewrite:
    """A JSON answer with top-level fields taken out (or set to null with "name=null")."""

    def rule(status: int, headers: dict, body: bytes) -> Answer:
        data = json.loads(body or b"{}")
        for name in fields:
            if name.endswith("=null"):
                data[name[:-5]] = None
            else:
                data.pop(name, None)
        return Answer(status, json.dumps(data).encode(), headers.get("Content-Type", ""))

    return rule


def _handler(proxy: FaultProxy):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # quiet
            pass

        def _any(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            result = proxy.handle(self.command, self.path, self.headers, body)
            if result is None:  # hung: close without an answer
                self.close_connection = True
                return
            status, headers, data = result
            name = operation_of(self.command, self.path, self.headers, body)
            cut = any(name == p or (p.endswith("*") and name.startswith(p[:-1]))
                      for p in proxy.cut)
            self.send_response(status)
            for name, value in headers.items():
                if name.lower() not in ("content-length", "transfer-encoding", "connection",
                                        "date", "server"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if cut:  # announce the whole body, send half, hang up: a download cut short
                self.wfile.write(data[:len(data) // 2])
                self.close_connection = True
            elif self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _any

    return Handler


@contextlib.contextmanager
def fault_proxy(upstream: str) -> Iterator[tuple[FaultProxy, str]]:
    """(the proxy, its endpoint URL) for the duration of the block."""
    proxy = FaultProxy(upstream)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(proxy))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        proxy.endpoint = f"http://127.0.0.1:{server.server_address[1]}"
        yield proxy, proxy.endpoint
    finally:
        server.shutdown()
        server.server_close()
