// The part of `unix-dgram` (no published types) that the sd_notify client and its tests use.
declare module 'unix-dgram' {
  import type { EventEmitter } from 'node:events';

  export interface UnixDgramSocket extends EventEmitter {
    /** Unconnected send to a socket path; the callback gets the error (or a 'congestion' one). */
    send(buf: Buffer, offset: number, length: number, path: string, callback: (err?: Error) => void): void;
    /** Binds a receiving socket at a path (tests, benchmarks); 'error' or 'listening' follows synchronously. */
    bind(path: string): void;
    close(): void;
  }

  export function createSocket(type: 'unix_dgram', listener?: (msg: Buffer) => void): UnixDgramSocket;
}
