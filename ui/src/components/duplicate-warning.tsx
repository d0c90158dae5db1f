import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { S } from '../strings.js';

// Asks the register, while the clerk reviews, whether the same issuer + số, ký hiệu is already
// registered (GET /api/register/duplicates, folded: tones and spacing do not matter), and says so
// before "Đăng ký". A warning, not a block: the register keeps the flag on the new entry too.

interface Found { duplicates: { docId: string; arrivalNumber: number; arrivalDate: string; registeredAt?: string }[] }

const vnDay = (iso: string) => iso.slice(0, 10).split('-').reverse().join('/');

/** `book: 'outgoing'`: the printed number in the outgoing book of its year of issue (the register refuses a second one). */
export function DuplicateWarning({ issuer, numberNotation, book, date }: { issuer: string | null; numberNotation: string | null; book?: 'incoming' | 'outgoing'; date?: string | null }) {
  const [found, setFound] = useState<Found['duplicates']>([]);
  useEffect(() => {
    if (book === 'outgoing' && numberNotation?.trim()) {
      let live = true;
      const t = setTimeout(() => {
        const q = new URLSearchParams({ book, numberNotation, date: date && /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : '' });
        api.get<Found>(`/api/register/duplicates?${q}`).then((r) => live && setFound(r.duplicates), () => live && setFound([]));
      }, 300);
      return () => { live = false; clearTimeout(t); };
    }
    if (!issuer?.trim() || !numberNotation?.trim()) { setFound([]); return; }
    let live = true;
    // (typing: ask once the clerk pauses)
    const t = setTimeout(() => {
      const q = new URLSearchParams({ issuer, numberNotation });
      api.get<Found>(`/api/register/duplicates?${q}`).then((r) => live && setFound(r.duplicates), () => live && setFound([]));
    }, 300);
    return () => { live = false; clearTimeout(t); };
  }, [issuer, numberNotation, book, date]);
  const first = found[0];
  if (!first) return null;
  if (book === 'outgoing') return <div class="banner banner-warn span-6" role="alert" data-testid="duplicate-warning">{S.outgoing.duplicate(vnDay(first.registeredAt ?? ''))}</div>;
  return <div class="banner banner-warn span-6" role="alert" data-testid="duplicate-warning">{S.duplicate.warning(first.arrivalNumber, vnDay(first.arrivalDate))}</div>;
}
