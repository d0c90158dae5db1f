// The register stage's public surface.
export { Register, SECRET_MESSAGE, type RegisterEntry, type RegisterExtras, type RegisterOptions, type SignatureInfo, type StateChange } from './register.js';
export { effectiveArrival, type OfficeHours } from './office-hours.js';
export type { AuditAction, AuditRecord } from './audit-log.js';
export { toVnIso } from './vn-time.js';
export type { BookFilter } from './book-query.js';
export { bookEntry, type BookEntry, type RegisterBookPort } from './book-view.js';
export { duplicateKey, foldVietnamese } from './fold.js';
