import { Tensor } from '../tensor/tensor.js';
import { firstGradient, gatherGradient } from '../tensor/kernels/wasm-storage.js';
import { inArena, listArenaArrays, releaseToArena } from '../tensor/kernels/arena.js';
import { storagesMade, storagesMadeBy, type Storage } from '../tensor/storage.js';
import { formatShape, sameShape } from '../tensor/shape.js';
import { sumToShape } from '../ops/reduce.js';
import { enableGrad, noGrad } from './grad-mode.js';
import { checkOptions } from '../tensor/options.js';
import type { Node } from './node.js';

/**
 * Options of `Tensor.backward` (and the autograd engine), as PyTorch's `retain_graph` and
 * `create_graph`.
 */
export interface BackwardOptions {
  /** Keep the saved tensors so the graph can be walked again. Defaults to `createGraph`. */
  retainGraph?: boolean;
  /**
   * Record the backward pass itself so the gradients can be differentiated again (second
   * derivatives). Default `false`.
   */
  createGraph?: boolean;
}

/** Nodes reachable from `root`, each after every node that consumes its output. */
function topologicalOrder(root: Node): Node[] {
  const order: Node[] = [];
  const visited = new Set<Node>([root]);
  const stack: Array<{ node: Node; next: number }> = [{ node: root, next: 0 }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    const inputs = frame.node.inputNodes;
    if (frame.next < inputs.length) {
      const child = inputs[frame.next++];
      if (child && !visited.has(child)) {
        visited.add(child);
        stack.push({ node: child, next: 0 });
      }
    } else {
      order.push(frame.node);
      stack.pop();
    }
  }
  return order.reverse();
}

function runHooks(
  hooks: readonly ((g: Tensor) => Tensor | void | undefined)[],
  grad: Tensor,
): Tensor {
  let g = grad;
  for (const hook of hooks) {
    const replaced = hook(g);
    if (replaced !== undefined) {
      if (!sameShape(replaced.shape, g.shape)) {
        throw new RangeError(
          `hook returned a gradient of shape ${formatShape(replaced.shape)}, expected ${formatShape(g.shape)}`,
        );
      }
      g = replaced;
    }
  }
  return g;
}

/**
 * Adds `grad` into `tensor.grad`: the first time `grad` itself when `adopt` (nothing else can see
 * it) or a copy, in place afterwards (out of place when recording).
 */
function accumulate(tensor: Tensor, grad: Tensor, createGraph: boolean, adopt = false): void {
  const current = tensor.grad;
  if (current === null) {
    if (createGraph) tensor._setGradUnchecked(grad);
    else {
      // A leaf's first gradient is placed where it can stay (see firstGradient) unless it is
      // already in the arena and may be taken as it is.
      const first = firstGradient(tensor);
      const take = adopt && (!first || inArena(grad._storage.data));
      tensor._setGradUnchecked(take ? grad : gradientCopy(grad, first));
    }
  } else if (createGraph) tensor._setGradUnchecked(current.add(grad));
  else noGrad(() => current.add_(grad));
}

/**
 * Whether `g` may become a leaf's gradient as it is: made during this pass (so neither the seed
 * nor anything a user or the graph holds), the only tensor on its memory, not saved for a backward
 * pass, and covering its whole storage in row-major order.
 */
function ownedByEngine(g: Tensor, passStart: number): boolean {
  const s = g._storage;
  return (
    s.birth >= passStart &&
    s.users === 1 &&
    !s.pinned &&
    !s.released &&
    g.offset === 0 &&
    g.isContiguous() &&
    g.numel() === s.data.length
  );
}

/** Whether `d`'s memory overlaps any of `tensors`' (a storage made on another one's array). */
function overlapsAny(d: Float32Array, tensors: Iterable<Tensor>): boolean {
  for (const t of tensors) {
    const e = t._storage.data;
    if (
      e.buffer === d.buffer &&
      e.byteOffset < d.byteOffset + d.byteLength &&
      d.byteOffset < e.byteOffset + e.byteLength
    )
      return true;
  }
  return false;
}

/** A gradient's own copy for `leaf.grad` (see gatherGradient). */
function gradientCopy(grad: Tensor, first: boolean): Tensor {
  return Tensor._fromData(gatherGradient(grad, first), grad.shape);
}

