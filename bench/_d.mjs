import { readFileSync } from 'node:fs';
import fg from 'fast-glob';
import { decodeCandidates } from '../dist/detect/decode.js';
const dir='/tmp/secret-sweep-bench/corpus';
const files = fg.sync('**', { cwd: dir, onlyFiles: true }).sort().slice(0, 6000);
const texts = files.map(f => [f, readFileSync(`${dir}/${f}`, 'utf8')]);
const size = texts.reduce((a, [, t]) => a + t.length, 0);
let t0 = performance.now(); let n = 0; const slow = [];
for (const [f, t] of texts) { const a = performance.now(); n += decodeCandidates(t).length; const d = performance.now() - a; if (d > 20) slow.push([d.toFixed(0), f, t.length]); }
console.log((size/1048576).toFixed(0), 'MB', n, 'candidates', ((performance.now()-t0)).toFixed(0), 'ms'); console.log(slow.slice(0,10));
const B64_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') B64_CHAR[c.charCodeAt(0)] = 1;
t0 = performance.now(); let runs=0;
for (const [, text] of texts) { const n=text.length; let i=0; while(i<n){ const c=text.charCodeAt(i); if(c>=128||B64_CHAR[c]!==1){i++;continue;} while(i<n){const d=text.charCodeAt(i); if(d>=128||B64_CHAR[d]!==1)break; i++;} runs++; i++; } }
console.log('loop only', (performance.now()-t0).toFixed(0),'ms', runs);
t0 = performance.now(); let k=0;
for (const [, text] of texts) { if (text.includes('Secret') && /^kind:\s*["']?Secret["']?\s*$/m.test(text)) k++; if (text.includes('asic ')) k++; if (text.includes('"auth"')) k++; for (let p = text.indexOf('%'); p !== -1; p = text.indexOf('%', p + 1)) k++; for (const nd of ['\\/','\\u00']) for (let p = text.indexOf(nd); p !== -1; p = text.indexOf(nd, p + 2)) k++; }
console.log('gates', (performance.now()-t0).toFixed(0),'ms', k);
