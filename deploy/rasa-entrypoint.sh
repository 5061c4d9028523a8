#!/bin/sh
# Starts one Rasa server of the scaled deployment, as scripts/run_scaled.sh does: the HTTP API
# only with a token from the environment (refuses to start without one), the shared stores
# from deploy/endpoints.scaled.yml.
set -eu
if [ -z "${RASA_AUTH_TOKEN:-}" ]; then
  echo "RASA_AUTH_TOKEN is not set: the HTTP API of the scaled deployment needs a token" >&2
  exit 2
fi
exec rasa run --enable-api --auth-token "$RASA_AUTH_TOKEN" -i 0.0.0.0 -p 5005 \
  --model models/model.tar.gz --endpoints deploy/endpoints.scaled.yml --credentials credentials.yml \
  --cors ${CORS_ORIGINS:-}
