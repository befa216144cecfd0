# OnlyJobless: one container serving the production build on one port.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    REFLEX_USE_SYSTEM_BUN=1 \
    REFLEX_USE_GRANIAN=1 \
    REFLEX_TELEMETRY_ENABLED=false \
    PATH="/app/.tools/node_modules/.bin:${PATH}" \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data

# npm brings bun (Reflex's JS runtime) from the npm registry; unzip is needed by Reflex's build.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends npm unzip \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
RUN useradd --create-home --uid 10001 app && mkdir -p /data && chown app:app /data /app

COPY --chown=app:app requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

USER 10001
WORKDIR /app/.tools
RUN npm install --no-audit --no-fund bun@1.4.5
WORKDIR /app

COPY --chown=app:app . .
RUN reflex export --frontend-only --no-zip --loglevel warning

VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD ["python", "-m", "onlyjobless", "health"]
CMD ["python", "-m", "onlyjobless", "serve"]
