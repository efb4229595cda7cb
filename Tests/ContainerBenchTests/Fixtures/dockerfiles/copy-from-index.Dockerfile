FROM python:3.12-slim-bookworm
RUN python -m venv /opt/venv && /opt/venv/bin/pip install -r requirements.txt

FROM gcr.io/distroless/python3-debian12:nonroot
COPY --from=0 /opt/venv /opt/venv
COPY --from=0 /usr/local/lib/ /usr/local/lib/
ENTRYPOINT ["/opt/venv/bin/python", "-m", "app"]
