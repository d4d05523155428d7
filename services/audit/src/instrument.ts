// Loaded first by main.ts. Validates every setting (exit 78 naming the bad ones), then starts
// OpenTelemetry, which patches http, pg, tedious and Nest as they load. Imports nothing else.
import { exitOnConfigError, loadConfigOrExit } from '@ferry/platform/config';
import { auditForwardingSettings } from '@ferry/audit/forwarding-config';
import { startTelemetry } from '@ferry/platform/telemetry';
import { configSchema } from './config';

export const loaded = loadConfigOrExit(configSchema);
export const telemetry = exitOnConfigError(() => startTelemetry({ serviceName: 'audit' }));
/** The SIEM destinations (none unless configured); secrets read from their files here. */
export const forwarding = exitOnConfigError(() => auditForwardingSettings(loaded.config));
