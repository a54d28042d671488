/** The generated files (WAT text and TypeScript modules with the bytes), by file name. */
export function generate(): Promise<Record<string, string>>;
/** src/tensor/kernels/generated/, where `npm run wasm` writes them. */
export const generatedDir: string;
