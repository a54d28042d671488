/**
 * Checkpoints: PyTorch's `torch.save` / `torch.load` zip format (state dicts move both ways) and
 * safetensors.
 *
 * @module torchlet/serialization
 */
export { load, save } from './torch-format.js';
export type { LoadedValue, SaveableValue } from './torch-format.js';
/**
 * The safetensors format (`safetensors.torch`): `save(tensors, metadata?)` to bytes and
 * `load(bytes)` back to named tensors, interchangeable with Python's `safetensors` package.
 */
export * as safetensors from './safetensors.js';