/** Reverse-mode differentiation from `root`: one topological sort, one reverse loop. */
export function runBackward(
  root: Tensor,
  gradient: Tensor | undefined,
  rawOptions?: BackwardOptions,
): void {
  const options = checkOptions<BackwardOptions>('backward', rawOptions, {
    retainGraph: 'boolean',
    createGraph: 'boolean',
  });
  const createGraph = options.createGraph ?? false;
  const retainGraph = options.retainGraph ?? createGraph;
  if (!root.requiresGrad) {
    throw new Error('element 0 of tensors does not require grad and does not have a grad_fn');
  }
  let seed: Tensor;
  if (gradient === undefined) {
    if (root.numel() !== 1)
      throw new Error('grad can be implicitly created only for scalar outputs');
    seed = root.detach().onesLike();
  } else {
    if (!sameShape(gradient.shape, root.shape)) {
      throw new RangeError(
        `Mismatch in shape: grad_output[0] has a shape of ${formatShape(gradient.shape)} and ` +
          `output[0] has a shape of ${formatShape(root.shape)}.`,
      );
    }
    seed = gradient;
  }

  const pass = () => {
    const leafGrads = new Map<Tensor, Tensor>();
    // Gradients made during this pass that nothing but the engine has seen may become a leaf's
    // .grad as they are, written once (PyTorch steals a gradient nobody else holds). A hook could
    // have kept one, so after any hook ran every first gradient is copied.
    const passStart = storagesMade();
    let hooksRan = false;
    // A gradient the engine made and has consumed goes back to the arena at once (PyTorch frees
    // it when its last reference goes), so the next op's output reuses its memory instead of
    // faulting in fresh pages: counted while the pending maps or the loop below hold it, given
    // back at zero unless anything else could see it (a hook, a recorded graph, a view).
    const holds = new Map<Tensor, number>();
    // Only arena memory handed out during this pass goes back (nothing from before it, such as a
    // parameter or a saved activation, can be reached through it), and never memory a gradient
    // still held lies in. A plain array is left to the collector: crediting the arena for it (as
    // Tensor.dispose() does) would let every pass fault in fresh pages for temporaries a
    // synchronous loop never gives back.
    const fresh = new Set<Float32Array>();
    listArenaArrays(fresh);
    const giveBack = (s: Storage, also: readonly Tensor[] = []): void => {
      const d = s.data;
      const dead =
        !createGraph &&
        !hooksRan &&
        fresh.has(d) &&
        !overlapsAny(d, holds.keys()) &&
        !overlapsAny(d, also);
      if (dead) releaseToArena(s.release());
    };
    const hold = (t: Tensor): void => void holds.set(t, (holds.get(t) ?? 0) + 1);
    const drop = (t: Tensor): void => {
      const n = holds.get(t)! - 1;
      if (n > 0) holds.set(t, n);
      else {
        holds.delete(t);
        if (ownedByEngine(t, passStart)) giveBack(t._storage);
      }
    };
    const addPending = <K>(map: Map<K, Tensor>, key: K, grad: Tensor): void => {
      const prev = map.get(key);
      const sum = prev === undefined ? grad : prev.add(grad);
      map.set(key, sum);
      hold(sum);
      if (prev !== undefined) drop(prev);
    };
    const rootNode = root.gradFn;
    if (rootNode === null) {
      leafGrads.set(root, seed);
    } else {
      const pending = new Map<Node, Tensor>([[rootNode, seed]]);
      hold(seed);
      for (const node of topologicalOrder(rootNode)) {
        const incoming = pending.get(node);
        pending.delete(node);
        if (incoming === undefined) continue;
        if (node.hooks.length > 0) hooksRan = true;
        const grad = runHooks(node.hooks, incoming);
        if (node.retained) accumulate(node.retained, grad, createGraph);
        const [inputGrads, formulaStorages] = storagesMadeBy(() => node.apply(grad));
        if (!retainGraph) node.release();
        const made = inputGrads.filter((g): g is Tensor => g !== null && g !== undefined);
        // The formula's own temporaries (e.g. sigmoid's 1 − y and (1 − y)·y) are dead now.
        const kept = new Set(made.map((g) => g._storage));
        for (const s of formulaStorages)
          if (!kept.has(s) && s.users === 1 && !s.pinned && !s.released) giveBack(s, made);
        made.forEach(hold);
        node.inputs.forEach((input, i) => {
          const g = inputGrads[i];
          if (!input || !g) return;
          // Broadcasting is undone here, in one place, for every op.
          const reduced = sumToShape(g, input.shape);
          const producer = node.inputNodes[i];
          if (producer) addPending(pending, producer, reduced);
          else addPending(leafGrads, input, reduced);
        });
        made.forEach(drop);
        drop(incoming);
      }
    }
    const adopted = new Set<Tensor>();
    for (const [leaf, grad] of leafGrads) {
      if (leaf._hooks.length > 0) hooksRan = true;
      const g = runHooks(leaf._hooks, grad);
      const adopt = !hooksRan && !adopted.has(g) && ownedByEngine(g, passStart);
      if (adopt) adopted.add(g);
      accumulate(leaf, g, createGraph, adopt);
      if (!adopted.has(grad) && holds.has(grad)) drop(grad);
    }
  };
  const outer = listArenaArrays(null);
  try {
    if (createGraph) enableGrad(pass);
    else noGrad(pass);
  } finally {
    listArenaArrays(outer);
  }
}
