"""gunicorn settings for the fastapi benchmark service.

Worker count comes from WEB_CONCURRENCY (the image pins 2) so numbers do not depend on the host's cores.
"""

import os

# BIND_ADDRESS: containerbench runs with host networking and sets 127.0.0.1 so the service is reachable on
# loopback only; in a bridged container the default 0.0.0.0 is what a deployment needs.
bind = os.environ.get("BIND_ADDRESS", "0.0.0.0") + ":8000"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "uvicorn_worker.UvicornWorker"
# Heartbeat files on tmpfs, not on the container's overlay filesystem.
worker_tmp_dir = "/dev/shm"
# SIGTERM: stop accepting, let in-flight requests finish for up to graceful_timeout seconds.
graceful_timeout = 20
timeout = 30
keepalive = 5
accesslog = None
errorlog = "-"
loglevel = "info"
