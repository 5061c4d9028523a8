# The two commands of the README. Everything else lives in scripts/.
.PHONY: run test shell bench bench-dialogue setup run-scaled bench-scaled
run:
	bash scripts/run.sh
test:
	bash scripts/test.sh
shell:
	bash scripts/shell.sh
bench:
	bash scripts/setup_env.sh && .venv/bin/python benchmarks/bench_rules_core.py && .venv/bin/python benchmarks/bench_batch.py
bench-dialogue:
	bash scripts/setup_env.sh && .venv/bin/python benchmarks/bench_dialogue.py
setup:
	bash scripts/setup_env.sh
run-scaled:
	bash scripts/run_scaled.sh
bench-scaled:
	bash scripts/setup_env.sh && .venv/bin/python benchmarks/bench_scaled.py
