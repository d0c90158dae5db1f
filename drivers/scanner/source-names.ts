// Scanner sources under their many vendor spellings, reduced to the three a profile names. Every
// backend spells them its own way: "Flatbed", "FlatBed", "Platen", "Document Table"; "ADF",
// "ADF Front", "Automatic Document Feeder", "Automatic Document Feeder(left aligned)",
// "Document Feeder"; "ADF Duplex", "Duplex", "Automatic Document Feeder(centrally aligned,Duplex)".
// Some (epson2) have one feeder source and a separate `--adf-mode Simplex|Duplex` option instead.

export type SourceKind = 'flatbed' | 'adf-front' | 'adf-back' | 'adf-duplex';

/** Pure: what a vendor's source name means; null for what is not a paper source we use (film, TMA). */
export function sourceKind(name: string): SourceKind | null {
  const s = name.toLowerCase();
  if (/flat\s*bed|platen|document table|glass/.test(s)) return 'flatbed';
  if (/duplex|both sides|two.?sided/.test(s)) return 'adf-duplex';
  if (/back|rear/.test(s) && /adf|feeder/.test(s)) return 'adf-back';
  if (/\badf\b|feeder|\bfeed\b/.test(s)) return 'adf-front';
  return null;
}

/** What the scanner is told for a wanted source: the `--source` value and any extra options. */
export interface SourceChoice {
  source?: string;
  args: string[];
}

/**
 * Pure: the device's source for `want`, or null when it has none. A device with no `--source`
 * option at all is a flatbed. The left-aligned variant of a feeder is taken before a centred one
 * (A4 paper is guided from the left on those Brother models; either works).
 */
export function chooseSource(
  sources: string[], want: 'adf' | 'adf-duplex' | 'flatbed', adfModes: string[] = [],
): SourceChoice | null {
  if (sources.length === 0) return want === 'flatbed' ? { args: [] } : null;
  const of = (k: SourceKind) => sources.filter((s) => sourceKind(s) === k);
  if (want === 'flatbed') { const s = of('flatbed')[0]; return s ? { source: s, args: [] } : null; }
  if (want === 'adf') {
    const s = of('adf-front')[0];
    if (!s) return null;
    const simplex = adfModes.find((m) => /simplex|single/i.test(m));
    return { source: s, args: simplex ? ['--adf-mode', simplex] : [] };
  }
  const duplex = of('adf-duplex')[0];
  if (duplex) return { source: duplex, args: [] };
  // one feeder source plus an ADF mode option (epson2: --adf-mode Duplex)
  const front = of('adf-front')[0];
  const mode = adfModes.find((m) => /duplex/i.test(m));
  return front && mode ? { source: front, args: ['--adf-mode', mode] } : null;
}
