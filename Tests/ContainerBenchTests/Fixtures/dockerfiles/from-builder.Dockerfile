ARG PYTHON_IMAGE=python:3.12-slim-bookworm
FROM --platform=$BUILDPLATFORM ${PYTHON_IMAGE} AS builder
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
RUN pip install -r requirements.txt

FROM builder AS final
USER nobody
HEALTHCHECK NONE
CMD ["python", "-m", "app"]
