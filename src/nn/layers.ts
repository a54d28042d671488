/** Layers: Linear, activations, Sequential, losses. */
import { noGrad } from '../autograd/grad-mode.js';
import { Tensor, describe } from '../tensor/tensor.js';
import { empty } from '../tensor/creation.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from './init.js';
import {
  checkReduction,
  l1Loss,
  linear,
  mseLoss,
  relu,
  sigmoid,
  tanh,
  type Reduction,
} from './functional.js';

function checkFeatures(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new TypeError(`Linear: ${name} must be a non-negative integer, got ${describe(value)}`);
  }
  return value;
}

/** y = x Wᵀ + b, with weight `[out, in]` and bias `[out]`, initialised as PyTorch's reset_parameters. */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, options: { bias?: boolean } = {}) {
    super();
    this.inFeatures = checkFeatures(inFeatures, 'in_features');
    this.outFeatures = checkFeatures(outFeatures, 'out_features');
    this.weight = new Parameter(empty(outFeatures, inFeatures));
    this.bias = options.bias === false ? null : new Parameter(empty(outFeatures));
    this.resetParameters();
  }

  /** kaiming_uniform_(a = √5) on the weight, then U(-1/√fan_in, 1/√fan_in) on the bias: weight drawn first. */
  resetParameters(): void {
    noGrad(() => {
      kaimingUniform_(this.weight, { a: Math.sqrt(5) });
      if (this.bias !== null) {
        const [fanIn] = calculateFanInAndFanOut(this.weight);
        const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
        uniform_(this.bias, -bound, bound);
      }
    });
  }

  forward(input: Tensor): Tensor {
    return linear(input, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias !== null ? 'True' : 'False'}`;
  }
}

export class ReLU extends Module {
  forward(input: Tensor): Tensor {
    return relu(input);
  }
}

export class Tanh extends Module {
  forward(input: Tensor): Tensor {
    return tanh(input);
  }
}

export class Sigmoid extends Module {
  forward(input: Tensor): Tensor {
    return sigmoid(input);
  }
}

export class Identity extends Module {
  forward(input: Tensor): Tensor {
    return input;
  }
}

/** Runs its modules in order, each on the previous one's output. */
export class Sequential extends Module {
  constructor(...modules: Module[]) {
    super();
    modules.forEach((m, i) => {
      if (!(m instanceof Module))
        throw new TypeError(`Sequential: argument ${i} is ${describe(m)}, not a Module`);
      this.registerModule(String(i), m);
    });
  }

  get length(): number {
    return this._modules.size;
  }

  /** The i-th module (negative counts from the end). */
  get(index: number): Module {
    const list = [...this._modules.values()];
    const i = index < 0 ? index + list.length : index;
    const m = list[i];
    if (!Number.isInteger(index) || m === undefined || m === null) {
      throw new RangeError(`Sequential: index ${index} is out of range for ${list.length} modules`);
    }
    return m;
  }

  append(module: Module): this {
    this.registerModule(String(this._modules.size), module);
    return this;
  }

  *[Symbol.iterator](): Iterator<Module> {
    for (const m of this._modules.values()) if (m) yield m;
  }

  forward(input: Tensor): Tensor {
    let x = input;
    for (const m of this._modules.values()) if (m) x = m.forward(x);
    return x;
  }
}

abstract class Loss extends Module {
  readonly reduction: Reduction;
  constructor(options: { reduction?: Reduction } = {}) {
    super();
    this.reduction = checkReduction(options.reduction ?? 'mean');
  }
  abstract override forward(input: Tensor, target: Tensor): Tensor;
}

export class MSELoss extends Loss {
  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

export class L1Loss extends Loss {
  forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, { reduction: this.reduction });
  }
}
