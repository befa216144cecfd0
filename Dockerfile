# OnlyJobless: one container serving the production build on one port.
# Build:  make image   (or: docker build --build-arg BASE=<image> -t onlyjobless .)
# BASE is the official Python image; `make image` substitutes a local stand-in made from
# Debian's packages when no image registry is reachable (deploy/base-image.sh).
ARG BASE=python:3.11-slim-bookworm

# ---- build: Python packages in a virtualenv, and the frontend built once with bun ----
FROM ${BASE} AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    REFLEX_USE_SYSTEM_BUN=1 \
    REFLEX_TELEMETRY_ENABLED=false

# Reflex builds the frontend with bun, which comes from the npm registry; npm and Node stay here.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends npm \
    && rm -rf /var/lib/apt/lists/*
ARG BUN_VERSION=1.4.5
RUN npm install --prefix /opt/bun --no-audit --no-fund --loglevel=error "bun@${BUN_VERSION}" \
    && /opt/bun/node_modules/.bin/bun --version

# The app's virtualenv gets no pip of its own: the base image's pip installs into it.
RUN python -m venv --without-pip /venv
COPY requirements.txt /app/requirements.txt
RUN python -m pip --python /venv/bin/python install -r /app/requirements.txt
# numpy's own test suite is not for the app (the run stage copies /venv as it is left here).
# hadolint ignore=DL3059
RUN rm -rf /venv/lib/python3*/site-packages/numpy/tests /venv/lib/python3*/site-packages/numpy/*/tests
ENV PATH="/opt/bun/node_modules/.bin:/venv/bin:${PATH}"

WORKDIR /app
COPY . .
# Compile the pages and build the frontend into .web/build/client; only its output is kept.
RUN reflex export --frontend-only --no-zip --loglevel warning \
    && rm -rf .web/node_modules .web/bun.lock \
    && python -m compileall -q onlyjobless alembic rxconfig.py

# ---- fonts: DejaVu Sans sets the PDF reports (Cyrillic included); only its files are kept ----
FROM ${BASE} AS fonts
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# ---- run: the virtualenv, the code and the built frontend; no Node, npm or build tools ----
FROM ${BASE}

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH="/venv/bin:${PATH}" \
    REFLEX_USE_GRANIAN=1 \
    REFLEX_TELEMETRY_ENABLED=false \
    REFLEX_STATES_WORKDIR=/tmp/reflex-states \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data

# The fonts alone: apt's caches in this layer would cost ~80 MB.
COPY --from=fonts /usr/share/fonts/truetype/dejavu /usr/share/fonts/truetype/dejavu

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home app \
    && mkdir /data \
    && chown app:app /data

COPY --from=build /venv /venv
# The code stays owned by root (read-only for the app); only /data is the app's.
COPY --from=build /app /app
WORKDIR /app

USER 10001:10001
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-m", "onlyjobless", "health"]
CMD ["python", "-m", "onlyjobless", "serve", "--prebuilt"]
