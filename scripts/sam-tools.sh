#!/usr/bin/env bash
# Checks and builds the SAM application with pinned tools in their own venv (.venv-sam),
# kept apart from the project's venv because aws-sam-cli pins conflict with ours.
#   scripts/sam-tools.sh setup     create .venv-sam with the pinned tools
#   scripts/sam-tools.sh lint      sam validate --lint and cfn-lint template.yaml
#   scripts/sam-tools.sh build     sam build without Docker (python3.11 first on PATH)
#   scripts/sam-tools.sh all       all three (the default)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3.11}"
SAM_VENV="${SAM_VENV:-$ROOT/.venv-sam}"
SAM_CLI_VERSION="1.170.0"
CFN_LINT_VERSION="1.58.0"

setup() {
  if [ ! -x "$SAM_VENV/bin/sam" ] || ! "$SAM_VENV/bin/sam" --version | grep -q "$SAM_CLI_VERSION"; then
    "$PYTHON" -m venv "$SAM_VENV"
    "$SAM_VENV/bin/pip" install --quiet --upgrade pip==25.3
    "$SAM_VENV/bin/pip" install --quiet "aws-sam-cli==$SAM_CLI_VERSION" "cfn-lint==$CFN_LINT_VERSION"
  fi
}

lint() {
  setup
  cd "$ROOT"
  # no region or credentials are needed to validate; the telemetry call would reach the internet
  export SAM_CLI_TELEMETRY=0 AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}"
  "$SAM_VENV/bin/sam" validate --lint --template-file template.yaml
  "$SAM_VENV/bin/cfn-lint" template.yaml
}

build() {
  setup
  cd "$ROOT"
  export SAM_CLI_TELEMETRY=0 AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}"
  # sam build without a container uses the first python3.11 on PATH as the Lambda runtime's
  local runtime_bin
  runtime_bin="$(dirname "$("$PYTHON" -c 'import sys; print(sys.executable)')")"
  PATH="$runtime_bin:$PATH" "$SAM_VENV/bin/sam" build --template-file template.yaml
}

case "${1:-all}" in
  setup) setup ;;
  lint) lint ;;
  build) build ;;
  all) lint; build ;;
  *) echo "usage: $0 [setup|lint|build|all]" >&2; exit 2 ;;
esac
