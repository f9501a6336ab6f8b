// Kubernetes resource quantities as numbers, for sums the config and the components make (a pool's share of its
// namespace's ResourceQuota): CPU in millicores, memory in bytes. Accepts what `cpuQuantity` and `memoryQuantity`
// (common.ts) accept, with the suffixes of k8s.io/apimachinery pkg/api/resource (binary Ki…Ti, decimal k…T).

const MEMORY_FACTORS: Record<string, number> = {
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** "500m" → 500, "2" → 2000, "0.5" → 500. */
export function cpuMillis(quantity: string): number {
  return quantity.endsWith("m") ? Math.ceil(Number(quantity.slice(0, -1))) : Math.ceil(Number(quantity) * 1000);
}

/** "512Mi" → 536870912, "1G" → 1e9. */
export function memoryBytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(quantity);
  if (!match) throw new Error(`not a memory quantity: ${quantity}`);
  return Math.ceil(Number(match[1]) * MEMORY_FACTORS[match[2] ?? ""]);
}

/** Millicores as a quantity: whole cores without a suffix ("46"), else millicores ("29500m"). */
export function formatCpu(millis: number): string {
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

/** Bytes as a quantity in the largest binary unit that divides them ("91Gi", "1536Mi"), else plain bytes. */
export function formatMemory(bytes: number): string {
  for (const unit of ["Ti", "Gi", "Mi", "Ki"]) {
    if (bytes % MEMORY_FACTORS[unit] === 0) return `${bytes / MEMORY_FACTORS[unit]}${unit}`;
  }
  return String(bytes);
}
