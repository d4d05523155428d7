export { createHttpApp, type HttpAppOptions, type TextBodyType, type TrustProxy } from './http-app.factory';
export { listen, type ListenOptions, type ListeningAddress } from './listen.bootstrap';
export {
  installShutdown,
  type ShutdownOptions,
  type ShutdownProcess,
  type ShutdownSignal,
} from './graceful-shutdown.bootstrap';
