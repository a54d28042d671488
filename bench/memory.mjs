// Memory of torchlet training: readings after 100, 10 000 and 20 000 MLP steps, each taken after a
// full collection (run with --expose-gc). heapUsed is the JS heap; arrayBuffers the typed-array
// memory outside it; heapTotal what V8 reserved (its young generation grows from 4 to 32 MB under
// allocation-heavy loops, and RSS with it, then levels off). Prints one JSON object.
import { makeMlpStep } from './torchlet.mjs';

const step = makeMlpStep();
const reading = () => {
  globalThis.gc?.();
  const m = process.memoryUsage();
  return {
    rssMB: m.rss / 2 ** 20,
    heapTotalMB: m.heapTotal / 2 ** 20,
    heapUsedMB: m.heapUsed / 2 ** 20,
    arrayBuffersMB: m.arrayBuffers / 2 ** 20,
  };
};
const out = {};
let done = 0;
for (const at of [100, 10000, 20000]) {
  for (; done < at; done++) step();
  out[`after${at}`] = reading();
}
process.stdout.write(JSON.stringify(out));
