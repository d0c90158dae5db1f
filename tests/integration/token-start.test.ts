import { afterEach, describe, expect, it } from 'vitest';
import { Pkcs11Token } from '../../drivers/token/pkcs11-token.js';
import { provisionDevToken } from '../helpers/dev-token.js';

// The service tells systemd READY=1 once startAppliance resolves; what the desk shows then about the
// token must be the token's real state, so start() waits for the worker's first report.

let token: Pkcs11Token | undefined;
afterEach(async () => {
  await token?.close();
  token = undefined;
});

describe('Pkcs11Token.start()', () => {
  it('resolves with the token state already reported by the worker', async () => {
    const dev = await provisionDevToken();
    token = new Pkcs11Token({ module: dev.module, env: dev.env, label: dev.label });
    await token.start();
    expect(token.state()).toMatchObject({ present: true, label: 'SOHOA DEV', loggedIn: false, error: null });
  });

  it('resolves with the failure reported when the module cannot be loaded', async () => {
    token = new Pkcs11Token({ module: '/nonexistent/libpkcs11-missing.so' });
    await token.start();
    expect(token.state().present).toBe(false);
    expect(token.state().error).not.toBeNull();
  });
});
