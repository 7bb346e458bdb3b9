"""moto's server, one request at a time: ``python -m streamwatch.moto_server HOST PORT``.

moto's own ``moto.server`` is threaded, and its Kinesis shard is a plain dict that GetRecords
iterates while a concurrent PutRecords appends to it ("OrderedDict mutated during iteration",
HTTP 500). A consumer reading while the producer writes — the demo — then fails its reads. Serving
requests one at a time removes the race; the backend is bound by the GIL anyway.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    from moto.server import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import run_simple

    host, port = (argv if argv is not None else sys.argv[1:])[:2]
    run_simple(host, int(port), DomainDispatcherApplication(create_backend_app), threaded=False,
               request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
