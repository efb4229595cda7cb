# escape=`

FROM python:3.12-slim
WORKDIR C:\app
RUN pip install `
    --no-cache-dir `
    -r requirements.txt
COPY --from=ghcr.io/astral-sh/uv:0.9.5 `
    /uv /bin/uv
CMD ["python", "C:\\app\\main.py"]
