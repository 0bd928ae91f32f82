FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

WORKDIR /app
# Chromium for Plotly's chart export in meeting-pack PDFs; Pango for WeasyPrint.
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium libpango-1.0-0 \
       libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
ENV CHROMIUM_PATH=/usr/bin/chromium
RUN useradd --create-home --uid 1000 tracker
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
# collectstatic needs settings that import cleanly; these values exist only at build time.
RUN SECRET_KEY=build-only-not-secret ALLOWED_HOSTS=build DATABASE_URL=sqlite:////tmp/build.db \
    CELERY_BROKER_URL=memory:// EMAIL_URL=smtp://build SITE_URL=http://build \
    python manage.py collectstatic --noinput \
    && chown -R tracker /app
USER tracker
EXPOSE 8000
CMD ["./config/start-web.sh"]
