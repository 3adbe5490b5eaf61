#!/usr/bin/env bash
# Installs the Debian packages that render sample reports: LibreOffice Writer and Calc
# (headless, to turn .docx/.xlsx into PDF), poppler-utils (pdftoppm, PDF into PNG) and fonts
# that cover Vietnamese (Liberation Serif stands in for Times New Roman, the font of
# administrative documents), and Debian's Chromium, which the web app's end-to-end tests
# (tests/web) drive headless through Playwright (never `playwright install`: no browser
# download). Idempotent: installs only what is missing.
#
# Each entry is "wanted|also accepted": the -nogui flavours of LibreOffice are enough on a
# server, but a desktop that already has the full suite is left alone.
set -euo pipefail

WANTED=(
    "libreoffice-writer-nogui|libreoffice-writer"
    "libreoffice-calc-nogui|libreoffice-calc"
    "poppler-utils"
    "fonts-liberation"
    "fonts-dejavu-core"
    "chromium"
)

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

missing=()
for entry in "${WANTED[@]}"; do
    IFS='|' read -r -a choices <<<"$entry"
    found=0
    for pkg in "${choices[@]}"; do
        if installed "$pkg"; then found=1; break; fi
    done
    if [ "$found" -eq 0 ]; then missing+=("${choices[0]}"); fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "system packages: all present"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "Cần quyền root để cài: ${missing[*]} (hãy chạy lại bằng sudo)." >&2
        exit 1
    fi
fi

echo "system packages: installing ${missing[*]}"
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
