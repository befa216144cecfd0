#!/bin/sh
# The compose file's Ollama: serve at once, pull OLLAMA_MODEL on first start (it stays in the
# models volume), keep serving. SIGTERM is passed on so `docker stop` is quick.
set -eu
ollama serve &
server=$!
trap 'kill -TERM "$server"' TERM INT
until ollama list >/dev/null 2>&1; do
  sleep 1
done
if ! ollama show "$OLLAMA_MODEL" >/dev/null 2>&1; then
  echo "pulling $OLLAMA_MODEL (first start)"
  ollama pull "$OLLAMA_MODEL" || echo "pulling $OLLAMA_MODEL failed; the next start tries again"
fi
wait "$server"
