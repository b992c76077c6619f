/**
 * The words Rootly audit records are made of, shared by every generator of realistic records
 * (the connector's synthetic source and the mock Rootly server), so that both speak alike.
 * Item types are taken from the enum in Rootly's published spec, so generated pages validate
 * against it. The order of every list is part of the synthetic source's output: a generator
 * picks by index, so reordering or inserting changes which records a seed yields.
 */

export interface ItemKind {
  /** `item_type` as Rootly sends it. */
  itemType: string;
  /** `item_type_display`. */
  display: string;
  /** How often this kind of item changes relative to the others, for generators that weigh. */
  weight: number;
  /** Fields an update on this kind of item typically changes. */
  fields: readonly string[];
}

export const ITEM_KINDS: readonly ItemKind[] = [
  { itemType: 'Incident', display: 'Incident', weight: 30, fields: ['status', 'severity_id', 'title', 'summary'] },
  { itemType: 'Schedule', display: 'Schedule', weight: 10, fields: ['name', 'time_zone', 'description'] },
  { itemType: 'Alerts::Source', display: 'Alert Source', weight: 8, fields: ['name', 'status', 'source_type'] },
  { itemType: 'EscalationPolicy', display: 'Escalation Policy', weight: 4, fields: ['name', 'repeat_count'] },
  { itemType: 'Group', display: 'Team', weight: 7, fields: ['name', 'slack_channels'] },
  { itemType: 'Service', display: 'Service', weight: 8, fields: ['name', 'color', 'public_description'] },
  { itemType: 'GeniusWorkflow', display: 'Workflow', weight: 7, fields: ['name', 'enabled', 'triggers'] },
  { itemType: 'Membership', display: 'Membership', weight: 8, fields: ['role', 'time_zone'] },
  { itemType: 'ApiKey', display: 'API Key', weight: 2, fields: ['name', 'expires_at'] },
  { itemType: 'Severity', display: 'Severity', weight: 2, fields: ['name', 'color', 'severity'] },
];

/** Updates outnumber creations and deletions, as in any live account. */
export const EVENTS = ['create', 'update', 'update', 'update', 'destroy'] as const;

/** Where a change came from (`source`, an attribute Rootly sends beyond its spec). */
export const SOURCES = ['web', 'web', 'api', 'slack', 'mobile', 'scim', 'oauth'] as const;

/** The client an automation account calls the API with. */
export const AUTOMATION_USER_AGENT = 'Terraform/1.9.8 terraform-provider-rootly/2.14.0';

export const USER_AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  AUTOMATION_USER_AGENT,
  'Rootly/3.42 (iPhone; iOS 18.1)',
  'Slackbot 1.0 (+https://api.slack.com/robots)',
] as const;

/** What Rootly's own workflows send as their client: they act without a user. */
export const WORKFLOW_USER_AGENT = 'Rootly Workflow Engine';

export interface AuditUser {
  id: number;
  name: string;
  email: string;
  /** An automation account: it always calls the API, with AUTOMATION_USER_AGENT. */
  automation?: true;
}

export const USERS: readonly AuditUser[] = [
  { id: 1001, name: 'Maya Chen', email: 'maya.chen@example.com' },
  { id: 1002, name: 'Jordan Alvarez', email: 'jordan.alvarez@example.com' },
  { id: 1003, name: 'Priya Natarajan', email: 'priya.natarajan@example.com' },
  { id: 1004, name: 'Sam Okafor', email: 'sam.okafor@example.com' },
  { id: 1005, name: 'Elena Petrova', email: 'elena.petrova@example.com' },
  { id: 1006, name: 'Terraform Bot', email: 'terraform-bot@example.com', automation: true },
];
