// WGSL for decode attention (PagedAttention §4.1), in attention.wgsl: one workgroup per (head, sequence); the
// paged variant gathers K/V through the block table, the contiguous variant reads per-sequence buffers. Same maths.
import attentionWgslBody from './attention.wgsl?raw';
import kvBaseContiguous from './kvBaseContiguous.wgsl?raw';
import kvBasePaged from './kvBasePaged.wgsl?raw';

/** Each thread owns at most this many output dims, so headDim ≤ DIMS_PER_THREAD × workgroup size. */
export const DIMS_PER_THREAD = 4;

export type AttentionVariant = 'paged' | 'contiguous';

/** The attention module for one variant: DPT, that variant's kvBase (the only difference), the shared body. */
export function attentionWgsl(variant: AttentionVariant): string {
  const kvBase = variant === 'paged' ? kvBasePaged : kvBaseContiguous;
  return `const DPT: u32 = ${DIMS_PER_THREAD}u;\n${kvBase}\n${attentionWgslBody}`;
}
