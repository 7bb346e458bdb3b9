# streamwatch — every target installs what it needs, so a fresh clone needs only `make demo` or `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
JAR := flink_app/target/streamwatch-connectors.jar
STAMP := $(VENV)/.installed

.PHONY: help install jar demo test bench clean

help:  ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(STAMP)  ## create .venv and install the project with its test tools

$(JAR): flink_app/pom.xml
	mvn --batch-mode --quiet -f flink_app/pom.xml package
	touch $@

jar: $(JAR)  ## build the single shaded connector jar with Maven

demo: install jar  ## run the whole pipeline locally on embedded defaults (lake in ./lake)
	$(BIN)/streamwatch demo

test: install jar  ## run every test
	$(BIN)/pytest

bench: install jar  ## replay 1,000,000 events: full job vs scan-only, events/s and JVM peak memory
	$(BIN)/streamwatch bench --events 1000000

clean:  ## remove build outputs and the local lake
	rm -rf $(VENV) flink_app/target lake dist build *.egg-info
