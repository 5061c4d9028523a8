"""NLU pipelines compared on the dev set: training time, intent accuracy, entity F1, model size.

Not a test: prints figures. Run (about 10 minutes on 2 cores, 7-8 of them DIET):

    .venv/bin/python benchmarks/bench_nlu_pipelines.py [--only NAME ...] [--repeats N] [--json [PATH]]

Each pipeline is trained NLU-only (`rasa train nlu --config X --nlu data/nlu.yml`, fresh: its own
empty cache directory) and evaluated with `rasa test nlu --nlu tests/nlu/dev_nlu.yml`, the
development set. tests/nlu/heldout_nlu.yml is never read here: it is reserved for the final
threshold test.

  ours   config.yml's pipeline: WhitespaceTokenizer, actions.nlu_intent.TextIntentClassifier,
         actions.nlu_component.FactExtractor, FallbackClassifier (read from config.yml)
  lr     Rasa's LogisticRegressionClassifier over CountVectorsFeaturizer words 1-2 and char_wb
         2-4, with our FactExtractor and the same FallbackClassifier as ours
  diet   the stock `rasa init` pipeline (DIETClassifier epochs 100, which also extracts
         entities; ResponseSelector; FallbackClassifier 0.3/0.1), unseeded as shipped
  crf    CRFEntityExtractor (default features) for entities, our TextIntentClassifier for
         intents, the same FallbackClassifier as ours; a LexicalSyntacticFeaturizer is in the
         pipeline only because Rasa 3's CRF skips every training example without features

Intent accuracy counts an `nlu_fallback` prediction as wrong. Entity figures are Rasa's
token-level micro-averaged F1 per extractor (no-entity tokens excluded). Training seconds are
the wall time of the whole `rasa train nlu` command (process start and imports included, the
same for all) and the median over `--repeats` trainings (DIET: `--diet-repeats`); the model
of the first training is the one evaluated. All processes are bounded by time-outs, run in
their own process groups and are stopped, and the temporary directory removed, on exit,
errors and Ctrl-C.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml
from bench_support import ProcessGroups, run_benchmark, write_json  # benchmarks/, the script's folder

ROOT = Path(__file__).resolve().parents[1]
RASA = ROOT / ".venv" / "bin" / "rasa"
TRAIN_DATA = ROOT / "data" / "nlu.yml"
DEV_DATA = ROOT / "tests" / "nlu" / "dev_nlu.yml"

FALLBACK_OURS = {"name": "FallbackClassifier", "threshold": 0.3, "ambiguity_threshold": 0.0}


def ours_pipeline() -> List[Dict[str, Any]]:
    return yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]


def _fallback_of_ours() -> Dict[str, Any]:
    for component in ours_pipeline():
        if component["name"] == "FallbackClassifier":
            return dict(component)
    return dict(FALLBACK_OURS)


PIPELINES = {
    "ours": lambda: ours_pipeline(),
    "lr": lambda: [
        {"name": "WhitespaceTokenizer"},
        {"name": "CountVectorsFeaturizer", "analyzer": "word", "min_ngram": 1, "max_ngram": 2},
        {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 2, "max_ngram": 4},
        {"name": "LogisticRegressionClassifier"},
        {"name": "actions.nlu_component.FactExtractor"},
        _fallback_of_ours(),
    ],
    "diet": lambda: [  # the default pipeline `rasa init`'s config.yml documents, as it is
        {"name": "WhitespaceTokenizer"},
        {"name": "RegexFeaturizer"},
        {"name": "LexicalSyntacticFeaturizer"},
        {"name": "CountVectorsFeaturizer"},
        {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4},
        {"name": "DIETClassifier", "epochs": 100},
        {"name": "EntitySynonymMapper"},
        {"name": "ResponseSelector", "epochs": 100},
        {"name": "FallbackClassifier", "threshold": 0.3, "ambiguity_threshold": 0.1},
    ],
    "crf": lambda: [
        {"name": "WhitespaceTokenizer"},
        # Rasa 3's CRFEntityExtractor trains only on examples that carry some features; this
        # featurizer makes them eligible (the CRF's default feature set does not read it).
        {"name": "LexicalSyntacticFeaturizer"},
        {"name": "actions.nlu_intent.TextIntentClassifier"},
        {"name": "CRFEntityExtractor"},
        _fallback_of_ours(),
    ],
}
DESCRIPTIONS = {
    "ours": "ours: TF-IDF LR intents + FactExtractor",
    "lr": "Rasa LogisticRegression + FactExtractor",
    "diet": "stock DIET (+ResponseSelector)",
    "crf": "our intents + CRFEntityExtractor",
}


PROCESSES = ProcessGroups()


def env_for(cache: Path) -> Dict[str, str]:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "RASA_CACHE_DIRECTORY": str(cache),
           "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "0", "TF_CPP_MIN_LOG_LEVEL": "2"}
    return env


def micro_f1(report: Dict[str, Any]) -> Optional[float]:
    if "micro avg" in report:
        return report["micro avg"]["f1-score"]
    if "accuracy" in report and isinstance(report["accuracy"], float):  # sklearn folds micro into accuracy
        return report["accuracy"]
    return None


def bench_pipeline(name: str, tmp: Path, repeats: int, timeout: float) -> Dict[str, Any]:
    work = tmp / name
    work.mkdir()
    config = work / "config.yml"
    pipeline = PIPELINES[name]()
    config.write_text(yaml.safe_dump({"recipe": "default.v1", "language": "en", "assistant_id": f"bench_{name}",
                                      "pipeline": pipeline, "policies": []}, sort_keys=False))
    seconds: List[float] = []
    model = work / "models" / f"{name}-0.tar.gz"
    for i in range(repeats):
        print(f"[{name}] training {i + 1}/{repeats} ...", flush=True)
        seconds.append(PROCESSES.run_timed(
            [RASA, "train", "nlu", "--config", config, "--nlu", TRAIN_DATA, "--out", work / "models",
             "--fixed-model-name", f"{name}-{i}"],
            work, env_for(work / f"cache-{i}"), work / "train.log", timeout))
        print(f"[{name}] trained in {seconds[-1]:.1f} s", flush=True)
        if i:  # keep only the first model (the evaluated one)
            (work / "models" / f"{name}-{i}.tar.gz").unlink(missing_ok=True)
        shutil.rmtree(work / f"cache-{i}", ignore_errors=True)
    print(f"[{name}] rasa test nlu on the dev set ...", flush=True)
    results = work / "results"
    test_s = PROCESSES.run_timed([RASA, "test", "nlu", "--nlu", DEV_DATA, "--model", model, "--out", results, "--no-plot"],
                           work, env_for(work / "cache-test"), work / "test.log", timeout)
    intent = json.loads((results / "intent_report.json").read_text())
    entities = {}
    for report_file in sorted(results.glob("*_report.json")):
        extractor = report_file.name[: -len("_report.json")]
        if extractor in ("intent", "response_selection"):
            continue
        report = json.loads(report_file.read_text())
        entities[extractor] = {"micro_f1": micro_f1(report),
                               "micro_precision": (report.get("micro avg") or {}).get("precision"),
                               "micro_recall": (report.get("micro avg") or {}).get("recall")}
    return {"name": name, "description": DESCRIPTIONS[name], "pipeline": pipeline,
            "train_s": statistics.median(seconds), "train_s_all": seconds, "test_s": test_s,
            "intent_accuracy": intent.get("accuracy"),
            "intent_macro_f1": (intent.get("macro avg") or {}).get("f1-score"),
            "intent_weighted_f1": (intent.get("weighted avg") or {}).get("f1-score"),
            "entities": entities, "model_bytes": model.stat().st_size}


def print_table(rows: List[Dict[str, Any]]) -> None:
    head = ["pipeline", "train s", "intent acc", "macro F1", "entity micro F1 (extractor)", "model KiB"]
    body = []
    for r in rows:
        ents = ", ".join(
            f"{v['micro_f1']:.3f} (P {v['micro_precision']:.2f} R {v['micro_recall']:.2f}) {k}"
            if v["micro_f1"] is not None and v["micro_precision"] is not None else f"- {k}"
            for k, v in r["entities"].items()) or "-"
        body.append([r["description"], f"{r['train_s']:.1f}", f"{r['intent_accuracy']:.3f}",
                     f"{r['intent_macro_f1']:.3f}", ents, f"{r['model_bytes'] / 1024:.0f}"])
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body)]
    print()
    print(" | ".join(h.ljust(w) for h, w in zip(head, widths)))
    print("-+-".join("-" * w for w in widths))
    for line in body:
        print(" | ".join(str(x).ljust(w) if i in (0, 4) else str(x).rjust(w)
                         for i, (x, w) in enumerate(zip(line, widths))))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", choices=list(PIPELINES), help="run only these pipelines")
    parser.add_argument("--repeats", type=int, default=3, help="trainings per pipeline for the median time")
    parser.add_argument("--diet-repeats", type=int, default=1, help="trainings of the DIET pipeline")
    parser.add_argument("--timeout", type=float, default=1200, help="time-out of one train or test command")
    parser.add_argument("--json", nargs="?", const="-", metavar="PATH",
                        help="also dump all numbers as JSON (to PATH, or stdout when no PATH)")
    parser.add_argument("--keep-tmp", action="store_true")
    args = parser.parse_args()
    if not RASA.exists():
        sys.exit(f"{RASA} not found: set up the venv first (make setup)")
    rows: List[Dict[str, Any]] = []
    began = time.perf_counter()

    def measure_pipelines(tmp: Path) -> int:
        print(f"work dir {tmp}; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}; "
              f"train {TRAIN_DATA.relative_to(ROOT)}, evaluate {DEV_DATA.relative_to(ROOT)}", flush=True)
        for name in args.only or list(PIPELINES):
            repeats = args.diet_repeats if name == "diet" else args.repeats
            rows.append(bench_pipeline(name, tmp, max(1, min(repeats, 10)), args.timeout))
        print_table(rows)
        elapsed = time.perf_counter() - began
        print(f"\ntraining time: median of {args.repeats} trainings (DIET: {args.diet_repeats}); "
              f"whole run {elapsed / 60:.1f} min")
        write_json({"rows": rows, "elapsed_s": elapsed, "cpus": os.cpu_count()}, args.json)
        return 0

    return run_benchmark("bench_nlu_", args.keep_tmp, PROCESSES, measure_pipelines)


if __name__ == "__main__":
    sys.exit(main())
