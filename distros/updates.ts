// What the package-manager adapters report to the security-updates check.
export interface PendingUpdate {
  name: string;
  arch?: string;
  installed?: string;
  candidate: string;
  security: boolean;
  advisory?: string;
  /** Held (dpkg selection "hold"): the upgrade leaves it alone until the hold is removed. */
  held?: boolean;
}

export type UpdateScan =
  | {
      ok: true;
      updates: PendingUpdate[];
      refreshed: boolean;
      notes: string[];
      /** False when no configured source is a security archive: such an image never gets security fixes. */
      securitySource?: boolean;
      /** Where the other (non-security) pending updates come from, when not from the refresh itself. */
      othersBasis?: string;
    }
  | { ok: false; reason: string };

export interface ScanOptions {
  /** Use the package lists on disk; do not refresh them. */
  offline: boolean;
  refreshTimeoutMs?: number;
}
