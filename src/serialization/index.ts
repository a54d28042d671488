/** Checkpoints: PyTorch's `torch.save`/`torch.load` format and safetensors. */
export { load, save } from './torch-format.js';
export type { LoadedValue, SaveableValue } from './torch-format.js';
export * as safetensors from './safetensors.js';
