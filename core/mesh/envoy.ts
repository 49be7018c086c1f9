// Envoy's priority-level arithmetic (load_balancer_impl.cc, recalculatePerPriorityState / distributeLoad):
// integer health percentages with the overprovisioning factor, then load poured from priority 0 down.

/**
 * Health of one priority level in whole percent: min(100, factor × healthy / total), truncated to an
 * integer as Envoy's uint32 arithmetic does (overprovisioning_factor is an integer percentage, 140 by
 * default). A level with no hosts has health 0.
 */
export function priorityHealth(healthy: number, total: number, overprovisioningFactor = 1.4): number {
  if (total <= 0) return 0;
  const factorPercent = Math.round(overprovisioningFactor * 100);
  return Math.min(100, Math.floor((factorPercent * healthy) / total));
}

/**
 * Per-priority load in whole percent (sums to 100), Envoy's distributeLoad: normalized total health =
 * min(100, Σ health); each level takes min(remaining, health × 100 / normalized) in priority order; a
 * rounding remainder goes to the first level with health > 0. When every level has health 0, Envoy
 * hands the decision to panic mode; DEVIATION: we then send everything to priority 0 (panic routing
 * to unhealthy hosts is not modelled).
 */
export function priorityLoad(health: readonly number[]): number[] {
  const load = health.map(() => 0);
  const sum = health.reduce((a, b) => a + b, 0);
  const normalized = Math.min(100, sum);
  if (normalized === 0) {
    if (load.length) load[0] = 100;
    return load;
  }
  let remaining = 100;
  let first = -1;
  for (let i = 0; i < health.length; i++) {
    const h = health[i]!;
    if (first < 0 && h > 0) first = i;
    const l = Math.min(remaining, Math.floor((h * 100) / normalized));
    load[i] = l;
    remaining -= l;
  }
  if (remaining !== 0 && first >= 0) load[first] = load[first]! + remaining;
  return load;
}

/** Fractions (0..1) of traffic per priority for healthy/total host counts per priority level. */
export function priorityShares(
  levels: readonly { healthy: number; total: number }[],
  overprovisioningFactor = 1.4,
): number[] {
  const health = levels.map((l) => priorityHealth(l.healthy, l.total, overprovisioningFactor));
  return priorityLoad(health).map((p) => p / 100);
}
