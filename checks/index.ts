// The registry: every command, `agent list`, `agent explain` and the reports are driven from it.
// Adding a check is adding its file and one line here. The order is the report's order.
import type { CheckModule } from '../agent/types.js';
import { buildSecrets } from './build-secrets.js';
import { cloudInitInstances } from './cloud-init-instances.js';
import { cloudInit } from './cloud-init.js';
import { credentials } from './credentials.js';
import { diskSize } from './disk-size.js';
import { doAgent } from './do-agent.js';
import { firewall } from './firewall.js';
import { firstBootScripts } from './first-boot-scripts.js';
import { firstLogin } from './first-login.js';
import { instanceLeftovers } from './instance-leftovers.js';
import { logFiles } from './log-files.js';
import { machineId } from './machine-id.js';
import { motd } from './motd.js';
import { opensshServer } from './openssh-server.js';
import { osSupported } from './os-supported.js';
import { packageCache } from './package-cache.js';
import { packageSources } from './package-sources.js';
import { passwords } from './passwords.js';
import { securityUpdates } from './security-updates.js';
import { shellHistory } from './shell-history.js';
import { sshAuthorizedKeys } from './ssh-authorized-keys.js';
import { sshConfig } from './ssh-config.js';
import { sshHostKeys } from './ssh-host-keys.js';
import { sshPrivateKeys } from './ssh-private-keys.js';
import { swap } from './swap.js';
import { tlsKeys } from './tls-keys.js';
import { tmpDirs } from './tmp-dirs.js';

export const CHECKS: readonly CheckModule[] = [
  osSupported,
  cloudInit,
  securityUpdates,
  packageSources,
  opensshServer,
  firewall,
  passwords,
  sshAuthorizedKeys,
  sshPrivateKeys,
  credentials,
  sshHostKeys,
  sshConfig,
  buildSecrets,
  tlsKeys,
  shellHistory,
  logFiles,
  doAgent,
  machineId,
  tmpDirs,
  cloudInitInstances,
  instanceLeftovers,
  firstBootScripts,
  firstLogin,
  motd,
  packageCache,
  diskSize,
  swap,
];

export const CHECKS_BY_ID: ReadonlyMap<string, CheckModule> = new Map(CHECKS.map((check) => [check.id, check]));
