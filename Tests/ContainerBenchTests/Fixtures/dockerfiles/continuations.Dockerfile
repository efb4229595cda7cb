FROM \
    python:3.12-slim-bookworm \
    AS runtime

RUN set -eux; \
    # system packages first
    apt-get update; \
    apt-get install -y --no-install-recommends \
        build-essential \
#       libpq-dev \
        curl \
    ; \

    rm -rf /var/lib/apt/lists/*

ENV LANG=C.UTF-8 \
    # comments between ENV pairs are dropped too
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1
RUN echo "a backslash at the end of a word is not a continuation: C:\\" && \
    pip install --compile -r requirements.txt
CMD ["python", \
     "-m", "app"]
