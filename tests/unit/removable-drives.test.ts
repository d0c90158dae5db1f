// The USB drives "Xuất ra USB" offers (register/removable-drives.ts): read from a mount table
// (here a file in the kernel's format, over real folders), only writable file systems mounted
// below an export root; a file lands whole under SoDangKy/ and never overwrites an earlier one.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SohoaError } from '../../appliance/errors.js';
import { chooseDrive, listDrives, writeToDrive } from '../../appliance/register/removable-drives.js';

let dir: string;
let table: string;
const esc = (p: string) => p.replace(/ /g, '\\040');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sohoa-drives-'));
  for (const d of ['media/USB KINGSTON', 'media/RO', 'run-media/lan/SANDISK', 'elsewhere']) await mkdir(join(dir, d), { recursive: true });
  table = join(dir, 'mounts');
  await writeFile(table, [
    `/dev/sda1 / ext4 rw,relatime 0 0`,
    `tmpfs ${esc(join(dir, 'media'))} tmpfs rw 0 0`,
    `/dev/sdb1 ${esc(join(dir, 'media/USB KINGSTON'))} vfat rw,nosuid,nodev,uid=998 0 0`,
    `/dev/sdc1 ${esc(join(dir, 'media/RO'))} iso9660 ro,nosuid 0 0`,
    `/dev/sdd1 ${esc(join(dir, 'run-media/lan/SANDISK'))} exfat rw 0 0`,
    `/dev/sde1 ${esc(join(dir, 'elsewhere'))} ext4 rw 0 0`,
    `/dev/sdf1 ${esc(join(dir, 'media/GONE'))} vfat rw 0 0`,
    '',
  ].join('\n'));
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('removable drives', () => {
  it('lists writable file systems mounted below a root: not the root, not read-only, not elsewhere, not a vanished one', async () => {
    const drives = await listDrives([join(dir, 'media'), join(dir, 'run-media')], table);
    expect(drives.map((d) => [d.path, d.label])).toEqual([
      [join(dir, 'media/USB KINGSTON'), 'USB KINGSTON'],
      [join(dir, 'run-media/lan/SANDISK'), 'SANDISK'],
    ]);
    expect(drives[0]!.freeMB).toBeGreaterThan(0);
    expect(await listDrives([join(dir, 'nothing')], table)).toEqual([]);
  });

  it('chooses the only drive, refuses a path that is not one of them, asks when there are several', async () => {
    const one = await chooseDrive([join(dir, 'run-media')], undefined, table);
    expect(one.label).toBe('SANDISK');
    await expect(chooseDrive([join(dir, 'media'), join(dir, 'run-media')], undefined, table)).rejects.toMatchObject({ code: 'request.invalid' });
    for (const bad of [join(dir, 'elsewhere'), join(dir, 'media'), '/etc']) {
      await expect(chooseDrive([join(dir, 'media')], bad, table)).rejects.toMatchObject({ code: 'export.no-drive' });
    }
    const none = await chooseDrive([join(dir, 'nothing')], undefined, table).catch((e: unknown) => e);
    expect(none).toBeInstanceOf(SohoaError);
    expect((none as SohoaError).vi).toContain('Chưa thấy ổ USB nào');
  });

  it('writes under SoDangKy/, a second file of the same name beside it, no temporary file left', async () => {
    const drive = await chooseDrive([join(dir, 'run-media')], undefined, table);
    expect(await writeToDrive(drive, 'so-den_dau_nay.csv', Buffer.from('a'))).toBe('SoDangKy/so-den_dau_nay.csv');
    expect(await writeToDrive(drive, 'so-den_dau_nay.csv', Buffer.from('b'))).toBe('SoDangKy/so-den_dau_nay-2.csv');
    const folder = join(drive.path, 'SoDangKy');
    expect((await readdir(folder)).sort()).toEqual(['so-den_dau_nay-2.csv', 'so-den_dau_nay.csv']);
    expect(await readFile(join(folder, 'so-den_dau_nay.csv'), 'utf8')).toBe('a');
    await expect(writeToDrive({ ...drive, freeMB: 0 }, 'x.csv', Buffer.from('c'))).rejects.toMatchObject({ code: 'storage.full' });
  });
});
