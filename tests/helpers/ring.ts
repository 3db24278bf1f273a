/** The 2-D ring of 8 Gaussians the GAN, WGAN and diffusion tests train on: mode coverage and test noise. */

/** Share of samples within 0.5 of each of the 8 ring modes (2·(cos 45°k, sin 45°k)), and of any mode. */
export function modeCoverage(points: Float32Array): { perMode: number[]; near: number } {
  const n = points.length / 2;
  const counts = new Array<number>(8).fill(0);
  let near = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 8; k++) {
      const a = (k * Math.PI) / 4;
      if (Math.hypot(points[2 * i]! - 2 * Math.cos(a), points[2 * i + 1]! - 2 * Math.sin(a)) < 0.5) {
        counts[k]!++;
        near++;
        break;
      }
    }
  }
  return { perMode: counts.map((c) => c / n), near: near / n };
}

/** Fixed, roughly normal test data: Box–Muller on a small LCG. */
export function normals(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  return Float32Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
}
