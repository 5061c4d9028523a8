#!/usr/bin/env bash
# Train only when the model is stale: the model file is named after a hash of everything that
# shapes it (config.yml, domain.yml, data/), so an unchanged project reuses its model at once.
# Prints the model's path.
set -euo pipefail
export RASA_TELEMETRY_ENABLED=false  # no calls home from any Rasa process we start
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
hash="$(cat config.yml domain.yml $(find data -type f -name '*.yml' | sort) | sha256sum | cut -c1-16)"
model="models/model-$hash.tar.gz"
mkdir -p models
# One training at a time: parallel test runs (or `make run` beside `make test`) would otherwise
# write the same model file at once; the second waits, then finds the model made.
exec 9>models/.train.lock
flock 9
if [ ! -f "$model" ]; then
  echo "train: config, domain or data changed; training $model" >&2
  PYTHONHASHSEED=0 "$root/.venv/bin/rasa" train --fixed-model-name "model-$hash" --out models \
    --config config.yml --domain domain.yml --data data >&2
fi
echo "$model"
