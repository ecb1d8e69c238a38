# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test install tesseract samples templates bench clean

run: install tesseract
	$(VENV)/bin/egalite run samples/inbox --output output

test: install tesseract
	$(PY) -m pytest -q

install: $(STAMP)

$(STAMP): setup.cfg pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Tesseract and its French data, through the system package manager when allowed.
tesseract:
	@sh scripts/install-tesseract.sh

templates: install
	$(VENV)/bin/egalite template --output output/modeles

samples: install
	$(VENV)/bin/egalite samples --output samples/inbox

bench: install tesseract
	$(PY) -m bench

clean:
	rm -rf output .pytest_cache
