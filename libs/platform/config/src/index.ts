export { ConfigError, type ConfigIssue } from './config.error';
export {
  EXIT_CONFIG,
  exitOnConfigError,
  loadConfig,
  loadConfigOrExit,
  type Env,
  type LoadConfigOptions,
  type LoadedConfig,
} from './config.loader';
export {
  REQUIRED,
  base64KeyValue,
  blankToUndefined,
  databaseUrlValue,
  defaultedVar,
  enumValue,
  integerValue,
  optionalVar,
  patternValue,
  readableDirectoryValue,
  readableFileValue,
  requiredVar,
  stringValue,
  urlListValue,
} from './field.builders';
export {
  LOG_LEVELS,
  MIB,
  PAIRED_VARIABLES,
  baseServiceSchema,
  databaseUrlField,
  httpBodyLimitField,
  httpHostField,
  httpPortField,
  httpTrustProxyField,
  identityIssuerField,
  logLevelField,
  natsPrefixField,
  natsUrlField,
  pseudonymKeyField,
  regionField,
  shutdownTimeoutField,
  tlsFileField,
  withDatabase,
  type BaseServiceConfig,
} from './base-service.schema';
export { serviceKeyFileField, serviceTrustDirField } from './service-identity.fields';
export { unknownFerryVariables } from './unknown-variables.guard';
