// What `check` and `cleanup` share: options to config, target, distribution and engine settings.
import { CHECKS, CHECKS_BY_ID } from '../../checks/index.js';
import { detectDistro, UnknownDistroError, type Distro } from '../../distros/detect.js';
import { loadConfig } from '../config.js';
import type { EngineOptions } from '../engine.js';
import { liveFacts } from '../facts/live-host.js';
import { Host } from '../host.js';
import { buildReport, type Report } from '../report.js';
import type { CheckModule, CheckReport } from '../types.js';
import type { ImageInfo } from '../image/image-option.js';
import type { OptionValues } from './commands.js';
import { selectChecks } from './select-checks.js';
import { openTarget } from './target.js';
import { IncompleteError, UsageError } from './usage-error.js';

export interface SessionOptions {
  root?: string;
  only?: string;
  skip?: string;
  offline?: boolean;
  config?: string;
  timeout?: string;
  /** The image file mounted at root (--image): it names the target and gives its disk size. */
  attachedImage?: ImageInfo;
}

/** The options `check` and `cleanup` share, from the parsed command line. */
export function sessionOptionsOf(values: OptionValues): SessionOptions {
  const text = (name: string) => values[name] as string | undefined;
  return {
    root: text('root'),
    only: text('only'),
    skip: text('skip'),
    offline: values.offline === true ? true : undefined,
    config: text('config'),
    timeout: text('timeout'),
  };
}

export interface Session {
  /** Facts are memoised per Host: after cleanup changed the target, a fresh one reads it anew. */
  host: Host;
  distro: Distro;
  modules: CheckModule[];
  engine: EngineOptions;
  startedAt: Date;
  /** Started at once, so reading them overlaps the checks. */
  facts: Promise<Report['host']['facts']>;
  /** --image: the file attached at the target's root, with the file systems it mounts. */
  attachedImage?: ImageInfo;
}

const DEFAULT_TIMEOUT_S = 300;

function parseTimeout(value: string | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_S * 1000;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--timeout ${value}: not a positive number of seconds`);
  return seconds * 1000;
}

/** On a terminal, say on stderr what is slow (the package refresh); elsewhere stay quiet. */
function terminalNotifier(): ((message: string) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (message) => process.stderr.write(`agent: ${message}\n`);
}

/**
 * wantFacts: whether the report will carry live host facts (JSON only). Reading them with
 * systeminformation starts a few dozen small processes, so a text run does not pay for it.
 */
export async function openSession(options: SessionOptions, wantFacts: boolean): Promise<Session> {
  const timeoutMs = parseTimeout(options.timeout);
  const config = loadConfig(options.config, new Set(CHECKS_BY_ID.keys()));
  const modules = selectChecks(CHECKS, CHECKS_BY_ID, options.only, options.skip).filter((check) => !config.skip.has(check.id));
  const image = options.attachedImage && { file: options.attachedImage.file, format: options.attachedImage.format, virtualSize: options.attachedImage.virtualSize };
  const host = openTarget(options.root, { offline: options.offline ?? config.offline ?? false, notify: terminalNotifier(), ...(image ? { image } : {}) });
  const startedAt = new Date();
  let distro;
  try {
    distro = await detectDistro(host);
  } catch (err) {
    if (err instanceof UnknownDistroError) throw new IncompleteError(err.message);
    throw new IncompleteError(`cannot identify the distribution: ${(err as Error).message}`);
  }
  const engine = { timeoutMs, severityOverrides: config.severity, ignore: config.ignore, off: config.off };
  return { host, distro, modules, startedAt, engine, facts: wantFacts ? factsFor(host) : Promise.resolve(undefined), ...(options.attachedImage ? { attachedImage: options.attachedImage } : {}) };
}

/** Live facts are extras for the report: a failure to read them never fails the run. */
async function factsFor(host: Host): Promise<Report['host']['facts']> {
  if (host.mode !== 'live') return undefined;
  return liveFacts(host).catch(() => undefined);
}

/**
 * A new Host on the same target, with nothing memoised (after the target changed). `offline`: the
 * package lists were just refreshed, so the checks need not refresh them again.
 */
export function refreshHost(session: Session, overrides: { offline?: boolean } = {}): void {
  const { root, mode, settings } = session.host;
  session.host = new Host(root, mode, { ...settings, ...overrides });
}

export async function reportOf(session: Session, checks: CheckReport[]): Promise<Report> {
  const { host, distro, startedAt } = session;
  const image = host.settings.image?.file;
  return buildReport({ startedAt, target: { root: host.root, mode: host.mode, ...(image ? { image } : {}) }, distro, facts: await session.facts, checks });
}
