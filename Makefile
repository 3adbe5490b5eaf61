# Quick start: `make run` then `make test`. Every target sets up .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test lint train evaluate bench reports clean system-packages web-docs

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/triage serve

# Debian packages the tests need (Chromium for the browser tests in tests/web, LibreOffice and
# poppler for the reports); only when Chromium is missing, so a normal run costs nothing. Where
# they cannot be installed the browser tests skip with a message.
system-packages:
	@test -x /usr/bin/chromium || bash scripts/install-system-packages.sh || \
		echo "system packages: could not install them; the browser tests will be skipped"

test: $(STAMP) system-packages
	$(BIN)/pytest -q

# Drives the web app in headless Chromium and refreshes the screenshots in docs/web/.
web-docs: $(STAMP) system-packages
	TRIAGE_SCREENSHOTS_DIR=docs/web $(BIN)/pytest -q tests/web/test_web_browser.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy triage api storage

train: $(STAMP)
	$(BIN)/triage train

evaluate: $(STAMP)
	$(BIN)/triage evaluate

bench: $(STAMP)
	$(BIN)/python -m triage.bench --out var/bench/triage.json
	$(BIN)/python -m api.bench

# Sample documents from a bundled sample of triage records, rendered for a person to look at:
# .docx/.xlsx in var/reports/, PDF and PNG in docs/reports/ (see docs/reports.md).
# Word pages are black and white (1-bit PNG at 75 dpi; the public report's first two pages only);
# the workbook keeps its status colours.
REPORTS_SAMPLE := tests/fixtures/reports/sample-records.jsonl
REPORTS_BUILD := var/reports
REPORTS_DOCS := docs/reports
REPORTS_ARGS := --today 2023-09-06 --dialogue-date 2023-09-15 \
	--campaign "Phục vụ Hội nghị đối thoại giữa người đứng đầu cấp ủy, chính quyền thị xã với MTTQ, các tổ chức chính trị - xã hội và Nhân dân năm 2023"
SOFFICE := soffice -env:UserInstallation=file://$(CURDIR)/var/libreoffice --headless

reports: $(STAMP)
	scripts/install-system-packages.sh
	mkdir -p $(REPORTS_BUILD) $(REPORTS_DOCS)
	$(BIN)/triage export $(REPORTS_SAMPLE) --kind report $(REPORTS_ARGS) --out $(REPORTS_BUILD)/bao-cao-tong-hop.docx
	$(BIN)/triage export $(REPORTS_SAMPLE) --kind report --public $(REPORTS_ARGS) --out $(REPORTS_BUILD)/bao-cao-cong-khai.docx
	$(BIN)/triage export $(REPORTS_SAMPLE) --kind escalations $(REPORTS_ARGS) --out $(REPORTS_BUILD)/danh-sach-vuot-tham-quyen.docx
	$(BIN)/triage export $(REPORTS_SAMPLE) --kind xlsx $(REPORTS_ARGS) --out $(REPORTS_BUILD)/tong-hop-y-kien.xlsx
	$(SOFFICE) --convert-to pdf --outdir $(REPORTS_DOCS) $(REPORTS_BUILD)/*.docx $(REPORTS_BUILD)/*.xlsx
	rm -f $(REPORTS_DOCS)/*.png
	for name in bao-cao-tong-hop danh-sach-vuot-tham-quyen; do \
		pdftoppm -r 75 -mono -png $(REPORTS_DOCS)/$$name.pdf $(REPORTS_DOCS)/$$name || exit 1; \
	done
	pdftoppm -r 75 -mono -png -l 2 $(REPORTS_DOCS)/bao-cao-cong-khai.pdf $(REPORTS_DOCS)/bao-cao-cong-khai
	pdftoppm -r 100 -aa no -aaVector no -png $(REPORTS_DOCS)/tong-hop-y-kien.pdf $(REPORTS_DOCS)/tong-hop-y-kien
	@du -ch $(REPORTS_DOCS)/*.png | tail -1

clean:
	rm -rf $(VENV) var
