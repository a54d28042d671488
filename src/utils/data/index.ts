/**
 * `torch.utils.data`: datasets, samplers and the `DataLoader`, shuffling in PyTorch's order for
 * the same seed.
 *
 * @module torchlet/data
 */
export { TensorDataset } from './dataset.js';
export type { Dataset, DatasetLike } from './dataset.js';
export { DataLoader } from './dataloader.js';
export type { DataLoaderOptions, Batch } from './dataloader.js';
export { SequentialSampler, RandomSampler } from './samplers.js';
export { defaultCollate } from './collate.js';
export { readIdx } from './idx.js';
export type { Collated } from './collate.js';
