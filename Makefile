# containerbench: the two commands a new user needs are `make bench` and `make test`. Both do their own set-up.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
SWIFT ?= swift
BIN := .build/release/containerbench
DEBUG_BIN := .build/debug/containerbench
APT_PACKAGES := docker.io debootstrap gnuplot-nox libcurl4-openssl-dev libsqlite3-dev zlib1g-dev hyperfine time python3
# Only the tests need a browser (the HTML report is opened in headless Chromium), Debian's prometheus_client
# (a second parser for the OpenMetrics export; CI fails without it), python3-venv (for TEST_PYTHON below), and the
# remote-engine servers: Podman (its Docker-compatible service) and openssh-server (an sshd of the tests' own on
# 127.0.0.1; the system's is not started).
TEST_PACKAGES := chromium python3-prometheus-client python3-venv podman openssh-server
# The SBOM test validates with cyclonedx-python-lib (not in Debian): a virtualenv from PyPI, made once.
TEST_PYTHON := .build/test-python
CYCLONEDX_LIB := cyclonedx-python-lib[json-validation]==11.12.0
DOCKERD_LOG ?= /var/log/containerbench-dockerd.log
ENGINE_WAIT ?= 60

.PHONY: bench test test-packages test-python setup packages engine bootstrap build release lint format lock clean-results doctor \
	harness-bench history-bench postgres-start postgres-stop

## bench: set up, run the default suite, write the report (results/runs/RUN-ID/).
bench: setup release
	$(BIN) run --suite benchmarks/suite.yaml --targets baselines/targets.yaml --scenarios cold,warm --label bench \
	  --compressed-size

## test: set up, then unit, engine and end-to-end tests (engine tests fail, not skip, without an engine).
## The 200-trial soak runs too (about 2-4 minutes); `make test CONTAINERBENCH_SOAK=0` leaves it out.
## The history tests run against SQLite and a private PostgreSQL server on 127.0.0.1 (.ci/postgres.sh installs
## Debian's postgresql when missing, starts it on its own port and data directory, and stops it afterwards, also
## when the tests fail).
CONTAINERBENCH_SOAK ?= 1
test: setup test-packages test-python
	bash .ci/postgres.sh run -- env CONTAINERBENCH_SOAK=$(CONTAINERBENCH_SOAK) $(SWIFT) test --no-parallel

## postgres-start / postgres-stop: the tests' private PostgreSQL server, for running history tests by hand
## (`export CONTAINERBENCH_TEST_POSTGRES_URL=$$(bash .ci/postgres.sh url)`).
postgres-start:
	bash .ci/postgres.sh start

postgres-stop:
	bash .ci/postgres.sh stop

## setup: idempotent: Debian packages, a running dockerd, local base images.
setup: packages engine bootstrap

test-packages:
	@$(MAKE) --no-print-directory packages APT_PACKAGES="$(TEST_PACKAGES)"

## test-python: the virtualenv with cyclonedx-python-lib that ReportCycloneDXTests validates with (CI requires it).
test-python: test-packages
	@if ! $(TEST_PYTHON)/bin/python3 -c 'import cyclonedx.validation.json' >/dev/null 2>&1; then \
	  echo "test-python: installing $(CYCLONEDX_LIB) into $(TEST_PYTHON)"; \
	  /usr/bin/python3 -m venv $(TEST_PYTHON) && $(TEST_PYTHON)/bin/pip install -q '$(CYCLONEDX_LIB)'; \
	fi

packages:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" -ne 0 ]; then echo "make setup: need root to apt-get install$$missing" >&2; exit 1; fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

## engine: use the engine that answers (DOCKER_HOST or the default socket), else start dockerd and wait for it.
engine: packages
	@if /usr/bin/docker version >/dev/null 2>&1; then echo "engine: already running"; exit 0; fi; \
	if [ -n "$${DOCKER_HOST:-}" ]; then echo "engine: DOCKER_HOST=$$DOCKER_HOST does not answer" >&2; exit 1; fi; \
	echo "engine: starting dockerd (log: $(DOCKERD_LOG))"; \
	setsid dockerd >$(DOCKERD_LOG) 2>&1 < /dev/null & \
	for i in $$(seq 1 $$(( $(ENGINE_WAIT) * 10 ))); do \
	  if /usr/bin/docker version >/dev/null 2>&1; then echo "engine: up after $$((i * 100)) ms"; exit 0; fi; \
	  sleep 0.1; \
	done; \
	echo "engine: dockerd did not answer within $(ENGINE_WAIT) s; last log lines:" >&2; tail -20 $(DOCKERD_LOG) >&2; exit 1

bootstrap: engine build
	$(DEBUG_BIN) bootstrap --suite benchmarks/suite.yaml

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release

doctor: build
	$(DEBUG_BIN) doctor

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests

format:
	$(SWIFT) format --in-place --recursive Package.swift Sources Tests

## lock: regenerate every service's uv.lock, requirements.txt and deps-change variants.
lock:
	bash benchmarks/lock.sh

## harness-bench: measure the harness itself against hyperfine + curl (see benchmarks/harness/README.md).
harness-bench: setup release
	bash benchmarks/harness/run.sh

## history-bench: histories of 1k, 10k and 100k runs in SQLite and PostgreSQL; medians of every reading command.
history-bench: release
	bash benchmarks/history/run.sh

clean-results:
	rm -rf results/runs results/history.sqlite results/history.sqlite-wal results/history.sqlite-shm
