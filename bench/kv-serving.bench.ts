// Benchmark of the serving simulator (core/kv/serving): the 1-hour ShareGPT trace at 2 req/s on OPT-13B /
// A100-40GB under vllm (the speed goal: under 5 s on 2 cores), its simulated tokens per second, and
// the Orca baselines on the same trace. Prints figures and a checksum (determinism). Run: npx tsx bench/kv-serving.bench.ts
import { Rng } from '../core/kernel/rng';
import { SETUPS } from '../core/kv/cost';
import { simulate } from '../core/kv/serving/simulator';
import type { Policy } from '../core/kv/serving/simulator';
import { generateWorkload } from '../core/kv/workloads';

async function main(): Promise<void> {
  const rng = new Rng(1).fork('workload-sharegpt');
  const t0 = performance.now();
  const requests = generateWorkload(rng, 'sharegpt', 2, 3600);
  const genMs = performance.now() - t0;
  console.log(`workload: ${requests.length} ShareGPT-like requests in ${genMs.toFixed(0)} ms`);
  const policies: Policy[] = ['vllm', 'vllm-v1', 'orca-oracle', 'orca-pow2', 'orca-max'];
  let baseline = 0;
  for (const policy of policies) {
    const start = performance.now();
    const r = await simulate(requests, {
      setup: SETUPS['opt-13b'],
      blockSize: 16,
      policy,
      preemption: 'recompute',
      sampling: { kind: 'single' },
    });
    const s = (performance.now() - start) / 1000;
    if (policy === 'vllm') baseline = s;
    const tokens = r.generatedTokens + r.promptTokens;
    const checksum = (r.iterations * 31 + r.preemptions * 7 + r.generatedTokens) >>> 0;
    console.log(
      `${policy.padEnd(12)} ${s.toFixed(2)} s wall · ${r.iterations} iterations · ` +
        `${(tokens / s / 1e6).toFixed(2)} M simulated tokens/s (prompt+generated) · ` +
        `${(r.iterations / s / 1e3).toFixed(0)} K iterations/s · ×${(s / baseline).toFixed(2)} vs vllm · checksum ${checksum}`,
    );
  }
}

void main();
