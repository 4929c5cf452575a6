/**
 * The CI deck's Debian guest with an SSH server: one flavour text for the vm tests that need sshd
 * (boot-params: livedeck.nossh keeps it from starting; states: restored copies make their own host
 * keys), so its layer is built once per test store.
 */
export const DEBSSH = `name: debssh
description: Debian with an SSH server (boot-params test)
base: debian
packages: [openssh-server]
services: [ssh]
`;
