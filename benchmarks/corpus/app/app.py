"""The app of the Dockerfile corpus: answers /health once its one dependency imports.

Listens on 127.0.0.1 (the harness runs containers on the host network) on $PORT (default 8090). The corpus
Dockerfiles install `humanize` in different ways; /health says which version the image has.
"""

import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import humanize


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path != "/health":
            self.send_response(404)
            self.end_headers()
            return
        body = json.dumps({"ok": True, "humanize": humanize.__version__, "role": os.environ.get("ROLE", "app")})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    host = os.environ.get("HOST", "127.0.0.1")
    ThreadingHTTPServer((host, int(os.environ.get("PORT", "8090"))), Handler).serve_forever()
