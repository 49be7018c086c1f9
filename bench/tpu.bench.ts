// Benchmark of the TPU pod lab (core/tpu): availability Monte Carlo trials/s (all 7 slice sizes, static and
// OCS rules per trial) on the CPU and, when Node has a WebGPU adapter, on the GPU kernel (same counts
// required), and the pod simulator's simulated days/s for both designs. Prints checksums too, so a run
// doubles as a determinism check. Run: npx tsx bench/tpu.bench.ts (VK_ICD_FILENAMES names the Vulkan driver).
import { nodeWebGpuBackend } from '../cli/gpu';
import { isSoftwareAdapter } from '../core/compute/backend';
import { Rng } from '../core/kernel/rng';
import { estimateAvailability } from '../core/tpu/availability';
import { SHAPE_BY_SIZE, SLICE_SIZES } from '../core/tpu/slices';
import { PodSim } from '../core/tpu/pod';
import type { Design } from '../core/tpu/pod';
import { sampleFailures, sampleJobs } from '../core/tpu/failures';
import { defaultRates, testPodConfig } from '../core/tpu/testConfig';

const shapes = SLICE_SIZES.map((s) => SHAPE_BY_SIZE[s]!);

async function monteCarlo(trials: number, host: number): Promise<void> {
  await estimateAvailability(new Rng(99), host, shapes, 2000); // warm-up (JIT)
  const t0 = performance.now();
  const est = await estimateAvailability(new Rng(1), host, shapes, trials);
  const s = (performance.now() - t0) / 1000;
  const checksum = est.staticAvail.concat(est.ocsAvail).reduce((a, b) => a + b, 0);
  console.log(
    `availability Monte Carlo, host ${host}: ${trials} trials in ${s.toFixed(3)} s = ${Math.round(trials / s).toLocaleString('en-US')} trials/s ` +
      `(7 sizes x 2 rules each; checksum ${checksum.toFixed(6)})`,
  );
}

/** The same Monte Carlo on the WebGPU kernel (one launch per run): trials/s, speed-up, and equal counts. */
async function monteCarloGpu(host: number): Promise<void> {
  const made = await nodeWebGpuBackend();
  if (!made.backend) {
    console.log(`availability Monte Carlo on WebGPU: skipped (${made.reason})`);
    return;
  }
  const b = made.backend;
  // A software GPU (SwiftShader) is slow: it gets small runs, and its figures say nothing about GPUs.
  const software = isSoftwareAdapter(b.adapter);
  if (software) console.log(`(${b.adapter} is a software rasterizer: figures below are not GPU figures)`);
  for (const trials of software ? [5_000, 50_000] : [100_000, 1_000_000, 10_000_000]) {
    const t0 = performance.now();
    const cpu = await estimateAvailability(new Rng(1), host, shapes, trials);
    const cpuS = (performance.now() - t0) / 1000;
    const gpu = await estimateAvailability(new Rng(1), host, shapes, trials, undefined, b);
    const gpuS = (gpu.ms ?? 0) / 1000;
    const same =
      JSON.stringify([cpu.staticHits, cpu.ocsHits]) === JSON.stringify([gpu.staticHits, gpu.ocsHits]);
    console.log(
      `availability Monte Carlo on ${b.adapter}, host ${host}: ${trials} trials in ${gpuS.toFixed(3)} s ` +
        `(submit to read-back) = ${Math.round(trials / gpuS).toLocaleString('en-US')} trials/s; CPU ${cpuS.toFixed(3)} s; ` +
        `GPU/CPU speed ${(cpuS / gpuS).toFixed(2)}x; counts ${same ? 'identical' : 'DIFFER'}`,
    );
  }
  b.dispose();
}

async function podSim(design: Design, days: number): Promise<void> {
  const horizonH = days * 24;
  const rng = new Rng(1);
  const jobs = sampleJobs(
    rng.fork('jobs'),
    {
      sizes: [64, 128, 256, 512, 1024, 2048],
      weights: [35, 25, 20, 10, 6, 4],
      meanHours: 8,
      highPriorityFraction: 0.3,
      load: 0.8,
    },
    horizonH,
  );
  const failures = sampleFailures(rng.fork('failures'), defaultRates(), horizonH);
  const t0 = performance.now();
  const stats = await new PodSim(testPodConfig(design, horizonH), jobs, failures).run();
  const s = (performance.now() - t0) / 1000;
  console.log(
    `pod simulation, ${design} pod: ${days} days (${jobs.length} jobs, ${failures.length} failures) in ${s.toFixed(3)} s = ` +
      `${(days / s).toFixed(1)} simulated days/s (checksum: useful ${stats.usefulChipHours.toFixed(3)} chip-h, ${stats.xconnects} xconnects)`,
  );
}

await monteCarlo(100_000, 0.99);
await monteCarlo(100_000, 0.9);
await monteCarloGpu(0.99);
await podSim('ocs', 365);
await podSim('static', 365);
