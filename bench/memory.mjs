// Memory of one torchlet training loop: readings after 100, 10 000 and 20 000 steps, each taken
// after a full collection (run with --expose-gc; bench/run.mjs starts one child per loop, so each
// loop starts from a fresh process). heapUsed is the live JS heap; arrayBuffers the typed-array
// memory outside it; heapTotal what V8 reserved (its young generation grows from 4 to 32 MB under
// allocation-heavy loops, and RSS with it, then levels off); external the memory outside the JS
// heap that V8 knows of (array buffers and WebAssembly memories: reserved, not necessarily touched);
// rss the whole process.
// Usage: node --expose-gc bench/memory.mjs <loop>   (loop: a key of MEMORY_LOOPS)
// Prints one JSON object: { loop, readings: { 100: {...}, 10000: {...}, 20000: {...} }, msPerStep }.
import { setTimeout as sleep } from 'node:timers/promises';
import { makeMlp784Step, makeMlpStep } from './torchlet.mjs';
import { MEMORY_LOOPS, MEMORY_STEPS } from './workloads.mjs';

const MAKERS = { mlp: makeMlpStep, mlp784: makeMlp784Step };

// Two collections with a turn of the event loop between them: V8 frees array buffers' backing
// stores on a sweeper task after the collection, so one gc() can leave them counted.
const reading = async () => {
  globalThis.gc?.();
  await sleep(20);
  globalThis.gc?.();
  const m = process.memoryUsage();
  return {
    rssMB: m.rss / 2 ** 20,
    heapTotalMB: m.heapTotal / 2 ** 20,
    heapUsedMB: m.heapUsed / 2 ** 20,
    arrayBuffersMB: m.arrayBuffers / 2 ** 20,
    externalMB: m.external / 2 ** 20,
  };
};

async function measure(key) {
  if (!MAKERS[key]) throw new Error(`memory.mjs: unknown loop '${key}'`);
  const step = MAKERS[key]();
  const readings = {};
  let done = 0;
  const t0 = performance.now();
  for (const at of MEMORY_STEPS) {
    for (; done < at; done++) step();
    readings[at] = await reading();
  }
  const msPerStep = (performance.now() - t0) / done;
  return { loop: key, workload: MEMORY_LOOPS[key], readings, msPerStep };
}

process.stdout.write(JSON.stringify(await measure(process.argv[2] ?? 'mlp')));
