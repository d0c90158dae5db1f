import { XMLParser } from 'fast-xml-parser';

// The eSCL documents the simulator speaks: ScannerCapabilities and ScannerStatus out, ScanSettings
// in. Element names follow what sane-airscan reads (airscan-escl.c).

const NS = 'xmlns:scan="http://schemas.hp.com/imaging/escl/2011/05/03" xmlns:pwg="http://www.pwg.org/schemas/2010/12/sm"';

/** A4 in the eSCL unit (1/300 inch): 210 mm × 297 mm. */
export const BED = { width: 2480, height: 3508 };
export const RESOLUTIONS = [150, 200, 300, 400, 600];

export type AdfState = 'ScannerAdfLoaded' | 'ScannerAdfEmpty' | 'ScannerAdfJam';

export interface ScanSettings {
  source: 'Platen' | 'Feeder';
  duplex: boolean;
  colorMode: 'RGB24' | 'Grayscale8';
  format: 'image/jpeg' | 'image/png';
  xRes: number;
  yRes: number;
  /** Scan region in 1/300 inch. */
  region: { x: number; y: number; width: number; height: number };
}

function inputCaps(): string {
  const res = RESOLUTIONS.map((r) => `<scan:DiscreteResolution><scan:XResolution>${r}</scan:XResolution><scan:YResolution>${r}</scan:YResolution></scan:DiscreteResolution>`).join('');
  return `<scan:MinWidth>300</scan:MinWidth><scan:MaxWidth>${BED.width}</scan:MaxWidth>`
    + `<scan:MinHeight>300</scan:MinHeight><scan:MaxHeight>${BED.height}</scan:MaxHeight>`
    + '<scan:MaxScanRegions>1</scan:MaxScanRegions><scan:SettingProfiles><scan:SettingProfile>'
    + '<scan:ColorModes><scan:ColorMode>RGB24</scan:ColorMode><scan:ColorMode>Grayscale8</scan:ColorMode></scan:ColorModes>'
    + '<scan:DocumentFormats><pwg:DocumentFormat>image/jpeg</pwg:DocumentFormat><pwg:DocumentFormat>image/png</pwg:DocumentFormat>'
    + '<scan:DocumentFormatExt>image/jpeg</scan:DocumentFormatExt><scan:DocumentFormatExt>image/png</scan:DocumentFormatExt></scan:DocumentFormats>'
    + `<scan:SupportedResolutions><scan:DiscreteResolutions>${res}</scan:DiscreteResolutions></scan:SupportedResolutions>`
    + '</scan:SettingProfile></scan:SettingProfiles>';
}

export function capabilitiesXml(info: { make: string; model: string; serial: string; uuid: string }): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<scan:ScannerCapabilities ${NS}>`
    + `<pwg:Version>2.63</pwg:Version><pwg:MakeAndModel>${info.make} ${info.model}</pwg:MakeAndModel>`
    + `<pwg:ModelName>${info.model}</pwg:ModelName><pwg:SerialNumber>${info.serial}</pwg:SerialNumber><scan:UUID>${info.uuid}</scan:UUID>`
    + `<scan:Platen><scan:PlatenInputCaps>${inputCaps()}</scan:PlatenInputCaps></scan:Platen>`
    + `<scan:Adf><scan:AdfSimplexInputCaps>${inputCaps()}</scan:AdfSimplexInputCaps>`
    + `<scan:AdfDuplexInputCaps>${inputCaps()}</scan:AdfDuplexInputCaps>`
    + '<scan:FeederCapacity>50</scan:FeederCapacity><scan:AdfOptions><scan:AdfOption>DetectPaperLoaded</scan:AdfOption>'
    + '<scan:AdfOption>Duplex</scan:AdfOption></scan:AdfOptions></scan:Adf></scan:ScannerCapabilities>\n';
}

/** pwg:State stays Idle: sane-airscan reads "Processing" as busy and would not look at the ADF state. */
export function statusXml(adf: AdfState): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<scan:ScannerStatus ${NS}><pwg:Version>2.63</pwg:Version>`
    + `<pwg:State>Idle</pwg:State><scan:AdfState>${adf}</scan:AdfState></scan:ScannerStatus>\n`;
}

const parser = new XMLParser({ removeNSPrefix: true, parseTagValue: false });

/** Parses a ScanSettings body; throws an Error with the reason when it is not one we can honour. */
export function parseScanSettings(xml: string): ScanSettings {
  const doc = parser.parse(xml) as { ScanSettings?: Record<string, unknown> };
  const s = doc.ScanSettings;
  if (!s) throw new Error('body is not scan:ScanSettings');
  const num = (v: unknown, dflt: number) => (v === undefined || v === '' ? dflt : Number(v));
  const regions = s.ScanRegions as { ScanRegion?: Record<string, unknown> } | undefined;
  const r = regions?.ScanRegion ?? {};
  const xRes = num(s.XResolution, 300);
  const yRes = num(s.YResolution, xRes);
  if (!RESOLUTIONS.includes(xRes) || xRes !== yRes) throw new Error(`unsupported resolution ${xRes}x${yRes}`);
  const format = String(s.DocumentFormatExt ?? s.DocumentFormat ?? 'image/jpeg').toLowerCase();
  if (format !== 'image/jpeg' && format !== 'image/png') throw new Error(`unsupported format ${format}`);
  const color = String(s.ColorMode ?? 'RGB24');
  if (color !== 'RGB24' && color !== 'Grayscale8') throw new Error(`unsupported colour mode ${color}`);
  const region = {
    x: num(r.XOffset, 0),
    y: num(r.YOffset, 0),
    width: Math.min(num(r.Width, BED.width), BED.width),
    height: Math.min(num(r.Height, BED.height), BED.height),
  };
  if (!(region.width > 0 && region.height > 0)) throw new Error('empty scan region');
  return {
    source: String(s.InputSource ?? 'Platen') === 'Feeder' ? 'Feeder' : 'Platen',
    duplex: String(s.Duplex ?? 'false') === 'true',
    colorMode: color,
    format,
    xRes,
    yRes,
    region,
  };
}
