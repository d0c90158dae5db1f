import { parentPort, workerData } from 'node:worker_threads';
import { toErrorInfo } from '../../appliance/errors.js';
import { Cryptoki } from './cryptoki.js';
import type { FromWorker, Request, ToWorker, WorkerOptions } from './protocol.js';

// The token worker thread: pkcs11js is synchronous, so every PKCS#11 call runs here and the
// appliance's event loop never waits on the token. Requests are answered in order; between them
// a timer checks presence and reports state changes.

const opts = workerData as WorkerOptions;
const port = parentPort!;
const ck = new Cryptoki(opts);
let lastState = '';

function post(msg: FromWorker): void {
  port.postMessage(msg);
}

function publishState(): void {
  const state = ck.poll();
  const json = JSON.stringify(state);
  if (json !== lastState) {
    lastState = json;
    post({ kind: 'state', state, info: ck.selected() });
  }
}

function handle(req: Request): unknown {
  switch (req.op) {
    case 'list': return ck.list();
    case 'login': ck.login(req.pin); return null; // the bytes now belong to ck: held or wiped there
    case 'logout': ck.logout(); return null;
    case 'certificate': return ck.certificate();
    case 'mechanisms': return ck.mechanisms();
    case 'sign': return ck.sign(req.data, req.mechanism);
    case 'calls': return { ...ck.calls };
    case 'close': ck.close(); return null;
  }
}

const timer = setInterval(publishState, opts.pollMs);

port.on('message', ({ id, req }: ToWorker) => {
  let reply: FromWorker;
  try {
    reply = { kind: 'reply', id, ok: true, value: handle(req) };
  } catch (err) {
    reply = { kind: 'reply', id, ok: false, error: toErrorInfo(err) };
  }
  if (req.op === 'close') {
    clearInterval(timer);
    post(reply);
    port.close();
    return;
  }
  publishState(); // before the reply, so the caller sees the state its call produced
  post(reply);
});

publishState();
