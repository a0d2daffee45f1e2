#!/usr/bin/env bash
# Installs the build's pinned tools in CodeBuild: `npm run ci:install-tools [-- terraform]`.
#   terraform  the pinned version, its archive checked against the pinned SHA-256
#   moto       the AWS API emulator the infrastructure tests apply against (pinned)
#   mirror     a local mirror of the pinned AWS provider, which the tests install from
#   chromium   Debian's Chromium, which drives the console tests (playwright-core, no browser download)
set -euo pipefail

TERRAFORM_VERSION=1.11.4
# From HashiCorp's terraform_1.11.4_SHA256SUMS, entry terraform_1.11.4_linux_amd64.zip.
TERRAFORM_SHA256=1ce994251c00281d6845f0f268637ba50c0005657eb3cf096b92f753b42ef4dc
MOTO_VERSION=5.2.1
AWS_PROVIDER_VERSION=5.100.0
MIRROR_DIR=${DOFS_TF_PLUGIN_MIRROR:-/opt/tf-plugins}

install_terraform() {
  if terraform version 2>/dev/null | head -n1 | grep -qx "Terraform v${TERRAFORM_VERSION}"; then return; fi
  local tmp
  tmp=$(mktemp -d)
  curl -fsSL -o "$tmp/terraform.zip" "https://releases.hashicorp.com/terraform/${TERRAFORM_VERSION}/terraform_${TERRAFORM_VERSION}_linux_amd64.zip"
  echo "${TERRAFORM_SHA256}  $tmp/terraform.zip" | sha256sum -c -
  unzip -o -q "$tmp/terraform.zip" terraform -d /usr/local/bin
  terraform version
}

install_moto() {
  python3 -m pip install --quiet "moto[server]==${MOTO_VERSION}"
}

install_mirror() {
  local tmp
  tmp=$(mktemp -d)
  printf 'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws", version = "%s" }\n  }\n}\n' "$AWS_PROVIDER_VERSION" > "$tmp/main.tf"
  terraform -chdir="$tmp" providers mirror -platform=linux_amd64 "$MIRROR_DIR"
}

install_chromium() {
  if [ -x /usr/bin/chromium ]; then return; fi
  local sudo=''
  if [ "$(id -u)" != 0 ]; then sudo=sudo; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
  /usr/bin/chromium --version
}

for tool in "${@:-terraform moto mirror}"; do
  for one in $tool; do "install_${one}"; done
done
