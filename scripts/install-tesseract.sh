#!/bin/sh
# Installs tesseract-ocr and its French data when they are missing and this
# user may do so; otherwise says the one command to run. Never fails the
# build: without Tesseract, scanned files are sent to review with a message.
has_french() {
    command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx fra
}
has_french && exit 0
command -v apt-get >/dev/null 2>&1 || {
    echo "Tesseract (français) absent : installez « tesseract-ocr » et ses données « fra » avec le gestionnaire de paquets du système."
    exit 0
}
if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "Tesseract (français) absent. Pour lire les questionnaires scannés, lancez :"
    echo "  sudo apt-get install -y tesseract-ocr tesseract-ocr-fra"
    exit 0
fi
echo "Installation de Tesseract (français) pour la lecture des scans…"
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq tesseract-ocr tesseract-ocr-fra >/dev/null 2>&1 \
  || { $SUDO apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq tesseract-ocr tesseract-ocr-fra >/dev/null 2>&1; } \
  || echo "Installation impossible ; lancez : sudo apt-get install -y tesseract-ocr tesseract-ocr-fra"
has_french && echo "Tesseract (français) installé."
exit 0
