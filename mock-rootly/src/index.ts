/** The mock's public surface, for tests and the benchmark. */
export { generateDataset, type DatasetOptions } from './dataset.js';
export { startMockRootly, type MockRootly } from './server.js';
export type { MockRootlyKnobs, MockRootlyOptions, OrderMode, RequestLogEntry, AuthorizationCheck } from './options.js';
export { FAULT_KINDS, type FaultKind, type FaultRule } from './faults.js';
export { HOSTILE_DEFAULTS, type HostileSizes } from './hostile.js';
export type { RateLimitOptions, RateLimitHeaderStyle } from './rate-limit.js';
export type { AuditsListDocument, AuditsListLinks, AuditsListMeta } from './page.js';
export type { AuditAttributes, AuditResource } from './resource.js';
export { compareInstants, formatWithOffset, parseInstant, type Instant } from './instants.js';
export { mulberry32 } from './prng.js';
