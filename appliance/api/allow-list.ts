import { BlockList, isIP } from 'node:net';

// Who may read the monitoring endpoints: a list of addresses and CIDR ranges (IPv4 and IPv6),
// checked with Node's own BlockList. An IPv4 client of a dual-stack listener shows as
// `::ffff:a.b.c.d`; it is checked as the IPv4 address it is.

export interface AddressAllowList {
  allows(address: string | undefined): boolean;
}

/** Parses the setting; throws with the offending entry when one is not an address or a range. */
export function addressAllowList(entries: string[]): AddressAllowList {
  const list = new BlockList();
  for (const raw of entries) {
    const entry = raw.trim();
    const [addr = '', prefix, extra] = entry.split('/');
    const family = isIP(addr);
    const bits = prefix === undefined ? null : /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
    const max = family === 6 ? 128 : 32;
    if (!family || extra !== undefined || (bits !== null && !(bits >= 0 && bits <= max))) {
      throw new Error(`monitoring.allow: "${raw}" is not an IPv4/IPv6 address or CIDR range (e.g. "127.0.0.0/8", "10.20.0.0/16", "::1")`);
    }
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === null) list.addAddress(addr, type);
    else list.addSubnet(addr, bits, type);
  }
  return {
    allows(address) {
      if (!address) return false;
      const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
      const a = mapped ? mapped[1]! : address.replace(/%.*$/, ''); // zone index of a link-local address
      const family = isIP(a);
      return family !== 0 && list.check(a, family === 6 ? 'ipv6' : 'ipv4');
    },
  };
}
