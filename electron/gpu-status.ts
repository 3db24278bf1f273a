/**
 * Train › GPU and WebGPU Status…: what the GPU process reports (app.getGPUFeatureStatus and
 * app.getGPUInfo('basic')), in words. It says whether WebGPU is on and whether it runs on hardware or on
 * SwiftShader, the CPU emulation, where training on the CPU backend is faster (RUNTIME-NOTES.md).
 */
const VENDORS: Readonly<Record<number, string>> = {
  0x10de: 'NVIDIA',
  0x1002: 'AMD',
  0x1022: 'AMD',
  0x8086: 'Intel',
  0x106b: 'Apple',
  0x5143: 'Qualcomm',
  0x13b5: 'Arm',
  0x1ae0: 'Google',
  0x15ad: 'VMware',
  0x1af4: 'Virtio',
  0x1414: 'Microsoft',
};

const SWIFTSHADER = { vendorId: 0x1ae0, deviceId: 0xc0de };

interface GpuDevice {
  readonly vendorId: number;
  readonly deviceId: number;
  readonly active: boolean;
  readonly driverVendor?: string;
  readonly driverVersion?: string;
  readonly deviceString?: string;
}

function devicesOf(info: unknown): GpuDevice[] {
  if (typeof info !== 'object' || info === null) return [];
  const list = (info as { gpuDevice?: unknown }).gpuDevice;
  if (!Array.isArray(list)) return [];
  return list.flatMap((d): GpuDevice[] => {
    if (typeof d !== 'object' || d === null) return [];
    const r = d as Record<string, unknown>;
    if (typeof r.vendorId !== 'number' || typeof r.deviceId !== 'number') return [];
    return [
      {
        vendorId: r.vendorId,
        deviceId: r.deviceId,
        active: r.active === true,
        ...(typeof r.driverVendor === 'string' ? { driverVendor: r.driverVendor } : {}),
        ...(typeof r.driverVersion === 'string' ? { driverVersion: r.driverVersion } : {}),
        ...(typeof r.deviceString === 'string' ? { deviceString: r.deviceString } : {}),
      },
    ];
  });
}

const hex = (n: number) => `0x${n.toString(16).padStart(4, '0')}`;

const STATUS_WORDS: Readonly<Record<string, string>> = {
  enabled: 'on (hardware accelerated)',
  enabled_on: 'on (hardware accelerated)',
  enabled_force: 'on (forced)',
  enabled_readback: 'on, with readback',
  disabled_software: 'software only',
  disabled_off: 'off',
  disabled_off_ok: 'off',
  unavailable_software: 'unavailable (software only)',
  unavailable_off: 'unavailable',
  unavailable_off_ok: 'unavailable',
};

export function describeGpuStatus(featureStatus: Readonly<Record<string, string>>, info: unknown): { message: string; detail: string } {
  const devices = devicesOf(info);
  const software = devices.some((d) => d.vendorId === SWIFTSHADER.vendorId && d.deviceId === SWIFTSHADER.deviceId);
  const webgpu = featureStatus.webgpu;
  const lines: string[] = [];
  lines.push(`WebGPU: ${webgpu === undefined ? 'not reported by this Chromium' : (STATUS_WORDS[webgpu] ?? webgpu)}`);
  lines.push(`WebGL: ${STATUS_WORDS[featureStatus.webgl ?? ''] ?? featureStatus.webgl ?? 'not reported'}`);
  if (devices.length === 0) lines.push('GPU: none reported');
  for (const d of devices) {
    const vendor = VENDORS[d.vendorId] ?? `vendor ${hex(d.vendorId)}`;
    const name = d.deviceString && d.deviceString !== '' ? d.deviceString : `device ${hex(d.deviceId)}`;
    const driver = d.driverVendor || d.driverVersion ? `, driver ${[d.driverVendor, d.driverVersion].filter(Boolean).join(' ')}` : '';
    lines.push(`GPU: ${vendor} ${name}${d.active ? ' (active)' : ''}${driver}`);
  }
  const message = software
    ? 'WebGPU runs on SwiftShader, a CPU emulation: training on the native CPU backend is faster here.'
    : webgpu !== undefined && webgpu.startsWith('enabled')
      ? 'WebGPU is available for training on the GPU.'
      : 'WebGPU is not available: training runs on the CPU.';
  return { message, detail: lines.join('\n') };
}
