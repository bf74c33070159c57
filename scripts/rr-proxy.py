#!/usr/bin/env python3
"""A tiny round-robin HTTP proxy for conformance runs over several Hotpath instances.

Each request goes to the next backend in turn, so a client's consecutive requests (a write, then
the read that checks it) land on different instances: any stale per-instance cache shows up as a
failed assertion. Not for production: nginx configs for that live in deploy/ (see issue 7).

    scripts/rr-proxy.py LISTEN_PORT BACKEND_PORT [BACKEND_PORT ...]
"""
import http.client
import itertools
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

listen = int(sys.argv[1])
backends = itertools.cycle(int(p) for p in sys.argv[2:])
lock = threading.Lock()


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def forward(self):
        with lock:
            port = next(backends)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection", "keep-alive")}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(self.command, self.path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        self.send_response(resp.status, resp.reason)
        for k, v in resp.getheaders():
            if k.lower() not in ("connection", "keep-alive", "transfer-encoding", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Backend", str(port))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        conn.close()

    do_GET = do_POST = do_PUT = do_DELETE = do_OPTIONS = do_HEAD = do_PATCH = forward

    def log_message(self, fmt, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", listen), Proxy).serve_forever()
