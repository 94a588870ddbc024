// The standard normal distribution: density and cumulative distribution to near machine precision (float64).
// The CDF uses W. J. Cody's rational Chebyshev approximations of erfc (Math. Comp. 1969), accurate to ~1e-16.

const SQRT2 = Math.SQRT2
const INV_SQRT_2PI = 0.3989422804014327

export function normalPdf(x: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x)
}

/** erfc(x) for x ≥ 0, Cody's three-range approximation. */
function erfcPositive(x: number): number {
  if (x < 0.5) return 1 - erfSmall(x)
  if (x < 4) {
    const p = [300.4592610201616, 451.9189537118729, 339.3208167343437, 152.9892850469404, 43.16222722205674, 7.211758250883094, 0.564195517478974, -1.368648573827167e-7]
    const q = [300.4592609569833, 790.950925327898, 931.3540948506096, 638.9802644656312, 277.5854447439876, 77.00015293522947, 12.78272731962942, 1]
    let num = p[7]!
    let den = q[7]!
    for (let i = 6; i >= 0; i--) {
      num = num * x + p[i]!
      den = den * x + q[i]!
    }
    return Math.exp(-x * x) * (num / den)
  }
  const p = [-0.002996107077035422, -0.04947309106232507, -0.22695659353968692, -0.2786613086096478, -0.02231924597341847]
  const q = [0.010620923052846792, 0.19130892610782985, 1.051675107067932, 1.9873320181713525, 1]
  const z = 1 / (x * x)
  let num = p[4]!
  let den = q[4]!
  for (let i = 3; i >= 0; i--) {
    num = num * z + p[i]!
    den = den * z + q[i]!
  }
  return (Math.exp(-x * x) / x) * (0.5641895835477563 + z * (num / den))
}

/** erf(x) for |x| < 0.5. */
function erfSmall(x: number): number {
  const p = [3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.18577770618460315]
  const q = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171]
  const z = x * x
  const num = (((p[4]! * z + p[0]!) * z + p[1]!) * z + p[2]!) * z + p[3]!
  const den = (((z + q[0]!) * z + q[1]!) * z + q[2]!) * z + q[3]!
  return (x * num) / den
}

/** P(Z ≤ x) for a standard normal Z. */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN
  if (x === Infinity) return 1
  if (x === -Infinity) return 0
  const z = x / SQRT2
  // Use erfc on the tail side so small probabilities keep their relative precision.
  return z >= 0 ? 1 - 0.5 * erfcPositive(z) : 0.5 * erfcPositive(-z)
}

/** Inverse of normalCdf (Acklam's algorithm with one Halley refinement step). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity
    if (p === 1) return Infinity
    return NaN
  }
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239]
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572]
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783]
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416]
  const low = 0.02425
  let x: number
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p))
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
  } else if (p <= 1 - low) {
    const q = p - 0.5
    const r = q * q
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p))
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
  }
  const e = normalCdf(x) - p
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2)
  return x - u / (1 + (x * u) / 2)
}
