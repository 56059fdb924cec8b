// ConfigServer Security & Firewall: csf.conf is KEY = "value". Freshly installed csf runs with
// TESTING = "1", where a cron job flushes the rules minutes after they load: not a firewall yet.
export const CSF_CONF = '/etc/csf/csf.conf';

export interface CsfConf {
  testing: boolean;
  /** TCP_IN: the inbound TCP ports csf opens, "20,21,22,30000:35000". */
  tcpIn: string;
}

export function parseCsfConf(text: string): CsfConf {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*"([^"]*)"/.exec(line);
    if (match) values.set(match[1], match[2]);
  }
  // csf tests the value as Perl truth: "0" and "" are off, anything else is testing mode.
  const testing = (values.get('TESTING') ?? '').trim();
  return { testing: testing !== '' && testing !== '0', tcpIn: values.get('TCP_IN') ?? '' };
}
