// The named person using the desk, chosen on the "Người dùng" screen and kept on this device.
const KEY = 'sohoa.user';
const NAMES = 'sohoa.users';

export function currentUser(): string | null {
  return localStorage.getItem(KEY);
}

export function setCurrentUser(name: string | null): void {
  if (name) localStorage.setItem(KEY, name);
  else localStorage.removeItem(KEY);
}

export function knownUsers(): string[] {
  try {
    const v = JSON.parse(localStorage.getItem(NAMES) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export function saveKnownUsers(names: string[]): void {
  localStorage.setItem(NAMES, JSON.stringify(names));
}
