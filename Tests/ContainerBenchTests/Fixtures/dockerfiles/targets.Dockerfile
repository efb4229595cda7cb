ARG PYTHON_IMAGE=python:3.12-slim-bookworm

FROM ${PYTHON_IMAGE} AS base
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

FROM base AS dev
RUN pip install -r requirements-dev.txt
CMD ["uvicorn", "app.main:app", "--reload", "--host", "0.0.0.0"]

FROM node:22-bookworm-slim AS assets
RUN npm ci && npm run build

FROM base AS prod
COPY --from=assets /src/dist /app/static
USER 10001
CMD ["gunicorn", "app.main:app"]
