# The two commands of the README. Everything else lives in scripts/.
.PHONY: run test bench setup
run:
	bash scripts/run.sh
test:
	bash scripts/test.sh
bench:
	bash scripts/setup_env.sh && .venv/bin/python benchmarks/bench_rules_core.py
setup:
	bash scripts/setup_env.sh
