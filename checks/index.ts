// The registry: every command, `agent list`, `agent explain` and the reports are driven from it.
// Adding a check is adding its file and one line here.
import type { CheckModule } from '../agent/types.js';
import { cloudInit } from './cloud-init.js';
import { doAgent } from './do-agent.js';
import { logFiles } from './log-files.js';
import { opensshServer } from './openssh-server.js';
import { osSupported } from './os-supported.js';
import { passwords } from './passwords.js';
import { shellHistory } from './shell-history.js';
import { sshAuthorizedKeys } from './ssh-authorized-keys.js';
import { sshPrivateKeys } from './ssh-private-keys.js';

export const CHECKS: readonly CheckModule[] = [
  osSupported,
  cloudInit,
  opensshServer,
  passwords,
  sshAuthorizedKeys,
  sshPrivateKeys,
  shellHistory,
  logFiles,
  doAgent,
];

export const CHECKS_BY_ID: ReadonlyMap<string, CheckModule> = new Map(CHECKS.map((check) => [check.id, check]));
