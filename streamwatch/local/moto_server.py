"""moto's server, one request at a time: ``python -m streamwatch.local.moto_server HOST PORT``.

moto's own ``moto.server`` is threaded, and its Kinesis shard is a plain dict that GetRecords
iterates while a concurrent PutRecords appends to it ("OrderedDict mutated during iteration",
HTTP 500). A consumer reading while the producer writes — the demo — then fails its reads. Serving
requests one at a time removes the race; the backend is bound by the GIL anyway.

``main`` also makes moto's Kinesis reshard like AWS and keeps it fast (``streamwatch/local/moto_kinesis.py``);
``serve`` alone is plain moto, for comparing the two.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    from streamwatch.local import moto_kinesis

    host, port = (argv if argv is not None else sys.argv[1:])[:2]
    moto_kinesis.apply()
    serve(host, int(port))


def serve(host: str, port: int) -> None:
    """Serve moto's backends on host:port, one request at a time, until the process is stopped."""
    from moto.server import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import run_simple

    run_simple(host, port, DomainDispatcherApplication(create_backend_app), threaded=False,
               request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
