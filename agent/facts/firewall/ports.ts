// Port lists as firewall configs write them: "22", "80,443", "6000:6100" (ufw, csf, iptables)
// or "6000-6100" (firewalld, nft), and service names where the tool accepts them.

/** Only the name this check asks about; a port name we do not know never matches. */
const SERVICE_PORTS: Readonly<Record<string, number>> = { ssh: 22 };

export function portSpecIncludes(spec: string, port: number): boolean {
  return spec.split(',').some((item) => {
    const text = item.trim().toLowerCase();
    const range = /^(\d+)\s*[:-]\s*(\d+)$/.exec(text);
    if (range) return Number(range[1]) <= port && port <= Number(range[2]);
    if (/^\d+$/.test(text)) return Number(text) === port;
    return SERVICE_PORTS[text] === port;
  });
}

export function anyPortIncluded(spec: string, ports: readonly number[]): boolean {
  return ports.some((port) => portSpecIncludes(spec, port));
}

/** "22/tcp" or "22/tcp, 2222/tcp": the only rule content a message may carry. */
export function describeTcpPorts(ports: readonly number[]): string {
  return ports.map((port) => `${port}/tcp`).join(', ');
}
