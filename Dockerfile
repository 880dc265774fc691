# The bot as one container: Python 3.11, the project installed, data under /app/data.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY core ./core
COPY documents ./documents
COPY handlers ./handlers
COPY storage ./storage
COPY schedules ./schedules
COPY documents ./documents
RUN pip install . && useradd --system --home /app bot && mkdir -p /app/data && chown bot /app/data
USER bot
VOLUME ["/app/data"]
# Webhook mode listens here when WEBHOOK_BASE_URL is set (WEBHOOK_LISTEN=0.0.0.0:8080).
EXPOSE 8080
ENTRYPOINT ["python", "-m", "bot"]
CMD ["run"]
