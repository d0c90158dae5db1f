import { readFileSync } from 'node:fs';
import { isOrganId } from '../edxml/format.js';
import { SohoaError } from '../errors.js';
import { fold } from '../extract/vn-text.js';
import type { ResolvedRecipient } from '../register/entry.js';

// "Nơi nhận" of an outgoing document → the agencies it goes to (Lào Cai art. 9.2; Decree 30
// art. 16). Each printed line is matched against the provisioned agency list (the technician's
// JSON file, config extract.agenciesPath: entries with `id` = OrganId, optional `parent` and
// `aliases` — the ways the agency is printed under Nơi nhận). The archive line ("Lưu: VT, NC.")
// is the agency's own copy: kept, marked copyOnly, never sent. A line no entry matches stays,
// unresolved (organId null), for the clerk to see: never dropped.

export interface ProvisionedAgency { id: string; name: string; parent?: string; aliases?: string[] }

/** Abbreviations written under Nơi nhận, folded → their folded words. */
const ABBREVIATIONS: [RegExp, string][] = [
  [/\bUBND\b/g, 'UY BAN NHAN DAN'], [/\bHDND\b/g, 'HOI DONG NHAN DAN'], [/\bTP\b\.?/g, 'THANH PHO'],
  [/\bUBMTTQ\b/g, 'UY BAN MAT TRAN TO QUOC'], [/\bMTTQ\b/g, 'MAT TRAN TO QUOC'], [/\bTT\b/g, 'THUONG TRUC'],
];

/** The printed line without list marks, "Kính gửi", end punctuation and the purpose in brackets ("(b/c)", "(để thực hiện)"). */
export function cleanLine(text: string): string {
  return text.normalize('NFC').replace(/^\s*[-–—•+*]\s*/, '').replace(/^kính gửi\s*:?\s*/iu, '')
    .replace(/\s*\((?:để\s+)?[^()]{1,30}\)\s*[;.,]?\s*$/u, '').replace(/[\s;.,:]+$/u, '').trim();
}

/** The folded key two printings of one agency name share ("UBND tỉnh" = "Ủy ban nhân dân tỉnh"). */
export function recipientKey(text: string): string {
  let k = fold(cleanLine(text)).replace(/[^A-Z0-9 ]/g, ' ');
  for (const [re, words] of ABBREVIATIONS) k = k.replace(re, words);
  return k.replace(/\s+/g, ' ').trim();
}

/** "Lưu: VT, NC." / "Lưu VT" / "Lưu hồ sơ": the agency's own copy (Decree 30 App. I), never sent. */
export function isCopyOnly(text: string): boolean {
  return /^LUU\s*(:|VT\b|HS\b|HO SO\b|$)/.test(fold(text.replace(/^\s*[-–—•+*]\s*/, '')));
}

export class RecipientResolver {
  private readonly byKey = new Map<string, ProvisionedAgency>();
  private readonly byId = new Map<string, ProvisionedAgency>();

  /** Only entries with an identifier can receive a document: the rest of a list is for extraction. */
  constructor(entries: readonly { id?: string; name: string; parent?: string; aliases?: string[] }[]) {
    for (const e of entries) {
      if (!e.id || !isOrganId(e.id)) continue;
      const a: ProvisionedAgency = { id: e.id, name: e.name, ...(e.parent ? { parent: e.parent } : {}), ...(e.aliases ? { aliases: e.aliases } : {}) };
      this.byId.set(a.id, a);
      for (const printed of [e.name, ...(e.parent ? [`${e.name} ${e.parent}`, `${e.parent} ${e.name}`] : []), ...(e.aliases ?? [])]) {
        const key = recipientKey(printed);
        if (key && !this.byKey.has(key)) this.byKey.set(key, a);
      }
    }
  }

  /** The provisioned list file (JSON array of {name, id, parent?, aliases?}); '' = no agency with an identifier. */
  static fromFile(path: string): RecipientResolver {
    if (!path) return new RecipientResolver([]);
    try {
      return new RecipientResolver(JSON.parse(readFileSync(path, 'utf8')) as ProvisionedAgency[]);
    } catch (err) {
      throw new SohoaError('config.invalid', `Không đọc được danh sách cơ quan "${path}". Hãy báo kỹ thuật viên.`, `agencies ${path}: ${(err as Error).message}`);
    }
  }

  /** The agencies a clerk may pick for an unresolved recipient, by name. */
  agencies(): { id: string; name: string }[] {
    return [...this.byId.values()].map((a) => ({ id: a.id, name: a.name })).sort((x, y) => x.name.localeCompare(y.name, 'vi'));
  }

  agency(id: string): ProvisionedAgency | undefined {
    return this.byId.get(id);
  }

  /** Every printed line, in order, resolved or not (empty lines aside). */
  resolve(lines: readonly string[]): ResolvedRecipient[] {
    return lines.map((l) => l.normalize('NFC').trim()).filter((l) => l !== '').map((text) => {
      if (isCopyOnly(text)) return { text, organId: null, name: null, copyOnly: true };
      const a = this.byKey.get(recipientKey(text));
      return { text, organId: a?.id ?? null, name: a?.name ?? null, copyOnly: false };
    });
  }

  /**
   * The clerk's confirmed list checked against the provisioned one: the printed lines are the
   * confirmed fields' (none added, none lost), a chosen organId must be a provisioned agency (its
   * name is the list's), and a "Lưu" line stays a copy whatever was sent.
   */
  confirm(lines: readonly string[], chosen: readonly { text: string; organId: string | null }[] | undefined): ResolvedRecipient[] {
    const auto = this.resolve(lines);
    if (!chosen) return auto;
    return auto.map((r, i) => {
      const same = (c: { text: string } | undefined) => c?.text.normalize('NFC').trim() === r.text;
      // the same position (the list the form showed), else the same printed line
      const pick = same(chosen[i]) ? chosen[i] : chosen.find(same);
      if (r.copyOnly || !pick) return r;
      if (pick.organId === null) return { ...r, organId: null, name: null };
      const a = this.byId.get(pick.organId);
      if (!a) {
        throw new SohoaError('request.invalid', `Cơ quan đã chọn cho nơi nhận "${r.text}" không có trong danh sách cơ quan. Hãy chọn lại.`, `unknown OrganId ${pick.organId}`);
      }
      return { ...r, organId: a.id, name: a.name };
    });
  }
}
