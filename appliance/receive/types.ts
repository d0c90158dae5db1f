// The received-document shapes the touchscreen reads (type-only: imported by the UI too).

/** A PDF or edXML file on a mounted USB drive (receive/media.ts). */
export interface MediaFile {
  /** Absolute path (what the screen sends back to open it). */
  path: string;
  name: string;
  /** The drive (first folder under its root), for grouping on the screen. */
  drive: string;
  bytes: number;
  modifiedAt: string;
}

/** A received file as handed in (a USB file read, or an uploaded e-mail attachment). */
export interface ReceivedFile {
  fileName: string;
  data: Buffer;
}
