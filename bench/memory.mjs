// Peak memory of torchlet training: RSS and heap after 100 and after 10 000 MLP steps (run with
// --expose-gc so both readings are taken after a full collection). Prints one JSON object.
import { makeMlpStep } from './torchlet.mjs';

const step = makeMlpStep();
const reading = () => {
  globalThis.gc?.();
  const m = process.memoryUsage();
  return { rssMB: m.rss / 2 ** 20, heapUsedMB: m.heapUsed / 2 ** 20 };
};
for (let i = 0; i < 100; i++) step();
const after100 = reading();
for (let i = 100; i < 10000; i++) step();
const after10000 = reading();
process.stdout.write(JSON.stringify({ after100, after10000 }));
