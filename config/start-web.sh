#!/bin/sh
# The web service's start: the docker-compose `web` service and .ci/run both use it.
set -eu
# No statement limit for migrations: one stopped halfway fails the deploy.
DATABASE_STATEMENT_TIMEOUT=0 python manage.py migrate --noinput
python manage.py load_strategy
exec gunicorn config.wsgi:application \
    --bind "${BIND:-0.0.0.0:8000}" \
    --workers "${WEB_CONCURRENCY:-3}" \
    --timeout "${WEB_TIMEOUT:-60}" \
    --access-logfile - \
    --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}"
