# The playground in a container (docs/hosting.md: build, run, health check, replicas).
#   docker build -t playground .
#   docker run --rm -p 8501:8501 playground      # then open http://localhost:8501
# Checked by tests/test_dockerfile.py (no Docker daemon in CI): the base, the user, the port,
# the health check, and that the command is the README's run command plus server flags.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The app runs as this user; the code and the packages stay root's (read-only to the app).
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin playground

WORKDIR /app
# The dependencies first, so a change of the code alone reuses this layer.
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
# What .dockerignore lets through: app.py, playground/, .streamlit/config.toml, ...
COPY . .

USER playground
EXPOSE 8501

# slim has no curl: Python's urllib asks Streamlit's own health endpoint.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://localhost:8501/_stcore/health', timeout=4).status != 200)"]

# The README's run command, with what a container needs: listen on every interface, on the
# exposed port, with no browser to open and no source files to watch (they never change).
CMD ["streamlit", "run", "app.py", "--server.address=0.0.0.0", "--server.port=8501", "--server.headless=true", "--server.fileWatcherType=none"]
