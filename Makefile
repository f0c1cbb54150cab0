# Marquee — two commands do everything: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
PORT ?= 8000
UV_VERSION := 0.13.8
TOOLS := var/tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
export PORT

.PHONY: install run serve test lint format test-postgres test-browser messages clean bench-flash bench-ledger bench-ledger-report bench-waterfall bench-statement bench-crowdfunding bench-rights bench-merch bench-analytics bench-analytics-console bench-crowdfunding-payouts bench-marketing

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

install: $(VENV)/.synced

## make run: install, migrate, load the demo world and serve on PORT (default 8000)
run: install
	$(BIN)/marquee setup
	$(BIN)/marquee serve --port $(PORT)

## make test: lint, check migrations and run the whole suite (SQLite unless DATABASE_URL says otherwise)
test: install lint
	$(BIN)/marquee makemigrations --check --dry-run
	$(BIN)/pytest -m "not browser"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(BIN)/pytest -m "not browser"

test-browser: install
	$(BIN)/pytest -m browser tests/browser

## make bench-flash: flash-sale load benchmark on PostgreSQL at 127.0.0.1:5432 (docs/performance.md)
bench-flash: install
	$(BIN)/python -m bench.flash $(BENCH_ARGS)

## make bench-ledger: posting a flash sale's events from the outbox on PostgreSQL (docs/performance.md)
bench-ledger: install
	$(BIN)/python -m bench.ledger $(BENCH_ARGS)

## make bench-ledger-report: reports over 1,000,000 journal lines on PostgreSQL (docs/performance.md)
bench-ledger-report: install
	$(BIN)/python -m bench.ledger_report $(BENCH_ARGS)

## make bench-rights: avails over 10,000 titles and 100,000 grants on PostgreSQL (docs/performance.md)
bench-rights: install
	$(BIN)/python -m bench.rights $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(TOOLS) var/*.sqlite3* var/static

## make bench-waterfall: receipts through a co-financing waterfall, engine and books, on PostgreSQL (docs/performance.md)
bench-waterfall: install
	$(BIN)/python -m bench.waterfall $(BENCH_ARGS)
## make bench-statement: a partner's live statement (settled + provisional) in the demo world (docs/investment.md)
bench-statement: install
	$(BIN)/python -m bench.statement $(BENCH_ARGS)
## make bench-crowdfunding: 5,000 backers racing for the last 10% of a cap, on PostgreSQL (docs/performance.md)
bench-crowdfunding: install
	$(BIN)/python -m bench.crowdfunding $(BENCH_ARGS)
## make bench-crowdfunding-payouts: the returns of 2,000 backers paid out and booked, on PostgreSQL (docs/performance.md)
bench-crowdfunding-payouts: install
	$(BIN)/python -m bench.crowdfunding_payouts $(BENCH_ARGS)
## make bench-merch: a limited edition of 500 under 2,000 buyers on PostgreSQL (docs/performance.md)
bench-merch: install
	$(BIN)/python -m bench.merch $(BENCH_ARGS)
## make bench-marketing: 2,000 buyers racing to redeem a voucher limited to 500, on PostgreSQL (docs/performance.md)
bench-marketing: install
	$(BIN)/python -m bench.marketing $(BENCH_ARGS)
## make bench-analytics: DuckDB over Parquet, a synthetic year of 10 million tickets (docs/performance.md)
bench-analytics: install
	$(BIN)/python -m bench.analytics $(BENCH_ARGS)

## make bench-analytics-console: the console's history reads, DuckDB snapshot + live against the database alone
bench-analytics-console: install
	$(BIN)/python -m bench.analytics_console $(BENCH_ARGS)
