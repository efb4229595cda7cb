# syntax=docker/dockerfile:1.7
FROM python:3.12-slim AS app
RUN <<EOF
set -e
apt-get update
apt-get install -y --no-install-recommends curl
rm -rf /var/lib/apt/lists/*
EOF
COPY <<"EOF" /etc/app/config.toml
[server]
port = 8000   # FROM ubuntu is not an instruction here
EOF
RUN <<-EOT bash
	pip install --no-cache-dir -r requirements.txt
	python -m compileall -q /app
	EOT
RUN --mount=type=cache,target=/root/.cache/pip python3 <<'PY'
print("${NOT_EXPANDED}")
PY
CMD ["python", "-m", "app"]
