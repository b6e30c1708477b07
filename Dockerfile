# Warmline's image: one image runs the Procfile's three processes (web by default; compose.yaml
# runs the worker and the release step from it too). Built from the hashed lock, run as non-root.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/warmline/venv
# The locked set first: this layer is rebuilt only when the lock changes.
COPY requirements.txt /tmp/requirements.txt
RUN /opt/warmline/venv/bin/pip install --require-hashes --no-deps -r /tmp/requirements.txt
WORKDIR /opt/warmline/app
COPY pyproject.toml README.md LICENSE ./
COPY migrations ./migrations
COPY workers ./workers
COPY warmline ./warmline
# Editable, so `warmline db upgrade` finds migrations/ beside the package, as in a checkout.
RUN /opt/warmline/venv/bin/pip install --no-deps --editable .

FROM ${PYTHON_IMAGE}
ENV PATH=/opt/warmline/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    WARMLINE_ENV=production
RUN useradd --system --uid 10001 --user-group --home-dir /opt/warmline --no-create-home warmline
COPY --from=build /opt/warmline /opt/warmline
WORKDIR /opt/warmline/app
USER 10001:10001
EXPOSE 5000
# /healthz answers when the process is up; python, as the slim image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; u.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '5000'), timeout=4)"]
# The Procfile's web line; `exec` makes gunicorn PID 1, so `docker stop` reaches it.
CMD ["/bin/sh", "-c", "exec gunicorn -c python:warmline.gunicorn_conf --workers ${WEB_CONCURRENCY:-2} --bind 0.0.0.0:${PORT:-5000} --access-logfile - 'warmline:create_app()'"]
