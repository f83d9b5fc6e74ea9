"""A local AWS emulator (moto's server) on a free loopback port, for the demo and the tests.

The scanner reaches it over HTTP with an endpoint URL, through the same boto3 code path that
real AWS gets. Only loopback is ever used.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator

from planner.emulator_gaps import EMULATOR_LACKS  # noqa: F401 (tests name the code)

# Emulator credentials: moto accepts any; set them so no real credentials are ever read.
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    # Without this the emulator fills every account with ~1,300 public AMI snapshots.
    "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
}


@contextlib.contextmanager
def local_aws() -> Iterator[str]:
    """Start moto's server in this process; yield its endpoint URL; stop it afterwards."""
    from planner.emulator_gaps import threaded_server  # moto's, answering listings it lacks

    try:
        server = threaded_server("127.0.0.1", 0)
    except ImportError as exc:  # moto is an optional dependency (the `demo` and `dev` extras)
        raise RuntimeError(
            "the local AWS emulator needs moto: pip install 'kms-planner[demo]'"
        ) from exc
    # No access log and no tracebacks of calls the emulator does not implement: the scanner
    # records those as failed calls, like any other.
    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@contextlib.contextmanager
def emulator_environment() -> Iterator[None]:
    """Fake credentials, no profile and a lean emulator, restored afterwards."""
    saved = {name: os.environ.get(name) for name in (*FAKE_CREDENTIALS, "AWS_PROFILE")}
    os.environ.update(FAKE_CREDENTIALS)
    os.environ.pop("AWS_PROFILE", None)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
