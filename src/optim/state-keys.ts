/**
 * PyTorch's state dicts spell group options in snake_case (`weight_decay`, `initial_lr`); the
 * optimizers here keep them in camelCase. These two convert one key between the spellings.
 */

/** `weightDecay` → `weight_decay`; `lr`, `betas` unchanged. */
export function toSnakeKey(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** `weight_decay` → `weightDecay`; `lr`, `betas` unchanged. */
export function toCamelKey(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** PyTorch group options that only select an implementation; dropped when a state dict loads. */
export const IMPLEMENTATION_KEYS: ReadonlySet<string> = new Set([
  'foreach',
  'capturable',
  'differentiable',
  'fused',
]);
