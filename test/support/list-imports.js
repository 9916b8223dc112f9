// Loads one module in this (fresh) process and prints, as JSON on stdout, every module URL the
// ESM loader resolved while loading it, builtins included (`node:net`). Run as
//   node --import tsx test/support/list-imports.js <module path>
// test/unit/architecture.test.ts uses it to prove that pure entries pull in no I/O.
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { MessageChannel } from 'node:worker_threads';

const hooks = `
let port;
export function initialize(data) { port = data.port; port.on('message', (m) => { if (m === 'flush') port.postMessage('flushed'); }); }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  port.postMessage(result.url);
  return result;
}`;

const { port1, port2 } = new MessageChannel();
const urls = new Set();
register(`data:text/javascript,${encodeURIComponent(hooks)}`, import.meta.url, {
  data: { port: port2 },
  transferList: [port2],
});
const flushed = new Promise((resolve) => {
  port1.on('message', (m) => (m === 'flushed' ? resolve() : urls.add(m)));
});
await import(pathToFileURL(process.argv[2]).href);
port1.postMessage('flush');
await flushed;
port1.close();
process.stdout.write(JSON.stringify([...urls]));
