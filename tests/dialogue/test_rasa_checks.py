"""The dialogue layer checked with Rasa's own tools, on the model the run command would serve.

- `rasa data validate --fail-on-warnings`: domain, data and config agree, nothing unused.
- NLU on the blind held-out set (tests/nlu/heldout_nlu.yml, never trained on): intent
  accuracy and entity F1 each at least 0.90.
- Test stories (tests/test_stories.yml) with `--fail-on-prediction-errors`.
"""
import json
import subprocess

import pytest

from tests.rasa_support import ROOT, VENV_BIN, trained_model

pytestmark = pytest.mark.rasa

THRESHOLD = 0.90


def rasa(*args, timeout=900):
    return subprocess.run([str(VENV_BIN / "rasa"), *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env={"PYTHONHASHSEED": "0", "PATH": str(VENV_BIN) + ":/usr/bin:/bin"})


@pytest.fixture(scope="module")
def model():
    return trained_model()


def test_data_validates_without_warnings():
    out = rasa("data", "validate", "--fail-on-warnings", "--domain", "domain.yml", "--data", "data",
               "--config", "config.yml")
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]


@pytest.fixture(scope="module")
def nlu_results(model, tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("nlu")
    out = rasa("test", "nlu", "--nlu", "tests/nlu/heldout_nlu.yml", "--model", str(model), "--out", str(out_dir))
    assert out.returncode == 0, out.stderr[-3000:]
    return out_dir


def test_intent_accuracy_on_the_held_out_set(nlu_results):
    report = json.loads((nlu_results / "intent_report.json").read_text())
    assert report["accuracy"] >= THRESHOLD, f"intent accuracy {report['accuracy']:.3f}"


def test_entity_f1_on_the_held_out_set(nlu_results):
    report = json.loads((nlu_results / "FactExtractor_report.json").read_text())
    f1 = report["micro avg"]["f1-score"]
    assert f1 >= THRESHOLD, f"entity F1 {f1:.3f}"


def test_dialogue_test_stories(model, tmp_path):
    out = rasa("test", "core", "--stories", "tests/test_stories.yml", "--model", str(model), "--out", str(tmp_path),
               "--fail-on-prediction-errors")
    assert out.returncode == 0, (out.stdout + out.stderr)[-4000:]
