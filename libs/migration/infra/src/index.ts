export { DEFAULT_RETRY_POLICY, governedCall, jitteredDelay, type RetryPolicy } from './throttle/governed-call';
