#!/usr/bin/env bash
# Installs the Debian packages the test bed needs, when they are missing.
set -euo pipefail
need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
command -v docker-registry >/dev/null 2>&1 || need+=(docker-registry)
# The image rootfs needs a static busybox: the dynamic one would find no libc inside it.
dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
[ -x /usr/bin/chromium ] || need+=(chromium)
# sshd on loopback serves the ssh:// engine endpoint (the far side runs `docker system dial-stdio`).
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
# promtool checks /metrics; a real prometheus scrapes it.
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
# MQTT notifications are checked against a real broker.
[ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
# A real compose project (Debian 12 packages compose v1).
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "test bed: missing ${need[*]}; run as root or: sudo apt-get install ${need[*]}" >&2
  exit 1
fi
echo "test bed: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq "${need[@]}" >&2
