ARG PYTHON_VERSION=3.12
ARG DEBIAN=bookworm
FROM python:${PYTHON_VERSION}-slim-${DEBIAN} AS base
ARG PYTHON_VERSION
ENV APP_PYTHON=${PYTHON_VERSION}
RUN pip install --no-cache-dir uv==0.9.5

FROM base
COPY . /app
CMD python -m app
