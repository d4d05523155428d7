// Loaded before anything else in main.ts: OpenTelemetry patches http, pg and Nest as they load.
import { startTelemetry } from '@ferry/platform/telemetry';

export const telemetry = startTelemetry({ serviceName: 'connectors' });
