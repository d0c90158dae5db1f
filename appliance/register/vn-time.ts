// Vietnam local time (UTC+7 all year, no daylight saving): the time of every date the register
// writes (domain.md: ISO 8601 with +07:00).

export const VN_OFFSET_MS = 7 * 3600_000;

/** A Date whose UTC fields read as Vietnam wall-clock time. */
export function vnWall(at: Date): Date {
  return new Date(at.getTime() + VN_OFFSET_MS);
}

/** `YYYY-MM-DDTHH:mm:ss+07:00`. */
export function toVnIso(at: Date): string {
  return vnWall(at).toISOString().slice(0, 19) + '+07:00';
}

/** The calendar year in Vietnam at that instant. */
export function vnYear(at: Date): number {
  return vnWall(at).getUTCFullYear();
}
