"""gunicorn settings for the fastapi benchmark service.

Worker count comes from WEB_CONCURRENCY (the image pins 2) so numbers do not depend on the host's cores.
"""

import os

bind = "0.0.0.0:8000"
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
