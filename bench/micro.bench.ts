// Benchmark of the microservice lab (core/micro): compiling generated Alibaba-shaped specs (text → IR →
// model; Blueprint took ~12 minutes for ~3000 services, the goal here is well under a second) and the
// simulator's speed in events/s and µs per simulated call (what SIM_UNIT_US in core/micro/scenario.ts states).
// Run: npm run bench -- micro
import { Rng } from '../core/kernel/rng';
import { socialNetwork, withPolicy } from '../core/micro/apps';
import { compileText } from '../core/micro/compile';
import { alibabaSpec } from '../core/micro/generate';
import { capacityRps, compileBuilt, simulatedCalls } from '../core/micro/scenario';
import { simulate } from '../core/micro/sim';
import { formatSpec } from '../core/micro/spec';

for (const services of [300, 3000, 20_000]) {
  const text = formatSpec(alibabaSpec(services, new Rng(1)));
  compileText(text); // warm up
  const t0 = performance.now();
  const { ir } = compileText(text);
  const ms = performance.now() - t0;
  console.log(
    `compile ${services} services (${text.split('\n').length} spec lines): ${ms.toFixed(0)} ms → IR ${ir.nodes.length} nodes, ${ir.edges.length} edges`,
  );
}

for (const policy of ['no-retry', 'retry'] as const) {
  const { model } = compileBuilt(withPolicy(socialNetwork(), policy));
  const w = { rps: 0.6 * capacityRps(model), durationS: 30, spike: { atS: 10, forS: 5, factor: 2 } };
  const t0 = performance.now();
  const r = simulate(model, w, new Rng(1));
  const ms = performance.now() - t0;
  const calls = r.callCounts.flat().reduce((a, b) => a + b, 0) + r.totals.attempts;
  console.log(
    `simulate social network, ${policy}, 30 s at ${w.rps.toFixed(0)} req/s with a 2x spike: ${ms.toFixed(0)} ms, ` +
      `${r.events} events (${(((r.events / ms) * 1000) / 1e6).toFixed(2)} M events/s), ${calls} calls ` +
      `(${((ms * 1000) / calls).toFixed(2)} µs per call; declared bound ${simulatedCalls(model, w, policy === 'retry' ? 4 : 1)} calls), checksum ${r.totals.succeeded}`,
  );
}
