FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY content ./content
RUN pip install --no-cache-dir . && pybabel compile -d bot/locales
RUN useradd --system lotse
USER lotse
CMD ["python", "-m", "bot", "run"]
