import { loadSpec } from '../spec.js';
import type { Emitter } from '../protocol/emitter.js';

export async function runSpec(emitter: Emitter): Promise<void> {
  await emitter.emit({ type: 'SPEC', spec: loadSpec() });
}
