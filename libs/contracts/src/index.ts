export * from './contract';
export * from './subjects';
export * from './gen/ferry/platform/v1/rpc_pb';
export * from './gen/ferry/platform/v1/dead_letter_pb';
export * from './gen/ferry/audit/v1/audit_event_pb';
export * from './gen/ferry/audit/v1/audit_query_pb';
export * from './gen/ferry/connectors/v1/connector_pb';
export * from './gen/ferry/identity/v1/identity_pb';
