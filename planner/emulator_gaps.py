"""Listings the local emulator (moto 5.2) does not serve, answered as AWS answers an account
that has none of them: Redshift Serverless ListNamespaces and ElastiCache
DescribeServerlessCaches. Without this every scan against the emulator would record two
failed calls per region (after retrying moto's HTML 500 page). The scanner's handling of real
answers is proven with botocore Stubber answers (tests/scan/test_serverless.py). KMS
GetKeyLastUsage, which the emulator lacks too, fails at once with NotImplementedByEmulator
(real answers: Stubber tests in tests/scan/test_kms.py).

A WSGI middleware in front of moto's application; everything else goes to moto untouched.

Athena: botocore 1.44 speaks rest-json to it (POST /query-executions, GET
/query-executions/{id}/results), as AWS serves it; moto 5.2 parses rest-json requests with
botocore's model, but routes only Athena's earlier JSON-RPC path "/" to it, so every other path
was a 404. The server's Athena application routes every path to the same dispatcher.
"""

from __future__ import annotations

import io
from urllib.parse import parse_qs

JSON_GAPS = {"RedshiftServerless.ListNamespaces": b'{"namespaces": []}'}
# Calls AWS has and the emulator lacks, failing at once with a client error that names the
# emulator (moto's own answer is a 500, which botocore retries for a minute): the scanner
# records them as failed calls, as any other.
EMULATOR_LACKS = "NotImplementedByEmulator"
JSON_ERRORS = {"TrentService.GetKeyLastUsage": (
    b'{"__type": "NotImplementedByEmulator", "message": "GetKeyLastUsage is not implemented '
    b'by the local AWS emulator (moto)"}')}
QUERY_GAPS = {  # (SigV4 service, Action) -> the empty answer in the service's XML
    ("elasticache", "DescribeServerlessCaches"): (
        b'<DescribeServerlessCachesResponse xmlns="http://elasticache.amazonaws.com/doc/'
        b'2015-02-02/"><DescribeServerlessCachesResult><ServerlessCaches/>'
        b'</DescribeServerlessCachesResult><ResponseMetadata><RequestId>kmsplan-emulator'
        b'</RequestId></ResponseMetadata></DescribeServerlessCachesResponse>'),
}
QUERY_SERVICES = {service for service, _ in QUERY_GAPS}
# Services whose requests moto parses on any path but routes from "/" only (see above).
EVERY_PATH = {"athena"}


class FillGaps:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        answer = self._gap(environ)
        if answer is None:
            return self.app(environ, start_response)
        status, body, content_type = answer
        start_response(status, [("Content-Type", content_type),
                                ("Content-Length", str(len(body)))])
        return [body]

    def _gap(self, environ) -> tuple[str, bytes, str] | None:
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target in JSON_GAPS:
            return "200 OK", JSON_GAPS[target], "application/x-amz-json-1.1"
        if target in JSON_ERRORS and not _moto_answers(target):
            return "400 Bad Request", JSON_ERRORS[target], "application/x-amz-json-1.1"
        scope = environ.get("HTTP_AUTHORIZATION", "").split("/")  # Credential=id/date/region/svc
        service = scope[3] if len(scope) > 4 else ""
        if service not in QUERY_SERVICES or environ.get("REQUEST_METHOD") != "POST":
            return None
        data = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(data)  # moto reads the body again
        action = (parse_qs(data.decode("utf-8", "replace")).get("Action") or [""])[0]
        body = QUERY_GAPS.get((service, action))
        return None if body is None else ("200 OK", body, "text/xml")


def _moto_answers(target: str) -> bool:
    """A moto that has learned the call answers it itself."""
    from moto.kms.responses import KmsResponse

    operation = target.split(".", 1)[1]
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in operation).lstrip("_")
    return hasattr(KmsResponse, snake)


def threaded_server(ip_address: str, port: int):
    """moto's ThreadedMotoServer with FillGaps in front of its application."""
    from moto.moto_server.werkzeug_app import (
        HTTP_METHODS,
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from moto.server import ThreadedMotoServer
    from werkzeug.serving import make_server

    def backend_app(service: str):
        app = create_backend_app(service)
        if service in EVERY_PATH:
            endpoint = next(rule.endpoint for rule in app.url_map.iter_rules()
                            if rule.endpoint.endswith(".dispatch"))
            app.add_url_rule("/<path:rest>", endpoint=endpoint, methods=HTTP_METHODS)
        return app

    class Server(ThreadedMotoServer):
        def _server_entry(self) -> None:  # moto's own, with the middleware added
            app = FillGaps(DomainDispatcherApplication(backend_app))
            self._server = make_server(self._ip_address, self._port, app, True,
                                       request_handler=MotoRequestHandler)
            self._server_ready_event.set()
            self._server.serve_forever()

    return Server(ip_address=ip_address, port=port, verbose=False)


def serve(port: int) -> None:
    """The emulator in this process until killed (bench/ runs it as a separate process)."""
    server = threaded_server("127.0.0.1", port)
    server.start()
    server._thread.join()
