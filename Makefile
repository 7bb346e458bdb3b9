# streamwatch — every target installs what it needs, so a fresh clone needs only `make demo` or `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
JAR := flink_app/target/streamwatch-connectors.jar
STAMP := $(VENV)/.installed

.PHONY: help install jar chromium demo test bench package clean

help:  ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(STAMP)  ## create .venv and install the project with its test tools

$(JAR): flink_app/pom.xml $(shell find flink_app/src -name '*.java' 2>/dev/null)
	mvn --batch-mode --quiet -f flink_app/pom.xml package
	touch $@

jar: $(JAR)  ## build the single shaded connector jar with Maven

demo: install jar  ## run the whole pipeline locally on embedded defaults (lake in ./lake)
	$(BIN)/streamwatch demo

chromium:  ## Debian's headless Chromium, for the HTML report test (apt-get as root)
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else echo "chromium is missing: sudo apt-get install -y chromium" >&2; exit 1; fi; }

test: install jar chromium  ## run every test
	$(BIN)/pytest

bench: install jar  ## replay 1,000,000 events: full job (parallelism 1 and 2) vs Flink's json-format scan
	$(BIN)/streamwatch bench --events 1000000 --parallelism 1 --parallelism 2

package: install jar  ## build the deployable artefacts in dist/ (Managed Flink zip, Glue scripts, Lambda bundle)
	$(BIN)/streamwatch package

clean:  ## remove build outputs and the local lake
	rm -rf $(VENV) flink_app/target lake dist build *.egg-info
